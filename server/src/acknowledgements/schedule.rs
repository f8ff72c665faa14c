//! When a request's reminders and escalation fall due. Pure: it takes the
//! request and the time, so the steps are tested without a clock.
//!
//! Reminder steps are `every-<k>` (k intervals after sending) and
//! `before-due` (that many days before the due date, at midnight UTC, and
//! the last: no periodic step follows it), all before the due date ends. At any moment only the latest reminder step
//! due is sent: a server that was down for two weeks sends one reminder,
//! not two. `escalation` falls due when the due date has passed.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::entities::acknowledgement_request as request;

pub const BEFORE_DUE: &str = "before-due";
pub const ESCALATION: &str = "escalation";

fn midnight(date: chrono::NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

/// The end of the due date (the next midnight, UTC).
pub fn due_end(model: &request::Model) -> DateTime<Utc> {
    midnight(model.due_date) + Duration::days(1)
}

/// The reminder step due at `now` and when it fell due, if any.
pub fn reminder_due(model: &request::Model, now: DateTime<Utc>) -> Option<(String, DateTime<Utc>)> {
    let sent = model.sent_at?;
    let end = due_end(model);
    if now >= end {
        return None;
    }
    let mut latest: Option<(String, DateTime<Utc>)> = None;
    if model.remind_every_days > 0 {
        let every = Duration::days(model.remind_every_days as i64);
        let k = (now - sent).num_seconds() / every.num_seconds();
        if k >= 1 {
            latest = Some((format!("every-{k}"), sent + every * k as i32));
        }
    }
    if model.remind_days_before > 0 {
        let at = midnight(model.due_date) - Duration::days(model.remind_days_before as i64);
        // Once it is due, it is the last reminder: no periodic one follows it.
        if at > sent && at <= now {
            latest = Some((BEFORE_DUE.to_owned(), at));
        }
    }
    latest
}

/// Whether the escalation to managers is due at `now`.
pub fn escalation_due(model: &request::Model, now: DateTime<Utc>) -> bool {
    model.escalate_to_manager && model.sent_at.is_some() && now >= due_end(model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn request(every: i32, before: i32) -> request::Model {
        request::Model {
            id: 1,
            collateral_id: 1,
            collateral_version: 1,
            text_sha256: String::new(),
            announcement_id: Some(1),
            audience: "{}".into(),
            due_date: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            statement: String::new(),
            question: String::new(),
            status: request::RequestStatus::Open,
            supersedes_id: None,
            remind_every_days: every,
            remind_days_before: before,
            escalate_to_manager: true,
            created_by: 1,
            created_at: Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
            sent_at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()),
            closed_at: None,
        }
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn weekly_then_before_due_then_escalation() {
        let model = request(7, 2);
        assert_eq!(reminder_due(&model, at(7, 23)), None);
        assert_eq!(reminder_due(&model, at(8, 10)).unwrap().0, "every-1");
        assert_eq!(reminder_due(&model, at(15, 11)).unwrap().0, "every-2");
        assert_eq!(reminder_due(&model, at(28, 23)).unwrap().0, "every-3");
        assert_eq!(reminder_due(&model, at(29, 0)).unwrap().0, "before-due");
        assert_eq!(reminder_due(&model, at(29, 12)).unwrap().0, "before-due");
        assert_eq!(reminder_due(&model, at(31, 23)).unwrap().0, "before-due");
        assert!(!escalation_due(&model, at(31, 23)));
        let after = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(reminder_due(&model, after), None);
        assert!(escalation_due(&model, after));
    }

    #[test]
    fn no_cadence_no_reminders() {
        let model = request(0, 0);
        assert_eq!(reminder_due(&model, at(30, 0)), None);
    }
}
