//! HR's social spotlights: write a post for a channel, get its short link
//! (with optional UTM parameters), copy it, print its QR code, post it to a
//! configured destination, and see the visits and the share tree.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::channels::{self, Channel, CHANNELS};
use super::codes::{self, NewLink, Utm};
use super::tree::{self, Counts, ShareTree};
use super::publish;
use crate::auth::extract::{CurrentUser, HrStaff, Require};
use crate::auth::{CsrfForm, Role};
use crate::config::SocialDestination;
use crate::entities::{announcement, short_link, social_post};
use crate::error::{AppError, Result};
use crate::spotlights::model::Status;
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "sharing/social.html")]
struct SocialPage {
    layout: Layout,
    model: announcement::Model,
    channels: Vec<Channel>,
    posts: Vec<PostRow>,
    tree: ShareTree,
    base: String,
    /// Length of a short link's full address, for the live counter.
    link_length: usize,
    errors: Vec<String>,
    form: PostForm,
}

struct PostRow {
    post: social_post::Model,
    channel_name: String,
    code: String,
    text: String,
    revoked: bool,
    visits: Counts,
    destinations: Vec<SocialDestination>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    utm: Option<String>,
    #[serde(default)]
    utm_campaign: String,
}

fn short_url(state: &AppState, code: &str) -> String {
    codes::short_url(&state.config, code)
}

pub async fn page(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let model = crate::spotlights::service::find(&state.db, id).await?;
    let form = PostForm { utm_campaign: slug(&model.title), ..Default::default() };
    render_page(&state, &user, model, form, Vec::new()).await
}

async fn render_page(state: &AppState, user: &Require<HrStaff>, model: announcement::Model, form: PostForm, errors: Vec<String>) -> Result<Html<String>> {
    state.recorder.settled().await;
    let posts = social_post::Entity::find()
        .filter(social_post::Column::AnnouncementId.eq(model.id))
        .order_by_desc(social_post::Column::Id)
        .all(&state.db)
        .await?;
    let link_ids: Vec<i32> = posts.iter().map(|post| post.short_link_id).collect();
    let links: std::collections::HashMap<i32, short_link::Model> =
        short_link::Entity::find().filter(short_link::Column::Id.is_in(link_ids.clone())).all(&state.db).await?.into_iter().map(|l| (l.id, l)).collect();
    let visits = tree::visits(&state.db, &link_ids).await?;
    let rows = posts
        .into_iter()
        .filter_map(|post| {
            let link = links.get(&post.short_link_id)?;
            Some(PostRow {
                channel_name: channels::find(&post.channel).map_or(post.channel.clone(), |c| c.name.to_owned()),
                code: link.code.clone(),
                revoked: link.revoked_at.is_some(),
                text: channels::compose(&post.body, &short_url(state, &link.code)),
                visits: visits.get(&link.id).copied().unwrap_or_default(),
                destinations: state.config.social_destinations.iter().filter(|d| d.channel == post.channel).cloned().collect(),
                post,
            })
        })
        .collect();
    render(&SocialPage {
        layout: Layout::for_user(user.user()),
        channels: CHANNELS.to_vec(),
        posts: rows,
        tree: tree::for_announcement(&state.db, model.id).await?,
        link_length: short_url(state, &"x".repeat(codes::CODE_LEN)).chars().count(),
        base: state.config.public_base().to_owned(),
        errors,
        form,
        model,
    })
}

pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<PostForm>) -> Result<Response> {
    let model = crate::spotlights::service::find(&state.db, id).await?;
    let mut errors = Vec::new();
    let channel = channels::find(&form.channel);
    if channel.is_none() {
        errors.push("Choose the channel the post is for.".to_owned());
    }
    if model.status == Status::Cancelled.as_str() {
        errors.push("This announcement was cancelled; it cannot be posted.".to_owned());
    }
    if let Some(channel) = channel {
        // The real code is drawn later; every code has the same length.
        let text = channels::compose(&form.body, &short_url(&state, &"x".repeat(codes::CODE_LEN)));
        let length = channels::counted_length(channel, &text);
        if length > channel.limit {
            errors.push(format!("The post is {length} characters long with its link; {} allows {}.", channel.name, channel.limit));
        }
    }
    if !errors.is_empty() {
        let mut response = render_page(&state, &user, model, form, errors).await?.into_response();
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let channel = channel.expect("checked above");
    let utm = form.utm.is_some().then(|| Utm { source: channel.key.to_owned(), medium: "social".to_owned(), campaign: form.utm_campaign.clone() });
    let link = codes::create(
        &state.db,
        NewLink {
            announcement_id: Some(model.id),
            collateral_id: None,
            channel: channel.key,
            parent: None,
            owner_user_id: None,
            created_by: Some(user.user().user.id),
            utm,
        },
    )
    .await?;
    let post = social_post::ActiveModel {
        announcement_id: Set(model.id),
        channel: Set(channel.key.to_owned()),
        body: Set(form.body.trim().to_owned()),
        short_link_id: Set(link.id),
        created_by: Set(Some(user.user().user.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok(Redirect::to(&format!("/spotlights/{id}/social#post-{}", post.id)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    destination: String,
}

/// Posts to a destination from the configuration; the answer is stored either way.
pub async fn publish(
    _user: Require<HrStaff>,
    State(state): State<AppState>,
    Path((id, post_id)): Path<(i32, i32)>,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Result<Redirect> {
    let post = social_post::Entity::find_by_id(post_id).one(&state.db).await?.filter(|p| p.announcement_id == id).ok_or(AppError::NotFound)?;
    let destination = state
        .config
        .social_destinations
        .iter()
        .find(|d| d.name == form.destination && d.channel == post.channel)
        .ok_or_else(|| AppError::BadRequest("That destination is not configured for this channel.".into()))?
        .clone();
    let link = short_link::Entity::find_by_id(post.short_link_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    let text = channels::compose(&post.body, &short_url(&state, &link.code));
    let answer = publish::post(&state.config.outbound(), &destination, &text, &format!("herald-post-{}", post.id)).await;
    let mut row = post.into_active_model();
    row.destination = Set(Some(destination.name.clone()));
    row.post_status = Set(answer.status.map(i32::from));
    row.post_response = Set(Some(answer.body.clone()));
    if answer.succeeded() {
        row.posted_at = Set(Some(Utc::now()));
    }
    row.update(&state.db).await?;
    Ok(Redirect::to(&format!("/spotlights/{id}/social#post-{post_id}")))
}

/// Stops a post's short link, e.g. when it was posted by mistake.
pub async fn revoke(
    _user: Require<HrStaff>,
    State(state): State<AppState>,
    Path((id, post_id)): Path<(i32, i32)>,
    CsrfForm(_): CsrfForm<crate::auth::EmptyForm>,
) -> Result<Redirect> {
    let post = social_post::Entity::find_by_id(post_id).one(&state.db).await?.filter(|p| p.announcement_id == id).ok_or(AppError::NotFound)?;
    let link = short_link::Entity::find_by_id(post.short_link_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if link.revoked_at.is_none() {
        codes::revoke(&state, link).await?;
    }
    Ok(Redirect::to(&format!("/spotlights/{id}/social#post-{post_id}")))
}

/// The QR code of a short link, for HR and for whoever owns the share.
pub async fn qr(CurrentUser(auth): CurrentUser, State(state): State<AppState>, Path((code, format)): Path<(String, String)>) -> Result<Response> {
    let link = codes::find_live(&state.db, &code).await?;
    if !auth.role().allows(Role::HrStaff) && link.owner_user_id != Some(auth.user.id) {
        return Err(AppError::NotFound);
    }
    let url = short_url(&state, &link.code);
    let (body, content_type) = match format.as_str() {
        "qr.svg" => (super::qr::svg(&url)?.into_bytes(), "image/svg+xml"),
        "qr.png" => (super::qr::png(&url)?, "image/png"),
        _ => return Err(AppError::NotFound),
    };
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("inline; filename=\"herald-{}.{}\"", link.code, &format[3..]);
    response.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.into()))?);
    Ok(response)
}

/// A campaign name from a title: lower-case words joined by hyphens.
fn slug(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-")
}
