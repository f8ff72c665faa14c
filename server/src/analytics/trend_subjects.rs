//! What each comment of a trend report is about: exactly one topic, chosen
//! from its own words and its target.
//!
//! The candidates are the library items behind the comment: the item it is
//! on, or the items its announcement featured (in their order), or, for a
//! private question to HR, every item the period's other comments are about.
//! Each candidate scores the number of the comment's subject words
//! ([`super::key_phrases::subject_words`]) found in the item's title, tags
//! and category; the highest score wins, a tie goes to the earlier
//! candidate. A comment on an item always counts under that item. A comment
//! on an announcement that matches none of its items counts under the
//! announcement; a private question that matches no item counts under
//! "Private questions to HR".

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::key_phrases::subject_words;
use crate::entities::{announcement, announcement_item, collateral, comment};
use crate::error::Result;

/// What a topic is: one library item, one announcement (for comments that
/// name none of its items), or the private questions that name no item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TopicKey {
    Item(i32),
    Announcement(i32),
    PrivateQuestions,
}

impl TopicKey {
    pub fn kind(self) -> &'static str {
        match self {
            TopicKey::Item(_) => "item",
            TopicKey::Announcement(_) => "announcement",
            TopicKey::PrivateQuestions => "questions to HR",
        }
    }
}

/// The topic chosen for one comment, and the words that chose it.
pub struct Choice {
    pub key: TopicKey,
    pub label: String,
    /// The comment's words found in the item's title, tags or category;
    /// empty when the topic is the comment's target by default.
    pub matched: Vec<String>,
}

/// A visible comment shown as an example: what it said and where, never who.
#[derive(Clone, Debug)]
pub struct Example {
    pub comment_id: i32,
    pub day: String,
    pub body: String,
    pub is_question: bool,
    pub sentiment_label: String,
    /// What it is about, and where HR can read the thread.
    pub about: String,
    pub link: Option<String>,
    /// The words that put it under its topic (empty: its target by default).
    pub matched: Vec<String>,
}

/// What the items behind comments are: their topics and titles.
pub struct Subjects {
    /// Featured collateral ids per announcement.
    featured: HashMap<i32, Vec<i32>>,
    items: HashMap<i32, collateral::Model>,
    /// Each item's title, tag and category words, singular.
    terms: HashMap<i32, BTreeSet<String>>,
    announcements: HashMap<i32, String>,
}

impl Subjects {
    pub async fn load(db: &impl ConnectionTrait, rows: &[comment::Model]) -> Result<Subjects> {
        let ids_of = |kind: &str| -> BTreeSet<i32> { rows.iter().filter(|c| c.target_kind == kind).map(|c| c.target_id).collect() };
        let announcement_ids = ids_of("announcement");
        let mut featured: HashMap<i32, Vec<i32>> = HashMap::new();
        for pin in announcement_item::Entity::find()
            .filter(announcement_item::Column::AnnouncementId.is_in(announcement_ids.iter().copied()))
            .order_by_asc(announcement_item::Column::Position)
            .all(db)
            .await?
        {
            featured.entry(pin.announcement_id).or_default().push(pin.collateral_id);
        }
        let mut item_ids = ids_of("collateral");
        item_ids.extend(featured.values().flatten().copied());
        let items: HashMap<i32, collateral::Model> =
            collateral::Entity::find().filter(collateral::Column::Id.is_in(item_ids)).all(db).await?.into_iter().map(|item| (item.id, item)).collect();
        let terms = items.values().map(|item| (item.id, subject_words(&format!("{}. {}. {}", item.title, item.tags.replace(',', "."), item.category)))).collect();
        let announcements = announcement::Entity::find()
            .select_only()
            .columns([announcement::Column::Id, announcement::Column::Title])
            .filter(announcement::Column::Id.is_in(announcement_ids))
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(Subjects { featured, items, terms, announcements })
    }

    /// The candidate items of a comment, in the order ties go to.
    fn candidates(&self, row: &comment::Model) -> Vec<i32> {
        match row.target_kind.as_str() {
            "collateral" => vec![row.target_id],
            "announcement" => {
                let mut ids = self.featured.get(&row.target_id).cloned().unwrap_or_default();
                let mut seen = BTreeSet::new();
                ids.retain(|id| seen.insert(*id));
                ids
            }
            _ => {
                let mut ids: Vec<i32> = self.items.keys().copied().collect();
                ids.sort_unstable();
                ids
            }
        }
    }

    /// The one topic `row` counts under.
    pub fn topic_of(&self, row: &comment::Model) -> Choice {
        let words = subject_words(&row.body);
        let mut best: Option<(usize, i32, Vec<String>)> = None;
        for id in self.candidates(row) {
            let Some(terms) = self.terms.get(&id) else { continue };
            let matched: Vec<String> = words.intersection(terms).cloned().collect();
            if best.as_ref().is_none_or(|(score, _, _)| matched.len() > *score) {
                best = Some((matched.len(), id, matched));
            }
        }
        let title = |id: i32| self.items.get(&id).map_or_else(|| format!("Library item {id}"), |item| item.title.clone());
        match (row.target_kind.as_str(), best) {
            ("collateral", _) => {
                let matched = self.terms.get(&row.target_id).map(|terms| words.intersection(terms).cloned().collect()).unwrap_or_default();
                Choice { key: TopicKey::Item(row.target_id), label: title(row.target_id), matched }
            }
            (_, Some((score, id, matched))) if score > 0 => Choice { key: TopicKey::Item(id), label: title(id), matched },
            ("announcement", _) => Choice { key: TopicKey::Announcement(row.target_id), label: self.announcement_title(row.target_id), matched: Vec::new() },
            _ => Choice { key: TopicKey::PrivateQuestions, label: "Private questions to HR".into(), matched: Vec::new() },
        }
    }

    fn announcement_title(&self, id: i32) -> String {
        self.announcements.get(&id).cloned().unwrap_or_else(|| format!("Announcement {id}"))
    }

    pub fn example(&self, row: &comment::Model) -> Example {
        let (about, link) = match row.target_kind.as_str() {
            "announcement" => (
                self.announcement_title(row.target_id),
                Some(format!("/news/{}#c-{}", row.target_id, row.id)),
            ),
            "collateral" => (
                self.items.get(&row.target_id).map(|item| item.title.clone()).unwrap_or_else(|| format!("Library item {}", row.target_id)),
                Some(format!("/library/by-id/{}#c-{}", row.target_id, row.id)),
            ),
            _ => ("A private question to HR".to_owned(), None),
        };
        Example {
            comment_id: row.id,
            // Only the day: an anonymous comment has no time of day anyway.
            day: row.created_at.format("%Y-%m-%d").to_string(),
            // One line: examples go into table cells and CSV.
            body: crate::comments::answers::excerpt(&row.body.split_whitespace().collect::<Vec<_>>().join(" "), 240),
            is_question: row.is_question,
            sentiment_label: row.sentiment_label.clone(),
            about,
            link,
            matched: self.topic_of(row).matched,
        }
    }
}
