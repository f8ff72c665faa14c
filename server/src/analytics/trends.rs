//! Hot-button trends: what employees' comments and questions of one week
//! or month were about, ranked by volume or by negative sentiment, beside
//! the period before.
//!
//! A comment counts once for each of its topics: the tags and the category
//! of the library items it is about (an item's own, or those an
//! announcement featured) and its key phrases ([`super::key_phrases`]).
//! HR's official answers and hidden or deleted comments are left out;
//! examples are visible comments only and never name anyone.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::trend_period::Period;
pub use super::trend_subjects::Example;
use super::trend_subjects::Subjects;
use crate::entities::comment;
use crate::error::Result;

/// Topics one report lists at most.
pub const TOP: usize = 50;
/// Comments a key phrase needs in the period to be a topic (tags and categories need one).
pub const MIN_PHRASE_VOLUME: u32 = 2;
/// Examples shown per topic.
pub const EXAMPLES: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TopicKind {
    Tag,
    Category,
    Phrase,
}

impl TopicKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TopicKind::Tag => "tag",
            TopicKind::Category => "category",
            TopicKind::Phrase => "phrase",
        }
    }
}

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

#[derive(Clone, Debug)]
pub struct Topic {
    pub kind: TopicKind,
    pub label: String,
    /// Comments and questions in the period.
    pub volume: u32,
    pub questions: u32,
    pub negative: u32,
    pub mean_sentiment: f64,
    pub previous_volume: u32,
    /// Why the topic needs attention, when it does.
    pub hot: Option<String>,
    pub examples: Vec<Example>,
}

impl Topic {
    /// Comments that are not questions.
    pub fn comments(&self) -> u32 {
        self.volume - self.questions
    }

    pub fn negative_share(&self) -> f64 {
        if self.volume == 0 { 0.0 } else { f64::from(self.negative) / f64::from(self.volume) }
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

    /// Hot-button: at least 3 comments, and half or more negative or at
    /// least twice as many as the period before (or new).
    fn hot_reason(&self) -> Option<String> {
        if self.volume < 3 {
            return None;
        }
        let mut reasons = Vec::new();
        if self.negative * 2 >= self.volume {
            reasons.push("mostly negative");
        }
        if self.previous_volume == 0 {
            reasons.push("new");
        } else if self.volume >= 2 * self.previous_volume {
            reasons.push("up sharply");
        }
        (!reasons.is_empty()).then(|| reasons.join(", "))
    }
}

pub struct Report {
    pub period: Period,
    pub previous: Period,
    /// Employees' comments and questions in the period and the one before.
    pub total: u32,
    pub previous_total: u32,
    pub topics: Vec<Topic>,
}

impl Report {
    pub fn hot(&self) -> impl Iterator<Item = &Topic> {
        self.topics.iter().filter(|t| t.hot.is_some())
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
    /// Visible comments of the period, as (sentiment, id) to pick examples.
    candidates: Vec<(f64, i32)>,
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

/// The report of `period`, its topics ranked by `ranking`.
pub async fn report(db: &impl ConnectionTrait, period: Period, ranking: Ranking) -> Result<Report> {
    let previous = period.previous();
    let rows = employee_comments(db, previous, period).await?;
    let subjects = Subjects::load(db, &rows).await?;
    let start = period.start();
    let mut tallies: BTreeMap<(TopicKind, String), Tally> = BTreeMap::new();
    let (mut total, mut previous_total) = (0, 0);
    for row in &rows {
        let current = row.created_at >= start;
        if current { total += 1 } else { previous_total += 1 }
        for (key, label) in subjects.topics_of(row) {
            let tally = tallies.entry(key).or_insert_with(|| Tally { label, ..Default::default() });
            if !current {
                tally.previous += 1;
                continue;
            }
            tally.volume += 1;
            tally.questions += u32::from(row.is_question);
            tally.negative += u32::from(row.sentiment_label == "negative");
            tally.sentiment += row.sentiment;
            if row.status == "visible" {
                tally.candidates.push((row.sentiment, row.id));
            }
        }
    }
    let by_id: HashMap<i32, &comment::Model> = rows.iter().map(|row| (row.id, row)).collect();
    let folded = words_in_pairs(&tallies);
    let mut topics = Vec::new();
    for ((kind, key), tally) in &tallies {
        let phrase = *kind == TopicKind::Phrase;
        if tally.volume == 0 || (phrase && (tally.volume < MIN_PHRASE_VOLUME || folded.contains(&(key.as_str(), tally.volume)))) {
            continue;
        }
        let mut candidates = tally.candidates.clone();
        // The most negative first: those are what a plan of action answers.
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let examples = candidates.iter().take(EXAMPLES).filter_map(|(_, id)| by_id.get(id)).map(|row| subjects.example(row)).collect();
        let mut topic = Topic {
            kind: *kind,
            label: tally.label.clone(),
            volume: tally.volume,
            questions: tally.questions,
            negative: tally.negative,
            mean_sentiment: tally.sentiment / f64::from(tally.volume),
            previous_volume: tally.previous,
            hot: None,
            examples,
        };
        topic.hot = topic.hot_reason();
        topics.push(topic);
    }
    rank(&mut topics, ranking);
    topics.truncate(TOP);
    Ok(Report { period, previous, total, previous_total, topics })
}

/// The words of two-word phrases, with the phrase's volume in the period:
/// a single word with the same volume only ever appeared inside that
/// phrase, which says more, so the word is left to it.
fn words_in_pairs(tallies: &BTreeMap<(TopicKind, String), Tally>) -> HashSet<(&str, u32)> {
    tallies
        .iter()
        .filter(|((kind, key), tally)| *kind == TopicKind::Phrase && tally.volume >= MIN_PHRASE_VOLUME && key.contains(' '))
        .flat_map(|((_, key), tally)| key.split(' ').map(move |word| (word, tally.volume)))
        .collect()
}

/// By volume: most comments first; by negative sentiment: most negative
/// comments first, then the larger negative share. Ties go to the other
/// measure, then to the kind and name, so the order is always the same.
pub fn rank(topics: &mut [Topic], ranking: Ranking) {
    topics.sort_by(|a, b| {
        let volume = b.volume.cmp(&a.volume);
        let negative = b.negative.cmp(&a.negative).then(b.negative_share().total_cmp(&a.negative_share()));
        let first = match ranking {
            Ranking::Volume => volume.then(negative),
            Ranking::Negative => negative.then(volume),
        };
        first.then(a.kind.cmp(&b.kind)).then(a.label.cmp(&b.label))
    });
}
