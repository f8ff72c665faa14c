use sea_orm::entity::prelude::*;

/// An address that receives signed JSON events.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub url: String,
    /// Hex; signs every delivery (HMAC-SHA256).
    pub secret: String,
    /// Comma-separated event names.
    pub events: String,
    pub active: bool,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
