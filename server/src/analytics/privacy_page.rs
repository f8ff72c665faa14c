//! `/analytics/privacy`: where an HR lead decides whether HR staff see
//! individual opens and clicks (see [`super::individual`]).

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::individual::{self, IndividualTracking};
use crate::auth::extract::{HrLead, Require};
use crate::auth::CsrfForm;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "analytics/privacy.html")]
struct PrivacyPage {
    layout: Layout,
    setting: IndividualTracking,
    notice: String,
}

pub async fn page(user: Require<HrLead>, State(state): State<AppState>) -> Result<Html<String>> {
    let setting = individual::current(&state.db).await?;
    render(&PrivacyPage { layout: Layout::for_user(user.user()), notice: setting.employee_notice(), setting })
}

#[derive(Debug, Deserialize)]
pub struct PrivacyForm {
    /// `on` or `off`.
    individual_tracking: String,
    /// `yes` once the lead has confirmed on the page that says what changes.
    #[serde(default)]
    confirm: String,
}

/// `POST /analytics/privacy`: turns individual-level tracking on or off.
pub async fn save(user: Require<HrLead>, State(state): State<AppState>, CsrfForm(form): CsrfForm<PrivacyForm>) -> Result<Response> {
    let enabled = match form.individual_tracking.trim() {
        "on" => true,
        "off" => false,
        other => return Err(AppError::Unprocessable(format!("Choose on or off for individual-level tracking, not {other:?}."))),
    };
    if !crate::web::confirm::confirmed(&form.confirm) {
        return Ok(confirm(user.user(), enabled)?.into_response());
    }
    individual::set(&state.db, enabled, &user.user().user).await?;
    Ok(crate::web::notice::redirect("/analytics/privacy", crate::web::notice::Notice::PrivacyChanged).into_response())
}

/// What turning the setting on or off changes, asked before it does.
fn confirm(auth: &crate::auth::AuthSession, enabled: bool) -> Result<Html<String>> {
    let (question, consequences, label) = if enabled {
        (
            "Turn individual-level tracking on?",
            vec![
                "HR staff will see each recipient's first open, visit and click.",
                "Senders who ask are told when an invited person first opens their spotlight, and webhook events carry the recipient's id.",
                "Every employee is told on their home page and on every spotlight page that HR can see this.",
            ],
            "Yes, turn it on",
        )
    } else {
        (
            "Turn individual-level tracking off?",
            vec![
                "HR staff will see opens, visits and clicks in aggregate only; per-person columns disappear.",
                "Employees are told that HR sees only totals.",
            ],
            "Yes, turn it off",
        )
    };
    crate::web::confirm::page(&crate::web::confirm::ConfirmPage {
        layout: Layout::for_user(auth),
        question: question.to_owned(),
        consequences: consequences.into_iter().map(str::to_owned).collect(),
        action: "/analytics/privacy".to_owned(),
        fields: vec![("individual_tracking".to_owned(), if enabled { "on" } else { "off" }.to_owned())],
        confirm_label: label.to_owned(),
        back: "/analytics/privacy".to_owned(),
    })
}
