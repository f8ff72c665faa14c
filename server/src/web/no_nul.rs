//! No NUL characters in what people send. PostgreSQL cannot store them in
//! text (the insert fails), and SQLite would keep them and hand them to every
//! page, export and email. Refused at the edge, for every route at once: the
//! path, the query string, JSON bodies and urlencoded forms. File uploads
//! (multipart) are read by their own validation.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;

/// Bodies larger than this are left to the extractors, which refuse them (axum's default limit).
const MAX_CHECKED_BODY: usize = 2 * 1024 * 1024;

fn refused() -> AppError {
    AppError::BadRequest("Text may not contain NUL characters (\\0).".into())
}

pub async fn refuse_nul(request: Request, next: Next) -> Result<Response, AppError> {
    let uri = request.uri();
    if has_nul_escape(uri.path()) || uri.query().is_some_and(has_nul_escape) {
        return Err(refused());
    }
    let kind = request.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let json = kind.starts_with("application/json") || kind.contains("+json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return Ok(next.run(request).await);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_CHECKED_BODY).await else {
        return Err(AppError::PayloadTooLarge("The request is larger than 2 MB.".into()));
    };
    let nul = if json { json_has_nul(&bytes) } else { has_nul_escape(&String::from_utf8_lossy(&bytes)) || bytes.contains(&0) };
    if nul {
        return Err(refused());
    }
    Ok(next.run(Request::from_parts(parts, Body::from(bytes))).await)
}

/// `%00` in a percent-encoded path, query or form.
fn has_nul_escape(encoded: &str) -> bool {
    encoded.contains('\0') || encoded.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// Whether a JSON document holds a NUL in any string or key; a body that is
/// not JSON is left to the extractor's own error.
fn json_has_nul(bytes: &[u8]) -> bool {
    fn walk(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(text) => text.contains('\0'),
            serde_json::Value::Array(items) => items.iter().any(walk),
            serde_json::Value::Object(fields) => fields.iter().any(|(key, value)| key.contains('\0') || walk(value)),
            _ => false,
        }
    }
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|value| walk(&value))
}

#[cfg(test)]
mod tests {
    use super::{has_nul_escape, json_has_nul};

    #[test]
    fn nul_is_found_in_every_encoding() {
        assert!(json_has_nul(br#"{"title": "a\u0000b"}"#));
        assert!(json_has_nul(br#"[{"x\u0000": 1}]"#));
        assert!(!json_has_nul(br#"{"title": "a\\u0000b"}"#), "an escaped backslash is text, not a NUL");
        assert!(has_nul_escape("q=a%00b"));
        assert!(!has_nul_escape("q=a%200"));
    }
}
