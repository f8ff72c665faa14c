//! Invitations: an administrator (or `herald invite`) sends people a link
//! that signs them in, through the durable outbox. Each request is a batch;
//! its progress is read from the outbox. Nobody is invited twice while an
//! earlier invitation of theirs still works, so a double click (or running
//! the command again) queues nothing more.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement, TransactionTrait,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::store;
use crate::config::Config;
use crate::entities::sign_in_link::{self, Purpose};
use crate::entities::{invitation_batch, user};
use crate::error::{AppError, Result};

/// Whom to invite.
#[derive(Clone, Debug)]
pub enum Invitees {
    Emails(Vec<String>),
    Users(Vec<i32>),
    /// Everyone active without a password who never signed in.
    AllPending,
}

/// One invitation request with its delivery progress.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InvitationBatch {
    pub id: i32,
    pub created_at: DateTime<Utc>,
    /// People the request named (all pending people, for "everyone").
    pub requested: i32,
    /// Invitations queued by this request.
    pub invited: i32,
    /// Left out: they hold an earlier invitation that still works.
    pub already_invited: i32,
    /// Left out: unknown addresses and inactive accounts.
    pub not_invitable: i32,
    pub delivery: InvitationDelivery,
    /// Invitations used to sign in.
    pub accepted: u64,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct InvitationDelivery {
    /// Waiting in the outbox or being sent.
    pub queued: u64,
    pub sent: u64,
    /// Failed for good, bounced or cancelled.
    pub failed: u64,
}

/// One request at a time on this server: two clicks at once must not both
/// find someone uninvited and both invite them.
static INVITING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How many people "Invite everyone without access" would invite now.
pub async fn pending_count(db: &DatabaseConnection) -> Result<u64> {
    Ok(user::Entity::find().filter(store::pending_condition()).count(db).await?)
}

async fn people(db: &DatabaseConnection, invitees: &Invitees) -> Result<(i32, Vec<user::Model>, i32)> {
    let mut unknown = 0;
    let found: Vec<user::Model> = match invitees {
        Invitees::AllPending => user::Entity::find().filter(store::pending_condition()).order_by_asc(user::Column::Id).all(db).await?,
        Invitees::Users(ids) => {
            let mut rows = Vec::new();
            for chunk in ids.chunks(500) {
                rows.extend(user::Entity::find().filter(user::Column::Id.is_in(chunk.to_vec())).all(db).await?);
            }
            unknown += (ids.iter().collect::<std::collections::BTreeSet<_>>().len() - rows.len()) as i32;
            rows
        }
        Invitees::Emails(emails) => {
            let mut rows = Vec::new();
            for email in emails {
                match crate::users::service::find_by_email(db, email).await? {
                    Some(person) => rows.push(person),
                    None => unknown += 1,
                }
            }
            rows
        }
    };
    let mut unique: BTreeMap<i32, user::Model> = BTreeMap::new();
    for person in found {
        unique.insert(person.id, person);
    }
    let requested = unique.len() as i32 + unknown;
    Ok((requested, unique.into_values().collect(), unknown))
}

/// Queues one invitation for each person named who has none that still works.
pub async fn invite(db: &DatabaseConnection, config: &Config, by: Option<i32>, invitees: Invitees) -> Result<InvitationBatch> {
    let _one_at_a_time = INVITING.lock().await;
    let now = config.clock.now();
    let (requested, people, unknown) = people(db, &invitees).await?;
    if requested == 0 && !matches!(invitees, Invitees::AllPending) {
        return Err(AppError::Unprocessable("Name at least one person to invite.".into()));
    }
    let (active, inactive): (Vec<_>, Vec<_>) = people.into_iter().partition(|person| person.active);
    let ids: Vec<i32> = active.iter().map(|person| person.id).collect();
    let live = store::with_live_invitation(db, now, &ids).await?;
    let (already, fresh): (Vec<_>, Vec<_>) = active.into_iter().partition(|person| live.contains(&person.id));
    let txn = db.begin().await?;
    let batch = invitation_batch::ActiveModel {
        created_by: Set(by),
        requested: Set(requested),
        queued: Set(fresh.len() as i32),
        already_invited: Set(already.len() as i32),
        not_invitable: Set(unknown + inactive.len() as i32),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for person in &fresh {
        store::issue(&txn, config, person, Purpose::Invitation, None, Some(batch.id)).await?;
    }
    txn.commit().await?;
    tracing::info!(batch = batch.id, invited = fresh.len(), already_invited = already.len(), "invitations queued");
    view(db, batch).await
}

/// Invites one person again: their invitations that still work stop working
/// and a new one is queued (the person lost the email, or it went to spam).
pub async fn reinvite(db: &DatabaseConnection, config: &Config, by: Option<i32>, user_id: i32) -> Result<InvitationBatch> {
    let person = user::Entity::find_by_id(user_id).one(db).await?.ok_or(AppError::NotFound)?;
    if !person.active {
        return Err(AppError::Unprocessable(format!("{} is deactivated: reactivate them before inviting them.", person.name)));
    }
    store::withdraw_invitations(db, config.clock.now(), user_id).await?;
    invite(db, config, by, Invitees::Users(vec![user_id])).await
}

/// Where people stand with access, for the users page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Signed in before, or holds a password or single sign-on.
    Active,
    /// Holds an invitation that still works.
    Invited,
    /// Never signed in and holds no working invitation.
    NotInvited,
    Deactivated,
}

impl Access {
    pub fn label(self) -> &'static str {
        match self {
            Access::Active => "Active",
            Access::Invited => "Invited",
            Access::NotInvited => "Not invited yet",
            Access::Deactivated => "Deactivated",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Access::Active => "active",
            Access::Invited => "invited",
            Access::NotInvited => "not-invited",
            Access::Deactivated => "deactivated",
        }
    }
}

/// The access of each of `people`.
pub async fn access_of(db: &DatabaseConnection, now: DateTime<Utc>, people: &[user::Model]) -> Result<std::collections::HashMap<i32, Access>> {
    let ids: Vec<i32> = people.iter().map(|person| person.id).collect();
    let pending = store::pending_among(db, &ids).await?;
    let live = store::with_live_invitation(db, now, &ids).await?;
    Ok(people
        .iter()
        .map(|person| {
            let access = if !person.active {
                Access::Deactivated
            } else if !pending.contains(&person.id) {
                Access::Active
            } else if live.contains(&person.id) {
                Access::Invited
            } else {
                Access::NotInvited
            };
            (person.id, access)
        })
        .collect())
}

pub async fn find(db: &DatabaseConnection, id: i32) -> Result<InvitationBatch> {
    let batch = invitation_batch::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    view(db, batch).await
}

/// The latest requests, newest first.
pub async fn recent(db: &DatabaseConnection, limit: u64) -> Result<Vec<InvitationBatch>> {
    let batches = invitation_batch::Entity::find().order_by_desc(invitation_batch::Column::Id).limit(limit).all(db).await?;
    let mut views = Vec::with_capacity(batches.len());
    for batch in batches {
        views.push(view(db, batch).await?);
    }
    Ok(views)
}

async fn view(db: &DatabaseConnection, batch: invitation_batch::Model) -> Result<InvitationBatch> {
    let accepted = sign_in_link::Entity::find()
        .filter(sign_in_link::Column::BatchId.eq(batch.id))
        .filter(sign_in_link::Column::Used.eq(true))
        .count(db)
        .await?;
    Ok(InvitationBatch {
        id: batch.id,
        created_at: batch.created_at,
        requested: batch.requested,
        invited: batch.queued,
        already_invited: batch.already_invited,
        not_invitable: batch.not_invitable,
        delivery: delivery(db, batch.id).await?,
        accepted,
    })
}

/// The outbox statuses of a batch's messages, as queued / sent / failed.
async fn delivery(db: &DatabaseConnection, batch_id: i32) -> Result<InvitationDelivery> {
    let backend = db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres { "$1" } else { "?" };
    let sql = format!(
        "SELECT o.status AS status, COUNT(*) AS n FROM sign_in_links l JOIN outbox o ON o.message_id = l.message_id \
         WHERE l.batch_id = {placeholder} GROUP BY o.status"
    );
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, [batch_id.into()])).await?;
    let mut delivery = InvitationDelivery::default();
    for row in rows {
        let status: String = row.try_get("", "status")?;
        let n = row.try_get::<i64>("", "n")? as u64;
        match status.as_str() {
            pending if crate::delivery::outbox::PENDING.contains(&pending) => delivery.queued += n,
            "sent" => delivery.sent += n,
            _ => delivery.failed += n,
        }
    }
    Ok(delivery)
}
