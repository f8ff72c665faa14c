//! Pages that belong to no single domain: home, health check, static assets,
//! and the security headers every response carries.

pub mod assets;
pub mod compression;
pub mod confirm;
pub mod csv_file;
pub mod layout;
pub mod no_nul;
pub mod notice;
pub mod request_log;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::auth::extract::CurrentUser;
use crate::error::Result;
use crate::state::AppState;
use layout::{render, Layout};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home)).route("/healthz", get(health)).route("/favicon.ico", get(favicon))
}

/// Browsers ask for `/favicon.ico` on their own; the logo is the icon.
async fn favicon() -> Result<Response> {
    crate::tracking::routes::redirect(&assets::url("logo.svg"))
}

pub fn notifications_router() -> Router<AppState> {
    Router::new().route("/notifications/read", axum::routing::post(notifications_read))
}

async fn notifications_read(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    crate::auth::CsrfForm(_): crate::auth::CsrfForm<crate::auth::EmptyForm>,
) -> Result<axum::response::Redirect> {
    crate::notifications::mark_all_read(&state.db, auth.user.id).await?;
    Ok(axum::response::Redirect::to("/"))
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    role: String,
    /// The user's own library items past their review date.
    overdue: Vec<crate::entities::collateral::Model>,
    notifications: Vec<crate::entities::notification::Model>,
    /// What HR sent them, unread first (the first few).
    news: Vec<crate::spotlights::portal::NewsRow>,
    unread: usize,
    /// Recently updated library items they may read.
    featured: Vec<crate::entities::collateral::Model>,
    questions: Vec<crate::comments::mine::QuestionRow>,
    /// What HR can see of the reader's own opens and clicks.
    privacy_notice: String,
    /// What they still must read and confirm, soonest due first.
    acknowledgements: Vec<crate::acknowledgements::banner::Banner>,
}

async fn home(State(state): State<AppState>, CurrentUser(auth): CurrentUser) -> Result<Html<String>> {
    let today = chrono::Utc::now().date_naive();
    let mut news = crate::spotlights::portal::news_rows(&state, &auth).await?;
    let unread = news.iter().filter(|row| !row.read).count();
    news.truncate(5);
    render(&HomePage {
        news,
        unread,
        featured: crate::library::service::recent_for(&state.db, &auth, 5).await?,
        questions: crate::comments::mine::questions_of(&state, auth.user.id, 5).await?,
        layout: Layout::for_user(&auth),
        name: auth.user.name.clone(),
        role: auth.role().label().to_owned(),
        overdue: crate::library::service::overdue_reviews(&state.db, auth.user.id, today).await?,
        notifications: crate::notifications::unread(&state.db, auth.user.id).await?,
        privacy_notice: crate::analytics::individual::current(&state.db).await?.employee_notice(),
        acknowledgements: crate::acknowledgements::banner::pending_for(&state, auth.user.id, None).await?,
    })
}

/// 200 when the database answers, 503 otherwise: what a load balancer needs.
async fn health(State(state): State<AppState>) -> Response {
    let backend = state.db.get_database_backend();
    let probe = sea_orm::Statement::from_string(backend, "SELECT 1");
    match state.db.execute(probe).await {
        Ok(_) => Json(json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "unreachable" }))).into_response()
        }
    }
}

/// No inline scripts or styles, no framing, no referrer leaks to other sites.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    // A handler may set a stricter policy of its own (email previews do).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        );
    }
    if !headers.contains_key(header::X_FRAME_OPTIONS) {
        set(headers, header::X_FRAME_OPTIONS, "DENY");
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}
