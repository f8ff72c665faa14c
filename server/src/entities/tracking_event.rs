use sea_orm::entity::prelude::*;

/// A raw open, click or visit, kept as it happened.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tracking_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub announcement_id: i32,
    pub recipient_id: Option<i32>,
    pub kind: String,
    pub link_id: Option<i32>,
    pub collateral_id: Option<i32>,
    pub channel: String,
    pub user_agent: String,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
