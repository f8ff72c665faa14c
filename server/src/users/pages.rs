//! Directory, user administration and the CSV import form.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::import::{self, ImportSummary, Rejected};
use super::service::{self, DirectoryQuery, NewUser, UserView};
use crate::auth::extract::{Admin, HrStaff, Require};
use crate::auth::{csrf, CsrfForm, Role};
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
#[template(path = "users/admin.html")]
struct AdminUsersPage {
    layout: Layout,
    users: Vec<UserView>,
    roles: [Role; 4],
    form: NewUserForm,
    error: Option<String>,
    created: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    role: String,
}

async fn admin_page(
    state: &AppState,
    auth: &crate::auth::AuthSession,
    form: NewUserForm,
    error: Option<String>,
    created: Option<(String, String)>,
) -> Result<Html<String>> {
    let query = DirectoryQuery { page: Some(1), ..Default::default() };
    let users = service::search(&state.db, &query).await?.users;
    render(&AdminUsersPage {
        layout: Layout::for_user(auth),
        users: users.iter().map(UserView::from).collect(),
        roles: Role::ALL,
        form,
        error,
        created,
    })
}

pub async fn admin_users(user: Require<Admin>, State(state): State<AppState>) -> Result<Html<String>> {
    admin_page(&state, user.user(), NewUserForm::default(), None, None).await
}

pub async fn create_user(
    user: Require<Admin>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response> {
    let parsed = form
        .role
        .parse::<Role>()
        .and_then(|role| NewUser::parse(&form.email, &form.name, &form.department, &form.location, role));
    let new = match parsed {
        Ok(new) => new,
        Err(reason) => {
            let page = admin_page(&state, user.user(), form, Some(capitalise(&reason)), None).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match service::create(&state.db, new, None).await {
        Ok((created, Some(password))) => {
            let page = admin_page(&state, user.user(), NewUserForm::default(), None, Some((created.email, password))).await?;
            Ok(page.into_response())
        }
        Ok((_, None)) => Ok(Redirect::to("/admin/users").into_response()),
        Err(AppError::Conflict(message)) => {
            let page = admin_page(&state, user.user(), form, Some(message), None).await?;
            Ok((axum::http::StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct UpdateUserForm {
    role: Option<String>,
    active: Option<String>,
}

pub async fn update_user(
    user: Require<Admin>,
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CsrfForm(form): CsrfForm<UpdateUserForm>,
) -> Result<Redirect> {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    use super::leavers;
    use super::provisioning::{Action, Source};
    let target = user::Entity::find_by_id(id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if target.id == user.user().user.id {
        return Err(AppError::Unprocessable("You cannot change your own role or deactivate yourself.".into()));
    }
    let was_active = target.active;
    let txn = crate::db::begin_write(&state.db).await?;
    if let Some(role) = form.role {
        let role: Role = role.parse().map_err(AppError::Unprocessable)?;
        let mut active: user::ActiveModel = target.into();
        active.role = Set(role.as_str().to_owned());
        active.updated_at = Set(chrono::Utc::now());
        active.update(&txn).await?;
    }
    match form.active.map(|flag| flag == "true") {
        // A leaver loses every session and API token at once.
        Some(false) if was_active => {
            leavers::deactivate(&txn, id, Source::Admin, Action::Deactivated).await?;
        }
        Some(true) if !was_active => leavers::reactivate(&txn, id, Source::Admin).await?,
        _ => {}
    }
    txn.commit().await?;
    Ok(Redirect::to("/admin/users"))
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

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}
