//! `/analytics`: the overview for HR leads. Every announcement of a period
//! with its key figures (sortable by links, no script), the channels, the
//! most- and never-clicked library items and engagement by department per
//! week; and each of its tables as CSV at `/analytics/export.csv`.

use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::Utc;
use serde::Deserialize;

use super::dashboard::{number, percent};
use super::engagement::WeekGroupRow;
use super::item_reach::ItemClicks;
use super::overview::{self, AnnouncementRow, ChannelTotal, Overview};
use super::overview_sort::{self, Column, Direction};
use super::period::Period;
use super::svg;
use crate::auth::extract::{HrLead, Require};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

/// How many rows of a long item list the page shows; the CSV has them all.
const SHOWN_ITEMS: usize = 25;

#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    table: Option<String>,
}

/// The query, parsed: a bad date, column or direction is a 400 that says why.
struct View {
    period: Period,
    column: Column,
    direction: Direction,
}

impl View {
    fn parse(query: &OverviewQuery) -> Result<View> {
        let period = Period::parse(query.from.as_deref(), query.to.as_deref(), Utc::now().date_naive())?;
        let column = match query.sort.as_deref() {
            None | Some("") => Column::Sent,
            Some(name) => Column::parse(name)?,
        };
        let direction = match query.dir.as_deref() {
            None | Some("") => column.natural_direction(),
            Some(name) => Direction::parse(name)?,
        };
        Ok(View { period, column, direction })
    }

    /// A column heading's link: the other direction when it is the sorted column.
    fn header(&self, column: Column, name: &'static str, label: &'static str) -> Header {
        let current = column == self.column;
        let direction = match (current, self.direction) {
            (true, Direction::Asc) => Direction::Desc,
            (true, Direction::Desc) => Direction::Asc,
            (false, _) => column.natural_direction(),
        };
        Header {
            label,
            href: format!("/analytics?{}&sort={name}&dir={}", self.period.query(), direction.name()),
            aria_sort: match (current, self.direction) {
                (false, _) => "none",
                (true, Direction::Asc) => "ascending",
                (true, Direction::Desc) => "descending",
            },
            arrow: match (current, self.direction) {
                (false, _) => "",
                (true, Direction::Asc) => " ▲",
                (true, Direction::Desc) => " ▼",
            },
        }
    }

    fn query(&self) -> String {
        format!("{}&sort={}&dir={}", self.period.query(), self.column.name(), self.direction.name())
    }
}

struct Header {
    label: &'static str,
    href: String,
    aria_sort: &'static str,
    arrow: &'static str,
}

#[derive(askama::Template)]
#[template(path = "analytics/overview.html")]
struct OverviewPage {
    layout: Layout,
    from: String,
    to: String,
    sort: &'static str,
    dir: &'static str,
    /// `from=…&to=…&sort=…&dir=…`, for the CSV links.
    query: String,
    headers: Vec<Header>,
    rows: Vec<AnnouncementRow>,
    channels: Vec<ChannelTotal>,
    channel_chart: String,
    clicked: Vec<ItemClicks>,
    clicked_total: usize,
    item_chart: String,
    /// Featured and not clicked, then never featured.
    unclicked: Vec<ItemClicks>,
    unclicked_total: usize,
    departments: Vec<WeekGroupRow>,
    week_chart: String,
    not_shown: Vec<(chrono::NaiveDate, u64)>,
    min_group: u64,
}

impl OverviewPage {
    fn percent(&self, value: &Option<f64>) -> String {
        percent(*value)
    }

    fn temperature(&self, value: &Option<i32>) -> String {
        number(value.map(f64::from))
    }
}

async fn load(state: &AppState, view: &View) -> Result<Overview> {
    state.recorder.settled().await;
    let mut overview = overview::for_period(&state.db, &view.period, state.config.analytics_min_group).await?;
    overview_sort::sort(&mut overview.announcements, view.column, view.direction);
    Ok(overview)
}

fn never_clicked(overview: &Overview) -> impl Iterator<Item = &ItemClicks> {
    overview.items.unclicked.iter().chain(&overview.items.never_featured)
}

pub async fn page(user: Require<HrLead>, State(state): State<AppState>, Query(query): Query<OverviewQuery>) -> Result<Html<String>> {
    let view = View::parse(&query)?;
    let o = load(&state, &view).await?;
    let week_labels: Vec<String> = o.weeks.iter().map(|(monday, _, _)| monday.format("%d %b").to_string()).collect();
    let opened: Vec<u64> = o.weeks.iter().map(|(_, opened, _)| *opened).collect();
    let clicked: Vec<u64> = o.weeks.iter().map(|(_, _, clicked)| *clicked).collect();
    let top: Vec<(String, f64)> = o.items.clicked.iter().take(10).map(|i| (i.title.clone(), i.clicks as f64)).collect();
    render(&OverviewPage {
        layout: Layout::for_user(user.user()),
        from: view.period.from.to_string(),
        to: view.period.to.to_string(),
        sort: view.column.name(),
        dir: view.direction.name(),
        query: view.query(),
        headers: Column::ALL.iter().map(|(column, name, label)| view.header(*column, name, label)).collect(),
        channel_chart: svg::bars("Human clicks per channel in the period", &o.channels.iter().map(|c| (c.channel.clone(), c.clicks as f64)).collect::<Vec<_>>(), ""),
        item_chart: svg::bars("Most-clicked library items", &top, ""),
        week_chart: svg::columns("People who opened and clicked, per week", &week_labels, ("opened", &opened), ("clicked", &clicked)),
        clicked_total: o.items.clicked.len(),
        clicked: o.items.clicked.iter().take(SHOWN_ITEMS).cloned().collect(),
        unclicked_total: never_clicked(&o).count(),
        unclicked: never_clicked(&o).take(SHOWN_ITEMS * 2).cloned().collect(),
        not_shown: o.not_shown,
        min_group: state.config.analytics_min_group,
        rows: o.announcements,
        channels: o.channels,
        departments: o.departments,
    })
}

fn ratio_cell(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.4}")).unwrap_or_default()
}

pub async fn export(_user: Require<HrLead>, State(state): State<AppState>, Query(query): Query<OverviewQuery>) -> Result<Response> {
    let view = View::parse(&query)?;
    let table = query.table.as_deref().unwrap_or("announcements");
    if !["announcements", "channels", "items", "never-clicked", "departments"].contains(&table) {
        return Err(AppError::BadRequest(format!("unknown table {table:?}; expected announcements, channels, items, never-clicked or departments")));
    }
    let o = load(&state, &view).await?;
    let (header_row, rows): (Vec<&str>, Vec<Vec<String>>) = match table {
        "announcements" => (
            vec!["id", "title", "started_at", "recipients", "delivered", "open_rate", "click_through", "click_to_open", "unique_human_clicks", "comments", "open_questions", "temperature"],
            o.announcements
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.title.clone(),
                        r.started_at.to_rfc3339(),
                        r.recipients.to_string(),
                        r.delivered.to_string(),
                        ratio_cell(r.open_rate),
                        ratio_cell(r.click_through),
                        ratio_cell(r.click_to_open),
                        if r.withheld { String::new() } else { r.unique_human_clicks.to_string() },
                        r.comments.to_string(),
                        r.open_questions.to_string(),
                        r.temperature.map(|t| t.to_string()).unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "channels" => (
            vec!["channel", "human_clicks", "share", "all_clicks"],
            o.channels.iter().map(|c| vec![c.channel.clone(), c.clicks.to_string(), ratio_cell(c.share), c.raw.to_string()]).collect(),
        ),
        "items" => (
            vec!["collateral_id", "title", "status", "human_clicks", "announcements"],
            o.items.clicked.iter().map(|i| vec![i.collateral_id.to_string(), i.title.clone(), i.status.clone(), i.clicks.to_string(), i.announcements.to_string()]).collect(),
        ),
        "never-clicked" => (
            vec!["collateral_id", "title", "featured_in_period", "reason"],
            never_clicked(&o)
                .map(|i| {
                    let reason = if i.announcements > 0 { "featured, not clicked" } else { "never featured" };
                    vec![i.collateral_id.to_string(), i.title.clone(), i.announcements.to_string(), reason.to_owned()]
                })
                .collect(),
        ),
        _ => (
            vec!["week", "department", "recipients", "opened", "clicked", "named_commenters"],
            o.departments
                .iter()
                .map(|r| vec![r.week.to_string(), r.department.clone(), r.recipients.to_string(), r.opened.to_string(), r.clicked.to_string(), r.commenters.to_string()])
                .collect(),
        ),
    };
    crate::web::csv_file::download(&format!("analytics-{table}-{}-to-{}.csv", view.period.from, view.period.to), &header_row, rows)
}
