//! `/analytics/privacy`: where an HR lead decides whether HR staff see
//! individual opens and clicks (see [`super::individual`]).

use axum::extract::{Query, State};
use axum::response::{Html, Redirect};
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
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct PrivacyQuery {
    #[serde(default)]
    saved: String,
}

pub async fn page(user: Require<HrLead>, State(state): State<AppState>, Query(query): Query<PrivacyQuery>) -> Result<Html<String>> {
    let setting = individual::current(&state.db).await?;
    render(&PrivacyPage { layout: Layout::for_user(user.user()), notice: setting.employee_notice(), setting, saved: !query.saved.is_empty() })
}

#[derive(Debug, Deserialize)]
pub struct PrivacyForm {
    /// `on` or `off`.
    individual_tracking: String,
}

/// `POST /analytics/privacy`: turns individual-level tracking on or off.
pub async fn save(user: Require<HrLead>, State(state): State<AppState>, CsrfForm(form): CsrfForm<PrivacyForm>) -> Result<Redirect> {
    let enabled = match form.individual_tracking.trim() {
        "on" => true,
        "off" => false,
        other => return Err(AppError::Unprocessable(format!("Choose on or off for individual-level tracking, not {other:?}."))),
    };
    individual::set(&state.db, enabled, &user.user().user).await?;
    Ok(Redirect::to("/analytics/privacy?saved=1"))
}
