use sea_orm::entity::prelude::*;

/// An HR staff member who answers questions on one announcement, or on the
/// library items of one category.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "response_teams")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub announcement_id: Option<i32>,
    pub category: Option<String>,
    pub user_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
