//! The administrators' Identity page: SCIM tokens and the last provisioning
//! events. (Sign-in with the identity provider adds its status here.)

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tokens;
use crate::auth::extract::{Admin, Require};
use crate::auth::{CsrfForm, EmptyForm};
use crate::entities::scim_token;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::users::provisioning::{self, Event};
use crate::web::layout::{render, Layout};

/// How many provisioning events the page lists.
const EVENTS_SHOWN: u64 = 50;

#[derive(askama::Template)]
#[template(path = "scim/identity.html")]
struct IdentityPage {
    layout: Layout,
    scim_url: String,
    tokens: Vec<scim_token::Model>,
    new_token: Option<String>,
    error: Option<String>,
    events: Vec<Event>,
}

async fn page(state: &AppState, admin: &Require<Admin>, new_token: Option<String>, error: Option<String>) -> Result<Html<String>> {
    render(&IdentityPage {
        layout: Layout::for_user(admin.user()),
        scim_url: super::base_url(state),
        tokens: tokens::live(&state.db).await?,
        new_token,
        error,
        events: provisioning::recent(&state.db, EVENTS_SHOWN).await?,
    })
}

pub async fn show(admin: Require<Admin>, State(state): State<AppState>) -> Result<Html<String>> {
    page(&state, &admin, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(admin: Require<Admin>, State(state): State<AppState>, CsrfForm(form): CsrfForm<TokenForm>) -> Result<Response> {
    match tokens::create(&state.db, &form.name, Some(admin.user().user.id)).await {
        Ok((_, token)) => Ok(page(&state, &admin, Some(token), None).await?.into_response()),
        Err(AppError::Unprocessable(message)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &admin, None, Some(message)).await?).into_response()),
        Err(other) => Err(other),
    }
}

pub async fn revoke_token(_admin: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    tokens::revoke(&state.db, id).await?;
    Ok(Redirect::to("/admin/identity"))
}
