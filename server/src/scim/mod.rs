//! SCIM 2.0 provisioning (RFC 7643/7644) at `/scim/v2`: identity providers
//! create, change and deactivate people and keep distribution lists'
//! members, with a SCIM-only bearer token. Also the admin Identity page.

pub mod api;
mod discovery;
pub mod error;
mod filter;
mod groups;
mod identity_page;
mod patch;
mod resource;
mod routes;
mod schema;
pub mod tokens;
mod users;

pub use users::provisioned_among;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The SCIM base URL, as resources' `meta.location` names it.
pub fn base_url(state: &AppState) -> String {
    format!("{}/scim/v2", state.config.base_url.as_str().trim_end_matches('/'))
}

/// The identity routes of `/api/v1`.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/scim/tokens", get(api::list_tokens).post(api::create_token))
        .route("/scim/tokens/{id}", axum::routing::delete(api::revoke_token))
        .route("/provisioning-events", get(api::events))
}

/// `/scim/v2`: every answer, errors included, is `application/scim+json`.
pub fn router() -> Router<AppState> {
    let scim = Router::new()
        .route("/ServiceProviderConfig", get(discovery::service_provider_config))
        .route("/ResourceTypes", get(discovery::list_resource_types))
        .route("/ResourceTypes/{id}", get(discovery::get_resource_type))
        .route("/Schemas", get(discovery::list_schemas))
        .route("/Schemas/{id}", get(discovery::get_schema))
        .route("/Users", get(routes::list_users).post(routes::create_user))
        .route("/Users/.search", post(routes::search_users))
        .route("/Users/{id}", get(routes::get_user).put(routes::replace_user).patch(routes::patch_user).delete(routes::delete_user))
        .route("/Groups", get(routes::list_groups).post(routes::create_group))
        .route("/Groups/.search", post(routes::search_groups))
        .route("/Groups/{id}", get(routes::get_group).put(routes::replace_group).patch(routes::patch_group).delete(routes::delete_group))
        .route("/.search", post(routes::search_everything))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed);
    Router::new()
        .nest("/scim/v2", scim)
        .route("/admin/identity", get(identity_page::show))
        .route("/admin/identity/scim-tokens", post(identity_page::create_token))
        .route("/admin/identity/scim-tokens/{id}/revoke", post(identity_page::revoke_token))
}
