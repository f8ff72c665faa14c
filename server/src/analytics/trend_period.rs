//! The periods of trend reports: ISO weeks (Monday to Sunday) and calendar
//! months, in UTC. A report covers one whole period and compares it with
//! the one before; the scheduler sends each period once.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc};

use crate::error::{AppError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frequency {
    Week,
    Month,
}

impl Frequency {
    pub const ALL: [Frequency; 2] = [Frequency::Week, Frequency::Month];

    pub fn parse(value: &str) -> Option<Frequency> {
        match value.trim() {
            "week" => Some(Frequency::Week),
            "month" => Some(Frequency::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Week => "week",
            Frequency::Month => "month",
        }
    }

    /// "weekly" or "monthly".
    pub fn adverb(self) -> &'static str {
        match self {
            Frequency::Week => "weekly",
            Frequency::Month => "monthly",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub frequency: Frequency,
    /// The first day.
    pub first: NaiveDate,
    /// The last day, included.
    pub last: NaiveDate,
}

impl Period {
    /// The week or month that contains `day`.
    pub fn containing(frequency: Frequency, day: NaiveDate) -> Period {
        let first = match frequency {
            Frequency::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Frequency::Month => day.with_day(1).unwrap_or(day),
        };
        let last = match frequency {
            Frequency::Week => first + Duration::days(6),
            Frequency::Month => first.checked_add_months(Months::new(1)).map_or(first, |next| next - Duration::days(1)),
        };
        Period { frequency, first, last }
    }

    /// The last whole period before `today`.
    pub fn last_complete(frequency: Frequency, today: NaiveDate) -> Period {
        Period::containing(frequency, today).previous()
    }

    /// `period=week|month&ending=YYYY-MM-DD` from a query string: the period
    /// that contains `ending`, by default the last complete one.
    pub fn parse(period: &str, ending: &str, today: NaiveDate) -> Result<Period> {
        let frequency = match period.trim() {
            "" => Frequency::Week,
            other => Frequency::parse(other).ok_or_else(|| AppError::BadRequest(format!("period: expected week or month, got {other:?}")))?,
        };
        match ending.trim() {
            "" => Ok(Period::last_complete(frequency, today)),
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|day| Period::containing(frequency, day))
                .map_err(|_| AppError::BadRequest(format!("ending: expected a date like 2026-11-22 (YYYY-MM-DD), got {text:?}"))),
        }
    }

    pub fn previous(self) -> Period {
        Period::containing(self.frequency, self.first - Duration::days(1))
    }

    pub fn next(self) -> Period {
        Period::containing(self.frequency, self.last + Duration::days(1))
    }

    /// The first instant of the period.
    pub fn start(self) -> DateTime<Utc> {
        self.first.and_time(NaiveTime::MIN).and_utc()
    }

    /// The first instant after the period.
    pub fn end(self) -> DateTime<Utc> {
        (self.last + Duration::days(1)).and_time(NaiveTime::MIN).and_utc()
    }

    /// What the scheduler records as sent: the first day, which sorts in
    /// time order as text.
    pub fn key(self) -> String {
        self.first.format("%Y-%m-%d").to_string()
    }

    /// "week 47, 16–22 Nov 2026" or "November 2026".
    pub fn label(self) -> String {
        match self.frequency {
            Frequency::Week => {
                let from = if self.first.month() == self.last.month() { self.first.format("%-d").to_string() } else { self.first.format("%-d %b").to_string() };
                format!("week {}, {from}–{}", self.first.iso_week().week(), self.last.format("%-d %b %Y"))
            }
            Frequency::Month => self.first.format("%B %Y").to_string(),
        }
    }

    /// `period=…&ending=…`, for links to this period's report.
    pub fn query(self) -> String {
        format!("period={}&ending={}", self.frequency.as_str(), self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn weeks_run_monday_to_sunday_and_months_are_calendar_months() {
        let week = Period::containing(Frequency::Week, day("2026-11-22"));
        assert_eq!((week.first, week.last), (day("2026-11-16"), day("2026-11-22")), "a Sunday ends its week");
        assert_eq!(week.label(), "week 47, 16–22 Nov 2026");
        assert_eq!(Period::containing(Frequency::Week, day("2026-12-02")).label(), "week 49, 30 Nov–6 Dec 2026");
        let february = Period::containing(Frequency::Month, day("2028-02-10"));
        assert_eq!((february.first, february.last), (day("2028-02-01"), day("2028-02-29")));
        assert_eq!(february.label(), "February 2028");
        assert_eq!(february.previous().first, day("2028-01-01"));
        assert_eq!(february.next().last, day("2028-03-31"));
        assert_eq!(week.end().to_rfc3339(), "2026-11-23T00:00:00+00:00");
    }

    #[test]
    fn the_default_is_the_last_complete_period() {
        let today = day("2026-11-23");
        assert_eq!(Period::parse("", "", today).unwrap().first, day("2026-11-16"));
        assert_eq!(Period::parse("month", "", today).unwrap().first, day("2026-10-01"));
        assert_eq!(Period::parse("month", "2026-11-05", today).unwrap().last, day("2026-11-30"));
        assert!(Period::parse("year", "", today).unwrap_err().to_string().contains("week or month"));
        assert!(Period::parse("week", "22/11/2026", today).unwrap_err().to_string().contains("YYYY-MM-DD"));
    }
}
