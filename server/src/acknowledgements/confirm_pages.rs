//! Confirming, in a browser. From the email: the personal link opens the
//! recipient's spotlight page, which for a request is this confirm page; the
//! GET (which mail scanners make on their own) only shows the item and the
//! button, and only the POST records the attestation. From the portal: the
//! same page for the signed-in person, reached from the banner.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::evidence::{self, Confirmed};
use super::store;
use crate::auth::extract::{CurrentUser, OptionalUser};
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::acknowledgement_person as person;
use crate::entities::acknowledgement_request::{self as request, RequestStatus};
use crate::entities::attestation::{self, Channel};
use crate::entities::recipient;
use crate::error::{AppError, Result};
use crate::library::markdown;
use crate::state::AppState;
use crate::tracking::Purpose;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "acknowledgements/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    csrf: String,
    organisation: String,
    /// Where the form posts.
    action: String,
    name: String,
    title: String,
    version: i32,
    text_sha256: String,
    body_html: String,
    statement: String,
    question: String,
    due_date: String,
    overdue: bool,
    open: bool,
    confirmed: Option<attestation::Model>,
    /// Just recorded by the POST that rendered this page.
    just_confirmed: bool,
    error: Option<String>,
    /// What they wrote, kept when the form is shown again with an error.
    answer: String,
}

/// The page of `person` for `model`, with what they confirmed if they have.
async fn page(state: &AppState, layout: Layout, csrf: String, action: String, model: &request::Model, person: &person::Model) -> Result<ConfirmPage> {
    let version = crate::library::service::version(&state.db, model.collateral_id, model.collateral_version).await?;
    let item = crate::library::service::find_by_id(&state.db, model.collateral_id).await?;
    let (title, body) = match version {
        Some(version) => (version.title, version.body),
        None => (item.title, item.body),
    };
    Ok(ConfirmPage {
        layout,
        csrf,
        organisation: state.config.mail.organisation.clone(),
        action,
        name: person.name.clone(),
        title,
        version: model.collateral_version,
        text_sha256: model.text_sha256.clone(),
        body_html: markdown::render(&body),
        statement: model.statement.clone(),
        question: model.question.clone(),
        due_date: model.due_date.format("%-d %B %Y").to_string(),
        overdue: super::compliance::is_overdue(model, state.config.clock.now().date_naive()),
        open: model.status == RequestStatus::Open,
        confirmed: evidence::of(&state.db, model.id, person.user_id).await?,
        just_confirmed: false,
        error: None,
        answer: String::new(),
    })
}

/// Called by the recipient's spotlight page: for a request's announcement it
/// is this confirm page. `None`: the announcement is not a request.
pub async fn for_recipient(state: &AppState, recipient: &recipient::Model, token: &str, auth: Option<&AuthSession>, jar: CookieJar) -> Result<Option<Response>> {
    let Some(person) = store::person_by_recipient(&state.db, recipient.id).await? else { return Ok(None) };
    let model = store::find(&state.db, person.request_id).await?;
    let (jar, csrf) = crate::sign_in_links::forms::token(state, jar, auth);
    let layout = auth.map(Layout::for_user).unwrap_or_default();
    let page = page(state, layout, csrf, format!("/p/{token}/confirm"), &model, &person).await?;
    Ok(Some((jar, render(&page)?).into_response()))
}

#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    answer: String,
}

/// The POST from the email's confirm page: the signed personal link says who.
pub async fn confirm_from_email(State(state): State<AppState>, Path(token): Path<String>, OptionalUser(auth): OptionalUser, jar: CookieJar, CsrfForm(form): CsrfForm<ConfirmForm>) -> Result<Response> {
    let (_, recipient) = crate::tracking::routes::recipient_of(&state, &token, Purpose::Page).await?;
    let person = store::person_by_recipient(&state.db, recipient.id).await?.ok_or(AppError::NotFound)?;
    let model = store::find(&state.db, person.request_id).await?;
    let (jar, csrf) = crate::sign_in_links::forms::token(&state, jar, auth.as_ref());
    let layout = auth.as_ref().map(Layout::for_user).unwrap_or_default();
    let outcome = evidence::confirm(&state.db, &model, &person, Channel::Email, &form.answer, state.config.clock.now()).await;
    let page = answered(&state, layout, csrf, format!("/p/{token}/confirm"), &model, &person, outcome, form.answer).await?;
    Ok((page.0, jar, render(&page.1)?).into_response())
}

/// The signed-in person's confirm page, from the portal banner.
pub async fn portal_page(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>) -> Result<Response> {
    let model = store::find(&state.db, id).await?;
    let person = store::person_in(&state.db, id, auth.user.id).await?.ok_or(AppError::NotFound)?;
    let page = page(&state, Layout::for_user(&auth), auth.csrf_token.clone(), format!("/acknowledgements/{id}/confirm"), &model, &person).await?;
    Ok(render(&page)?.into_response())
}

pub async fn confirm_from_portal(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ConfirmForm>) -> Result<Response> {
    let model = store::find(&state.db, id).await?;
    let person = store::person_in(&state.db, id, auth.user.id).await?.ok_or(AppError::NotFound)?;
    let outcome = evidence::confirm(&state.db, &model, &person, Channel::Portal, &form.answer, state.config.clock.now()).await;
    if outcome.is_ok() {
        return Ok(Redirect::to(&format!("/acknowledgements/{id}/confirm")).into_response());
    }
    let (status, page) = answered(&state, Layout::for_user(&auth), auth.csrf_token.clone(), format!("/acknowledgements/{id}/confirm"), &model, &person, outcome, form.answer).await?;
    Ok((status, render(&page)?).into_response())
}

/// The page after a POST: the recorded evidence, or why nothing was recorded.
async fn answered(
    state: &AppState,
    layout: Layout,
    csrf: String,
    action: String,
    model: &request::Model,
    person: &person::Model,
    outcome: Result<Confirmed>,
    answer: String,
) -> Result<(StatusCode, ConfirmPage)> {
    let mut page = page(state, layout, csrf, action, model, person).await?;
    page.answer = answer;
    let status = match outcome {
        Ok(Confirmed::New(_)) => {
            page.just_confirmed = true;
            StatusCode::OK
        }
        Ok(Confirmed::Already(_)) => StatusCode::OK,
        Err(AppError::Conflict(message)) => {
            page.error = Some(message);
            StatusCode::CONFLICT
        }
        Err(AppError::Unprocessable(message)) => {
            page.error = Some(message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(err) => return Err(err),
    };
    Ok((status, page))
}
