use sea_orm::entity::prelude::*;

/// A link target of an announcement; tracked links name it by id, so a click can only lead where HR pointed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcement_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub announcement_id: i32,
    pub url: String,
    pub collateral_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
