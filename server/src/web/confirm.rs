//! "Are you sure?" for actions that cannot be taken back (cancelling a
//! running send, changing what HR may see of employees). The action's form
//! posts without `confirm=yes`; the handler answers this page instead of
//! acting, and its button posts the same fields again with `confirm=yes` and
//! a fresh CSRF token. It works without JavaScript, and a forged or replayed
//! first click changes nothing.

use axum::response::Html;

use super::layout::{render, Layout};
use crate::error::Result;

#[derive(askama::Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    /// The question, as the page's heading.
    pub question: String,
    /// What happens, one sentence each.
    pub consequences: Vec<String>,
    /// Where the confirmed form posts.
    pub action: String,
    /// The original form's fields, posted again.
    pub fields: Vec<(String, String)>,
    pub confirm_label: String,
    /// Where "keep it as it is" leads.
    pub back: String,
}

/// Whether a form carries the confirmation.
pub fn confirmed(value: &str) -> bool {
    value == "yes"
}

pub fn page(page: &ConfirmPage) -> Result<Html<String>> {
    render(page)
}
