use std::ops::Deref;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::delivery::Mailer;
use crate::search::SearchIndex;
use crate::tracking::cache::LookupCache;
use crate::tracking::recorder::Recorder;
use crate::tracking::TokenKey;

/// Shared by every handler. Extractors and middleware clone it for each
/// request, so it is one `Arc`: a clone is one counter, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

pub struct Services {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub search: SearchIndex,
    /// Signs tracked links; shared by every server through the database.
    pub tracking: TokenKey,
    /// The key of the daily visitor hash: in a file, never in the database.
    pub visitors: Arc<crate::tracking::visitor_key::VisitorKeys>,
    pub mailer: Mailer,
    /// Group-commits tracking events.
    pub recorder: Recorder,
    /// Short links, recipients and link targets the redirects look up.
    pub lookups: LookupCache,
    /// How many comments each person posted lately (memory only; see `comments::throttle`).
    pub posting_limits: crate::comments::throttle::PostingLimits,
    /// Failed sign-ins per client (memory only; see `auth::throttle`).
    pub login_limits: crate::auth::throttle::LoginLimits,
    /// Emailed sign-in links per address and client (memory only; see `sign_in_links::limits`).
    pub link_limits: crate::sign_in_links::limits::LinkLimits,
    /// Recent answers of the links spotlights point to (memory only; see `spotlights::link_check`).
    pub link_checker: crate::spotlights::link_check::LinkChecker,
    /// The single sign-on provider, when `[oidc]` is configured.
    pub oidc: Option<Arc<crate::auth::oidc::Provider>>,
}

impl AppState {
    pub fn new(services: Services) -> AppState {
        AppState(Arc::new(services))
    }
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}
