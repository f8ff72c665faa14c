use sea_orm::entity::prelude::*;

/// One piece of the HR library. `tags` and the audience lists are stored as
/// newline-separated text so the same schema works on SQLite and PostgreSQL.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collateral")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub kind: String,
    pub category: String,
    pub tags: String,
    pub audience_departments: String,
    pub audience_locations: String,
    pub owner_id: i32,
    pub status: String,
    pub effective_date: Option<Date>,
    pub review_date: Option<Date>,
    pub external_url: Option<String>,
    pub version: i32,
    /// Times the item was opened from a spotlight.
    pub clicks: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Splits a stored newline-separated list.
pub fn split_list(stored: &str) -> Vec<String> {
    stored.lines().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

pub fn join_list(values: &[String]) -> String {
    values.join("\n")
}

impl Model {
    pub fn tag_list(&self) -> Vec<String> {
        split_list(&self.tags)
    }

    pub fn department_list(&self) -> Vec<String> {
        split_list(&self.audience_departments)
    }

    pub fn location_list(&self) -> Vec<String> {
        split_list(&self.audience_locations)
    }
}
