//! Distribution lists in the browser: create, add people by email or from a
//! CSV file, remove people, delete.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::lists::{self, AddReport};
use crate::auth::csrf;
use crate::auth::extract::{HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm, EmptyForm};
use crate::entities::{distribution_list, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "spotlights/lists.html")]
struct IndexPage {
    layout: Layout,
    lists: Vec<lists::ListView>,
    error: String,
}

pub async fn index(user: Require<HrStaff>, State(state): State<AppState>) -> Result<Html<String>> {
    render(&IndexPage { layout: Layout::for_user(user.user()), lists: lists::all(&state.db).await?, error: String::new() })
}

#[derive(Debug, Deserialize)]
pub struct NewList {
    name: String,
    #[serde(default)]
    description: String,
}

pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, CsrfForm(form): CsrfForm<NewList>) -> Result<Response> {
    match lists::create(&state.db, user.user().user.id, &form.name, &form.description).await {
        Ok(list) => Ok(Redirect::to(&format!("/lists/{}", list.id)).into_response()),
        Err(err @ (AppError::Conflict(_) | AppError::Unprocessable(_))) => {
            let page = IndexPage { layout: Layout::for_user(user.user()), lists: lists::all(&state.db).await?, error: err.to_string() };
            Ok((err.status(), render(&page)?).into_response())
        }
        Err(err) => Err(err),
    }
}

#[derive(askama::Template)]
#[template(path = "spotlights/list.html")]
struct ListPage {
    layout: Layout,
    list: distribution_list::Model,
    members: Vec<user::Model>,
    report: Option<AddReport>,
}

async fn list_page(state: &AppState, auth: &AuthSession, id: i32, report: Option<AddReport>) -> Result<Html<String>> {
    let list = lists::find(&state.db, id).await?;
    render(&ListPage { layout: Layout::for_user(auth), members: lists::members(&state.db, id).await?, list, report })
}

pub async fn show(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    list_page(&state, user.user(), id, None).await
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    emails: String,
}

pub async fn add(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<AddForm>) -> Result<Html<String>> {
    let list = lists::find(&state.db, id).await?;
    let entries: Vec<_> = form
        .emails
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|email| (email.to_owned(), email.to_owned()))
        .collect();
    let report = lists::add_members(&state.db, list.id, &entries).await?;
    list_page(&state, user.user(), id, Some(report)).await
}

/// Axum's default body limit (2 MB) bounds the upload; this names it for the message.
const MAX_CSV: usize = 2 * 1024 * 1024;

pub async fn import(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, mut multipart: Multipart) -> Result<Response> {
    let mut token = String::new();
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|err| AppError::BadRequest(format!("The upload could not be read: {err}")))? {
        match field.name() {
            Some(csrf::FIELD) => token = field.text().await.unwrap_or_default(),
            Some("file") => {
                let data = field.bytes().await.map_err(|err| AppError::BadRequest(format!("The upload could not be read: {err}")))?;
                if data.len() > MAX_CSV {
                    return Err(AppError::PayloadTooLarge("The CSV file is larger than 2 MB.".into()));
                }
                bytes = Some(data);
            }
            _ => {}
        }
    }
    csrf::verify(user.user(), &token)?;
    let list = lists::find(&state.db, id).await?;
    let bytes = bytes.filter(|b| !b.is_empty()).ok_or_else(|| AppError::Unprocessable("Choose a CSV file to import.".into()))?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(AppError::Unprocessable("The file is not a UTF-8 text (CSV) file.".into()));
    }
    let entries = lists::emails_from_csv(&bytes)?;
    let report = lists::add_members(&state.db, list.id, &entries).await?;
    let status = if report.rejected.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, list_page(&state, user.user(), id, Some(report)).await?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    user_id: i32,
}

pub async fn remove(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<RemoveForm>) -> Result<Redirect> {
    let list = lists::find(&state.db, id).await?;
    lists::remove_member(&state.db, list.id, form.user_id).await?;
    Ok(Redirect::to(&format!("/lists/{id}")))
}

pub async fn delete(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    let list = lists::find(&state.db, id).await?;
    lists::delete(&state.db, list).await?;
    Ok(Redirect::to("/lists"))
}
