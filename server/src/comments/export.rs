//! `GET /comments/export.csv?target=…`: a discussion as CSV for HR staff,
//! with sentiment. Anonymous comments are "Anonymous" here as everywhere.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::api::ThreadQuery;
use super::model::Target;
use super::thread;
use crate::auth::extract::{HrStaff, Require};
use crate::error::{AppError, Result};
use crate::state::AppState;

pub async fn csv(user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<ThreadQuery>) -> Result<Response> {
    let auth = user.user();
    let target = Target::parse(&query.target)?;
    super::access::check_read(&state, auth, target).await?;
    let thread = thread::load(&state, auth, target).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |error: csv::Error| AppError::Internal(error.into());
    writer
        .write_record(["id", "parent_id", "depth", "author", "official", "question", "answered", "status", "sentiment", "sentiment_label", "created", "body"])
        .map_err(failed)?;
    for c in thread.comments {
        writer
            .write_record([
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
            ])
            .map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|error| AppError::Internal(anyhow::anyhow!("csv: {error}")))?;
    let name = format!("comments-{}-{}.csv", target.kind(), target.id());
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))],
        bytes,
    )
        .into_response())
}
