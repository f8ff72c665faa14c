//! Reading time in the portal. A page that shows an announcement or a
//! library item to an employee carries a marker; `assets/herald.js` counts
//! how long the tab was visible and, when it is hidden or left, posts the
//! seconds to `POST /read`. Per employee, item and day the longest stretch
//! is kept; HR sees only counts per bucket, never who read what.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;

use crate::auth::extract::CurrentUser;
use crate::auth::CsrfForm;
use crate::comments::model::Target;
use crate::entities::read_time;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// Longer stretches are stored as this (a tab left open over lunch is not reading).
pub const MAX_SECONDS: i32 = 3600;
/// Fewer whole seconds than this is a glance.
pub const SKIM_FROM: i32 = 3;
/// More whole seconds than this is a read.
pub const READ_OVER: i32 = 8;

/// What was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadKind {
    Announcement,
    Collateral,
}

impl ReadKind {
    pub fn parse(raw: &str) -> Result<ReadKind> {
        match raw.trim() {
            "announcement" => Ok(ReadKind::Announcement),
            "collateral" => Ok(ReadKind::Collateral),
            other => Err(AppError::BadRequest(format!("unknown kind {other:?}; expected announcement or collateral"))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReadKind::Announcement => "announcement",
            ReadKind::Collateral => "collateral",
        }
    }

    fn target(self, id: i32) -> Target {
        match self {
            ReadKind::Announcement => Target::Announcement(id),
            ReadKind::Collateral => Target::Collateral(id),
        }
    }
}

/// The marker a page carries so that its reading time is measured.
pub struct ReadBeacon {
    pub kind: &'static str,
    pub id: i32,
}

impl ReadBeacon {
    pub fn new(kind: ReadKind, id: i32) -> ReadBeacon {
        ReadBeacon { kind: kind.as_str(), id }
    }
}

/// People who read an item, each counted once by their longest read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ReadBuckets {
    /// Under 3 seconds.
    pub glanced: u64,
    /// 3 to 8 seconds.
    pub skimmed: u64,
    /// Over 8 seconds.
    pub read: u64,
}

impl ReadBuckets {
    fn add(&mut self, seconds: i32) {
        match seconds {
            s if s < SKIM_FROM => self.glanced += 1,
            s if s <= READ_OVER => self.skimmed += 1,
            _ => self.read += 1,
        }
    }
}

/// The reading-time buckets of one item.
pub async fn buckets_for(db: &DatabaseConnection, kind: ReadKind, item_id: i32) -> Result<ReadBuckets> {
    let longest: Vec<(i32, Option<i32>)> = read_time::Entity::find()
        .select_only()
        .column(read_time::Column::UserId)
        .column_as(read_time::Column::Seconds.max(), "longest")
        .filter(read_time::Column::ItemKind.eq(kind.as_str()))
        .filter(read_time::Column::ItemId.eq(item_id))
        .group_by(read_time::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let mut buckets = ReadBuckets::default();
    for (_, seconds) in longest {
        buckets.add(seconds.unwrap_or(0));
    }
    Ok(buckets)
}

/// Stores a read of `seconds` today, unless a longer one is already stored.
pub async fn record_read(db: &DatabaseConnection, user_id: i32, kind: ReadKind, item_id: i32, seconds: i32) -> Result<()> {
    read_time::Entity::insert(read_time::ActiveModel {
        user_id: Set(user_id),
        item_kind: Set(kind.as_str().to_owned()),
        item_id: Set(item_id),
        day: Set(Utc::now().format("%Y-%m-%d").to_string()),
        seconds: Set(seconds.clamp(0, MAX_SECONDS)),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([read_time::Column::ItemKind, read_time::Column::ItemId, read_time::Column::UserId, read_time::Column::Day])
            .value(
                read_time::Column::Seconds,
                Expr::cust("CASE WHEN excluded.seconds > read_times.seconds THEN excluded.seconds ELSE read_times.seconds END"),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The beacon's form; every field is checked by hand so bad input is a 400
/// that says what was wrong.
#[derive(Debug, Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    seconds: String,
}

impl ReadForm {
    fn parse(&self) -> Result<(ReadKind, i32, i32)> {
        let kind = ReadKind::parse(&self.kind)?;
        let id = self.id.trim().parse::<i32>().ok().filter(|id| *id > 0);
        let id = id.ok_or_else(|| AppError::BadRequest(format!("id must be a positive whole number, not {:?}", self.id)))?;
        let seconds = self.seconds.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0);
        let seconds = seconds.ok_or_else(|| AppError::BadRequest(format!("seconds must be a number of seconds, 0 or more, not {:?}", self.seconds)))?;
        // Whole seconds: 2.9 s is still a glance, 8.5 s still a skim.
        Ok((kind, id, seconds.min(f64::from(MAX_SECONDS)).floor() as i32))
    }
}

/// `POST /read`: the beacon of a page the employee may read.
pub async fn record(State(state): State<AppState>, CurrentUser(auth): CurrentUser, CsrfForm(form): CsrfForm<ReadForm>) -> Result<StatusCode> {
    let (kind, id, seconds) = form.parse()?;
    crate::comments::check_read(&state, &auth, kind.target(id)).await?;
    record_read(&state.db, auth.user.id, kind, id, seconds).await?;
    Ok(StatusCode::NO_CONTENT)
}
