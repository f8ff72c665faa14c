//! Leavers: a person deactivated by SCIM or by an administrator loses every
//! browser session and API token at once. Audiences already leave inactive
//! people out ("has left"), and so do the emails sent to individuals. Their
//! comments are not touched: named ones keep the name (shown as a former
//! employee), anonymous ones stay exactly as they were.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use super::provisioning::{self, Action, Source};
use crate::entities::user;
use crate::error::{AppError, Result};

/// What deactivating someone ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ended {
    pub sessions: u64,
    pub tokens: u64,
}

/// Deactivates `user_id` (if active) and ends their sessions and tokens; run
/// it inside the caller's transaction so that the change and its log agree.
/// `action` is [`Action::Deactivated`] or [`Action::Deleted`].
pub async fn deactivate(db: &impl ConnectionTrait, user_id: i32, source: Source, action: Action) -> Result<Ended> {
    let person = user::Entity::find_by_id(user_id).one(db).await?.ok_or(AppError::NotFound)?;
    let label = provisioning::person_label(&person);
    if person.active {
        let mut active: user::ActiveModel = person.into();
        active.active = Set(false);
        active.updated_at = Set(Utc::now());
        active.update(db).await?;
    }
    // Also when already inactive: a leaver must hold no credential whatever happened before.
    let ended = Ended {
        sessions: crate::auth::session::destroy_all_for_user(db, user_id).await?,
        tokens: crate::auth::tokens::revoke_all_for(db, user_id).await?,
    };
    provisioning::record(db, source, action, user_id, &label, "").await?;
    Ok(ended)
}

/// Lets a person back in (their old sessions and tokens stay ended).
pub async fn reactivate(db: &impl ConnectionTrait, user_id: i32, source: Source) -> Result<()> {
    let person = user::Entity::find_by_id(user_id).one(db).await?.ok_or(AppError::NotFound)?;
    if person.active {
        return Ok(());
    }
    let label = provisioning::person_label(&person);
    let mut active: user::ActiveModel = person.into();
    active.active = Set(true);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    provisioning::record(db, source, Action::Reactivated, user_id, &label, "").await
}

/// How a comment's named author is shown: a leaver keeps their name, marked.
pub fn author_name(person: &user::Model) -> String {
    if person.active {
        person.name.clone()
    } else {
        format!("{} (former employee)", person.name)
    }
}
