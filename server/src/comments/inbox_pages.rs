//! `/inbox`: the questions waiting for HR, oldest first; and
//! `/inbox/teams`: who answers which announcement or library category.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::inbox::{self, Figures, Question, QuestionState};
use super::teams::{self, Assignment, Covers};
use crate::auth::extract::{HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm, EmptyForm, Role};
use crate::entities::{announcement, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// `mine` (the default for members of a response team) or `all`.
    #[serde(default)]
    view: String,
}

#[derive(askama::Template)]
#[template(path = "comments/inbox.html")]
struct InboxPage {
    layout: Layout,
    questions: Vec<Question>,
    figures: Figures,
    median: String,
    /// Showing only the questions of the viewer's teams.
    mine: bool,
    on_a_team: bool,
}

pub async fn index(user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<InboxQuery>) -> Result<Html<String>> {
    let scope = teams::scope_of(&state.db, user.user().user.id).await?;
    let mine = match query.view.as_str() {
        "mine" => true,
        "all" => false,
        _ => !scope.is_empty(),
    };
    let team = mine.then_some(&scope);
    let questions = inbox::load(&state, inbox::select(QuestionState::Open), team).await?;
    let figures = inbox::figures(&state, questions.len(), team).await?;
    render(&InboxPage {
        layout: Layout::for_user(user.user()),
        median: figures.median_response_seconds.map(inbox::duration_label).unwrap_or_else(|| "—".into()),
        figures,
        questions,
        mine,
        on_a_team: !scope.is_empty(),
    })
}

#[derive(askama::Template)]
#[template(path = "comments/teams.html")]
struct TeamsPage {
    layout: Layout,
    assignments: Vec<Assignment>,
    staff: Vec<(i32, String)>,
    announcements: Vec<(i32, String)>,
    categories: Vec<String>,
    form: TeamForm,
    error: Option<String>,
}

impl TeamsPage {
    fn is_chosen(&self, field: &str, value: &str) -> bool {
        let chosen = match field {
            "user_id" => &self.form.user_id,
            "announcement_id" => &self.form.announcement_id,
            _ => &self.form.category,
        };
        chosen.trim() == value
    }
}

async fn teams_page(state: &AppState, auth: &AuthSession, form: TeamForm, error: Option<String>) -> Result<TeamsPage> {
    let staff_roles: Vec<&str> = Role::ALL.iter().filter(|role| role.allows(Role::HrStaff)).map(|role| role.as_str()).collect();
    let staff = user::Entity::find()
        .filter(user::Column::Role.is_in(staff_roles))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Name)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|person| (person.id, format!("{} ({})", person.name, person.email)))
        .collect();
    let announcements: Vec<(i32, String)> = announcement::Entity::find()
        .select_only()
        .columns([announcement::Column::Id, announcement::Column::Title])
        .order_by_desc(announcement::Column::Id)
        .limit(200)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(TeamsPage {
        layout: Layout::for_user(auth),
        assignments: teams::all(&state.db).await?,
        staff,
        announcements,
        categories: teams::categories(&state.db).await?,
        form,
        error,
    })
}

pub async fn teams_index(user: Require<HrStaff>, State(state): State<AppState>) -> Result<Html<String>> {
    render(&teams_page(&state, user.user(), TeamForm::default(), None).await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    announcement_id: String,
    #[serde(default)]
    category: String,
}

/// Adds an assignment; a refused one shows the page again with the reason and what was chosen.
pub async fn add(user: Require<HrStaff>, State(state): State<AppState>, CsrfForm(form): CsrfForm<TeamForm>) -> Result<Response> {
    let added = async {
        let user_id: i32 = form.user_id.trim().parse().map_err(|_| AppError::Unprocessable("Choose the HR staff member to add.".into()))?;
        teams::add(&state.db, user_id, Covers::parse(&form.announcement_id, &form.category)?).await
    }
    .await;
    match added {
        Ok(_) => Ok(Redirect::to("/inbox/teams").into_response()),
        Err(error @ (AppError::Unprocessable(_) | AppError::Conflict(_))) => {
            let status = error.status();
            let page = teams_page(&state, user.user(), form, Some(error.to_string())).await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn remove(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<Redirect> {
    teams::remove(&state.db, id).await?;
    Ok(Redirect::to("/inbox/teams"))
}
