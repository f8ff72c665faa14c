//! Response compression: gzip or brotli, whichever the browser prefers, for
//! every text answer (HTML, JSON, CSV, CSS, JS, SVG).

use axum::http::Response;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;

/// Tracked redirects carry no body worth compressing; deciding so up front
/// keeps the click path free of encoder set-up (bench/redirects.sh).
#[derive(Clone, Copy)]
struct NotRedirect;

impl Predicate for NotRedirect {
    fn should_compress<B: axum::body::HttpBody>(&self, response: &Response<B>) -> bool {
        !response.status().is_redirection()
    }
}

/// The default rules (bodies above 32 bytes, no raster images, no event
/// streams) plus no redirects. Only the gzip and brotli encoders are built
/// in (Cargo.toml): every browser takes one of them.
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(NotRedirect.and(DefaultPredicate::new()))
}
