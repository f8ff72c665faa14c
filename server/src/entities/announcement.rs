use sea_orm::entity::prelude::*;

/// A spotlight: what HR sends, to whom, and where it stands. `audience` is JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    pub subject: String,
    pub template_id: i32,
    pub message: String,
    pub audience: String,
    pub status: String,
    pub notify_on_open: bool,
    pub created_by: i32,
    pub scheduled_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Where it stands with its approver: see `spotlights::review::Review`.
    pub review: String,
    /// While "Send" can still be undone: the moment it starts.
    pub countdown_until: Option<DateTimeUtc>,
    /// When each recipient gets it (JSON `spotlights::window::SendWindow`); `None`: at once.
    pub send_window: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
