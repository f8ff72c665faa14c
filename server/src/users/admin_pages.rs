//! `/admin/users`: find people, add one, correct where they work, change
//! their role, deactivate and reactivate them, and see their access.
//!
//! People an identity provider provisions over SCIM keep the fields it owns
//! (email, name, department, location, manager): it rewrites them on every
//! sync, so an edit here would silently vanish. Their page shows those fields
//! as the directory's and says where to change them; role and deactivation
//! stay Herald's.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::Deserialize;

use super::service::{self, DirectoryQuery, NewUser, UserView};
use crate::auth::extract::{Admin, Require};
use crate::auth::{AuthSession, CsrfForm, Role};
use crate::entities::user;
use crate::error::{AppError, Result};
use crate::sign_in_links::invitations::{self, Access};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::notice::{self, Notice};

/// One person on the users page.
struct Row {
    user: UserView,
    access: Access,
    /// Provisioned by the identity provider (SCIM).
    provisioned: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<u64>,
}

#[derive(askama::Template)]
#[template(path = "users/admin.html")]
struct UsersPage {
    layout: Layout,
    q: String,
    rows: Vec<Row>,
    total: u64,
    page: u64,
    pages: u64,
    roles: [Role; 4],
    form: NewUserForm,
    error: Option<String>,
    created: Option<(String, String)>,
}

impl UsersPage {
    /// Query string for another page of the same search.
    fn page_link(&self, page: u64) -> String {
        serde_urlencoded::to_string([("q", self.q.as_str()), ("page", &page.to_string())]).unwrap_or_default()
    }
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

struct Shown {
    form: NewUserForm,
    error: Option<String>,
    created: Option<(String, String)>,
}

async fn users_page(state: &AppState, auth: &AuthSession, query: UsersQuery, shown: Shown) -> Result<Html<String>> {
    let search = DirectoryQuery { q: query.q.clone(), page: query.page, ..Default::default() };
    let found = service::search(&state.db, &search).await?;
    let access = invitations::access_of(&state.db, state.config.clock.now(), &found.users).await?;
    let ids: Vec<i32> = found.users.iter().map(|person| person.id).collect();
    let provisioned = crate::scim::provisioned_among(&state.db, &ids).await?;
    let rows = found
        .users
        .iter()
        .map(|person| Row {
            user: UserView::from(person),
            access: access.get(&person.id).copied().unwrap_or(Access::Active),
            provisioned: provisioned.contains(&person.id),
        })
        .collect();
    render(&UsersPage {
        layout: Layout::for_user(auth),
        q: query.q,
        rows,
        total: found.total,
        page: found.page,
        pages: found.pages,
        roles: Role::ALL,
        form: shown.form,
        error: shown.error,
        created: shown.created,
    })
}

pub async fn index(user: Require<Admin>, State(state): State<AppState>, Query(query): Query<UsersQuery>) -> Result<Html<String>> {
    users_page(&state, user.user(), query, Shown { form: NewUserForm::default(), error: None, created: None }).await
}

pub async fn create(user: Require<Admin>, State(state): State<AppState>, CsrfForm(form): CsrfForm<NewUserForm>) -> Result<Response> {
    let parsed = form
        .role
        .parse::<Role>()
        .and_then(|role| NewUser::parse(&form.email, &form.name, &form.department, &form.location, role));
    let new = match parsed {
        Ok(new) => new,
        Err(reason) => {
            let page = users_page(&state, user.user(), UsersQuery::default(), Shown { form, error: Some(capitalise(&reason)), created: None }).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match service::create(&state.db, new, None).await {
        Ok((created, Some(password))) => {
            let shown = Shown { form: NewUserForm::default(), error: None, created: Some((created.email, password)) };
            Ok(users_page(&state, user.user(), UsersQuery::default(), shown).await?.into_response())
        }
        Ok((_, None)) => Ok(notice::redirect("/admin/users", Notice::Saved).into_response()),
        Err(AppError::Conflict(message)) => {
            let page = users_page(&state, user.user(), UsersQuery::default(), Shown { form, error: Some(message), created: None }).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(askama::Template)]
#[template(path = "users/edit.html")]
struct EditPage {
    layout: Layout,
    person: UserView,
    access: Access,
    provisioned: bool,
    department: String,
    location: String,
    error: Option<String>,
}

async fn edit_page(state: &AppState, auth: &AuthSession, person: &user::Model, typed: Option<(String, String)>, error: Option<String>) -> Result<Html<String>> {
    let access = invitations::access_of(&state.db, state.config.clock.now(), std::slice::from_ref(person)).await?;
    let provisioned = crate::scim::provisioned_among(&state.db, &[person.id]).await?.contains(&person.id);
    let (department, location) = typed.unwrap_or_else(|| (person.department.clone(), person.location.clone()));
    render(&EditPage {
        layout: Layout::for_user(auth),
        person: UserView::from(person),
        access: access.get(&person.id).copied().unwrap_or(Access::Active),
        provisioned,
        department,
        location,
        error,
    })
}

pub async fn edit(user: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let person = user::Entity::find_by_id(id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    edit_page(&state, user.user(), &person, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct UpdateUserForm {
    role: Option<String>,
    active: Option<String>,
    department: Option<String>,
    location: Option<String>,
}

pub async fn update(user: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<UpdateUserForm>) -> Result<Response> {
    let target = user::Entity::find_by_id(id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if form.department.is_some() || form.location.is_some() {
        return update_placement(&state, user.user(), target, form).await;
    }
    if target.id == user.user().user.id {
        return Err(AppError::Unprocessable("You cannot change your own role or deactivate yourself.".into()));
    }
    let notice = change_role_or_access(&state, target, form.role, form.active).await?;
    Ok(notice::redirect("/admin/users", notice).into_response())
}

async fn change_role_or_access(state: &AppState, target: user::Model, role: Option<String>, active: Option<String>) -> Result<Notice> {
    use super::leavers;
    use super::provisioning::{Action, Source};
    let (id, was_active) = (target.id, target.active);
    let mut notice = Notice::Saved;
    let txn = crate::db::begin_write(&state.db).await?;
    if let Some(role) = role {
        let role: Role = role.parse().map_err(AppError::Unprocessable)?;
        let mut changed: user::ActiveModel = target.into();
        changed.role = Set(role.as_str().to_owned());
        changed.updated_at = Set(chrono::Utc::now());
        changed.update(&txn).await?;
    }
    match active.map(|flag| flag == "true") {
        // A leaver loses every session and API token at once.
        Some(false) if was_active => {
            leavers::deactivate(&txn, id, Source::Admin, Action::Deactivated).await?;
            notice = Notice::UserDeactivated;
        }
        Some(true) if !was_active => {
            leavers::reactivate(&txn, id, Source::Admin).await?;
            notice = Notice::UserReactivated;
        }
        _ => {}
    }
    txn.commit().await?;
    Ok(notice)
}

async fn update_placement(state: &AppState, auth: &AuthSession, target: user::Model, form: UpdateUserForm) -> Result<Response> {
    let department = form.department.unwrap_or_else(|| target.department.clone());
    let location = form.location.unwrap_or_else(|| target.location.clone());
    let refused = if crate::scim::provisioned_among(&state.db, &[target.id]).await?.contains(&target.id) {
        Err(AppError::Unprocessable(
            "Your identity provider manages this person's department and location over SCIM and would overwrite a change here at its next sync: change them there.".into(),
        ))
    } else {
        Ok(())
    };
    let saved = match refused {
        Ok(()) => service::set_placement(&state.db, target.clone(), &department, &location).await,
        Err(err) => Err(err),
    };
    match saved {
        Ok(person) => Ok(notice::redirect(&format!("/admin/users/{}", person.id), Notice::UserUpdated).into_response()),
        Err(AppError::Unprocessable(message)) => {
            let page = edit_page(state, auth, &target, Some((department, location)), Some(capitalise(&message))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

/// "Invite again": the earlier invitation stops working and a new one is queued.
pub async fn reinvite(user: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<crate::auth::EmptyForm>) -> Result<Redirect> {
    let batch = invitations::reinvite(&state.db, &state.config, Some(user.user().user.id), id).await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/admin/invitations/{}", batch.id)))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.as_str();
            let end = if rest.ends_with('.') { "" } else { "." };
            format!("{}{rest}{end}", first.to_uppercase())
        }
        None => String::new(),
    }
}
