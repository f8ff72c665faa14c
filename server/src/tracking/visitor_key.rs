//! The key of the daily visitor hash, kept out of the database.
//!
//! A visitor hash is an HMAC of the client's address under a key of the day.
//! Anyone holding that key could hash all four billion IPv4 addresses and
//! read the addresses back, so the key is never written to the database
//! (an administrator has the database) and never outlives its day: the key
//! of day D+1 is the SHA-256 of the key of day D, and the file keeps only
//! the newest one. Going forward is one hash; going back cannot be done, so
//! once a day has passed nobody can recompute its hashes.
//!
//! The file is `visitor-key` in the data directory unless `visitor_key_file`
//! names another. Several servers that should count unique visitors together
//! point it at one shared file: each ratchets the same key forward the same
//! way, so they agree without talking to each other.

use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Today's key and the file it is kept in.
pub struct VisitorKeys {
    path: PathBuf,
    /// (day, key): days since 1970-01-01, UTC.
    current: Mutex<(i64, [u8; 32])>,
}

impl std::fmt::Debug for VisitorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VisitorKeys").field("path", &self.path).finish_non_exhaustive()
    }
}

/// Days since 1970-01-01 (UTC) of now.
pub fn today() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(86_400)
}

/// The key of the next day: one way only.
fn next(key: &[u8; 32]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"herald visitor key of the next day|");
    hash.update(key);
    hash.finalize().into()
}

impl VisitorKeys {
    /// Reads the key file (a new random key when there is none), moved on to `day`.
    pub fn open(path: &Path, day: i64) -> anyhow::Result<VisitorKeys> {
        let stored = match std::fs::read_to_string(path) {
            Ok(text) => Some(parse(&text).with_context(|| format!("{} is not a visitor key file", path.display()))?),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
        };
        let keys = match stored {
            Some(current) => VisitorKeys { path: path.to_path_buf(), current: Mutex::new(current) },
            None => {
                let mut key = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut key);
                let keys = VisitorKeys { path: path.to_path_buf(), current: Mutex::new((day, key)) };
                keys.save(day, &key)?;
                keys
            }
        };
        keys.advance_to(day)?;
        Ok(keys)
    }

    /// Moves the key on to `day`, overwriting the file so that earlier keys are gone.
    /// A day earlier than the key's (another server's clock) changes nothing.
    pub fn advance_to(&self, day: i64) -> anyhow::Result<()> {
        let mut current = self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if day <= current.0 {
            return Ok(());
        }
        let mut key = current.1;
        for _ in current.0..day {
            key = next(&key);
        }
        *current = (day, key);
        self.save(day, &key)
    }

    /// A pseudonym for `ip` that changes every day and that nobody can
    /// recompute once the day is over.
    pub fn visitor_hash(&self, day: i64, ip: IpAddr) -> String {
        if let Err(error) = self.advance_to(day) {
            // The key in memory has moved on all the same; only the file is behind.
            tracing::warn!(%error, "could not store the visitor key of the new day");
        }
        let key = self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).1;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
        mac.update(b"visitor|");
        mac.update(&day.to_be_bytes());
        let address = match ip {
            IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
            IpAddr::V6(v6) => v6.octets(),
        };
        mac.update(&address);
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// Written beside the file and renamed over it, readable by the owner only.
    fn save(&self, day: i64, key: &[u8; 32]) -> anyhow::Result<()> {
        if let Some(dir) = self.path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let fresh = self.path.with_extension("new");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&fresh).with_context(|| format!("cannot write {}", fresh.display()))?;
        file.write_all(format!("{day} {}\n", hex::encode(key)).as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&fresh, &self.path).with_context(|| format!("cannot replace {}", self.path.display()))?;
        Ok(())
    }
}

fn parse(text: &str) -> anyhow::Result<(i64, [u8; 32])> {
    let (day, key) = text.trim().split_once(' ').context("expected `day key`")?;
    let key: [u8; 32] = hex::decode(key.trim())?.try_into().map_err(|_| anyhow::anyhow!("the key is not 32 bytes"))?;
    Ok((day.trim().parse()?, key))
}

/// Moves the key on at every midnight (UTC), so that a quiet day does not
/// leave yesterday's key in the file until the next visitor.
pub fn start_daily_rotation(keys: std::sync::Arc<VisitorKeys>, mut stop: tokio::sync::watch::Receiver<bool>) {
    tokio::spawn(async move {
        while !*stop.borrow() {
            let seconds_left = 86_400 - chrono::Utc::now().timestamp().rem_euclid(86_400);
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(seconds_left as u64)) => {}
                changed = stop.changed() => if changed.is_err() { break },
            }
            if let Err(error) = keys.advance_to(today()) {
                tracing::warn!(%error, "could not store the visitor key of the new day");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_moves_on_daily_and_forgets_the_day_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("visitor-key");
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let keys = VisitorKeys::open(&path, 100).unwrap();
        let monday = keys.visitor_hash(100, ip);
        assert_eq!(VisitorKeys::open(&path, 100).unwrap().visitor_hash(100, ip), monday, "a restart keeps the day's key");
        let written = std::fs::read_to_string(&path).unwrap();
        keys.advance_to(101).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert_ne!(written, after);
        assert!(!after.contains(written.split_whitespace().nth(1).unwrap()), "the old key is gone");
        assert_ne!(keys.visitor_hash(100, ip), monday, "yesterday's hashes cannot be made again");
        // Two servers sharing the file, one a day behind, agree once both are on the same day.
        let behind = VisitorKeys { path: dir.path().join("other"), current: Mutex::new(parse(&written).unwrap()) };
        assert_eq!(behind.visitor_hash(101, ip), keys.visitor_hash(101, ip));
    }
}
