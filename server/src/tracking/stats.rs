//! Reach of one announcement from its raw events: human figures first and
//! raw figures (bots, scanners, previews included) beside them.

use std::collections::{BTreeMap, HashSet};

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::events::EventKind;
use super::rule::{is_approximate, Rule};
use crate::entities::tracking_event as event;
use crate::error::Result;
use crate::sharing::tree::Counts;

/// Called `EventReach` in the OpenAPI document: `analytics::figures::Reach` is another thing.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[schema(as = EventReach)]
pub struct Reach {
    /// Open-pixel loads: `human` are certain opens by a mail client, `raw`
    /// every load (approximate and automated ones included).
    pub opens: Counts,
    /// Recipients who certainly opened (`human`), and who loaded the image at all (`raw`).
    pub unique_opens: Counts,
    /// Open-pixel loads through a mail provider's image proxy (Gmail, Yahoo,
    /// Apple Mail Privacy Protection): probably a read, never certain.
    pub approximate_opens: u64,
    /// Recipients with an approximate open and no certain one.
    pub unique_approximate_opens: u64,
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
    /// How many events each rule kept out of the human figures (and the
    /// approximate opens, under `image-proxy`), most first.
    pub automated: Vec<RuleCount>,
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
pub struct RuleCount {
    /// The rule's name as stored with each event; `not-recorded` for
    /// automated events from before rules were stored.
    pub rule: String,
    /// What the rule catches.
    pub explanation: String,
    pub events: u64,
}

fn add(counts: &mut Counts, human: bool, n: u64) {
    counts.raw += n;
    if human {
        counts.human += n;
    }
}

pub async fn for_announcement(db: &impl ConnectionTrait, announcement_id: i32, titles: &[(i32, String)]) -> Result<Reach> {
    let rows: Vec<(String, String, Option<i32>, bool, Option<Rule>, i64)> = event::Entity::find()
        .select_only()
        .columns([event::Column::Kind, event::Column::Channel, event::Column::CollateralId, event::Column::Automated, event::Column::Rule])
        .column_as(event::Column::Id.count(), "n")
        .filter(event::Column::AnnouncementId.eq(announcement_id))
        .group_by(event::Column::Kind)
        .group_by(event::Column::Channel)
        .group_by(event::Column::CollateralId)
        .group_by(event::Column::Automated)
        .group_by(event::Column::Rule)
        .into_tuple()
        .all(db)
        .await?;
    let mut reach = Reach::default();
    let mut channels: BTreeMap<String, Counts> = BTreeMap::new();
    let mut items: BTreeMap<i32, Counts> = titles.iter().map(|(id, _)| (*id, Counts::default())).collect();
    let mut by_rule: BTreeMap<Option<Rule>, u64> = BTreeMap::new();
    for (kind, channel, collateral_id, automated, rule, n) in rows {
        let n = n as u64;
        let click_like = kind == EventKind::Click.as_str() || kind == EventKind::View.as_str();
        let approximate = is_approximate(automated, rule);
        if kind == EventKind::Open.as_str() {
            add(&mut reach.opens, !automated && !approximate, n);
            if approximate {
                reach.approximate_opens += n;
            }
        }
        let automated = automated || approximate;
        if kind == EventKind::Click.as_str() && channel == "email" {
            add(&mut reach.email_clicks, !automated, n);
        }
        if click_like {
            add(channels.entry(channel).or_default(), !automated, n);
        }
        let item_event = kind != EventKind::Open.as_str() && kind != EventKind::Visit.as_str();
        if let (true, Some(id)) = (item_event, collateral_id) {
            add(items.entry(id).or_default(), !automated, n);
        }
        if automated {
            *by_rule.entry(rule).or_default() += n;
        }
    }
    (reach.unique_opens, reach.unique_approximate_opens) = unique_openers(db, announcement_id).await?;
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
    let mut automated: Vec<RuleCount> = by_rule
        .into_iter()
        .map(|(rule, events)| RuleCount {
            rule: rule.map_or("not-recorded", Rule::as_str).to_owned(),
            explanation: rule.map_or("automated before rules were recorded", Rule::explanation).to_owned(),
            events,
        })
        .collect();
    automated.sort_by(|a, b| b.events.cmp(&a.events));
    reach.automated = automated;
    Ok(reach)
}

/// Recipients who opened: (certainly and at all), and those whose only
/// opens are approximate.
async fn unique_openers(db: &impl ConnectionTrait, announcement_id: i32) -> Result<(Counts, u64)> {
    let opens: Vec<(Option<i32>, bool, Option<Rule>)> = event::Entity::find()
        .select_only()
        .columns([event::Column::RecipientId, event::Column::Automated, event::Column::Rule])
        .distinct()
        .filter(event::Column::AnnouncementId.eq(announcement_id))
        .filter(event::Column::Kind.eq(EventKind::Open.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let (mut all, mut certain, mut approximate) = (HashSet::new(), HashSet::new(), HashSet::new());
    for (recipient, automated, rule) in opens {
        let Some(recipient) = recipient else { continue };
        all.insert(recipient);
        if is_approximate(automated, rule) {
            approximate.insert(recipient);
        } else if !automated {
            certain.insert(recipient);
        }
    }
    let only_approximate = approximate.difference(&certain).count() as u64;
    Ok((Counts { human: certain.len() as u64, raw: all.len() as u64 }, only_approximate))
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
