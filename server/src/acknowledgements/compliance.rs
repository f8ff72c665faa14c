//! Where a request stands: the one definition of its figures (confirmed,
//! pending, overdue, left), used by the compliance page, the exports and
//! the API. Counted in the database: a request to 10,000 people loads
//! counts, not 10,000 rows.
//!
//! A person is *confirmed* once they have an attestation for the request;
//! otherwise *left* if their account was deactivated, *overdue* once the due
//! date has passed, and *pending* before that.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde::Serialize;
use utoipa::ToSchema;

use crate::entities::acknowledgement_request as request;
use crate::error::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PersonStatus {
    Confirmed,
    Pending,
    Overdue,
    Left,
}

impl PersonStatus {
    pub fn of(confirmed: bool, active: bool, overdue: bool) -> PersonStatus {
        match (confirmed, active, overdue) {
            (true, _, _) => PersonStatus::Confirmed,
            (false, false, _) => PersonStatus::Left,
            (false, true, true) => PersonStatus::Overdue,
            (false, true, false) => PersonStatus::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PersonStatus::Confirmed => "confirmed",
            PersonStatus::Pending => "pending",
            PersonStatus::Overdue => "overdue",
            PersonStatus::Left => "left",
        }
    }
}

/// Whether the request's due date has passed on `today`.
pub fn is_overdue(model: &request::Model, today: NaiveDate) -> bool {
    today > model.due_date
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = AcknowledgementCounts)]
pub struct Counts {
    pub asked: u64,
    pub confirmed: u64,
    /// Not confirmed, due date not yet passed.
    pub pending: u64,
    /// Not confirmed, due date passed.
    pub overdue: u64,
    /// Not confirmed and no longer here (account deactivated).
    pub left: u64,
}

impl Counts {
    fn add(&mut self, status: PersonStatus, n: u64) {
        self.asked += n;
        match status {
            PersonStatus::Confirmed => self.confirmed += n,
            PersonStatus::Pending => self.pending += n,
            PersonStatus::Overdue => self.overdue += n,
            PersonStatus::Left => self.left += n,
        }
    }

    /// Confirmed share of those asked who are still here, 0–100.
    pub fn percent_confirmed(&self) -> u64 {
        let here = self.asked - self.left;
        if here == 0 { 0 } else { self.confirmed * 100 / here }
    }
}

/// A request's counts overall and by department and location.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
#[schema(as = AcknowledgementFigures)]
pub struct Figures {
    pub counts: Counts,
    pub departments: BTreeMap<String, Counts>,
    pub locations: BTreeMap<String, Counts>,
}

pub async fn figures(db: &impl ConnectionTrait, model: &request::Model, today: NaiveDate) -> Result<Figures> {
    let overdue = is_overdue(model, today);
    let backend = db.get_database_backend();
    let p1 = placeholder(backend, 1);
    let sql = format!(
        "SELECT department, location, confirmed, active, COUNT(*) AS n FROM ( \
           SELECT p.department AS department, p.location AS location, \
             CASE WHEN a.id IS NULL THEN 0 ELSE 1 END AS confirmed, \
             CASE WHEN u.active THEN 1 ELSE 0 END AS active \
           FROM acknowledgement_people p \
           LEFT JOIN attestations a ON a.request_id = p.request_id AND a.user_id = p.user_id \
           LEFT JOIN users u ON u.id = p.user_id \
           WHERE p.request_id = {p1}) t \
         GROUP BY department, location, confirmed, active"
    );
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, [model.id.into()])).await?;
    let mut figures = Figures::default();
    for row in rows {
        let department: String = row.try_get("", "department")?;
        let location: String = row.try_get("", "location")?;
        let confirmed: i32 = row.try_get("", "confirmed")?;
        let active: i32 = row.try_get("", "active")?;
        let n: i64 = row.try_get("", "n")?;
        let status = PersonStatus::of(confirmed == 1, active == 1, overdue);
        figures.counts.add(status, n as u64);
        figures.departments.entry(department).or_default().add(status, n as u64);
        figures.locations.entry(location).or_default().add(status, n as u64);
    }
    Ok(figures)
}

/// Confirmations per day (UTC), oldest first: the timeline.
pub async fn timeline(db: &impl ConnectionTrait, request_id: i32) -> Result<Vec<(String, u64)>> {
    let backend = db.get_database_backend();
    let day = match backend {
        DatabaseBackend::Postgres => "to_char(confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        _ => "substr(confirmed_at, 1, 10)",
    };
    let sql = format!("SELECT {day} AS day, COUNT(*) AS n FROM attestations WHERE request_id = {} GROUP BY {day} ORDER BY day", placeholder(backend, 1));
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, [request_id.into()])).await?;
    let mut days = Vec::with_capacity(rows.len());
    for row in rows {
        let day: String = row.try_get("", "day")?;
        let n: i64 = row.try_get("", "n")?;
        days.push((day, n as u64));
    }
    Ok(days)
}

/// One person's standing, for the list, the CSV and the API.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonRow {
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub department: String,
    pub location: String,
    pub manager_email: Option<String>,
    pub manager_name: Option<String>,
    pub status: PersonStatus,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// email, portal or api.
    pub channel: Option<String>,
    pub version: Option<i32>,
    pub text_sha256: Option<String>,
    pub answer: Option<String>,
}

/// People of the request in name order; `only_outstanding` keeps those not
/// confirmed (pending or overdue), `limit` bounds the list (None: everyone).
pub async fn people(db: &impl ConnectionTrait, model: &request::Model, today: NaiveDate, only_outstanding: bool, limit: Option<u64>) -> Result<Vec<PersonRow>> {
    let overdue = is_overdue(model, today);
    let backend = db.get_database_backend();
    let outstanding = if only_outstanding { " AND a.id IS NULL AND u.active" } else { "" };
    let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
    let sql = format!(
        "SELECT p.user_id, p.name, p.email, p.department, p.location, p.manager_email, m.name AS manager_name, \
           CASE WHEN u.active THEN 1 ELSE 0 END AS active, \
           a.confirmed_at, a.channel, a.collateral_version, a.text_sha256, a.answer \
         FROM acknowledgement_people p \
         LEFT JOIN attestations a ON a.request_id = p.request_id AND a.user_id = p.user_id \
         LEFT JOIN users u ON u.id = p.user_id \
         LEFT JOIN users m ON m.email = p.manager_email \
         WHERE p.request_id = {}{outstanding} ORDER BY p.name, p.id{limit}",
        placeholder(backend, 1)
    );
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, [model.id.into()])).await?;
    let mut people = Vec::with_capacity(rows.len());
    for row in rows {
        let confirmed_at: Option<DateTime<Utc>> = row.try_get("", "confirmed_at")?;
        let active: i32 = row.try_get("", "active")?;
        people.push(PersonRow {
            user_id: row.try_get("", "user_id")?,
            name: row.try_get("", "name")?,
            email: row.try_get("", "email")?,
            department: row.try_get("", "department")?,
            location: row.try_get("", "location")?,
            manager_email: row.try_get("", "manager_email")?,
            manager_name: row.try_get("", "manager_name")?,
            status: PersonStatus::of(confirmed_at.is_some(), active == 1, overdue),
            confirmed_at,
            channel: row.try_get("", "channel")?,
            version: row.try_get("", "collateral_version")?,
            text_sha256: row.try_get("", "text_sha256")?,
            answer: row.try_get("", "answer")?,
        });
    }
    Ok(people)
}

pub fn placeholder(backend: DatabaseBackend, n: usize) -> String {
    if backend == DatabaseBackend::Postgres { format!("${n}") } else { format!("?{n}") }
}
