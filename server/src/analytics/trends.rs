//! Hot-button trends: what employees' comments and questions of one week
//! or month were about, ranked by volume or by negative sentiment, beside
//! the period before and, for the last complete period, the current one so
//! far.
//!
//! Each comment counts once, under the one topic it is about
//! ([`super::trend_subjects`]); a topic also lists the key phrases its
//! comments share ([`super::key_phrases`]). HR's official answers and
//! hidden or deleted comments are left out; examples are visible comments
//! only and never name anyone.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub use super::key_phrases::KeyPhrase;
pub use super::trend_topic::{hot_rule, HotReason, Topic, HOT_MIN_VOLUME, MOSTLY_NEGATIVE_PERCENT};
use super::trend_period::Period;
pub use super::trend_subjects::{Example, TopicKey};
use super::trend_subjects::Subjects;
use crate::entities::comment;
use crate::error::Result;

/// Topics one report lists at most.
pub const TOP: usize = 50;
/// Distinct comments a key phrase needs to be shown.
pub const MIN_PHRASE_COMMENTS: u32 = 2;
/// Key phrases shown per topic, and for the whole period.
pub const PHRASES_PER_TOPIC: usize = 3;
pub const PHRASES: usize = 10;
/// Examples shown per topic.
pub const EXAMPLES: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ranking {
    Volume,
    Negative,
}

impl Ranking {
    pub fn parse(value: &str) -> Ranking {
        if value == "negative" { Ranking::Negative } else { Ranking::Volume }
    }
}

pub struct Report {
    pub period: Period,
    pub previous: Period,
    /// The period in progress, up to today, when `period` is the one just before it.
    pub current: Option<Period>,
    /// The day the report was made: the current period runs up to it.
    pub today: NaiveDate,
    /// Employees' comments and questions in the period, the one before and the current one so far.
    pub total: u32,
    pub previous_total: u32,
    pub current_total: u32,
    pub topics: Vec<Topic>,
    /// The period's most shared key phrases, over all its comments.
    pub phrases: Vec<KeyPhrase>,
}

impl Report {
    pub fn hot(&self) -> impl Iterator<Item = &Topic> {
        self.topics.iter().filter(|t| !t.hot.is_empty())
    }

    /// "week 48 so far (23–25 Nov)", when the report shows the current period.
    pub fn current_label(&self) -> Option<String> {
        self.current.map(|p| {
            let name = p.label();
            let name = name.split(',').next().unwrap_or(&name).to_owned();
            let days = if p.first == self.today {
                self.today.format("%-d %b").to_string()
            } else if p.first.month() == self.today.month() {
                format!("{}–{}", p.first.format("%-d"), self.today.format("%-d %b"))
            } else {
                format!("{}–{}", p.first.format("%-d %b"), self.today.format("%-d %b"))
            };
            format!("{name} so far ({days})")
        })
    }
}

#[derive(Default)]
struct Tally {
    label: String,
    volume: u32,
    questions: u32,
    negative: u32,
    sentiment: f64,
    previous: u32,
    current: u32,
    /// Texts of the period's comments, for key phrases.
    texts: Vec<String>,
    /// Visible comments of the period (or, failing those, of the current
    /// one), as (in the period, sentiment, id) to pick examples.
    candidates: Vec<(bool, f64, i32)>,
}

/// Employees' comments and questions from the start of `from` to the end of `to`.
async fn employee_comments(db: &impl ConnectionTrait, from: Period, to: Period) -> Result<Vec<comment::Model>> {
    Ok(comment::Entity::find()
        .filter(comment::Column::Official.eq(false))
        .filter(comment::Column::Status.is_in(["visible", "pending"]))
        .filter(comment::Column::CreatedAt.gte(from.start()))
        .filter(comment::Column::CreatedAt.lt(to.end()))
        .order_by_asc(comment::Column::Id)
        .all(db)
        .await?)
}

/// Which of the report's periods a comment falls in.
#[derive(PartialEq)]
enum When {
    Previous,
    Period,
    Current,
}

/// The report of `period` as of `today`, its topics ranked by `ranking`.
pub async fn report(db: &impl ConnectionTrait, period: Period, today: NaiveDate, ranking: Ranking) -> Result<Report> {
    let previous = period.previous();
    let current = Some(period.next()).filter(|next| next.first <= today && today <= next.last);
    let rows = employee_comments(db, previous, current.unwrap_or(period)).await?;
    let subjects = Subjects::load(db, &rows).await?;
    let mut tallies: BTreeMap<TopicKey, Tally> = BTreeMap::new();
    let (mut total, mut previous_total, mut current_total) = (0, 0, 0);
    for row in &rows {
        let when = if row.created_at < period.start() {
            previous_total += 1;
            When::Previous
        } else if row.created_at < period.end() {
            total += 1;
            When::Period
        } else {
            current_total += 1;
            When::Current
        };
        let choice = subjects.topic_of(row);
        let tally = tallies.entry(choice.key).or_insert_with(|| Tally { label: choice.label, ..Default::default() });
        match when {
            When::Previous => tally.previous += 1,
            When::Current => tally.current += 1,
            When::Period => {
                tally.volume += 1;
                tally.questions += u32::from(row.is_question);
                tally.negative += u32::from(row.sentiment_label == "negative");
                tally.sentiment += row.sentiment;
                tally.texts.push(row.body.clone());
            }
        }
        if row.status == "visible" && when != When::Previous {
            tally.candidates.push((when == When::Period, row.sentiment, row.id));
        }
    }
    let by_id: HashMap<i32, &comment::Model> = rows.iter().map(|row| (row.id, row)).collect();
    let mut topics = Vec::new();
    for (key, tally) in &tallies {
        if tally.volume == 0 && tally.current == 0 {
            continue;
        }
        let mut candidates = tally.candidates.clone();
        // The period's first, then the most negative: those are what a plan of action answers.
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        let examples = candidates.iter().take(EXAMPLES).filter_map(|(_, _, id)| by_id.get(id)).map(|row| subjects.example(row)).collect();
        let mut phrases = super::key_phrases::frequent(tally.texts.iter().map(String::as_str), MIN_PHRASE_COMMENTS);
        phrases.truncate(PHRASES_PER_TOPIC);
        let mut topic = Topic {
            key: *key,
            label: tally.label.clone(),
            volume: tally.volume,
            questions: tally.questions,
            negative: tally.negative,
            mean_sentiment: if tally.volume == 0 { 0.0 } else { tally.sentiment / f64::from(tally.volume) },
            previous_volume: tally.previous,
            current_volume: tally.current,
            hot: Vec::new(),
            phrases,
            examples,
        };
        topic.hot = topic.hot_reasons();
        topics.push(topic);
    }
    rank(&mut topics, ranking);
    topics.truncate(TOP);
    let start = period.start();
    let in_period = rows.iter().filter(|row| row.created_at >= start && row.created_at < period.end()).map(|row| row.body.as_str());
    let mut phrases = super::key_phrases::frequent(in_period, MIN_PHRASE_COMMENTS);
    phrases.truncate(PHRASES);
    Ok(Report { period, previous, current, today, total, previous_total, current_total, topics, phrases })
}

/// By volume: most comments first; by negative sentiment: most negative
/// comments first, then the larger negative share. Ties go to the other
/// measure, then to the current period so far, then to the name and key,
/// so the order is always the same.
pub fn rank(topics: &mut [Topic], ranking: Ranking) {
    topics.sort_by(|a, b| {
        let volume = b.volume.cmp(&a.volume);
        let negative = b.negative.cmp(&a.negative).then(b.negative_share().total_cmp(&a.negative_share()));
        let first = match ranking {
            Ranking::Volume => volume.then(negative),
            Ranking::Negative => negative.then(volume),
        };
        first.then(b.current_volume.cmp(&a.current_volume)).then(a.label.cmp(&b.label)).then(a.key.cmp(&b.key))
    });
}
