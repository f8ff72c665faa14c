//! The provisioning log: who was created, changed or deactivated in the
//! directory, and by what (SCIM or an administrator). It records directory
//! changes only — never anything about comments, which stay unlinkable.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, QuerySelect, Set};

use crate::entities::{provisioning_event, user};
use crate::error::{AppError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Scim,
    Admin,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Scim => "scim",
            Source::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Scim => "SCIM",
            Source::Admin => "Administrator",
        }
    }

    fn parse(value: &str) -> Result<Self> {
        match value {
            "scim" => Ok(Source::Scim),
            "admin" => Ok(Source::Admin),
            other => Err(AppError::Internal(anyhow::anyhow!("unknown provisioning source {other:?}"))),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Created,
    /// An existing person (imported or created by hand) taken over by SCIM.
    Linked,
    Changed,
    Deactivated,
    Reactivated,
    /// Deleted at the identity provider: deactivated and no longer a SCIM resource.
    Deleted,
    GroupCreated,
    GroupChanged,
    GroupDeleted,
}

impl Action {
    const ALL: [Action; 9] = [
        Action::Created,
        Action::Linked,
        Action::Changed,
        Action::Deactivated,
        Action::Reactivated,
        Action::Deleted,
        Action::GroupCreated,
        Action::GroupChanged,
        Action::GroupDeleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Linked => "linked",
            Action::Changed => "changed",
            Action::Deactivated => "deactivated",
            Action::Reactivated => "reactivated",
            Action::Deleted => "deleted",
            Action::GroupCreated => "group_created",
            Action::GroupChanged => "group_changed",
            Action::GroupDeleted => "group_deleted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Linked => "linked to the identity provider",
            Action::Changed => "changed",
            Action::Deactivated => "deactivated",
            Action::Reactivated => "reactivated",
            Action::Deleted => "deleted at the identity provider (deactivated)",
            Action::GroupCreated => "list created",
            Action::GroupChanged => "list changed",
            Action::GroupDeleted => "list deleted",
        }
    }

    fn parse(value: &str) -> Result<Self> {
        Action::ALL
            .into_iter()
            .find(|action| action.as_str() == value)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown provisioning action {value:?}")))
    }

    fn subject_kind(self) -> &'static str {
        match self {
            Action::GroupCreated | Action::GroupChanged | Action::GroupDeleted => "group",
            _ => "user",
        }
    }
}

/// How a person is named in the log: as they were when it happened.
pub fn person_label(person: &user::Model) -> String {
    format!("{} <{}>", person.name, person.email)
}

/// Writes one event. `detail` names what changed (field names, not values).
pub async fn record(db: &impl ConnectionTrait, source: Source, action: Action, subject_id: i32, subject: &str, detail: &str) -> Result<()> {
    provisioning_event::ActiveModel {
        at: Set(Utc::now()),
        source: Set(source.as_str().to_owned()),
        action: Set(action.as_str().to_owned()),
        subject_kind: Set(action.subject_kind().to_owned()),
        subject_id: Set(Some(subject_id)),
        subject_name: Set(subject.to_owned()),
        detail: Set(detail.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One line of the log, parsed.
#[derive(Clone, Debug)]
pub struct Event {
    pub at: chrono::DateTime<Utc>,
    pub source: Source,
    pub action: Action,
    pub subject: String,
    pub detail: String,
}

/// The latest `limit` events, newest first.
pub async fn recent(db: &DatabaseConnection, limit: u64) -> Result<Vec<Event>> {
    let rows = provisioning_event::Entity::find()
        .order_by_desc(provisioning_event::Column::At)
        .order_by_desc(provisioning_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Event { at: row.at, source: Source::parse(&row.source)?, action: Action::parse(&row.action)?, subject: row.subject_name, detail: row.detail })
        })
        .collect()
}
