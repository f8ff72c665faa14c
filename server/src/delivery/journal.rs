//! The local handover journal: one line per message whose final dot this
//! server is about to write. Written synchronously, in the same poll as the
//! dot, so a process killed at any moment leaves a truthful record: listed
//! means the dot may have gone out, absent means it certainly did not. A
//! process crash loses nothing written here (the kernel has it); the journal
//! is read and emptied when the server starts.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct HandoverJournal {
    path: PathBuf,
    file: Arc<Mutex<File>>,
}

impl HandoverJournal {
    pub fn open(path: &Path) -> io::Result<HandoverJournal> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(HandoverJournal { path: path.to_path_buf(), file: Arc::new(Mutex::new(file)) })
    }

    /// One `write(2)` of one short line: atomic with O_APPEND.
    pub fn record(&self, outbox_id: i32) -> io::Result<()> {
        let line = format!("{outbox_id}\n");
        let mut file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(line.as_bytes())
    }

    /// The ids written so far (a torn last line, if any, is ignored).
    pub fn entries(&self) -> io::Result<Vec<i32>> {
        let text = std::fs::read_to_string(&self.path)?;
        Ok(text.lines().filter_map(|line| line.trim().parse().ok()).collect())
    }

    /// Empties the journal once its entries are settled in the database.
    pub fn clear(&self) -> io::Result<()> {
        let file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        file.set_len(0)
    }
}

/// This data directory's server id, made on first start.
pub fn server_id(data_dir: &std::path::Path) -> anyhow::Result<String> {
    let path = data_dir.join("server-id");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.trim().is_empty() {
            return Ok(existing.trim().to_owned());
        }
    }
    let id = format!("herald-{}", crate::auth::password::random_secret(9));
    std::fs::create_dir_all(data_dir)?;
    std::fs::write(&path, &id)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::HandoverJournal;

    #[test]
    fn records_reads_and_clears() {
        let dir = tempfile::tempdir().unwrap();
        let journal = HandoverJournal::open(&dir.path().join("j")).unwrap();
        journal.record(7).unwrap();
        journal.record(42).unwrap();
        std::fs::OpenOptions::new().append(true).open(dir.path().join("j")).unwrap();
        assert_eq!(journal.entries().unwrap(), vec![7, 42]);
        journal.clear().unwrap();
        journal.record(1).unwrap();
        assert_eq!(journal.entries().unwrap(), vec![1]);
    }
}
