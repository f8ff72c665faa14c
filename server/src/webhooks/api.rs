//! `GET`/`POST /api/v1/webhooks` (admins only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::service::{self, NewWebhook, WebhookView};
use crate::auth::extract::{Admin, Require};
use crate::error::{AppError, Result};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
}

/// Lists the webhooks with their recent deliveries (never their secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = WebhookList), (status = 401), (status = 403)),
    security(("bearer" = [])))]
pub async fn list(_admin: Require<Admin>, State(state): State<AppState>) -> Result<Json<WebhookList>> {
    Ok(Json(WebhookList { webhooks: service::all(&state.db).await? }))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateWebhook {
    /// Where events are posted: an `http://` or `https://` URL.
    pub url: String,
    /// Any of `click`, `open`, `visit`, `bounce`.
    pub events: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedWebhook {
    pub webhook: WebhookView,
    /// The signing secret, returned this once.
    pub secret: String,
}

/// Registers a webhook; its signing secret is generated and returned once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = CreateWebhook,
    responses((status = 201, body = CreatedWebhook), (status = 401), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(admin: Require<Admin>, State(state): State<AppState>, Json(body): Json<CreateWebhook>) -> Result<(StatusCode, Json<CreatedWebhook>)> {
    let new = NewWebhook::parse_reachable(&body.url, &body.events, &state.config.outbound()).await.map_err(AppError::Unprocessable)?;
    let hook = service::create(&state.db, new, Some(admin.user().user.id)).await?;
    tracing::info!(webhook = hook.id, url = %hook.url, "webhook registered");
    let view = service::all(&state.db).await?.into_iter().find(|view| view.id == hook.id).ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(CreatedWebhook { webhook: view, secret: hook.secret })))
}
