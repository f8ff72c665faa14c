//! "How do you feel about this change?": five faces under every
//! announcement, one click, always anonymous. A vote only adds one to a
//! counter of its face and day; the table of who has voted (so nobody votes
//! twice) holds neither the face nor the time, and neither table keeps the
//! order in which votes came (see [`vote`]).

use axum::extract::{Path, State};
use axum::response::Redirect;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement, TransactionTrait};
use serde::Deserialize;

use super::model::Target;
use crate::auth::extract::CurrentUser;
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::{quick_reaction_tally as tally, quick_reaction_voter as voter};
use crate::error::{AppError, Result};
use crate::state::AppState;

/// The faces, from 1 (very unhappy) to 5 (very happy).
pub const FACES: [(i32, &str, &str); 5] = [(1, "😡", "Very unhappy"), (2, "😟", "Unhappy"), (3, "😐", "Neutral"), (4, "🙂", "Happy"), (5, "😀", "Very happy")];

/// What the announcement page shows about quick reactions.
pub struct FeelingPanel {
    pub announcement_id: i32,
    pub voted: bool,
    pub faces: Vec<FaceCount>,
    /// Totals are shown to HR staff.
    pub show_counts: bool,
    pub total: i64,
}

pub struct FaceCount {
    pub score: i32,
    pub emoji: &'static str,
    pub label: &'static str,
    pub votes: i64,
}

pub async fn has_voted(db: &DatabaseConnection, announcement_id: i32, user_id: i32) -> Result<bool> {
    Ok(voter::Entity::find()
        .filter(voter::Column::AnnouncementId.eq(announcement_id))
        .filter(voter::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .is_some())
}

/// Votes per face over all days.
pub async fn totals(db: &DatabaseConnection, announcement_id: i32) -> Result<[i64; 5]> {
    let mut counts = [0i64; 5];
    for row in tally::Entity::find().filter(tally::Column::AnnouncementId.eq(announcement_id)).all(db).await? {
        if let Some(slot) = usize::try_from(row.score - 1).ok().and_then(|index| counts.get_mut(index)) {
            *slot += i64::from(row.votes);
        }
    }
    Ok(counts)
}

pub async fn panel(state: &AppState, auth: &AuthSession, announcement_id: i32) -> Result<FeelingPanel> {
    let counts = totals(&state.db, announcement_id).await?;
    Ok(FeelingPanel {
        announcement_id,
        voted: has_voted(&state.db, announcement_id, auth.user.id).await?,
        faces: FACES.iter().zip(counts).map(|((score, emoji, label), votes)| FaceCount { score: *score, emoji, label, votes }).collect(),
        show_counts: super::access::is_staff(auth),
        total: counts.iter().sum(),
    })
}

/// Records one vote of `user_id`: refused when they already voted on this announcement.
///
/// Nothing written may pair a voter with a face, not even by storage order:
/// - the day's five cells are written together, every one of them on every
///   vote, so no cell stands out as the one just changed (on PostgreSQL each
///   gets a new row version with the same transaction id);
/// - the voters' table is ordered by its key (on SQLite a `WITHOUT ROWID`
///   table); on PostgreSQL, whose tables are heaps in insertion order, the
///   announcement's voters are written anew in user-id order on every vote,
///   which costs one row per earlier voter (see docs/anonymity.md).
pub async fn vote(db: &DatabaseConnection, announcement_id: i32, user_id: i32, score: i32) -> Result<()> {
    if !(1..=5).contains(&score) {
        return Err(AppError::BadRequest(format!("a quick reaction is a face from 1 to 5, not {score}")));
    }
    let txn = db.begin().await?;
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        // Votes on one announcement take turns, so two rewrites of its voters cannot cross.
        txn.execute(Statement::from_sql_and_values(backend, "SELECT pg_advisory_xact_lock(1905, $1)", [announcement_id.into()])).await?;
        let voters: Vec<i32> = voter::Entity::find()
            .select_only()
            .column(voter::Column::UserId)
            .filter(voter::Column::AnnouncementId.eq(announcement_id))
            .into_tuple()
            .all(&txn)
            .await?;
        if voters.contains(&user_id) {
            return Err(already_voted());
        }
        voter::Entity::delete_many().filter(voter::Column::AnnouncementId.eq(announcement_id)).exec(&txn).await?;
        let mut everyone = voters;
        everyone.push(user_id);
        everyone.sort_unstable();
        for chunk in everyone.chunks(1000) {
            let rows = chunk.iter().map(|user| voter::ActiveModel { announcement_id: Set(announcement_id), user_id: Set(*user) });
            voter::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
    } else {
        let inserted = voter::Entity::insert(voter::ActiveModel { announcement_id: Set(announcement_id), user_id: Set(user_id) })
            .on_conflict(OnConflict::columns([voter::Column::AnnouncementId, voter::Column::UserId]).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
        if inserted == 0 {
            return Err(already_voted());
        }
    }
    let day = Utc::now().date_naive();
    let cells = FACES.iter().map(|(face, _, _)| tally::ActiveModel { announcement_id: Set(announcement_id), day: Set(day), score: Set(*face), votes: Set(0) });
    tally::Entity::insert_many(cells)
        .on_conflict(OnConflict::columns([tally::Column::AnnouncementId, tally::Column::Day, tally::Column::Score]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    tally::Entity::update_many()
        .col_expr(tally::Column::Votes, Expr::col(tally::Column::Votes).add(Expr::case(Expr::col(tally::Column::Score).eq(score), 1).finally(0)))
        .filter(tally::Column::AnnouncementId.eq(announcement_id))
        .filter(tally::Column::Day.eq(day))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

fn already_voted() -> AppError {
    AppError::Conflict("You already told HR how you feel about this announcement; it counts once.".into())
}

#[derive(Debug, Deserialize)]
pub struct FeelingForm {
    score: i32,
}

/// `POST /feedback/{announcement}/feeling`.
pub async fn submit(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>, CsrfForm(form): CsrfForm<FeelingForm>) -> Result<Redirect> {
    super::access::check_read(&state, &auth, Target::Announcement(id)).await?;
    vote(&state.db, id, auth.user.id, form.score).await?;
    Ok(Redirect::to(&format!("/news/{id}#feeling")))
}
