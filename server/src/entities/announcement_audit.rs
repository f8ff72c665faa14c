use sea_orm::entity::prelude::*;

/// One step in a spotlight's life (submitted, approved, sent back, changed,
/// sent, cancelled) with who took it. Names HR staff only, never recipients.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcement_audit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub announcement_id: i32,
    /// `None` for steps Herald took itself (a scheduled start) or a deleted account.
    pub actor_id: Option<i32>,
    pub action: String,
    pub comment: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
