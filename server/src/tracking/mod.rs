//! Tracked links and opens: `/l/{token}` records a click and redirects to
//! where HR pointed; `/o/{token}.gif` records an open. Tokens are signed
//! (see [`token`]); targets come from the database, never from the request.
//! Every event goes through the group-committing [`recorder`].

mod agents;
pub mod cache;
pub mod classify;
pub mod events;
mod copy;
pub mod log;
pub mod recorder;
pub mod routes;
pub mod rule;
pub mod store;
pub mod stats;
pub mod timing;
pub mod token;
pub mod visitor_key;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::get;
use axum::Router;
use rand::RngCore;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::entities::setting;
use crate::state::AppState;
pub use classify::Verdict;
pub use rule::Rule;
pub use token::{Purpose, TokenKey, TrackingToken};

/// What Herald keeps about the client of a tracked request: never its
/// address, only a keyed hash of it that changes every day (for counting
/// unique visitors) and the host of the referring page.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Client {
    #[serde(rename = "ua")]
    pub user_agent: String,
    #[serde(rename = "v")]
    pub verdict: Verdict,
    #[serde(rename = "rh", default, skip_serializing_if = "Option::is_none")]
    pub referrer_host: Option<String>,
    #[serde(rename = "vh", default, skip_serializing_if = "Option::is_none")]
    pub visitor_hash: Option<String>,
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user_agent = parts.headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
        let day = visitor_key::today();
        let visitor_hash = client_ip(parts, state.config.trust_forwarded_for).map(|ip| state.visitors.visitor_hash(day, ip));
        Ok(Client {
            user_agent: truncate(user_agent, 300).to_owned(),
            verdict: classify::classify(&parts.method, &parts.headers, parts.uri.path().starts_with("/o/")),
            referrer_host: classify::referrer_host(&parts.headers),
            visitor_hash,
        })
    }
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The client's address: the connection's peer, or the first
/// `X-Forwarded-For` hop when Herald is configured to sit behind a proxy.
pub(crate) fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|list| list.split(',').next()).and_then(|first| first.trim().parse().ok()) {
            return Some(ip);
        }
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

const KEY_SETTING: &str = "tracking_key";

/// Compiles the user-agent lists at start-up, not on the first click.
pub fn compile_agent_lists() {
    agents::compile();
}

pub fn router() -> Router<AppState> {
    Router::new().route("/l/{token}", get(routes::click)).route("/o/{file}", get(routes::open_pixel))
}

/// The installation's signing key, created by whichever server starts first.
/// It signs tracked links only; the visitor hash has its own key, outside
/// the database (see [`visitor_key`]).
pub async fn load_or_create_key(db: &DatabaseConnection) -> anyhow::Result<TokenKey> {
    if let Some(existing) = setting::Entity::find_by_id(KEY_SETTING.to_owned()).one(db).await? {
        return parse_key(&existing.value);
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let row = setting::ActiveModel { key: Set(KEY_SETTING.into()), value: Set(hex::encode(bytes)) };
    // Two servers starting together may both try; the first insert wins and both read it back.
    let _ = setting::Entity::insert(row)
        .on_conflict(sea_orm::sea_query::OnConflict::column(setting::Column::Key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let stored = setting::Entity::find_by_id(KEY_SETTING.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("tracking key missing right after it was written"))?;
    parse_key(&stored.value)
}

fn parse_key(hex_value: &str) -> anyhow::Result<TokenKey> {
    let bytes = hex::decode(hex_value.trim()).map_err(|_| anyhow::anyhow!("stored tracking key is not hex"))?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| anyhow::anyhow!("stored tracking key has the wrong length"))?;
    Ok(TokenKey::new(bytes))
}
