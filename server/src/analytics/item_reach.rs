//! Which library items the period's announcements made people open, and
//! which they did not: human clicks on each featured item summed over the
//! announcements that featured it, the published items they featured that
//! nobody clicked, and the published items no announcement has featured yet.

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::overview::Sent;
use crate::entities::{announcement, announcement_item, collateral};
use crate::error::Result;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemClicks {
    pub collateral_id: i32,
    pub title: String,
    pub status: String,
    /// Human clicks, opens and downloads through the period's announcements.
    pub clicks: u64,
    /// How many of the period's announcements featured it.
    pub announcements: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemReach {
    /// Featured items with at least one human click, most clicked first.
    pub clicked: Vec<ItemClicks>,
    /// Published items the period's announcements featured that nobody clicked.
    pub unclicked: Vec<ItemClicks>,
    /// Published items that no announcement that started sending has featured, ever.
    pub never_featured: Vec<ItemClicks>,
}

/// (collateral id → (human clicks, announcements featuring it)), featured items only.
pub fn featured_clicks(sent: &[Sent]) -> BTreeMap<i32, (u64, u64)> {
    let mut items: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    // A withheld announcement's clicks are not known here, not zero.
    for s in sent.iter().filter(|s| s.figures.withheld.is_none()) {
        for id in &s.featured {
            let clicks = s.figures.clicks_by_collateral.iter().find(|c| c.collateral_id == *id).map_or(0, |c| c.clicks);
            let entry = items.entry(*id).or_default();
            entry.0 += clicks;
            entry.1 += 1;
        }
    }
    items
}

pub async fn for_period(db: &DatabaseConnection, sent: &[Sent]) -> Result<ItemReach> {
    let totals = featured_clicks(sent);
    let items: HashMap<i32, collateral::Model> =
        collateral::Entity::find().filter(collateral::Column::Id.is_in(totals.keys().copied())).all(db).await?.into_iter().map(|item| (item.id, item)).collect();
    let mut reach = ItemReach::default();
    for (id, (clicks, announcements)) in totals {
        let Some(item) = items.get(&id) else { continue };
        let row = ItemClicks { collateral_id: id, title: item.title.clone(), status: item.status.clone(), clicks, announcements };
        if clicks > 0 {
            reach.clicked.push(row);
        } else if item.status == "published" {
            reach.unclicked.push(row);
        }
    }
    reach.clicked.sort_by(|a, b| b.clicks.cmp(&a.clicks).then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase())));
    reach.unclicked.sort_by(|a, b| b.announcements.cmp(&a.announcements).then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase())));
    reach.never_featured = never_featured(db).await?;
    Ok(reach)
}

/// Published items no announcement that started sending has featured (drafts do not count).
async fn never_featured(db: &DatabaseConnection) -> Result<Vec<ItemClicks>> {
    let started = Query::select().column(announcement::Column::Id).from(announcement::Entity).and_where(announcement::Column::StartedAt.is_not_null()).to_owned();
    let featured = Query::select()
        .column(announcement_item::Column::CollateralId)
        .from(announcement_item::Entity)
        .and_where(announcement_item::Column::AnnouncementId.in_subquery(started))
        .to_owned();
    let items: Vec<(i32, String)> = collateral::Entity::find()
        .select_only()
        .columns([collateral::Column::Id, collateral::Column::Title])
        .filter(collateral::Column::Status.eq("published"))
        .filter(collateral::Column::Id.not_in_subquery(featured))
        .order_by_asc(collateral::Column::Title)
        .order_by_asc(collateral::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(items
        .into_iter()
        .map(|(collateral_id, title)| ItemClicks { collateral_id, title, status: "published".into(), clicks: 0, announcements: 0 })
        .collect())
}
