use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::delivery::Mailer;
use crate::search::SearchIndex;
use crate::tracking::recorder::Recorder;
use crate::tracking::TokenKey;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub search: SearchIndex,
    /// Signs tracked links; shared by every server through the database.
    pub tracking: TokenKey,
    pub mailer: Mailer,
    /// Group-commits tracking events.
    pub recorder: Recorder,
    /// Short links, recipients and link targets the redirects look up.
    pub lookups: crate::tracking::cache::LookupCache,
}
