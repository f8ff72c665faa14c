//! `/api/v1/announcements/{id}/submit|approve|reject` and `/audit`: the
//! approval workflow for scripts, with the same rules as the pages (a token
//! belongs to a person, and that person cannot approve their own spotlight).

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::api::{view, AnnouncementView};
use super::audit::{self, AuditEntry};
use super::{review, service};
use crate::auth::extract::{HrStaff, Require};
use crate::error::Result;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CommentBody {
    /// Required to send back; optional with an approval.
    #[serde(default)]
    pub comment: String,
}

/// Asks for approval; the approvers are notified on their home page and by email.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/submit", tag = "spotlights", params(("id" = i32, Path)),
    responses((status = 200, body = AnnouncementView), (status = 401), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn submit(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<AnnouncementView>> {
    review::submit(&state.db, id, &user.user().user, state.config.host(), state.config.public_base()).await?;
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
