//! `herald import collateral PATH`: a CSV of items, or a folder of files
//! (Markdown files become items; any other file becomes an item with the
//! file attached and its text indexed). Each row or file succeeds or fails on
//! its own, and every failure is reported.

use std::path::{Path, PathBuf};

use sea_orm::DatabaseConnection;

use super::model::RawCollateral;
use super::{attachments, service};
use crate::config::Config;

/// What went wrong with one row or file.
#[derive(Debug, Clone)]
pub struct ImportError {
    pub source: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub created: usize,
    pub errors: Vec<ImportError>,
}

/// The units of work an import will do, counted up front for the progress bar.
pub enum Source {
    Csv(PathBuf),
    Folder(Vec<PathBuf>),
}

impl Source {
    pub fn open(path: &Path) -> anyhow::Result<Source> {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                .collect();
            files.sort();
            Ok(Source::Folder(files))
        } else if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("csv")) {
            Ok(Source::Csv(path.to_path_buf()))
        } else {
            anyhow::bail!("{} is neither a folder nor a .csv file", path.display())
        }
    }
}

pub async fn run(db: &DatabaseConnection, config: &Config, owner_id: i32, source: &Source, progress: impl Fn(u64, u64)) -> anyhow::Result<ImportReport> {
    match source {
        Source::Csv(path) => import_csv(db, owner_id, path, progress).await,
        Source::Folder(files) => import_files(db, config, owner_id, files, progress).await,
    }
}

async fn import_csv(db: &DatabaseConnection, owner_id: i32, path: &Path, progress: impl Fn(u64, u64)) -> anyhow::Result<ImportReport> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::Headers).from_path(path)?;
    let rows: Vec<(u64, Result<RawCollateral, csv::Error>)> = reader
        .deserialize::<RawCollateral>()
        .enumerate()
        .map(|(i, row)| (i as u64 + 2, row))
        .collect();
    let total = rows.len() as u64;
    let mut report = ImportReport::default();
    for (done, (line, row)) in rows.into_iter().enumerate() {
        let source = format!("{}:{line}", path.display());
        let result = match row {
            Ok(raw) => match raw.parse() {
                Ok(input) => service::create(db, owner_id, input).await.map(|_| ()).map_err(|e| e.to_string()),
                Err(errors) => Err(errors.join("; ")),
            },
            Err(err) => Err(format!("not a valid row: {err}")),
        };
        match result {
            Ok(()) => report.created += 1,
            Err(reason) => report.errors.push(ImportError { source, reason }),
        }
        progress(done as u64 + 1, total);
    }
    Ok(report)
}

async fn import_files(db: &DatabaseConnection, config: &Config, owner_id: i32, files: &[PathBuf], progress: impl Fn(u64, u64)) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    for (done, path) in files.iter().enumerate() {
        match import_file(db, config, owner_id, path).await {
            Ok(()) => report.created += 1,
            Err(reason) => report.errors.push(ImportError { source: path.display().to_string(), reason }),
        }
        progress(done as u64 + 1, files.len() as u64);
    }
    Ok(report)
}

async fn import_file(db: &DatabaseConnection, config: &Config, owner_id: i32, path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|err| format!("cannot read: {err}"))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = path.file_stem().map(|n| n.to_string_lossy().replace(['-', '_'], " ")).unwrap_or_default();
    let is_markdown = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
    let raw = if is_markdown {
        let text = String::from_utf8(bytes.clone()).map_err(|_| "not UTF-8 text".to_owned())?;
        let title = text.lines().find_map(|line| line.strip_prefix("# ")).map(str::to_owned).unwrap_or(stem);
        RawCollateral { title, body: text, kind: "other".into(), ..Default::default() }
    } else {
        RawCollateral { title: stem, kind: "form".into(), ..Default::default() }
    };
    let input = raw.parse().map_err(|errors| errors.join("; "))?;
    if !is_markdown {
        // Check the file before creating the item, so a bad file leaves nothing behind.
        super::extract::sniff(&bytes, &name)?;
    }
    let item = service::create(db, owner_id, input).await.map_err(|e| e.to_string())?;
    if !is_markdown {
        attachments::store(db, config, &item, owner_id, &name, bytes).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
