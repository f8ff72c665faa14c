//! Comments over the API: read a discussion, post to it. The same rules as
//! the pages: a thread is as visible as what it is about, anonymous
//! comments carry no author, held and hidden ones show only to HR and
//! their named author.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::Target;
use super::service::{self, NewComment};
use super::thread::{self, CommentView};
use crate::auth::extract::CurrentUser;
use crate::error::Result;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct ThreadQuery {
    /// `announcement:ID`, `collateral:ID` or `hr`.
    pub target: String,
}

#[derive(Serialize, ToSchema)]
pub struct CommentJson {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub depth: i32,
    /// The author's name; null for anonymous comments.
    pub author: Option<String>,
    pub anonymous: bool,
    pub official: bool,
    pub question: bool,
    pub answered: bool,
    /// visible, pending, hidden or deleted.
    pub status: String,
    /// Null when the text is not shown (deleted, or hidden from this reader).
    pub body: Option<String>,
    pub moderation_note: Option<String>,
    /// `YYYY-MM-DD HH:MM` (UTC); only the day for anonymous comments.
    pub created: String,
    pub edited: bool,
    pub reactions: BTreeMap<String, usize>,
}

impl From<CommentView> for CommentJson {
    fn from(view: CommentView) -> CommentJson {
        CommentJson {
            id: view.id,
            parent_id: view.parent_id,
            depth: view.depth,
            author: (!view.anonymous).then_some(view.author),
            anonymous: view.anonymous,
            official: view.official,
            question: view.question,
            answered: view.answered,
            status: view.status.to_owned(),
            body: view.placeholder.is_empty().then_some(view.body_text),
            moderation_note: Some(view.moderation_note).filter(|note| !note.is_empty()),
            created: view.created,
            edited: view.edited,
            reactions: view.reactions.into_iter().filter(|r| r.count > 0).map(|r| (r.name.to_owned(), r.count)).collect(),
        }
    }
}

/// The comments of one discussion, in thread order.
#[utoipa::path(get, path = "/api/v1/comments", tag = "comments", params(ThreadQuery),
    responses((status = 200, body = [CommentJson]), (status = 400), (status = 401), (status = 404)), security(("bearer" = [])))]
pub async fn list(CurrentUser(auth): CurrentUser, State(state): State<AppState>, Query(query): Query<ThreadQuery>) -> Result<Json<Vec<CommentJson>>> {
    let target = Target::parse(&query.target)?;
    super::access::check_read(&state, &auth, target).await?;
    let thread = thread::load(&state, &auth, target).await?;
    Ok(Json(thread.comments.into_iter().map(CommentJson::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCommentBody {
    pub target: String,
    #[serde(default)]
    pub parent_id: Option<i32>,
    pub body: String,
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub question: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PostedComment {
    pub id: i32,
    /// `visible`, or `pending` when the word list holds it for review.
    pub status: String,
}

/// Posts a comment, a reply (`parent_id`) or, with target `hr`, a private question.
#[utoipa::path(post, path = "/api/v1/comments", tag = "comments", request_body = NewCommentBody,
    responses((status = 201, body = PostedComment), (status = 400), (status = 401), (status = 404), (status = 422), (status = 429)), security(("bearer" = [])))]
pub async fn create(CurrentUser(auth): CurrentUser, State(state): State<AppState>, Json(body): Json<NewCommentBody>) -> Result<(StatusCode, Json<PostedComment>)> {
    let new = NewComment { target: Target::parse(&body.target)?, parent_id: body.parent_id, body: body.body, anonymous: body.anonymous, question: body.question };
    let saved = service::post(&state, &auth, new).await?;
    Ok((StatusCode::CREATED, Json(PostedComment { id: saved.id, status: saved.status })))
}
