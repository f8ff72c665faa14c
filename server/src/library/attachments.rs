//! Attachments: checked by content, stored under the data directory by their
//! SHA-256 (no name the user chose ever reaches the file system), their text
//! extracted for search, and served back with a safe Content-Disposition.

use std::path::{Path as FsPath, PathBuf};

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use sha2::{Digest, Sha256};

use super::extract::{self, FileKind};
use super::{browse, service};
use crate::auth::extract::{CurrentUser, HrStaff, Require};
use crate::auth::csrf;
use crate::config::Config;
use crate::entities::{attachment, collateral};
use crate::error::{AppError, Result};
use crate::state::AppState;

pub async fn list(db: &DatabaseConnection, collateral_id: i32) -> Result<Vec<attachment::Model>> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::CollateralId.eq(collateral_id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?)
}

fn blob_path(uploads: &FsPath, sha256: &str) -> PathBuf {
    uploads.join(&sha256[..2]).join(sha256)
}

/// Validates, stores and records one file; the database row is written only
/// after the bytes are safely on disk.
pub async fn store(
    db: &DatabaseConnection,
    config: &Config,
    item: &collateral::Model,
    uploader_id: i32,
    original_name: &str,
    bytes: Vec<u8>,
) -> Result<attachment::Model> {
    let limit = config.max_upload_bytes();
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    let name = original_name.to_owned();
    let (kind, sha256, bytes) = tokio::task::spawn_blocking(move || -> Result<(FileKind, String, Vec<u8>)> {
        let kind = extract::sniff(&bytes, &name).map_err(|reason| AppError::Unprocessable(format!("{name}: {reason}")))?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok((kind, sha256, bytes))
    })
    .await
    .map_err(|err| AppError::Internal(err.into()))??;

    let path = blob_path(&config.uploads_dir(), &sha256);
    if !path.exists() {
        write_atomically(&path, &bytes).await.map_err(|err| {
            tracing::error!(error = %err, path = %path.display(), "cannot store upload");
            AppError::Storage(format!("Herald could not store the file ({err}). Nothing was saved; ask your administrator to check the data directory."))
        })?;
    }
    // Read in the sandbox, bounded in memory and time: a file whose text
    // cannot be read within the bounds is kept, without text, and says why.
    let (text, note) = match crate::sandbox::extract_text(kind, path.clone()).await {
        Ok(text) => (text, None),
        Err(reason) => {
            tracing::info!(file = %original_name, %reason, "attachment stored without its text");
            (String::new(), Some(reason))
        }
    };
    let txn = db.begin().await?;
    let row = attachment::ActiveModel {
        collateral_id: Set(item.id),
        sha256: Set(sha256),
        file_name: Set(extract::safe_file_name(original_name, kind)),
        content_type: Set(kind.mime().to_owned()),
        size: Set(bytes.len() as i64),
        extracted_text: Set(text),
        extraction_note: Set(note),
        uploaded_by: Set(uploader_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    service::record_change(&txn, item.id).await?;
    txn.commit().await?;
    Ok(row)
}

async fn write_atomically(path: &FsPath, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("upload path has no parent"))?;
    tokio::fs::create_dir_all(dir).await?;
    let temp = dir.join(format!(".upload-{}", crate::auth::password::random_secret(8)));
    let result = async {
        tokio::fs::write(&temp, bytes).await?;
        let file = tokio::fs::File::open(&temp).await?;
        file.sync_all().await?;
        tokio::fs::rename(&temp, path).await
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    result
}

fn too_large(limit: u64) -> AppError {
    AppError::PayloadTooLarge(format!("The file is larger than the {} MB limit.", limit / (1024 * 1024)))
}

/// The body limit of the upload route: the file limit plus room for the form around it.
pub fn upload_body_limit(state: &AppState) -> DefaultBodyLimit {
    DefaultBodyLimit::max((state.config.max_upload_bytes() + 64 * 1024) as usize)
}

pub async fn upload(
    user: Require<HrStaff>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> Result<Redirect> {
    let item = service::find_by_slug(&state.db, &slug).await?;
    let limit = state.config.max_upload_bytes();
    let multipart_error = |err: axum::extract::multipart::MultipartError| {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large(limit) } else { AppError::BadRequest(err.body_text()) }
    };
    let mut token = String::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("csrf") => token = field.text().await.map_err(multipart_error)?,
            Some("file") => {
                let name = field.file_name().unwrap_or("attachment").to_owned();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if !bytes.is_empty() {
                    files.push((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    // Checked before anything is stored: the token came with the same body.
    csrf::verify(user.user(), &token)?;
    if files.is_empty() {
        return Err(AppError::Unprocessable("Choose a file to upload.".into()));
    }
    for (name, bytes) in files {
        store(&state.db, &state.config, &item, user.user().user.id, &name, bytes).await?;
    }
    state.search.notify();
    Ok(Redirect::to(&format!("/library/{}", item.slug)))
}

pub async fn remove(
    _user: Require<HrStaff>,
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i32)>,
    crate::auth::CsrfForm(_): crate::auth::CsrfForm<crate::auth::EmptyForm>,
) -> Result<Redirect> {
    let item = service::find_by_slug(&state.db, &slug).await?;
    let row = attachment::Entity::find_by_id(id)
        .filter(attachment::Column::CollateralId.eq(item.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = state.db.begin().await?;
    attachment::Entity::delete_by_id(row.id).exec(&txn).await?;
    service::record_change(&txn, item.id).await?;
    txn.commit().await?;
    state.search.notify();
    // The blob stays: another item (or an announcement's old version) may share it.
    Ok(Redirect::to(&format!("/library/{}", item.slug)))
}

pub async fn download(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path((slug, id)): Path<(String, i32)>,
) -> Result<Response> {
    let item = browse::visible_item(&state, &auth, &slug).await?;
    let row = attachment::Entity::find_by_id(id)
        .filter(attachment::Column::CollateralId.eq(item.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    file_response(&state.config, &row).await
}

/// The stored file as a download, never rendered inline.
pub async fn file_response(config: &crate::config::Config, row: &attachment::Model) -> Result<Response> {
    let bytes = tokio::fs::read(blob_path(&config.uploads_dir(), &row.sha256)).await.map_err(|err| {
        tracing::error!(error = %err, attachment = row.id, "attachment file missing");
        AppError::NotFound
    })?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&row.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, content_disposition(&row.file_name));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}

/// `attachment` always (never rendered inline), with an ASCII fallback name
/// and the exact UTF-8 name percent-encoded as RFC 6266 describes.
pub fn content_disposition(name: &str) -> HeaderValue {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn content_disposition_cannot_be_broken_out_of() {
        let header = content_disposition("a\"; evil=\"x.pdf");
        let text = header.to_str().unwrap();
        assert!(text.starts_with("attachment; filename=\"a__ evil__x.pdf\"; filename*=UTF-8''a%22"), "{text}");
    }
}
