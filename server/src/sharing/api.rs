//! Reach and short links over the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::channels;
use super::codes::{self, NewLink, Utm};
use super::tree::{self, ShareTree};
use crate::auth::extract::{HrLead, HrStaff, Require};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::tracking::stats::Reach;

/// The dashboard's figures (flattened: `recipients`, `delivered`, `unique_opens`,
/// `clicks`, `clicks_by_collateral`, `clicks_by_channel`, `comments`,
/// `sentiment`, …), the `baseline` they are compared with, the event-level
/// `reach` (human and raw) and the `share_tree`. When too few people were
/// sent it, `withheld` says so and the behaviour figures are withheld (see
/// docs/analytics.md).
#[derive(Serialize, ToSchema)]
pub struct AnnouncementStats {
    #[serde(flatten)]
    pub figures: crate::analytics::figures::Figures,
    pub baseline: crate::analytics::baseline::Baseline,
    pub reach: Reach,
    pub share_tree: ShareTree,
}

/// An announcement's dashboard figures, baseline, reach (human and raw) and share tree: HR leads and administrators, as the dashboard.
#[utoipa::path(get, path = "/api/v1/announcements/{id}/stats", tag = "tracking", params(("id" = i32, Path)),
    responses((status = 200, body = AnnouncementStats), (status = 401), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn stats(_user: Require<HrLead>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<AnnouncementStats>> {
    let model = crate::spotlights::service::find(&state.db, id).await?;
    state.recorder.settled().await;
    let items = crate::spotlights::compose::featured_items(&state.db, id).await?;
    let titles: Vec<(i32, String)> = items.into_iter().map(|item| (item.collateral_id, item.title)).collect();
    let min_group = state.config.analytics_min_group;
    Ok(Json(AnnouncementStats {
        figures: crate::analytics::disclosure::figures(&state.db, &model, min_group).await?,
        baseline: crate::analytics::baseline::for_announcement(&state.db, &model, min_group).await?,
        reach: crate::analytics::disclosure::reach(&state.db, id, &titles, min_group).await?.0,
        share_tree: tree::for_announcement(&state.db, id).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ShortLinkBody {
    /// x, linkedin, yammer, slack, teams, mastodon, intranet or poster.
    pub channel: String,
    /// Adds utm_source (the channel), utm_medium=social and this campaign.
    #[serde(default)]
    pub utm_campaign: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ShortLinkView {
    pub code: String,
    pub url: String,
    pub target: String,
}

/// A new short link of the announcement for one channel.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/short-links", tag = "tracking", params(("id" = i32, Path)), request_body = ShortLinkBody,
    responses((status = 201, body = ShortLinkView), (status = 401), (status = 403), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn create_short_link(
    user: Require<HrStaff>,
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Json(body): Json<ShortLinkBody>,
) -> Result<(StatusCode, Json<ShortLinkView>)> {
    let model = crate::spotlights::service::find(&state.db, id).await?;
    let channel = channels::find(&body.channel)
        .ok_or_else(|| AppError::Unprocessable(format!("Unknown channel {:?}; use one of x, linkedin, yammer, slack, teams, mastodon, intranet, poster.", body.channel)))?;
    if model.status == crate::spotlights::model::Status::Cancelled.as_str() {
        return Err(AppError::Unprocessable("This announcement was cancelled.".into()));
    }
    let utm = body.utm_campaign.map(|campaign| Utm { source: channel.key.into(), medium: "social".into(), campaign });
    let link = codes::create(
        &state.db,
        NewLink { announcement_id: Some(id), collateral_id: None, channel: channel.key, parent: None, owner_user_id: None, created_by: Some(user.user().user.id), utm },
    )
    .await?;
    let url = codes::short_url(&state.config, &link.code);
    Ok((StatusCode::CREATED, Json(ShortLinkView { code: link.code, url, target: link.target })))
}
