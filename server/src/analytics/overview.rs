//! Every announcement that started sending in a period, with the key
//! figures of its dashboard, and what the period's announcements add up to:
//! clicks per channel, per library item and per department and week. Each
//! announcement's figures come from its rollup (`rollups::current`), as the
//! dashboard's do, so the overview always agrees with the dashboards it links to.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::baseline::Rates;
use super::engagement::{self, WeekGroupRow};
use super::figures::{self, Figures};
use super::item_reach::{self, ItemReach};
use super::period::Period;
use crate::entities::{announcement, announcement_item};
use crate::error::Result;

/// One announcement's line of the overview table.
#[derive(Clone, Debug, PartialEq)]
pub struct AnnouncementRow {
    pub id: i32,
    pub title: String,
    pub started_at: DateTime<Utc>,
    pub recipients: u64,
    pub delivered: u64,
    pub open_rate: Option<f64>,
    pub click_through: Option<f64>,
    pub click_to_open: Option<f64>,
    pub unique_human_clicks: u64,
    pub comments: u64,
    pub open_questions: u64,
    pub temperature: Option<i32>,
    /// Too few recipients to show what they did (`analytics::disclosure`).
    pub withheld: bool,
}

impl AnnouncementRow {
    pub fn of(model: &announcement::Model, f: &Figures) -> AnnouncementRow {
        let rates = Rates::of(f);
        AnnouncementRow {
            id: model.id,
            title: model.title.clone(),
            started_at: model.started_at.unwrap_or(model.created_at),
            recipients: f.recipients,
            delivered: f.delivered,
            open_rate: rates.open_rate,
            click_through: rates.click_through,
            click_to_open: rates.click_to_open,
            unique_human_clicks: f.clicks.unique_human,
            comments: f.comments,
            open_questions: f.questions.open,
            temperature: f.temperature,
            withheld: super::disclosure::behaviour_withheld(f),
        }
    }
}

/// Human clicks on one channel, summed over the period's announcements.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelTotal {
    pub channel: String,
    pub clicks: u64,
    /// With automated clicks.
    pub raw: u64,
    /// Of all human clicks in the period.
    pub share: Option<f64>,
}

/// One announcement with what the overview needs of it.
pub struct Sent {
    pub model: announcement::Model,
    pub featured: Vec<i32>,
    pub figures: Figures,
}

pub struct Overview {
    pub announcements: Vec<AnnouncementRow>,
    pub channels: Vec<ChannelTotal>,
    pub items: ItemReach,
    pub departments: Vec<WeekGroupRow>,
    /// Per week of the period: (Monday, people opened, people clicked), every recipient.
    pub weeks: Vec<(chrono::NaiveDate, u64, u64)>,
    /// Recipients per week in groups too small to show, even together.
    pub not_shown: Vec<(chrono::NaiveDate, u64)>,
}

/// The announcements that started sending in the period, oldest first, with their figures.
pub async fn sent_in(db: &DatabaseConnection, period: &Period, min_group: u64) -> Result<Vec<Sent>> {
    let models = announcement::Entity::find()
        .filter(announcement::Column::StartedAt.gte(period.start()))
        .filter(announcement::Column::StartedAt.lt(period.end()))
        .order_by_asc(announcement::Column::StartedAt)
        .order_by_asc(announcement::Column::Id)
        .all(db)
        .await?;
    let pins = announcement_item::Entity::find()
        .filter(announcement_item::Column::AnnouncementId.is_in(models.iter().map(|m| m.id)))
        .order_by_asc(announcement_item::Column::Position)
        .all(db)
        .await?;
    let mut sent = Vec::with_capacity(models.len());
    for model in models {
        let featured: Vec<i32> = pins.iter().filter(|p| p.announcement_id == model.id).map(|p| p.collateral_id).collect();
        let figures = super::disclosure::figures(db, &model, min_group).await?;
        sent.push(Sent { model, featured, figures });
    }
    Ok(sent)
}

pub async fn for_period(db: &DatabaseConnection, period: &Period, min_group: u64) -> Result<Overview> {
    let sent = sent_in(db, period, min_group).await?;
    let by_week = engagement::by_week(&sent, period);
    Ok(Overview {
        announcements: sent.iter().map(|s| AnnouncementRow::of(&s.model, &s.figures)).collect(),
        channels: channel_totals(&sent),
        items: item_reach::for_period(db, &sent).await?,
        departments: by_week.rows,
        weeks: by_week.totals,
        not_shown: by_week.not_shown,
    })
}

pub fn channel_totals(sent: &[Sent]) -> Vec<ChannelTotal> {
    let mut channels: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for channel in sent.iter().flat_map(|s| &s.figures.clicks_by_channel) {
        let entry = channels.entry(&channel.channel).or_default();
        entry.0 += channel.clicks;
        entry.1 += channel.raw;
    }
    let human: u64 = channels.values().map(|(clicks, _)| clicks).sum();
    let mut totals: Vec<ChannelTotal> = channels
        .into_iter()
        .map(|(channel, (clicks, raw))| ChannelTotal { channel: channel.to_owned(), clicks, raw, share: figures::ratio(clicks, human) })
        .collect();
    totals.sort_by(|a, b| b.clicks.cmp(&a.clicks).then(b.raw.cmp(&a.raw)).then(a.channel.cmp(&b.channel)));
    totals
}
