use sea_orm::entity::prelude::*;

/// One employee viewing one item in the portal on one day (the unique index
/// makes a second view that day a no-op).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portal_views")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// `announcement` or `collateral`.
    pub item_kind: String,
    pub item_id: i32,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
