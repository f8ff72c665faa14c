//! HR's pages: every open request across the organisation, a new request
//! from a library item (the spotlights' audience builder), sending, closing,
//! and asking again for a newer version.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::compliance::{self, Counts};
use super::model::{Cadence, RawRequest};
use super::{sending, store};
use crate::auth::extract::{HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm, EmptyForm};
use crate::entities::acknowledgement_request::{self as request, RequestStatus};
use crate::entities::collateral;
use crate::error::{AppError, Result};
use crate::spotlights::audience_form::{self, Group};
use crate::spotlights::form::Fields;
use crate::state::AppState;
use crate::web::layout::{render, Layout};

pub struct Row {
    pub model: request::Model,
    pub title: String,
    pub counts: Counts,
}

#[derive(askama::Template)]
#[template(path = "acknowledgements/index.html")]
struct IndexPage {
    layout: Layout,
    open: Vec<Row>,
    others: Vec<Row>,
}

async fn rows(state: &AppState, models: Vec<request::Model>) -> Result<Vec<Row>> {
    let today = state.config.clock.now().date_naive();
    let mut rows = Vec::with_capacity(models.len());
    for model in models {
        let title = crate::library::service::find_by_id(&state.db, model.collateral_id).await.map(|item| item.title).unwrap_or_default();
        rows.push(Row { counts: compliance::figures(&state.db, &model, today).await?.counts, title, model });
    }
    Ok(rows)
}

/// The organisation-wide page: every open request first, then drafts and closed ones.
pub async fn index(user: Require<HrStaff>, State(state): State<AppState>) -> Result<Html<String>> {
    let open = rows(&state, store::list(&state.db, &[RequestStatus::Open]).await?).await?;
    let others = rows(&state, store::list(&state.db, &[RequestStatus::Draft, RequestStatus::Closed]).await?).await?;
    render(&IndexPage { layout: Layout::for_user(user.user()), open, others })
}

#[derive(askama::Template)]
#[template(path = "acknowledgements/new.html")]
struct NewPage {
    layout: Layout,
    item: collateral::Model,
    raw: RawRequest,
    emails_text: String,
    groups: Vec<Group>,
    errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    collateral: i32,
}

async fn form_page(state: &AppState, auth: &AuthSession, raw: RawRequest, errors: Vec<String>) -> Result<Html<String>> {
    let item = crate::library::service::find_by_id(&state.db, raw.collateral_id).await?;
    render(&NewPage {
        layout: Layout::for_user(auth),
        item,
        emails_text: raw.audience.emails.join("\n"),
        groups: audience_form::groups(state, &raw.audience).await?,
        raw,
        errors,
    })
}

pub async fn new(user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<NewQuery>) -> Result<Html<String>> {
    let due = state.config.clock.now().date_naive() + chrono::Duration::days(14);
    let raw = RawRequest { collateral_id: query.collateral, due_date: due.to_string(), ..Default::default() };
    form_page(&state, user.user(), raw, vec![]).await
}

fn raw_of(fields: &Fields) -> RawRequest {
    let days = |name: &str| fields.one(name).trim().parse::<i32>().unwrap_or(-1);
    RawRequest {
        collateral_id: fields.one("collateral_id").trim().parse().unwrap_or(0),
        audience: fields.audience(),
        due_date: fields.one("due_date"),
        statement: fields.one("statement"),
        question: fields.one("question"),
        cadence: Cadence { every_days: days("every_days"), days_before: days("days_before"), escalate_to_manager: fields.flag("escalate_to_manager") },
    }
}

/// Stores the request and, with "Send now", sends it.
pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> Result<Response> {
    let fields = Fields(fields);
    let raw = raw_of(&fields);
    let now = state.config.clock.now();
    let input = match raw.clone().parse(now.date_naive()) {
        Ok(input) => input,
        Err(errors) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&state, user.user(), raw, errors).await?).into_response()),
    };
    let model = match sending::create(&state.db, user.user().user.id, input, None, now).await {
        Ok(model) => model,
        Err(AppError::Unprocessable(error)) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&state, user.user(), raw, vec![error]).await?).into_response()),
        Err(err) => return Err(err),
    };
    if fields.one("action") == "send" {
        sending::send(&state.db, &model, state.config.host(), now).await?;
        state.mailer.wake();
    }
    Ok(Redirect::to(&format!("/acknowledgements/{}", model.id)).into_response())
}

pub async fn send(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    let model = store::find(&state.db, id).await?;
    sending::send(&state.db, &model, state.config.host(), state.config.clock.now()).await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/acknowledgements/{id}")))
}

/// Stops reminding; the evidence stays.
pub async fn close(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    store::find(&state.db, id).await?;
    if !store::close(&state.db, id, state.config.clock.now()).await? {
        return Err(AppError::Conflict("This request is already closed.".into()));
    }
    Ok(Redirect::to(&format!("/acknowledgements/{id}")))
}

#[derive(Debug, Deserialize)]
pub struct AgainForm {
    #[serde(default)]
    material: String,
    #[serde(default)]
    due_date: String,
}

/// A newer version HR marks as material: the same audience is asked again
/// for it, and the earlier request closes with its evidence intact.
pub async fn ask_again(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<AgainForm>) -> Result<Redirect> {
    if form.material.is_empty() {
        return Err(AppError::Unprocessable("Tick “This change is material” to ask everyone again.".into()));
    }
    let previous = store::find(&state.db, id).await?;
    let now = state.config.clock.now();
    let model = super::versions::ask_again(&state.db, &previous, user.user().user.id, &form.due_date, state.config.host(), now).await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/acknowledgements/{}", model.id)))
}
