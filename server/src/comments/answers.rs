//! Questions answered by HR: the first official reply under a question
//! records when and by whom it was answered (the response time HR leads
//! see), tells a named asker in Herald and by email, and gives them a
//! tracked link back to the thread.

use axum::extract::{Path, State};
use axum::response::Response;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use super::access;
use super::model::Target;
use super::service::find;
use crate::auth::extract::OptionalUser;
use crate::auth::AuthSession;
use crate::entities::{comment, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::tracking::events::{EventDraft, EventKind};
use crate::tracking::token::{Purpose, TrackingToken};
use crate::tracking::Client;

/// `reply` is an official answer posted under `parent_id`: the nearest
/// open question above it (the parent itself, or the parent's parent) is answered.
pub async fn answered(state: &AppState, auth: &AuthSession, parent_id: i32, reply: &comment::Model) -> Result<()> {
    let mut next = Some(parent_id);
    while let Some(id) = next {
        let candidate = find(&state.db, id).await?;
        if candidate.is_question && !candidate.official {
            if candidate.answered_at.is_none() {
                let question = mark_answered(state, auth, candidate, reply).await?;
                tell_asker(state, &question, reply).await?;
            }
            return Ok(());
        }
        next = candidate.parent_id;
    }
    Ok(())
}

async fn mark_answered(state: &AppState, auth: &AuthSession, question: comment::Model, reply: &comment::Model) -> Result<comment::Model> {
    let answered_at = reply.created_at.max(question.created_at);
    // An anonymous question is dated to its day only, so its response time is too.
    let seconds = (answered_at - question.created_at).num_seconds().max(0);
    let mut row: comment::ActiveModel = question.into();
    row.answered_at = Set(Some(answered_at));
    row.answered_by = Set(Some(auth.user.id));
    row.first_response_seconds = Set(Some(seconds));
    Ok(row.update(&state.db).await?)
}

/// Where the "see the answer" link leads: a signed, tracked link that names the question and its asker.
pub fn answer_link(state: &AppState, question_id: i32, asker_id: i32) -> String {
    let token = state.tracking.sign(TrackingToken { purpose: Purpose::Answer, recipient_id: question_id, link_id: asker_id });
    format!("{}/a/{token}", state.config.public_base())
}

async fn tell_asker(state: &AppState, question: &comment::Model, reply: &comment::Model) -> Result<()> {
    let Some(asker) = question.author_id else { return Ok(()) };
    let Some(person) = user::Entity::find_by_id(asker).one(&state.db).await? else { return Ok(()) };
    let target = Target::of(question).ok_or(AppError::NotFound)?;
    let url = access::thread_url(state, target).await?;
    crate::notifications::notify(&state.db, asker, "HR answered your question.", &format!("{url}#c-{}", question.id)).await?;
    if !person.active || person.email.is_empty() {
        return Ok(());
    }
    let link = answer_link(state, question.id, asker);
    let email = render_email(&person.name, &question.body, &reply.body, &link, &state.config.mail.organisation);
    crate::delivery::queue_message(&state.db, "answer", &person.email, &person.name, &email, state.config.host()).await?;
    state.mailer.wake();
    Ok(())
}

/// `text` cut to `limit` characters, with an ellipsis when cut.
pub fn excerpt(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{}…", cut.trim_end())
}

fn render_email(name: &str, question: &str, answer: &str, link: &str, organisation: &str) -> crate::spotlights::render::RenderedEmail {
    let escape = |text: &str| askama::filters::escape(text, askama::filters::Html).map(|s| s.to_string()).unwrap_or_default();
    let first_name = name.split_whitespace().next().unwrap_or(name);
    let (question, answer) = (excerpt(question, 300), excerpt(answer, 1_000));
    crate::spotlights::render::RenderedEmail {
        subject: "HR answered your question".into(),
        text: format!("Hello {first_name},\n\nYou asked:\n> {question}\n\nHR answered:\n{answer}\n\nSee the whole thread: {link}\n\n{organisation} HR\n"),
        html: format!(
            "<p>Hello {},</p><p>You asked:</p><blockquote>{}</blockquote><p>HR answered:</p><p>{}</p>\
             <p><a href=\"{}\">See the whole thread</a></p><p>{} HR</p>",
            escape(first_name),
            escape(&question),
            escape(&answer).replace('\n', "<br>"),
            escape(link),
            escape(organisation)
        ),
    }
}

/// `GET /a/{token}`: the asker follows the link in the answer email. Signed
/// in as the asker, they go to the thread; otherwise to a page that emails
/// the asker (not whoever clicked) a sign-in link back to it.
pub async fn follow(State(state): State<AppState>, Path(raw): Path<String>, client: Client, OptionalUser(auth): OptionalUser) -> Result<Response> {
    let token = state.tracking.verify(&raw, Purpose::Answer).ok_or(AppError::NotFound)?;
    let question = find(&state.db, token.recipient_id).await?;
    if question.author_id != Some(token.link_id) {
        return Err(AppError::NotFound);
    }
    let target = Target::of(&question).ok_or(AppError::NotFound)?;
    let (announcement, collateral) = match target {
        Target::Announcement(id) => (Some(id), None),
        Target::Collateral(id) => (None, Some(id)),
        Target::Hr => (None, None),
    };
    EventDraft::new(EventKind::Click, "answer", client).announcement(announcement).collateral(collateral).user(Some(token.link_id)).record(&state).await?;
    if auth.is_none_or(|auth| auth.user.id != token.link_id) {
        return crate::tracking::routes::redirect(&format!("/a/{raw}/sign-in"));
    }
    let url = access::thread_url(&state, target).await?;
    crate::tracking::routes::redirect(&format!("{url}#c-{}", question.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_email_escapes_what_people_wrote() {
        let email = render_email("Ann <b>Lee</b>", "<script>x</script>?", "Yes & no", "https://herald.example/a/T", "Acme");
        assert!(email.html.contains("&#60;script&#62;") && !email.html.contains("<script>"));
        assert!(email.html.contains("Hello Ann,"));
        assert!(email.text.contains("Yes & no") && email.text.contains("https://herald.example/a/T"));
    }

    #[test]
    fn long_texts_are_cut_at_characters() {
        assert_eq!(excerpt("ééééé", 3), "ééé…");
        assert_eq!(excerpt("short", 10), "short");
    }
}
