//! Directory locations' time zones and working hours, for sending windows.
//! Owner of `location_hours`. A location nobody set works 09:00–17:00 UTC,
//! Monday to Friday.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::window::{opens_at, Hours, SendWindow};
use crate::entities::{location_hours, user};
use crate::error::{AppError, Result};

/// Every location that has hours set.
pub async fn all(db: &impl ConnectionTrait) -> Result<HashMap<String, Hours>> {
    let mut hours = HashMap::new();
    for row in location_hours::Entity::find().all(db).await? {
        let parsed = Hours::parse(&row.time_zone, row.start_minute, row.end_minute, &row.weekdays)
            .map_err(|err| anyhow::anyhow!("stored hours of location {:?} are unreadable: {err}", row.location))?;
        hours.insert(row.location, parsed);
    }
    Ok(hours)
}

/// The hours of `location` among `known`, or the default.
pub fn of(known: &HashMap<String, Hours>, location: &str) -> Hours {
    known.get(location).cloned().unwrap_or_else(Hours::default_hours)
}

/// When a message that is not a spotlight (a reminder, a report) may reach
/// someone at `location`: at once, unless HR set that location's hours and
/// it is outside them, then when their next working day starts.
pub fn working_moment(known: &HashMap<String, Hours>, location: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let hours = known.get(location)?;
    Some(opens_at(&SendWindow::WorkingHours, hours, now)).filter(|at| *at > now)
}

/// Sets a location's time zone and hours (the location must be in the directory).
pub async fn set(db: &sea_orm::DatabaseConnection, location: &str, hours: &Hours) -> Result<()> {
    let known = crate::users::service::distinct_values(db, user::Column::Location).await?;
    if !known.iter().any(|l| l == location) {
        return Err(AppError::Unprocessable(format!("Nobody in the directory is at “{location}”.")));
    }
    location_hours::Entity::insert(location_hours::ActiveModel {
        location: Set(location.to_owned()),
        time_zone: Set(hours.zone_name.clone()),
        start_minute: Set(hours.start_minute),
        end_minute: Set(hours.end_minute),
        weekdays: Set(hours.weekdays_text()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(location_hours::Column::Location)
            .update_columns([location_hours::Column::TimeZone, location_hours::Column::StartMinute, location_hours::Column::EndMinute, location_hours::Column::Weekdays])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
