//! Where the links of an announcement's emails lead. Every link target is a
//! row of `announcement_links`: the spotlight page, each featured item, and
//! each web address HR wrote in the template or message. A recipient's
//! tracked link names that row's id, signed with the recipient's id.

use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{announcement_link, recipient};
use crate::error::Result;
use crate::state::AppState;
use crate::tracking::{Purpose, TokenKey, TrackingToken};

/// The `url` stored for the spotlight page itself.
pub const SPOTLIGHT: &str = "spotlight";

pub fn item_key(collateral_id: i32) -> String {
    format!("item:{collateral_id}")
}

/// An announcement's link targets by their stored `url`.
#[derive(Clone, Debug, Default)]
pub struct LinkTable {
    pub announcement_id: i32,
    ids: HashMap<String, i32>,
}

impl LinkTable {
    pub fn empty(announcement_id: i32) -> LinkTable {
        LinkTable { announcement_id, ids: HashMap::new() }
    }

    pub async fn load(db: &impl ConnectionTrait, announcement_id: i32) -> Result<LinkTable> {
        let rows = announcement_link::Entity::find().filter(announcement_link::Column::AnnouncementId.eq(announcement_id)).all(db).await?;
        Ok(LinkTable { announcement_id, ids: rows.into_iter().map(|row| (row.url, row.id)).collect() })
    }

    pub fn id(&self, url: &str) -> Option<i32> {
        self.ids.get(url).copied()
    }

    /// Makes sure every target has a row (several servers may race; the unique index settles it).
    pub async fn ensure(&mut self, db: &impl ConnectionTrait, targets: &[(String, Option<i32>)]) -> Result<()> {
        let missing: Vec<_> = targets.iter().filter(|(url, _)| !self.ids.contains_key(url)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let rows = missing.iter().map(|(url, collateral_id)| announcement_link::ActiveModel {
            announcement_id: Set(self.announcement_id),
            url: Set(url.clone()),
            collateral_id: Set(*collateral_id),
            ..Default::default()
        });
        announcement_link::Entity::insert_many(rows)
            .on_conflict(OnConflict::columns([announcement_link::Column::AnnouncementId, announcement_link::Column::Url]).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
        *self = LinkTable::load(db, self.announcement_id).await?;
        Ok(())
    }
}

/// Only absolute web addresses are tracked and redirected to.
pub fn is_trackable(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some()) && url.len() <= 2000
}

/// How the links of one rendered email are written.
pub trait LinkStyle {
    fn spotlight(&self) -> String;
    fn item(&self, collateral_id: i32) -> String;
    /// A web address HR wrote; `None` leaves it as it is.
    fn external(&self, url: &str) -> Option<String>;
    /// The open-tracking pixel, when the email has one.
    fn pixel(&self) -> Option<String>;
}

/// A real recipient's personal, signed links.
pub struct TrackedLinks<'a> {
    pub key: &'a TokenKey,
    pub base: &'a str,
    pub recipient_id: i32,
    pub table: &'a LinkTable,
}

impl TrackedLinks<'_> {
    fn click(&self, stored: &str) -> Option<String> {
        let link_id = self.table.id(stored)?;
        let token = self.key.sign(TrackingToken { purpose: Purpose::Click, recipient_id: self.recipient_id, link_id });
        Some(format!("{}/l/{token}", self.base))
    }
}

impl LinkStyle for TrackedLinks<'_> {
    fn spotlight(&self) -> String {
        self.click(SPOTLIGHT).unwrap_or_else(|| page_url(self.key, self.base, self.recipient_id))
    }
    fn item(&self, collateral_id: i32) -> String {
        self.click(&item_key(collateral_id)).unwrap_or_else(|| page_url(self.key, self.base, self.recipient_id))
    }
    fn external(&self, url: &str) -> Option<String> {
        self.click(url)
    }
    fn pixel(&self) -> Option<String> {
        let token = self.key.sign(TrackingToken { purpose: Purpose::Open, recipient_id: self.recipient_id, link_id: 0 });
        Some(format!("{}/o/{token}.gif", self.base))
    }
}

/// Previews and test messages: links HR can follow, nothing tracked.
pub struct PreviewLinks<'a> {
    pub base: &'a str,
    pub announcement_id: i32,
    pub slugs: &'a HashMap<i32, String>,
}

impl LinkStyle for PreviewLinks<'_> {
    fn spotlight(&self) -> String {
        format!("{}/spotlights/{}/page", self.base, self.announcement_id)
    }
    fn item(&self, collateral_id: i32) -> String {
        match self.slugs.get(&collateral_id) {
            Some(slug) => format!("{}/library/{slug}", self.base),
            None => self.spotlight(),
        }
    }
    fn external(&self, _url: &str) -> Option<String> {
        None
    }
    fn pixel(&self) -> Option<String> {
        None
    }
}

/// The recipient's personal spotlight page.
pub fn page_url(key: &TokenKey, base: &str, recipient_id: i32) -> String {
    let token = key.sign(TrackingToken { purpose: Purpose::Page, recipient_id, link_id: 0 });
    format!("{base}/p/{token}")
}

/// Where a click on `link` leads this recipient.
pub fn target_of(state: &AppState, recipient: &recipient::Model, link: &announcement_link::Model) -> String {
    let page = page_url(&state.tracking, "", recipient.id);
    match link.collateral_id {
        Some(collateral_id) => format!("{page}/items/{collateral_id}"),
        None if link.url == SPOTLIGHT => page,
        None => link.url.clone(),
    }
}
