//! Reach of one announcement from its raw events: human figures first and
//! raw figures (bots, scanners, previews included) beside them.

use std::collections::BTreeMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::events::EventKind;
use crate::entities::tracking_event as event;
use crate::error::Result;
use crate::sharing::tree::Counts;

/// Called `EventReach` in the OpenAPI document: `analytics::figures::Reach` is another thing.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[schema(as = EventReach)]
pub struct Reach {
    /// Open-pixel loads. Approximate: images may be blocked or fetched by privacy proxies.
    pub opens: Counts,
    /// Recipients who opened (approximate).
    pub unique_opens: Counts,
    /// Clicks on the email's links.
    pub email_clicks: Counts,
    /// Recipients who clicked a link of the email.
    pub unique_clickers: Counts,
    /// Recipients who opened their spotlight page.
    pub unique_visitors: Counts,
    /// Clicks per channel: email, each social channel, share, portal (views).
    pub channels: Vec<ChannelReach>,
    /// Clicks, opens and downloads of each featured item, from any channel.
    pub items: Vec<ItemReach>,
    /// Why events were counted as automated.
    pub automated: Vec<AutomatedReason>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChannelReach {
    pub channel: String,
    pub clicks: Counts,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ItemReach {
    pub collateral_id: i32,
    pub title: String,
    pub clicks: Counts,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AutomatedReason {
    pub reason: String,
    pub events: u64,
}

fn add(counts: &mut Counts, automated: bool, n: u64) {
    counts.raw += n;
    if !automated {
        counts.human += n;
    }
}

pub async fn for_announcement(db: &impl ConnectionTrait, announcement_id: i32, titles: &[(i32, String)]) -> Result<Reach> {
    let rows: Vec<(String, String, Option<i32>, bool, Option<String>, i64)> = event::Entity::find()
        .select_only()
        .columns([event::Column::Kind, event::Column::Channel, event::Column::CollateralId, event::Column::Automated, event::Column::BotReason])
        .column_as(event::Column::Id.count(), "n")
        .filter(event::Column::AnnouncementId.eq(announcement_id))
        .group_by(event::Column::Kind)
        .group_by(event::Column::Channel)
        .group_by(event::Column::CollateralId)
        .group_by(event::Column::Automated)
        .group_by(event::Column::BotReason)
        .into_tuple()
        .all(db)
        .await?;
    let mut reach = Reach::default();
    let mut channels: BTreeMap<String, Counts> = BTreeMap::new();
    let mut items: BTreeMap<i32, Counts> = titles.iter().map(|(id, _)| (*id, Counts::default())).collect();
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for (kind, channel, collateral_id, automated, reason, n) in rows {
        let n = n as u64;
        let click_like = kind == EventKind::Click.as_str() || kind == EventKind::View.as_str();
        if kind == EventKind::Open.as_str() {
            add(&mut reach.opens, automated, n);
        }
        if kind == EventKind::Click.as_str() && channel == "email" {
            add(&mut reach.email_clicks, automated, n);
        }
        if click_like {
            add(channels.entry(channel).or_default(), automated, n);
        }
        let item_event = kind != EventKind::Open.as_str() && kind != EventKind::Visit.as_str();
        if let (true, Some(id)) = (item_event, collateral_id) {
            add(items.entry(id).or_default(), automated, n);
        }
        if let Some(reason) = reason {
            *reasons.entry(reason).or_default() += n;
        }
    }
    reach.unique_opens = unique_recipients(db, announcement_id, &[EventKind::Open]).await?;
    reach.unique_clickers = unique_recipients(db, announcement_id, &[EventKind::Click]).await?;
    reach.unique_visitors = unique_recipients(db, announcement_id, &[EventKind::Visit, EventKind::Asset, EventKind::Download]).await?;
    reach.channels = channels.into_iter().map(|(channel, clicks)| ChannelReach { channel, clicks }).collect();
    reach.items = items
        .into_iter()
        .map(|(collateral_id, clicks)| ItemReach {
            collateral_id,
            title: titles.iter().find(|(id, _)| *id == collateral_id).map(|(_, t)| t.clone()).unwrap_or_else(|| format!("item {collateral_id}")),
            clicks,
        })
        .collect();
    reach.automated = reasons.into_iter().map(|(reason, events)| AutomatedReason { reason, events }).collect();
    Ok(reach)
}

/// Distinct recipients with at least one such event: all, and by a person.
async fn unique_recipients(db: &impl ConnectionTrait, announcement_id: i32, kinds: &[EventKind]) -> Result<Counts> {
    let mut counts = Counts::default();
    for human_only in [false, true] {
        let mut query = event::Entity::find()
            .select_only()
            .expr_as(Expr::col(event::Column::RecipientId).count_distinct(), "n")
            .filter(event::Column::AnnouncementId.eq(announcement_id))
            .filter(event::Column::Kind.is_in(kinds.iter().map(|kind| kind.as_str())));
        if human_only {
            query = query.filter(event::Column::Automated.eq(false));
        }
        let n: Option<i64> = query.into_tuple().one(db).await?;
        let n = n.unwrap_or(0) as u64;
        if human_only { counts.human = n } else { counts.raw = n }
    }
    Ok(counts)
}
