//! A discussion as one reader sees it: comments in thread order, each with
//! what this reader may see and do. Anonymous comments show no author to
//! anyone, HR included; hidden and held comments show only to HR and to
//! their named author.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::access::is_staff;
use super::model::{self, Status, Target};
use crate::auth::AuthSession;
use crate::entities::{comment, comment_reaction, comment_report, user};
use crate::error::Result;
use crate::state::AppState;

pub struct Thread {
    /// `kind:id`, what the forms post back.
    pub target: String,
    pub comments: Vec<CommentView>,
    pub staff: bool,
    /// Private questions to HR cannot be anonymous.
    pub allow_anonymous: bool,
    pub reactions: Vec<(&'static str, &'static str)>,
    pub max_length: usize,
}

pub struct CommentView {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub depth: i32,
    pub author: String,
    pub anonymous: bool,
    pub official: bool,
    pub question: bool,
    pub answered: bool,
    pub status: &'static str,
    /// Set when the text is not shown: why ("Deleted by its author", …).
    pub placeholder: String,
    pub body_html: String,
    /// The text as written, for the API (empty with a placeholder).
    pub body_text: String,
    /// Shown to HR and the author: why HR hid it, or which words held it.
    pub moderation_note: String,
    pub created: String,
    pub edited: bool,
    pub mine: bool,
    pub can_edit: bool,
    pub can_reply: bool,
    pub reports: usize,
    pub reactions: Vec<ReactionCount>,
    pub sentiment: f64,
    pub sentiment_label: String,
}

pub struct ReactionCount {
    pub name: &'static str,
    pub emoji: &'static str,
    pub count: usize,
    pub mine: bool,
}

/// Who reads a thread: a signed-in person, or nobody in particular (the
/// read-only copy on a recipient's spotlight page, `/p/{token}`).
#[derive(Clone, Copy)]
struct Reader {
    user_id: Option<i32>,
    staff: bool,
}

/// The comments of `target`. The caller has checked that `auth` may read it.
pub async fn load(state: &AppState, auth: &AuthSession, target: Target) -> Result<Thread> {
    load_for(state, Reader { user_id: Some(auth.user.id), staff: is_staff(auth) }, target).await
}

/// The comments of an announcement as anyone who was sent it sees them,
/// for reading only: what is visible to every recipient, nothing of HR's.
pub async fn load_read_only(state: &AppState, announcement_id: i32) -> Result<Thread> {
    load_for(state, Reader { user_id: None, staff: false }, Target::Announcement(announcement_id)).await
}

async fn load_for(state: &AppState, reader: Reader, target: Target) -> Result<Thread> {
    let staff = reader.staff;
    let mut rows = comment::Entity::find()
        .filter(comment::Column::TargetKind.eq(target.kind()))
        .filter(comment::Column::TargetId.eq(target.id()))
        .all(&state.db)
        .await?;
    rows.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    if target == Target::Hr && !staff {
        rows = match reader.user_id {
            Some(user_id) => own_private_threads(rows, user_id),
            None => Vec::new(),
        };
    }
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let reactions = comment_reaction::Entity::find().filter(comment_reaction::Column::CommentId.is_in(ids.clone())).all(&state.db).await?;
    let reports: Vec<comment_report::Model> = if staff {
        comment_report::Entity::find()
            .filter(comment_report::Column::CommentId.is_in(ids))
            .filter(comment_report::Column::ResolvedAt.is_null())
            .all(&state.db)
            .await?
    } else {
        Vec::new()
    };
    let author_ids: HashSet<i32> = rows.iter().filter_map(|row| row.author_id).collect();
    let names: HashMap<i32, String> =
        user::Entity::find().filter(user::Column::Id.is_in(author_ids)).all(&state.db).await?.into_iter().map(|u| (u.id, crate::users::leavers::author_name(&u))).collect();

    let with_replies: HashSet<i32> = rows.iter().filter_map(|row| row.parent_id).collect();
    let mut views = Vec::new();
    for row in ordered(&rows) {
        if let Some(view) = view_of(row, reader, &names, &reactions, &reports, with_replies.contains(&row.id)) {
            views.push(view);
        }
    }
    Ok(Thread {
        target: target.to_string(),
        comments: views,
        staff,
        allow_anonymous: target != Target::Hr,
        reactions: model::REACTIONS.to_vec(),
        max_length: model::MAX_LENGTH,
    })
}

/// The private questions this employee asked, with every reply under them.
fn own_private_threads(rows: Vec<comment::Model>, user_id: i32) -> Vec<comment::Model> {
    let parents: HashMap<i32, Option<i32>> = rows.iter().map(|row| (row.id, row.parent_id)).collect();
    let root = |mut id: i32| {
        while let Some(Some(parent)) = parents.get(&id) {
            id = *parent;
        }
        id
    };
    let mine: HashSet<i32> = rows.iter().filter(|row| row.parent_id.is_none() && row.author_id == Some(user_id)).map(|row| row.id).collect();
    rows.into_iter().filter(|row| mine.contains(&root(row.id))).collect()
}

/// Depth-first: each comment followed by its replies, oldest first at every level.
fn ordered(rows: &[comment::Model]) -> Vec<&comment::Model> {
    let known: HashSet<i32> = rows.iter().map(|row| row.id).collect();
    let mut children: HashMap<Option<i32>, Vec<&comment::Model>> = HashMap::new();
    for row in rows {
        // A reply whose parent is not in view hangs at the top rather than vanishing.
        let parent = row.parent_id.filter(|id| known.contains(id));
        children.entry(parent).or_default().push(row);
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<&comment::Model> = children.get(&None).map(|roots| roots.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(row) = stack.pop() {
        out.push(row);
        if let Some(replies) = children.get(&Some(row.id)) {
            stack.extend(replies.iter().rev().copied());
        }
    }
    out
}

fn view_of(
    row: &comment::Model,
    reader: Reader,
    names: &HashMap<i32, String>,
    reactions: &[comment_reaction::Model],
    reports: &[comment_report::Model],
    has_replies: bool,
) -> Option<CommentView> {
    let status = Status::parse(&row.status);
    let staff = reader.staff;
    let mine = row.author_id.is_some() && row.author_id == reader.user_id;
    let privileged = staff || mine;
    let placeholder = match status {
        Status::Visible => String::new(),
        Status::Deleted if has_replies => "Deleted by its author.".into(),
        Status::Deleted => return None,
        Status::Hidden | Status::Pending if privileged => String::new(),
        Status::Hidden if has_replies => "Hidden by HR.".into(),
        Status::Hidden | Status::Pending => return None,
    };
    let moderation_note = match status {
        Status::Hidden if privileged => format!("Hidden by HR: {}", row.moderation_reason.as_deref().unwrap_or("no reason given")),
        Status::Pending if privileged => match (&row.flagged_words, staff) {
            (Some(words), true) => format!("Waiting for review (word list: {words})."),
            _ => "Waiting for HR review before others can see it.".into(),
        },
        _ => String::new(),
    };
    let author = if row.anonymous {
        "Anonymous".to_owned()
    } else {
        let name = row.author_id.and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| "Former employee".into());
        if row.official { format!("{name} · HR") } else { name }
    };
    let time_format = if row.anonymous { "%Y-%m-%d" } else { "%Y-%m-%d %H:%M" };
    Some(CommentView {
        id: row.id,
        parent_id: row.parent_id,
        depth: row.depth,
        author,
        anonymous: row.anonymous,
        official: row.official,
        question: row.is_question,
        answered: row.answered_at.is_some(),
        status: status.as_str(),
        body_html: if placeholder.is_empty() { super::text::to_html(&row.body) } else { String::new() },
        body_text: if placeholder.is_empty() { row.body.clone() } else { String::new() },
        placeholder,
        moderation_note,
        created: row.created_at.format(time_format).to_string(),
        edited: row.edited_at.is_some() && status != Status::Deleted,
        mine,
        can_edit: mine && matches!(status, Status::Visible | Status::Pending) && Utc::now() <= super::service::editable_until(row),
        can_reply: status == Status::Visible,
        sentiment: row.sentiment,
        sentiment_label: row.sentiment_label.clone(),
        reports: reports.iter().filter(|report| report.comment_id == row.id).count(),
        reactions: model::REACTIONS
            .iter()
            .map(|(name, emoji)| {
                let chosen: Vec<&comment_reaction::Model> = reactions.iter().filter(|r| r.comment_id == row.id && r.emoji == *emoji).collect();
                ReactionCount { name, emoji, count: chosen.len(), mine: chosen.iter().any(|r| Some(r.user_id) == reader.user_id) }
            })
            .collect(),
    })
}
