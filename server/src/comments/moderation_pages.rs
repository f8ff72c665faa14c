//! `/moderation`: the review queue for HR staff (comments the word list
//! held and comments with open reports, oldest first); `/moderation/log`
//! and `/moderation/log.csv`: every moderation action, for HR leads.
//! Anonymous comments show "Anonymous" and their day only, as everywhere;
//! reporters are not named.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::model::{Status, Target};
use crate::auth::extract::{HrLead, HrStaff, Require};
use crate::entities::{announcement, comment, comment_report, moderation_log, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

/// What a discussion is about and where it is read; `None` when its subject is gone.
async fn subject_of(state: &AppState, target: Target) -> Result<Option<(String, String)>> {
    let title = match target {
        Target::Announcement(id) => announcement::Entity::find_by_id(id).one(&state.db).await?.map(|found| found.title),
        Target::Collateral(id) => match crate::library::service::find_by_id(&state.db, id).await {
            Ok(item) => Some(item.title),
            Err(AppError::NotFound) => None,
            Err(other) => return Err(other),
        },
        Target::Hr => Some("Private question to HR".to_owned()),
    };
    match title {
        Some(title) => Ok(Some((title, super::access::thread_url(state, target).await?))),
        None => Ok(None),
    }
}

/// Subjects looked up once per discussion.
#[derive(Default)]
struct Subjects(HashMap<Target, Option<(String, String)>>);

impl Subjects {
    /// The title and the link to `comment` in its thread (no link when the discussion is gone).
    async fn of(&mut self, state: &AppState, comment: &comment::Model) -> Result<(String, String)> {
        let Some(target) = Target::of(comment) else { return Ok(("Unknown discussion".into(), String::new())) };
        if let Entry::Vacant(slot) = self.0.entry(target) {
            slot.insert(subject_of(state, target).await?);
        }
        Ok(match self.0.get(&target).cloned().flatten() {
            Some((title, url)) => (title, format!("{url}#c-{}", comment.id)),
            None => ("A discussion that no longer exists".into(), String::new()),
        })
    }
}

pub struct QueueItem {
    pub id: i32,
    pub about: String,
    pub url: String,
    pub author: String,
    pub status: &'static str,
    /// The text as written, or why it is gone.
    pub body: String,
    pub deleted: bool,
    /// The word-list entries that held it.
    pub flagged: String,
    pub reports: Vec<ReportView>,
    /// Since when it waits for HR, as shown (only the day for an anonymous comment held for review).
    pub waiting_since: String,
    waiting_at: DateTime<Utc>,
}

pub struct ReportView {
    pub reason: String,
    pub at: String,
}

/// Held comments and comments with open reports, longest waiting first.
pub async fn queue(state: &AppState) -> Result<Vec<QueueItem>> {
    let reports = comment_report::Entity::find()
        .filter(comment_report::Column::ResolvedAt.is_null())
        .order_by_asc(comment_report::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let reported: HashSet<i32> = reports.iter().map(|report| report.comment_id).collect();
    let mut rows = comment::Entity::find().filter(comment::Column::Status.eq(Status::Pending.as_str())).all(&state.db).await?;
    let held: HashSet<i32> = rows.iter().map(|row| row.id).collect();
    let others: Vec<i32> = reported.difference(&held).copied().collect();
    rows.extend(comment::Entity::find().filter(comment::Column::Id.is_in(others)).all(&state.db).await?);

    let author_ids: HashSet<i32> = rows.iter().filter(|row| !row.anonymous).filter_map(|row| row.author_id).collect();
    let names: HashMap<i32, String> =
        user::Entity::find().filter(user::Column::Id.is_in(author_ids)).all(&state.db).await?.into_iter().map(|u| (u.id, crate::users::leavers::author_name(&u))).collect();
    let mut subjects = Subjects::default();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let status = Status::parse(&row.status);
        let own_reports: Vec<&comment_report::Model> = reports.iter().filter(|report| report.comment_id == row.id).collect();
        let held_at = (status == Status::Pending).then(|| row.edited_at.unwrap_or(row.created_at));
        let waiting_at = held_at.into_iter().chain(own_reports.first().map(|report| report.created_at)).min().unwrap_or(row.created_at);
        let day_only = row.anonymous && held_at == Some(waiting_at);
        let (about, url) = subjects.of(state, &row).await?;
        let author = if row.anonymous {
            "Anonymous".to_owned()
        } else {
            let name = row.author_id.and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| "Former employee".into());
            if row.official { format!("{name} · HR") } else { name }
        };
        items.push(QueueItem {
            id: row.id,
            about,
            url,
            author,
            status: status.as_str(),
            deleted: status == Status::Deleted,
            body: if status == Status::Deleted { "Deleted by its author.".into() } else { row.body },
            flagged: row.flagged_words.unwrap_or_default(),
            reports: own_reports.iter().map(|report| ReportView { reason: report.reason.clone(), at: report.created_at.format("%Y-%m-%d %H:%M").to_string() }).collect(),
            waiting_since: waiting_at.format(if day_only { "%Y-%m-%d" } else { "%Y-%m-%d %H:%M" }).to_string(),
            waiting_at,
        });
    }
    items.sort_by(|a, b| a.waiting_at.cmp(&b.waiting_at).then(a.id.cmp(&b.id)));
    Ok(items)
}

#[derive(askama::Template)]
#[template(path = "comments/moderation.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<QueueItem>,
    max_reason: usize,
    lead: bool,
}

pub async fn index(user: Require<HrStaff>, State(state): State<AppState>) -> Result<Html<String>> {
    render(&QueuePage {
        layout: Layout::for_user(user.user()),
        items: queue(&state).await?,
        max_reason: super::moderation::MAX_REASON,
        lead: user.user().role().allows(crate::auth::Role::HrLead),
    })
}

/// One line of the moderation log as HR leads read it.
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_email: String,
    pub action: String,
    pub reason: String,
    pub comment_id: i32,
    pub about: String,
    /// The comment in its thread; empty when the discussion is gone.
    pub url: String,
}

/// The log, newest first.
fn newest_first() -> sea_orm::Select<moderation_log::Entity> {
    moderation_log::Entity::find().order_by_desc(moderation_log::Column::CreatedAt).order_by_desc(moderation_log::Column::Id)
}

/// Log rows with their actors' names and links to their comments.
async fn entries_of(state: &AppState, rows: Vec<moderation_log::Model>) -> Result<Vec<LogEntry>> {
    let actor_ids: HashSet<i32> = rows.iter().map(|row| row.actor_id).collect();
    let actors: HashMap<i32, user::Model> =
        user::Entity::find().filter(user::Column::Id.is_in(actor_ids)).all(&state.db).await?.into_iter().map(|u| (u.id, u)).collect();
    let comment_ids: HashSet<i32> = rows.iter().map(|row| row.comment_id).collect();
    let comments: HashMap<i32, comment::Model> =
        comment::Entity::find().filter(comment::Column::Id.is_in(comment_ids)).all(&state.db).await?.into_iter().map(|c| (c.id, c)).collect();
    let mut subjects = Subjects::default();
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let (about, url) = match comments.get(&row.comment_id) {
            Some(found) => subjects.of(state, found).await?,
            None => ("A comment that no longer exists".into(), String::new()),
        };
        let actor = actors.get(&row.actor_id);
        entries.push(LogEntry {
            at: row.created_at,
            actor: actor.map(|a| a.name.clone()).unwrap_or_else(|| "Former employee".into()),
            actor_email: actor.map(|a| a.email.clone()).unwrap_or_default(),
            action: row.action,
            reason: row.reason,
            comment_id: row.comment_id,
            about,
            url,
        });
    }
    Ok(entries)
}

const LOG_PAGE: u64 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    page: Option<u64>,
}

#[derive(askama::Template)]
#[template(path = "comments/moderation_log.html")]
struct LogPage {
    layout: Layout,
    entries: Vec<LogEntry>,
    page: u64,
    pages: u64,
}

pub async fn log(user: Require<HrLead>, State(state): State<AppState>, Query(query): Query<LogQuery>) -> Result<Html<String>> {
    let page = query.page.unwrap_or(1).max(1);
    let paginator = newest_first().paginate(&state.db, LOG_PAGE);
    let pages = paginator.num_pages().await?;
    let entries = entries_of(&state, paginator.fetch_page(page - 1).await?).await?;
    render(&LogPage { layout: Layout::for_user(user.user()), entries, page, pages })
}

/// The whole log as CSV, newest first.
pub async fn log_csv(_user: Require<HrLead>, State(state): State<AppState>) -> Result<Response> {
    let entries = entries_of(&state, newest_first().all(&state.db).await?).await?;
    let base = state.config.public_base();
    let rows = entries.into_iter().map(|entry| {
        let url = if entry.url.is_empty() { String::new() } else { format!("{base}{}", entry.url) };
        vec![entry.at.to_rfc3339(), entry.actor, entry.actor_email, entry.action, entry.reason, entry.comment_id.to_string(), entry.about, url]
    });
    crate::web::csv_file::download("moderation-log.csv", &["time", "actor", "actor_email", "action", "reason", "comment_id", "about", "comment_url"], rows)
}
