//! Tracked links and opens: `/l/{token}` records a click and redirects to
//! where HR pointed; `/o/{token}.gif` records an open. Tokens are signed
//! (see [`token`]); targets come from the database, never from the request.

pub mod events;
pub mod routes;
pub mod token;

use axum::routing::get;
use axum::Router;
use rand::RngCore;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::entities::setting;
use crate::state::AppState;
pub use token::{Purpose, TokenKey, TrackingToken};

const KEY_SETTING: &str = "tracking_key";

pub fn router() -> Router<AppState> {
    Router::new().route("/l/{token}", get(routes::click)).route("/o/{file}", get(routes::open_pixel))
}

/// The installation's signing key, created by whichever server starts first.
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
    Ok(TokenKey(bytes))
}
