//! `/spotlights/locations`: each directory location's time zone and working
//! hours, which sending windows go by. HR staff see them; HR leads set them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::Fields;
use super::locations;
use super::window::Hours;
use crate::auth::extract::{HrLead, HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::user;
use crate::error::Result;
use crate::state::AppState;
use crate::web::layout::{render, Layout};

pub struct LocationRow {
    pub location: String,
    pub zone: String,
    pub start: String,
    pub end: String,
    /// Monday first.
    pub days: Vec<(&'static str, bool)>,
    /// Nobody set it: the default applies.
    pub default: bool,
}

#[derive(askama::Template)]
#[template(path = "spotlights/locations.html")]
struct LocationsPage {
    layout: Layout,
    rows: Vec<LocationRow>,
    saved: bool,
    error: String,
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn clock(minute: i32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

async fn page(state: &AppState, auth: &AuthSession, saved: bool, error: String) -> Result<LocationsPage> {
    let known = locations::all(&state.db).await?;
    let rows = crate::users::service::distinct_values(&state.db, user::Column::Location)
        .await?
        .into_iter()
        .filter(|location| !location.is_empty())
        .map(|location| {
            let hours = locations::of(&known, &location);
            LocationRow {
                default: !known.contains_key(&location),
                zone: hours.zone_name.clone(),
                start: clock(hours.start_minute),
                end: clock(hours.end_minute),
                days: DAYS.iter().zip(hours.weekdays).map(|(d, on)| (*d, on)).collect(),
                location,
            }
        })
        .collect();
    Ok(LocationsPage { layout: Layout::for_user(auth), rows, saved, error })
}

#[derive(Debug, Default, Deserialize)]
pub struct LocationsQuery {
    #[serde(default)]
    saved: bool,
}

pub async fn index(user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<LocationsQuery>) -> Result<Html<String>> {
    render(&page(&state, user.user(), query.saved, String::new()).await?)
}

fn minutes(text: &str) -> Option<i32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// Sets one location's zone and hours; a mistake shows the page again with the reason.
pub async fn save(user: Require<HrLead>, State(state): State<AppState>, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> Result<Response> {
    let fields = Fields(fields);
    let days: String = DAYS.iter().map(|d| if fields.all("days").iter().any(|v| v == d) { '1' } else { '0' }).collect();
    let parsed = match (minutes(&fields.one("start")), minutes(&fields.one("end"))) {
        (Some(start), Some(end)) => Hours::parse(&fields.one("time_zone"), start, end, &days),
        _ => Err("Give the hours as HH:MM, for example 09:00 and 17:30.".into()),
    };
    let result = match parsed {
        Ok(hours) => locations::set(&state.db, &fields.one("location"), &hours).await.map_err(|err| err.to_string()),
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/spotlights/locations?saved=true").into_response()),
        Err(error) => Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page(&state, user.user(), false, error).await?)?).into_response()),
    }
}
