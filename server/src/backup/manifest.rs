//! `MANIFEST.json`: what a backup holds, with sizes and SHA-256 sums, so a
//! restore can refuse a backup that is incomplete or was altered.

use std::path::{Component, Path};

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::files;
use super::Summary;

const NAME: &str = "MANIFEST.json";
const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the backup (and to the data directory, for data files).
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub herald_version: String,
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The database snapshot among `files`.
    pub database_file: String,
    pub files: Vec<Entry>,
}

impl Manifest {
    pub fn new(database: &str, snapshot: &Entry, files: Vec<Entry>) -> Manifest {
        Manifest {
            format: FORMAT,
            herald_version: env!("CARGO_PKG_VERSION").to_owned(),
            created_at: Utc::now(),
            database: database.to_owned(),
            database_file: snapshot.path.clone(),
            files,
        }
    }

    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(NAME);
        let json = serde_json::to_vec_pretty(self)?;
        std::fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?;
        files::sync_dir(dir)
    }

    pub fn read(dir: &Path) -> anyhow::Result<Manifest> {
        let path = dir.join(NAME);
        let bytes = std::fs::read(&path)
            .with_context(|| format!("{} has no {NAME}: it is not a Herald backup, or the backup did not finish", dir.display()))?;
        let manifest: Manifest = serde_json::from_slice(&bytes).with_context(|| format!("{} is not a valid manifest", path.display()))?;
        if manifest.format != FORMAT {
            bail!("{} is in backup format {}, which this Herald ({}) cannot read", path.display(), manifest.format, env!("CARGO_PKG_VERSION"));
        }
        for entry in &manifest.files {
            if !is_plain_relative(&entry.path) {
                bail!("{} lists {:?}, which is not a path inside the backup; refusing to restore it", path.display(), entry.path);
            }
        }
        if !manifest.files.iter().any(|entry| entry.path == manifest.database_file) {
            bail!("{} does not list its database file {:?}", path.display(), manifest.database_file);
        }
        Ok(manifest)
    }

    /// Checks every file's size and checksum; lists all that differ.
    pub fn verify(&self, dir: &Path) -> anyhow::Result<()> {
        let mut problems = Vec::new();
        for entry in &self.files {
            match files::checksum(&dir.join(&entry.path)) {
                Ok((bytes, sha256)) if bytes == entry.bytes && sha256 == entry.sha256 => {}
                Ok(_) => problems.push(format!("{} differs from the manifest", entry.path)),
                Err(err) => problems.push(format!("{}: {err}", entry.path)),
            }
        }
        if !problems.is_empty() {
            bail!("the backup in {} is damaged; nothing was restored:\n  {}", dir.display(), problems.join("\n  "));
        }
        Ok(())
    }

    pub fn summary(&self) -> Summary {
        Summary {
            files: self.files.len(),
            bytes: self.files.iter().map(|entry| entry.bytes).sum(),
            database: self.database.clone(),
        }
    }
}

/// No absolute paths, no `..`: a manifest cannot make a restore write outside
/// the data directory.
fn is_plain_relative(path: &str) -> bool {
    let path = Path::new(path);
    !path.as_os_str().is_empty() && path.components().all(|component| matches!(component, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::is_plain_relative;

    #[test]
    fn only_plain_relative_paths_are_accepted() {
        assert!(is_plain_relative("uploads/ab/cdef"));
        assert!(is_plain_relative("herald.toml"));
        for bad in ["", "/etc/passwd", "../outside", "uploads/../../x", "./x"] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }
}
