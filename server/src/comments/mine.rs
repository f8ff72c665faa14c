//! An employee's own named questions, wherever they asked them, with whether
//! HR has answered: what the portal home lists under "Your questions".

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::{Status, Target};
use crate::entities::comment;
use crate::error::Result;
use crate::state::AppState;

pub struct QuestionRow {
    pub excerpt: String,
    pub asked: String,
    pub answered: bool,
    /// The start of HR's first official answer, when there is one.
    pub answer: String,
    pub url: String,
}

fn shorten(text: &str, limit: usize) -> String {
    let cut: String = text.chars().take(limit).collect();
    if text.chars().count() > limit { format!("{}…", cut.trim_end()) } else { cut }
}

pub async fn questions_of(state: &AppState, user_id: i32, limit: u64) -> Result<Vec<QuestionRow>> {
    let rows = comment::Entity::find()
        .filter(comment::Column::AuthorId.eq(user_id))
        .filter(comment::Column::IsQuestion.eq(true))
        .filter(comment::Column::Status.ne(Status::Deleted.as_str()))
        .order_by_desc(comment::Column::CreatedAt)
        .limit(limit)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(target) = Target::of(&row) else { continue };
        // A thread whose subject is gone (an archived item) is no longer linkable.
        let Ok(url) = super::access::thread_url(state, target).await else { continue };
        let answer = match row.answered_at {
            Some(_) => comment::Entity::find()
                .filter(comment::Column::ParentId.eq(row.id))
                .filter(comment::Column::Official.eq(true))
                .filter(comment::Column::Status.eq(Status::Visible.as_str()))
                .order_by_asc(comment::Column::CreatedAt)
                .one(&state.db)
                .await?
                .map(|reply| shorten(&reply.body, 200))
                .unwrap_or_default(),
            None => String::new(),
        };
        out.push(QuestionRow {
            excerpt: shorten(&row.body, 120),
            answer,
            asked: row.created_at.format("%Y-%m-%d").to_string(),
            answered: row.answered_at.is_some(),
            url: format!("{url}#c-{}", row.id),
        });
    }
    Ok(out)
}
