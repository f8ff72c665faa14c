//! `/api/v1/announcements/{id}/submit|approve|reject` and `/audit`: the
//! approval workflow for scripts, with the same rules as the pages (a token
//! belongs to a person, and that person cannot approve their own spotlight).

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::api::{view, AnnouncementView};
use super::audit::{self, AuditEntry};
use super::preflight::Preflight;
use super::{review, safety_checks, service};
use crate::auth::extract::{HrStaff, Require};
use crate::error::Result;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CommentBody {
    /// Required to send back; optional with an approval.
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SubmitBody {
    /// Submit despite broken links or unfilled placeholders (recorded in the audit trail).
    #[serde(default)]
    pub send_anyway: bool,
}

/// Asks for approval; the approvers are notified on their home page and by email.
/// Broken links or unfilled placeholders answer 422 with them, unless `send_anyway`.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/submit", tag = "spotlights", params(("id" = i32, Path)), request_body = Option<SubmitBody>,
    responses((status = 200, body = AnnouncementView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn submit(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, body: Option<Json<SubmitBody>>) -> Result<Json<AnnouncementView>> {
    let send_anyway = body.is_some_and(|Json(body)| body.send_anyway);
    let me = &user.user().user;
    let passed_over = safety_checks::guard(&state, &service::find(&state.db, id).await?, me, send_anyway).await?;
    review::submit(&state.db, id, me, state.config.host(), state.config.public_base()).await?;
    safety_checks::record_override(&state, id, me.id, &passed_over).await?;
    state.mailer.wake();
    Ok(Json(view(&state, service::find(&state.db, id).await?).await?))
}

/// Approves a submitted announcement (403 to its author and its submitter, and to anyone who is not an approver).
#[utoipa::path(post, path = "/api/v1/announcements/{id}/approve", tag = "spotlights", params(("id" = i32, Path)), request_body = CommentBody,
    responses((status = 200, body = AnnouncementView), (status = 401), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn approve(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, body: Option<Json<CommentBody>>) -> Result<Json<AnnouncementView>> {
    let comment = body.map(|Json(b)| b.comment).unwrap_or_default();
    review::approve(&state.db, id, &user.user().user, &comment, state.config.host(), state.config.public_base()).await?;
    state.mailer.wake();
    Ok(Json(view(&state, service::find(&state.db, id).await?).await?))
}

/// Sends a submitted announcement back to its author with a comment (required).
#[utoipa::path(post, path = "/api/v1/announcements/{id}/reject", tag = "spotlights", params(("id" = i32, Path)), request_body = CommentBody,
    responses((status = 200, body = AnnouncementView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn reject(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, Json(body): Json<CommentBody>) -> Result<Json<AnnouncementView>> {
    review::reject(&state.db, id, &user.user().user, &body.comment, state.config.host(), state.config.public_base()).await?;
    state.mailer.wake();
    Ok(Json(view(&state, service::find(&state.db, id).await?).await?))
}

/// The audit trail: who created, changed, submitted, approved, sent back and sent it, oldest first.
#[utoipa::path(get, path = "/api/v1/announcements/{id}/audit", tag = "spotlights", params(("id" = i32, Path)),
    responses((status = 200, body = [AuditEntry]), (status = 401), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn trail(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<Vec<AuditEntry>>> {
    service::find(&state.db, id).await?;
    Ok(Json(audit::trail(&state.db, id).await?))
}

/// The pre-flight check list, for the caller: subject, preview text, plain text, image alt texts,
/// links, placeholders, a test email since the last change, approval and the sending window.
#[utoipa::path(get, path = "/api/v1/announcements/{id}/preflight", tag = "spotlights", params(("id" = i32, Path)),
    responses((status = 200, body = Preflight), (status = 401), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn preflight(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<Preflight>> {
    let model = service::find(&state.db, id).await?;
    if !super::model::Status::parse(&model.status).is_editable() {
        return Err(crate::error::AppError::Conflict(format!("This announcement is {}; the pre-flight checks are for drafts and scheduled ones.", model.status)));
    }
    let safety = super::review_pages::panel(&state, &model, user.user()).await?;
    Ok(Json(super::preflight::run(&state, &model, &user.user().user, &safety).await?))
}
