use sea_orm::entity::prelude::*;

/// One change to the directory by provisioning or by an administrator:
/// who was created, changed or deactivated, and by what. Never about comments.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provisioning_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    /// `scim` or `admin`.
    pub source: String,
    pub action: String,
    /// `user` or `group`.
    pub subject_kind: String,
    pub subject_id: Option<i32>,
    /// The person's name and address, or the list's name, when it happened.
    pub subject_name: String,
    /// Which fields changed (names only, never values).
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
