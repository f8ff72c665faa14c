//! The checks that stop a spotlight at submit (and at "Send" when nobody
//! approves it): links that answer an error and placeholders nobody filled
//! in. The author may go on anyway by ticking "Send anyway"; that choice is
//! recorded in the audit trail with the problems it passed over.
//!
//! Links are checked as the email is rendered for the person asking: library
//! links and featured items against the library (missing, draft or archived),
//! other web addresses by [`super::link_check`]. A link that could not be
//! checked (an internal address, no answer) is shown, but does not stop it.

use super::audit::{self, AuditAction};
use super::compose::external_urls;
use super::email_checks::{self, LibraryLink};
use super::link_check::Outcome;
use super::placeholders::{self, Unfilled};
use super::render::RenderedEmail;
use super::{service, templates};
use crate::entities::{announcement, collateral, user};
use crate::error::{AppError, Result};
use crate::library::model::Status as ItemStatus;
use crate::state::AppState;

/// One link of the email and what checking it said.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LinkReport {
    /// The address, or for library items `library: <slug or title>`.
    pub link: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What the checks found, with the email they read.
pub struct Findings {
    /// The email as the person asking would get it, or why it cannot be written.
    pub email: std::result::Result<RenderedEmail, String>,
    pub unfilled: Vec<Unfilled>,
    pub links: Vec<LinkReport>,
}

impl Findings {
    /// The problems that stop submit and send: broken links and unfilled placeholders.
    pub fn blocking(&self) -> Vec<String> {
        let broken = self.links.iter().filter_map(|l| match &l.outcome {
            Outcome::Broken(why) => Some(format!("{}: {why}", l.link)),
            _ => None,
        });
        broken.chain(self.unfilled.iter().map(Unfilled::describe)).collect()
    }
}

pub async fn find(state: &AppState, model: &announcement::Model, viewer: &user::Model) -> Result<Findings> {
    let email = super::preview_pages::render_for(state, model.clone(), viewer).await.map_err(|err| err.to_string());
    let template = templates::find(&state.db, model.template_id).await?;
    let mut unfilled = placeholders::markers("Title", &model.title);
    unfilled.extend(placeholders::in_template("Subject", &model.subject));
    unfilled.extend(placeholders::in_message(&model.message));
    unfilled.extend(placeholders::in_template("Template subject", &template.subject));
    unfilled.extend(placeholders::in_template("Template HTML body", &template.html_body));
    unfilled.extend(placeholders::in_template("Template plain-text body", &template.text_body));

    let mut links = featured(state, model.id).await?;
    if let Ok(email) = &email {
        let base = state.config.public_base();
        for link in email_checks::library_links(&email.html, &email.text, base) {
            let (name, item) = match &link {
                LibraryLink::Slug(slug) => (slug.clone(), crate::library::service::find_by_slug(&state.db, slug).await),
                LibraryLink::Id(id) => (format!("item {id}"), crate::library::service::find_by_id(&state.db, *id).await),
            };
            let item = optional(item)?;
            // A featured item's link is reported once, as the featured item.
            if item.as_ref().is_some_and(|item| links.iter().any(|l| l.link == featured_name(item))) {
                continue;
            }
            links.push(LinkReport { link: format!("library: {name}"), outcome: item_outcome(item.as_ref()) });
        }
        let urls = external_urls(email, base);
        for (url, outcome) in state.link_checker.check(&state.config.outbound(), &state.config.clock, &urls).await {
            links.push(LinkReport { link: url, outcome });
        }
    }
    Ok(Findings { email, unfilled, links })
}

async fn featured(state: &AppState, announcement_id: i32) -> Result<Vec<LinkReport>> {
    let mut reports = vec![];
    for id in service::item_ids(&state.db, announcement_id).await? {
        let item = optional(crate::library::service::find_by_id(&state.db, id).await)?;
        let link = item.as_ref().map(featured_name).unwrap_or_else(|| format!("featured item {id}"));
        reports.push(LinkReport { link, outcome: item_outcome(item.as_ref()) });
    }
    Ok(reports)
}

fn featured_name(item: &collateral::Model) -> String {
    format!("featured: {} (/library/{})", item.title, item.slug)
}

fn optional(found: Result<collateral::Model>) -> Result<Option<collateral::Model>> {
    match found {
        Ok(item) => Ok(Some(item)),
        Err(AppError::NotFound) => Ok(None),
        Err(err) => Err(err),
    }
}

fn item_outcome(item: Option<&collateral::Model>) -> Outcome {
    match item.map(|item| item.status.parse::<ItemStatus>()) {
        None => Outcome::Broken("no such library item".into()),
        Some(Ok(ItemStatus::Published)) => Outcome::Answers("published".into()),
        Some(Ok(other)) => Outcome::Broken(format!("the item is {}: readers cannot open it", other.as_str())),
        Some(Err(err)) => Outcome::Broken(err),
    }
}

/// Before submit or send: refuses with the reasons, unless `send_anyway`;
/// then the problems passed over are what [`record_override`] writes down.
pub async fn guard(state: &AppState, model: &announcement::Model, by: &user::Model, send_anyway: bool) -> Result<Vec<String>> {
    let problems = find(state, model, by).await?.blocking();
    if problems.is_empty() || send_anyway {
        return Ok(problems);
    }
    Err(AppError::Unprocessable(format!(
        "This spotlight has problems to fix first: {}. Fix them, or tick “Send anyway” to go ahead (the audit trail records it).",
        problems.join("; ")
    )))
}

/// [`guard`] at "Send" for a spotlight nobody approves. One that needs
/// approval was checked when submitted (or is refused for want of approval).
pub async fn guard_send(state: &AppState, model: &announcement::Model, by: &user::Model, send_anyway: bool) -> Result<Vec<String>> {
    let policy = super::approval::policy(&state.db).await?;
    if super::review::Review::of(model)? == super::review::Review::Approved || super::review::needs_approval(&state.db, &policy, model).await? {
        return Ok(vec![]);
    }
    guard(state, model, by, send_anyway).await
}

/// "Send anyway": who went past which problems, in the audit trail.
pub async fn record_override(state: &AppState, id: i32, by: i32, problems: &[String]) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    audit::record(&state.db, id, Some(by), AuditAction::Overridden, &problems.join("; ")).await
}
