//! `/api/v1/invitations` (administrators): invite people and follow delivery.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::invitations::{self, InvitationBatch, Invitees};
use crate::auth::extract::{Admin, Require};
use crate::error::{AppError, Result};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateInvitations {
    /// People to invite by address.
    #[serde(default)]
    pub emails: Vec<String>,
    /// People to invite by user id.
    #[serde(default)]
    pub user_ids: Vec<i32>,
    /// Everyone active without a password who has never signed in (the other fields must be empty).
    #[serde(default)]
    pub all_pending: bool,
}

/// Invites people; each gets one invitation unless an earlier one of theirs still works.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "invitations", request_body = CreateInvitations,
    responses((status = 201, body = InvitationBatch), (status = 401), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(admin: Require<Admin>, State(state): State<AppState>, Json(body): Json<CreateInvitations>) -> Result<(StatusCode, Json<InvitationBatch>)> {
    let named = !body.emails.is_empty() || !body.user_ids.is_empty();
    let who = match (body.all_pending, named) {
        (true, true) => return Err(AppError::Unprocessable("Give all_pending, or emails and user_ids, not both.".into())),
        (true, false) => Invitees::AllPending,
        (false, _) if !body.user_ids.is_empty() && body.emails.is_empty() => Invitees::Users(body.user_ids),
        (false, _) if body.user_ids.is_empty() => Invitees::Emails(body.emails),
        (false, _) => return Err(AppError::Unprocessable("Give emails or user_ids, not both.".into())),
    };
    let batch = invitations::invite(&state.db, &state.config, Some(admin.user().user.id), who).await?;
    state.mailer.wake();
    Ok((StatusCode::CREATED, Json(batch)))
}

/// The latest invitation requests with their delivery progress, newest first.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "invitations",
    responses((status = 200, body = [InvitationBatch]), (status = 401), (status = 403)),
    security(("bearer" = [])))]
pub async fn list(_admin: Require<Admin>, State(state): State<AppState>) -> Result<Json<Vec<InvitationBatch>>> {
    Ok(Json(invitations::recent(&state.db, 50).await?))
}

/// One invitation request: how many were queued, sent, failed and accepted.
#[utoipa::path(get, path = "/api/v1/invitations/{id}", tag = "invitations",
    params(("id" = i32, Path, description = "The invitation request")),
    responses((status = 200, body = InvitationBatch), (status = 401), (status = 403), (status = 404)),
    security(("bearer" = [])))]
pub async fn get(_admin: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<InvitationBatch>> {
    Ok(Json(invitations::find(&state.db, id).await?))
}
