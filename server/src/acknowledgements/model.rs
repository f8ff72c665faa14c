//! A request as submitted, parsed at the edge: the item, the audience, the
//! due date, what people confirm, and the reminder cadence.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::spotlights::model::Audience;

/// The longest statement or question HR may write.
const MAX_TEXT: usize = 2_000;

/// How often and when people who have not confirmed are reminded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Cadence {
    /// A reminder every this many days after sending, until the due date; 0: none.
    #[serde(default = "default_every")]
    pub every_days: i32,
    /// One more reminder this many days before the due date; 0: none.
    #[serde(default = "default_before")]
    pub days_before: i32,
    /// The day after the due date, each pending person's manager is told once.
    #[serde(default)]
    pub escalate_to_manager: bool,
}

fn default_every() -> i32 {
    7
}

fn default_before() -> i32 {
    2
}

impl Default for Cadence {
    fn default() -> Cadence {
        Cadence { every_days: default_every(), days_before: default_before(), escalate_to_manager: false }
    }
}

/// The raw parts of a request, from the form or the API.
#[derive(Clone, Debug, Default)]
pub struct RawRequest {
    pub collateral_id: i32,
    pub audience: Audience,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub statement: String,
    pub question: String,
    pub cadence: Cadence,
}

/// A request whose parts are each valid; the item and audience are checked against the database by `sending`.
#[derive(Clone, Debug)]
pub struct RequestInput {
    pub collateral_id: i32,
    pub audience: Audience,
    pub due_date: NaiveDate,
    /// Empty: the default statement naming the item and its version.
    pub statement: String,
    pub question: String,
    pub cadence: Cadence,
}

impl RawRequest {
    /// Every problem at once; `today` is the clock's date (a due date in the past is refused).
    pub fn parse(self, today: NaiveDate) -> Result<RequestInput, Vec<String>> {
        let mut errors = vec![];
        let due_date = match NaiveDate::parse_from_str(self.due_date.trim(), "%Y-%m-%d") {
            Ok(date) if date < today => {
                errors.push(format!("The due date {date} is in the past; choose today or a later day."));
                None
            }
            Ok(date) => Some(date),
            Err(_) if self.due_date.trim().is_empty() => {
                errors.push("Choose a due date.".into());
                None
            }
            Err(_) => {
                errors.push(format!("“{}” is not a date; write it as YYYY-MM-DD.", self.due_date.trim()));
                None
            }
        };
        for (label, text) in [("statement", &self.statement), ("question", &self.question)] {
            if text.chars().count() > MAX_TEXT {
                errors.push(format!("The {label} is longer than {MAX_TEXT} characters."));
            }
        }
        let cadence = self.cadence;
        if !(0..=90).contains(&cadence.every_days) || !(0..=90).contains(&cadence.days_before) {
            errors.push("Reminder intervals must be between 0 (none) and 90 days.".into());
        }
        let audience = match self.audience.normalised() {
            Ok(audience) if audience.is_empty() => {
                errors.push("Choose who must confirm: people, lists, departments, locations, roles or everyone.".into());
                audience
            }
            Ok(audience) => audience,
            Err(found) => {
                errors.extend(found);
                Audience::default()
            }
        };
        match (errors.is_empty(), due_date) {
            (true, Some(due_date)) => Ok(RequestInput {
                collateral_id: self.collateral_id,
                audience,
                due_date,
                statement: self.statement.trim().to_owned(),
                question: self.question.trim().to_owned(),
                cadence,
            }),
            _ => Err(errors),
        }
    }
}

/// The statement people confirm when HR wrote none.
pub fn default_statement(title: &str, version: i32) -> String {
    format!("I have read and understood “{title}”, version {version}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawRequest {
        RawRequest {
            collateral_id: 1,
            audience: Audience { everyone: true, ..Default::default() },
            due_date: "2026-12-20".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_due_date_in_the_past_or_malformed_is_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert!(raw().parse(today).is_ok());
        let past = RawRequest { due_date: "2026-12-01".into(), ..raw() };
        assert!(past.parse(today).unwrap_err()[0].contains("in the past"));
        let bad = RawRequest { due_date: "next week".into(), audience: Audience::default(), ..raw() };
        assert_eq!(bad.parse(today).unwrap_err().len(), 2);
    }
}
