//! The transport of a new install: each message becomes an `.eml` file in
//! `DATA_DIR/outbox`, named by its outbox id. A retry after a crash writes the
//! same name again, so a message is never there twice.

use std::path::{Path, PathBuf};

pub fn file_name(outbox_id: i32, announcement_id: Option<i32>) -> String {
    match announcement_id {
        Some(announcement) => format!("announcement-{announcement}-{outbox_id:08}.eml"),
        None => format!("message-{outbox_id:08}.eml"),
    }
}

/// Writes atomically: a temporary file, flushed, then renamed into place.
pub async fn write(dir: &Path, name: &str, bytes: Vec<u8>) -> std::io::Result<PathBuf> {
    tokio::fs::create_dir_all(dir).await?;
    let target = dir.join(name);
    let temporary = dir.join(format!(".{name}.tmp"));
    let file_path = temporary.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(&file_path)?;
        file.write_all(&bytes)?;
        file.sync_all()
    })
    .await
    .map_err(std::io::Error::other)??;
    tokio::fs::rename(&temporary, &target).await?;
    Ok(target)
}
