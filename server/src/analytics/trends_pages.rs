//! `/analytics/trends`: the hot-button trend report of a week or month for
//! HR leads, as a page or CSV; and each lead's choice of getting it by email.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::trend_mail;
use super::trend_period::{Frequency, Period};
use super::trends::{self, Ranking, Report};
use crate::auth::extract::{HrLead, Require};
use crate::auth::CsrfForm;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(Debug, Default, Deserialize)]
pub struct TrendQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    ending: String,
    /// `volume` (the default) or `negative`.
    #[serde(default)]
    sort: String,
    /// `csv` for the export.
    #[serde(default)]
    format: String,
    /// Set after the email choice was saved.
    #[serde(default)]
    saved: String,
}

impl TrendQuery {
    fn period(&self, today: NaiveDate) -> Result<Period> {
        Period::parse(&self.period, &self.ending, today)
    }

    fn ranking(&self) -> Ranking {
        Ranking::parse(&self.sort)
    }
}

#[derive(askama::Template)]
#[template(path = "analytics/trends.html")]
struct TrendsPage {
    layout: Layout,
    report: Report,
    /// `volume` or `negative`.
    sort: &'static str,
    previous_query: String,
    /// None when the next period has not started yet.
    next_query: Option<String>,
    in_progress: bool,
    chart: String,
    /// `week`, `month` or `none`.
    email: &'static str,
    saved: bool,
}

impl TrendsPage {
    fn query(&self) -> String {
        self.report.period.query()
    }
}

pub async fn page(user: Require<HrLead>, State(state): State<AppState>, Query(query): Query<TrendQuery>) -> Result<Response> {
    let today = state.config.clock.now().date_naive();
    let period = query.period(today)?;
    let report = trends::report(&state.db, period, today, query.ranking()).await?;
    if query.format == "csv" {
        return csv(&report);
    }
    let next = period.next();
    let chart = super::svg::bars(
        "Comments and questions per topic",
        &report.topics.iter().take(10).map(|t| (t.label.clone(), f64::from(t.volume))).collect::<Vec<_>>(),
        "",
    );
    let email = trend_mail::chosen(&state.db, user.user().user.id).await?.map_or("none", Frequency::as_str);
    Ok(render(&TrendsPage {
        layout: Layout::for_user(user.user()),
        sort: if query.ranking() == Ranking::Negative { "negative" } else { "volume" },
        previous_query: period.previous().query(),
        next_query: (next.first <= today).then(|| next.query()),
        in_progress: period.last >= today,
        chart,
        email,
        saved: !query.saved.is_empty(),
        report,
    })?
    .into_response())
}

/// `GET /analytics/trends.csv`: the same as `format=csv`.
pub async fn export(_user: Require<HrLead>, State(state): State<AppState>, Query(query): Query<TrendQuery>) -> Result<Response> {
    let today = state.config.clock.now().date_naive();
    let report = trends::report(&state.db, query.period(today)?, today, query.ranking()).await?;
    csv(&report)
}

fn csv(report: &Report) -> Result<Response> {
    let header = [
        "rank", "kind", "topic", "volume", "comments", "questions", "negative", "negative_share", "mean_sentiment", "previous_volume", "change", "hot_button",
        "current_period", "current_volume", "key_phrases", "examples",
    ];
    // The period so far, or empty when the report is not of the last complete period.
    let current = report.current.map(|p| format!("{}..{}", p.first, p.last)).unwrap_or_default();
    let rows = report.topics.iter().enumerate().map(|(rank, t)| {
        vec![
            (rank + 1).to_string(),
            t.kind().to_owned(),
            t.label.clone(),
            t.volume.to_string(),
            t.comments().to_string(),
            t.questions.to_string(),
            t.negative.to_string(),
            format!("{:.3}", t.negative_share()),
            format!("{:.3}", t.mean_sentiment),
            t.previous_volume.to_string(),
            t.change(),
            t.hot_text(),
            current.clone(),
            if report.current.is_some() { t.current_volume.to_string() } else { String::new() },
            t.phrases_text(),
            t.examples.iter().map(|e| e.body.as_str()).collect::<Vec<_>>().join(" | "),
        ]
    });
    let period = report.period;
    crate::web::csv_file::download(&format!("trends-{}-{}.csv", period.frequency.as_str(), period.first), &header, rows)
}

#[derive(Debug, Deserialize)]
pub struct EmailForm {
    /// `week`, `month` or `none`.
    frequency: String,
}

/// `POST /analytics/trends/email`: the signed-in lead's choice.
pub async fn choose_email(user: Require<HrLead>, State(state): State<AppState>, CsrfForm(form): CsrfForm<EmailForm>) -> Result<Redirect> {
    let frequency = match form.frequency.trim() {
        "none" => None,
        other => Some(Frequency::parse(other).ok_or_else(|| AppError::Unprocessable(format!("Choose weekly, monthly or no email, not {other:?}.")))?),
    };
    trend_mail::choose(&state.db, user.user().user.id, frequency).await?;
    Ok(Redirect::to("/analytics/trends?saved=1#email"))
}
