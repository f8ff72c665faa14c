//! What a person still must confirm, soonest due first: the banner on the
//! home page, News and the item's page, until they confirm.

use chrono::NaiveDate;

use super::{evidence, store};
use crate::error::Result;
use crate::state::AppState;

pub struct Banner {
    pub request_id: i32,
    pub collateral_id: i32,
    pub title: String,
    pub version: i32,
    pub due_date: NaiveDate,
    pub overdue: bool,
}

/// The open requests `user_id` has not confirmed; `collateral_id` narrows them to one item.
pub async fn pending_for(state: &AppState, user_id: i32, collateral_id: Option<i32>) -> Result<Vec<Banner>> {
    let today = state.config.clock.now().date_naive();
    let mut banners = vec![];
    for model in store::open_requests_of(&state.db, user_id).await? {
        if collateral_id.is_some_and(|id| id != model.collateral_id) || evidence::of(&state.db, model.id, user_id).await?.is_some() {
            continue;
        }
        let title = crate::library::service::find_by_id(&state.db, model.collateral_id).await.map(|item| item.title).unwrap_or_default();
        banners.push(Banner {
            overdue: super::compliance::is_overdue(&model, today),
            request_id: model.id,
            collateral_id: model.collateral_id,
            title,
            version: model.collateral_version,
            due_date: model.due_date,
        });
    }
    Ok(banners)
}
