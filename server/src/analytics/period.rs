//! The period an overview covers: whole UTC days from `from` to `to`, both
//! included, parsed from the query string at the edge so a bad date is a
//! 400 with a message saying what was expected.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::error::{AppError, Result};

/// The days a period covers when the query does not say.
pub const DEFAULT_DAYS: i64 = 30;
/// The longest period one page computes (a year, leap or not).
pub const MAX_DAYS: i64 = 366;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn date(name: &str, value: Option<&str>) -> Result<Option<NaiveDate>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("{name}: expected a date like 2026-11-02 (YYYY-MM-DD), got {text:?}"))),
    }
}

impl Period {
    /// Missing ends default to the last 30 days up to `today`.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Period> {
        let (from, to) = (date("from", from)?, date("to", to)?);
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
        if from > to {
            return Err(AppError::BadRequest(format!("from ({from}) is after to ({to}): the period must start on or before its last day")));
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_DAYS {
            return Err(AppError::BadRequest(format!("the period is {days} days long; choose at most {MAX_DAYS} days")));
        }
        Ok(Period { from, to })
    }

    /// The first instant of the period.
    pub fn start(&self) -> DateTime<Utc> {
        self.from.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// The first instant after the period.
    pub fn end(&self) -> DateTime<Utc> {
        (self.to + Duration::days(1)).and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// `from=…&to=…`, for links that keep the period.
    pub fn query(&self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }
}

/// The Monday that starts the (ISO) week of `day`.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The Mondays of every week that overlaps the period.
pub fn weeks(period: &Period) -> Vec<NaiveDate> {
    let mut weeks = Vec::new();
    let mut monday = week_of(period.from);
    while monday <= period.to {
        weeks.push(monday);
        monday += Duration::days(7);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_default_is_the_last_thirty_days() {
        let period = Period::parse(None, Some(""), day("2026-11-30")).unwrap();
        assert_eq!(period, Period { from: day("2026-11-01"), to: day("2026-11-30") });
        assert_eq!(period.start().to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(period.end().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        let only_to = Period::parse(None, Some("2026-03-10"), day("2026-11-30")).unwrap();
        assert_eq!(only_to.from, day("2026-02-09"));
    }

    #[test]
    fn bad_dates_say_what_was_expected() {
        let today = day("2026-11-30");
        let message = |from, to| Period::parse(from, to, today).unwrap_err().to_string();
        assert_eq!(message(Some("2026-13-01"), None), "from: expected a date like 2026-11-02 (YYYY-MM-DD), got \"2026-13-01\"");
        assert!(message(None, Some("yesterday")).starts_with("to: expected a date"));
        assert!(message(Some("2026-11-05"), Some("2026-11-04")).contains("is after"));
        assert!(message(Some("2020-01-01"), Some("2026-01-01")).contains("at most 366 days"));
        assert!(Period::parse(Some("2025-01-01"), Some("2025-12-31"), today).is_ok());
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of(day("2026-11-08")), day("2026-11-02"), "a Sunday belongs to the week before");
        assert_eq!(week_of(day("2026-11-02")), day("2026-11-02"));
        let period = Period { from: day("2026-11-04"), to: day("2026-11-16") };
        assert_eq!(weeks(&period), vec![day("2026-11-02"), day("2026-11-09"), day("2026-11-16")]);
    }
}
