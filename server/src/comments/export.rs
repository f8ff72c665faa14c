//! `GET /comments/export.csv?target=…`: a discussion as CSV for HR staff,
//! with sentiment. Anonymous comments are "Anonymous" here as everywhere.

use axum::extract::{Query, State};
use axum::response::Response;

use super::api::ThreadQuery;
use super::model::Target;
use super::thread;
use crate::auth::extract::{HrStaff, Require};
use crate::error::Result;
use crate::state::AppState;

pub async fn csv(user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<ThreadQuery>) -> Result<Response> {
    let auth = user.user();
    let target = Target::parse(&query.target)?;
    super::access::check_read(&state, auth, target).await?;
    let thread = thread::load(&state, auth, target).await?;
    let rows = thread.comments.into_iter().map(|c| {
        vec![
            c.id.to_string(),
            c.parent_id.map(|id| id.to_string()).unwrap_or_default(),
            c.depth.to_string(),
            c.author,
            c.official.to_string(),
            c.question.to_string(),
            c.answered.to_string(),
            c.status.to_owned(),
            format!("{:.3}", c.sentiment),
            c.sentiment_label,
            c.created,
            c.body_text,
        ]
    });
    let header = ["id", "parent_id", "depth", "author", "official", "question", "answered", "status", "sentiment", "sentiment_label", "created", "body"];
    crate::web::csv_file::download(&format!("comments-{}-{}.csv", target.kind(), target.id()), &header, rows)
}