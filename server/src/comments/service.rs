//! Writing comments: posting (named or anonymous), replies, edits within the
//! window, deleting one's own, reactions, and marking questions answered.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::access::{self, is_staff};
use super::model::{self, Status, Target};
use crate::auth::AuthSession;
use crate::entities::{comment, comment_reaction};
use crate::error::{AppError, Result};
use crate::state::AppState;

/// What someone asked to post.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub target: Target,
    pub parent_id: Option<i32>,
    pub body: String,
    pub anonymous: bool,
    /// Marked as a question by its author (a question mark marks it too).
    pub question: bool,
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<comment::Model> {
    comment::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// The top of a comment's thread (at most [`model::MAX_DEPTH`] steps up).
pub async fn root_of(db: &impl ConnectionTrait, comment: &comment::Model) -> Result<comment::Model> {
    let mut current = comment.clone();
    for _ in 0..=model::MAX_DEPTH {
        match current.parent_id {
            Some(parent) => current = find(db, parent).await?,
            None => break,
        }
    }
    Ok(current)
}

/// The start of today (UTC): all an anonymous comment says about when it was written.
pub fn day_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive().and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

/// Words of the configured list that occur in `body`, as whole words, ignoring case.
pub fn flagged_words(body: &str, list: &[String]) -> Vec<String> {
    let lower = body.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
    list.iter()
        .filter(|entry| {
            let entry = entry.to_lowercase();
            if entry.contains(' ') { lower.contains(&entry) } else { words.contains(&entry.as_str()) }
        })
        .cloned()
        .collect()
}

pub async fn post(state: &AppState, auth: &AuthSession, new: NewComment) -> Result<comment::Model> {
    access::check_read(state, auth, new.target).await?;
    let body = model::clean_body(&new.body)?;
    let staff = is_staff(auth);
    if new.anonymous && new.target == Target::Hr {
        return Err(AppError::Unprocessable("A private question needs your name so HR can answer you. To speak up anonymously, comment on an announcement or library item instead.".into()));
    }
    let (parent_id, depth) = match new.parent_id {
        None => (None, 0),
        Some(parent_id) => placement(state, auth, new.target, parent_id).await?,
    };
    if new.target == Target::Hr && parent_id.is_none() && staff {
        return Err(AppError::Unprocessable("HR staff answer private questions; they do not ask them.".into()));
    }
    state.posting_limits.admit(auth, new.anonymous)?;

    let official = staff && !new.anonymous;
    let flagged = if official { Vec::new() } else { flagged_words(&body, &state.config.review_words) };
    let sentiment = crate::sentiment::score(&body);
    let now = Utc::now();
    let row = comment::ActiveModel {
        id: Set(0),
        target_kind: Set(new.target.kind().into()),
        target_id: Set(new.target.id()),
        parent_id: Set(parent_id),
        depth: Set(depth),
        author_id: Set(if new.anonymous { None } else { Some(auth.user.id) }),
        anonymous: Set(new.anonymous),
        official: Set(official),
        is_question: Set(!official && (new.question || model::looks_like_question(&body) || (new.target == Target::Hr && parent_id.is_none()))),
        status: Set(if flagged.is_empty() { Status::Visible } else { Status::Pending }.as_str().into()),
        moderation_reason: Set(None),
        flagged_words: Set(Some(flagged.join(", ")).filter(|words| !words.is_empty())),
        body: Set(body),
        sentiment: Set(sentiment.compound),
        sentiment_label: Set(sentiment.label.as_str().into()),
        created_at: Set(if new.anonymous { day_of(now) } else { now }),
        edited_at: Set(None),
        answered_at: Set(None),
        answered_by: Set(None),
        first_response_seconds: Set(None),
    };
    let saved = insert_with_random_id(&state.db, row).await?;
    if official {
        if let Some(parent_id) = parent_id {
            super::answers::answered(state, auth, parent_id, &saved).await?;
        }
    }
    if !saved.anonymous && saved.status == Status::Visible.as_str() {
        announce(&state.db, &saved).await?;
    }
    Ok(saved)
}

/// Where a reply goes: under its parent, or beside it once the thread is as deep as it gets.
async fn placement(state: &AppState, auth: &AuthSession, target: Target, parent_id: i32) -> Result<(Option<i32>, i32)> {
    let parent = find(&state.db, parent_id).await?;
    if Target::of(&parent) != Some(target) {
        return Err(AppError::BadRequest("the comment you reply to belongs to another discussion".into()));
    }
    access::check_comment(state, auth, &parent).await?;
    if !matches!(Status::parse(&parent.status), Status::Visible) && !is_staff(auth) {
        return Err(AppError::Unprocessable("That comment can no longer be replied to.".into()));
    }
    if parent.depth >= model::MAX_DEPTH {
        Ok((parent.parent_id, parent.depth))
    } else {
        Ok((Some(parent.id), parent.depth + 1))
    }
}

/// Ids are drawn at random so that they say nothing about when a comment was written.
async fn insert_with_random_id(db: &DatabaseConnection, mut row: comment::ActiveModel) -> Result<comment::Model> {
    for _ in 0..8 {
        row.id = Set(rand::thread_rng().gen_range(1..i32::MAX));
        match row.clone().insert(db).await {
            Ok(saved) => return Ok(saved),
            Err(error) if is_duplicate(&error) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!("could not draw a free comment id")))
}

fn is_duplicate(error: &sea_orm::DbErr) -> bool {
    let text = error.to_string().to_lowercase();
    text.contains("unique") || text.contains("duplicate")
}

/// Webhook subscribers hear of named comments. Anonymous ones send nothing:
/// a delivery row's timestamp would date the comment to the second.
pub(super) async fn announce(db: &DatabaseConnection, saved: &comment::Model) -> Result<()> {
    let payload = serde_json::json!({
        "comment_id": saved.id,
        "target": format!("{}:{}", saved.target_kind, saved.target_id),
        "parent_id": saved.parent_id,
        "author_id": saved.author_id,
        "official": saved.official,
        "question": saved.is_question,
        "sentiment": saved.sentiment,
        "sentiment_label": saved.sentiment_label,
        "created_at": saved.created_at,
    });
    crate::webhooks::enqueue(db, "comment", payload).await
}

/// The author's own named comment, still open to changes.
fn own(auth: &AuthSession, comment: &comment::Model) -> Result<()> {
    // "Not yours" answers like "no such comment": ids must not tell which exist.
    if comment.author_id != Some(auth.user.id) {
        return Err(AppError::NotFound);
    }
    if Status::parse(&comment.status) == Status::Deleted {
        return Err(AppError::Unprocessable("This comment was deleted.".into()));
    }
    Ok(())
}

pub fn editable_until(comment: &comment::Model) -> DateTime<Utc> {
    comment.created_at + Duration::minutes(model::EDIT_MINUTES)
}

pub async fn edit(state: &AppState, auth: &AuthSession, id: i32, body: &str) -> Result<comment::Model> {
    let comment = find(&state.db, id).await?;
    own(auth, &comment)?;
    if Status::parse(&comment.status) == Status::Hidden {
        return Err(AppError::Unprocessable("HR has hidden this comment; it cannot be edited.".into()));
    }
    if Utc::now() > editable_until(&comment) {
        return Err(AppError::Unprocessable(format!("Comments can be edited for {} minutes after posting; this one can no longer be changed.", model::EDIT_MINUTES)));
    }
    let body = model::clean_body(body)?;
    let flagged = if comment.official { Vec::new() } else { flagged_words(&body, &state.config.review_words) };
    let sentiment = crate::sentiment::score(&body);
    let was_question = comment.is_question;
    let mut row: comment::ActiveModel = comment.into();
    row.is_question = Set(was_question || (!*row.official.as_ref() && model::looks_like_question(&body)));
    row.body = Set(body);
    row.sentiment = Set(sentiment.compound);
    row.sentiment_label = Set(sentiment.label.as_str().into());
    row.edited_at = Set(Some(Utc::now()));
    if !flagged.is_empty() {
        row.status = Set(Status::Pending.as_str().into());
        row.flagged_words = Set(Some(flagged.join(", ")));
    }
    Ok(row.update(&state.db).await?)
}

/// Deleting keeps the comment's place (replies stay readable) and drops its text.
pub async fn delete(state: &AppState, auth: &AuthSession, id: i32) -> Result<comment::Model> {
    let comment = find(&state.db, id).await?;
    own(auth, &comment)?;
    let mut row: comment::ActiveModel = comment.into();
    row.status = Set(Status::Deleted.as_str().into());
    row.body = Set(String::new());
    row.edited_at = Set(Some(Utc::now()));
    Ok(row.update(&state.db).await?)
}

/// One reaction per person per comment: choosing another replaces it, the same one again takes it back.
pub async fn react(state: &AppState, auth: &AuthSession, id: i32, name: &str) -> Result<comment::Model> {
    let comment = find(&state.db, id).await?;
    access::check_comment(state, auth, &comment).await?;
    if Status::parse(&comment.status) != Status::Visible {
        return Err(AppError::Unprocessable("Only published comments take reactions.".into()));
    }
    let emoji = model::reaction_emoji(name).ok_or_else(|| {
        let known: Vec<&str> = model::REACTIONS.iter().map(|(name, _)| *name).collect();
        AppError::BadRequest(format!("unknown reaction {name:?}; expected one of {}", known.join(", ")))
    })?;
    let existing = comment_reaction::Entity::find()
        .filter(comment_reaction::Column::CommentId.eq(id))
        .filter(comment_reaction::Column::UserId.eq(auth.user.id))
        .one(&state.db)
        .await?;
    if existing.as_ref().is_some_and(|reaction| reaction.emoji == emoji) {
        comment_reaction::Entity::delete_many()
            .filter(comment_reaction::Column::CommentId.eq(id))
            .filter(comment_reaction::Column::UserId.eq(auth.user.id))
            .exec(&state.db)
            .await?;
        return Ok(comment);
    }
    // The unique index settles two clicks racing each other: the later one wins.
    comment_reaction::Entity::insert(comment_reaction::ActiveModel {
        comment_id: Set(id),
        user_id: Set(auth.user.id),
        emoji: Set(emoji.into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([comment_reaction::Column::CommentId, comment_reaction::Column::UserId])
            .update_columns([comment_reaction::Column::Emoji, comment_reaction::Column::CreatedAt])
            .to_owned(),
    )
    .exec_without_returning(&state.db)
    .await?;
    Ok(comment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_matches_whole_words_and_phrases() {
        let list = vec!["idiot".to_string(), "shut up".to_string()];
        assert_eq!(flagged_words("What an IDIOT decision", &list), vec!["idiot"]);
        assert!(flagged_words("idiotproof plan", &list).is_empty());
        assert_eq!(flagged_words("please shut up about it", &list), vec!["shut up"]);
    }

    #[test]
    fn an_anonymous_time_is_only_its_day() {
        let now = "2026-11-23T14:35:12Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(day_of(now).to_rfc3339(), "2026-11-23T00:00:00+00:00");
    }
}
