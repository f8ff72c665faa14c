use sea_orm::entity::prelude::*;

/// A featured piece of collateral, pinned to the version that was sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcement_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub announcement_id: i32,
    pub position: i32,
    pub collateral_id: i32,
    pub collateral_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
