//! The figures of one announcement's dashboard, computed from its raw
//! events, recipients, comments and quick reactions. Every count of people
//! is of people, not events; "human" leaves out what tracking classified as
//! automated (scanners, previews, bursts) and approximate opens (through a
//! mail provider's image proxy), which are counted apart.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entities::{announcement, comment, recipient, tracking_event as event};
use crate::tracking::rule::{is_approximate, Rule};
use crate::error::Result;

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Clicks {
    /// Every click on any channel, automated ones included.
    pub total: u64,
    /// Clicks by people.
    pub human: u64,
    /// People who clicked (a recipient, a signed-in employee, or a daily visitor hash).
    pub unique_human: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct CollateralClicks {
    pub collateral_id: i32,
    pub title: String,
    /// Human clicks, opens and downloads of the item from any channel.
    pub clicks: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ChannelClicks {
    pub channel: String,
    pub clicks: u64,
    /// With automated clicks.
    pub raw: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Reach {
    /// Employees reached by any channel (email, portal, shares).
    pub employees: u64,
    /// Visitors from short links who are not known employees (counted per day).
    pub anonymous_visitors: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Sentiment {
    /// Mean compound score of the comments, in [-1, 1]; null without comments.
    pub mean: Option<f64>,
    pub negative: u64,
    pub neutral: u64,
    pub positive: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Questions {
    pub total: u64,
    /// Not yet answered by HR.
    pub open: u64,
    /// Median time to HR's first answer, over answered questions.
    pub median_response_seconds: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct TimelineBucket {
    /// Start of the hour (first 48 hours) or of the day (after).
    pub start: DateTime<Utc>,
    pub hourly: bool,
    pub opens: u64,
    pub clicks: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct DayTemperature {
    pub day: String,
    pub temperature: i32,
    pub signals: u64,
}

/// Everything the dashboard shows about one announcement.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Figures {
    pub recipients: u64,
    pub delivered: u64,
    pub bounced: u64,
    /// Recipients who certainly opened: their mail client loaded the image.
    /// A lower bound: images may be blocked.
    pub unique_opens: u64,
    /// Recipients whose only opens came through a mail provider's image
    /// proxy (Gmail, Yahoo, Apple Mail Privacy Protection): probably read.
    #[serde(default)]
    pub approximate_opens: u64,
    pub clicks: Clicks,
    /// Recipients who clicked a link of the email.
    pub unique_email_clickers: u64,
    /// unique_email_clickers / delivered.
    pub click_through: Option<f64>,
    /// unique_email_clickers / (unique_opens + approximate_opens).
    pub click_to_open: Option<f64>,
    /// Unique people reached (the event-level reach with bots is under `reach` in the stats API).
    pub reached: Reach,
    pub clicks_by_collateral: Vec<CollateralClicks>,
    pub clicks_by_channel: Vec<ChannelClicks>,
    pub comments: u64,
    pub questions: Questions,
    pub sentiment: Sentiment,
    /// Quick reactions per face, 1 (very unhappy) to 5 (very happy).
    pub feelings: [i64; 5],
    /// -100 (very negative) to 100 (very positive): comments and quick reactions together.
    pub temperature: Option<i32>,
    pub temperature_by_day: Vec<DayTemperature>,
    pub timeline: Vec<TimelineBucket>,
    pub by_department: super::breakdown::Breakdown,
    pub by_location: super::breakdown::Breakdown,
    /// How long people read it in the portal: glanced (under 3 s), skimmed (3–8 s), read.
    pub reading: super::reading::ReadBuckets,
    /// Set when figures are withheld because too few people were sent it
    /// (see `analytics::disclosure`): they are then 0, empty or null, not measured.
    #[serde(default)]
    pub withheld: Option<String>,
}

/// One raw event, as much of it as the figures need.
type Row = (String, String, Option<i32>, bool, Option<i32>, Option<i32>, Option<String>, DateTime<Utc>, Option<Rule>);

pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A face (1–5) as a score in [-1, 1].
fn face_score(face: usize) -> f64 {
    (face as f64 - 3.0) / 2.0
}

pub fn temperature_of(sum: f64, signals: u64) -> Option<i32> {
    (signals > 0).then(|| (sum / signals as f64 * 100.0).round() as i32)
}

/// `min_group`: the smallest group a breakdown may show.
pub async fn for_announcement(db: &DatabaseConnection, model: &announcement::Model, titles: &[(i32, String)], min_group: u64) -> Result<Figures> {
    let mut figures = without_feedback(db, model, titles, min_group).await?;
    add_feedback(db, &mut figures, model.id).await?;
    Ok(figures)
}

/// Every figure except those made of comments and quick reactions, which
/// may be anonymous: these are what a rollup stores (see `rollups`).
pub async fn without_feedback(db: &DatabaseConnection, model: &announcement::Model, titles: &[(i32, String)], min_group: u64) -> Result<Figures> {
    let id = model.id;
    let people = recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .filter(recipient::Column::SkipReason.is_null())
        .all(db)
        .await?;
    let delivery = crate::spotlights::status::delivery(db, id).await?;
    let events: Vec<Row> = event::Entity::find()
        .select_only()
        .columns([event::Column::Kind, event::Column::Channel, event::Column::CollateralId, event::Column::Automated, event::Column::RecipientId, event::Column::UserId])
        .columns([event::Column::VisitorHash, event::Column::OccurredAt, event::Column::Rule])
        .filter(event::Column::AnnouncementId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    let commenting: HashSet<i32> = named_commenters(db, id).await?.into_iter().collect();

    let mut figures = Figures { recipients: people.len() as u64, delivered: delivery.sent, bounced: delivery.bounced, ..Default::default() };
    let (openers, email_clickers) = count_events(&mut figures, &events, &people, titles);
    let activity = super::breakdown::activity(&people, &openers, &email_clickers, &commenting);
    figures.by_department = super::breakdown::group(&activity, |p| &p.department, min_group);
    figures.by_location = super::breakdown::group(&activity, |p| &p.location, min_group);
    figures.timeline = timeline(&events, model.started_at.unwrap_or(model.created_at), Utc::now());
    figures.reading = super::reading::buckets_for(db, super::reading::ReadKind::Announcement, id).await?;
    Ok(figures)
}

/// Who commented under their name (HR's answers aside), sorted.
pub async fn named_commenters(db: &DatabaseConnection, announcement_id: i32) -> Result<Vec<i32>> {
    let mut authors: Vec<Option<i32>> = comment::Entity::find()
        .select_only()
        .column(comment::Column::AuthorId)
        .distinct()
        .filter(comment::Column::TargetKind.eq("announcement"))
        .filter(comment::Column::TargetId.eq(announcement_id))
        .filter(comment::Column::Status.ne("deleted"))
        .filter(comment::Column::Anonymous.eq(false))
        .filter(comment::Column::Official.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    authors.sort_unstable();
    Ok(authors.into_iter().flatten().collect())
}

/// Fills the figures made of comments and quick reactions, read as they are now.
pub async fn add_feedback(db: &DatabaseConnection, figures: &mut Figures, announcement_id: i32) -> Result<()> {
    let comments = comment::Entity::find()
        .filter(comment::Column::TargetKind.eq("announcement"))
        .filter(comment::Column::TargetId.eq(announcement_id))
        .filter(comment::Column::Status.ne("deleted"))
        .all(db)
        .await?;
    let tallies = crate::entities::quick_reaction_tally::Entity::find()
        .filter(crate::entities::quick_reaction_tally::Column::AnnouncementId.eq(announcement_id))
        .all(db)
        .await?;
    figures.sentiment = Sentiment::default();
    count_comments(figures, &comments);
    figures.feelings = [0; 5];
    for tally in &tallies {
        if let Some(slot) = usize::try_from(tally.score - 1).ok().and_then(|i| figures.feelings.get_mut(i)) {
            *slot += i64::from(tally.votes);
        }
    }
    let (sum, signals) = temperature_signals(&comments, &figures.feelings);
    figures.temperature = temperature_of(sum, signals);
    figures.temperature_by_day = temperature_by_day(&comments, &tallies);
    Ok(())
}

/// Fills the event figures; returns the recipients who opened and who clicked the email.
fn count_events(figures: &mut Figures, events: &[Row], people: &[recipient::Model], titles: &[(i32, String)]) -> (HashSet<i32>, HashSet<i32>) {
    let user_of: HashMap<i32, Option<i32>> = people.iter().map(|p| (p.id, p.user_id)).collect();
    let mut openers = HashSet::new();
    let mut email_clickers = HashSet::new();
    let mut clickers = HashSet::new();
    let mut employees = HashSet::new();
    let mut visitors = HashSet::new();
    let mut items: BTreeMap<i32, u64> = titles.iter().map(|(id, _)| (*id, 0)).collect();
    let mut channels: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut approximate_openers = HashSet::new();
    for (kind, channel, collateral_id, automated, recipient_id, user_id, visitor, _, rule) in events {
        if is_approximate(*automated, *rule) {
            approximate_openers.extend(*recipient_id);
            continue;
        }
        let human = !automated;
        let click = kind == "click";
        if click {
            figures.clicks.total += 1;
        }
        if click || kind == "view" {
            let entry = channels.entry(channel.clone()).or_default();
            entry.1 += 1;
            if human {
                entry.0 += 1;
            }
        }
        if !human {
            continue;
        }
        // Who this was: a recipient (and through them an employee), a signed-in employee, or a visitor.
        let employee = match (recipient_id, user_id) {
            (_, Some(user)) => Some(format!("u{user}")),
            (Some(r), None) => Some(user_of.get(r).copied().flatten().map(|u| format!("u{u}")).unwrap_or_else(|| format!("r{r}"))),
            (None, None) => None,
        };
        let person = employee.clone().or_else(|| visitor.as_ref().map(|v| format!("v{v}")));
        match &employee {
            Some(key) => {
                employees.insert(key.clone());
            }
            None => {
                if let Some(v) = visitor {
                    visitors.insert(v.clone());
                }
            }
        }
        if kind == "open" {
            if let Some(r) = recipient_id {
                openers.insert(*r);
            }
        }
        if click {
            figures.clicks.human += 1;
            if let Some(person) = person {
                clickers.insert(person);
            }
            if let (Some(r), "email") = (recipient_id, channel.as_str()) {
                email_clickers.insert(*r);
            }
        }
        if kind != "open" && kind != "visit" {
            if let Some(id) = collateral_id {
                *items.entry(*id).or_default() += 1;
            }
        }
    }
    figures.unique_opens = openers.len() as u64;
    figures.approximate_opens = approximate_openers.difference(&openers).count() as u64;
    figures.clicks.unique_human = clickers.len() as u64;
    figures.unique_email_clickers = email_clickers.len() as u64;
    figures.click_through = ratio(figures.unique_email_clickers, figures.delivered);
    figures.click_to_open = ratio(figures.unique_email_clickers, figures.unique_opens + figures.approximate_opens);
    figures.reached = Reach { employees: employees.len() as u64, anonymous_visitors: visitors.len() as u64 };
    figures.clicks_by_collateral = items
        .into_iter()
        .map(|(collateral_id, clicks)| CollateralClicks {
            collateral_id,
            title: titles.iter().find(|(id, _)| *id == collateral_id).map(|(_, t)| t.clone()).unwrap_or_else(|| format!("item {collateral_id}")),
            clicks,
        })
        .collect();
    figures.clicks_by_channel = channels.into_iter().map(|(channel, (clicks, raw))| ChannelClicks { channel, clicks, raw }).collect();
    (openers, email_clickers)
}

/// Human opens and clicks per hour for the first 48 hours, then per day, up
/// to `now`; approximate opens are left out, like automated events.
pub fn timeline(events: &[Row], start: DateTime<Utc>, now: DateTime<Utc>) -> Vec<TimelineBucket> {
    let start = start.duration_trunc(Duration::hours(1)).unwrap_or(start);
    let hourly_end = start + Duration::hours(48);
    let last = events.iter().map(|e| e.7).chain(std::iter::once(now.min(start + Duration::days(60)))).max().unwrap_or(now);
    let mut buckets: Vec<TimelineBucket> = Vec::new();
    let mut at = start;
    while at <= last {
        let hourly = at < hourly_end;
        buckets.push(TimelineBucket { start: at, hourly, opens: 0, clicks: 0 });
        at = if hourly { at + Duration::hours(1) } else { at + Duration::days(1) };
    }
    for (kind, _, _, automated, _, _, _, when, rule) in events {
        if *automated || is_approximate(*automated, *rule) || *when < start {
            continue;
        }
        let index = if *when < hourly_end { (*when - start).num_hours() } else { 48 + (*when - hourly_end).num_days() };
        if let Some(bucket) = usize::try_from(index).ok().and_then(|i| buckets.get_mut(i)) {
            match kind.as_str() {
                "open" => bucket.opens += 1,
                "click" => bucket.clicks += 1,
                _ => {}
            }
        }
    }
    buckets
}

/// Employees' comments only: HR's official answers are not the reaction being measured.
fn count_comments(figures: &mut Figures, comments: &[comment::Model]) {
    let comments: Vec<&comment::Model> = comments.iter().filter(|c| !c.official).collect();
    figures.comments = comments.len() as u64;
    let mut sum = 0.0;
    for c in &comments {
        sum += c.sentiment;
        match c.sentiment_label.as_str() {
            "negative" => figures.sentiment.negative += 1,
            "positive" => figures.sentiment.positive += 1,
            _ => figures.sentiment.neutral += 1,
        }
    }
    figures.sentiment.mean = (!comments.is_empty()).then(|| sum / comments.len() as f64);
    let questions: Vec<&&comment::Model> = comments.iter().filter(|c| c.is_question).collect();
    let mut times: Vec<i64> = questions.iter().filter_map(|q| q.first_response_seconds).collect();
    figures.questions = Questions {
        total: questions.len() as u64,
        open: questions.iter().filter(|q| q.answered_at.is_none() && q.status != "hidden").count() as u64,
        median_response_seconds: median_i64(&mut times),
    };
}

pub fn median_i64(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 { (values[mid - 1] + values[mid]) / 2 } else { values[mid] })
}

/// Official answers are HR's, not the employees' reaction: they do not count.
fn temperature_signals(comments: &[comment::Model], feelings: &[i64; 5]) -> (f64, u64) {
    let mut sum = 0.0;
    let mut signals = 0;
    for c in comments.iter().filter(|c| !c.official) {
        sum += c.sentiment;
        signals += 1;
    }
    for (index, votes) in feelings.iter().enumerate() {
        sum += face_score(index + 1) * *votes as f64;
        signals += *votes as u64;
    }
    (sum, signals)
}

fn temperature_by_day(comments: &[comment::Model], tallies: &[crate::entities::quick_reaction_tally::Model]) -> Vec<DayTemperature> {
    let mut days: BTreeMap<String, (f64, u64)> = BTreeMap::new();
    for c in comments.iter().filter(|c| !c.official) {
        let entry = days.entry(c.created_at.format("%Y-%m-%d").to_string()).or_default();
        entry.0 += c.sentiment;
        entry.1 += 1;
    }
    for tally in tallies {
        let entry = days.entry(tally.day.format("%Y-%m-%d").to_string()).or_default();
        entry.0 += face_score(tally.score as usize) * f64::from(tally.votes);
        entry.1 += tally.votes as u64;
    }
    days.into_iter()
        .filter_map(|(day, (sum, signals))| Some(DayTemperature { day, temperature: temperature_of(sum, signals)?, signals }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn row(kind: &str, automated: bool, when: &str) -> Row {
        (kind.into(), "email".into(), None, automated, Some(1), None, None, at(when), None)
    }

    #[test]
    fn the_timeline_is_hourly_for_two_days_then_daily() {
        let start = at("2026-11-02T09:30:00Z");
        let events = vec![
            row("open", false, "2026-11-02T09:45:00Z"),
            row("click", false, "2026-11-02T10:05:00Z"),
            row("click", true, "2026-11-02T10:06:00Z"),
            row("open", false, "2026-11-05T12:00:00Z"),
        ];
        let buckets = timeline(&events, start, at("2026-11-06T00:00:00Z"));
        assert_eq!(buckets[0].start, at("2026-11-02T09:00:00Z"));
        assert_eq!((buckets[0].opens, buckets[1].clicks), (1, 1), "the automated click is left out");
        assert!(buckets[47].hourly && !buckets[48].hourly);
        assert_eq!(buckets[48].start, at("2026-11-04T09:00:00Z"));
        assert_eq!(buckets[49].opens, 1, "day two after the first 48 hours");
    }

    #[test]
    fn medians_and_temperatures() {
        assert_eq!(median_i64(&mut [5, 1, 3]), Some(3));
        assert_eq!(median_i64(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(median_i64(&mut []), None);
        assert_eq!(temperature_of(-1.5, 3), Some(-50));
        assert_eq!(temperature_of(0.0, 0), None);
        assert_eq!(face_score(1), -1.0);
        assert_eq!(face_score(5), 1.0);
    }
}
