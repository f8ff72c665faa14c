//! `/api/v1/collateral`: the library for scripts and integrations, with the
//! same role rules as the pages.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::browse::LibraryQuery;
use super::model::{RawCollateral, Status};
use super::{attachments, markdown, service};
use crate::auth::extract::{CurrentUser, HrStaff, Require};
use crate::entities::collateral;
use crate::error::{AppError, Result};
use crate::search::SearchResults;
use crate::state::AppState;

/// An item as the API writes it; lists are JSON arrays.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CollateralBody {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Markdown; raw HTML is shown as text.
    #[serde(default)]
    pub body: String,
    /// benefit, policy, guideline, form, faq, assistance, video, link or other.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub audience_departments: Vec<String>,
    #[serde(default)]
    pub audience_locations: Vec<String>,
    /// draft (default), published or archived.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub effective_date: Option<String>,
    #[serde(default)]
    pub review_date: Option<String>,
    #[serde(default)]
    pub external_url: Option<String>,
    #[serde(default)]
    pub change_note: String,
}

impl CollateralBody {
    fn into_raw(self) -> RawCollateral {
        RawCollateral {
            title: self.title,
            summary: self.summary,
            body: self.body,
            kind: self.kind,
            category: self.category,
            tags: self.tags.join(","),
            audience_departments: self.audience_departments.join(","),
            audience_locations: self.audience_locations.join(","),
            status: self.status,
            effective_date: self.effective_date.unwrap_or_default(),
            review_date: self.review_date.unwrap_or_default(),
            external_url: self.external_url.unwrap_or_default(),
            change_note: self.change_note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub url: String,
    /// Why the file's text is not searchable (too large or complex to read, damaged); absent when it is.
    pub text_not_extracted: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CollateralView {
    pub id: i32,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub body_html: String,
    pub kind: String,
    pub category: String,
    pub tags: Vec<String>,
    pub audience_departments: Vec<String>,
    pub audience_locations: Vec<String>,
    pub status: String,
    pub effective_date: Option<String>,
    pub review_date: Option<String>,
    pub external_url: Option<String>,
    pub version: i32,
    pub owner_id: i32,
    pub updated_at: String,
    pub attachments: Vec<AttachmentView>,
}

async fn view(state: &AppState, item: collateral::Model) -> Result<CollateralView> {
    let files = attachments::list(&state.db, item.id).await?;
    Ok(CollateralView {
        url: format!("/library/{}", item.slug),
        body_html: markdown::render(&item.body),
        tags: item.tag_list(),
        audience_departments: item.department_list(),
        audience_locations: item.location_list(),
        effective_date: item.effective_date.map(|d| d.to_string()),
        review_date: item.review_date.map(|d| d.to_string()),
        updated_at: item.updated_at.to_rfc3339(),
        attachments: files
            .into_iter()
            .map(|file| AttachmentView {
                url: format!("/library/{}/files/{}", item.slug, file.id),
                id: file.id,
                file_name: file.file_name,
                content_type: file.content_type,
                size: file.size,
                text_not_extracted: file.extraction_note,
            })
            .collect(),
        id: item.id,
        slug: item.slug,
        title: item.title,
        summary: item.summary,
        body: item.body,
        kind: item.kind,
        category: item.category,
        status: item.status,
        external_url: item.external_url,
        version: item.version,
        owner_id: item.owner_id,
    })
}

/// Full-text search of the library, with facet counts. Employees only see published items of their audience.
#[utoipa::path(get, path = "/api/v1/collateral/search", tag = "library", params(LibraryQuery),
    responses((status = 200, body = SearchResults), (status = 400), (status = 401)), security(("bearer" = [])))]
pub async fn search(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Query(query): Query<LibraryQuery>) -> Result<Json<SearchResults>> {
    Ok(Json(state.search.search(&query.to_request(&auth)?)?))
}

/// Lists the library, newest first (the search without words).
#[utoipa::path(get, path = "/api/v1/collateral", tag = "library", params(LibraryQuery),
    responses((status = 200, body = SearchResults), (status = 400), (status = 401)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Query(mut query): Query<LibraryQuery>) -> Result<Json<SearchResults>> {
    query.q.clear();
    query.sort = "newest".into();
    Ok(Json(state.search.search(&query.to_request(&auth)?)?))
}

/// One item with its attachments.
#[utoipa::path(get, path = "/api/v1/collateral/{id}", tag = "library", params(("id" = i32, Path)),
    responses((status = 200, body = CollateralView), (status = 401), (status = 404)), security(("bearer" = [])))]
pub async fn get(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>) -> Result<Json<CollateralView>> {
    let item = service::find_by_id(&state.db, id).await?;
    if !service::visible_to(&item, &auth) {
        return Err(AppError::NotFound);
    }
    Ok(Json(view(&state, item).await?))
}

fn parse(body: CollateralBody) -> Result<super::model::CollateralInput> {
    body.into_raw().parse().map_err(|errors| AppError::Unprocessable(errors.join("; ")))
}

/// Creates an item (HR staff).
#[utoipa::path(post, path = "/api/v1/collateral", tag = "library", request_body = CollateralBody,
    responses((status = 201, body = CollateralView), (status = 401), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn create(
    user: Require<HrStaff>,
    State(state): State<AppState>,
    Json(body): Json<CollateralBody>,
) -> Result<(StatusCode, Json<CollateralView>)> {
    let item = service::create(&state.db, user.user().user.id, parse(body)?).await?;
    state.search.notify();
    Ok((StatusCode::CREATED, Json(view(&state, item).await?)))
}

/// Replaces an item's fields as a new version (HR staff).
#[utoipa::path(put, path = "/api/v1/collateral/{id}", tag = "library", params(("id" = i32, Path)), request_body = CollateralBody,
    responses((status = 200, body = CollateralView), (status = 401), (status = 403), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn update(
    user: Require<HrStaff>,
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Json(body): Json<CollateralBody>,
) -> Result<Json<CollateralView>> {
    let item = service::find_by_id(&state.db, id).await?;
    let item = service::update(&state.db, item, user.user().user.id, parse(body)?).await?;
    state.search.notify();
    Ok(Json(view(&state, item).await?))
}

/// Archives an item: it leaves employees' search but keeps its history (HR staff).
#[utoipa::path(post, path = "/api/v1/collateral/{id}/archive", tag = "library", params(("id" = i32, Path)),
    responses((status = 200, body = CollateralView), (status = 401), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn archive(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<CollateralView>> {
    let item = service::find_by_id(&state.db, id).await?;
    let item = service::set_status(&state.db, item, user.user().user.id, Status::Archived).await?;
    state.search.notify();
    Ok(Json(view(&state, item).await?))
}
