//! Recording opens, clicks and spotlight visits, and the per-recipient
//! "first time" marks that HR sees as delivery statuses.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{collateral, recipient, tracking_event};
use crate::error::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Open,
    Click,
    /// The spotlight page itself.
    Visit,
    /// A featured item opened on the spotlight page.
    Asset,
    Download,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Open => "open",
            EventKind::Click => "click",
            EventKind::Visit => "visit",
            EventKind::Asset => "asset",
            EventKind::Download => "download",
        }
    }
}

pub struct Event<'a> {
    pub kind: EventKind,
    pub recipient: &'a recipient::Model,
    pub link_id: Option<i32>,
    pub collateral_id: Option<i32>,
    pub user_agent: &'a str,
}

/// Stores the event and sets the recipient's first-open/visit/click time.
/// Returns `true` when this was the recipient's first visit of the spotlight.
pub async fn record(db: &impl ConnectionTrait, event: Event<'_>) -> Result<bool> {
    let now = Utc::now();
    tracking_event::Entity::insert(tracking_event::ActiveModel {
        announcement_id: Set(event.recipient.announcement_id),
        recipient_id: Set(Some(event.recipient.id)),
        kind: Set(event.kind.as_str().into()),
        link_id: Set(event.link_id),
        collateral_id: Set(event.collateral_id),
        channel: Set("email".into()),
        user_agent: Set(event.user_agent.chars().take(300).collect()),
        occurred_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    if let (EventKind::Asset, Some(collateral_id)) = (event.kind, event.collateral_id) {
        count_open(db, collateral_id).await?;
    }
    let column = match event.kind {
        EventKind::Open => recipient::Column::FirstOpenedAt,
        EventKind::Click => recipient::Column::FirstClickedAt,
        EventKind::Visit | EventKind::Asset | EventKind::Download => recipient::Column::FirstVisitedAt,
    };
    // Conditional on the mark being empty, so only one request ever sees "first".
    let first = recipient::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(recipient::Column::Id.eq(event.recipient.id))
        .filter(column.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1;
    Ok(first && matches!(event.kind, EventKind::Visit | EventKind::Asset | EventKind::Download))
}

/// One more opening of a library item from a spotlight; the search index
/// follows through the change log, so the "most clicked" sort sees it.
async fn count_open(db: &impl ConnectionTrait, collateral_id: i32) -> Result<()> {
    collateral::Entity::update_many()
        .col_expr(collateral::Column::Clicks, Expr::col(collateral::Column::Clicks).add(1))
        .filter(collateral::Column::Id.eq(collateral_id))
        .exec(db)
        .await?;
    crate::library::service::record_change(db, collateral_id).await
}
