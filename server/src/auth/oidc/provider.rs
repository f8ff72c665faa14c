//! Talking to the identity provider, through the `openidconnect` crate:
//! discovery (cached), the authorization URL with PKCE S256, `state` and
//! `nonce`, the code exchange and the ID token's checks (signature by the
//! provider's JWKS, issuer, audience, expiry, nonce). When a token is signed
//! by a key Herald has not seen, the JWKS is fetched again once: the
//! provider has rotated its keys.
//!
//! Requests go through the outbound guard. The issuer is typed by the
//! operator into `herald.toml`, not by an admin in a form, so the addresses
//! its host resolves to are allowed even when internal (an IdP on the
//! company network); the provider's other endpoints get the same allowance
//! only when they are on the issuer's host, else `outbound_allow` decides.

use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IdToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use url::{Host, Url};

use super::settings::OidcConfig;
use crate::outbound::Guard;

/// How long discovery and the JWKS are trusted before they are fetched again.
const DISCOVERY_TTL: Duration = Duration::from_secs(15 * 60);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Every claim of the ID token, for the configured claim names to pick from.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct AllClaims {
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}
impl AdditionalClaims for AllClaims {}

type HeraldIdToken = IdToken<AllClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;
/// A client made from discovery: authorization endpoint set, token and userinfo endpoints if advertised.
type OidcClient = CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// Why a sign-in through the provider did not happen, in words for people.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider did not answer, or answered nonsense.
    #[error("{0}")]
    Unreachable(String),
    /// The provider answered, but what it gave cannot be trusted.
    #[error("{0}")]
    Rejected(String),
}

struct Discovered {
    metadata: ProviderMetadataWithLogout,
    http: reqwest::Client,
    fetched: Instant,
}

/// What the login redirect carries and the callback needs back.
pub struct Authorization {
    pub url: Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The verified ID token's claims: `sub` and `iss` included.
pub struct VerifiedClaims {
    pub issuer: String,
    pub subject: String,
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// The identity provider as Herald knows it: settings and cached discovery.
pub struct Provider {
    config: OidcConfig,
    outbound_allow: Vec<ipnet::IpNet>,
    redirect: RedirectUrl,
    cache: RwLock<Option<Discovered>>,
}

impl Provider {
    pub fn new(config: OidcConfig, outbound_allow: Vec<ipnet::IpNet>, public_base: &str) -> anyhow::Result<Provider> {
        let redirect = RedirectUrl::new(format!("{public_base}/auth/oidc/callback"))?;
        Ok(Provider { config, outbound_allow, redirect, cache: RwLock::new(None) })
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    fn unreachable(&self, what: &str, detail: impl std::fmt::Display) -> ProviderError {
        let detail = crate::outbound::bounded_line(&detail.to_string());
        ProviderError::Unreachable(format!("{} could not be reached ({what}): {detail}", self.config.display_name))
    }

    /// An HTTP client that may reach the issuer's host, never follows
    /// redirects (the crate's advice against SSRF) and sends no proxy.
    async fn http_client(&self) -> Result<reqwest::Client, ProviderError> {
        let mut allow = self.outbound_allow.clone();
        match self.config.issuer.host() {
            Some(Host::Ipv4(ip)) => allow.push(std::net::IpAddr::from(ip).into()),
            Some(Host::Ipv6(ip)) => allow.push(std::net::IpAddr::from(ip).into()),
            Some(Host::Domain(name)) => {
                let port = self.config.issuer.port_or_known_default().unwrap_or(443);
                let found = tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((name, port)))
                    .await
                    .map_err(|_| self.unreachable("looking up its address", "no answer within 5 seconds"))?
                    .map_err(|err| self.unreachable("looking up its address", err))?;
                allow.extend(found.map(|addr| ipnet::IpNet::from(addr.ip())));
            }
            None => return Err(self.unreachable("reading its address", "the issuer names no host")),
        }
        Guard::new(allow).client(REQUEST_TIMEOUT, false).map_err(|err| self.unreachable("preparing a connection", err))
    }

    async fn discover(&self) -> Result<Discovered, ProviderError> {
        let http = self.http_client().await?;
        let issuer = IssuerUrl::new(self.config.issuer.as_str().trim_end_matches('/').to_owned())
            .map_err(|err| self.unreachable("reading the issuer", err))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &http)
            .await
            .map_err(|err| self.unreachable("discovery", error_chain(&err)))?;
        Ok(Discovered { metadata, http, fetched: Instant::now() })
    }

    /// Discovery, from the cache when it is fresh. `Ok(true)` when it was fetched now.
    pub async fn ensure_discovered(&self) -> Result<bool, ProviderError> {
        if self.cache.read().await.as_ref().is_some_and(|cached| cached.fetched.elapsed() < DISCOVERY_TTL) {
            return Ok(false);
        }
        let fresh = self.discover().await?;
        *self.cache.write().await = Some(fresh);
        Ok(true)
    }

    /// Discovery fetched now, whatever the cache holds: for the status page.
    pub async fn check_now(&self) -> Result<(), ProviderError> {
        let fresh = self.discover().await?;
        *self.cache.write().await = Some(fresh);
        Ok(())
    }

    fn client(&self, metadata: &ProviderMetadataWithLogout) -> OidcClient {
        CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.as_ref().map(|secret| ClientSecret::new(secret.expose().to_owned())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// Where to send the browser: the provider's authorization endpoint with
    /// a fresh `state`, `nonce` and PKCE S256 challenge.
    pub async fn authorize(&self) -> Result<Authorization, ProviderError> {
        self.ensure_discovered().await?;
        let cache = self.cache.read().await;
        let discovered = cache.as_ref().ok_or_else(|| self.unreachable("discovery", "no discovery document"))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client(&discovered.metadata);
        let mut request = client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random).set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization { url, state: state.secret().clone(), nonce: nonce.secret().clone(), pkce_verifier: verifier.secret().clone() })
    }

    /// Exchanges the code and verifies the ID token it brings.
    pub async fn redeem(&self, code: &str, pkce_verifier: &str, nonce: &str) -> Result<VerifiedClaims, ProviderError> {
        self.ensure_discovered().await?;
        let (client, http) = {
            let cache = self.cache.read().await;
            let discovered = cache.as_ref().ok_or_else(|| self.unreachable("discovery", "no discovery document"))?;
            (self.client(&discovered.metadata), discovered.http.clone())
        };
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|err| ProviderError::Rejected(format!("the provider's discovery document names no token endpoint ({err})")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()));
        let response = request.request_async(&http).await.map_err(|err| match &err {
            openidconnect::RequestTokenError::ServerResponse(answer) => {
                ProviderError::Rejected(format!("the provider refused to complete the sign-in ({})", answer.error()))
            }
            openidconnect::RequestTokenError::Request(_) => self.unreachable("completing the sign-in", error_chain(&err)),
            _ => ProviderError::Rejected(format!("the provider's answer could not be read ({})", crate::outbound::bounded_line(&error_chain(&err)))),
        })?;
        let raw = response.id_token().ok_or_else(|| ProviderError::Rejected("the provider sent no ID token".into()))?.to_string();
        let id_token: HeraldIdToken = raw.parse().map_err(|_| ProviderError::Rejected("the provider's ID token could not be read".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            Err(ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey)) => {
                let client = self.refetch_keys().await?;
                let claims = id_token.claims(&client.id_token_verifier(), &nonce).map_err(explain)?.clone();
                claims
            }
            Err(err) => return Err(explain(err)),
        };
        let mut all = match serde_json::to_value(&claims) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Err(ProviderError::Rejected("the ID token's claims could not be read".into())),
        };
        all.remove("nonce");
        Ok(VerifiedClaims { issuer: claims.issuer().to_string(), subject: claims.subject().to_string(), claims: all })
    }

    /// The provider signed with a key Herald has not seen: fetch its JWKS again (once).
    async fn refetch_keys(&self) -> Result<OidcClient, ProviderError> {
        let mut cache = self.cache.write().await;
        let discovered = cache.as_mut().ok_or_else(|| self.unreachable("discovery", "no discovery document"))?;
        let jwks = CoreJsonWebKeySet::fetch_async(discovered.metadata.jwks_uri(), &discovered.http)
            .await
            .map_err(|err| self.unreachable("fetching its signing keys", error_chain(&err)))?;
        tracing::info!(keys = jwks.keys().len(), "identity provider signs with a new key; its key set was fetched again");
        discovered.metadata = discovered.metadata.clone().set_jwks(jwks);
        Ok(self.client(&discovered.metadata))
    }

    /// The provider's end-session URL, when discovery advertised one, to
    /// come back to `after` (registered at the provider as a post-logout URI).
    pub async fn end_session_url(&self, after: &str) -> Option<Url> {
        // Signing out of Herald must not wait on a provider that is down.
        if !matches!(tokio::time::timeout(Duration::from_secs(3), self.ensure_discovered()).await, Ok(Ok(_))) {
            return None;
        }
        let cache = self.cache.read().await;
        let endpoint = cache.as_ref()?.metadata.additional_metadata().end_session_endpoint.clone()?;
        let mut url = endpoint.url().clone();
        url.query_pairs_mut().append_pair("client_id", &self.config.client_id).append_pair("post_logout_redirect_uri", after);
        Some(url)
    }
}

/// The ID token's failed check, as the admin will read it.
fn explain(err: ClaimsVerificationError) -> ProviderError {
    let why = match &err {
        ClaimsVerificationError::Expired(_) => "the ID token has expired".to_owned(),
        ClaimsVerificationError::InvalidAudience(_) => "the ID token was issued for another application (wrong audience)".to_owned(),
        ClaimsVerificationError::InvalidIssuer(_) => "the ID token was issued by another provider (wrong issuer)".to_owned(),
        ClaimsVerificationError::InvalidNonce(_) => "the ID token does not carry this sign-in's nonce (missing or wrong nonce)".to_owned(),
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey) => {
            "the ID token is signed with a key the provider does not publish".to_owned()
        }
        ClaimsVerificationError::SignatureVerification(_) => "the ID token's signature is not valid".to_owned(),
        other => format!("the ID token was refused ({})", crate::outbound::bounded_line(&other.to_string())),
    };
    ProviderError::Rejected(why)
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
