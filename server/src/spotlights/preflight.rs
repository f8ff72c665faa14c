//! The pre-flight check list on a spotlight's page (and at
//! `/api/v1/announcements/{id}/preflight`): subject, preview text, plain
//! text, image alt texts, links, placeholders, a test email since the last
//! change, approval and the sending window, each passed or with its reason.

use serde::Serialize;
use utoipa::ToSchema;

use super::audit::{AuditAction, AuditEntry};
use super::email_checks;
use super::link_check::Outcome;
use super::model::Status;
use super::review::Review;
use super::review_pages::SafetyPanel;
use super::safety_checks::{self, LinkReport};
use super::service::window_of;
use crate::entities::{announcement, user};
use crate::error::Result;
use crate::state::AppState;

/// One line of the check list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PreflightItem {
    /// subject, preview_text, plain_text, alt_text, links, placeholders, test_email, approval or window.
    pub key: &'static str,
    pub label: &'static str,
    pub ok: bool,
    /// What was found: the reason when not ok.
    pub detail: String,
}

/// The whole list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Preflight {
    pub items: Vec<PreflightItem>,
    /// Every link with what checking it said.
    pub links: Vec<LinkReport>,
    /// What stops submit and send unless the author sends anyway.
    pub blocking: Vec<String>,
}

impl Preflight {
    pub fn all_ok(&self) -> bool {
        self.items.iter().all(|item| item.ok)
    }

    /// How many checks did not pass.
    pub fn to_look_at(&self) -> usize {
        self.items.iter().filter(|item| !item.ok).count()
    }
}

fn item(key: &'static str, label: &'static str, problem: Option<String>, fine: String) -> PreflightItem {
    match problem {
        Some(detail) => PreflightItem { key, label, ok: false, detail },
        None => PreflightItem { key, label, ok: true, detail: fine },
    }
}

/// The list for `viewer` (the email is rendered as they would get it).
pub async fn run(state: &AppState, model: &announcement::Model, viewer: &user::Model, safety: &SafetyPanel) -> Result<Preflight> {
    let findings = safety_checks::find(state, model, viewer).await?;
    let mut items = match &findings.email {
        Ok(email) => {
            let preview = email_checks::preview_text(&email.html);
            let images = email_checks::images_without_alt(&email.html);
            vec![
                item("subject", "Subject", email_checks::subject_problem(&email.subject), format!("{} characters.", email.subject.chars().count())),
                item("preview_text", "Preview text", preview.is_empty().then(|| "The email starts with no text: inboxes show nothing next to the subject.".into()), format!("Readers see first: “{preview}”")),
                item("plain_text", "Plain-text part", email_checks::plain_text_problem(&email.text), format!("{} lines of plain text.", email.text.lines().count())),
                item(
                    "alt_text",
                    "Image alt texts",
                    (!images.is_empty()).then(|| format!("Images without alt text: {}.", images.join(", "))),
                    "Every image has an alt text.".into(),
                ),
            ]
        }
        Err(why) => ["subject", "preview_text", "plain_text", "alt_text"]
            .into_iter()
            .zip(["Subject", "Preview text", "Plain-text part", "Image alt texts"])
            .map(|(key, label)| item(key, label, Some(format!("The email cannot be written: {why}")), String::new()))
            .collect(),
    };
    items.push(links_item(&findings.links));
    let unfilled: Vec<String> = findings.unfilled.iter().map(|u| u.describe()).collect();
    items.push(item("placeholders", "Placeholders", (!unfilled.is_empty()).then(|| unfilled.join("; ")), "No placeholder is left unfilled.".into()));
    items.push(test_item(&safety.trail));
    items.push(approval_item(model, safety)?);
    items.push(window_item(state, model)?);
    let blocking = findings.blocking();
    Ok(Preflight { items, links: findings.links, blocking })
}

fn links_item(links: &[LinkReport]) -> PreflightItem {
    let broken: Vec<String> = links.iter().filter_map(|l| if let Outcome::Broken(why) = &l.outcome { Some(format!("{} ({why})", l.link)) } else { None }).collect();
    let unchecked: Vec<String> = links.iter().filter_map(|l| if let Outcome::NotChecked(why) = &l.outcome { Some(format!("{} ({why})", l.link)) } else { None }).collect();
    let problem = match (broken.is_empty(), unchecked.is_empty()) {
        (true, true) => None,
        (false, _) => Some(format!("Broken: {}.{}", broken.join(", "), if unchecked.is_empty() { String::new() } else { format!(" Not checked: {}.", unchecked.join(", ")) })),
        (true, false) => Some(format!("Not checked: {}.", unchecked.join(", "))),
    };
    let fine = if links.is_empty() { "The email has no links to check.".to_owned() } else { format!("All {} links answer.", links.len()) };
    item("links", "Links checked", problem, fine)
}

/// A test to oneself counts until the spotlight is changed again.
fn test_item(trail: &[AuditEntry]) -> PreflightItem {
    let changed = trail.iter().rposition(|e| e.action == AuditAction::Created.as_str() || e.action == AuditAction::Changed.as_str());
    let tested = trail.iter().rposition(|e| e.action == AuditAction::TestSent.as_str());
    let problem = match (tested, changed) {
        (Some(t), Some(c)) if t > c => None,
        (Some(_), _) => Some("A test was sent before the last change: send yourself another.".into()),
        (None, _) => Some("No test email sent yet: send yourself one and read it in your inbox.".into()),
    };
    let fine = tested.map(|t| format!("Sent by {} at {}.", trail[t].who, trail[t].at.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
    item("test_email", "Test email sent", problem, fine)
}

fn approval_item(model: &announcement::Model, safety: &SafetyPanel) -> Result<PreflightItem> {
    let review = Review::of(model)?;
    let problem = match (safety.needs_approval, review) {
        (false, _) | (true, Review::Approved) => None,
        (true, Review::Pending) => Some("Waiting for approval.".to_owned()),
        (true, Review::Returned) => Some("Sent back by the approver: change it and submit it again.".to_owned()),
        (true, Review::None) => Some(format!("Needs approval ({}); submit it.", safety.rule.trim_end_matches('.'))),
    };
    let fine = if review == Review::Approved { "Approved.".to_owned() } else { "Not needed.".to_owned() };
    Ok(item("approval", "Approval", problem, fine))
}

fn window_item(state: &AppState, model: &announcement::Model) -> Result<PreflightItem> {
    let window = window_of(model)?.map(|w| format!("Recipients get it {}.", w.describe()));
    let scheduled = model.scheduled_at.filter(|_| model.status == Status::Scheduled.as_str() && model.countdown_until.is_none());
    let late = scheduled.filter(|at| *at < state.config.clock.now() - chrono::Duration::minutes(1));
    let fine = match (scheduled, window) {
        (Some(at), Some(window)) => format!("Scheduled for {}. {window}", at.format("%Y-%m-%d %H:%M UTC")),
        (Some(at), None) => format!("Scheduled for {}.", at.format("%Y-%m-%d %H:%M UTC")),
        (None, Some(window)) => window,
        (None, None) => "Chosen when you press Send: as soon as it starts, at a local time, or in working hours.".into(),
    };
    let problem = late.map(|at| format!("Scheduled for {}, which has passed.", at.format("%Y-%m-%d %H:%M UTC")));
    Ok(item("window", "Sending window", problem, fine))
}
