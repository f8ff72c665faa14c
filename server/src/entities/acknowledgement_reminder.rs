use sea_orm::entity::prelude::*;

/// One reminder (or escalation) step sent for one person: unique per
/// request, person and step, which is what sends each once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "acknowledgement_reminders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub user_id: i32,
    /// `every-1`, `every-2`, …, `before-due` or `escalation`.
    pub step: String,
    /// Who it went to: the person, or their manager for an escalation.
    pub to_email: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
