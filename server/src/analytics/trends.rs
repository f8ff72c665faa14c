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
/// Comments a topic needs in the period to be hot-button.
pub const HOT_MIN_VOLUME: u32 = 3;
/// "Mostly negative" means more than this percentage negative.
pub const MOSTLY_NEGATIVE_PERCENT: u32 = 60;

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

/// Why a topic is hot-button; a topic may have more than one reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HotReason {
    MostlyNegative,
    New,
    UpSharply,
}

impl HotReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HotReason::MostlyNegative => "mostly negative",
            HotReason::New => "new",
            HotReason::UpSharply => "up sharply",
        }
    }
}

/// The rule for hot-button topics, in words, as pages and emails state it.
pub fn hot_rule() -> String {
    format!(
        "Hot-button: {HOT_MIN_VOLUME} or more comments and questions in the period, and more than {MOSTLY_NEGATIVE_PERCENT}% of them negative \
         (mostly negative), or none the period before (new), or at least twice as many as the period before (up sharply)."
    )
}

#[derive(Clone, Debug)]
pub struct Topic {
    pub key: TopicKey,
    pub label: String,
    /// Comments and questions in the period, each counted under this topic only.
    pub volume: u32,
    pub questions: u32,
    pub negative: u32,
    pub mean_sentiment: f64,
    pub previous_volume: u32,
    /// Comments and questions so far in the current period, when the report shows it.
    pub current_volume: u32,
    pub hot: Vec<HotReason>,
    /// Phrases at least [`MIN_PHRASE_COMMENTS`] of the period's comments on the topic share.
    pub phrases: Vec<KeyPhrase>,
    pub examples: Vec<Example>,
}

impl Topic {
    pub fn kind(&self) -> &'static str {
        self.key.kind()
    }

    /// Comments that are not questions.
    pub fn comments(&self) -> u32 {
        self.volume - self.questions
    }

    pub fn negative_share(&self) -> f64 {
        if self.volume == 0 { 0.0 } else { f64::from(self.negative) / f64::from(self.volume) }
    }

    /// "60% negative (3 of 5)".
    pub fn negative_text(&self) -> String {
        format!("{:.0}% negative ({} of {})", self.negative_share() * 100.0, self.negative, self.volume)
    }

    /// "+12", "-3", "0", or "new" when the period before had none.
    pub fn change(&self) -> String {
        if self.previous_volume == 0 {
            return "new".into();
        }
        match i64::from(self.volume) - i64::from(self.previous_volume) {
            0 => "0".into(),
            delta => format!("{delta:+}"),
        }
    }

    /// "mostly negative, up sharply", or "" when not hot-button.
    pub fn hot_text(&self) -> String {
        self.hot.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// "dental coverage (4); coverage cut (2)".
    pub fn phrases_text(&self) -> String {
        self.phrases.iter().map(|p| format!("{} ({})", p.text, p.comments)).collect::<Vec<_>>().join("; ")
    }

    fn hot_reasons(&self) -> Vec<HotReason> {
        if self.volume < HOT_MIN_VOLUME {
            return Vec::new();
        }
        let mut reasons = Vec::new();
        if self.negative * 100 > self.volume * MOSTLY_NEGATIVE_PERCENT {
            reasons.push(HotReason::MostlyNegative);
        }
        if self.previous_volume == 0 {
            reasons.push(HotReason::New);
        } else if self.volume >= 2 * self.previous_volume {
            reasons.push(HotReason::UpSharply);
        }
        reasons
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
