//! The handlers of `/scim/v2/Users` and `/scim/v2/Groups`: each parses its
//! request, runs one transaction and answers in SCIM's shape.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::error::{ScimError, ScimResult};
use super::resource::{body_object, check_if_match, list_response, resource_response, ListQuery};
use super::tokens::ScimClient;
use super::{filter, groups, users};
use crate::state::AppState;

#[derive(Clone, Copy)]
enum Kind {
    Users,
    Groups,
}

async fn list(state: &AppState, kind: Kind, query: ListQuery) -> ScimResult<Response> {
    let base = super::base_url(state);
    let (start, count) = query.page()?;
    let parsed = match query.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(text) => Some(match kind {
            Kind::Users => filter::parse(text, &users::KIND.urns())?,
            Kind::Groups => filter::parse(text, &groups::KIND.urns())?,
        }),
        None => None,
    };
    let all = match kind {
        Kind::Users => users::search(&state.db, &base, parsed.as_ref()).await?,
        Kind::Groups => groups::search(&state.db, &base, parsed.as_ref()).await?,
    };
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(start - 1).take(count).collect();
    Ok(list_response(page, total, start, &query.projection()))
}

pub async fn list_users(State(state): State<AppState>, _client: ScimClient, Query(query): Query<ListQuery>) -> ScimResult<Response> {
    list(&state, Kind::Users, query).await
}

pub async fn search_users(State(state): State<AppState>, _client: ScimClient, body: Bytes) -> ScimResult<Response> {
    list(&state, Kind::Users, ListQuery::from_search(&body_object(&body)?)?).await
}

pub async fn list_groups(State(state): State<AppState>, _client: ScimClient, Query(query): Query<ListQuery>) -> ScimResult<Response> {
    list(&state, Kind::Groups, query).await
}

pub async fn search_groups(State(state): State<AppState>, _client: ScimClient, body: Bytes) -> ScimResult<Response> {
    list(&state, Kind::Groups, ListQuery::from_search(&body_object(&body)?)?).await
}

/// `POST /.search` at the root: users, then groups (RFC 7644 §3.4.3).
pub async fn search_everything(State(state): State<AppState>, _client: ScimClient, body: Bytes) -> ScimResult<Response> {
    let query = ListQuery::from_search(&body_object(&body)?)?;
    let base = super::base_url(&state);
    let (start, count) = query.page()?;
    let parsed = query.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(|text| filter::parse(text, &users::KIND.urns())).transpose()?;
    let mut all = users::search(&state.db, &base, parsed.as_ref()).await?;
    all.extend(groups::search(&state.db, &base, parsed.as_ref()).await?);
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(start - 1).take(count).collect();
    Ok(list_response(page, total, start, &query.projection()))
}

fn answer(status: StatusCode, resource: &Value, query: &ListQuery) -> Response {
    resource_response(status, &query.projection().apply(resource.clone()))
}

pub async fn get_user(State(state): State<AppState>, _client: ScimClient, Path(id): Path<String>, Query(query): Query<ListQuery>) -> ScimResult<Response> {
    let (row, person) = users::find(&state.db, &id).await?;
    Ok(answer(StatusCode::OK, &users::render(&super::base_url(&state), &row, &person)?, &query))
}

pub async fn create_user(State(state): State<AppState>, _client: ScimClient, Query(query): Query<ListQuery>, body: Bytes) -> ScimResult<Response> {
    let doc = users::KIND.clean_document(&body_object(&body)?)?;
    let txn = crate::db::begin_write(&state.db).await?;
    let created = users::save(&txn, &super::base_url(&state), None, doc).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::CREATED, &created, &query))
}

pub async fn replace_user(
    State(state): State<AppState>,
    _client: ScimClient,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult<Response> {
    let doc = users::KIND.clean_document(&body_object(&body)?)?;
    let txn = crate::db::begin_write(&state.db).await?;
    let existing = users::find(&txn, &id).await?;
    check_if_match(&headers, existing.0.version)?;
    let saved = users::save(&txn, &super::base_url(&state), Some(existing), doc).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &saved, &query))
}

pub async fn patch_user(
    State(state): State<AppState>,
    _client: ScimClient,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult<Response> {
    let body = Value::Object(body_object(&body)?);
    let txn = crate::db::begin_write(&state.db).await?;
    let existing = users::find(&txn, &id).await?;
    check_if_match(&headers, existing.0.version)?;
    let doc = users::patched(&existing.0, &body)?;
    let saved = users::save(&txn, &super::base_url(&state), Some(existing), doc).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &saved, &query))
}

pub async fn delete_user(State(state): State<AppState>, _client: ScimClient, Path(id): Path<String>, headers: HeaderMap) -> ScimResult<Response> {
    let txn = crate::db::begin_write(&state.db).await?;
    let (row, _) = users::find(&txn, &id).await?;
    check_if_match(&headers, row.version)?;
    users::delete(&txn, row).await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn get_group(State(state): State<AppState>, _client: ScimClient, Path(id): Path<String>, Query(query): Query<ListQuery>) -> ScimResult<Response> {
    let (row, list) = groups::find(&state.db, &id).await?;
    Ok(answer(StatusCode::OK, &groups::render(&state.db, &super::base_url(&state), &row, &list).await?, &query))
}

pub async fn create_group(State(state): State<AppState>, ScimClient(token): ScimClient, Query(query): Query<ListQuery>, body: Bytes) -> ScimResult<Response> {
    let doc = groups::KIND.clean_document(&body_object(&body)?)?;
    let txn = crate::db::begin_write(&state.db).await?;
    let created = groups::save(&txn, &super::base_url(&state), token.created_by, None, doc).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::CREATED, &created, &query))
}

pub async fn replace_group(
    State(state): State<AppState>,
    ScimClient(token): ScimClient,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult<Response> {
    let doc = groups::KIND.clean_document(&body_object(&body)?)?;
    let txn = crate::db::begin_write(&state.db).await?;
    let existing = groups::find(&txn, &id).await?;
    check_if_match(&headers, existing.0.version)?;
    let saved = groups::save(&txn, &super::base_url(&state), token.created_by, Some(existing), doc).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &saved, &query))
}

pub async fn patch_group(
    State(state): State<AppState>,
    ScimClient(token): ScimClient,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult<Response> {
    let body = Value::Object(body_object(&body)?);
    let txn = crate::db::begin_write(&state.db).await?;
    let existing = groups::find(&txn, &id).await?;
    check_if_match(&headers, existing.0.version)?;
    let mut doc = groups::document(&txn, &existing.0, &existing.1).await?;
    super::patch::apply_all(&groups::KIND, &mut doc, &body)?;
    let saved = groups::save(&txn, &super::base_url(&state), token.created_by, Some(existing), doc).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &saved, &query))
}

pub async fn delete_group(State(state): State<AppState>, _client: ScimClient, Path(id): Path<String>, headers: HeaderMap) -> ScimResult<Response> {
    let txn = crate::db::begin_write(&state.db).await?;
    let (row, list) = groups::find(&txn, &id).await?;
    check_if_match(&headers, row.version)?;
    groups::delete(&txn, row, list).await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn not_found() -> ScimError {
    ScimError::not_found()
}

pub async fn method_not_allowed() -> ScimError {
    ScimError::method_not_allowed()
}

