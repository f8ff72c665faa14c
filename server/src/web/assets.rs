//! Static assets compiled into the binary, so one file is the whole install.
//!
//! Each is served under a name that carries a hash of its content
//! (`/assets/herald.3f2a9c1b0d4e5f60.css`), so browsers may keep it for a
//! year: an upgrade changes the name. Templates get the name from [`url`].
//! A plain name redirects to the current one; any other hash is a 404, never
//! old or new content under the wrong name.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct Asset {
    /// `herald.css`: what templates ask for.
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset { name: "herald.css", content_type: "text/css; charset=utf-8", body: include_bytes!("../../../assets/herald.css") },
    Asset { name: "herald.js", content_type: "text/javascript; charset=utf-8", body: include_bytes!("../../../assets/herald.js") },
    Asset { name: "logo.svg", content_type: "image/svg+xml", body: include_bytes!("../../../assets/logo.svg") },
];

/// An asset with its content-hashed file name, worked out once per process.
struct Hashed {
    asset: &'static Asset,
    /// `herald.3f2a9c1b0d4e5f60.css`
    file: String,
    /// Weak: the compression layer may re-encode the bytes, the content is the same.
    etag: HeaderValue,
}

static HASHED: LazyLock<Vec<Hashed>> = LazyLock::new(|| ASSETS.iter().map(hashed).collect());

fn hashed(asset: &'static Asset) -> Hashed {
    let digest = hex::encode(&Sha256::digest(asset.body)[..8]);
    let (stem, extension) = asset.name.rsplit_once('.').expect("asset names have an extension");
    let etag = HeaderValue::from_str(&format!("W/\"{digest}\"")).expect("hex is a valid header value");
    Hashed { asset, file: format!("{stem}.{digest}.{extension}"), etag }
}

/// The URL of an asset by its plain name, for templates: `{{ crate::web::assets::url("herald.css") }}`.
/// An unknown name is a programming error, caught by every page test.
pub fn url(name: &str) -> String {
    match HASHED.iter().find(|hashed| hashed.asset.name == name) {
        Some(hashed) => format!("/assets/{}", hashed.file),
        None => panic!("no asset named {name}"),
    }
}

pub async fn serve(Path(file): Path<String>, request_headers: HeaderMap) -> Result<Response, AppError> {
    if HASHED.iter().any(|hashed| hashed.asset.name == file) {
        // Bookmarked or hand-typed plain names still work; the redirect itself is not cached.
        return crate::tracking::routes::redirect(&url(&file));
    }
    let hashed = HASHED.iter().find(|hashed| hashed.file == file).ok_or(AppError::NotFound)?;
    let revalidated = request_headers.get(header::IF_NONE_MATCH).is_some_and(|tags| matches_etag(tags, &hashed.etag));
    let mut response = if revalidated { StatusCode::NOT_MODIFIED.into_response() } else { hashed.asset.body.into_response() };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(hashed.asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(header::ETAG, hashed.etag.clone());
    Ok(response)
}

/// If-None-Match compares weakly: `*`, or any listed tag with or without `W/`.
fn matches_etag(header: &HeaderValue, etag: &HeaderValue) -> bool {
    let ours = etag.to_str().unwrap_or_default().trim_start_matches("W/");
    header.to_str().unwrap_or_default().split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension_and_change_with_the_content() {
        let css = url("herald.css");
        assert!(css.starts_with("/assets/herald.") && css.ends_with(".css") && css.len() == "/assets/herald..css".len() + 16, "{css}");
        static OLD: Asset = Asset { name: "site.css", content_type: "text/css", body: b"p { color: red }" };
        static NEW: Asset = Asset { name: "site.css", content_type: "text/css", body: b"p { color: blue }" };
        assert_eq!(hashed(&OLD).file, hashed(&OLD).file);
        assert_ne!(hashed(&OLD).file, hashed(&NEW).file);
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let etag = HeaderValue::from_static("W/\"abc\"");
        assert!(matches_etag(&HeaderValue::from_static("\"abc\""), &etag));
        assert!(matches_etag(&HeaderValue::from_static("\"x\", W/\"abc\""), &etag));
        assert!(matches_etag(&HeaderValue::from_static("*"), &etag));
        assert!(!matches_etag(&HeaderValue::from_static("\"abd\""), &etag));
    }
}
