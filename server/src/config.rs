//! Settings, layered: built-in defaults, then `herald.toml` (in the data
//! directory or named by `--config`), then environment variables and flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;
use url::Url;

#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    pub base_url: Url,
    /// `None` means the embedded SQLite database in the data directory.
    pub database_url: Option<String>,
    pub session_hours: i64,
    pub max_upload_mb: u64,
    /// Email of the admin account created on first start.
    pub admin_email: String,
    pub mail: MailConfig,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Where HR can post social spotlights straight from Herald.
    pub social_destinations: Vec<SocialDestination>,
    /// Comments containing one of these words or phrases wait for HR review
    /// before others see them (`review_words = []` turns this off).
    pub review_words: Vec<String>,
    /// The smallest group of people an analytics breakdown may show.
    pub analytics_min_group: u64,
    /// Internal networks that webhooks and social destinations may reach anyway
    /// (see `crate::outbound`); empty: only public addresses.
    pub outbound_allow: Vec<ipnet::IpNet>,
    /// Where the key of the daily visitor hash is kept (default
    /// `DATA_DIR/visitor-key`); servers that count visitors together share one.
    pub visitor_key_file: Option<PathBuf>,
    /// How long an emailed sign-in or password-reset link works (default 30 minutes).
    pub sign_in_link_minutes: i64,
    /// How long an invitation link works (default 7 days).
    pub invitation_days: i64,
    /// The time link expiry and rate windows go by (tests move it forward).
    pub clock: crate::clock::Clock,
    /// Single sign-on through an OpenID provider (`[oidc]`, `HERALD_OIDC_*`); `None`: passwords only.
    pub oidc: Option<crate::auth::oidc::OidcConfig>,
    /// The windows of the tracking timing rules (`[tracking]`, see docs/tracking.md).
    pub tracking: crate::tracking::timing::TimingRules,
    /// Safe sending (`[sending]`): approval, the undo window, the recipient-count guard.
    pub sending: SendingConfig,
}

/// `[sending]`: which spotlights need approval and the guards on "Send".
#[derive(Clone, Debug, Default)]
pub struct SendingConfig {
    /// `None`: HR leads choose on the settings page (default never).
    pub approval: Option<crate::spotlights::approval::ApprovalRule>,
    pub approvers: Option<crate::spotlights::approval::Approvers>,
    pub guards: crate::spotlights::countdown::SendGuards,
}

/// `[sending]` as written in `herald.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendingFile {
    /// `never`, `always`, `over:N` or `broad`.
    pub approval: Option<String>,
    /// `hr_leads` or `group:<distribution list>`.
    pub approvers: Option<String>,
    pub undo_seconds: Option<u64>,
    pub confirm_over: Option<u64>,
}

/// A channel Herald can post to: an incoming webhook (Slack, Teams,
/// Mattermost style JSON `{"text": …}`) or a Mastodon-compatible server.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SocialDestination {
    /// Shown to HR, e.g. "HR Slack channel".
    pub name: String,
    /// The social channel it belongs to (slack, teams, mastodon, …).
    pub channel: String,
    /// `webhook` or `mastodon`.
    pub kind: String,
    /// The webhook URL, or the Mastodon server's base URL.
    pub url: String,
    /// Mastodon access token; unused for webhooks.
    #[serde(default)]
    pub token: String,
}

/// How Herald sends email. Without `smtp_url` messages are written as `.eml`
/// files in `DATA_DIR/outbox` so a new install works with no mail server.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `smtp://[user:pass@]host[:port]` (STARTTLS when offered, `?tls=required`
    /// to insist) or `smtps://…` (TLS from the first byte).
    pub smtp_url: Option<Url>,
    /// An extra certificate authority (PEM) to trust for the SMTP server's
    /// certificate, for relays with an internal CA.
    pub smtp_ca_file: Option<PathBuf>,
    /// The From: of every message, e.g. `HR <hr@example.com>`.
    pub from: String,
    /// Shown in emails and on spotlight pages.
    pub organisation: String,
    /// Parallel SMTP connections per server.
    pub concurrency: usize,
    /// Upper bound on messages per second per server.
    pub rate_per_second: u32,
    /// First retry delay; each further retry doubles it.
    pub retry_base_seconds: u64,
    pub max_attempts: i32,
    /// How long a server may hold claimed messages before another takes them over.
    pub lease_seconds: i64,
}

impl MailConfig {
    pub fn uses_smtp(&self) -> bool {
        self.smtp_url.is_some()
    }
}

/// What `herald.toml` may hold; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub bind: Option<SocketAddr>,
    pub base_url: Option<String>,
    pub database_url: Option<String>,
    pub session_hours: Option<i64>,
    pub max_upload_mb: Option<u64>,
    pub admin_email: Option<String>,
    pub smtp_url: Option<String>,
    pub smtp_ca_file: Option<PathBuf>,
    pub mail_from: Option<String>,
    pub organisation: Option<String>,
    pub mail_concurrency: Option<usize>,
    pub mail_rate_per_second: Option<u32>,
    pub mail_retry_base_seconds: Option<u64>,
    pub mail_max_attempts: Option<i32>,
    pub mail_lease_seconds: Option<i64>,
    pub trust_forwarded_for: Option<bool>,
    #[serde(default)]
    pub social_destinations: Vec<SocialDestination>,
    pub review_words: Option<Vec<String>>,
    pub analytics_min_group: Option<u64>,
    pub outbound_allow: Option<Vec<String>>,
    pub visitor_key_file: Option<PathBuf>,
    pub sign_in_link_minutes: Option<i64>,
    pub invitation_days: Option<i64>,
    pub oidc: Option<crate::auth::oidc::OidcFile>,
    pub sending: Option<SendingFile>,
    pub tracking: Option<crate::tracking::timing::TimingRules>,
}

/// Values given on the command line or in the environment; they win over the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<SocketAddr>,
    pub base_url: Option<String>,
    pub database_url: Option<String>,
    pub max_upload_mb: Option<u64>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub outbound_allow: Option<Vec<String>>,
    /// `HERALD_SIGN_IN_LINK_MINUTES`.
    pub sign_in_link_minutes: Option<i64>,
    /// `HERALD_INVITATION_DAYS`.
    pub invitation_days: Option<i64>,
    /// The `HERALD_OIDC_*` variables of the environment, applied over `[oidc]`.
    pub oidc_env: Vec<(String, String)>,
    /// `HERALD_APPROVAL`.
    pub approval: Option<String>,
    /// `HERALD_APPROVERS`.
    pub approvers: Option<String>,
}

impl Overrides {
    /// The settings only the environment overrides (no flag), read from it.
    pub fn from_environment(mut self) -> anyhow::Result<Overrides> {
        let number = |name: &str| -> anyhow::Result<Option<i64>> {
            match std::env::var(name) {
                Ok(raw) if !raw.trim().is_empty() => raw.trim().parse().map(Some).map_err(|_| anyhow::anyhow!("{name} must be a whole number, got {raw:?}")),
                _ => Ok(None),
            }
        };
        self.sign_in_link_minutes = self.sign_in_link_minutes.or(number("HERALD_SIGN_IN_LINK_MINUTES")?);
        self.invitation_days = self.invitation_days.or(number("HERALD_INVITATION_DAYS")?);
        self.oidc_env = std::env::vars().filter(|(key, _)| key.starts_with("HERALD_OIDC_")).collect();
        let text = |name: &str| std::env::var(name).ok().filter(|raw| !raw.trim().is_empty());
        self.approval = self.approval.or(text("HERALD_APPROVAL"));
        self.approvers = self.approvers.or(text("HERALD_APPROVERS"));
        Ok(self)
    }
}

impl Config {
    pub fn load(data_dir: &Path, config_file: Option<&Path>, overrides: Overrides) -> anyhow::Result<Self> {
        let file = match config_file {
            Some(path) => read_file(path)?,
            None => {
                let default = data_dir.join("herald.toml");
                if default.exists() { read_file(&default)? } else { FileConfig::default() }
            }
        };
        let bind = overrides.bind.or(file.bind).unwrap_or_else(|| "127.0.0.1:8080".parse().expect("valid default"));
        let base_url = match overrides.base_url.clone().or(file.base_url.clone()) {
            Some(raw) => Url::parse(&raw).with_context(|| format!("base URL {raw:?} is not a valid URL"))?,
            None => Url::parse(&format!("http://{bind}")).context("base URL from bind address")?,
        };
        if !matches!(base_url.scheme(), "http" | "https") {
            anyhow::bail!("base URL must start with http:// or https://, got {base_url}");
        }
        let session_hours = file.session_hours.unwrap_or(12);
        if !(1..=24 * 90).contains(&session_hours) {
            anyhow::bail!("session_hours must be between 1 and 2160, got {session_hours}");
        }
        let max_upload_mb = overrides.max_upload_mb.or(file.max_upload_mb).unwrap_or(25);
        if !(1..=1024).contains(&max_upload_mb) {
            anyhow::bail!("max_upload_mb must be between 1 and 1024, got {max_upload_mb}");
        }
        let mail = mail_config(&file, &overrides, &base_url)?;
        for destination in &file.social_destinations {
            check_destination(destination)?;
        }
        let analytics_min_group = file.analytics_min_group.unwrap_or(5);
        if !(1..=1000).contains(&analytics_min_group) {
            anyhow::bail!("analytics_min_group must be between 1 and 1000, got {analytics_min_group}");
        }
        let outbound_allow = overrides.outbound_allow.clone().or(file.outbound_allow.clone()).unwrap_or_default();
        let outbound_allow = parse_networks(&outbound_allow)?;
        let sign_in_link_minutes = overrides.sign_in_link_minutes.or(file.sign_in_link_minutes).unwrap_or(30);
        if !(1..=24 * 60).contains(&sign_in_link_minutes) {
            anyhow::bail!("sign_in_link_minutes must be between 1 and 1440, got {sign_in_link_minutes}");
        }
        let invitation_days = overrides.invitation_days.or(file.invitation_days).unwrap_or(7);
        if !(1..=90).contains(&invitation_days) {
            anyhow::bail!("invitation_days must be between 1 and 90, got {invitation_days}");
        }
        let oidc = crate::auth::oidc::OidcConfig::from_layers(file.oidc.clone(), &overrides.oidc_env)?;
        let sending = sending_config(file.sending.clone().unwrap_or_default(), &overrides)?;
        let tracking = file.tracking.clone().unwrap_or_default();
        tracking.check()?;
        Ok(Config {
            sending,
            tracking,
            oidc,
            sign_in_link_minutes,
            invitation_days,
            clock: crate::clock::Clock::default(),
            outbound_allow,
            analytics_min_group,
            visitor_key_file: file.visitor_key_file,
            trust_forwarded_for: file.trust_forwarded_for.unwrap_or(false),
            social_destinations: file.social_destinations.clone(),
            review_words: match file.review_words {
                Some(words) => words.into_iter().map(|word| word.trim().to_lowercase()).filter(|word| !word.is_empty()).collect(),
                None => crate::comments::model::DEFAULT_REVIEW_WORDS.iter().map(|word| word.to_string()).collect(),
            },
            mail,
            max_upload_mb,
            data_dir: data_dir.to_path_buf(),
            bind,
            base_url,
            database_url: overrides.database_url.or(file.database_url).filter(|url| !url.is_empty()),
            session_hours,
            admin_email: file.admin_email.unwrap_or_else(|| "admin@herald.local".into()),
        })
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb * 1024 * 1024
    }

    /// Cookies get the `Secure` flag when Herald is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// The guard every outbound request goes through.
    pub fn outbound(&self) -> crate::outbound::Guard {
        crate::outbound::Guard::new(self.outbound_allow.clone())
    }

    /// The tantivy index: a cache of the database, rebuilt when missing.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    /// The file holding today's visitor-hash key (see `tracking::visitor_key`).
    pub fn visitor_key_path(&self) -> PathBuf {
        self.visitor_key_file.clone().unwrap_or_else(|| self.data_dir.join("visitor-key"))
    }

    /// Uploaded attachments, stored by content hash.
    pub fn uploads_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }

    /// The public base URL without its trailing slash, to put paths after.
    pub fn public_base(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// The public host, for Message-IDs and List-Ids.
    pub fn host(&self) -> &str {
        self.base_url.host_str().unwrap_or("localhost")
    }

    /// The click log: tracked clicks and opens on their way to the database.
    pub fn click_log_dir(&self) -> PathBuf {
        self.data_dir.join("clicks")
    }

    /// Where `.eml` files go when no SMTP server is configured.
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("herald.db").display()),
        }
    }
}

fn mail_config(file: &FileConfig, overrides: &Overrides, base_url: &Url) -> anyhow::Result<MailConfig> {
    let smtp_url = match overrides.smtp_url.clone().or_else(|| file.smtp_url.clone()).filter(|url| !url.is_empty()) {
        Some(raw) => {
            let url = Url::parse(&raw).map_err(|err| anyhow::anyhow!("SMTP URL is not valid: {err}"))?;
            if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
                anyhow::bail!("SMTP URL must look like smtp://host:port or smtps://host:port");
            }
            Some(url)
        }
        None => None,
    };
    let host = base_url.host_str().unwrap_or("localhost");
    let from = overrides.mail_from.clone().or_else(|| file.mail_from.clone()).unwrap_or_else(|| format!("Herald <herald@{host}>"));
    if from.parse::<lettre::message::Mailbox>().is_err() {
        anyhow::bail!("mail_from {from:?} is not an address such as \"HR <hr@example.com>\"");
    }
    let concurrency = file.mail_concurrency.unwrap_or(4);
    let rate_per_second = file.mail_rate_per_second.unwrap_or(100);
    if !(1..=64).contains(&concurrency) || rate_per_second == 0 {
        anyhow::bail!("mail_concurrency must be 1 to 64 and mail_rate_per_second at least 1");
    }
    if let Some(path) = &file.smtp_ca_file {
        if !path.is_file() {
            anyhow::bail!("smtp_ca_file {} does not exist", path.display());
        }
    }
    Ok(MailConfig {
        smtp_url,
        smtp_ca_file: file.smtp_ca_file.clone(),
        from,
        organisation: file.organisation.clone().unwrap_or_else(|| "Human Resources".into()),
        concurrency,
        rate_per_second,
        retry_base_seconds: file.mail_retry_base_seconds.unwrap_or(30),
        max_attempts: file.mail_max_attempts.unwrap_or(8).max(1),
        lease_seconds: file.mail_lease_seconds.unwrap_or(120).max(1),
    })
}

fn sending_config(file: SendingFile, overrides: &Overrides) -> anyhow::Result<SendingConfig> {
    use crate::spotlights::approval::{ApprovalRule, Approvers};
    let approval = overrides.approval.clone().or(file.approval).map(|raw| ApprovalRule::parse(&raw)).transpose().map_err(anyhow::Error::msg)?;
    let approvers = overrides.approvers.clone().or(file.approvers).map(|raw| Approvers::parse(&raw)).transpose().map_err(anyhow::Error::msg)?;
    let defaults = crate::spotlights::countdown::SendGuards::default();
    let undo_seconds = file.undo_seconds.unwrap_or(defaults.undo_seconds);
    if undo_seconds > 600 {
        anyhow::bail!("[sending] undo_seconds must be between 0 and 600, got {undo_seconds}");
    }
    let guards = crate::spotlights::countdown::SendGuards { undo_seconds, confirm_over: file.confirm_over.unwrap_or(defaults.confirm_over) };
    Ok(SendingConfig { approval, approvers, guards })
}

fn check_destination(destination: &SocialDestination) -> anyhow::Result<()> {
    let name = &destination.name;
    if !matches!(destination.kind.as_str(), "webhook" | "mastodon") {
        anyhow::bail!("social destination {name:?}: kind must be \"webhook\" or \"mastodon\"");
    }
    let url = Url::parse(&destination.url).map_err(|err| anyhow::anyhow!("social destination {name:?}: url is not valid: {err}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        anyhow::bail!("social destination {name:?}: url must start with http:// or https://");
    }
    if destination.kind == "mastodon" && destination.token.is_empty() {
        anyhow::bail!("social destination {name:?}: a Mastodon destination needs an access token");
    }
    Ok(())
}

/// `127.0.0.1`, `10.0.0.0/8`, `fd00::/8`: a bare address is a network of one.
fn parse_networks(entries: &[String]) -> anyhow::Result<Vec<ipnet::IpNet>> {
    entries
        .iter()
        .map(|entry| entry.trim())
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| anyhow::anyhow!("outbound_allow: {entry:?} is not an address or network such as 10.0.0.0/8"))
        })
        .collect()
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_are_overridden_by_flags() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("herald.toml"), "bind = \"127.0.0.1:9000\"\nsession_hours = 4\n").unwrap();
        let config = Config::load(dir.path(), None, Overrides::default()).unwrap();
        assert_eq!(config.bind.port(), 9000);
        assert_eq!(config.session_hours, 4);
        assert_eq!(config.base_url.as_str(), "http://127.0.0.1:9000/");

        let overrides = Overrides { bind: Some("127.0.0.1:9100".parse().unwrap()), ..Default::default() };
        assert_eq!(Config::load(dir.path(), None, overrides).unwrap().bind.port(), 9100);
    }

    #[test]
    fn unknown_keys_and_bad_urls_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("herald.toml"), "bnd = \"x\"\n").unwrap();
        assert!(Config::load(dir.path(), None, Overrides::default()).is_err());
        let overrides = Overrides { base_url: Some("ftp://example.com".into()), ..Default::default() };
        assert!(Config::load(tempfile::tempdir().unwrap().path(), None, overrides).is_err());
    }

    #[test]
    fn the_outbound_allow_list_takes_addresses_and_networks() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Config::load(dir.path(), None, Overrides::default()).unwrap().outbound_allow.is_empty(), "nothing internal by default");
        std::fs::write(dir.path().join("herald.toml"), "outbound_allow = [\"127.0.0.1\", \"10.0.0.0/8\", \"fd00::/8\"]\n").unwrap();
        let config = Config::load(dir.path(), None, Overrides::default()).unwrap();
        assert_eq!(config.outbound_allow.len(), 3);
        assert!(config.outbound().permits("10.9.8.7".parse().unwrap()) && !config.outbound().permits("192.168.0.1".parse().unwrap()));
        let overrides = Overrides { outbound_allow: Some(vec!["192.168.0.0/16".into()]), ..Default::default() };
        assert_eq!(Config::load(dir.path(), None, overrides).unwrap().outbound_allow, vec!["192.168.0.0/16".parse::<ipnet::IpNet>().unwrap()]);
        let overrides = Overrides { outbound_allow: Some(vec!["intranet".into()]), ..Default::default() };
        assert!(Config::load(dir.path(), None, overrides).is_err());
    }

    #[test]
    fn link_lifetimes_default_and_layer() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), None, Overrides::default()).unwrap();
        assert_eq!((config.sign_in_link_minutes, config.invitation_days), (30, 7));
        std::fs::write(dir.path().join("herald.toml"), "sign_in_link_minutes = 15\ninvitation_days = 3\n").unwrap();
        let config = Config::load(dir.path(), None, Overrides::default()).unwrap();
        assert_eq!((config.sign_in_link_minutes, config.invitation_days), (15, 3));
        let overrides = Overrides { sign_in_link_minutes: Some(10), ..Default::default() };
        assert_eq!(Config::load(dir.path(), None, overrides).unwrap().sign_in_link_minutes, 10);
        let overrides = Overrides { invitation_days: Some(0), ..Default::default() };
        assert!(Config::load(dir.path(), None, overrides).is_err());
    }

    #[test]
    fn sending_settings_layer_and_are_checked() {
        use crate::spotlights::approval::{ApprovalRule, Approvers};
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), None, Overrides::default()).unwrap();
        assert_eq!((config.sending.approval, config.sending.guards.undo_seconds), (None, 30));
        std::fs::write(dir.path().join("herald.toml"), "[sending]\napproval = \"over:100\"\napprovers = \"group:Reviewers\"\nundo_seconds = 10\n").unwrap();
        let config = Config::load(dir.path(), None, Overrides::default()).unwrap();
        assert_eq!(config.sending.approval, Some(ApprovalRule::Over(100)));
        assert_eq!(config.sending.approvers, Some(Approvers::Group("Reviewers".into())));
        assert_eq!(config.sending.guards.undo_seconds, 10);
        let overrides = Overrides { approval: Some("broad".into()), ..Default::default() };
        assert_eq!(Config::load(dir.path(), None, overrides).unwrap().sending.approval, Some(ApprovalRule::Broad));
        let overrides = Overrides { approval: Some("sometimes".into()), ..Default::default() };
        assert!(Config::load(dir.path(), None, overrides).is_err());
    }

    #[test]
    fn tracking_windows_default_layer_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Config::load(dir.path(), None, Overrides::default()).unwrap().tracking, crate::tracking::timing::TimingRules::default());
        std::fs::write(dir.path().join("herald.toml"), "[tracking]\nclick_after_delivery_seconds = 8\nburst_seconds = 1\n").unwrap();
        let tracking = Config::load(dir.path(), None, Overrides::default()).unwrap().tracking;
        assert_eq!((tracking.click_after_delivery_seconds, tracking.burst_seconds, tracking.scan_window_seconds), (8, 1, 120));
        std::fs::write(dir.path().join("herald.toml"), "[tracking]\nrepeat_seconds = -2\n").unwrap();
        let error = Config::load(dir.path(), None, Overrides::default()).unwrap_err().to_string();
        assert!(error.contains("repeat_seconds"), "{error}");
        std::fs::write(dir.path().join("herald.toml"), "[tracking]\nburst_secs = 2\n").unwrap();
        assert!(Config::load(dir.path(), None, Overrides::default()).is_err(), "unknown keys are refused");
    }
}
