use sea_orm::entity::prelude::*;

/// The time zone and working hours of a directory location (users' `location`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "location_hours")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub location: String,
    /// An IANA name such as `Europe/Lisbon`.
    pub time_zone: String,
    /// Minutes after local midnight when the working day starts and ends.
    pub start_minute: i32,
    pub end_minute: i32,
    /// Working days, Monday first: `1111100` is Monday to Friday.
    pub weekdays: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
