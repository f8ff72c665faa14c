use sea_orm::entity::prelude::*;

/// A post HR wrote for one social channel, with its short link and, when
/// it was posted through a configured destination, what that answered.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "social_posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub announcement_id: i32,
    pub channel: String,
    pub body: String,
    pub short_link_id: i32,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub destination: Option<String>,
    pub posted_at: Option<DateTimeUtc>,
    pub post_status: Option<i32>,
    pub post_response: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
