//! `GET`/`POST /api/v1/users` (admins only).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::service::{self, DirectoryQuery, NewUser, UserView};
use crate::auth::extract::{Admin, Require};
use crate::auth::Role;
use crate::error::{AppError, Result};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserView>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// Lists users, filtered like the directory page.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    params(("q" = Option<String>, Query, description = "Part of a name or email"),
           ("department" = Option<String>, Query), ("location" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, body = UserList), (status = 401), (status = 403)),
    security(("bearer" = [])))]
pub async fn list(_admin: Require<Admin>, State(state): State<AppState>, Query(query): Query<DirectoryQuery>) -> Result<Json<UserList>> {
    let found = service::search(&state.db, &query).await?;
    Ok(Json(UserList { users: found.users.iter().map(UserView::from).collect(), total: found.total, page: found.page, pages: found.pages }))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub location: String,
    pub role: Role,
    /// Optional; without it a password is generated and returned once.
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// The generated one-time password, when none was given.
    pub password: Option<String>,
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = CreatedUser), (status = 401), (status = 403), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    _admin: Require<Admin>,
    State(state): State<AppState>,
    Json(body): Json<CreateUser>,
) -> Result<(StatusCode, Json<CreatedUser>)> {
    let new = NewUser::parse(&body.email, &body.name, &body.department, &body.location, body.role).map_err(AppError::Unprocessable)?;
    let (user, password) = service::create(&state.db, new, body.password.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user: UserView::from(&user), password })))
}
