//! Request logging. Every request gets a span with its id, method and path,
//! except those that write comments or feedback: for them Herald writes no
//! log line at all, not even "a request happened at 10:31:02", because a
//! dated line is all it would take to match an anonymous comment with the
//! person whose other activity surrounds it (see docs/anonymity.md).

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, Request, Response};
use tower_http::classify::ServerErrorsFailureClass;
use tracing::{info_span, Span};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn span_for(request: &Request<Body>) -> Span {
    let path = request.uri().path();
    if crate::comments::leaves_no_trace(path) {
        return Span::none();
    }
    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    info_span!("request", id = %id, method = %request.method(), path = %path)
}

pub fn on_request(_request: &Request<Body>, span: &Span) {
    if !span.is_none() {
        tracing::debug!(parent: span, "started processing request");
    }
}

pub fn on_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
    if !span.is_none() {
        tracing::debug!(parent: span, status = response.status().as_u16(), latency_ms = latency.as_millis() as u64, "finished processing request");
    }
}

pub fn on_failure(failure: ServerErrorsFailureClass, latency: Duration, span: &Span) {
    if !span.is_none() {
        tracing::error!(parent: span, classification = %failure, latency_ms = latency.as_millis() as u64, "response failed");
    }
}
