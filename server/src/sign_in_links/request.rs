//! `/login/link` ("Email me a sign-in link") and `/login/reset` ("Forgot
//! password?"): a form for an address, and the same answer whether or not
//! the address has an account.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::forms;
use crate::auth::extract::OptionalUser;
use crate::auth::throttle::ClientAddress;
use crate::auth::CsrfForm;
use crate::entities::sign_in_link::Purpose;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::users::email::Email;
use crate::web::layout::{render, Layout};

/// Which of the two forms.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SignIn,
    Reset,
}

#[derive(askama::Template)]
#[template(path = "sign_in_links/request.html")]
struct RequestPage {
    layout: Layout,
    kind: Kind,
    csrf: String,
    email: String,
    next: String,
    /// After a request: the address as typed, to say where to look.
    sent_to: Option<String>,
    minutes: i64,
    error: Option<String>,
}

impl RequestPage {
    fn action(&self) -> &'static str {
        match self.kind {
            Kind::SignIn => "/login/link",
            Kind::Reset => "/login/reset",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(Debug, Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: String,
}

fn page(state: &AppState, jar: CookieJar, auth: Option<&crate::auth::AuthSession>, kind: Kind, email: String, next: &str) -> (CookieJar, RequestPage) {
    let (jar, csrf) = forms::token(state, jar, auth);
    let layout = auth.map(Layout::for_user).unwrap_or_default();
    let next = forms::clean_next(next).unwrap_or_default();
    (jar, RequestPage { layout, kind, csrf, email, next, sent_to: None, minutes: state.config.sign_in_link_minutes, error: None })
}

async fn form(state: AppState, jar: CookieJar, auth: Option<crate::auth::AuthSession>, kind: Kind, next: &str) -> Result<Response> {
    let (jar, page) = page(&state, jar, auth.as_ref(), kind, String::new(), next);
    Ok((jar, render(&page)?).into_response())
}

pub async fn link_form(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, Query(query): Query<NextQuery>) -> Result<Response> {
    form(state, jar, auth, Kind::SignIn, &query.next).await
}

pub async fn reset_form(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, Query(query): Query<NextQuery>) -> Result<Response> {
    form(state, jar, auth, Kind::Reset, &query.next).await
}

async fn send(state: AppState, jar: CookieJar, auth: Option<crate::auth::AuthSession>, client: ClientAddress, kind: Kind, form: AddressForm) -> Result<Response> {
    let (jar, mut page) = page(&state, jar, auth.as_ref(), kind, form.email.trim().to_owned(), &form.next);
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(_) => {
            page.error = Some("Enter the email address you use at work, such as ann.lee@example.com.".into());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, render(&page)?).into_response());
        }
    };
    // Counted for every address, known or not: a refusal says nothing about accounts.
    if let Err(AppError::TooManyRequests(message)) = state.link_limits.allow(email.as_str(), client.0, state.config.clock.now()) {
        page.error = Some(message);
        return Ok((StatusCode::TOO_MANY_REQUESTS, jar, render(&page)?).into_response());
    }
    let person = crate::users::service::find_by_email(&state.db, email.as_str()).await?;
    let purpose = match (kind, &person) {
        (Kind::Reset, Some(person)) => forms::reset_purpose(person),
        _ => Purpose::SignIn,
    };
    forms::send_later(&state, person, purpose, forms::clean_next(&form.next));
    page.sent_to = Some(email.into_string());
    page.email = String::new();
    Ok((jar, render(&page)?).into_response())
}

pub async fn send_link(
    State(state): State<AppState>,
    OptionalUser(auth): OptionalUser,
    jar: CookieJar,
    client: ClientAddress,
    CsrfForm(form): CsrfForm<AddressForm>,
) -> Result<Response> {
    send(state, jar, auth, client, Kind::SignIn, form).await
}

pub async fn send_reset(
    State(state): State<AppState>,
    OptionalUser(auth): OptionalUser,
    jar: CookieJar,
    client: ClientAddress,
    CsrfForm(form): CsrfForm<AddressForm>,
) -> Result<Response> {
    send(state, jar, auth, client, Kind::Reset, form).await
}
