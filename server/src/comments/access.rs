//! Who may read and write which discussion. A thread is as visible as the
//! thing it is about: an announcement to the people it was sent to (and HR
//! staff), a library item to its audience once published, a private
//! question to its asker and HR staff. Anything else is "not found".

use crate::auth::{AuthSession, Role};
use crate::entities::comment;
use crate::error::{AppError, Result};
use crate::state::AppState;

use super::model::Target;

pub fn is_staff(auth: &AuthSession) -> bool {
    auth.role().allows(Role::HrStaff)
}

/// The title of what a discussion is about, when `auth` may read it.
pub async fn check_read(state: &AppState, auth: &AuthSession, target: Target) -> Result<String> {
    match target {
        Target::Announcement(id) => Ok(crate::spotlights::portal::readable(state, auth, id).await?.title),
        Target::Collateral(id) => {
            let item = crate::library::service::find_by_id(&state.db, id).await?;
            let published = item.status == crate::library::model::Status::Published.as_str();
            if published && crate::library::service::visible_to(&item, auth) { Ok(item.title) } else { Err(AppError::NotFound) }
        }
        Target::Hr => Ok("Questions to HR".into()),
    }
}

/// May `auth` see this comment's thread at all? (Private questions belong to their asker.)
pub async fn check_comment(state: &AppState, auth: &AuthSession, comment: &comment::Model) -> Result<Target> {
    let target = Target::of(comment).ok_or(AppError::NotFound)?;
    check_read(state, auth, target).await?;
    if target == Target::Hr && !is_staff(auth) {
        let root = super::service::root_of(&state.db, comment).await?;
        if root.author_id != Some(auth.user.id) {
            return Err(AppError::NotFound);
        }
    }
    Ok(target)
}

/// Where a discussion is read, for redirects and links in emails.
pub async fn thread_url(state: &AppState, target: Target) -> Result<String> {
    Ok(match target {
        Target::Announcement(id) => format!("/news/{id}"),
        Target::Collateral(id) => format!("/library/{}", crate::library::service::find_by_id(&state.db, id).await?.slug),
        Target::Hr => "/questions".into(),
    })
}
