//! HR's spotlight pages: the list, the editor, the announcement page with
//! its delivery progress and recipients, previews, test sends and the
//! send/schedule/pause/resume/cancel actions.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use chrono::{NaiveDateTime, TimeZone, Utc};
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::form::Fields;
use super::model::Status;
use super::service::{self, RawAnnouncement};
use super::status::{self, Delivery, RecipientStatus};
use super::templates;
use crate::auth::extract::{HrStaff, Require};
use crate::auth::{AuthSession, CsrfForm};
use crate::entities::{announcement, spotlight_template};
use crate::error::{AppError, Result};
use crate::search::{SearchRequest, Sort, Viewer};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

pub struct Row {
    pub model: announcement::Model,
    pub delivery: Delivery,
}

#[derive(askama::Template)]
#[template(path = "spotlights/index.html")]
struct IndexPage {
    layout: Layout,
    rows: Vec<Row>,
    smtp: bool,
    outbox_dir: String,
}

pub async fn index(user: Require<HrStaff>, State(state): State<AppState>) -> Result<Html<String>> {
    let models = announcement::Entity::find().order_by_desc(announcement::Column::Id).limit(200).all(&state.db).await?;
    let mut rows = Vec::with_capacity(models.len());
    for model in models {
        rows.push(Row { delivery: status::delivery(&state.db, model.id).await?, model });
    }
    render(&IndexPage {
        layout: Layout::for_user(user.user()),
        rows,
        smtp: state.config.mail.uses_smtp(),
        outbox_dir: state.config.outbox_dir().display().to_string(),
    })
}

/// A featured item in the editor: chosen ones are checked.
pub struct Choice {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub chosen: bool,
}

#[derive(askama::Template)]
#[template(path = "spotlights/edit.html")]
struct EditorPage {
    layout: Layout,
    id: Option<i32>,
    raw: RawAnnouncement,
    emails_text: String,
    templates: Vec<spotlight_template::Model>,
    choices: Vec<Choice>,
    find: String,
    /// Lists, departments, locations and roles to tick.
    groups: Vec<super::audience_form::Group>,
    errors: Vec<String>,
    /// Open notifications need individual-level tracking.
    individual: bool,
}

async fn editor(state: &AppState, auth: &AuthSession, id: Option<i32>, raw: RawAnnouncement, find: String, errors: Vec<String>) -> Result<Html<String>> {
    let mut choices = vec![];
    for cid in &raw.collateral_ids {
        if let Some(item) = crate::entities::collateral::Entity::find_by_id(*cid).one(&state.db).await? {
            choices.push(Choice { id: item.id, title: item.title, kind: item.kind, chosen: true });
        }
    }
    if !find.trim().is_empty() {
        let request = SearchRequest {
            text: find.clone(),
            kind: None,
            category: None,
            tag: None,
            viewer: Viewer::Staff { statuses: vec!["published".into()] },
            sort: Sort::Relevance,
            page: 1,
            per_page: 10,
        };
        for hit in state.search.search(&request)?.hits {
            if !choices.iter().any(|c| c.id as u64 == hit.id) {
                choices.push(Choice { id: hit.id as i32, title: hit.title, kind: hit.kind, chosen: false });
            }
        }
    }
    let raw_audience = raw.audience.clone();
    render(&EditorPage {
        layout: Layout::for_user(auth),
        id,
        emails_text: raw.audience.emails.join("\n"),
        raw,
        templates: templates::list(&state.db).await?,
        choices,
        find,
        groups: super::audience_form::groups(state, &raw_audience).await?,
        errors,
        individual: crate::analytics::individual::enabled(&state.db).await?,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    /// Pre-selects a library item ("Spotlight this" on an item page).
    #[serde(default)]
    collateral: Option<i32>,
}

pub async fn new(user: Require<HrStaff>, State(state): State<AppState>, Query(query): Query<NewQuery>) -> Result<Html<String>> {
    let raw = RawAnnouncement { template: "benefit-change".into(), collateral_ids: query.collateral.into_iter().collect(), ..Default::default() };
    editor(&state, user.user(), None, raw, String::new(), vec![]).await
}

pub async fn edit(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    let model = service::find(&state.db, id).await?;
    if !Status::parse(&model.status).is_editable() {
        return Err(AppError::Conflict("This announcement has been sent; it can no longer be edited.".into()));
    }
    let template = templates::find(&state.db, model.template_id).await?;
    let raw = RawAnnouncement {
        collateral_ids: service::item_ids(&state.db, id).await?,
        audience: service::audience_of(&model),
        title: model.title,
        subject: model.subject,
        template: template.slug,
        message: model.message,
        notify_on_open: model.notify_on_open,
    };
    editor(&state, user.user(), Some(id), raw, String::new(), vec![]).await
}

/// Saves, or (action=find) shows the form again with library search results to pick from.
async fn submit(state: &AppState, auth: &AuthSession, id: Option<i32>, fields: Fields) -> Result<Response> {
    let raw = fields.announcement();
    if fields.one("action") == "find" {
        return Ok(editor(state, auth, id, raw, fields.one("find"), vec![]).await?.into_response());
    }
    let input = match service::parse(&state.db, raw.clone()).await {
        Ok(input) => input,
        Err(errors) => {
            let page = editor(state, auth, id, raw, fields.one("find"), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let model = match id {
        None => service::create(&state.db, auth.user.id, input).await?,
        Some(id) => service::update(&state.db, service::find(&state.db, id).await?, input, auth.user.id).await?,
    };
    Ok(Redirect::to(&format!("/spotlights/{}", model.id)).into_response())
}

pub async fn create(user: Require<HrStaff>, State(state): State<AppState>, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> Result<Response> {
    submit(&state, user.user(), None, Fields(fields)).await
}

pub async fn update(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> Result<Response> {
    service::find(&state.db, id).await?;
    submit(&state, user.user(), Some(id), Fields(fields)).await
}

#[derive(askama::Template)]
#[template(path = "spotlights/show.html")]
struct ShowPage {
    layout: Layout,
    model: announcement::Model,
    status: &'static str,
    template_name: String,
    audience: String,
    items: Vec<super::compose::FeaturedItem>,
    delivery: Delivery,
    recipients: Vec<RecipientStatus>,
    skipped: Vec<RecipientStatus>,
    total_recipients: usize,
    smtp: bool,
    flash: String,
    reach: crate::tracking::stats::Reach,
    reading: crate::analytics::reading::ReadBuckets,
    /// Why the reach is not shown (too few recipients), when it is not.
    reach_withheld: Option<String>,
    /// Who answers the questions under it.
    team: Vec<String>,
    /// Whether an HR lead lets HR staff see who opened, visited and clicked.
    individual: bool,
    /// Approval, the undo window and the audit trail.
    safety: super::review_pages::SafetyPanel,
    /// Messages held for their recipients' sending window.
    waiting: Vec<status::Waiting>,
    /// The sending window chosen, described.
    window: Option<String>,
    /// The pre-flight check list, while it can still be sent.
    preflight: Option<super::preflight::Preflight>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    flash: String,
}

const RECIPIENT_ROWS: u64 = 500;

pub async fn show(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, Query(query): Query<ShowQuery>) -> Result<Html<String>> {
    let model = service::find(&state.db, id).await?;
    let template = templates::find(&state.db, model.template_id).await?;
    state.recorder.settled().await;
    let individual = crate::analytics::individual::enabled(&state.db).await?;
    let everyone = status::recipients(&state.db, id, RECIPIENT_ROWS, individual).await?;
    let (skipped, recipients): (Vec<_>, Vec<_>) = everyone.into_iter().partition(|r| r.delivery == "skipped");
    let delivery = status::delivery(&state.db, id).await?;
    let flash = match query.flash.as_str() {
        "test" => format!("A test message is on its way to {}.", user.user().user.email),
        "submitted" => "Submitted for approval: the approvers have been told.".to_owned(),
        "approved" => "Approved. The author has been told; it can be sent now.".to_owned(),
        "returned" => "Sent back to the author with your comment.".to_owned(),
        "undone" => "Sending was called off: nothing was sent, and the spotlight is a draft again.".to_owned(),
        _ => String::new(),
    };
    let items = super::compose::featured_items(&state.db, id).await?;
    let titles: Vec<(i32, String)> = items.iter().map(|item| (item.collateral_id, item.title.clone())).collect();
    let (reach, reading, reach_withheld) = crate::analytics::disclosure::reach(&state.db, id, &titles, state.config.analytics_min_group).await?;
    let safety = super::review_pages::panel(&state, &model, user.user()).await?;
    let preflight = match Status::parse(&model.status).is_editable() {
        true => Some(super::preflight::run(&state, &model, &user.user().user, &safety).await?),
        false => None,
    };
    render(&ShowPage {
        layout: Layout::for_user(user.user()),
        status: Status::parse(&model.status).as_str(),
        template_name: template.name,
        audience: service::audience_of(&model).describe(),
        reach,
        reading,
        reach_withheld,
        team: crate::comments::teams::members_of_announcement(&state.db, id).await?,
        items,
        total_recipients: delivery.total() as usize,
        delivery,
        recipients,
        skipped,
        smtp: state.config.mail.uses_smtp(),
        flash,
        individual,
        safety,
        preflight,
        waiting: status::waiting(&state.db, id, state.config.clock.now()).await?,
        window: service::window_of(&model)?.map(|w| w.describe()),
        model,
    })
}

/// Live delivery figures for the progress bar.
pub async fn progress(_user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Json<serde_json::Value>> {
    let model = service::find(&state.db, id).await?;
    let delivery = status::delivery(&state.db, id).await?;
    let waiting = status::waiting(&state.db, id, state.config.clock.now()).await?;
    Ok(Json(serde_json::json!({ "status": model.status, "delivery": delivery, "percent": delivery.percent_done(), "waiting": waiting })))
}

#[derive(Debug, Deserialize)]
pub struct ScheduleForm {
    /// `YYYY-MM-DDTHH:MM`, in UTC.
    at: String,
    /// "Send anyway": schedule despite broken links or unfilled placeholders.
    #[serde(default)]
    send_anyway: Option<String>,
}

pub async fn schedule(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<ScheduleForm>) -> Result<Redirect> {
    let at = NaiveDateTime::parse_from_str(form.at.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| AppError::Unprocessable("Give the time as a date and time, for example 2026-12-01 09:00.".into()))?;
    let me = &user.user().user;
    // A schedule sends later, unattended: the checks of "Send" come now.
    let passed_over = super::safety_checks::guard_send(&state, &service::find(&state.db, id).await?, me, form.send_anyway.is_some()).await?;
    service::schedule(&state.db, id, Utc.from_utc_datetime(&at), Some(me.id)).await?;
    super::safety_checks::record_override(&state, id, me.id, &passed_over).await?;
    Ok(Redirect::to(&format!("/spotlights/{id}")))
}

#[derive(Debug, Deserialize)]
pub struct StateForm {
    action: String,
    /// `yes` once the sender has confirmed a cancellation.
    #[serde(default)]
    confirm: String,
}

pub async fn change_state(user: Require<HrStaff>, State(state): State<AppState>, Path(id): Path<i32>, CsrfForm(form): CsrfForm<StateForm>) -> Result<Response> {
    if form.action == "cancel" && !crate::web::confirm::confirmed(&form.confirm) {
        return Ok(confirm_cancel(&state, user.user(), id).await?.into_response());
    }
    match form.action.as_str() {
        "pause" => service::pause(&state.db, id).await?,
        "resume" => service::resume(&state.db, id).await?,
        "cancel" => {
            service::cancel(&state.db, id).await?;
            state.mailer.wake();
            return Ok(crate::web::notice::redirect(&format!("/spotlights/{id}"), crate::web::notice::Notice::BlastCancelled).into_response());
        }
        "unschedule" => service::unschedule(&state.db, id).await?,
        other => return Err(AppError::BadRequest(format!("Unknown action {other:?}."))),
    }
    state.mailer.wake();
    Ok(crate::web::notice::redirect(&format!("/spotlights/{id}"), crate::web::notice::Notice::Saved).into_response())
}

/// Cancelling cannot be undone: say what it stops before doing it.
async fn confirm_cancel(state: &AppState, auth: &AuthSession, id: i32) -> Result<Html<String>> {
    let model = service::find(&state.db, id).await?;
    let delivery = status::delivery(&state.db, id).await?;
    let mut consequences = vec![format!("“{}” will not be sent to anyone who has not received it yet.", model.title)];
    if delivery.total() > 0 {
        consequences.push(format!("{} of {} emails are still waiting and will not go out; the {} already sent stay sent.", delivery.queued, delivery.total(), delivery.sent));
    }
    consequences.push("A cancelled spotlight cannot be resumed: sending it again means a new spotlight.".to_owned());
    crate::web::confirm::page(&crate::web::confirm::ConfirmPage {
        layout: Layout::for_user(auth),
        question: "Cancel this spotlight?".to_owned(),
        consequences,
        action: format!("/spotlights/{id}/state"),
        fields: vec![("action".to_owned(), "cancel".to_owned())],
        confirm_label: "Yes, cancel sending".to_owned(),
        back: format!("/spotlights/{id}"),
    })
}
