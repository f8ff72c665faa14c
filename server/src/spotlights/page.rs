//! The spotlight page: what a recipient's personal link opens. It presents
//! the featured items (as they were sent) in place of attachments; every
//! visit, item opened and file downloaded is recorded for that recipient.
//! The signed link is the recipient's key to this page only: it shows what
//! HR sent them, nothing else.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::compose::{featured_items, FeaturedItem};
use super::service;
use crate::entities::{announcement, attachment, recipient};
use crate::error::{AppError, Result};
use crate::library::markdown;
use crate::state::AppState;
use crate::tracking::events::{self, Event, EventKind};
use crate::tracking::routes::user_agent;
use crate::tracking::Purpose;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "spotlights/page.html")]
pub struct SpotlightPage {
    pub layout: Layout,
    pub organisation: String,
    pub title: String,
    pub message_html: String,
    pub sender: String,
    pub items: Vec<FeaturedItem>,
    /// Where an item's "Open" leads, before its id.
    pub item_prefix: String,
    pub preview: bool,
}

#[derive(askama::Template)]
#[template(path = "spotlights/item.html")]
struct ItemPage {
    layout: Layout,
    organisation: String,
    announcement_title: String,
    back: String,
    item: FeaturedItem,
    body_html: String,
    file_prefix: String,
}

async fn visitor(state: &AppState, token: &str) -> Result<(recipient::Model, announcement::Model)> {
    let (_, recipient) = crate::tracking::routes::recipient_of(state, token, Purpose::Page).await?;
    let announcement = service::find(&state.db, recipient.announcement_id).await?;
    Ok((recipient, announcement))
}

pub async fn show(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Result<Html<String>> {
    let (recipient, announcement) = visitor(&state, &token).await?;
    let first = events::record(&state.db, Event { kind: EventKind::Visit, recipient: &recipient, link_id: None, collateral_id: None, user_agent: user_agent(&headers) }).await?;
    if first && announcement.notify_on_open {
        tell_sender(&state, &announcement, &recipient).await?;
    }
    let sender = crate::entities::user::Entity::find_by_id(announcement.created_by).one(&state.db).await?.map(|u| u.name).unwrap_or_default();
    render(&SpotlightPage {
        layout: Layout::default(),
        organisation: state.config.mail.organisation.clone(),
        message_html: markdown::render(&super::compose::autolink(&announcement.message)),
        title: announcement.title,
        sender,
        items: featured_items(&state.db, recipient.announcement_id).await?,
        item_prefix: format!("/p/{token}/items/"),
        preview: false,
    })
}

/// The sender asked to hear when an invited person first opens the spotlight.
async fn tell_sender(state: &AppState, announcement: &announcement::Model, recipient: &recipient::Model) -> Result<()> {
    let url = format!("/spotlights/{}", announcement.id);
    let text = format!("{} opened your spotlight “{}”.", recipient.name, announcement.title);
    crate::notifications::notify(&state.db, announcement.created_by, &text, &url).await?;
    if let Some(sender) = crate::entities::user::Entity::find_by_id(announcement.created_by).one(&state.db).await? {
        let link = format!("{}{url}", state.config.public_base());
        let email = super::render::RenderedEmail {
            subject: format!("{} opened “{}”", recipient.name, announcement.title),
            text: format!("{text}\n\nSee who else has: {link}\n"),
            html: format!(
                "<p>{}</p><p><a href=\"{}\">See who else has</a></p>",
                askama::filters::escape(&text, askama::filters::Html).map(|s| s.to_string()).unwrap_or_default(),
                link
            ),
        };
        crate::delivery::queue_message(&state.db, "notification", &sender.email, &sender.name, &email, state.config.host()).await?;
        state.mailer.wake();
    }
    Ok(())
}

async fn featured(state: &AppState, announcement_id: i32, collateral_id: i32) -> Result<FeaturedItem> {
    featured_items(&state.db, announcement_id).await?.into_iter().find(|item| item.collateral_id == collateral_id).ok_or(AppError::NotFound)
}

pub async fn item(State(state): State<AppState>, Path((token, collateral_id)): Path<(String, i32)>, headers: HeaderMap) -> Result<Html<String>> {
    let (recipient, announcement) = visitor(&state, &token).await?;
    let item = featured(&state, announcement.id, collateral_id).await?;
    let event = Event { kind: EventKind::Asset, recipient: &recipient, link_id: None, collateral_id: Some(item.collateral_id), user_agent: user_agent(&headers) };
    events::record(&state.db, event).await?;
    render(&ItemPage {
        layout: Layout::default(),
        organisation: state.config.mail.organisation.clone(),
        announcement_title: announcement.title,
        back: format!("/p/{token}"),
        body_html: markdown::render(&item.body),
        file_prefix: format!("/p/{token}/files/"),
        item,
    })
}

pub async fn file(State(state): State<AppState>, Path((token, attachment_id)): Path<(String, i32)>, headers: HeaderMap) -> Result<Response> {
    let (recipient, announcement) = visitor(&state, &token).await?;
    let row = attachment::Entity::find().filter(attachment::Column::Id.eq(attachment_id)).one(&state.db).await?.ok_or(AppError::NotFound)?;
    // Only files of the items this announcement featured.
    featured(&state, announcement.id, row.collateral_id).await?;
    let event = Event { kind: EventKind::Download, recipient: &recipient, link_id: None, collateral_id: Some(row.collateral_id), user_agent: user_agent(&headers) };
    events::record(&state.db, event).await?;
    crate::library::attachments::file_response(&state.config, &row).await
}
