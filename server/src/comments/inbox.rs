//! The questions HR owes an answer, and how fast HR answers them: what the
//! inbox page and `GET /api/v1/questions` show. Anonymous questions carry
//! no author and are dated to their day only (docs/anonymity.md), so their
//! age and response time count from the start of that day.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Select};

use super::model::{Status, Target};
use super::teams::TeamScope;
use crate::entities::{announcement, comment, user};
use crate::error::{AppError, Result};
use crate::state::AppState;

/// Which questions: still waiting for HR, answered, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionState {
    Open,
    Answered,
    All,
}

impl QuestionState {
    pub fn parse(raw: &str) -> Result<QuestionState> {
        match raw {
            "" | "open" => Ok(QuestionState::Open),
            "answered" => Ok(QuestionState::Answered),
            "all" => Ok(QuestionState::All),
            other => Err(AppError::BadRequest(format!("unknown state {other:?}; expected open, answered or all"))),
        }
    }

    /// An open question is shown (or held for review) and has no official answer yet;
    /// an answered one is anything answered that its author has not deleted.
    fn condition(self) -> Condition {
        let open = Condition::all()
            .add(comment::Column::AnsweredAt.is_null())
            .add(comment::Column::Status.is_in([Status::Visible.as_str(), Status::Pending.as_str()]));
        let answered = Condition::all().add(comment::Column::AnsweredAt.is_not_null()).add(comment::Column::Status.ne(Status::Deleted.as_str()));
        match self {
            QuestionState::Open => open,
            QuestionState::Answered => answered,
            QuestionState::All => Condition::any().add(open).add(answered),
        }
    }
}

/// Questions in `state`, oldest first.
pub fn select(state: QuestionState) -> Select<comment::Entity> {
    comment::Entity::find()
        .filter(comment::Column::IsQuestion.eq(true))
        .filter(state.condition())
        .order_by_asc(comment::Column::CreatedAt)
        .order_by_asc(comment::Column::Id)
}

/// One question as HR sees it in a list.
pub struct Question {
    pub id: i32,
    pub target: Target,
    /// The announcement's or library item's title, or "Private question".
    pub title: String,
    /// None for anonymous questions.
    pub author: Option<String>,
    pub excerpt: String,
    /// Held for review by the word list.
    pub held: bool,
    pub asked_at: DateTime<Utc>,
    pub age_seconds: i64,
    /// "3 h", "2 d"; in whole days for anonymous questions.
    pub age: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub first_response_seconds: Option<i64>,
    /// The thread, at the question.
    pub url: String,
}

/// What a question is about, looked up once per discussion.
struct Subject {
    title: String,
    category: Option<String>,
    url: String,
}

/// The questions `query` selects that `team` covers (all of them without one), with their subjects and authors.
pub async fn load(state: &AppState, query: Select<comment::Entity>, team: Option<&TeamScope>) -> Result<Vec<Question>> {
    let rows = query.all(&state.db).await?;
    let now = Utc::now();
    let mut subjects: HashMap<Target, Option<Subject>> = HashMap::new();
    let author_ids: Vec<i32> = rows.iter().filter(|row| !row.anonymous).filter_map(|row| row.author_id).collect();
    let names: HashMap<i32, String> =
        user::Entity::find().filter(user::Column::Id.is_in(author_ids)).all(&state.db).await?.into_iter().map(|u| (u.id, crate::users::leavers::author_name(&u))).collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(target) = Target::of(&row) else { continue };
        if let Entry::Vacant(slot) = subjects.entry(target) {
            slot.insert(subject_of(state, target).await?);
        }
        // A discussion whose subject is gone can no longer be answered or linked to.
        let Some(Some(subject)) = subjects.get(&target) else { continue };
        if team.is_some_and(|team| !team.covers(target, subject.category.as_deref())) {
            continue;
        }
        let age_seconds = (now - row.created_at).num_seconds().max(0);
        let author = if row.anonymous { None } else { Some(row.author_id.and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| "Former employee".into())) };
        out.push(Question {
            id: row.id,
            target,
            title: subject.title.clone(),
            age: if row.anonymous { day_age_label(row.created_at, now) } else { age_label(age_seconds) },
            author,
            excerpt: super::answers::excerpt(&row.body, 200),
            held: row.status == Status::Pending.as_str(),
            asked_at: row.created_at,
            age_seconds,
            answered_at: row.answered_at,
            first_response_seconds: row.first_response_seconds,
            url: format!("{}#c-{}", subject.url, row.id),
        });
    }
    Ok(out)
}

async fn subject_of(state: &AppState, target: Target) -> Result<Option<Subject>> {
    let (title, category) = match target {
        Target::Announcement(id) => match announcement::Entity::find_by_id(id).one(&state.db).await? {
            Some(found) => (found.title, None),
            None => return Ok(None),
        },
        Target::Collateral(id) => match crate::library::service::find_by_id(&state.db, id).await {
            Ok(item) if item.status == crate::library::model::Status::Archived.as_str() => (format!("{} (archived)", item.title), Some(item.category)),
            Ok(item) => (item.title, Some(item.category)),
            Err(AppError::NotFound) => return Ok(None),
            Err(other) => return Err(other),
        },
        Target::Hr => ("Private question".to_owned(), None),
    };
    Ok(Some(Subject { title, category, url: super::access::thread_url(state, target).await? }))
}

/// The inbox's headline figures.
pub struct Figures {
    pub open: usize,
    pub answered_recently: usize,
    /// Median seconds from question to first official answer, over the answers of the last 30 days.
    pub median_response_seconds: Option<i64>,
}

/// How far back "recently" reaches.
pub const RECENT_DAYS: i64 = 30;

pub async fn figures(state: &AppState, open: usize, team: Option<&TeamScope>) -> Result<Figures> {
    let since = Utc::now() - Duration::days(RECENT_DAYS);
    let answered = load(state, select(QuestionState::Answered).filter(comment::Column::AnsweredAt.gte(since)), team).await?;
    let mut seconds: Vec<i64> = answered.iter().filter_map(|question| question.first_response_seconds).collect();
    Ok(Figures { open, answered_recently: answered.len(), median_response_seconds: median(&mut seconds) })
}

/// The middle value; the mean of the two middle ones (rounded down) for an even count.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if !values.len().is_multiple_of(2) { values[middle] } else { (values[middle - 1] + values[middle]) / 2 })
}

/// A question's age at a glance: "12 min", "3 h", "2 d".
pub fn age_label(seconds: i64) -> String {
    match seconds {
        s if s < 3_600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3_600),
        s => format!("{} d", s / 86_400),
    }
}

/// An anonymous question is dated to its day: its age is in whole days.
pub fn day_age_label(asked: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match (now.date_naive() - asked.date_naive()).num_days() {
        0 => "today".to_owned(),
        days => format!("{days} d"),
    }
}

/// A response time: "45 s", "12 min", "2 h 5 min", "3 d 4 h".
pub fn duration_label(seconds: i64) -> String {
    let (days, hours, minutes) = (seconds / 86_400, seconds % 86_400 / 3_600, seconds % 3_600 / 60);
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3_600 => format!("{minutes} min"),
        s if s < 86_400 && minutes == 0 => format!("{hours} h"),
        s if s < 86_400 => format!("{hours} h {minutes} min"),
        _ if hours == 0 => format!("{days} d"),
        _ => format!("{days} d {hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_takes_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [300]), Some(300));
        assert_eq!(median(&mut [7_200, 60, 3_600]), Some(3_600));
        assert_eq!(median(&mut [100, 40, 10, 25]), Some(32));
    }

    #[test]
    fn ages_and_durations_read_at_a_glance() {
        assert_eq!(age_label(59), "0 min");
        assert_eq!(age_label(20 * 60), "20 min");
        assert_eq!(age_label(3 * 3_600 + 59), "3 h");
        assert_eq!(age_label(2 * 86_400 + 5), "2 d");
        assert_eq!(duration_label(45), "45 s");
        assert_eq!(duration_label(12 * 60 + 3), "12 min");
        assert_eq!(duration_label(2 * 3_600), "2 h");
        assert_eq!(duration_label(2 * 3_600 + 5 * 60), "2 h 5 min");
        assert_eq!(duration_label(86_400), "1 d");
        assert_eq!(duration_label(3 * 86_400 + 4 * 3_600 + 1), "3 d 4 h");
    }

    #[test]
    fn anonymous_ages_count_whole_days() {
        let now = "2026-11-23T14:35:12Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(day_age_label("2026-11-23T00:00:00Z".parse().unwrap(), now), "today");
        assert_eq!(day_age_label("2026-11-21T00:00:00Z".parse().unwrap(), now), "2 d");
    }
}
