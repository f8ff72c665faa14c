//! `/api/v1/scim/tokens` and `/api/v1/provisioning-events` (admins only):
//! the Identity page's SCIM token management and provisioning log, for
//! scripts. The SCIM protocol itself lives at `/scim/v2` (docs/identity.md).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::tokens;
use crate::auth::extract::{Admin, Require};
use crate::entities::scim_token;
use crate::error::Result;
use crate::state::AppState;
use crate::users::provisioning;

/// A SCIM token as listed: never the token itself.
#[derive(Serialize, ToSchema)]
pub struct ScimTokenView {
    pub id: i32,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<scim_token::Model> for ScimTokenView {
    fn from(token: scim_token::Model) -> Self {
        ScimTokenView { id: token.id, name: token.name, created_at: token.created_at, last_used_at: token.last_used_at }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ScimTokenList {
    pub tokens: Vec<ScimTokenView>,
}

/// The live SCIM tokens, newest first.
#[utoipa::path(get, path = "/api/v1/scim/tokens", tag = "identity",
    responses((status = 200, body = ScimTokenList), (status = 401), (status = 403)),
    security(("bearer" = [])))]
pub async fn list_tokens(_admin: Require<Admin>, State(state): State<AppState>) -> Result<Json<ScimTokenList>> {
    Ok(Json(ScimTokenList { tokens: tokens::live(&state.db).await?.into_iter().map(ScimTokenView::from).collect() }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewScimToken {
    /// What it is for, e.g. "Entra ID" (1 to 100 characters).
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedScimToken {
    pub id: i32,
    pub name: String,
    /// The bearer token for `/scim/v2`, returned this once; only its hash is kept.
    pub token: String,
}

/// Creates a SCIM token: it opens `/scim/v2` only.
#[utoipa::path(post, path = "/api/v1/scim/tokens", tag = "identity", request_body = NewScimToken,
    responses((status = 201, body = CreatedScimToken), (status = 401), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_token(admin: Require<Admin>, State(state): State<AppState>, Json(body): Json<NewScimToken>) -> Result<(StatusCode, Json<CreatedScimToken>)> {
    let (created, token) = tokens::create(&state.db, &body.name, Some(admin.user().user.id)).await?;
    Ok((StatusCode::CREATED, Json(CreatedScimToken { id: created.id, name: created.name, token })))
}

/// Revokes a SCIM token; provisioning with it stops at once.
#[utoipa::path(delete, path = "/api/v1/scim/tokens/{id}", tag = "identity",
    params(("id" = i32, Path, description = "The token's id")),
    responses((status = 204), (status = 401), (status = 403), (status = 404)),
    security(("bearer" = [])))]
pub async fn revoke_token(_admin: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<StatusCode> {
    tokens::revoke(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ProvisioningEventView {
    pub at: DateTime<Utc>,
    /// `scim` or `admin`.
    pub source: String,
    /// `created`, `linked`, `changed`, `deactivated`, `reactivated`, `deleted`, `group_created`, `group_changed` or `group_deleted`.
    pub action: String,
    /// The person (name and address) or the list, as they were then.
    pub subject: String,
    /// Which fields changed (names only).
    pub detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProvisioningEventList {
    pub events: Vec<ProvisioningEventView>,
}

/// The last 100 provisioning events, newest first: directory changes only, never comments.
#[utoipa::path(get, path = "/api/v1/provisioning-events", tag = "identity",
    responses((status = 200, body = ProvisioningEventList), (status = 401), (status = 403)),
    security(("bearer" = [])))]
pub async fn events(_admin: Require<Admin>, State(state): State<AppState>) -> Result<Json<ProvisioningEventList>> {
    let events = provisioning::recent(&state.db, 100)
        .await?
        .into_iter()
        .map(|e| ProvisioningEventView { at: e.at, source: e.source.as_str().to_owned(), action: e.action.as_str().to_owned(), subject: e.subject, detail: e.detail })
        .collect();
    Ok(Json(ProvisioningEventList { events }))
}
