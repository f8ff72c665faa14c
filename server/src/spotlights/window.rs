//! Sending windows: when each recipient's message may leave. A spotlight goes
//! now, at a time (a schedule), at a local time in each recipient's time zone,
//! or during each recipient's working hours. The moment is worked out once, at
//! the start, and stored as the message's `next_attempt_at`: the delivery
//! worker holds it until then, so a restart or a second server changes nothing.

use chrono::{DateTime, NaiveDateTime, Utc};
use jiff::civil;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When recipients get it, beyond "now".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SendWindow {
    /// At this wall-clock time in each recipient's time zone (already past there: at once).
    LocalTime {
        #[schema(value_type = String, example = "2026-12-07T09:00:00")]
        at: NaiveDateTime,
    },
    /// In each recipient's working hours: at once if they are working, else when their day starts.
    WorkingHours,
}

impl SendWindow {
    pub fn describe(&self) -> String {
        match self {
            SendWindow::LocalTime { at } => format!("at {} in each recipient's local time", at.format("%Y-%m-%d %H:%M")),
            SendWindow::WorkingHours => "during each recipient's working hours".into(),
        }
    }
}

/// A location's time zone and working day.
#[derive(Clone, Debug)]
pub struct Hours {
    pub zone: TimeZone,
    pub zone_name: String,
    /// Minutes after local midnight; an end before the start runs past midnight.
    pub start_minute: i32,
    pub end_minute: i32,
    /// Monday first.
    pub weekdays: [bool; 7],
}

impl Hours {
    /// For locations nobody set: UTC, 09:00–17:00, Monday to Friday.
    pub fn default_hours() -> Hours {
        Hours { zone: TimeZone::UTC, zone_name: "UTC".into(), start_minute: 9 * 60, end_minute: 17 * 60, weekdays: [true, true, true, true, true, false, false] }
    }

    /// Parses what is stored or typed; the error says which part is wrong.
    pub fn parse(zone: &str, start_minute: i32, end_minute: i32, weekdays: &str) -> Result<Hours, String> {
        let zone_name = zone.trim().to_owned();
        let tz = TimeZone::get(&zone_name).map_err(|_| format!("“{zone_name}” is not a time zone; use a name such as Europe/Lisbon or Asia/Tokyo."))?;
        if !(0..1440).contains(&start_minute) || !(0..1440).contains(&end_minute) || start_minute == end_minute {
            return Err("Working hours need a start and an end between 00:00 and 23:59, not the same.".into());
        }
        let days: Vec<bool> = weekdays.chars().map(|c| c == '1').collect();
        if days.len() != 7 || !days.iter().any(|d| *d) {
            return Err("Choose at least one working day.".into());
        }
        let mut weekdays = [false; 7];
        weekdays.copy_from_slice(&days);
        Ok(Hours { zone: tz, zone_name, start_minute, end_minute, weekdays })
    }

    pub fn weekdays_text(&self) -> String {
        self.weekdays.iter().map(|d| if *d { '1' } else { '0' }).collect()
    }
}

fn timestamp(at: DateTime<Utc>) -> jiff::Timestamp {
    jiff::Timestamp::from_second(at.timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn utc(at: jiff::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(at.as_second(), 0).unwrap_or_default()
}

/// `date` at `minute` after midnight in `zone` (a time skipped by DST moves forward).
fn local(zone: &TimeZone, date: civil::Date, minute: i32) -> Option<DateTime<Utc>> {
    let time = civil::Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).ok()?;
    let zoned = zone.to_ambiguous_zoned(date.to_datetime(time)).compatible().ok()?;
    Some(utc(zoned.timestamp()))
}

/// When a recipient with `hours` may get a message sent at `now` under `window`.
pub fn opens_at(window: &SendWindow, hours: &Hours, now: DateTime<Utc>) -> DateTime<Utc> {
    match window {
        SendWindow::LocalTime { at } => {
            let civil = civil::DateTime::new(
                chrono::Datelike::year(at) as i16,
                chrono::Datelike::month(at) as i8,
                chrono::Datelike::day(at) as i8,
                chrono::Timelike::hour(at) as i8,
                chrono::Timelike::minute(at) as i8,
                chrono::Timelike::second(at) as i8,
                0,
            );
            match civil.ok().and_then(|dt| hours.zone.to_ambiguous_zoned(dt).compatible().ok()) {
                Some(zoned) => utc(zoned.timestamp()).max(now),
                None => now,
            }
        }
        SendWindow::WorkingHours => next_working_moment(hours, now),
    }
}

fn next_working_moment(hours: &Hours, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = timestamp(now).to_zoned(hours.zone.clone()).date();
    let mut earliest: Option<DateTime<Utc>> = None;
    // Yesterday too: a working day that runs past midnight may still be open.
    for offset in -1..=8i64 {
        let Ok(day) = today.checked_add(jiff::Span::new().days(offset)) else { continue };
        if !hours.weekdays[day.weekday().to_monday_zero_offset() as usize] {
            continue;
        }
        let close_day = if hours.end_minute > hours.start_minute { Some(day) } else { day.tomorrow().ok() };
        let (Some(open), Some(close)) = (local(&hours.zone, day, hours.start_minute), close_day.and_then(|d| local(&hours.zone, d, hours.end_minute))) else { continue };
        if open <= now && now < close {
            return now;
        }
        if open > now && earliest.is_none_or(|e| open < e) {
            earliest = Some(open);
        }
    }
    earliest.unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn working_hours_open_at_the_next_local_working_morning() {
        let tokyo = Hours::parse("Asia/Tokyo", 9 * 60, 17 * 60, "1111100").unwrap();
        // Friday 2026-12-04 20:00 in Tokyo (11:00 UTC): next is Monday 09:00 Tokyo, Monday 00:00 UTC.
        assert_eq!(opens_at(&SendWindow::WorkingHours, &tokyo, at("2026-12-04T11:00:00Z")), at("2026-12-07T00:00:00Z"));
        // Friday 10:00 in Tokyo: at once.
        assert_eq!(opens_at(&SendWindow::WorkingHours, &tokyo, at("2026-12-04T01:00:00Z")), at("2026-12-04T01:00:00Z"));
        let night = Hours::parse("UTC", 22 * 60, 6 * 60, "1111111").unwrap();
        assert_eq!(opens_at(&SendWindow::WorkingHours, &night, at("2026-12-04T03:00:00Z")), at("2026-12-04T03:00:00Z"), "a night shift past midnight");
        assert_eq!(opens_at(&SendWindow::WorkingHours, &night, at("2026-12-04T07:00:00Z")), at("2026-12-04T22:00:00Z"));
    }

    #[test]
    fn a_local_time_is_each_zones_own_and_never_in_the_past() {
        let window = SendWindow::LocalTime { at: "2026-12-07T09:00:00".parse().unwrap() };
        let now = at("2026-12-04T12:00:00Z");
        let new_york = Hours::parse("America/New_York", 540, 1020, "1111100").unwrap();
        assert_eq!(opens_at(&window, &new_york, now), at("2026-12-07T14:00:00Z"));
        assert_eq!(opens_at(&window, &Hours::parse("Asia/Tokyo", 540, 1020, "1111100").unwrap(), now), at("2026-12-07T00:00:00Z"));
        let past = SendWindow::LocalTime { at: "2026-12-01T09:00:00".parse().unwrap() };
        assert_eq!(opens_at(&past, &new_york, now), now);
    }

    #[test]
    fn bad_hours_are_refused_with_the_reason() {
        assert!(Hours::parse("Mars/Olympus", 540, 1020, "1111100").unwrap_err().contains("not a time zone"));
        assert!(Hours::parse("UTC", 540, 540, "1111100").is_err());
        assert!(Hours::parse("UTC", 540, 1020, "0000000").unwrap_err().contains("working day"));
    }
}
