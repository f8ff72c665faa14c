use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::search::SearchIndex;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub search: SearchIndex,
}
