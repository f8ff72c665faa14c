use sea_orm::entity::prelude::*;

/// One person an announcement was addressed to; skipped people carry the reason.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recipients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub announcement_id: i32,
    pub user_id: Option<i32>,
    pub email: String,
    pub name: String,
    pub department: String,
    pub location: String,
    pub skip_reason: Option<String>,
    pub first_opened_at: Option<DateTimeUtc>,
    pub first_visited_at: Option<DateTimeUtc>,
    pub first_clicked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
