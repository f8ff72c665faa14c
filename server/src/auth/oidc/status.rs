//! The provider's status for the identity settings page: whether discovery
//! answered, when the last sign-in through it succeeded, and the last error
//! in words. One row about the provider; nothing about who signed in.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};

use crate::entities::oidc_status;
use crate::error::Result;

const ROW: i32 = 1;

pub async fn read(db: &DatabaseConnection) -> Result<oidc_status::Model> {
    Ok(oidc_status::Entity::find_by_id(ROW).one(db).await?.unwrap_or(oidc_status::Model {
        id: ROW,
        discovery_reachable: false,
        discovery_checked_at: None,
        last_sign_in_at: None,
        last_error: None,
        last_error_at: None,
    }))
}

async fn update(db: &DatabaseConnection, change: impl FnOnce(&mut oidc_status::ActiveModel)) -> Result<()> {
    let existing = oidc_status::Entity::find_by_id(ROW).one(db).await?;
    let fresh = existing.is_none();
    let mut model = match existing {
        Some(row) => row.into_active_model(),
        None => oidc_status::ActiveModel { id: Set(ROW), discovery_reachable: Set(false), ..Default::default() },
    };
    change(&mut model);
    if fresh {
        // Two servers may create the row at once; the second one's insert fails harmlessly.
        if oidc_status::Entity::insert(model).exec(db).await.is_err() {
            tracing::debug!("identity provider status row created by another server");
        }
    } else {
        model.update(db).await?;
    }
    Ok(())
}

pub async fn discovery(db: &DatabaseConnection, reachable: bool, at: DateTime<Utc>) -> Result<()> {
    update(db, |row| {
        row.discovery_reachable = Set(reachable);
        row.discovery_checked_at = Set(Some(at));
    })
    .await
}

pub async fn signed_in(db: &DatabaseConnection, at: DateTime<Utc>) -> Result<()> {
    update(db, |row| {
        row.discovery_reachable = Set(true);
        row.last_sign_in_at = Set(Some(at));
    })
    .await
}

/// `message` is shown to admins: plain words, never a token or a person's claim.
pub async fn failed(db: &DatabaseConnection, message: &str, at: DateTime<Utc>) -> Result<()> {
    let message = crate::outbound::bounded_line(message);
    update(db, |row| {
        row.last_error = Set(Some(message));
        row.last_error_at = Set(Some(at));
    })
    .await
}
