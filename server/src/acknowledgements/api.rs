//! `/api/v1/acknowledgements`: create and list requests, their status and
//! per-person status (HR staff and above), and confirming (the person asked,
//! with their own token).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compliance::{self, Counts, PersonRow};
use super::evidence::{self, Confirmed};
use super::model::{Cadence, RawRequest};
use super::{sending, store};
use crate::auth::extract::{CurrentUser, HrStaff, Require};
use crate::entities::acknowledgement_request as request;
use crate::entities::attestation::{self, Channel};
use crate::error::{AppError, Result};
use crate::spotlights::model::Audience;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RequestBody {
    pub collateral_id: i32,
    /// The same shape as an announcement's audience.
    #[serde(default)]
    pub audience: Audience,
    /// `YYYY-MM-DD`: people confirm by the end of this day (UTC).
    pub due_date: String,
    /// What people confirm; default "I have read and understood “<title>”, version <n>."
    #[serde(default)]
    pub statement: String,
    /// An optional question people may answer when they confirm.
    #[serde(default)]
    pub question: String,
    /// Reminders and escalation; default every 7 days and 2 days before the due date, no escalation.
    #[serde(default)]
    pub reminders: Cadence,
    /// `false` keeps it a draft; by default it is sent at once.
    #[serde(default = "yes")]
    pub send: bool,
}

fn yes() -> bool {
    true
}

/// A request and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    pub id: i32,
    /// draft, open or closed.
    pub status: String,
    pub collateral_id: i32,
    /// The item's version people confirm.
    pub version: i32,
    /// SHA-256 (hex) of that version's stored body text.
    pub text_sha256: String,
    pub announcement_id: Option<i32>,
    pub audience: Audience,
    pub due_date: NaiveDate,
    pub statement: String,
    pub question: String,
    pub reminders: Cadence,
    /// The request for an earlier version that this one asks again.
    pub supersedes_id: Option<i32>,
    pub asked: u64,
    pub confirmed: u64,
    pub pending: u64,
    pub overdue: u64,
    pub left: u64,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub async fn view(state: &AppState, model: request::Model) -> Result<RequestView> {
    let Counts { asked, confirmed, pending, overdue, left } = compliance::figures(&state.db, &model, state.config.clock.now().date_naive()).await?.counts;
    Ok(RequestView {
        audience: store::audience_of(&model),
        reminders: Cadence { every_days: model.remind_every_days, days_before: model.remind_days_before, escalate_to_manager: model.escalate_to_manager },
        id: model.id,
        status: model.status.as_str().into(),
        collateral_id: model.collateral_id,
        version: model.collateral_version,
        text_sha256: model.text_sha256,
        announcement_id: model.announcement_id,
        due_date: model.due_date,
        statement: model.statement,
        question: model.question,
        supersedes_id: model.supersedes_id,
        asked,
        confirmed,
        pending,
        overdue,
        left,
        created_at: model.created_at,
        sent_at: model.sent_at,
    })
}

/// Creates a request for the item's current version and, unless `"send": false`, sends it at once.
#[utoipa::path(post, path = "/api/v1/acknowledgements", tag = "acknowledgements", request_body = RequestBody,
    responses((status = 201, body = RequestView), (status = 401), (status = 403), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, Json(body): Json<RequestBody>) -> Result<(StatusCode, Json<RequestView>)> {
    let now = state.config.clock.now();
    let raw = RawRequest {
        collateral_id: body.collateral_id,
        audience: body.audience,
        due_date: body.due_date,
        statement: body.statement,
        question: body.question,
        cadence: body.reminders,
    };
    let input = raw.parse(now.date_naive()).map_err(|errors| AppError::Unprocessable(errors.join(" ")))?;
    let model = sending::create(&state.db, user.user().user.id, input, None, now).await?;
    if body.send {
        sending::send(&state.db, &model, state.config.host(), now).await?;
        state.mailer.wake();
    }
    let model = store::find(&state.db, model.id).await?;
    Ok((StatusCode::CREATED, Json(view(&state, model).await?)))
}

/// Every request, newest first.
#[utoipa::path(get, path = "/api/v1/acknowledgements", tag = "acknowledgements",
    responses((status = 200, body = [RequestView]), (status = 401), (status = 403)), security(("bearer" = [])))]
pub async fn list(_user: Require<HrStaff>, State(state): State<AppState>) -> Result<Json<Vec<RequestView>>> {
    let mut views = vec![];
    for model in store::list(&state.db, &[]).await? {
        views.push(view(&state, model).await?);
    }
    Ok(Json(views))
}

/// One request with its confirmed, pending and overdue counts.
#[utoipa::path(get, path = "/api/v1/acknowledgements/{id}", tag = "acknowledgements", params(("id" = i32, Path)),
    responses((status = 200, body = RequestView), (status = 401), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn get(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<RequestView>> {
    let model = store::find(&state.db, id).await?;
    Ok(Json(view(&state, model).await?))
}

/// Everyone the request asks, with their status and, once confirmed, the evidence.
#[utoipa::path(get, path = "/api/v1/acknowledgements/{id}/people", tag = "acknowledgements", params(("id" = i32, Path)),
    responses((status = 200, body = [PersonRow]), (status = 401), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn people(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<Vec<PersonRow>>> {
    let model = store::find(&state.db, id).await?;
    Ok(Json(compliance::people(&state.db, &model, state.config.clock.now().date_naive(), false, None).await?))
}

/// Sends a draft request.
#[utoipa::path(post, path = "/api/v1/acknowledgements/{id}/send", tag = "acknowledgements", params(("id" = i32, Path)),
    responses((status = 200, body = RequestView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn send(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<RequestView>> {
    let model = store::find(&state.db, id).await?;
    sending::send(&state.db, &model, state.config.host(), state.config.clock.now()).await?;
    state.mailer.wake();
    Ok(Json(view(&state, store::find(&state.db, id).await?).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ConfirmBody {
    /// The answer to the request's question, if it has one.
    #[serde(default)]
    pub answer: String,
}

/// An attestation: who confirmed which version (with its hash), when and how.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttestationView {
    pub id: i32,
    pub request_id: i32,
    pub collateral_id: i32,
    pub version: i32,
    pub text_sha256: String,
    pub channel: Channel,
    pub answer: String,
    pub confirmed_at: DateTime<Utc>,
}

impl AttestationView {
    pub fn of(model: &attestation::Model) -> AttestationView {
        AttestationView {
            id: model.id,
            request_id: model.request_id,
            collateral_id: model.collateral_id,
            version: model.collateral_version,
            text_sha256: model.text_sha256.clone(),
            channel: model.channel,
            answer: model.answer.clone(),
            confirmed_at: model.confirmed_at,
        }
    }
}

/// The signed-in person confirms that they read the request's version.
#[utoipa::path(post, path = "/api/v1/acknowledgements/{id}/confirm", tag = "acknowledgements", params(("id" = i32, Path)), request_body = ConfirmBody,
    responses((status = 201, body = AttestationView), (status = 200, body = AttestationView, description = "already confirmed: the earlier evidence stands"), (status = 401), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn confirm(CurrentUser(auth): CurrentUser, State(state): State<AppState>, Path(id): Path<i32>, body: Option<Json<ConfirmBody>>) -> Result<(StatusCode, Json<AttestationView>)> {
    let model = store::find(&state.db, id).await?;
    // Someone the request does not ask learns nothing about it.
    let person = store::person_in(&state.db, id, auth.user.id).await?.ok_or(AppError::NotFound)?;
    let answer = body.map(|Json(body)| body.answer).unwrap_or_default();
    match evidence::confirm(&state.db, &model, &person, Channel::Api, &answer, state.config.clock.now()).await? {
        Confirmed::New(row) => Ok((StatusCode::CREATED, Json(AttestationView::of(&row)))),
        Confirmed::Already(row) => Ok((StatusCode::OK, Json(AttestationView::of(&row)))),
    }
}

/// The signed-in person's own attestations, newest first.
#[utoipa::path(get, path = "/api/v1/acknowledgements/mine", tag = "acknowledgements",
    responses((status = 200, body = [AttestationView]), (status = 401)), security(("bearer" = [])))]
pub async fn mine(CurrentUser(auth): CurrentUser, State(state): State<AppState>) -> Result<Json<Vec<AttestationView>>> {
    Ok(Json(evidence::of_user(&state.db, auth.user.id).await?.iter().map(|row| AttestationView::of(row)).collect()))
}
