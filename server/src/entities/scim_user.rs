use sea_orm::entity::prelude::*;

/// A person as the identity provider provisioned them: the SCIM resource
/// whose `id` is this row's id, linked to one Herald user.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scim_users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub user_id: i32,
    /// `userName` lower-cased: it is unique whatever its case.
    #[sea_orm(unique)]
    pub user_name_key: String,
    pub external_id: Option<String>,
    /// The resource's attributes as JSON (userName, name, emails, …, the
    /// enterprise extension); Herald's own columns are derived from them.
    pub attributes: String,
    /// Bumped on every write: the resource's ETag.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
