//! The sign-in redirect, the provider's callback, the signed-out page and
//! the identity settings page's single sign-on section.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::pending::{self, Refused, BROWSER_COOKIE};
use super::people::{self, Refusal};
use super::provider::{Provider, ProviderError};
use super::report::{self, OidcProviderStatus};
use super::status;
use crate::auth::extract::{Admin, OptionalUser, Require};
use crate::auth::next::after_sign_in;
use crate::auth::session::{self, session_cookie, SESSION_COOKIE};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

/// A sign-in that could not go on, with what the person can do now.
#[derive(askama::Template)]
#[template(path = "auth/oidc_problem.html")]
struct ProblemPage {
    layout: Layout,
    title: String,
    message: String,
    /// Offer the password form (the break-glass way in, or everyone's when SSO is not the only way).
    password_link: bool,
}

fn provider(state: &AppState) -> Result<&Provider> {
    state.oidc.as_deref().ok_or(AppError::NotFound)
}

fn problem(status: StatusCode, title: String, message: String) -> Result<Response> {
    let page = ProblemPage { layout: Layout::default(), title, message, password_link: true };
    Ok((status, render(&page)?).into_response())
}

/// The provider cannot be reached: say so, and point at the password form.
async fn unreachable(state: &AppState, provider: &Provider, detail: &str) -> Result<Response> {
    let now = Utc::now();
    status::discovery(&state.db, false, now).await?;
    status::failed(&state.db, detail, now).await?;
    tracing::warn!(error = %detail, "identity provider unreachable");
    let name = &provider.config().display_name;
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("{name} cannot be reached right now"),
        format!("{name} cannot be reached right now, so Herald cannot sign you in with it. Please try again in a few minutes. If it stays down, your administrator can still sign in with a password."),
    )
}

async fn refused(state: &AppState, status_line: &str, title: &str, message: String) -> Result<Response> {
    status::failed(&state.db, status_line, Utc::now()).await?;
    tracing::warn!(reason = %status_line, "single sign-on refused");
    problem(StatusCode::FORBIDDEN, title.to_owned(), message)
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

pub async fn login(State(state): State<AppState>, jar: CookieJar, Query(query): Query<LoginQuery>) -> Result<Response> {
    let provider = provider(&state)?;
    match provider.ensure_discovered().await {
        Ok(true) => status::discovery(&state.db, true, Utc::now()).await?,
        Ok(false) => {}
        Err(err) => return unreachable(&state, provider, &err.to_string()).await,
    }
    let authorization = match provider.authorize().await {
        Ok(authorization) => authorization,
        Err(err) => return unreachable(&state, provider, &err.to_string()).await,
    };
    let (jar, browser) = pending::browser_secret(jar, state.config.secure_cookies());
    let next = after_sign_in(&query.next);
    pending::remember(
        &state.db,
        pending::Begun { state: &authorization.state, browser: &browser, nonce: &authorization.nonce, pkce_verifier: &authorization.pkce_verifier, next: &next },
    )
    .await?;
    Ok((jar, Redirect::to(authorization.url.as_str())).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// RFC 9207: the provider names itself in its answer.
    iss: Option<String>,
}

pub async fn callback(State(state): State<AppState>, jar: CookieJar, Query(query): Query<CallbackQuery>) -> Result<Response> {
    let provider = provider(&state)?;
    let name = provider.config().display_name.clone();
    let again = "Go back to the sign-in page and start again.";
    let Some(state_param) = query.state.as_deref() else {
        return refused(&state, "a sign-in answer came back without its state", "This sign-in cannot be completed", format!("The answer from {name} is incomplete. {again}")).await;
    };
    let begun = match pending::take(&state.db, state_param, jar.get(BROWSER_COOKIE).map(|cookie| cookie.value())).await? {
        Ok(begun) => begun,
        Err(Refused::UnknownOrUsed) => {
            return refused(&state, "a sign-in answer was refused: its state was unknown, already used or expired", "This sign-in has expired or was already used", format!("Each sign-in with {name} can be completed once, within ten minutes. {again}")).await;
        }
        Err(Refused::OtherBrowser) => {
            return refused(&state, "a sign-in answer was refused: it came back to another browser than the one that began it", "This sign-in was started in another browser", format!("Start the sign-in with {name} in this browser. {again}")).await;
        }
    };
    // An answer that names another issuer is a mix-up: someone else's answer sent here.
    if query.iss.as_deref().is_some_and(|iss| iss.trim_end_matches('/') != provider.config().issuer.as_str().trim_end_matches('/')) {
        return refused(&state, "a sign-in answer named another issuer (iss)", "This sign-in cannot be completed", format!("The answer did not come from {name}. {again}")).await;
    }
    if let Some(error) = query.error.as_deref() {
        let error = crate::outbound::bounded_line(error);
        return refused(&state, &format!("the provider ended a sign-in with \"{error}\""), "The sign-in was not completed", format!("{name} did not complete the sign-in ({error}). {again}")).await;
    }
    let Some(code) = query.code.as_deref() else {
        return refused(&state, "a sign-in answer came back without a code", "This sign-in cannot be completed", format!("The answer from {name} is incomplete. {again}")).await;
    };
    let verified = match provider.redeem(code, &begun.pkce_verifier, &begun.nonce).await {
        Ok(verified) => verified,
        Err(ProviderError::Unreachable(detail)) => return unreachable(&state, provider, &detail).await,
        Err(ProviderError::Rejected(why)) => {
            return refused(&state, &format!("a sign-in was refused: {why}"), "Herald could not verify this sign-in", format!("Herald could not verify the answer from {name}, so you are not signed in. {again} If this keeps happening, tell your administrator.")).await;
        }
    };
    let person = match people::resolve(&state.db, provider.config(), &verified).await? {
        Ok(person) => person,
        Err(refusal) => {
            let (title, message) = match &refusal {
                Refusal::Unknown => ("You do not have a Herald account yet", "Your sign-in worked, but Herald has no account for you. Ask HR or your administrator to add you.".to_owned()),
                Refusal::Inactive => ("Your Herald account is deactivated", "Your account is no longer active, so you cannot sign in. If you think this is a mistake, contact HR.".to_owned()),
                Refusal::NoEmail | Refusal::Unverified => ("Herald cannot tell which account is yours", format!("{name} did not give a verified email address for you. Your administrator can check the sign-in settings.")),
                Refusal::LinkedElsewhere => ("This account is linked to another sign-in", format!("The Herald account with your email address belongs to another {name} identity. Your administrator can sort this out.")),
                Refusal::Conflict(message) => ("Herald cannot update your account", format!("{message} Your administrator can sort this out.")),
            };
            return refused(&state, &refusal.for_status(), title, message).await;
        }
    };
    // A fresh session id at every sign-in defeats session fixation.
    if let Some(old) = jar.get(SESSION_COOKIE) {
        session::destroy(&state, old.value()).await?;
    }
    let secret = session::create(&state, person.id).await?;
    status::signed_in(&state.db, Utc::now()).await?;
    tracing::info!(user_id = person.id, "signed in by single sign-on");
    let jar = jar.add(session_cookie(&state, secret));
    Ok((jar, Redirect::to(&begun.next_path)).into_response())
}

#[derive(askama::Template)]
#[template(path = "auth/oidc_signed_out.html")]
struct SignedOutPage {
    layout: Layout,
    display_name: String,
    end_session: Option<String>,
}

/// After Herald's sign-out: offer to end the provider's session too.
pub async fn signed_out(State(state): State<AppState>, OptionalUser(user): OptionalUser) -> Result<Response> {
    if user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let provider = provider(&state)?;
    let after = format!("{}/login", state.config.public_base());
    let end_session = provider.end_session_url(&after).await.map(|url| url.to_string());
    Ok(render(&SignedOutPage { layout: Layout::default(), display_name: provider.config().display_name.clone(), end_session })?.into_response())
}

#[derive(askama::Template)]
#[template(path = "admin/identity_oidc.html")]
struct StatusPage {
    layout: Layout,
    status: OidcProviderStatus,
    client_id: String,
    create_unknown: bool,
    only: bool,
    break_glass_email: String,
    roles: Vec<(String, String)>,
}

impl StatusPage {
    fn when(&self, at: &Option<DateTime<Utc>>) -> String {
        at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "never".into())
    }
}

/// Single sign-on on the identity settings page: discovery checked now.
pub async fn status_page(State(state): State<AppState>, admin: Require<Admin>) -> Result<Html<String>> {
    let status = report::current(&state).await?;
    let config = state.oidc.as_deref().map(Provider::config);
    render(&StatusPage {
        layout: Layout::for_user(admin.user()),
        status,
        client_id: config.map(|c| c.client_id.clone()).unwrap_or_default(),
        create_unknown: config.is_some_and(|c| c.create_unknown),
        only: config.is_some_and(|c| c.only),
        break_glass_email: config.and_then(|c| c.break_glass_email.clone()).unwrap_or_default(),
        roles: config.map(|c| c.roles.iter().map(|(group, role)| (group.clone(), role.label().to_owned())).collect()).unwrap_or_default(),
    })
}
