//! The directory and the CSV import form.

use axum::extract::{Multipart, Query, State};
use axum::response::{Html, IntoResponse, Response};

use super::import::{self, ImportSummary, Rejected};
use super::service::{self, DirectoryQuery, UserView};
use crate::auth::extract::{Admin, HrStaff, Require};
use crate::auth::csrf;
use crate::entities::user;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "users/directory.html")]
struct DirectoryPage {
    layout: Layout,
    query: DirectoryQuery,
    users: Vec<UserView>,
    total: u64,
    page: u64,
    pages: u64,
    departments: Vec<String>,
    locations: Vec<String>,
}

impl DirectoryPage {
    /// Query string for another page of the same search.
    fn page_link(&self, page: u64) -> String {
        serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("department", self.query.department.as_str()),
            ("location", self.query.location.as_str()),
            ("page", &page.to_string()),
        ])
        .unwrap_or_default()
    }
}

pub async fn directory(
    user: Require<HrStaff>,
    State(state): State<AppState>,
    Query(query): Query<DirectoryQuery>,
) -> Result<Html<String>> {
    let found = service::search(&state.db, &query).await?;
    render(&DirectoryPage {
        layout: Layout::for_user(user.user()),
        users: found.users.iter().map(UserView::from).collect(),
        total: found.total,
        page: found.page,
        pages: found.pages,
        departments: service::distinct_values(&state.db, user::Column::Department).await?,
        locations: service::distinct_values(&state.db, user::Column::Location).await?,
        query,
    })
}

#[derive(askama::Template)]
#[template(path = "users/import.html")]
struct ImportPage {
    layout: Layout,
    summary: Option<ImportSummary>,
    rejected: Vec<Rejected>,
    skipped: bool,
    error: Option<String>,
}

pub async fn import_form(user: Require<Admin>) -> Result<Html<String>> {
    render(&ImportPage { layout: Layout::for_user(user.user()), summary: None, rejected: vec![], skipped: false, error: None })
}

pub async fn import_upload(
    user: Require<Admin>,
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response> {
    let mut token = String::new();
    let mut skip_invalid = false;
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = multipart.next_field().await.map_err(|err| AppError::BadRequest(err.body_text()))? {
        match field.name() {
            Some("csrf") => token = field.text().await.map_err(|err| AppError::BadRequest(err.body_text()))?,
            Some("skip_invalid") => skip_invalid = true,
            Some("file") => file = Some(field.bytes().await.map_err(|err| AppError::BadRequest(err.body_text()))?.to_vec()),
            _ => {}
        }
    }
    csrf::verify(user.user(), &token)?;
    let layout = Layout::for_user(user.user());
    let Some(bytes) = file.filter(|bytes| !bytes.is_empty()) else {
        let page = ImportPage { layout, summary: None, rejected: vec![], skipped: false, error: Some("Choose a CSV file to import.".into()) };
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    match import::import(&state.db, bytes.as_slice(), skip_invalid, |_| {}).await {
        Ok((summary, rejected)) => {
            let imported = rejected.is_empty() || skip_invalid;
            let status = if imported { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
            let page = ImportPage { layout, summary: imported.then_some(summary), rejected, skipped: skip_invalid, error: None };
            Ok((status, render(&page)?).into_response())
        }
        Err(AppError::Unprocessable(message)) => {
            let page = ImportPage { layout, summary: None, rejected: vec![], skipped: false, error: Some(message) };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other),
    }
}
