use sea_orm::entity::prelude::*;

/// A saved state of a collateral item. Version 1 is the first save; the
/// item's `version` column names the newest.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collateral_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub collateral_id: i32,
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: String,
    pub status: String,
    pub edited_by: i32,
    pub edited_at: DateTimeUtc,
    pub change_note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
