use sea_orm::entity::prelude::*;

/// Appended on every change to an item; each server's indexer follows it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collateral_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub collateral_id: i32,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
