//! Compressed answers and cache-safe assets: what a browser on a phone gets.

use std::io::Read;

use herald::auth::Role;

use crate::helpers::{location, TestApp};

/// The page without its CSRF tokens, which are masked afresh on every rendering.
fn without_tokens(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("name=\"csrf\" value=\"") {
        let start = at + "name=\"csrf\" value=\"".len();
        out.push_str(&rest[..start]);
        rest = &rest[start + rest[start..].find('"').unwrap()..];
    }
    out + rest
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).expect("valid gzip");
    text
}

async fn fetch(client: &reqwest::Client, url: &str, accept: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = client.get(url).header("Accept-Encoding", accept).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    (response.headers().clone(), response.bytes().await.unwrap().to_vec())
}

fn encoding(headers: &reqwest::header::HeaderMap) -> &str {
    headers.get("content-encoding").map(|value| value.to_str().unwrap()).unwrap_or("identity")
}

/// The stylesheet's URL as the layout links it.
async fn stylesheet_url(app: &TestApp, client: &reqwest::Client) -> String {
    let html = app.get(client, "/login").await.text().await.unwrap();
    let start = html.find("href=\"/assets/herald.").expect("stylesheet link") + "href=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn pages_styles_json_and_csv_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::spawn().await;
    let hr = app.signed_in(Role::HrLead).await;

    for path in ["/library", "/spotlights", "/analytics/export.csv"] {
        let (plain_headers, plain) = fetch(&hr, &app.url(path), "identity").await;
        assert_eq!(encoding(&plain_headers), "identity", "{path} without Accept-Encoding");
        let (headers, gzipped) = fetch(&hr, &app.url(path), "gzip").await;
        assert_eq!(encoding(&headers), "gzip", "{path}");
        assert_eq!(without_tokens(&gunzip(&gzipped)), without_tokens(&String::from_utf8(plain.clone()).unwrap()), "{path}: the same page once unpacked");
        assert!(headers.get("vary").is_some_and(|vary| vary.to_str().unwrap().to_ascii_lowercase().contains("accept-encoding")), "{path}: caches keep encodings apart");
        let (headers, brotli) = fetch(&hr, &app.url(path), "gzip, deflate, br").await;
        assert_eq!(encoding(&headers), "br", "{path}: brotli when offered");
        if plain.len() > 2000 {
            assert!(brotli.len() * 2 < plain.len(), "{path}: {} bytes compressed from {}", brotli.len(), plain.len());
        }
    }

    let css = stylesheet_url(&app, &hr).await;
    let (headers, body) = fetch(&hr, &app.url(&css), "br").await;
    assert_eq!(encoding(&headers), "br");
    assert!(body.len() * 3 < include_bytes!("../../assets/herald.css").len(), "stylesheet: {} bytes", body.len());

    let token = app.token(Role::HrStaff).await;
    let json = reqwest::Client::new().get(app.url("/api/v1/collateral")).bearer_auth(&token).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(json.status(), 200);
    let headers = json.headers().clone();
    let body = json.bytes().await.unwrap();
    // An empty list is below the size worth compressing; a non-empty one is gzip.
    if body.len() > 64 {
        assert_eq!(encoding(&headers), "gzip");
    }
}

#[tokio::test]
async fn redirects_are_never_compressed() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    let response = client.get(app.url("/favicon.ico")).header("Accept-Encoding", "gzip, br").send().await.unwrap();
    assert_eq!(response.status(), 302);
    assert!(response.headers().get("content-encoding").is_none());
    let response = client.get(app.url("/login")).header("Accept-Encoding", "gzip, br").send().await.unwrap();
    assert_eq!(response.headers().get("content-encoding").unwrap(), "br", "while pages are");
}

#[tokio::test]
async fn assets_carry_their_content_hash_and_are_cached_for_a_year() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    let css = stylesheet_url(&app, &client).await;
    let hash = css.trim_start_matches("/assets/herald.").trim_end_matches(".css");
    assert!(hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{css}");

    let response = app.get(&client, &css).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(response.headers()["content-type"], "text/css; charset=utf-8");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.contains(hash), "{etag}");
    assert_eq!(response.bytes().await.unwrap().as_ref(), include_bytes!("../../assets/herald.css"));

    let revalidated = client.get(app.url(&css)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(revalidated.status(), 304);
    assert!(revalidated.bytes().await.unwrap().is_empty());
    let changed = client.get(app.url(&css)).header("If-None-Match", "W/\"0000\"").send().await.unwrap();
    assert_eq!(changed.status(), 200);

    // The old plain name leads to the current file, and is not cached itself.
    let plain = app.get(&client, "/assets/herald.css").await;
    assert_eq!(plain.status(), 302);
    assert_eq!(location(&plain), css);
    assert_eq!(plain.headers()["cache-control"], "no-store");
    // A name from another build never answers with this build's content.
    let stale = app.get(&client, "/assets/herald.0123456789abcdef.css").await;
    assert_eq!(stale.status(), 404);
    assert_eq!(stale.headers()["cache-control"], "no-store");
}
