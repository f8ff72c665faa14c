//! Sign-in, sign-out, password change and personal API tokens.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::extract::CurrentUser;
use super::password::{burn_verify_time, verify_password};
use super::session::{self, removal_cookie, SESSION_COOKIE};
use super::{csrf, throttle, tokens, CsrfForm, EmptyForm};
use crate::entities::api_token;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::users::service;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
    /// "Sign in with <provider>", first, when single sign-on is configured.
    sso: Option<super::oidc::LoginChoice>,
    /// The password form: hidden in SSO-only mode behind the break-glass link.
    password_form: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
    /// `?break_glass=1`: the password form in SSO-only mode.
    break_glass: Option<String>,
}

/// Only same-site paths are followed after sign-in: never another host.
fn safe_next(next: &str) -> String {
    super::next::after_sign_in(next)
}

pub async fn login_form(State(state): State<AppState>, jar: CookieJar, Query(query): Query<NextQuery>) -> Result<Response> {
    let (jar, token) = csrf::login_token(jar, state.config.secure_cookies());
    let next = safe_next(&query.next);
    let sso = super::oidc::login_choice(&state, &next);
    let password_form = query.break_glass.is_some() || !sso.as_ref().is_some_and(|sso| sso.only);
    let page = LoginPage { layout: Layout::default(), csrf: token, email: String::new(), next, error: None, sso, password_form };
    Ok((jar, render(&page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    throttle::ClientAddress(client): throttle::ClientAddress,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response> {
    let email = form.email.trim().to_lowercase();
    let next = safe_next(&form.next);
    let retry = |error: String, status: StatusCode, jar: CookieJar| -> Result<Response> {
        let (jar, token) = csrf::login_token(jar, state.config.secure_cookies());
        let sso = super::oidc::login_choice(&state, &next);
        let page = LoginPage { layout: Layout::default(), csrf: token, email: form.email.clone(), next: next.clone(), error: Some(error), sso, password_form: true };
        Ok((status, jar, render(&page)?).into_response())
    };
    let attempt = state.login_limits.attempt(client, &email);
    if let Err(AppError::TooManyRequests(message)) = state.login_limits.check(&attempt) {
        return retry(message, StatusCode::TOO_MANY_REQUESTS, jar);
    }
    throttle::slow_down(&state.db, &email).await?;
    // SSO-only: one answer for every failure, so that it never says which
    // address is the break-glass administrator's.
    let closed = super::oidc::password_closed_message(&state);
    if !super::oidc::may_use_password(&state, &email) {
        burn_verify_time(&form.password);
        state.login_limits.record_failure(&attempt);
        throttle::record_failure(&state.db, &email).await?;
        return retry(closed.unwrap_or_default(), StatusCode::FORBIDDEN, jar);
    }
    let user = service::find_by_email(&state.db, &email).await?;
    let verified = match user.as_ref().and_then(|u| u.password_hash.as_deref().map(|hash| (u, hash))) {
        Some((user, hash)) => user.active && verify_password(&form.password, hash),
        None => {
            burn_verify_time(&form.password);
            false
        }
    };
    let Some(user) = user.filter(|_| verified) else {
        state.login_limits.record_failure(&attempt);
        throttle::record_failure(&state.db, &email).await?;
        return match closed {
            Some(closed) => retry(closed, StatusCode::FORBIDDEN, jar),
            None => retry("The email or password is not correct.".into(), StatusCode::UNAUTHORIZED, jar),
        };
    };
    state.login_limits.clear(&attempt);
    throttle::clear(&state.db, &email).await?;
    let jar = session::begin(&state, jar, user.id).await?;
    let target = if user.must_change_password { "/account/password".to_owned() } else { next };
    Ok((jar, Redirect::to(&target)).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    _user: CurrentUser,
    jar: CookieJar,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        session::destroy(&state, cookie.value()).await?;
    }
    // With single sign-on, a page that offers to sign out of the provider too.
    let after = if state.oidc.is_some() { "/auth/oidc/signed-out" } else { "/login" };
    Ok((jar.remove(removal_cookie(SESSION_COOKIE)), Redirect::to(after)).into_response())
}

#[derive(askama::Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    layout: Layout,
    forced: bool,
    error: Option<String>,
    done: bool,
    /// After a change: how many other sessions were ended and tokens revoked.
    signed_out: u64,
    revoked_tokens: u64,
}

pub async fn password_form(CurrentUser(auth): CurrentUser) -> Result<Html<String>> {
    render(&PasswordPage { forced: auth.user.must_change_password, layout: Layout::for_user(&auth), error: None, done: false, signed_out: 0, revoked_tokens: 0 })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response> {
    let layout = Layout::for_user(&auth);
    let forced = auth.user.must_change_password;
    let error = if !auth.user.password_hash.as_deref().is_some_and(|hash| verify_password(&form.current, hash)) {
        Some("The current password is not correct.".to_owned())
    } else if form.new != form.confirm {
        Some("The new passwords do not match.".to_owned())
    } else if form.new == form.current {
        Some("Choose a password different from the current one.".to_owned())
    } else {
        super::password::validate_new_password(&form.new, &auth.user.email, &auth.user.name).err()
    };
    if let Some(error) = error {
        let page = PasswordPage { layout, forced, error: Some(error), done: false, signed_out: 0, revoked_tokens: 0 };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    service::set_password(&state.db, auth.user.clone(), &form.new).await?;
    // Whoever knew the old password may hold a session or a token made with
    // it: end every other session (this one stays) and revoke the tokens.
    let signed_out = session::destroy_others(&state, auth.user.id, jar.get(SESSION_COOKIE).map(|cookie| cookie.value())).await?;
    let revoked_tokens = tokens::revoke_all_for(&state.db, auth.user.id).await?;
    Ok(render(&PasswordPage { layout, forced: false, error: None, done: true, signed_out, revoked_tokens })?.into_response())
}

#[derive(askama::Template)]
#[template(path = "auth/account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    role: String,
    department: String,
    location: String,
    tokens: Vec<api_token::Model>,
    new_token: Option<String>,
    error: Option<String>,
}

async fn account_page(state: &AppState, auth: &super::AuthSession, new_token: Option<String>, error: Option<String>) -> Result<Html<String>> {
    render(&AccountPage {
        layout: Layout::for_user(auth),
        email: auth.user.email.clone(),
        role: auth.role().label().to_owned(),
        department: auth.user.department.clone(),
        location: auth.user.location.clone(),
        tokens: tokens::list_for(&state.db, auth.user.id).await?,
        new_token,
        error,
    })
}

pub async fn account(State(state): State<AppState>, CurrentUser(auth): CurrentUser) -> Result<Html<String>> {
    account_page(&state, &auth, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response> {
    match tokens::create(&state.db, auth.user.id, &form.name).await {
        Ok(token) => Ok(account_page(&state, &auth, Some(token), None).await?.into_response()),
        Err(AppError::Unprocessable(message)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account_page(&state, &auth, None, Some(message)).await?).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<i32>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect> {
    tokens::revoke(&state.db, auth.user.id, id).await?;
    Ok(Redirect::to("/account"))
}
