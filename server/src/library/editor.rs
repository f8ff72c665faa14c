//! HR's editor: create and edit items, with a server-side preview, and
//! publish/archive. Every save is a new version.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{CollateralInput, Kind, RawCollateral, Status};
use super::{markdown, service};
use crate::auth::extract::{HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::{collateral, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::users::service as users;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "library/edit.html")]
struct EditorPage {
    layout: Layout,
    /// `None` while creating.
    slug: Option<String>,
    form: RawCollateral,
    kinds: &'static [Kind],
    statuses: &'static [Status],
    departments: Vec<String>,
    locations: Vec<String>,
    errors: Vec<String>,
    preview_html: Option<String>,
}

async fn editor(
    state: &AppState,
    auth: &AuthSession,
    slug: Option<String>,
    form: RawCollateral,
    errors: Vec<String>,
    preview_html: Option<String>,
) -> Result<Html<String>> {
    render(&EditorPage {
        layout: Layout::for_user(auth),
        slug,
        form,
        kinds: Kind::ALL,
        statuses: Status::ALL,
        departments: users::distinct_values(&state.db, user::Column::Department).await?,
        locations: users::distinct_values(&state.db, user::Column::Location).await?,
        errors,
        preview_html,
    })
}

pub fn form_of(item: &collateral::Model) -> RawCollateral {
    RawCollateral {
        title: item.title.clone(),
        summary: item.summary.clone(),
        body: item.body.clone(),
        kind: item.kind.clone(),
        category: item.category.clone(),
        tags: item.tag_list().join(", "),
        audience_departments: item.department_list().join(", "),
        audience_locations: item.location_list().join(", "),
        status: item.status.clone(),
        effective_date: item.effective_date.map(|d| d.to_string()).unwrap_or_default(),
        review_date: item.review_date.map(|d| d.to_string()).unwrap_or_default(),
        external_url: item.external_url.clone().unwrap_or_default(),
        change_note: String::new(),
    }
}

pub async fn new(user: Require<HrStaff>, State(state): State<AppState>) -> Result<Html<String>> {
    let form = RawCollateral { kind: "benefit".into(), status: "draft".into(), ..Default::default() };
    editor(&state, user.user(), None, form, vec![], None).await
}

pub async fn edit(user: Require<HrStaff>, State(state): State<AppState>, Path(slug): Path<String>) -> Result<Html<String>> {
    let item = service::find_by_slug(&state.db, &slug).await?;
    editor(&state, user.user(), Some(item.slug.clone()), form_of(&item), vec![], None).await
}

#[derive(Debug, Deserialize)]
pub struct EditorForm {
    #[serde(flatten)]
    raw: RawCollateral,
    /// "preview" re-renders the form with the Markdown rendered; anything else saves.
    #[serde(default)]
    action: String,
}

/// What a submitted editor form leads to.
enum Submission {
    /// The form again, with its problems (422) or a preview (200).
    Show(Response),
    Save(CollateralInput),
}

async fn submission(state: &AppState, auth: &AuthSession, slug: Option<String>, form: EditorForm) -> Result<Submission> {
    let parsed = form.raw.parse();
    if form.action == "preview" {
        let errors = parsed.err().unwrap_or_default();
        let preview = Some(markdown::render(&form.raw.body));
        return Ok(Submission::Show(editor(state, auth, slug, form.raw, errors, preview).await?.into_response()));
    }
    match parsed {
        Ok(input) => Ok(Submission::Save(input)),
        Err(errors) => {
            let page = editor(state, auth, slug, form.raw, errors, None).await?;
            Ok(Submission::Show((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()))
        }
    }
}

pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, CsrfForm(form): CsrfForm<EditorForm>) -> Result<Response> {
    let input = match submission(&state, user.user(), None, form).await? {
        Submission::Show(page) => return Ok(page),
        Submission::Save(input) => input,
    };
    let item = service::create(&state.db, user.user().user.id, input).await?;
    state.search.notify();
    Ok(Redirect::to(&format!("/library/{}", item.slug)).into_response())
}

pub async fn update(
    user: Require<HrStaff>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<EditorForm>,
) -> Result<Response> {
    let item = service::find_by_slug(&state.db, &slug).await?;
    let input = match submission(&state, user.user(), Some(item.slug.clone()), form).await? {
        Submission::Show(page) => return Ok(page),
        Submission::Save(input) => input,
    };
    let item = service::update(&state.db, item, user.user().user.id, input).await?;
    state.search.notify();
    Ok(Redirect::to(&format!("/library/{}", item.slug)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    status: String,
}

pub async fn set_status(
    user: Require<HrStaff>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Redirect> {
    let status: Status = form.status.parse().map_err(AppError::Unprocessable)?;
    let item = service::find_by_slug(&state.db, &slug).await?;
    let item = service::set_status(&state.db, item, user.user().user.id, status).await?;
    state.search.notify();
    Ok(Redirect::to(&format!("/library/{}", item.slug)))
}
