//! The share tree of an announcement: HR's channel links at the roots,
//! employees' shares below the link they came from, with the visits each
//! brought and how far sharing travelled.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use crate::entities::{short_link, tracking_event, user};
use crate::error::Result;
use crate::tracking::events::EventKind;

/// Human figures first, raw (including bots and scanners) beside them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Counts {
    pub human: u64,
    pub raw: u64,
}

/// Clicks on each of the links (human and raw).
pub async fn visits(db: &impl ConnectionTrait, link_ids: &[i32]) -> Result<HashMap<i32, Counts>> {
    if link_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<i32>, bool, i64)> = tracking_event::Entity::find()
        .select_only()
        .column(tracking_event::Column::ShortLinkId)
        .column(tracking_event::Column::Automated)
        .column_as(tracking_event::Column::Id.count(), "n")
        .filter(tracking_event::Column::ShortLinkId.is_in(link_ids.iter().copied()))
        .filter(tracking_event::Column::Kind.eq(EventKind::Click.as_str()))
        .group_by(tracking_event::Column::ShortLinkId)
        .group_by(tracking_event::Column::Automated)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i32, Counts> = HashMap::new();
    for (id, automated, n) in rows {
        let Some(id) = id else { continue };
        let entry = counts.entry(id).or_default();
        entry.raw += n as u64;
        if !automated {
            entry.human += n as u64;
        }
    }
    Ok(counts)
}

/// How many direct reshares each link has.
pub async fn child_counts(db: &impl ConnectionTrait, link_ids: &[i32]) -> Result<HashMap<i32, u64>> {
    if link_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<i32>, i64)> = short_link::Entity::find()
        .select_only()
        .column(short_link::Column::ParentId)
        .column_as(short_link::Column::Id.count(), "n")
        .filter(short_link::Column::ParentId.is_in(link_ids.iter().copied()))
        .group_by(short_link::Column::ParentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(parent, n)| parent.map(|p| (p, n as u64))).collect())
}

/// One link in the tree, in display order (each parent before its children).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TreeRow {
    pub code: String,
    pub channel: String,
    /// Who shared it; empty for HR's own channel links.
    pub sharer: String,
    pub depth: i32,
    pub visits: Counts,
    /// Direct reshares of this link.
    pub reshares: u64,
    /// Human visits this link and every reshare below it brought.
    pub reach: u64,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct ShareTree {
    pub rows: Vec<TreeRow>,
    /// Links made by employees sharing.
    pub shares: u64,
    /// Human visits that came through employees' shares.
    pub share_visits: u64,
    /// How many reshares deep the longest chain went.
    pub max_depth: i32,
}

pub async fn for_announcement(db: &impl ConnectionTrait, announcement_id: i32) -> Result<ShareTree> {
    let links = short_link::Entity::find()
        .filter(short_link::Column::AnnouncementId.eq(announcement_id))
        .order_by_asc(short_link::Column::Id)
        .all(db)
        .await?;
    build(db, links).await
}

async fn build(db: &impl ConnectionTrait, links: Vec<short_link::Model>) -> Result<ShareTree> {
    let ids: Vec<i32> = links.iter().map(|link| link.id).collect();
    let visits = visits(db, &ids).await?;
    let owner_ids: Vec<i32> = links.iter().filter_map(|link| link.owner_user_id).collect();
    let names: HashMap<i32, String> = user::Entity::find().filter(user::Column::Id.is_in(owner_ids)).all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut children: HashMap<Option<i32>, Vec<&short_link::Model>> = HashMap::new();
    let known: std::collections::HashSet<i32> = ids.iter().copied().collect();
    for link in &links {
        // A parent outside this set (another announcement's link) makes this a root here.
        let parent = link.parent_id.filter(|id| known.contains(id));
        children.entry(parent).or_default().push(link);
    }
    let mut tree = ShareTree::default();
    let mut stack: Vec<&short_link::Model> = children.get(&None).map(|roots| roots.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(link) = stack.pop() {
        let kids = children.get(&Some(link.id)).cloned().unwrap_or_default();
        let count = visits.get(&link.id).copied().unwrap_or_default();
        if link.owner_user_id.is_some() {
            tree.shares += 1;
            tree.share_visits += count.human;
            tree.max_depth = tree.max_depth.max(link.depth);
        }
        tree.rows.push(TreeRow {
            code: link.code.clone(),
            channel: link.channel.clone(),
            sharer: link.owner_user_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
            depth: link.depth,
            visits: count,
            reshares: kids.len() as u64,
            reach: subtree_reach(link.id, &children, &visits),
        });
        stack.extend(kids.iter().rev());
    }
    Ok(tree)
}

fn subtree_reach(id: i32, children: &HashMap<Option<i32>, Vec<&short_link::Model>>, visits: &HashMap<i32, Counts>) -> u64 {
    let own = visits.get(&id).map_or(0, |count| count.human);
    own + children.get(&Some(id)).map_or(0, |kids| kids.iter().map(|kid| subtree_reach(kid.id, children, visits)).sum())
}
