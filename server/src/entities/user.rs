use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub department: String,
    pub location: String,
    pub manager_email: Option<String>,
    pub role: String,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub active: bool,
    /// Hard bounces recorded for this address; the directory flags it from two on.
    pub hard_bounces: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
