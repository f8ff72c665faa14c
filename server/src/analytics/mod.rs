//! Analytics: how far announcements and library items reached and how they
//! were read.

pub mod baseline;
pub mod breakdown;
mod dashboard;
pub mod demo;
pub mod disclosure;
pub mod engagement;
pub mod figures;
pub mod individual;
pub mod key_phrases;
pub mod item_reach;
pub mod overview;
mod overview_page;
pub mod overview_sort;
pub mod period;
mod privacy_page;
pub mod reading;
pub mod rollups;
pub mod svg;
pub mod trend_email;
pub mod trend_mail;
pub mod trend_period;
mod trend_subjects;
mod trend_topic;
pub mod trends;
mod trends_pages;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/read", post(reading::record))
        .route("/analytics", get(overview_page::page))
        .route("/analytics/export.csv", get(overview_page::export))
        .route("/analytics/announcements/{id}", get(dashboard::page))
        .route("/analytics/announcements/{id}/export.csv", get(dashboard::export))
        .route("/analytics/trends", get(trends_pages::page))
        .route("/analytics/trends.csv", get(trends_pages::export))
        .route("/analytics/trends/email", post(trends_pages::choose_email))
        .route("/analytics/privacy", get(privacy_page::page).post(privacy_page::save))
}
