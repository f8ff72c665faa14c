//! Opening a link. The GET, which mail scanners (Safe Links, Proofpoint,
//! Mimecast) make on their own, changes nothing: it shows "Continue as Ann
//! Lee" or the new-password form. Only the POST from that page signs in
//! (or sets the password) and uses the link up.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::store::{self, Found};
use super::forms;
use crate::auth::extract::OptionalUser;
use crate::auth::throttle::ClientAddress;
use crate::auth::{session, tokens, AuthSession, CsrfForm};
use crate::entities::sign_in_link::{self, Purpose};
use crate::entities::user;
use crate::error::Result;
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(askama::Template)]
#[template(path = "sign_in_links/continue.html")]
struct ContinuePage {
    layout: Layout,
    csrf: String,
    token: String,
    name: String,
    invitation: bool,
    /// Someone else is signed in on this browser; continuing replaces them.
    signed_in_as: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "sign_in_links/reset.html")]
struct ResetPage {
    layout: Layout,
    csrf: String,
    token: String,
    name: String,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "sign_in_links/reset_done.html")]
struct ResetDonePage {
    layout: Layout,
    signed_out: u64,
    revoked_tokens: u64,
}

/// Why a link cannot be used, and what to do instead.
#[derive(askama::Template)]
#[template(path = "sign_in_links/unusable.html")]
struct UnusablePage {
    layout: Layout,
    csrf: String,
    reason: Unusable,
    /// The secret of a known link, for "send me a new one".
    token: String,
    /// After "send me a new one".
    renewed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unusable {
    Invalid,
    Used,
    Expired,
}

fn accepts(path_purpose: Purpose, link: &sign_in_link::Model) -> bool {
    match path_purpose {
        Purpose::PasswordReset => link.purpose == Purpose::PasswordReset,
        Purpose::SignIn | Purpose::Invitation => link.purpose != Purpose::PasswordReset,
    }
}

/// The link behind `secret` if it may be used on this path, or the page saying why not.
async fn usable(state: &AppState, jar: CookieJar, auth: Option<&AuthSession>, secret: &str, path_purpose: Purpose) -> Result<std::result::Result<(CookieJar, sign_in_link::Model, user::Model), Response>> {
    let (reason, token) = match store::find(&state.db, state.config.clock.now(), secret).await? {
        Found::Usable(link, person) if accepts(path_purpose, &link) => return Ok(Ok((jar, link, person))),
        Found::Used(link, _) if accepts(path_purpose, &link) => (Unusable::Used, secret),
        Found::Expired(link, _) if accepts(path_purpose, &link) => (Unusable::Expired, secret),
        _ => (Unusable::Invalid, ""),
    };
    Ok(Err(unusable(state, jar, auth, reason, token, false)?))
}

fn unusable(state: &AppState, jar: CookieJar, auth: Option<&AuthSession>, reason: Unusable, token: &str, renewed: bool) -> Result<Response> {
    let (jar, csrf) = forms::token(state, jar, auth);
    let status = match reason {
        Unusable::Invalid => StatusCode::NOT_FOUND,
        Unusable::Used | Unusable::Expired if renewed => StatusCode::OK,
        Unusable::Used | Unusable::Expired => StatusCode::GONE,
    };
    let page = UnusablePage { layout: auth.map(Layout::for_user).unwrap_or_default(), csrf, reason, token: token.to_owned(), renewed };
    Ok((status, jar, render(&page)?).into_response())
}

pub async fn continue_page(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, Query(query): Query<TokenQuery>) -> Result<Response> {
    let (jar, link, person) = match usable(&state, jar, auth.as_ref(), &query.token, Purpose::SignIn).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let (jar, csrf) = forms::token(&state, jar, auth.as_ref());
    let signed_in_as = auth.as_ref().filter(|auth| auth.user.id != person.id).map(|auth| auth.user.name.clone());
    let page = ContinuePage {
        layout: auth.as_ref().map(Layout::for_user).unwrap_or_default(),
        csrf,
        token: query.token,
        name: person.name,
        invitation: link.purpose == Purpose::Invitation,
        signed_in_as,
    };
    Ok((jar, render(&page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

/// The POST from "Continue as …": signs in like a password would, and uses the link up.
pub async fn sign_in(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, CsrfForm(form): CsrfForm<TokenForm>) -> Result<Response> {
    let (jar, link, person) = match usable(&state, jar, auth.as_ref(), &form.token, Purpose::SignIn).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    if !store::consume(&state.db, state.config.clock.now(), link.id).await? {
        return unusable(&state, jar, auth.as_ref(), Unusable::Used, &form.token, false);
    }
    let jar = session::begin(&state, jar, person.id).await?;
    let next = crate::auth::next::after_sign_in(link.next.as_deref().unwrap_or("/"));
    let target = if person.must_change_password { "/account/password".to_owned() } else { next };
    Ok((jar, Redirect::to(&target)).into_response())
}

fn reset_form(state: &AppState, jar: CookieJar, auth: Option<&AuthSession>, token: String, person: &user::Model, error: Option<String>) -> Result<(CookieJar, Html<String>)> {
    let (jar, csrf) = forms::token(state, jar, auth);
    let page = ResetPage { layout: auth.map(Layout::for_user).unwrap_or_default(), csrf, token, name: person.name.clone(), error };
    Ok((jar, render(&page)?))
}

pub async fn reset_page(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, Query(query): Query<TokenQuery>) -> Result<Response> {
    let (jar, _, person) = match usable(&state, jar, auth.as_ref(), &query.token, Purpose::PasswordReset).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    Ok(reset_form(&state, jar, auth.as_ref(), query.token, &person, None)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    new: String,
    confirm: String,
}

/// A new password, checked by the password policy; on success every session
/// and API token of the person ends, and this browser is signed in afresh.
pub async fn reset(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, CsrfForm(form): CsrfForm<ResetForm>) -> Result<Response> {
    let (jar, link, person) = match usable(&state, jar, auth.as_ref(), &form.token, Purpose::PasswordReset).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let error = if form.new != form.confirm {
        Some("The two passwords do not match.".to_owned())
    } else {
        crate::auth::password::validate_new_password(&form.new, &person.email, &person.name).err()
    };
    if let Some(error) = error {
        let (jar, page) = reset_form(&state, jar, auth.as_ref(), form.token, &person, Some(error))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    }
    if !store::consume(&state.db, state.config.clock.now(), link.id).await? {
        return unusable(&state, jar, auth.as_ref(), Unusable::Used, &form.token, false);
    }
    let person_id = person.id;
    crate::users::service::set_password(&state.db, person, &form.new).await?;
    // Whoever knew the old password may hold a session or a token made with it.
    let signed_out = session::destroy_others(&state, person_id, None).await?;
    let revoked_tokens = tokens::revoke_all_for(&state.db, person_id).await?;
    let jar = session::begin(&state, jar, person_id).await?;
    Ok((jar, render(&ResetDonePage { layout: Layout::default(), signed_out, revoked_tokens })?).into_response())
}

/// "Send me a new link" from the page of a used or expired one: a new link
/// goes to the same account's own address (never to whoever asks).
pub async fn renew(State(state): State<AppState>, OptionalUser(auth): OptionalUser, jar: CookieJar, client: ClientAddress, CsrfForm(form): CsrfForm<TokenForm>) -> Result<Response> {
    let now = state.config.clock.now();
    let (link, person) = match store::find(&state.db, now, &form.token).await? {
        Found::Used(link, person) | Found::Expired(link, person) | Found::Usable(link, person) => (link, person),
        Found::Invalid => return unusable(&state, jar, auth.as_ref(), Unusable::Invalid, "", false),
    };
    state.link_limits.allow(&person.email, client.0, now)?;
    let purpose = if link.purpose == Purpose::PasswordReset { forms::reset_purpose(&person) } else { Purpose::SignIn };
    forms::send_later(&state, Some(person), purpose, link.next.clone());
    unusable(&state, jar, auth.as_ref(), Unusable::Used, "", true)
}
