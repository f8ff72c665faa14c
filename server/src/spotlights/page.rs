//! The spotlight page: what a recipient's personal link opens. It presents
//! the featured items (as they were sent) in place of attachments; every
//! visit, item opened and file downloaded is recorded for that recipient.
//! The signed link is the recipient's key to this page only: it shows what
//! HR sent them, nothing else.

use axum::extract::{Path, State};
use axum::response::{Html, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::compose::{featured_items, FeaturedItem};
use super::service;
use crate::entities::{announcement, attachment, recipient};
use crate::error::{AppError, Result};
use crate::library::markdown;
use crate::sharing::audience::Reader;
use crate::state::AppState;
use crate::tracking::events::{EventDraft, EventKind};
use crate::auth::extract::OptionalUser;
use crate::tracking::{Client, Purpose};
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
    /// What the "Share" button shares (see `crate::sharing::shares`); empty: no button.
    pub share_from: String,
    /// The discussion, on the portal's copy of the page.
    pub thread: Option<crate::comments::thread::Thread>,
    /// The five-faces quick reaction, on the portal's copy of the page.
    pub feeling: Option<crate::comments::feelings::FeelingPanel>,
    /// Measures how long a recipient reads the portal's copy.
    pub read_beacon: Option<crate::analytics::reading::ReadBeacon>,
    /// What HR can see of this reader's opens and clicks.
    pub privacy_notice: String,
    /// Where "Sign in to share this" leads (back to this page).
    pub sign_in_url: String,
    /// The discussion to read on the recipient's copy of the page (`/p/{token}`).
    pub recipient_discussion: Option<crate::sign_in_links::recipient_page::ReadOnlyDiscussion>,
}

#[derive(askama::Template)]
#[template(path = "spotlights/item.html")]
pub struct ItemPage {
    pub layout: Layout,
    pub organisation: String,
    /// Where "back" leads and what it says; empty for an item shared on its own.
    pub back: String,
    pub back_title: String,
    pub item: FeaturedItem,
    pub body_html: String,
    pub file_prefix: String,
    /// The item is shown as the version an announcement sent.
    pub as_sent: bool,
    pub share_from: String,
    /// Where "Sign in to share this" leads (back to this page).
    pub sign_in_url: String,
}

impl ItemPage {
    pub fn new(state: &AppState, layout: Layout, item: FeaturedItem, file_prefix: String) -> ItemPage {
        ItemPage {
            layout,
            organisation: state.config.mail.organisation.clone(),
            back: String::new(),
            back_title: String::new(),
            body_html: markdown::render(&item.body),
            item,
            file_prefix,
            as_sent: false,
            share_from: String::new(),
            sign_in_url: "/login".into(),
        }
    }
}

impl SpotlightPage {
    /// The page of `announcement` with its featured items linked under `item_prefix`.
    pub async fn new(state: &AppState, layout: Layout, announcement: announcement::Model, item_prefix: String) -> Result<SpotlightPage> {
        let sender = crate::entities::user::Entity::find_by_id(announcement.created_by).one(&state.db).await?.map(|u| u.name).unwrap_or_default();
        Ok(SpotlightPage {
            layout,
            organisation: state.config.mail.organisation.clone(),
            message_html: markdown::render(&super::compose::autolink(&announcement.message)),
            items: featured_items(&state.db, announcement.id).await?,
            title: announcement.title,
            sender,
            item_prefix,
            preview: false,
            share_from: String::new(),
            thread: None,
            feeling: None,
            read_beacon: None,
            privacy_notice: crate::analytics::individual::current(&state.db).await?.employee_notice(),
            sign_in_url: "/login".into(),
            recipient_discussion: None,
        })
    }
}

/// A featured item of the announcement, or 404.
pub async fn featured(state: &AppState, announcement_id: i32, collateral_id: i32) -> Result<FeaturedItem> {
    featured_items(&state.db, announcement_id).await?.into_iter().find(|item| item.collateral_id == collateral_id).ok_or(AppError::NotFound)
}

async fn visitor(state: &AppState, token: &str) -> Result<(std::sync::Arc<recipient::Model>, announcement::Model)> {
    let (_, recipient) = crate::tracking::routes::recipient_of(state, token, Purpose::Page).await?;
    let announcement = service::find(&state.db, recipient.announcement_id).await?;
    Ok((recipient, announcement))
}

pub async fn show(State(state): State<AppState>, Path(token): Path<String>, client: Client, OptionalUser(auth): OptionalUser, jar: axum_extra::extract::cookie::CookieJar) -> Result<Response> {
    let (recipient, announcement) = visitor(&state, &token).await?;
    let first = EventDraft::email(EventKind::Visit, &recipient, client).record(&state).await?;
    // A request to read and confirm: its page is the confirm page (see `acknowledgements`).
    if let Some(page) = crate::acknowledgements::for_recipient(&state, &recipient, &token, auth.as_ref(), jar).await? {
        return Ok(page);
    }
    if first && announcement.notify_on_open && crate::analytics::individual::enabled(&state.db).await? {
        tell_sender(&state, &announcement, &recipient).await?;
    }
    let layout = auth.as_ref().map(Layout::for_user).unwrap_or_default();
    let mut page = SpotlightPage::new(&state, layout, announcement, format!("/p/{token}/items/")).await?;
    // A forwarded email opens this page too: items outside the recipient's audience stay hidden.
    page.items = Reader::of_recipient(&state, &recipient).await?.filter(&state, std::mem::take(&mut page.items)).await?;
    page.share_from = format!("page:{token}");
    page.sign_in_url = crate::sign_in_links::recipient_page::share_sign_in_url(&token);
    page.recipient_discussion = Some(crate::sign_in_links::recipient_page::discussion(&state, &recipient, &token, auth.as_ref()).await?);
    Ok(axum::response::IntoResponse::into_response(render(&page)?))
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

pub async fn item(State(state): State<AppState>, Path((token, collateral_id)): Path<(String, i32)>, client: Client, OptionalUser(auth): OptionalUser) -> Result<Html<String>> {
    let (recipient, announcement) = visitor(&state, &token).await?;
    let item = Reader::of_recipient(&state, &recipient).await?.check(&state, featured(&state, announcement.id, collateral_id).await?).await?;
    EventDraft::email(EventKind::Asset, &recipient, client).collateral(Some(item.collateral_id)).record(&state).await?;
    let layout = auth.as_ref().map(Layout::for_user).unwrap_or_default();
    let mut page = ItemPage::new(&state, layout, item, format!("/p/{token}/files/"));
    page.back = format!("/p/{token}");
    page.back_title = announcement.title;
    page.as_sent = true;
    page.sign_in_url = crate::sign_in_links::recipient_page::share_sign_in_url(&token);
    render(&page)
}

pub async fn file(State(state): State<AppState>, Path((token, attachment_id)): Path<(String, i32)>, client: Client) -> Result<Response> {
    let (recipient, announcement) = visitor(&state, &token).await?;
    let row = attachment::Entity::find().filter(attachment::Column::Id.eq(attachment_id)).one(&state.db).await?.ok_or(AppError::NotFound)?;
    // Only files of the items this announcement featured, that the recipient may read.
    Reader::of_recipient(&state, &recipient).await?.check(&state, featured(&state, announcement.id, row.collateral_id).await?).await?;
    EventDraft::email(EventKind::Download, &recipient, client).collateral(Some(row.collateral_id)).record(&state).await?;
    crate::library::attachments::file_response(&state.config, &row).await
}
