//! `/s/{code}` and what it leads to. Following a short link records a click
//! on the link's channel and redirects to the target stored with the link;
//! `/v/{code}` is that target: the announcement (or library item) as anyone
//! with the link may read it, with its items and files tracked per link.
//! Every item and file shown is checked against the audience of the person
//! behind the link, at each view (see [`super::audience`]).

use axum::extract::{Path, State};
use axum::response::{Html, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{audience, codes};
use crate::auth::extract::OptionalUser;
use crate::entities::{attachment, collateral, short_link};
use crate::error::{AppError, Result};
use crate::spotlights::compose::FeaturedItem;
use crate::spotlights::page::{featured, ItemPage, SpotlightPage};
use crate::state::AppState;
use crate::tracking::events::{EventDraft, EventKind};
use crate::tracking::routes::redirect;
use crate::tracking::Client;
use crate::web::layout::{render, Layout};

pub async fn follow(State(state): State<AppState>, Path(code): Path<String>, client: Client) -> Result<Response> {
    let link = codes::find_live_cached(&state, &code).await?;
    draft(&link, EventKind::Click, client).record(&state).await?;
    redirect(&link.target)
}

fn draft(link: &short_link::Model, kind: EventKind, client: Client) -> EventDraft {
    EventDraft::new(kind, &link.channel, client).announcement(link.announcement_id).collateral(link.collateral_id).short_link(link.id)
}

pub async fn show(State(state): State<AppState>, Path(code): Path<String>, OptionalUser(auth): OptionalUser) -> Result<Html<String>> {
    let link = codes::find_live_cached(&state, &code).await?;
    let layout = auth.as_ref().map(Layout::for_user).unwrap_or_default();
    let share_from = format!("code:{}", link.code);
    let sign_in_url = format!("/login?{}", serde_urlencoded::to_string([("next", format!("/v/{code}"))]).unwrap_or_default());
    match (link.announcement_id, link.collateral_id) {
        (Some(announcement_id), _) => {
            let announcement = crate::spotlights::service::find(&state.db, announcement_id).await?;
            let mut page = SpotlightPage::new(&state, layout, announcement, format!("/v/{code}/items/")).await?;
            page.items = audience::visible(&state, &link, std::mem::take(&mut page.items)).await?;
            page.share_from = share_from;
            page.sign_in_url = sign_in_url;
            render(&page)
        }
        (None, Some(_)) => {
            let item = shared_item(&state, &link).await?;
            let mut page = ItemPage::new(&state, layout, item, format!("/v/{code}/files/"));
            page.share_from = share_from;
            page.sign_in_url = sign_in_url;
            render(&page)
        }
        (None, None) => Err(AppError::NotFound),
    }
}

/// An item of an announcement reached through a short link.
pub async fn item(
    State(state): State<AppState>,
    Path((code, collateral_id)): Path<(String, i32)>,
    client: Client,
    OptionalUser(auth): OptionalUser,
) -> Result<Html<String>> {
    let link = codes::find_live_cached(&state, &code).await?;
    let announcement_id = link.announcement_id.ok_or(AppError::NotFound)?;
    let item = audience::check(&state, &link, featured(&state, announcement_id, collateral_id).await?).await?;
    draft(&link, EventKind::Asset, client).collateral(Some(collateral_id)).record(&state).await?;
    let announcement = crate::spotlights::service::find(&state.db, announcement_id).await?;
    let mut page = ItemPage::new(&state, auth.as_ref().map(Layout::for_user).unwrap_or_default(), item, format!("/v/{code}/files/"));
    page.back = format!("/v/{code}");
    page.back_title = announcement.title;
    render(&page)
}

pub async fn file(State(state): State<AppState>, Path((code, attachment_id)): Path<(String, i32)>, client: Client) -> Result<Response> {
    let link = codes::find_live_cached(&state, &code).await?;
    let row = attachment::Entity::find().filter(attachment::Column::Id.eq(attachment_id)).one(&state.db).await?.ok_or(AppError::NotFound)?;
    // Only files of what this link leads to.
    match link.announcement_id {
        Some(announcement_id) => {
            audience::check(&state, &link, featured(&state, announcement_id, row.collateral_id).await?).await?;
        }
        None if link.collateral_id == Some(row.collateral_id) => {
            shared_item(&state, &link).await?;
        }
        None => return Err(AppError::NotFound),
    }
    draft(&link, EventKind::Download, client).collateral(Some(row.collateral_id)).record(&state).await?;
    crate::library::attachments::file_response(&state.config, &row).await
}

/// A library item shared on its own: only while it is still published and for everyone.
async fn shared_item(state: &AppState, link: &short_link::Model) -> Result<FeaturedItem> {
    let collateral_id = link.collateral_id.ok_or(AppError::NotFound)?;
    let item = collateral::Entity::find_by_id(collateral_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if !super::shares::is_shareable(&item) {
        return Err(AppError::NotFound);
    }
    audience::check(state, link, FeaturedItem::current(&state.db, item).await?).await
}
