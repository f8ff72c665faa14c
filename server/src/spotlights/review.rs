//! A spotlight's way past its approver: HR staff submit it, an approver
//! (never its author or submitter) approves it or sends it back with a
//! comment, and any change afterwards withdraws the approval. Sending checks
//! here, in its own transaction, so no path (page, API token, scheduler) skips it.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::approval::{self, ApprovalPolicy};
use super::audit::{self, AuditAction};
use super::model::Status;
use super::service::{audience_of, find};
use crate::entities::{announcement, user};
use crate::error::{AppError, Result};

/// Where a spotlight stands with its approver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Review {
    /// Not submitted (or its approval was withdrawn by a change).
    None,
    Pending,
    Approved,
    /// Sent back by the approver, with a comment in the audit trail.
    Returned,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Review::None => "none",
            Review::Pending => "pending",
            Review::Approved => "approved",
            Review::Returned => "returned",
        }
    }

    pub fn parse(value: &str) -> Result<Review> {
        [Review::None, Review::Pending, Review::Approved, Review::Returned]
            .into_iter()
            .find(|r| r.as_str() == value)
            .ok_or_else(|| anyhow::anyhow!("unknown review state {value:?} stored").into())
    }

    pub fn of(model: &announcement::Model) -> Result<Review> {
        Review::parse(&model.review)
    }
}

/// Whether the spotlight needs approval under `policy`, for the audience as it resolves now.
pub async fn needs_approval(db: &impl ConnectionTrait, policy: &ApprovalPolicy, model: &announcement::Model) -> Result<bool> {
    let audience = audience_of(model);
    let count = match policy.rule {
        approval::ApprovalRule::Over(_) => super::audience::resolve(db, &audience).await?.recipients.len() as u64,
        _ => 0,
    };
    Ok(policy.rule.requires(&audience, count))
}

/// Moves the review state from one of `from` to `to`; false when it was in none of them.
async fn move_review(db: &impl ConnectionTrait, id: i32, from: &[Review], to: Review) -> Result<bool> {
    let result = announcement::Entity::update_many()
        .col_expr(announcement::Column::Review, Expr::value(to.as_str()))
        .filter(announcement::Column::Id.eq(id))
        .filter(announcement::Column::Review.is_in(from.iter().map(|r| r.as_str())))
        .filter(announcement::Column::Status.is_in([Status::Draft.as_str(), Status::Scheduled.as_str()]))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// HR staff ask for approval; the approvers are told on their home page and by email.
pub async fn submit(db: &DatabaseConnection, id: i32, by: &user::Model, host: &str, base: &str) -> Result<()> {
    let model = find(db, id).await?;
    let policy = approval::policy(db).await?;
    if !Status::parse(&model.status).is_editable() {
        return Err(AppError::Conflict("This spotlight has been sent; there is nothing left to approve.".into()));
    }
    if !needs_approval(db, &policy, &model).await? {
        return Err(AppError::Conflict(format!("This spotlight does not need approval: {}", policy.rule.describe())));
    }
    let approvers = approval::approvers_for(db, &policy.approvers, model.created_by).await?;
    let approvers: Vec<_> = approvers.into_iter().filter(|a| a.id != by.id).collect();
    if approvers.is_empty() {
        return Err(AppError::Conflict(format!("Nobody can approve this spotlight: approvers are {}, and its author cannot approve it.", policy.approvers.describe())));
    }
    let txn = db.begin().await?;
    if !move_review(&txn, id, &[Review::None, Review::Returned], Review::Pending).await? {
        return Err(AppError::Conflict("This spotlight is already waiting for approval or approved.".into()));
    }
    audit::record(&txn, id, Some(by.id), AuditAction::Submitted, "").await?;
    let text = format!("{} asks you to approve the spotlight “{}”.", by.name, model.title);
    let url = format!("/spotlights/{id}/review");
    for approver in &approvers {
        tell(&txn, approver, &text, &url, host, base).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An approver's yes. Refused to the author and to whoever submitted it.
pub async fn approve(db: &DatabaseConnection, id: i32, by: &user::Model, comment: &str, host: &str, base: &str) -> Result<()> {
    let model = may_decide(db, id, by).await?;
    let txn = db.begin().await?;
    if !move_review(&txn, id, &[Review::Pending], Review::Approved).await? {
        return Err(AppError::Conflict("This spotlight is not waiting for approval (it may have changed since it was submitted).".into()));
    }
    audit::record(&txn, id, Some(by.id), AuditAction::Approved, comment.trim()).await?;
    if let Some(author) = user::Entity::find_by_id(model.created_by).one(&txn).await? {
        let text = format!("{} approved your spotlight “{}”. It can be sent now.", by.name, model.title);
        tell(&txn, &author, &text, &format!("/spotlights/{id}"), host, base).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An approver sends it back; the comment says why.
pub async fn reject(db: &DatabaseConnection, id: i32, by: &user::Model, comment: &str, host: &str, base: &str) -> Result<()> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(AppError::Unprocessable("Say what needs to change: a comment is required to send a spotlight back.".into()));
    }
    let model = may_decide(db, id, by).await?;
    let txn = db.begin().await?;
    if !move_review(&txn, id, &[Review::Pending], Review::Returned).await? {
        return Err(AppError::Conflict("This spotlight is not waiting for approval (it may have changed since it was submitted).".into()));
    }
    audit::record(&txn, id, Some(by.id), AuditAction::Returned, comment).await?;
    if let Some(author) = user::Entity::find_by_id(model.created_by).one(&txn).await? {
        let text = format!("{} sent your spotlight “{}” back: {comment}", by.name, model.title);
        tell(&txn, &author, &text, &format!("/spotlights/{id}"), host, base).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Whether `person` may approve or send back this spotlight now.
pub async fn may_approve(db: &impl ConnectionTrait, model: &announcement::Model, person: &user::Model) -> Result<bool> {
    let policy = approval::policy(db).await?;
    let submitter = audit::last_actor(db, model.id, AuditAction::Submitted).await?;
    Ok(person.id != model.created_by && Some(person.id) != submitter && approval::is_approver(db, &policy.approvers, person).await?)
}

async fn may_decide(db: &DatabaseConnection, id: i32, by: &user::Model) -> Result<announcement::Model> {
    let model = find(db, id).await?;
    if !may_approve(db, &model, by).await? {
        return Err(AppError::Forbidden);
    }
    Ok(model)
}

/// A change to text, audience, items or schedule: a pending or given approval no longer holds.
pub async fn withdraw_on_change(db: &impl ConnectionTrait, id: i32, by: Option<i32>, what: &str) -> Result<()> {
    if move_review(db, id, &[Review::Pending, Review::Approved], Review::None).await? {
        audit::record(db, id, by, AuditAction::Withdrawn, what).await?;
    }
    Ok(())
}

/// Inside the send transaction: refuses a spotlight that needs approval and has none.
pub async fn check_before_send(db: &impl ConnectionTrait, model: &announcement::Model, recipients: u64) -> Result<()> {
    let policy = approval::policy(db).await?;
    if !policy.rule.requires(&audience_of(model), recipients) || Review::of(model)? == Review::Approved {
        return Ok(());
    }
    let state = match Review::of(model)? {
        Review::Pending => "It is waiting for approval.",
        Review::Returned => "It was sent back by its approver; change it and submit it again.",
        _ => "Submit it for approval first.",
    };
    Err(AppError::Conflict(format!("This spotlight needs approval before it can be sent ({}) {state}", policy.rule.describe().trim_end_matches('.'))))
}

/// A notification on the home page and an email.
async fn tell(db: &impl ConnectionTrait, person: &user::Model, text: &str, url: &str, host: &str, base: &str) -> Result<()> {
    crate::notifications::notify(db, person.id, text, url).await?;
    let text = text.replace(['\r', '\n'], " ");
    let text = text.as_str();
    let link = format!("{base}{url}");
    let escaped = askama::filters::escape(text, askama::filters::Html).map(|s| s.to_string()).unwrap_or_default();
    let email = super::render::RenderedEmail {
        subject: text.chars().take(200).collect(),
        text: format!("{text}\n\n{link}\n"),
        html: format!("<p>{escaped}</p><p><a href=\"{link}\">Open it in Herald</a></p>"),
    };
    crate::delivery::queue_message(db, "notification", &person.email, &person.name, &email, host).await?;
    Ok(())
}
