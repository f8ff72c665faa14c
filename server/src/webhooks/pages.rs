//! `/admin/webhooks`: register, pause, test, retry and remove webhooks.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, NewWebhook, WebhookView};
use super::{deliveries, EVENTS};
use crate::auth::extract::{Admin, Require};
use crate::auth::{AuthSession, CsrfForm, EmptyForm};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::notice::{self, Notice};

#[derive(askama::Template)]
#[template(path = "admin/webhooks.html")]
struct WebhooksPage {
    layout: Layout,
    webhooks: Vec<WebhookView>,
    events: [&'static str; 6],
    /// What was typed, kept when the form is shown again with an error.
    url: String,
    chosen: Vec<String>,
    error: Option<String>,
    /// The new webhook's URL and secret, shown once.
    created: Option<(String, String)>,
    notice: Option<String>,
}

impl WebhooksPage {
    fn is_chosen(&self, event: &str) -> bool {
        self.chosen.iter().any(|chosen| chosen == event)
    }
}

async fn page(state: &AppState, auth: &AuthSession, form: Option<(String, Vec<String>)>, error: Option<String>) -> Result<WebhooksPage> {
    let (url, chosen) = form.unwrap_or_default();
    Ok(WebhooksPage {
        layout: Layout::for_user(auth),
        webhooks: service::all(&state.db).await?,
        events: EVENTS,
        url,
        chosen,
        error,
        created: None,
        notice: None,
    })
}

pub async fn index(user: Require<Admin>, State(state): State<AppState>) -> Result<Html<String>> {
    render(&page(&state, user.user(), None, None).await?)
}

/// The add form: `url` and one `events` field per ticked box.
pub async fn create(user: Require<Admin>, State(state): State<AppState>, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> Result<Response> {
    let url = fields.iter().find(|(key, _)| key == "url").map(|(_, value)| value.clone()).unwrap_or_default();
    let events: Vec<String> = fields.into_iter().filter(|(key, _)| key == "events").map(|(_, value)| value).collect();
    let new = match NewWebhook::parse_reachable(&url, &events, &state.config.outbound()).await {
        Ok(new) => new,
        Err(reason) => {
            let shown = page(&state, user.user(), Some((url, events)), Some(reason)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&shown)?).into_response());
        }
    };
    let hook = service::create(&state.db, new, Some(user.user().user.id)).await?;
    tracing::info!(webhook = hook.id, url = %hook.url, "webhook registered");
    let mut shown = page(&state, user.user(), None, None).await?;
    shown.created = Some((hook.url, hook.secret));
    Ok(render(&shown)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct StateForm {
    active: String,
}

pub async fn set_active(_user: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<StateForm>) -> Result<Redirect> {
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        other => return Err(AppError::Unprocessable(format!("active must be true or false, not {other:?}"))),
    };
    service::set_active(&state.db, id, active).await?;
    Ok(notice::redirect("/admin/webhooks", if active { Notice::WebhookResumed } else { Notice::WebhookPaused }))
}

pub async fn test(user: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Html<String>> {
    let delivery = service::ping(&state.db, id).await?;
    let mut shown = page(&state, user.user(), None, None).await?;
    shown.notice = Some(format!("Test event queued as delivery {delivery}; the counts below show how it went after a reload."));
    render(&shown)
}

pub async fn retry(user: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Html<String>> {
    let hook = service::find(&state.db, id).await?;
    let count = deliveries::retry_now(&state.db, hook.id).await?;
    let mut shown = page(&state, user.user(), None, None).await?;
    shown.notice = Some(match count {
        0 => "Nothing to retry: every delivery to this webhook has been accepted.".to_owned(),
        1 => "1 delivery will be retried now.".to_owned(),
        n => format!("{n} deliveries will be retried now."),
    });
    render(&shown)
}

pub async fn delete(_user: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    service::delete(&state.db, id).await?;
    Ok(notice::redirect("/admin/webhooks", Notice::WebhookDeleted))
}
