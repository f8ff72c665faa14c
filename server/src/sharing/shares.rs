//! Employee sharing: anyone signed in can share an announcement or a
//! library item and get their own short link, a child of the link they came
//! from. Visits through each link, and reshares of it, make the share tree.

use axum::extract::{Query, State};
use axum::response::{Html, Redirect};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::codes::{self, NewLink};
use super::{channels, tree};
use crate::auth::extract::CurrentUser;
use crate::auth::CsrfForm;
use crate::entities::{announcement, collateral, short_link};
use crate::error::{AppError, Result};
use crate::library::model::Status;
use crate::state::AppState;
use crate::tracking::Purpose;
use crate::web::layout::{render, Layout};

/// A library item may be shared on its own while it is published for everyone.
pub fn is_shareable(item: &collateral::Model) -> bool {
    item.status == Status::Published.as_str() && crate::library::service::in_audience_of_everyone(item)
}

#[derive(Debug, Deserialize)]
pub struct ShareForm {
    /// `code:{short code}`, `page:{spotlight page token}`, `news:{announcement id}` or `collateral:{id}`.
    from: String,
}

/// What is being shared, and the link it was reached through.
struct Origin {
    announcement_id: Option<i32>,
    collateral_id: Option<i32>,
    parent: Option<short_link::Model>,
}

async fn origin(state: &AppState, from: &str, auth: &crate::auth::AuthSession) -> Result<Origin> {
    let (kind, value) = from.split_once(':').ok_or_else(|| AppError::BadRequest("Nothing to share was named.".into()))?;
    match kind {
        "code" => {
            let parent = codes::find_live(&state.db, value).await?;
            Ok(Origin { announcement_id: parent.announcement_id, collateral_id: parent.collateral_id, parent: Some(parent) })
        }
        "page" => {
            let (_, recipient) = crate::tracking::routes::recipient_of(state, value, Purpose::Page).await?;
            Ok(Origin { announcement_id: Some(recipient.announcement_id), collateral_id: None, parent: None })
        }
        "news" => {
            let id: i32 = value.parse().map_err(|_| AppError::NotFound)?;
            let id = crate::spotlights::portal::shareable(state, auth, id).await?;
            Ok(Origin { announcement_id: Some(id), collateral_id: None, parent: None })
        }
        "collateral" => {
            let id: i32 = value.parse().map_err(|_| AppError::NotFound)?;
            let item = collateral::Entity::find_by_id(id).one(&state.db).await?.ok_or(AppError::NotFound)?;
            if !crate::library::service::visible_to(&item, auth) {
                return Err(AppError::NotFound);
            }
            if !is_shareable(&item) {
                return Err(AppError::Unprocessable("Only published items meant for everyone can be shared outside Herald.".into()));
            }
            Ok(Origin { announcement_id: None, collateral_id: Some(id), parent: None })
        }
        _ => Err(AppError::BadRequest("Nothing to share was named.".into())),
    }
}

pub async fn share(CurrentUser(auth): CurrentUser, State(state): State<AppState>, CsrfForm(form): CsrfForm<ShareForm>) -> Result<Redirect> {
    let origin = origin(&state, &form.from, &auth).await?;
    if let Some(announcement_id) = origin.announcement_id {
        let model = crate::spotlights::service::find(&state.db, announcement_id).await?;
        if model.status == crate::spotlights::model::Status::Cancelled.as_str() {
            return Err(AppError::Unprocessable("This announcement was withdrawn and cannot be shared.".into()));
        }
    }
    // Sharing the same thing from the same place twice gives the same link.
    let mut existing = short_link::Entity::find()
        .filter(short_link::Column::OwnerUserId.eq(auth.user.id))
        .filter(short_link::Column::RevokedAt.is_null())
        .filter(match origin.parent.as_ref() {
            Some(parent) => short_link::Column::ParentId.eq(parent.id),
            None => short_link::Column::ParentId.is_null(),
        })
        .filter(match origin.announcement_id {
            Some(id) => short_link::Column::AnnouncementId.eq(id),
            None => short_link::Column::AnnouncementId.is_null(),
        })
        .filter(match origin.collateral_id {
            Some(id) => short_link::Column::CollateralId.eq(id),
            None => short_link::Column::CollateralId.is_null(),
        });
    existing = existing.order_by_asc(short_link::Column::Id);
    let link = match existing.one(&state.db).await? {
        Some(link) => link,
        None => {
            codes::create(
                &state.db,
                NewLink {
                    announcement_id: origin.announcement_id,
                    collateral_id: origin.collateral_id,
                    channel: channels::SHARE,
                    parent: origin.parent.as_ref(),
                    owner_user_id: Some(auth.user.id),
                    created_by: Some(auth.user.id),
                    utm: None,
                },
            )
            .await?
        }
    };
    Ok(Redirect::to(&format!("/shares?new={}", link.code)))
}

#[derive(askama::Template)]
#[template(path = "sharing/mine.html")]
struct MySharesPage {
    layout: Layout,
    base: String,
    new_code: String,
    rows: Vec<MyShare>,
}

struct MyShare {
    code: String,
    title: String,
    visits: u64,
    reshares: u64,
    created: String,
}

#[derive(Debug, Deserialize)]
pub struct MineQuery {
    #[serde(default)]
    new: String,
}

/// An employee's own share links and what each brought.
pub async fn mine(CurrentUser(auth): CurrentUser, State(state): State<AppState>, Query(query): Query<MineQuery>) -> Result<Html<String>> {
    state.recorder.settled().await;
    let links = short_link::Entity::find()
        .filter(short_link::Column::OwnerUserId.eq(auth.user.id))
        .order_by_desc(short_link::Column::Id)
        .all(&state.db)
        .await?;
    let ids: Vec<i32> = links.iter().map(|link| link.id).collect();
    let visits = tree::visits(&state.db, &ids).await?;
    let reshares = tree::child_counts(&state.db, &ids).await?;
    let mut rows = Vec::with_capacity(links.len());
    for link in links {
        rows.push(MyShare {
            title: title_of(&state, &link).await?,
            visits: visits.get(&link.id).map_or(0, |count| count.human),
            reshares: reshares.get(&link.id).copied().unwrap_or(0),
            created: link.created_at.format("%Y-%m-%d").to_string(),
            code: link.code,
        });
    }
    render(&MySharesPage {
        layout: Layout::for_user(&auth),
        base: state.config.public_base().to_owned(),
        new_code: if codes::is_code(&query.new) { query.new } else { String::new() },
        rows,
    })
}

/// What a link leads to, in a few words.
pub async fn title_of(state: &AppState, link: &short_link::Model) -> Result<String> {
    if let Some(id) = link.announcement_id {
        return Ok(announcement::Entity::find_by_id(id).one(&state.db).await?.map(|a| a.title).unwrap_or_default());
    }
    if let Some(id) = link.collateral_id {
        return Ok(collateral::Entity::find_by_id(id).one(&state.db).await?.map(|c| c.title).unwrap_or_default());
    }
    Ok(String::new())
}
