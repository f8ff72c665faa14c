use sea_orm::entity::prelude::*;

/// One "Invite" an administrator made: how many people it asked for and
/// what became of them. Delivery progress is read from the outbox.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The administrator who asked; `None` from the command line.
    pub created_by: Option<i32>,
    pub requested: i32,
    pub queued: i32,
    /// Already holding an unused, unexpired invitation: not invited twice.
    pub already_invited: i32,
    /// Unknown addresses and inactive accounts.
    pub not_invitable: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
