//! One error type for the whole application.
//!
//! A handler returns `AppError`; its `IntoResponse` leaves the error in the
//! response extensions, and `render_errors` (a middleware that knows the
//! request path) turns it into a JSON body for `/api/*` or a friendly HTML
//! page for the browser. Internal errors are logged, never echoed.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use askama::Template;

use crate::web::layout::Layout;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("You need to sign in to see this.")]
    Unauthorized,
    #[error("Your role does not allow this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("This form has expired or did not come from Herald. Reload the page and try again.")]
    Csrf,
    #[error("{0}")]
    Storage(String),
    #[error("The service is temporarily unavailable. Please try again shortly.")]
    Unavailable,
    #[error("Something went wrong on our side. The error has been logged.")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Storage(_) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::Csrf => "csrf",
            AppError::Storage(_) => "storage",
            AppError::Unavailable => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        match err {
            // A database that cannot be reached is an outage, not a bug: answer 503.
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                tracing::warn!(error = %err, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(err.into())
    }
}

/// Carried in response extensions from `into_response` to `render_errors`.
#[derive(Clone)]
struct ErrorInfo {
    code: &'static str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(err) = &self {
            tracing::error!(error = ?err, "internal error");
        }
        let status = self.status();
        let info = ErrorInfo { code: self.code(), message: self.to_string() };
        let mut response = (status, info.message.clone()).into_response();
        response.extensions_mut().insert(info);
        response
    }
}

/// Turns an `AppError` response into JSON or HTML depending on who asked.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let mut response = next.run(request).await;
    let layout = response.extensions().get::<crate::auth::AuthSession>().map(Layout::for_user).unwrap_or_default();
    let Some(info) = response.extensions_mut().remove::<ErrorInfo>() else {
        return if is_api { json_rejection(response).await } else { response };
    };
    let status = response.status();
    if !is_api && status == StatusCode::UNAUTHORIZED {
        return Redirect::to(&format!("/login?next={}", urlencode(&path))).into_response();
    }
    let mut rendered = if is_api {
        let body = json!({ "error": { "code": info.code, "message": info.message } });
        (status, axum::Json(body)).into_response()
    } else {
        let page = ErrorPage { layout, status: status.as_u16(), reason: status.canonical_reason().unwrap_or("Error"), message: info.message };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, "An error occurred.").into_response(),
        }
    };
    // Keep headers such as WWW-Authenticate set by the handler.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if is_api && status == StatusCode::UNAUTHORIZED {
        rendered.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    rendered
}

/// The longest rejection text passed on to an API client.
const REJECTION_TEXT: usize = 300;

/// An error that did not come from a handler — axum's own rejections of a
/// path, query, form or JSON body it could not parse (400, 415, 422), an
/// unknown method (405), a body over the limit (413) — answered in the
/// same `{"error": {"code", "message"}}` shape as every other API error.
async fn json_rejection(response: Response) -> Response {
    let status = response.status();
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let message = if status.is_server_error() {
        "Something went wrong on our side.".to_owned()
    } else {
        let bytes = axum::body::to_bytes(body, 16 * 1024).await.unwrap_or_default();
        let text: String = String::from_utf8_lossy(&bytes).chars().take(REJECTION_TEXT).collect();
        if text.trim().is_empty() { status.canonical_reason().unwrap_or("Bad request").to_owned() } else { text }
    };
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        s if s.is_server_error() => "internal",
        _ => "client_error",
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let body = json!({ "error": { "code": code, "message": message } });
    Response::from_parts(parts, axum::body::Body::from(body.to_string()))
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    reason: &'static str,
    message: String,
}

fn urlencode(path: &str) -> String {
    url::form_urlencoded::byte_serialize(path.as_bytes()).collect()
}
