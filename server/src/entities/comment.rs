use sea_orm::entity::prelude::*;

/// A comment on an announcement or library item, a reply, or a private
/// question to HR. `id` is random (see docs/anonymity.md); an anonymous
/// comment has no `author_id` and a `created_at` at the start of its day.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// `announcement`, `collateral` or `hr` (a private question).
    pub target_kind: String,
    /// The announcement or collateral id; 0 for `hr`.
    pub target_id: i32,
    pub parent_id: Option<i32>,
    /// 0 for a comment, 1 for a reply, 2 for a reply to a reply.
    pub depth: i32,
    pub author_id: Option<i32>,
    pub anonymous: bool,
    /// Written by HR staff: an official answer.
    pub official: bool,
    pub is_question: bool,
    pub body: String,
    /// `visible`, `pending` (held for review), `hidden` or `deleted`.
    pub status: String,
    pub moderation_reason: Option<String>,
    /// The word-list entries that held the comment for review.
    pub flagged_words: Option<String>,
    pub sentiment: f64,
    pub sentiment_label: String,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    /// For questions: when HR first answered, and who.
    pub answered_at: Option<DateTimeUtc>,
    pub answered_by: Option<i32>,
    pub first_response_seconds: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
