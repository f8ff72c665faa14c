//! The two public tracking endpoints. Both answer quickly and never reveal
//! why a token was refused: an unknown, tampered or revoked token is a 404.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;

use super::events::{EventDraft, EventKind};
use super::token::{Purpose, TrackingToken, ENCODED_LEN};
use super::Client;
use crate::entities::{announcement_link, recipient};
use crate::error::{AppError, Result};
use crate::state::AppState;

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21,
    0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
    0x01, 0x00, 0x3b,
];

/// The recipient a verified token names, if they were really sent the message.
pub async fn recipient_of(state: &AppState, raw: &str, purpose: Purpose) -> Result<(TrackingToken, Arc<recipient::Model>)> {
    let token = state.tracking.verify(raw, purpose).ok_or(AppError::NotFound)?;
    let recipient = state
        .lookups
        .recipient(token.recipient_id, || async { recipient::Entity::find_by_id(token.recipient_id).one(&state.db).await.map(|found| found.map(Arc::new)) })
        .await?
        .ok_or(AppError::NotFound)?;
    if recipient.skip_reason.is_some() {
        return Err(AppError::NotFound);
    }
    Ok((token, recipient))
}

pub async fn click(State(state): State<AppState>, Path(raw): Path<String>, client: Client) -> Result<Response> {
    let (token, recipient) = recipient_of(&state, &raw, Purpose::Click).await?;
    let link = state
        .lookups
        .link(token.link_id, || async { announcement_link::Entity::find_by_id(token.link_id).one(&state.db).await.map(|found| found.map(Arc::new)) })
        .await?
        .ok_or(AppError::NotFound)?;
    if link.announcement_id != recipient.announcement_id {
        return Err(AppError::NotFound);
    }
    EventDraft::email(EventKind::Click, &recipient, client).link(link.id).collateral(link.collateral_id).record(&state).await?;
    redirect(&crate::spotlights::links::target_of(&state, &recipient, &link))
}

/// A 302 to a target that came from the database.
pub fn redirect(target: &str) -> Result<Response> {
    let location = HeaderValue::from_str(target).map_err(|_| AppError::NotFound)?;
    let mut response = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn open_pixel(State(state): State<AppState>, Path(file): Path<String>, client: Client) -> Result<Response> {
    let raw = file.strip_suffix(".gif").filter(|raw| raw.len() == ENCODED_LEN).ok_or(AppError::NotFound)?;
    let (_, recipient) = recipient_of(&state, raw, Purpose::Open).await?;
    EventDraft::email(EventKind::Open, &recipient, client).record(&state).await?;
    let mut response = PIXEL.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, no-cache, must-revalidate, max-age=0"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}
