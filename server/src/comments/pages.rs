//! The comment forms: post, reply, edit, delete, react; and the page of
//! private questions to HR.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::access;
use super::model::{Status, Target};
use super::service::{self, NewComment};
use super::thread::{self, Thread};
use crate::auth::extract::CurrentUser;
use crate::auth::{CsrfForm, EmptyForm};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(Debug, Deserialize)]
pub struct PostForm {
    target: String,
    #[serde(default)]
    parent: String,
    body: String,
    #[serde(default)]
    anonymous: Option<String>,
    #[serde(default)]
    question: Option<String>,
}

impl PostForm {
    pub fn into_new(self) -> Result<NewComment> {
        let parent_id = match self.parent.trim() {
            "" => None,
            raw => Some(raw.parse().map_err(|_| AppError::BadRequest(format!("unknown comment {raw:?}")))?),
        };
        Ok(NewComment {
            target: Target::parse(&self.target)?,
            parent_id,
            body: self.body,
            anonymous: self.anonymous.is_some(),
            question: self.question.is_some(),
        })
    }
}

/// Shown after a post that cannot simply be pointed at: an anonymous one
/// (its author must not be told "this is yours" later) or one held for review.
#[derive(askama::Template)]
#[template(path = "comments/posted.html")]
struct PostedPage {
    layout: Layout,
    anonymous: bool,
    held: bool,
    back: String,
}

pub async fn create(State(state): State<AppState>, CurrentUser(auth): CurrentUser, CsrfForm(form): CsrfForm<PostForm>) -> Result<Response> {
    let new = form.into_new()?;
    let target = new.target;
    let saved = service::post(&state, &auth, new).await?;
    let back = access::thread_url(&state, target).await?;
    let held = saved.status == Status::Pending.as_str();
    if saved.anonymous || held {
        // The same page for everyone, and no comment id in it: nothing here
        // ties the browser that posted to the comment it posted.
        let page = PostedPage { layout: Layout::for_user(&auth), anonymous: saved.anonymous, held, back: format!("{back}#comments") };
        return Ok(render(&page)?.into_response());
    }
    Ok(Redirect::to(&format!("{back}#c-{}", saved.id)).into_response())
}

#[derive(askama::Template)]
#[template(path = "comments/edit.html")]
struct EditPage {
    layout: Layout,
    id: i32,
    body: String,
    until: String,
    back: String,
    max_length: usize,
}

pub async fn edit_form(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>) -> Result<Html<String>> {
    let comment = service::find(&state.db, id).await?;
    let target = access::check_comment(&state, &auth, &comment).await?;
    if comment.author_id != Some(auth.user.id) {
        return Err(AppError::NotFound);
    }
    render(&EditPage {
        layout: Layout::for_user(&auth),
        id,
        until: service::editable_until(&comment).format("%H:%M UTC").to_string(),
        body: comment.body,
        back: format!("{}#c-{id}", access::thread_url(&state, target).await?),
        max_length: super::model::MAX_LENGTH,
    })
}

#[derive(Debug, Deserialize)]
pub struct EditForm {
    body: String,
}

pub async fn edit(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>, CsrfForm(form): CsrfForm<EditForm>) -> Result<Redirect> {
    let saved = service::edit(&state, &auth, id, &form.body).await?;
    back_with(&state, &saved, crate::web::notice::Notice::Saved).await
}

pub async fn delete(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    let saved = service::delete(&state, &auth, id).await?;
    back_with(&state, &saved, crate::web::notice::Notice::CommentDeleted).await
}

#[derive(Debug, Deserialize)]
pub struct ReactForm {
    reaction: String,
}

pub async fn react(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ReactForm>) -> Result<Redirect> {
    let comment = service::react(&state, &auth, id, &form.reaction).await?;
    back_to(&state, &comment, true).await
}

/// Back to the thread, at the comment when `at_comment`.
/// Back to the comment, with a confirmation of what was done to it.
pub async fn back_with(state: &AppState, comment: &crate::entities::comment::Model, notice: crate::web::notice::Notice) -> Result<Redirect> {
    let target = Target::of(comment).ok_or(AppError::NotFound)?;
    let url = access::thread_url(state, target).await?;
    Ok(crate::web::notice::redirect(&format!("{url}#c-{}", comment.id), notice))
}

pub async fn back_to(state: &AppState, comment: &crate::entities::comment::Model, at_comment: bool) -> Result<Redirect> {
    let target = Target::of(comment).ok_or(AppError::NotFound)?;
    let url = access::thread_url(state, target).await?;
    Ok(Redirect::to(&if at_comment { format!("{url}#c-{}", comment.id) } else { format!("{url}#comments") }))
}

#[derive(askama::Template)]
#[template(path = "comments/questions.html")]
struct QuestionsPage {
    layout: Layout,
    thread: Thread,
}

/// `/questions`: an employee's private questions to HR and the answers; HR staff see them all.
pub async fn questions(State(state): State<AppState>, CurrentUser(auth): CurrentUser) -> Result<Html<String>> {
    let thread = thread::load(&state, &auth, Target::Hr).await?;
    render(&QuestionsPage { layout: Layout::for_user(&auth), thread })
}
