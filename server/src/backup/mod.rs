//! `herald backup` and `herald restore`: the database and every file in the
//! data directory that cannot be rebuilt, in one directory with a manifest.
//!
//! A backup holds a consistent snapshot of the database (SQLite's
//! `VACUUM INTO`, or `pg_dump --format=custom` for PostgreSQL), the uploads,
//! the click log, the `.eml` outbox, the server id, the delivery journal and
//! `herald.toml`, each with its SHA-256 in `MANIFEST.json`, which is written
//! last: a directory without it is not a backup. The search index is left out;
//! it is rebuilt from the database when Herald starts.
//!
//! It can run while `herald serve` does. The click log is copied before and
//! after the database snapshot, so a click is either in the snapshot or in the
//! copied log (the log position stored in the snapshot skips what it already
//! holds); see docs/operations.md.

mod database;
mod files;
mod manifest;

use std::path::Path;

use anyhow::{bail, Context};

use crate::config::Config;
use files::Copier;
pub use manifest::Manifest;

/// Files and folders of the data directory that a backup carries.
const TREES: [&str; 2] = ["uploads", "outbox"];
const SINGLE_FILES: [&str; 3] = ["server-id", "outbox-journal", "herald.toml"];
const CLICK_LOG: &str = "clicks";

/// What a backup or restore did, for the command's summary.
#[derive(Debug)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    /// `sqlite` or `postgres`.
    pub database: String,
}

/// Writes a backup of `config`'s database and data directory into `dest`, which
/// must not exist yet or be empty.
pub async fn backup(config: &Config, dest: &Path) -> anyhow::Result<Summary> {
    prepare_destination(dest)?;
    let data = &config.data_dir;
    let mut copier = Copier::new(data, dest);
    copier.tree(CLICK_LOG)?;
    let backend = database::Backend::of(config);
    let snapshot = backend.snapshot(config, dest).await?;
    copier.record(&snapshot);
    // What was appended to the log while the snapshot was taken.
    copier.tree(CLICK_LOG)?;
    for tree in TREES {
        copier.tree(tree)?;
    }
    for file in SINGLE_FILES {
        copier.file(file)?;
    }
    let manifest = Manifest::new(backend.name(), &snapshot, copier.into_entries());
    manifest.write(dest)?;
    Ok(manifest.summary())
}

/// Restores the backup in `source` into `config`'s data directory and database,
/// which must not hold a database yet. Every file is checked against the
/// manifest before anything is written.
pub async fn restore(config: &Config, source: &Path) -> anyhow::Result<Summary> {
    let manifest = Manifest::read(source)?;
    manifest.verify(source)?;
    let backend = database::Backend::of(config);
    if manifest.database != backend.name() {
        bail!(
            "this backup holds a {} database, but Herald is configured for {}; restore it with the same kind of database",
            manifest.database,
            backend.name()
        );
    }
    backend.ensure_empty(config).await?;
    let data = &config.data_dir;
    std::fs::create_dir_all(data).with_context(|| format!("creating {}", data.display()))?;
    for entry in manifest.files.iter().filter(|entry| entry.path != manifest.database_file) {
        files::restore_file(source, data, &entry.path)?;
    }
    backend.restore(config, &source.join(&manifest.database_file)).await?;
    // An index from before the restore would describe other data.
    let index = config.index_dir();
    if index.exists() {
        std::fs::remove_dir_all(&index).with_context(|| format!("removing the old search index {}", index.display()))?;
    }
    Ok(manifest.summary())
}

fn prepare_destination(dest: &Path) -> anyhow::Result<()> {
    if dest.exists() {
        let mut entries = std::fs::read_dir(dest).with_context(|| format!("{} exists and is not a readable directory", dest.display()))?;
        if entries.next().is_some() {
            bail!("{} is not empty; back up into a new directory so no earlier backup is overwritten", dest.display());
        }
    }
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))
}
