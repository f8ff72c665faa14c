//! Static assets compiled into the binary, so one file is the whole install.

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset { name: "herald.css", content_type: "text/css; charset=utf-8", body: include_bytes!("../../../assets/herald.css") },
    Asset { name: "herald.js", content_type: "text/javascript; charset=utf-8", body: include_bytes!("../../../assets/herald.js") },
    Asset { name: "logo.svg", content_type: "image/svg+xml", body: include_bytes!("../../../assets/logo.svg") },
];

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let asset = ASSETS.iter().find(|asset| asset.name == file).ok_or(AppError::NotFound)?;
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    Ok(response)
}
