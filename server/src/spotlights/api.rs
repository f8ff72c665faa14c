//! `/api/v1/announcements`, `/api/v1/lists` and `/api/v1/bounces`: the
//! spotlight workflow for scripts and integrations (HR staff and above).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::lists::{AddReport, ListView};
use super::model::Audience;
use super::service::{self, RawAnnouncement};
use super::status::{self, Delivery};
use super::{lists, sending, templates};
use crate::auth::extract::{HrStaff, Require};
use crate::delivery::bounces::{self, BounceOutcome, BounceReport};
use crate::entities::announcement;
use crate::error::{AppError, Result};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnnouncementBody {
    pub title: String,
    pub subject: String,
    /// A template's slug (e.g. `benefit-change`, `new-policy`, `open-enrolment`, `answer-to-your-question`) or id.
    #[serde(default = "default_template")]
    pub template: String,
    /// HR's message, in Markdown.
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub collateral_ids: Vec<i32>,
    #[serde(default)]
    pub audience: Audience,
    /// Tell the sender when a recipient first opens the spotlight.
    #[serde(default)]
    pub notify_on_open: bool,
}

fn default_template() -> String {
    "benefit-change".into()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i32,
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedView {
    pub email: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementView {
    pub id: i32,
    pub title: String,
    pub subject: String,
    pub template: String,
    pub message: String,
    /// draft, scheduled, sending, paused, sent or cancelled.
    pub status: String,
    pub collateral_ids: Vec<i32>,
    pub audience: Audience,
    pub notify_on_open: bool,
    /// People it was addressed to and can be sent to.
    pub recipients: u64,
    /// People left out, with the reason.
    pub skipped: Vec<SkippedView>,
    pub delivery: Delivery,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// none, pending, approved or returned.
    pub review: String,
    /// Whether the organisation's approval rule applies to it (as its audience resolves now).
    pub needs_approval: bool,
}

pub(super) async fn view(state: &AppState, model: announcement::Model) -> Result<AnnouncementView> {
    let template = templates::find(&state.db, model.template_id).await?;
    let (sendable, skipped) = status::audience_report(&state.db, model.id).await?;
    let policy = super::approval::policy(&state.db).await?;
    let needs_approval = model.started_at.is_none() && super::review::needs_approval(&state.db, &policy, &model).await?;
    Ok(AnnouncementView {
        review: super::review::Review::of(&model)?.as_str().into(),
        needs_approval,
        collateral_ids: service::item_ids(&state.db, model.id).await?,
        audience: service::audience_of(&model),
        delivery: status::delivery(&state.db, model.id).await?,
        recipients: sendable,
        skipped: skipped.into_iter().map(|r| SkippedView { email: r.email, name: r.name, reason: r.skip_reason.unwrap_or_default() }).collect(),
        template: template.slug,
        id: model.id,
        title: model.title,
        subject: model.subject,
        message: model.message,
        status: model.status,
        notify_on_open: model.notify_on_open,
        scheduled_at: model.scheduled_at,
        started_at: model.started_at,
        completed_at: model.completed_at,
        created_at: model.created_at,
    })
}

/// Creates a draft announcement.
#[utoipa::path(post, path = "/api/v1/announcements", tag = "spotlights", request_body = AnnouncementBody,
    responses((status = 201, body = Created), (status = 401), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, Json(body): Json<AnnouncementBody>) -> Result<(StatusCode, Json<Created>)> {
    let raw = RawAnnouncement {
        title: body.title,
        subject: body.subject,
        template: body.template,
        message: body.message,
        collateral_ids: body.collateral_ids,
        audience: body.audience,
        notify_on_open: body.notify_on_open,
    };
    let input = service::parse(&state.db, raw).await.map_err(|errors| AppError::Unprocessable(errors.join(" ")))?;
    let model = service::create(&state.db, user.user().user.id, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: model.id, status: model.status })))
}

/// Announcements, newest first.
#[utoipa::path(get, path = "/api/v1/announcements", tag = "spotlights",
    responses((status = 200, body = [AnnouncementView]), (status = 401), (status = 403)), security(("bearer" = [])))]
pub async fn list(_user: Require<HrStaff>, State(state): State<AppState>) -> Result<Json<Vec<AnnouncementView>>> {
    let models = announcement::Entity::find().order_by_desc(announcement::Column::Id).limit(200).all(&state.db).await?;
    let mut views = Vec::with_capacity(models.len());
    for model in models {
        views.push(view(&state, model).await?);
    }
    Ok(Json(views))
}

/// One announcement with its status and delivery counts.
#[utoipa::path(get, path = "/api/v1/announcements/{id}", tag = "spotlights", params(("id" = i32, Path)),
    responses((status = 200, body = AnnouncementView), (status = 401), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn get(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<AnnouncementView>> {
    let model = service::find(&state.db, id).await?;
    Ok(Json(view(&state, model).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SendBody {
    /// When each recipient gets it; absent: as soon as possible.
    #[serde(default)]
    pub window: Option<super::window::SendWindow>,
    /// Send despite broken links or unfilled placeholders (recorded in the audit trail).
    #[serde(default)]
    pub send_anyway: bool,
}

/// Queues the announcement for every recipient at once (no undo window: a
/// script has decided); delivery goes on in the background. One that needs
/// approval and has none answers 409; one with broken links or unfilled
/// placeholders (and no approval) answers 422 with them, unless `send_anyway`.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/send", tag = "spotlights", params(("id" = i32, Path)), request_body = Option<SendBody>,
    responses((status = 202, description = "queued"), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn send(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, body: Option<Json<SendBody>>) -> Result<(StatusCode, Json<serde_json::Value>)> {
    let body = body.map(|Json(body)| body).unwrap_or_default();
    let me = &user.user().user;
    let passed_over = super::safety_checks::guard_send(&state, &service::find(&state.db, id).await?, me, body.send_anyway).await?;
    service::set_window(&state.db, id, body.window.as_ref()).await?;
    let report = sending::start_sending_as(&state.db, id, state.config.host(), Some(me.id)).await?;
    super::safety_checks::record_override(&state, id, me.id, &passed_over).await?;
    state.mailer.wake();
    let body = json!({ "id": id, "status": "sending", "recipients": report.recipients, "skipped": report.skipped });
    Ok((StatusCode::ACCEPTED, Json(body)))
}

macro_rules! state_change {
    ($name:ident, $path:literal, $call:path, $what:literal) => {
        #[doc = $what]
        #[utoipa::path(post, path = $path, tag = "spotlights", params(("id" = i32, Path)),
            responses((status = 200, body = AnnouncementView), (status = 401), (status = 403), (status = 404), (status = 409)),
            security(("bearer" = [])))]
        pub async fn $name(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<AnnouncementView>> {
            $call(&state.db, id).await?;
            state.mailer.wake();
            Ok(Json(view(&state, service::find(&state.db, id).await?).await?))
        }
    };
}

state_change!(pause, "/api/v1/announcements/{id}/pause", service::pause, "Pauses a running blast; messages in flight finish.");
state_change!(resume, "/api/v1/announcements/{id}/resume", service::resume, "Resumes a paused blast where it stopped.");
state_change!(cancel, "/api/v1/announcements/{id}/cancel", service::cancel, "Cancels: nothing more is sent.");

/// Distribution lists with their sizes.
#[utoipa::path(get, path = "/api/v1/lists", tag = "spotlights",
    responses((status = 200, body = [ListView]), (status = 401), (status = 403)), security(("bearer" = [])))]
pub async fn lists(_user: Require<HrStaff>, State(state): State<AppState>) -> Result<Json<Vec<ListView>>> {
    Ok(Json(lists::all(&state.db).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ListBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Members to add, by email; addresses not in the directory are reported.
    #[serde(default)]
    pub emails: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListCreated {
    pub id: i32,
    pub name: String,
    pub members: AddReport,
}

/// Creates a distribution list, optionally with members.
#[utoipa::path(post, path = "/api/v1/lists", tag = "spotlights", request_body = ListBody,
    responses((status = 201, body = ListCreated), (status = 401), (status = 403), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create_list(user: Require<HrStaff>, State(state): State<AppState>, Json(body): Json<ListBody>) -> Result<(StatusCode, Json<ListCreated>)> {
    let list = lists::create(&state.db, user.user().user.id, &body.name, &body.description).await?;
    let entries: Vec<_> = body.emails.iter().enumerate().map(|(i, e)| (format!("emails[{i}]"), e.clone())).collect();
    let members = lists::add_members(&state.db, list.id, &entries).await?;
    Ok((StatusCode::CREATED, Json(ListCreated { id: list.id, name: list.name, members })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MembersBody {
    pub emails: Vec<String>,
}

/// Adds people to a list by email.
#[utoipa::path(post, path = "/api/v1/lists/{id}/members", tag = "spotlights", params(("id" = i32, Path)), request_body = MembersBody,
    responses((status = 200, body = AddReport), (status = 401), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn add_members(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, Json(body): Json<MembersBody>) -> Result<Json<AddReport>> {
    let list = lists::find(&state.db, id).await?;
    let entries: Vec<_> = body.emails.iter().enumerate().map(|(i, e)| (format!("emails[{i}]"), e.clone())).collect();
    Ok(Json(lists::add_members(&state.db, list.id, &entries).await?))
}

/// Records a bounce reported by the mail system.
#[utoipa::path(post, path = "/api/v1/bounces", tag = "spotlights", request_body = BounceReport,
    responses((status = 200, body = BounceOutcome), (status = 401), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn bounce(_user: Require<HrStaff>, State(state): State<AppState>, Json(report): Json<BounceReport>) -> Result<Json<BounceOutcome>> {
    Ok(Json(bounces::record(&state.db, report).await?))
}
