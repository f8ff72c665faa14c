//! Copying data-directory files into a backup and back, with checksums.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::manifest::Entry;

/// Copies files from a data directory into a backup, remembering each one.
pub struct Copier {
    from: PathBuf,
    to: PathBuf,
    entries: BTreeMap<String, Entry>,
}

impl Copier {
    pub fn new(from: &Path, to: &Path) -> Copier {
        Copier { from: from.to_owned(), to: to.to_owned(), entries: BTreeMap::new() }
    }

    /// Copies every regular file under `name` (symbolic links are skipped). A
    /// file copied before is copied again when it has changed since, and kept
    /// when it has gone since (a click-log segment loaded and deleted).
    pub fn tree(&mut self, name: &str) -> anyhow::Result<()> {
        let mut pending = vec![PathBuf::from(name)];
        while let Some(relative) = pending.pop() {
            let dir = self.from.join(&relative);
            let listing = match std::fs::read_dir(&dir) {
                Ok(listing) => listing,
                Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
                Err(err) => return Err(err).with_context(|| format!("reading {}", dir.display())),
            };
            for item in listing {
                let item = item.with_context(|| format!("reading {}", dir.display()))?;
                let kind = item.file_type()?;
                let path = relative.join(item.file_name());
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_file() {
                    self.copy(&path)?;
                }
            }
        }
        Ok(())
    }

    /// Copies one file of the data directory, if it exists.
    pub fn file(&mut self, name: &str) -> anyhow::Result<()> {
        self.copy(Path::new(name))
    }

    /// Adds a file written straight into the backup (the database snapshot).
    pub fn record(&mut self, entry: &Entry) {
        self.entries.insert(entry.path.clone(), entry.clone());
    }

    pub fn into_entries(self) -> Vec<Entry> {
        self.entries.into_values().collect()
    }

    fn copy(&mut self, relative: &Path) -> anyhow::Result<()> {
        let key = relative.to_string_lossy().replace('\\', "/");
        let source = self.from.join(relative);
        let target = self.to.join(relative);
        match copy_file(&source, &target) {
            Ok((bytes, sha256)) => {
                self.entries.insert(key.clone(), Entry { path: key, bytes, sha256 });
                Ok(())
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err).with_context(|| format!("copying {} to {}", source.display(), target.display())),
        }
    }
}

/// Copies `source` to `target` (creating its folder), flushed to disk; returns
/// the size and SHA-256 of what was written.
pub fn copy_file(source: &Path, target: &Path) -> io::Result<(u64, String)> {
    let mut input = File::open(source)?;
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut output = File::create(target)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut bytes = 0u64;
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        output.write_all(&buffer[..read])?;
        bytes += read as u64;
    }
    output.sync_all()?;
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Size and SHA-256 of a file.
pub fn checksum(path: &Path) -> io::Result<(u64, String)> {
    let mut input = File::open(path)?;
    let mut hasher = Sha256::new();
    let bytes = io::copy(&mut input, &mut hasher)?;
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Copies `relative` from the backup into the data directory.
pub fn restore_file(backup: &Path, data: &Path, relative: &str) -> anyhow::Result<()> {
    let source = backup.join(relative);
    let target = data.join(relative);
    copy_file(&source, &target).with_context(|| format!("restoring {} to {}", source.display(), target.display()))?;
    Ok(())
}

/// Makes the directory's new entries durable.
pub fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    File::open(dir).and_then(|handle| handle.sync_all()).with_context(|| format!("flushing {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_trees_and_keeps_files_that_vanish_between_passes() {
        let data = tempfile::tempdir().unwrap();
        let backup = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(data.path().join("clicks")).unwrap();
        std::fs::write(data.path().join("clicks/000001.log"), "one\n").unwrap();
        let mut copier = Copier::new(data.path(), backup.path());
        copier.tree("clicks").unwrap();
        // The first segment is loaded and deleted, the second grows.
        std::fs::remove_file(data.path().join("clicks/000001.log")).unwrap();
        std::fs::write(data.path().join("clicks/000002.log"), "two\n").unwrap();
        copier.tree("clicks").unwrap();
        copier.file("missing-file").unwrap();
        let entries = copier.into_entries();
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["clicks/000001.log", "clicks/000002.log"]);
        assert_eq!(std::fs::read_to_string(backup.path().join("clicks/000001.log")).unwrap(), "one\n");
        assert_eq!(checksum(&backup.path().join("clicks/000002.log")).unwrap(), (entries[1].bytes, entries[1].sha256.clone()));
    }
}
