//! `GET /api/v1/identity/oidc`: the single sign-on status for scripts and monitoring.

use axum::extract::State;
use axum::Json;

use super::report::{self, OidcProviderStatus};
use crate::auth::extract::{Admin, Require};
use crate::error::Result;
use crate::state::AppState;

/// Single sign-on's provider status: discovery checked now, the last
/// successful sign-in, the last error in plain words. Administrators only.
#[utoipa::path(get, path = "/api/v1/identity/oidc", tag = "identity",
    responses((status = 200, body = OidcProviderStatus), (status = 401), (status = 403)),
    security(("bearer" = [])))]
pub async fn status(State(state): State<AppState>, _admin: Require<Admin>) -> Result<Json<OidcProviderStatus>> {
    Ok(Json(report::current(&state).await?))
}
