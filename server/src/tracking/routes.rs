//! The two public tracking endpoints. Both answer quickly and never reveal
//! why a token was refused: an unknown, tampered or revoked token is a 404.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;

use super::events::{self, Event, EventKind};
use super::token::{Purpose, TrackingToken, ENCODED_LEN};
use crate::entities::{announcement_link, recipient};
use crate::error::{AppError, Result};
use crate::state::AppState;

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21,
    0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
    0x01, 0x00, 0x3b,
];

pub fn user_agent(headers: &HeaderMap) -> &str {
    headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The recipient a verified token names, if they were really sent the message.
pub async fn recipient_of(state: &AppState, raw: &str, purpose: Purpose) -> Result<(TrackingToken, recipient::Model)> {
    let token = state.tracking.verify(raw, purpose).ok_or(AppError::NotFound)?;
    let recipient = recipient::Entity::find_by_id(token.recipient_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if recipient.skip_reason.is_some() {
        return Err(AppError::NotFound);
    }
    Ok((token, recipient))
}

pub async fn click(State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Result<Response> {
    let (token, recipient) = recipient_of(&state, &raw, Purpose::Click).await?;
    let link = announcement_link::Entity::find_by_id(token.link_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if link.announcement_id != recipient.announcement_id {
        return Err(AppError::NotFound);
    }
    events::record(
        &state.db,
        Event { kind: EventKind::Click, recipient: &recipient, link_id: Some(link.id), collateral_id: link.collateral_id, user_agent: user_agent(&headers) },
    )
    .await?;
    let target = crate::spotlights::links::target_of(&state, &recipient, &link);
    let location = HeaderValue::from_str(&target).map_err(|_| AppError::NotFound)?;
    Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
}

pub async fn open_pixel(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Result<Response> {
    let raw = file.strip_suffix(".gif").filter(|raw| raw.len() == ENCODED_LEN).ok_or(AppError::NotFound)?;
    let (_, recipient) = recipient_of(&state, raw, Purpose::Open).await?;
    events::record(
        &state.db,
        Event { kind: EventKind::Open, recipient: &recipient, link_id: None, collateral_id: None, user_agent: user_agent(&headers) },
    )
    .await?;
    let mut response = PIXEL.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, no-cache, must-revalidate, max-age=0"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}
