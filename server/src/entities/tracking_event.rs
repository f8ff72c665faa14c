use sea_orm::entity::prelude::*;

/// A raw open, click, visit or view, kept as it happened. Nothing is ever
/// deleted for being automated: `automated`, `bot_reason` and `rule` say
/// why a report leaves it out of the human figures.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tracking_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub announcement_id: Option<i32>,
    pub collateral_id: Option<i32>,
    pub recipient_id: Option<i32>,
    /// The signed-in employee, for portal views and share visits only.
    pub user_id: Option<i32>,
    pub link_id: Option<i32>,
    pub short_link_id: Option<i32>,
    pub kind: String,
    pub channel: String,
    pub user_agent: String,
    pub ua_class: String,
    pub automated: bool,
    pub bot_reason: Option<String>,
    pub referrer_host: Option<String>,
    /// Keyed hash of the client address, rotated daily; never the address.
    pub visitor_hash: Option<String>,
    pub occurred_at: DateTimeUtc,
    /// The rule that classified it (see `tracking::rule`); none for a person,
    /// and for automated events stored before rules were recorded.
    pub rule: Option<crate::tracking::Rule>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
