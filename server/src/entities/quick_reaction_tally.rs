use sea_orm::entity::prelude::*;

/// How many people chose one face (1 = very unhappy … 5 = very happy) for
/// one announcement on one day. Votes are counted, never stored one by one;
/// a cell is named by what it counts, with no sequential id (see
/// `comments::feelings` and docs/anonymity.md).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quick_reaction_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub announcement_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub score: i32,
    pub votes: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
