//! The pages of safe sending: the approval panel on a spotlight, the
//! approver's view (the email as three chosen recipients get it, the
//! audience with its count and the people it skips, the featured items and
//! their versions), submit/approve/send back, undo, the audit trail as CSV
//! and the sending settings page.

use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use super::approval::{self, ApprovalRule, Approvers};
use super::audience::{self, Skipped};
use super::audit::{self, AuditEntry};
use super::compose::FeaturedItem;
use super::model::Status;
use super::review::{self, Review};
use super::service::{self, audience_of};
use super::window::SendWindow;
use super::{countdown, lists, safety_checks};
use crate::auth::extract::{HrLead, HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm, EmptyForm};
use crate::entities::{announcement, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

/// The approval and "Send" part of a spotlight's page.
pub struct SafetyPanel {
    pub review: &'static str,
    pub needs_approval: bool,
    pub rule: String,
    pub approvers: String,
    /// The viewer may approve or send back (they are an approver, not its author or submitter).
    pub may_approve: bool,
    /// People it would go to now (before sending).
    pub recipients: u64,
    /// Above this the sender types the number.
    pub confirm_over: u64,
    pub undo_seconds: u64,
    /// While "Send" can still be undone: when it starts and how many seconds are left.
    pub countdown: Option<(DateTime<Utc>, i64)>,
    /// Why the approver sent it back, when they did.
    pub returned_because: Option<String>,
    pub trail: Vec<AuditEntry>,
}

impl SafetyPanel {
    pub fn may_send(&self) -> bool {
        !self.needs_approval || self.review == Review::Approved.as_str()
    }

    pub fn must_type_count(&self) -> bool {
        self.recipients > self.confirm_over
    }
}

pub async fn panel(state: &AppState, model: &announcement::Model, viewer: &AuthSession) -> Result<SafetyPanel> {
    let policy = approval::policy(&state.db).await?;
    let editable = Status::parse(&model.status).is_editable();
    let recipients = if editable { audience::resolve(&state.db, &audience_of(model)).await?.recipients.len() as u64 } else { 0 };
    let trail = audit::trail(&state.db, model.id).await?;
    let review = Review::of(model)?;
    let returned_because = trail.iter().rev().find(|e| e.action == audit::AuditAction::Returned.as_str()).map(|e| e.comment.clone()).filter(|_| review == Review::Returned);
    let now = state.config.clock.now();
    Ok(SafetyPanel {
        review: review.as_str(),
        needs_approval: editable && policy.rule.requires(&audience_of(model), recipients),
        rule: policy.rule.describe(),
        approvers: policy.approvers.describe(),
        may_approve: review == Review::Pending && review::may_approve(&state.db, model, &viewer.user).await?,
        recipients,
        confirm_over: state.config.sending.guards.confirm_over,
        undo_seconds: state.config.sending.guards.undo_seconds,
        countdown: model.countdown_until.filter(|_| model.status == Status::Scheduled.as_str()).map(|at| (at, (at - now).num_seconds().max(0))),
        returned_because,
        trail,
    })
}

#[derive(Debug, Deserialize)]
pub struct SendForm {
    /// The number of recipients, typed back (required above `confirm_over`).
    #[serde(default)]
    confirm_recipients: String,
    /// `now`, `local` (at `local_at` in each recipient's time zone) or `hours` (their working hours).
    #[serde(default)]
    when: String,
    /// `YYYY-MM-DDTHH:MM`, a wall-clock time.
    #[serde(default)]
    local_at: String,
    /// "Send anyway": go on despite broken links or unfilled placeholders.
    #[serde(default)]
    send_anyway: Option<String>,
}

impl SendForm {
    fn window(&self) -> Result<Option<SendWindow>> {
        match self.when.as_str() {
            "" | "now" => Ok(None),
            "hours" => Ok(Some(SendWindow::WorkingHours)),
            "local" => NaiveDateTime::parse_from_str(self.local_at.trim(), "%Y-%m-%dT%H:%M")
                .map(|at| Some(SendWindow::LocalTime { at }))
                .map_err(|_| AppError::Unprocessable("Give the local time as a date and time, for example 2026-12-07 09:00.".into())),
            other => Err(AppError::BadRequest(format!("Unknown sending choice {other:?}."))),
        }
    }
}

/// "Send": the approval check, the typed count, then the undo window.
pub async fn send(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<SendForm>) -> Result<Redirect> {
    let typed = form.confirm_recipients.trim().replace([',', ' '], "").parse().ok();
    let window = form.window()?;
    let me = &user.user().user;
    let model = service::find(&state.db, id).await?;
    let passed_over = safety_checks::guard_send(&state, &model, me, form.send_anyway.is_some()).await?;
    let press = countdown::Press { by: user.user().user.id, now: state.config.clock.now(), typed, window: window.as_ref() };
    countdown::press_send(&state.db, id, press, &state.config.sending.guards, state.config.host()).await?;
    safety_checks::record_override(&state, id, me.id, &passed_over).await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/spotlights/{id}")))
}

pub async fn undo(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    countdown::undo(&state.db, id, user.user().user.id).await?;
    Ok(Redirect::to(&format!("/spotlights/{id}?flash=undone")))
}

#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    /// "Send anyway": submit despite broken links or unfilled placeholders.
    #[serde(default)]
    send_anyway: Option<String>,
}

pub async fn submit(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<SubmitForm>) -> Result<Redirect> {
    let me = &user.user().user;
    let passed_over = safety_checks::guard(&state, &service::find(&state.db, id).await?, me, form.send_anyway.is_some()).await?;
    review::submit(&state.db, id, me, state.config.host(), state.config.public_base()).await?;
    safety_checks::record_override(&state, id, me.id, &passed_over).await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/spotlights/{id}?flash=submitted")))
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
}

pub async fn approve(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<CommentForm>) -> Result<Redirect> {
    review::approve(&state.db, id, &user.user().user, &form.comment, state.config.host(), state.config.public_base()).await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/spotlights/{id}?flash=approved")))
}

pub async fn reject(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<CommentForm>) -> Result<Redirect> {
    review::reject(&state.db, id, &user.user().user, &form.comment, state.config.host(), state.config.public_base()).await?;
    state.mailer.wake();
    Ok(Redirect::to(&format!("/spotlights/{id}?flash=returned")))
}

/// One chosen recipient's copy of the email.
pub struct Copy {
    pub person: user::Model,
    pub subject: String,
    pub text: String,
}

#[derive(askama::Template)]
#[template(path = "spotlights/review.html")]
struct ReviewPage {
    layout: Layout,
    model: announcement::Model,
    audience: String,
    recipients: u64,
    skipped: Vec<Skipped>,
    copies: Vec<Copy>,
    items: Vec<FeaturedItem>,
    panel: SafetyPanel,
    from: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    /// Up to three directory emails to see the email as; default: the first three recipients.
    #[serde(default)]
    r1: String,
    #[serde(default)]
    r2: String,
    #[serde(default)]
    r3: String,
}

/// What the approver looks at before saying yes.
pub async fn review(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, Query(query): Query<ReviewQuery>) -> Result<Html<String>> {
    let model = service::find(&state.db, id).await?;
    let resolved = audience::resolve(&state.db, &audience_of(&model)).await?;
    let chosen: Vec<&str> = [&query.r1, &query.r2, &query.r3].into_iter().map(|e| e.trim()).filter(|e| !e.is_empty()).collect();
    let people = if chosen.is_empty() {
        resolved.recipients.iter().take(3).cloned().collect()
    } else {
        let mut people = vec![];
        for email in chosen {
            people.push(
                crate::users::service::find_by_email(&state.db, email)
                    .await?
                    .ok_or_else(|| AppError::Unprocessable(format!("{email} is not in the employee directory.")))?,
            );
        }
        people
    };
    let mut copies = vec![];
    for person in people {
        let email = super::preview_pages::render_for(&state, model.clone(), &person).await?;
        copies.push(Copy { person, subject: email.subject, text: email.text });
    }
    render(&ReviewPage {
        layout: Layout::for_user(user.user()),
        audience: audience_of(&model).describe(),
        recipients: resolved.recipients.len() as u64,
        skipped: resolved.skipped,
        copies,
        items: super::compose::featured_items(&state.db, id).await?,
        panel: panel(&state, &model, user.user()).await?,
        from: state.config.mail.from.clone(),
        model,
    })
}

/// The audit trail as a spreadsheet.
pub async fn audit_csv(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Response> {
    service::find(&state.db, id).await?;
    let rows = audit::trail(&state.db, id).await?.into_iter().map(|e| vec![e.at.to_rfc3339(), e.who, e.action, e.comment]);
    crate::web::csv_file::download(&format!("spotlight-{id}-audit.csv"), &["at", "who", "action", "comment"], rows)
}

#[derive(askama::Template)]
#[template(path = "spotlights/settings.html")]
struct SettingsPage {
    layout: Layout,
    policy: approval::ApprovalPolicy,
    /// `never`, `always`, `over` or `broad`, for the form.
    rule_kind: &'static str,
    over: u64,
    lists: Vec<String>,
    group: String,
    undo_seconds: u64,
    confirm_over: u64,
    saved: bool,
    error: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    saved: bool,
}

async fn settings_page(state: &AppState, auth: &AuthSession, saved: bool, error: String) -> Result<SettingsPage> {
    let policy = approval::policy(&state.db).await?;
    let (rule_kind, over) = match policy.rule {
        ApprovalRule::Never => ("never", 100),
        ApprovalRule::Always => ("always", 100),
        ApprovalRule::Over(n) => ("over", n),
        ApprovalRule::Broad => ("broad", 100),
    };
    let group = match &policy.approvers {
        Approvers::Group(name) => name.clone(),
        Approvers::HrLeads => String::new(),
    };
    Ok(SettingsPage {
        layout: Layout::for_user(auth),
        rule_kind,
        over,
        group,
        lists: lists::all(&state.db).await?.into_iter().map(|l| l.name).collect(),
        undo_seconds: state.config.sending.guards.undo_seconds,
        confirm_over: state.config.sending.guards.confirm_over,
        policy,
        saved,
        error,
    })
}

pub async fn settings(user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<SettingsQuery>) -> Result<Html<String>> {
    render(&settings_page(&state, user.user(), query.saved, String::new()).await?)
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    rule: String,
    #[serde(default)]
    over: String,
    #[serde(default)]
    approvers: String,
    #[serde(default)]
    group: String,
}

/// HR leads choose the rule, unless the server configuration fixes it.
pub async fn save_settings(user: Require<HrLead>, State(state): State<AppState>, CsrfForm(form): CsrfForm<SettingsForm>) -> Result<Response> {
    use axum::response::IntoResponse;
    let raw_rule = if form.rule == "over" { format!("over:{}", form.over.trim()) } else { form.rule.clone() };
    let raw_approvers = if form.approvers == "group" { format!("group:{}", form.group.trim()) } else { "hr_leads".to_owned() };
    let parsed = ApprovalRule::parse(&raw_rule).and_then(|rule| Approvers::parse(&raw_approvers).map(|approvers| (rule, approvers)));
    let (rule, approvers) = match parsed {
        Ok(pair) => pair,
        Err(error) => {
            let page = render(&settings_page(&state, user.user(), false, error).await?)?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if let Approvers::Group(name) = &approvers {
        if lists::find_by_name_or_id(&state.db, name).await?.is_none() {
            let page = render(&settings_page(&state, user.user(), false, format!("There is no distribution list “{name}”.")).await?)?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    }
    approval::set(&state.db, rule, approvers, &user.user().user).await?;
    Ok(Redirect::to("/spotlights/settings?saved=true").into_response())
}
