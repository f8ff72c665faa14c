//! Seeing an announcement before it goes: the email as a chosen employee will
//! get it (HTML framed in a sandbox, and the plain text), the spotlight page,
//! and a test message to oneself.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::compose::{Composer, RecipientVars};
use super::links::PreviewLinks;
use super::page::SpotlightPage;
use super::service;
use crate::auth::extract::{HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::{announcement, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::users::service as users;
use crate::web::layout::{render, Layout};

#[derive(Debug, Default, Deserialize)]
pub struct PreviewQuery {
    /// The directory email of the person to preview for (default: yourself).
    #[serde(default)]
    recipient: String,
}

async fn preview_person(state: &AppState, auth: &AuthSession, email: &str) -> Result<user::Model> {
    if email.trim().is_empty() {
        return Ok(auth.user.clone());
    }
    users::find_by_email(&state.db, email)
        .await?
        .ok_or_else(|| AppError::Unprocessable(format!("{} is not in the employee directory.", email.trim())))
}

pub(super) async fn render_for(state: &AppState, model: announcement::Model, person: &user::Model) -> Result<super::render::RenderedEmail> {
    let composer = Composer::load(&state.db, &state.config.mail.organisation, model).await?;
    let links = PreviewLinks { base: state.config.public_base(), announcement_id: composer.announcement.id, slugs: composer.slugs() };
    composer.render(&RecipientVars::new(&person.name, &person.email, &person.department, &person.location), &links).await
}

#[derive(askama::Template)]
#[template(path = "spotlights/preview.html")]
struct PreviewPage {
    layout: Layout,
    model: announcement::Model,
    person: user::Model,
    from: String,
    subject: String,
    text: String,
}

pub async fn preview(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, Query(query): Query<PreviewQuery>) -> Result<Html<String>> {
    let model = service::find(&state.db, id).await?;
    let person = preview_person(&state, user.user(), &query.recipient).await?;
    let email = render_for(&state, model.clone(), &person).await?;
    render(&PreviewPage { layout: Layout::for_user(user.user()), model, person, from: state.config.mail.from.clone(), subject: email.subject, text: email.text })
}

/// The HTML part alone, framed by the preview page. Email HTML needs inline
/// styles, so this one response gets a policy that allows them, and a
/// sandbox that runs no script and cannot navigate the page around it.
pub async fn preview_email(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, Query(query): Query<PreviewQuery>) -> Result<Response> {
    let model = service::find(&state.db, id).await?;
    let person = preview_person(&state, user.user(), &query.recipient).await?;
    let email = render_for(&state, model, &person).await?;
    let mut response = Html(email.html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    Ok(response)
}

/// The spotlight page as recipients will see it, with nothing recorded.
pub async fn page_preview(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let model = service::find(&state.db, id).await?;
    let mut page = SpotlightPage::new(&state, Layout::for_user(user.user()), model, "/library/by-id/".into()).await?;
    page.preview = true;
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct TestForm {
    #[serde(default)]
    recipient: String,
}

/// Sends the email, as `recipient` would get it, to the signed-in user.
pub async fn send_test(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<TestForm>) -> Result<Redirect> {
    let model = service::find(&state.db, id).await?;
    let person = preview_person(&state, user.user(), &form.recipient).await?;
    let mut email = render_for(&state, model, &person).await?;
    email.subject = format!("[Test] {}", email.subject);
    let me = &user.user().user;
    crate::delivery::queue_message(&state.db, "test", &me.email, &me.name, &email, state.config.host()).await?;
    // Not whom it was rendered as: the trail names HR staff only, never recipients.
    super::audit::record(&state.db, id, Some(me.id), super::audit::AuditAction::TestSent, "").await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/spotlights/{id}?flash=test")))
}

