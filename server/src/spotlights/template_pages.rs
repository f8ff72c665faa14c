//! HR edits email templates at run time: list, create, edit (with every
//! save checked by rendering sample data), preview, and restore a shipped
//! design to its original.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render::EmailTemplate;
use super::templates::{self, TemplateForm};
use crate::auth::extract::{HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::spotlight_template;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "spotlights/templates.html")]
struct IndexPage {
    layout: Layout,
    templates: Vec<spotlight_template::Model>,
}

pub async fn index(user: Require<HrStaff>, State(state): State<AppState>) -> Result<Html<String>> {
    render(&IndexPage { layout: Layout::for_user(user.user()), templates: templates::list(&state.db).await? })
}

#[derive(askama::Template)]
#[template(path = "spotlights/template_edit.html")]
struct EditPage {
    layout: Layout,
    id: Option<i32>,
    builtin: bool,
    form: TemplateForm,
    errors: Vec<String>,
    saved: bool,
}

fn page(auth: &AuthSession, id: Option<i32>, builtin: bool, form: TemplateForm, errors: Vec<String>, saved: bool) -> Result<Html<String>> {
    render(&EditPage { layout: Layout::for_user(auth), id, builtin, form, errors, saved })
}

pub async fn new(user: Require<HrStaff>) -> Result<Html<String>> {
    // A new template starts as a copy of the first shipped design.
    let mut form = templates::shipped_form(&templates::DEFAULTS[0]);
    form.name = String::new();
    form.description = String::new();
    page(user.user(), None, false, form, vec![], false)
}

pub async fn edit(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let model = templates::find(&state.db, id).await?;
    page(user.user(), Some(id), model.builtin, TemplateForm::of(&model), vec![], false)
}

#[derive(Debug, Deserialize)]
pub struct Submitted {
    #[serde(flatten)]
    form: TemplateForm,
    /// "restore" puts a shipped template back as Herald ships it.
    #[serde(default)]
    action: String,
}

pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, CsrfForm(submitted): CsrfForm<Submitted>) -> Result<Response> {
    let errors = submitted.form.check().await;
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(user.user(), None, false, submitted.form, errors, false)?).into_response());
    }
    let model = templates::create(&state.db, user.user().user.id, &submitted.form).await?;
    Ok(Redirect::to(&format!("/spotlights/templates/{}", model.id)).into_response())
}

pub async fn update(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(submitted): CsrfForm<Submitted>) -> Result<Response> {
    let model = templates::find(&state.db, id).await?;
    let builtin = model.builtin;
    let form = match (submitted.action.as_str(), templates::shipped(&model.slug)) {
        ("restore", Some(shipped)) if builtin => templates::shipped_form(shipped),
        ("restore", _) => return Err(AppError::BadRequest("Only a shipped template can be restored.".into())),
        _ => submitted.form,
    };
    let errors = form.check().await;
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(user.user(), Some(id), builtin, form, errors, false)?).into_response());
    }
    let model = templates::update(&state.db, model, user.user().user.id, &form).await?;
    Ok(page(user.user(), Some(id), builtin, TemplateForm::of(&model), vec![], true)?.into_response())
}

/// The template's HTML rendered with sample data, framed by the edit page.
pub async fn preview(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Response> {
    let model = templates::find(&state.db, id).await?;
    EmailTemplate::compile(&model.subject, &model.html_body, &model.text_body).map_err(|errors| AppError::Unprocessable(errors.join("; ")))?;
    let email = crate::sandbox::render(&crate::sandbox::Template::new(&model.subject, &model.html_body, &model.text_body, false), &templates::sample_context())
        .await
        .map_err(|errors| AppError::Unprocessable(errors.join("; ")))?;
    let mut response = Html(email.html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; sandbox"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    Ok(response)
}
