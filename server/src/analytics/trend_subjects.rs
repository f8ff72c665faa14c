//! What the comments of a trend report are about: the library items
//! behind each (an item's own, or those its announcement featured), the
//! topics that gives it, and how it is shown as an example.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::trends::TopicKind;
use crate::entities::{announcement, announcement_item, collateral, comment};
use crate::error::Result;

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
}

/// What the items behind comments are: their topics and titles.
pub struct Subjects {
    /// Featured collateral ids per announcement.
    featured: HashMap<i32, Vec<i32>>,
    items: HashMap<i32, collateral::Model>,
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
        let items = collateral::Entity::find().filter(collateral::Column::Id.is_in(item_ids)).all(db).await?.into_iter().map(|item| (item.id, item)).collect();
        let announcements = announcement::Entity::find()
            .select_only()
            .columns([announcement::Column::Id, announcement::Column::Title])
            .filter(announcement::Column::Id.is_in(announcement_ids))
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(Subjects { featured, items, announcements })
    }

    /// The items a comment is about.
    fn items_of(&self, row: &comment::Model) -> Vec<&collateral::Model> {
        let ids: &[i32] = match row.target_kind.as_str() {
            "collateral" => std::slice::from_ref(&row.target_id),
            "announcement" => self.featured.get(&row.target_id).map_or(&[], Vec::as_slice),
            _ => &[],
        };
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        ids.iter().filter_map(|id| self.items.get(id)).collect()
    }

    /// The topics of a comment as (kind, key) → label.
    pub fn topics_of(&self, row: &comment::Model) -> BTreeMap<(TopicKind, String), String> {
        let mut topics = BTreeMap::new();
        for item in self.items_of(row) {
            for tag in item.tag_list() {
                topics.entry((TopicKind::Tag, tag.to_lowercase())).or_insert(tag);
            }
            let category = item.category.trim();
            if !category.is_empty() {
                topics.entry((TopicKind::Category, category.to_lowercase())).or_insert_with(|| category.to_owned());
            }
        }
        for phrase in super::key_phrases::of(&row.body) {
            topics.insert((TopicKind::Phrase, phrase.clone()), phrase);
        }
        topics
    }

    pub fn example(&self, row: &comment::Model) -> Example {
        let (about, link) = match row.target_kind.as_str() {
            "announcement" => (
                self.announcements.get(&row.target_id).cloned().unwrap_or_else(|| format!("Announcement {}", row.target_id)),
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
        }
    }
}
