use sea_orm::entity::prelude::*;

/// One person a request asks, as they were when it was sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "acknowledgement_people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub user_id: i32,
    /// Their row in the announcement's recipients: it signs their email link.
    pub recipient_id: i32,
    pub name: String,
    pub email: String,
    pub department: String,
    pub location: String,
    pub manager_email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
