//! The provider's status as the identity settings page and the API show
//! it: one definition, with discovery checked at the moment of asking.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::status;
use crate::error::Result;
use crate::state::AppState;

/// How long the check of discovery may take before it counts as unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(8);

/// Single sign-on's status. Without `[oidc]`, `configured` is false and the rest empty.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OidcProviderStatus {
    pub configured: bool,
    /// "Sign in with <display_name>".
    pub display_name: Option<String>,
    pub issuer: Option<String>,
    /// Whether the provider's discovery document could be read just now.
    pub discovery_reachable: bool,
    /// Why not, in plain words, when it could not.
    pub discovery_error: Option<String>,
    pub discovery_checked_at: Option<DateTime<Utc>>,
    /// The last sign-in through the provider that succeeded (anyone's).
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// The last failure, in plain words; it names nobody.
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
}

pub async fn current(state: &AppState) -> Result<OidcProviderStatus> {
    let Some(provider) = state.oidc.as_deref() else {
        return Ok(OidcProviderStatus {
            configured: false,
            display_name: None,
            issuer: None,
            discovery_reachable: false,
            discovery_error: None,
            discovery_checked_at: None,
            last_sign_in_at: None,
            last_error: None,
            last_error_at: None,
        });
    };
    let discovery_error = match tokio::time::timeout(CHECK_TIMEOUT, provider.check_now()).await {
        Ok(Ok(())) => None,
        Ok(Err(err)) => Some(err.to_string()),
        Err(_) => Some(format!("{} did not answer within {} seconds", provider.config().display_name, CHECK_TIMEOUT.as_secs())),
    };
    status::discovery(&state.db, discovery_error.is_none(), Utc::now()).await?;
    let recorded = status::read(&state.db).await?;
    Ok(OidcProviderStatus {
        configured: true,
        display_name: Some(provider.config().display_name.clone()),
        issuer: Some(provider.config().issuer.to_string()),
        discovery_reachable: discovery_error.is_none(),
        discovery_error,
        discovery_checked_at: recorded.discovery_checked_at,
        last_sign_in_at: recorded.last_sign_in_at,
        last_error: recorded.last_error,
        last_error_at: recorded.last_error_at,
    })
}
