use sea_orm::entity::prelude::*;

/// Where a request stands. A draft has sent nothing; an open request asks
/// and reminds; a closed one (superseded by a new version's request, or
/// closed by HR) keeps its evidence and reminds no one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum RequestStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "closed")]
    Closed,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Draft => "draft",
            RequestStatus::Open => "open",
            RequestStatus::Closed => "closed",
        }
    }
}

/// HR asking an audience to confirm that they read one version of a library item by a date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "acknowledgement_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub collateral_id: i32,
    /// The item's version people confirm.
    pub collateral_version: i32,
    /// SHA-256 (hex) of that version's stored body text.
    pub text_sha256: String,
    /// The announcement ("Please read and confirm") that carries the request.
    pub announcement_id: Option<i32>,
    /// The audience, as JSON in the announcements' shape.
    pub audience: String,
    pub due_date: Date,
    /// What people confirm, e.g. "I have read and understood … version 4".
    pub statement: String,
    /// An optional question people may answer when they confirm; empty: none.
    pub question: String,
    pub status: RequestStatus,
    /// The request for an earlier version that this one asks again.
    pub supersedes_id: Option<i32>,
    /// A reminder every this many days after sending; 0: none.
    pub remind_every_days: i32,
    /// A reminder this many days before the due date; 0: none.
    pub remind_days_before: i32,
    /// After the due date, the person's manager is told once.
    pub escalate_to_manager: bool,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
