//! `/analytics/announcements/{id}`: an announcement's reach and reaction at
//! a glance, for HR leads, every figure beside its baseline; and each of
//! its tables as CSV.

use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;

use super::baseline::{self, Baseline};
use super::figures::Figures;
use super::svg;
use crate::auth::extract::{HrLead, Require};
use crate::entities::announcement;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

/// One headline figure with what it usually is.
pub struct KeyFigure {
    pub label: &'static str,
    pub value: String,
    pub usual: String,
    pub comparison: String,
    pub note: &'static str,
}

#[derive(askama::Template)]
#[template(path = "analytics/announcement.html")]
struct DashboardPage {
    layout: Layout,
    id: i32,
    title: String,
    sent: String,
    figures: Figures,
    baseline: Baseline,
    key: Vec<KeyFigure>,
    channel_chart: String,
    collateral_chart: String,
    sentiment_chart: String,
    feelings_chart: String,
    timeline_chart: String,
    /// (heading, CSV table name, rows).
    breakdowns: Vec<(&'static str, &'static str, super::breakdown::Breakdown)>,
}

pub(super) fn percent(value: Option<f64>) -> String {
    value.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "–".into())
}

pub(super) fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into())
}

pub fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 3_600 => format!("{} min", (s / 60).max(1)),
        s if s < 172_800 => format!("{:.1} h", s as f64 / 3_600.0),
        s => format!("{:.1} d", s as f64 / 86_400.0),
    }
}

fn key_figures(f: &Figures, b: &Baseline) -> Vec<KeyFigure> {
    let rates = baseline::Rates::of(f);
    let usual = &b.median;
    let rate = |label, value: Option<f64>, usual: Option<f64>, note| KeyFigure {
        label,
        value: percent(value),
        usual: percent(usual),
        comparison: baseline::compare(value, usual),
        note,
    };
    let mut key = vec![
        KeyFigure { label: "Recipients", value: f.recipients.to_string(), usual: String::new(), comparison: String::new(), note: "" },
        KeyFigure { label: "Delivered", value: f.delivered.to_string(), usual: String::new(), comparison: String::new(), note: "" },
        KeyFigure { label: "Bounced", value: f.bounced.to_string(), usual: String::new(), comparison: String::new(), note: "" },
        KeyFigure {
            label: "Unique opens",
            value: f.unique_opens.to_string(),
            usual: String::new(),
            comparison: String::new(),
            note: "certain: the mail client loaded the image (a lower bound: images may be blocked)",
        },
        KeyFigure {
            label: "Approximate opens",
            value: format!("≈ {}", f.approximate_opens),
            usual: String::new(),
            comparison: String::new(),
            note: "only through a mail provider's image proxy (Gmail, Yahoo, Apple Mail): probably read",
        },
        rate("Open rate", rates.open_rate, usual.open_rate, "certain opens ÷ delivered"),
        KeyFigure { label: "Unique human clicks", value: f.clicks.unique_human.to_string(), usual: String::new(), comparison: String::new(), note: "people, any channel" },
        rate("Click-through", rates.click_through, usual.click_through, "email clickers ÷ delivered"),
        rate("Click-to-open", rates.click_to_open, usual.click_to_open, "email clickers ÷ openers, certain and approximate"),
        KeyFigure {
            label: "Reach",
            value: format!("{} + {}", f.reached.employees, f.reached.anonymous_visitors),
            usual: String::new(),
            comparison: String::new(),
            note: "employees by any channel + visitors from social links",
        },
        KeyFigure {
            label: "Read in the portal",
            value: f.reading.read.to_string(),
            usual: String::new(),
            comparison: format!("{} skimmed, {} glanced", f.reading.skimmed, f.reading.glanced),
            note: "read over 8 s; skimmed 3–8 s; glanced under 3 s",
        },
        KeyFigure {
            label: "Comments",
            value: f.comments.to_string(),
            usual: usual.comments_per_100.map(|v| format!("{v:.1} per 100")).unwrap_or_else(|| "–".into()),
            comparison: baseline::compare(rates.comments_per_100, usual.comments_per_100),
            note: "per 100 recipients compared",
        },
        KeyFigure {
            label: "Open questions",
            value: format!("{} of {}", f.questions.open, f.questions.total),
            usual: String::new(),
            comparison: f.questions.median_response_seconds.map(|s| format!("median first answer {}", duration(s))).unwrap_or_default(),
            note: "",
        },
        KeyFigure {
            label: "Temperature",
            value: number(rates.temperature),
            usual: number(usual.temperature),
            comparison: baseline::compare_temperature(rates.temperature, usual.temperature),
            note: "−100 very negative … +100 very positive",
        },
    ];
    let withheld: &[&str] = match (super::disclosure::behaviour_withheld(f), f.withheld.is_some()) {
        (true, _) => &["Unique opens", "Approximate opens", "Open rate", "Unique human clicks", "Click-through", "Click-to-open", "Reach", "Read in the portal", "Temperature"],
        (false, true) => &["Temperature"],
        (false, false) => &[],
    };
    for figure in key.iter_mut().filter(|k| withheld.contains(&k.label)) {
        figure.value = "not shown".into();
        figure.comparison = String::new();
        figure.usual = String::new();
    }
    key
}

async fn load(state: &AppState, id: i32) -> Result<(announcement::Model, Figures)> {
    let model = crate::spotlights::service::find(&state.db, id).await?;
    if model.started_at.is_none() {
        return Err(AppError::NotFound);
    }
    state.recorder.settled().await;
    let figures = super::disclosure::figures(&state.db, &model, state.config.analytics_min_group).await?;
    Ok((model, figures))
}

pub async fn page(user: Require<HrLead>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let (model, f) = load(&state, id).await?;
    let baseline = baseline::for_announcement(&state.db, &model, state.config.analytics_min_group).await?;
    let timeline_labels: Vec<String> =
        f.timeline.iter().map(|b| if b.hourly { b.start.format("%d %H:00").to_string() } else { b.start.format("%d %b").to_string() }).collect();
    let opens: Vec<u64> = f.timeline.iter().map(|b| b.opens).collect();
    let clicks: Vec<u64> = f.timeline.iter().map(|b| b.clicks).collect();
    let faces = ["😡 very unhappy", "😟 unhappy", "😐 neutral", "🙂 happy", "😀 very happy"];
    render(&DashboardPage {
        layout: Layout::for_user(user.user()),
        id,
        sent: model.started_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default(),
        channel_chart: svg::bars("Human clicks per channel", &f.clicks_by_channel.iter().map(|c| (c.channel.clone(), c.clicks as f64)).collect::<Vec<_>>(), ""),
        collateral_chart: svg::bars(
            "Human clicks per featured item",
            &f.clicks_by_collateral.iter().map(|c| (c.title.clone(), c.clicks as f64)).collect::<Vec<_>>(),
            "",
        ),
        sentiment_chart: svg::bars(
            "Comments by sentiment",
            &[("negative".into(), f.sentiment.negative as f64), ("neutral".into(), f.sentiment.neutral as f64), ("positive".into(), f.sentiment.positive as f64)],
            "",
        ),
        feelings_chart: svg::bars("Quick reactions", &faces.iter().zip(f.feelings).map(|(label, votes)| (label.to_string(), votes as f64)).collect::<Vec<_>>(), ""),
        timeline_chart: svg::columns("Opens and clicks over time", &timeline_labels, ("opens", &opens), ("clicks", &clicks)),
        key: key_figures(&f, &baseline),
        breakdowns: vec![("By department", "departments", f.by_department.clone()), ("By location", "locations", f.by_location.clone())],
        title: model.title,
        figures: f,
        baseline,
    })
}

#[derive(Deserialize)]
pub struct ExportQuery {
    table: String,
}

pub async fn export(_user: Require<HrLead>, State(state): State<AppState>, Path(id): Path<i32>, Query(query): Query<ExportQuery>) -> Result<Response> {
    let (_, f) = load(&state, id).await?;
    let (header_row, rows): (Vec<&str>, Vec<Vec<String>>) = match query.table.as_str() {
        "collateral" => (vec!["collateral_id", "title", "human_clicks"], f.clicks_by_collateral.iter().map(|c| vec![c.collateral_id.to_string(), c.title.clone(), c.clicks.to_string()]).collect()),
        "channels" => (vec!["channel", "human_clicks", "all_clicks"], f.clicks_by_channel.iter().map(|c| vec![c.channel.clone(), c.clicks.to_string(), c.raw.to_string()]).collect()),
        "timeline" => (
            vec!["start", "granularity", "opens", "clicks"],
            f.timeline.iter().map(|b| vec![b.start.to_rfc3339(), if b.hourly { "hour" } else { "day" }.into(), b.opens.to_string(), b.clicks.to_string()]).collect(),
        ),
        "departments" | "locations" => {
            let breakdown = if query.table == "departments" { &f.by_department } else { &f.by_location };
            (
                vec!["group", "recipients", "opened", "clicked", "named_commenters"],
                breakdown.rows.iter().map(|r| vec![r.name.clone(), r.recipients.to_string(), r.opened.to_string(), r.clicked.to_string(), r.commenters.to_string()]).collect(),
            )
        }
        "temperature" => (vec!["day", "temperature", "signals"], f.temperature_by_day.iter().map(|d| vec![d.day.clone(), d.temperature.to_string(), d.signals.to_string()]).collect()),
        other => return Err(AppError::BadRequest(format!("unknown table {other:?}; expected collateral, channels, timeline, departments, locations or temperature"))),
    };
    crate::web::csv_file::download(&format!("announcement-{id}-{}.csv", query.table), &header_row, rows)
}
