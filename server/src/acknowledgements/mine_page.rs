//! "My attestations": what a person still must confirm and what they confirmed.

use axum::extract::State;
use axum::response::Html;

use super::banner::{self, Banner};
use super::evidence;
use crate::auth::extract::CurrentUser;
use crate::entities::attestation;
use crate::error::Result;
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "acknowledgements/mine.html")]
struct MinePage {
    layout: Layout,
    acknowledgements: Vec<Banner>,
    /// (attestation, the item's title)
    confirmed: Vec<(attestation::Model, String)>,
}

pub async fn index(State(state): State<AppState>, CurrentUser(auth): CurrentUser) -> Result<Html<String>> {
    let mut confirmed = vec![];
    for row in evidence::of_user(&state.db, auth.user.id).await? {
        let title = crate::library::service::find_by_id(&state.db, row.collateral_id).await.map(|item| item.title).unwrap_or_default();
        confirmed.push((row, title));
    }
    render(&MinePage { layout: Layout::for_user(&auth), acknowledgements: banner::pending_for(&state, auth.user.id, None).await?, confirmed })
}
