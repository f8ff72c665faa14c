//! `ServiceProviderConfig`, `ResourceTypes` and `Schemas` (RFC 7644 §4).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::error::{ScimError, ScimResult};
use super::resource::{json_response, list_response, MAX_COUNT, Projection};
use super::schema::{schema_json, ENTERPRISE, GROUP, SCHEMAS, USER};
use super::tokens::ScimClient;
use crate::state::AppState;

pub async fn service_provider_config(State(state): State<AppState>, _client: ScimClient) -> Response {
    let base = super::base_url(&state);
    json_response(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": { "supported": true },
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": true, "maxResults": MAX_COUNT },
            "changePassword": { "supported": false },
            "sort": { "supported": false },
            "etag": { "supported": true },
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A SCIM token made by a Herald administrator (Identity page or `herald scim token create`).",
                "primary": true,
            }],
            "meta": { "resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig") },
        }),
    )
}

fn resource_types(base: &str) -> Vec<Value> {
    vec![
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "User", "name": "User", "endpoint": "/Users", "description": "People in Herald's directory",
            "schema": USER,
            "schemaExtensions": [{ "schema": ENTERPRISE, "required": false }],
            "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User") },
        }),
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "Group", "name": "Group", "endpoint": "/Groups", "description": "Herald distribution lists",
            "schema": GROUP,
            "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group") },
        }),
    ]
}

pub async fn list_resource_types(State(state): State<AppState>, _client: ScimClient) -> Response {
    let all = resource_types(&super::base_url(&state));
    let total = all.len();
    list_response(all, total, 1, &Projection::default())
}

pub async fn get_resource_type(State(state): State<AppState>, _client: ScimClient, Path(id): Path<String>) -> ScimResult<Response> {
    let found = resource_types(&super::base_url(&state)).into_iter().find(|t| t["id"] == id.as_str()).ok_or_else(ScimError::not_found)?;
    Ok(json_response(StatusCode::OK, &found))
}

pub async fn list_schemas(State(state): State<AppState>, _client: ScimClient) -> Response {
    let base = super::base_url(&state);
    let all: Vec<Value> = SCHEMAS.iter().filter_map(|(id, ..)| schema_json(&base, id)).collect();
    let total = all.len();
    list_response(all, total, 1, &Projection::default())
}

pub async fn get_schema(State(state): State<AppState>, _client: ScimClient, Path(id): Path<String>) -> ScimResult<Response> {
    let found = schema_json(&super::base_url(&state), &id).ok_or_else(ScimError::not_found)?;
    Ok(json_response(StatusCode::OK, &found))
}
