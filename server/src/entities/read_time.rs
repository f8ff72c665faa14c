use sea_orm::entity::prelude::*;

/// How long one employee read one item in the portal on one day: the
/// longest visible stretch the page's beacon reported (the unique index
/// keeps one row, and an update keeps the larger figure).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "read_times")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// `announcement` or `collateral`.
    pub item_kind: String,
    pub item_id: i32,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Whole seconds the page was visible, at most an hour.
    pub seconds: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
