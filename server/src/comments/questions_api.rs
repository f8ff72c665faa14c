//! `GET /api/v1/questions`: the questions HR owes or gave an answer, with
//! their response times, for dashboards and reminders outside Herald.

use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::inbox::{self, Question, QuestionState};
use crate::auth::extract::{HrStaff, Require};
use crate::error::Result;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct QuestionsQuery {
    /// `open` (the default: not answered yet), `answered` or `all`.
    #[serde(default)]
    pub state: String,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionJson {
    pub id: i32,
    /// `announcement:ID`, `collateral:ID` or `hr` (a private question).
    pub target: String,
    /// The announcement's or library item's title, or "Private question".
    pub title: String,
    /// The asker's name; null for anonymous questions.
    pub author: Option<String>,
    /// For anonymous questions, the start of the day they were asked.
    pub asked_at: DateTime<Utc>,
    pub age_seconds: i64,
    pub answered_at: Option<DateTime<Utc>>,
    /// From `asked_at` to the first official answer.
    pub first_response_seconds: Option<i64>,
    /// The thread, at the question.
    pub url: String,
}

impl QuestionJson {
    fn new(question: Question, base: &str) -> QuestionJson {
        QuestionJson {
            id: question.id,
            target: question.target.to_string(),
            title: question.title,
            author: question.author,
            asked_at: question.asked_at,
            age_seconds: question.age_seconds,
            answered_at: question.answered_at,
            first_response_seconds: question.first_response_seconds,
            url: format!("{base}{}", question.url),
        }
    }
}

/// Questions to HR, oldest first.
#[utoipa::path(get, path = "/api/v1/questions", tag = "comments", params(QuestionsQuery),
    responses((status = 200, body = [QuestionJson]), (status = 400), (status = 401), (status = 403)), security(("bearer" = [])))]
pub async fn list(_user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<QuestionsQuery>) -> Result<Json<Vec<QuestionJson>>> {
    let which = QuestionState::parse(query.state.trim())?;
    let questions = inbox::load(&state, inbox::select(which), None).await?;
    let base = state.config.public_base();
    Ok(Json(questions.into_iter().map(|question| QuestionJson::new(question, base)).collect()))
}
