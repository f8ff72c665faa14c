use sea_orm::entity::prelude::*;

/// `/s/{code}`: a short link for a social post, or an employee's share of
/// the link they came from (`parent_id`), which makes the share tree.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "short_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub announcement_id: Option<i32>,
    pub collateral_id: Option<i32>,
    pub channel: String,
    pub parent_id: Option<i32>,
    pub owner_user_id: Option<i32>,
    pub depth: i32,
    /// Where the link leads, fixed when it is made (never taken from a request).
    pub target: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
