//! Taking part from a personal link: the recipient of a spotlight email
//! (`/p/{token}`) or the asker HR answered (`/a/{token}`) asks to sign in,
//! and a sign-in link goes to *their* address, whoever clicked. A forwarded
//! email therefore lets nobody else act as them: these pages never sign
//! anyone in, they only send the owner a link that brings them back here.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::forms;
use crate::auth::extract::OptionalUser;
use crate::auth::throttle::ClientAddress;
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::sign_in_link::Purpose;
use crate::entities::user;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::tracking::Purpose as TokenPurpose;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "sign_in_links/owner.html")]
struct OwnerPage {
    layout: Layout,
    csrf: String,
    action: String,
    next: String,
    /// What the person wants to do, in their words ("comment, react or ask").
    purpose: &'static str,
    /// Where single sign-on would take them, when configured.
    single_sign_on: Option<String>,
    password_login: String,
    sent: bool,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(Debug, Deserialize)]
pub struct NextForm {
    #[serde(default)]
    next: String,
}

/// The person a personal link stands for, and where they go by default.
struct Owner {
    user_id: Option<i32>,
    default_next: String,
    purpose: &'static str,
}

async fn recipient(state: &AppState, token: &str) -> Result<Owner> {
    let (_, recipient) = crate::tracking::routes::recipient_of(state, token, TokenPurpose::Page).await?;
    Ok(Owner { user_id: recipient.user_id, default_next: format!("/news/{}", recipient.announcement_id), purpose: "comment, react or ask HR a question" })
}

async fn asker(state: &AppState, token: &str) -> Result<Owner> {
    let token = state.tracking.verify(token, TokenPurpose::Answer).ok_or(AppError::NotFound)?;
    let question = crate::comments::service::find(&state.db, token.recipient_id).await?;
    if question.author_id != Some(token.link_id) {
        return Err(AppError::NotFound);
    }
    let target = crate::comments::model::Target::of(&question).ok_or(AppError::NotFound)?;
    let url = crate::comments::thread_url(state, target).await?;
    Ok(Owner { user_id: Some(token.link_id), default_next: url, purpose: "read HR's answer and reply" })
}

fn page(state: &AppState, jar: CookieJar, auth: Option<&AuthSession>, action: String, owner: &Owner, next: &str) -> (CookieJar, OwnerPage) {
    let (jar, csrf) = forms::token(state, jar, auth);
    let next = forms::clean_next(next).unwrap_or_else(|| owner.default_next.clone());
    let password_login = format!("/login?{}", serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default());
    let page = OwnerPage {
        layout: auth.map(Layout::for_user).unwrap_or_default(),
        csrf,
        single_sign_on: super::single_sign_on_url(state, &next),
        action,
        next,
        purpose: owner.purpose,
        password_login,
        sent: false,
        error: None,
    };
    (jar, page)
}

async fn send(state: &AppState, jar: CookieJar, auth: Option<&AuthSession>, client: ClientAddress, action: String, owner: Owner, next: &str) -> Result<Response> {
    let (jar, mut page) = page(state, jar, auth, action, &owner, next);
    let person = match owner.user_id {
        Some(id) => user::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    if let Some(person) = &person {
        if let Err(AppError::TooManyRequests(message)) = state.link_limits.allow(&person.email, client.0, state.config.clock.now()) {
            page.error = Some(message);
            return Ok((StatusCode::TOO_MANY_REQUESTS, jar, render(&page)?).into_response());
        }
    }
    forms::send_later(state, person, Purpose::SignIn, Some(page.next.clone()));
    page.sent = true;
    Ok((jar, render(&page)?).into_response())
}

pub async fn recipient_form(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, Path(token): Path<String>, Query(query): Query<NextQuery>) -> Result<Response> {
    let owner = recipient(&state, &token).await?;
    let (jar, page) = page(&state, jar, auth.as_ref(), format!("/p/{token}/sign-in"), &owner, &query.next);
    Ok((jar, render(&page)?).into_response())
}

pub async fn recipient_send(
    State(state): State<AppState>,
    OptionalUser(auth): OptionalUser,
    jar: CookieJar,
    client: ClientAddress,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<NextForm>,
) -> Result<Response> {
    let owner = recipient(&state, &token).await?;
    send(&state, jar, auth.as_ref(), client, format!("/p/{token}/sign-in"), owner, &form.next).await
}

pub async fn asker_form(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, Path(token): Path<String>, Query(query): Query<NextQuery>) -> Result<Response> {
    let owner = asker(&state, &token).await?;
    let (jar, page) = page(&state, jar, auth.as_ref(), format!("/a/{token}/sign-in"), &owner, &query.next);
    Ok((jar, render(&page)?).into_response())
}

pub async fn asker_send(
    State(state): State<AppState>,
    OptionalUser(auth): OptionalUser,
    jar: CookieJar,
    client: ClientAddress,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<NextForm>,
) -> Result<Response> {
    let owner = asker(&state, &token).await?;
    send(&state, jar, auth.as_ref(), client, format!("/a/{token}/sign-in"), owner, &form.next).await
}
