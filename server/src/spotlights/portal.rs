//! The employee's side of announcements: `/news` lists what HR sent them,
//! unread first, and `/news/{id}` shows one. Reading it there counts as a
//! view on the `portal` channel, once per employee, announcement and day.

use axum::extract::{Path, State};
use axum::response::Html;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::model::Status;
use super::page::{featured, ItemPage, SpotlightPage};
use crate::analytics::reading::{ReadBeacon, ReadKind};
use crate::auth::extract::CurrentUser;
use crate::auth::AuthSession;
use crate::entities::{announcement, attachment, portal_view, recipient};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::tracking::events::{EventDraft, EventKind};
use crate::tracking::Client;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "spotlights/news.html")]
struct NewsPage {
    layout: Layout,
    rows: Vec<NewsRow>,
    /// What the reader still must read and confirm, soonest due first.
    acknowledgements: Vec<crate::acknowledgements::banner::Banner>,
}

pub struct NewsRow {
    pub id: i32,
    pub title: String,
    pub sent: String,
    pub read: bool,
}

/// Announcements that were sent to this employee (not those that left them out).
async fn addressed_to(state: &AppState, auth: &AuthSession) -> Result<Vec<(announcement::Model, recipient::Model)>> {
    let people = recipient::Entity::find()
        .filter(recipient::Column::UserId.eq(auth.user.id))
        .filter(recipient::Column::SkipReason.is_null())
        .all(&state.db)
        .await?;
    let ids: Vec<i32> = people.iter().map(|person| person.announcement_id).collect();
    let models: std::collections::HashMap<i32, announcement::Model> =
        announcement::Entity::find().filter(announcement::Column::Id.is_in(ids)).all(&state.db).await?.into_iter().map(|m| (m.id, m)).collect();
    Ok(people
        .into_iter()
        .filter_map(|person| models.get(&person.announcement_id).cloned().map(|model| (model, person)))
        .filter(|(model, _)| matches!(Status::parse(&model.status), Status::Sending | Status::Paused | Status::Sent))
        .collect())
}

/// What HR sent this employee, unread first, newest first within each.
pub async fn news_rows(state: &AppState, auth: &AuthSession) -> Result<Vec<NewsRow>> {
    let viewed: std::collections::HashSet<i32> = portal_view::Entity::find()
        .filter(portal_view::Column::UserId.eq(auth.user.id))
        .filter(portal_view::Column::ItemKind.eq("announcement"))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|view| view.item_id)
        .collect();
    let mut rows: Vec<NewsRow> = addressed_to(state, auth)
        .await?
        .into_iter()
        .map(|(model, person)| NewsRow {
            read: viewed.contains(&model.id) || person.first_visited_at.is_some(),
            sent: model.started_at.unwrap_or(model.created_at).format("%Y-%m-%d").to_string(),
            id: model.id,
            title: model.title,
        })
        .collect();
    rows.sort_by(|a, b| a.read.cmp(&b.read).then(b.sent.cmp(&a.sent)).then(b.id.cmp(&a.id)));
    Ok(rows)
}

pub async fn index(CurrentUser(auth): CurrentUser, State(state): State<AppState>) -> Result<Html<String>> {
    let rows = news_rows(&state, &auth).await?;
    let acknowledgements = crate::acknowledgements::banner::pending_for(&state, auth.user.id, None).await?;
    render(&NewsPage { layout: Layout::for_user(&auth), rows, acknowledgements })
}

/// The announcement, if it was sent to this employee.
async fn mine(state: &AppState, auth: &AuthSession, id: i32) -> Result<announcement::Model> {
    addressed_to(state, auth).await?.into_iter().map(|(model, _)| model).find(|model| model.id == id).ok_or(AppError::NotFound)
}

/// The announcement as its discussion sees it: sent to this employee, or,
/// for HR staff, any announcement that went out (they answer its comments).
pub async fn readable(state: &AppState, auth: &AuthSession, id: i32) -> Result<announcement::Model> {
    if auth.role().allows(crate::auth::Role::HrStaff) {
        let model = super::service::find(&state.db, id).await?;
        return if matches!(Status::parse(&model.status), Status::Sending | Status::Paused | Status::Sent) { Ok(model) } else { Err(AppError::NotFound) };
    }
    mine(state, auth, id).await
}

pub async fn show(CurrentUser(auth): CurrentUser, State(state): State<AppState>, Path(id): Path<i32>, client: Client) -> Result<Html<String>> {
    let model = readable(&state, &auth, id).await?;
    // HR staff may read every announcement's discussion; only recipients' visits are reach.
    let recipient = mine(&state, &auth, id).await.is_ok();
    if recipient {
        EventDraft::portal_view(auth.user.id, client).announcement(Some(id)).record(&state).await?;
    }
    let mut page = SpotlightPage::new(&state, Layout::for_user(&auth), model, format!("/news/{id}/items/")).await?;
    if recipient {
        page.share_from = format!("news:{id}");
        page.read_beacon = Some(ReadBeacon::new(ReadKind::Announcement, id));
    }
    page.feeling = Some(crate::comments::feelings::panel(&state, &auth, id).await?);
    page.thread = Some(crate::comments::thread::load(&state, &auth, crate::comments::model::Target::Announcement(id)).await?);
    render(&page)
}

pub async fn item(CurrentUser(auth): CurrentUser, State(state): State<AppState>, Path((id, collateral_id)): Path<(i32, i32)>, client: Client) -> Result<Html<String>> {
    let model = mine(&state, &auth, id).await?;
    let item = featured(&state, id, collateral_id).await?;
    EventDraft::new(EventKind::Asset, "portal", client).announcement(Some(id)).collateral(Some(collateral_id)).user(Some(auth.user.id)).record(&state).await?;
    let mut page = ItemPage::new(&state, Layout::for_user(&auth), item, format!("/news/{id}/files/"));
    page.back = format!("/news/{id}");
    page.back_title = model.title;
    render(&page)
}

pub async fn file(
    CurrentUser(auth): CurrentUser,
    State(state): State<AppState>,
    Path((id, attachment_id)): Path<(i32, i32)>,
    client: Client,
) -> Result<axum::response::Response> {
    mine(&state, &auth, id).await?;
    let row = attachment::Entity::find_by_id(attachment_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    // Only files of the items this announcement featured.
    featured(&state, id, row.collateral_id).await?;
    EventDraft::new(EventKind::Download, "portal", client).announcement(Some(id)).collateral(Some(row.collateral_id)).user(Some(auth.user.id)).record(&state).await?;
    crate::library::attachments::file_response(&state.config, &row).await
}

/// For sharing from the portal: the announcement, when it was sent to this employee.
pub async fn shareable(state: &AppState, auth: &AuthSession, id: i32) -> Result<i32> {
    Ok(mine(state, auth, id).await?.id)
}
