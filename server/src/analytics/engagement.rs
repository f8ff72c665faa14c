//! Engagement by department over time: for each week, the department rows
//! of that week's announcements added up. Each announcement's rows already
//! went through `breakdown::group` (groups under the minimum folded into
//! "Other", left out when even that is too small, anonymous comments never
//! counted), so every figure here is a sum of groups that were each large
//! enough to show: a week never reveals a group its dashboards would not.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::overview::Sent;
use super::period::{self, Period};

/// One department in one week. People are counted once per announcement:
/// someone sent two announcements that week counts twice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WeekGroupRow {
    /// The Monday the week starts on.
    pub week: NaiveDate,
    pub department: String,
    pub recipients: u64,
    pub opened: u64,
    pub clicked: u64,
    /// Named comments only.
    pub commenters: u64,
}

impl WeekGroupRow {
    pub fn open_rate(&self) -> Option<f64> {
        super::figures::ratio(self.opened, self.recipients)
    }
}

pub struct ByWeek {
    /// Weeks in order, the largest departments first within each.
    pub rows: Vec<WeekGroupRow>,
    /// Every week of the period: (Monday, people who opened, people who clicked), all recipients.
    pub totals: Vec<(NaiveDate, u64, u64)>,
    /// Weeks with recipients in groups too small to show even as "Other".
    pub not_shown: Vec<(NaiveDate, u64)>,
}

pub fn by_week(sent: &[Sent], period: &Period) -> ByWeek {
    let mut groups: BTreeMap<(NaiveDate, String), WeekGroupRow> = BTreeMap::new();
    let mut totals: BTreeMap<NaiveDate, (u64, u64)> = period::weeks(period).into_iter().map(|week| (week, (0, 0))).collect();
    let mut not_shown: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for s in sent {
        let week = period::week_of(s.model.started_at.unwrap_or(s.model.created_at).date_naive());
        let total = totals.entry(week).or_default();
        total.0 += s.figures.unique_opens;
        total.1 += s.figures.unique_email_clickers;
        let breakdown = &s.figures.by_department;
        if breakdown.not_shown > 0 {
            *not_shown.entry(week).or_default() += breakdown.not_shown;
        }
        for group in &breakdown.rows {
            let row = groups
                .entry((week, group.name.clone()))
                .or_insert_with(|| WeekGroupRow { week, department: group.name.clone(), ..Default::default() });
            row.recipients += group.recipients;
            row.opened += group.opened;
            row.clicked += group.clicked;
            row.commenters += group.commenters;
        }
    }
    let mut rows: Vec<WeekGroupRow> = groups.into_values().collect();
    rows.sort_by(|a, b| a.week.cmp(&b.week).then(b.recipients.cmp(&a.recipients)).then(a.department.cmp(&b.department)));
    ByWeek { rows, totals: totals.into_iter().map(|(week, (opened, clicked))| (week, opened, clicked)).collect(), not_shown: not_shown.into_iter().collect() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::breakdown::{Breakdown, GroupRow};
    use crate::analytics::figures::Figures;

    fn sent(id: i32, started: &str, rows: Vec<(&str, u64, u64)>, not_shown: u64) -> Sent {
        let started: chrono::DateTime<chrono::Utc> = started.parse().unwrap();
        let model = crate::entities::announcement::Model {
            id,
            title: format!("A{id}"),
            subject: String::new(),
            template_id: 1,
            message: String::new(),
            audience: "{}".into(),
            status: "sent".into(),
            notify_on_open: false,
            created_by: 1,
            scheduled_at: None,
            started_at: Some(started),
            completed_at: None,
            created_at: started,
            updated_at: started,
            review: "none".into(),
            countdown_until: None,
            send_window: None,
        };
        let by_department = Breakdown {
            rows: rows.into_iter().map(|(name, recipients, opened)| GroupRow { name: name.into(), recipients, opened, clicked: opened / 2, commenters: 0 }).collect(),
            not_shown,
            min_group: 5,
        };
        Sent { model, featured: vec![], figures: Figures { unique_opens: 9, unique_email_clickers: 2, by_department, ..Default::default() } }
    }

    #[test]
    fn a_weeks_groups_are_the_sums_of_its_announcements_groups() {
        let period = Period { from: "2026-11-01".parse().unwrap(), to: "2026-11-20".parse().unwrap() };
        let sent = vec![
            sent(1, "2026-11-03T09:00:00Z", vec![("Payroll", 6, 4), ("Other (groups under 5)", 5, 1)], 0),
            sent(2, "2026-11-08T22:00:00Z", vec![("Payroll", 6, 2)], 3),
            sent(3, "2026-11-10T09:00:00Z", vec![("Legal", 5, 5)], 0),
        ];
        let weeks = by_week(&sent, &period);
        let summary: Vec<(String, &str, u64, u64)> = weeks.rows.iter().map(|r| (r.week.to_string(), r.department.as_str(), r.recipients, r.opened)).collect();
        assert_eq!(
            summary,
            [("2026-11-02".into(), "Payroll", 12, 6), ("2026-11-02".into(), "Other (groups under 5)", 5, 1), ("2026-11-09".into(), "Legal", 5, 5)]
        );
        let mondays: Vec<String> = weeks.totals.iter().map(|(w, _, _)| w.to_string()).collect();
        assert_eq!(mondays, ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"], "every week of the period, empty ones too");
        assert_eq!((weeks.totals[1].1, weeks.totals[1].2), (18, 4));
        assert_eq!(weeks.not_shown, [("2026-11-02".parse().unwrap(), 3)]);
        assert_eq!(weeks.rows[0].open_rate(), Some(0.5));
    }
}
