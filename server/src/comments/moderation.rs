//! Moderation: whoever can read a discussion may report a comment in it;
//! HR staff approve what the word list held, hide a comment with a reason
//! its author reads, show it again, or dismiss its reports. Nothing is
//! deleted: a hidden comment keeps its text for HR and its author, and every
//! action goes to the moderation log HR leads read (`moderation_pages`).

use axum::extract::{Path, State};
use axum::response::Redirect;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Deserialize;

use super::model::{Status, Target};
use super::pages::back_with;
use super::service::find;
use crate::auth::extract::{CurrentUser, HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::{comment, comment_report, moderation_log};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::notice::{self, Notice};

/// Longest reason for a report or a moderation action, in characters.
pub const MAX_REASON: usize = 500;

/// What HR staff can do to a comment; the name is what the log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Hide,
    Unhide,
    Approve,
    Dismiss,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Hide => "hide",
            Action::Unhide => "unhide",
            Action::Approve => "approve",
            Action::Dismiss => "dismiss",
        }
    }

    /// The status the comment gets; `None` leaves it as it is.
    fn new_status(self) -> Option<Status> {
        match self {
            Action::Hide => Some(Status::Hidden),
            Action::Unhide | Action::Approve => Some(Status::Visible),
            Action::Dismiss => None,
        }
    }

    /// Why the action does not apply to a comment in `status`, if it does not.
    fn refusal(self, status: Status) -> Option<&'static str> {
        match (self, status) {
            (Action::Hide, Status::Deleted) => Some("Its author deleted this comment; there is nothing left to hide."),
            (Action::Approve, Status::Visible | Status::Hidden | Status::Deleted) => Some("This comment is not waiting for review."),
            (Action::Unhide, Status::Visible | Status::Pending | Status::Deleted) => Some("This comment is not hidden."),
            _ => None,
        }
    }
}

/// A reason as stored: trimmed, at most [`MAX_REASON`] characters, and present when `required`.
pub fn clean_reason(raw: &str, required: bool) -> Result<String> {
    let reason = raw.trim();
    if required && reason.is_empty() {
        return Err(AppError::Unprocessable("Give a reason.".into()));
    }
    let length = reason.chars().count();
    if length > MAX_REASON {
        return Err(AppError::Unprocessable(format!("Reasons are limited to {MAX_REASON} characters; this one has {length}.")));
    }
    Ok(reason.to_owned())
}

/// Files `auth`'s report on comment `id`. A second report by the same person
/// while the first is open changes nothing.
pub async fn report(state: &AppState, auth: &AuthSession, id: i32, reason: &str) -> Result<comment::Model> {
    let comment = find(&state.db, id).await?;
    super::access::check_comment(state, auth, &comment).await?;
    if comment.author_id == Some(auth.user.id) {
        return Err(AppError::Unprocessable("You cannot report your own comment; edit or delete it instead.".into()));
    }
    if Status::parse(&comment.status) != Status::Visible {
        return Err(AppError::Unprocessable("This comment is not shown any more, so there is nothing to report.".into()));
    }
    let reason = clean_reason(reason, true)?;
    let open = comment_report::Entity::find()
        .filter(comment_report::Column::CommentId.eq(id))
        .filter(comment_report::Column::ReporterId.eq(auth.user.id))
        .filter(comment_report::Column::ResolvedAt.is_null())
        .one(&state.db)
        .await?;
    if open.is_none() {
        comment_report::Entity::insert(comment_report::ActiveModel {
            comment_id: Set(id),
            reporter_id: Set(auth.user.id),
            reason: Set(reason),
            created_at: Set(Utc::now()),
            resolved_at: Set(None),
            ..Default::default()
        })
        .exec_without_returning(&state.db)
        .await?;
    }
    Ok(comment)
}

/// Applies `action` to comment `id` for HR staff member `actor`: the new
/// status, the open reports resolved (except on unhide) and one log row, in
/// one transaction. Repeating an action that is already done is a no-op.
pub async fn moderate(state: &AppState, actor: &AuthSession, id: i32, action: Action, reason: &str) -> Result<comment::Model> {
    let reason = clean_reason(reason, action == Action::Hide)?;
    let comment = find(&state.db, id).await?;
    let status = Status::parse(&comment.status);
    if action.new_status() == Some(status) {
        return Ok(comment);
    }
    if let Some(refusal) = action.refusal(status) {
        return Err(AppError::Unprocessable(refusal.into()));
    }
    let now = Utc::now();
    let txn = state.db.begin().await?;
    if let Some(new_status) = action.new_status() {
        let moderation_reason = (action == Action::Hide).then(|| reason.clone());
        // Only from the status read above: of two moderators racing, one changes it.
        let changed = comment::Entity::update_many()
            .col_expr(comment::Column::Status, Expr::value(new_status.as_str()))
            .col_expr(comment::Column::ModerationReason, Expr::value(moderation_reason))
            .filter(comment::Column::Id.eq(id))
            .filter(comment::Column::Status.eq(status.as_str()))
            .exec(&txn)
            .await?;
        if changed.rows_affected == 0 {
            return Err(AppError::Conflict("Someone changed this comment a moment ago. Reload the page to see it as it is now.".into()));
        }
    }
    let resolved = if action == Action::Unhide {
        0
    } else {
        comment_report::Entity::update_many()
            .col_expr(comment_report::Column::ResolvedAt, Expr::value(now))
            .filter(comment_report::Column::CommentId.eq(id))
            .filter(comment_report::Column::ResolvedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected
    };
    if action == Action::Dismiss && resolved == 0 {
        return Ok(comment);
    }
    moderation_log::Entity::insert(moderation_log::ActiveModel {
        actor_id: Set(actor.user.id),
        action: Set(action.as_str().into()),
        comment_id: Set(id),
        reason: Set(reason.clone()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    let updated = find(&state.db, id).await?;
    tell_author(state, &updated, action, &reason).await?;
    if action == Action::Approve && !updated.anonymous {
        // Held comments were not announced to webhook subscribers when posted.
        super::service::announce(&state.db, &updated).await?;
    }
    Ok(updated)
}

/// A named author hears that HR hid or approved their comment. Anonymous
/// authors cannot be told: nobody knows who they are.
async fn tell_author(state: &AppState, comment: &comment::Model, action: Action, reason: &str) -> Result<()> {
    let Some(author) = comment.author_id.filter(|_| !comment.anonymous) else { return Ok(()) };
    let message = match action {
        Action::Hide => format!("HR hid your comment: {reason}"),
        Action::Approve => "HR approved your comment; everyone in the discussion can see it now.".to_owned(),
        Action::Unhide | Action::Dismiss => return Ok(()),
    };
    let target = Target::of(comment).ok_or(AppError::NotFound)?;
    let url = super::access::thread_url(state, target).await?;
    crate::notifications::notify(&state.db, author, &message, &format!("{url}#c-{}", comment.id)).await
}

#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
    /// `queue` when the form is on the moderation queue, which is where to go back to.
    #[serde(default)]
    from: String,
}

pub async fn report_form(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ReasonForm>) -> Result<Redirect> {
    let comment = report(&state, &auth, id, &form.reason).await?;
    back_with(&state, &comment, Notice::ReportSent).await
}

async fn act(state: AppState, user: Require<HrStaff>, id: i32, action: Action, form: ReasonForm) -> Result<Redirect> {
    let comment = moderate(&state, user.user(), id, action, &form.reason).await?;
    let done = match action {
        Action::Hide => Notice::CommentHidden,
        Action::Unhide => Notice::CommentShown,
        Action::Approve => Notice::CommentApproved,
        Action::Dismiss => Notice::ReportDismissed,
    };
    if form.from == "queue" {
        return Ok(notice::redirect("/moderation", done));
    }
    back_with(&state, &comment, done).await
}

pub async fn hide(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ReasonForm>) -> Result<Redirect> {
    act(state, user, id, Action::Hide, form).await
}

pub async fn unhide(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ReasonForm>) -> Result<Redirect> {
    act(state, user, id, Action::Unhide, form).await
}

pub async fn approve(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ReasonForm>) -> Result<Redirect> {
    act(state, user, id, Action::Approve, form).await
}

pub async fn dismiss(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ReasonForm>) -> Result<Redirect> {
    act(state, user, id, Action::Dismiss, form).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_bounded_and_required_where_asked() {
        assert_eq!(clean_reason("  Insult  ", true).unwrap(), "Insult");
        assert!(clean_reason("   ", true).is_err());
        assert_eq!(clean_reason("", false).unwrap(), "");
        assert!(clean_reason(&"é".repeat(MAX_REASON), true).is_ok());
        assert!(clean_reason(&"é".repeat(MAX_REASON + 1), true).is_err());
    }

    #[test]
    fn actions_apply_only_where_they_make_sense() {
        assert!(Action::Hide.refusal(Status::Pending).is_none());
        assert!(Action::Hide.refusal(Status::Deleted).is_some());
        assert!(Action::Approve.refusal(Status::Hidden).is_some());
        assert!(Action::Unhide.refusal(Status::Visible).is_some());
        assert!(Action::Dismiss.refusal(Status::Deleted).is_none());
    }
}
