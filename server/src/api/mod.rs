//! `/api/v1`: JSON with bearer tokens. Each domain contributes its routes;
//! the OpenAPI document is generated from the handlers' annotations.

mod conformance;
mod openapi;

use axum::routing::get;
use axum::{Json, Router};

use crate::auth::extract::CurrentUser;
use crate::state::AppState;
use crate::users::service::UserView;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/openapi.json", get(openapi::document))
        .merge(crate::users::api_router())
        .merge(crate::library::api_router())
        .merge(crate::spotlights::api_router())
        .merge(crate::webhooks::api_router())
        .merge(crate::sharing::api_router())
        .merge(crate::comments::api_router())
        .merge(crate::sign_in_links::api_router())
        .merge(crate::auth::oidc::api_router())
        .merge(crate::scim::api_router())
        .merge(crate::acknowledgements::api_router())
        .fallback(|| async { crate::error::AppError::NotFound })
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = UserView), (status = 401)),
    security(("bearer" = [])))]
pub async fn me(CurrentUser(auth): CurrentUser) -> Json<UserView> {
    Json(UserView::from(&auth.user))
}
