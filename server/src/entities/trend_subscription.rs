use sea_orm::entity::prelude::*;

/// An HR lead who gets the hot-button trend report by email. One row per
/// person; no row means no email.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trend_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub user_id: i32,
    /// `week` or `month`.
    pub frequency: String,
    /// The first day (`YYYY-MM-DD`) of the last period whose report was
    /// queued; the scheduler claims a period by moving it forward.
    pub last_period: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
