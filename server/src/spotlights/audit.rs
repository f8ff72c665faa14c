//! A spotlight's audit trail: who created, changed, submitted, approved,
//! sent back or sent it, and when. Owner of `announcement_audit`.
//! It names HR staff only; recipients never appear in it.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{announcement_audit, user};
use crate::error::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    Created,
    Changed,
    Submitted,
    Approved,
    Returned,
    /// A change after submission or approval took the approval back.
    Withdrawn,
    Scheduled,
    /// "Send" started its undo window.
    Countdown,
    /// Called off within the undo window.
    Undone,
    Sent,
    /// A test email to oneself ("since its last change" on the pre-flight list).
    TestSent,
    /// Submitted or sent despite broken links or unfilled placeholders ("Send anyway").
    Overridden,
}

impl AuditAction {
    const ALL: [AuditAction; 12] = [
        AuditAction::Created,
        AuditAction::Changed,
        AuditAction::Submitted,
        AuditAction::Approved,
        AuditAction::Returned,
        AuditAction::Withdrawn,
        AuditAction::Scheduled,
        AuditAction::Countdown,
        AuditAction::Undone,
        AuditAction::Sent,
        AuditAction::TestSent,
        AuditAction::Overridden,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Created => "created",
            AuditAction::Changed => "changed",
            AuditAction::Submitted => "submitted",
            AuditAction::Approved => "approved",
            AuditAction::Returned => "returned",
            AuditAction::Withdrawn => "approval_withdrawn",
            AuditAction::Scheduled => "scheduled",
            AuditAction::Countdown => "send_pressed",
            AuditAction::Undone => "send_undone",
            AuditAction::Sent => "sent",
            AuditAction::TestSent => "test_sent",
            AuditAction::Overridden => "checks_overridden",
        }
    }

    pub fn parse(value: &str) -> Result<AuditAction> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == value)
            .ok_or_else(|| anyhow::anyhow!("unknown audit action {value:?} stored").into())
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Created => "Created",
            AuditAction::Changed => "Changed",
            AuditAction::Submitted => "Submitted for approval",
            AuditAction::Approved => "Approved",
            AuditAction::Returned => "Sent back",
            AuditAction::Withdrawn => "Approval withdrawn",
            AuditAction::Scheduled => "Scheduled",
            AuditAction::Countdown => "Send pressed (undo window)",
            AuditAction::Undone => "Send undone",
            AuditAction::Sent => "Sending started",
            AuditAction::TestSent => "Test email sent",
            AuditAction::Overridden => "Sent on despite the checks",
        }
    }
}

pub async fn record(db: &impl ConnectionTrait, announcement_id: i32, actor: Option<i32>, action: AuditAction, comment: &str) -> Result<()> {
    announcement_audit::Entity::insert(announcement_audit::ActiveModel {
        announcement_id: Set(announcement_id),
        actor_id: Set(actor),
        action: Set(action.as_str().into()),
        comment: Set(comment.chars().take(2000).collect()),
        at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// One step as HR sees it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The person's name; "Herald" for a step it took itself.
    pub who: String,
    #[serde(skip)]
    pub actor_id: Option<i32>,
    /// created, changed, submitted, approved, returned, approval_withdrawn,
    /// scheduled, send_pressed, send_undone, sent, test_sent or checks_overridden.
    pub action: String,
    pub label: String,
    pub comment: String,
}

/// The trail, oldest first.
pub async fn trail(db: &impl ConnectionTrait, announcement_id: i32) -> Result<Vec<AuditEntry>> {
    let rows = announcement_audit::Entity::find()
        .filter(announcement_audit::Column::AnnouncementId.eq(announcement_id))
        .order_by_asc(announcement_audit::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    let names: std::collections::HashMap<i32, String> =
        user::Entity::find().filter(user::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    rows.into_iter()
        .map(|row| {
            let action = AuditAction::parse(&row.action)?;
            let who = match row.actor_id {
                Some(id) => names.get(&id).cloned().unwrap_or_else(|| "(deleted account)".into()),
                None => "Herald".into(),
            };
            Ok(AuditEntry { at: row.at, who, actor_id: row.actor_id, action: action.as_str().into(), label: action.label().into(), comment: row.comment })
        })
        .collect()
}

/// The last person who took `action`, if anyone did.
pub async fn last_actor(db: &impl ConnectionTrait, announcement_id: i32, action: AuditAction) -> Result<Option<i32>> {
    Ok(announcement_audit::Entity::find()
        .filter(announcement_audit::Column::AnnouncementId.eq(announcement_id))
        .filter(announcement_audit::Column::Action.eq(action.as_str()))
        .order_by_desc(announcement_audit::Column::Id)
        .one(db)
        .await?
        .and_then(|row| row.actor_id))
}
