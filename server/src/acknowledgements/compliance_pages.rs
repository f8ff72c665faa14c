//! The compliance view of one request (HR staff and leads), its CSV export
//! and its print-ready page for auditors.

use axum::extract::{Path, State};
use axum::response::{Html, Response};

use super::compliance::{self, Figures, PersonRow};
use super::store;
use crate::auth::extract::{HrStaff, Require};
use crate::entities::acknowledgement_request::{self as request, RequestStatus};
use crate::entities::collateral;
use crate::error::Result;
use crate::state::AppState;
use crate::web::layout::{render, Layout};

/// How many outstanding people the page lists; the CSV has everyone.
const LISTED: u64 = 500;

#[derive(askama::Template)]
#[template(path = "acknowledgements/show.html")]
struct CompliancePage {
    layout: Layout,
    model: request::Model,
    item: collateral::Model,
    audience: String,
    figures: Figures,
    timeline: Vec<(String, u64)>,
    outstanding: Vec<PersonRow>,
    listed: u64,
    /// The item has a version newer than the one asked about.
    newer: bool,
    open: bool,
    draft: bool,
    superseded_by: Option<i32>,
}

pub async fn show(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let model = store::find(&state.db, id).await?;
    let today = state.config.clock.now().date_naive();
    let item = crate::library::service::find_by_id(&state.db, model.collateral_id).await?;
    let superseded_by = store::list(&state.db, &[]).await?.into_iter().find(|other| other.supersedes_id == Some(id)).map(|other| other.id);
    render(&CompliancePage {
        layout: Layout::for_user(user.user()),
        audience: store::audience_of(&model).describe(),
        figures: compliance::figures(&state.db, &model, today).await?,
        timeline: compliance::timeline(&state.db, id).await?,
        outstanding: compliance::people(&state.db, &model, today, true, Some(LISTED)).await?,
        listed: LISTED,
        newer: item.version > model.collateral_version,
        open: model.status == RequestStatus::Open,
        draft: model.status == RequestStatus::Draft,
        superseded_by,
        item,
        model,
    })
}

const CSV_HEADER: [&str; 14] = [
    "request_id", "collateral_id", "item", "version", "text_sha256", "name", "email", "department", "location", "manager", "status", "confirmed_at", "channel", "answer",
];

/// Everyone the request asks, with the evidence of those who confirmed.
pub async fn csv(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Response> {
    let model = store::find(&state.db, id).await?;
    let item = crate::library::service::find_by_id(&state.db, model.collateral_id).await?;
    let people = compliance::people(&state.db, &model, state.config.clock.now().date_naive(), false, None).await?;
    let rows = people.into_iter().map(|person| {
        vec![
            model.id.to_string(),
            model.collateral_id.to_string(),
            item.title.clone(),
            person.version.unwrap_or(model.collateral_version).to_string(),
            person.text_sha256.clone().unwrap_or_else(|| model.text_sha256.clone()),
            person.name,
            person.email,
            person.department,
            person.location,
            person.manager_email.unwrap_or_default(),
            person.status.as_str().to_owned(),
            person.confirmed_at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default(),
            person.channel.unwrap_or_default(),
            person.answer.unwrap_or_default(),
        ]
    });
    crate::web::csv_file::download(&format!("acknowledgement-{id}.csv"), &CSV_HEADER, rows)
}

#[derive(askama::Template)]
#[template(path = "acknowledgements/print.html")]
struct PrintPage {
    layout: Layout,
    model: request::Model,
    item: collateral::Model,
    audience: String,
    figures: Figures,
    people: Vec<PersonRow>,
    printed_at: String,
}

/// Ready to print or save as PDF from the browser: the request, its figures and every person's evidence.
pub async fn print(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let model = store::find(&state.db, id).await?;
    let now = state.config.clock.now();
    render(&PrintPage {
        layout: Layout::for_user(user.user()),
        item: crate::library::service::find_by_id(&state.db, model.collateral_id).await?,
        audience: store::audience_of(&model).describe(),
        figures: compliance::figures(&state.db, &model, now.date_naive()).await?,
        people: compliance::people(&state.db, &model, now.date_naive(), false, None).await?,
        printed_at: now.format("%Y-%m-%d %H:%M UTC").to_string(),
        model,
    })
}
