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
}

/// Values given on the command line or in the environment; they win over the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<SocketAddr>,
    pub base_url: Option<String>,
    pub database_url: Option<String>,
    pub max_upload_mb: Option<u64>,
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
        let base_url = match overrides.base_url.or(file.base_url) {
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
        Ok(Config {
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

    /// The tantivy index: a cache of the database, rebuilt when missing.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    /// Uploaded attachments, stored by content hash.
    pub fn uploads_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("herald.db").display()),
        }
    }
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
}
