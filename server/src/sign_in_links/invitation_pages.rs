//! The administrators' invitation pages: invite one person, a selection
//! (from the users page) or everyone without access, and watch each
//! request's delivery.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::invitations::{self, InvitationBatch, Invitees};
use crate::auth::extract::{Admin, Require};
use crate::auth::CsrfForm;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "sign_in_links/invitations.html")]
struct InvitationsPage {
    layout: Layout,
    pending: u64,
    batches: Vec<InvitationBatch>,
    days: i64,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "sign_in_links/invitation.html")]
struct InvitationPage {
    layout: Layout,
    batch: InvitationBatch,
}

async fn index_page(state: &AppState, admin: &Require<Admin>, error: Option<String>) -> Result<Html<String>> {
    render(&InvitationsPage {
        layout: Layout::for_user(admin.user()),
        pending: invitations::pending_count(&state.db).await?,
        batches: invitations::recent(&state.db, 20).await?,
        days: state.config.invitation_days,
        error,
    })
}

pub async fn index(admin: Require<Admin>, State(state): State<AppState>) -> Result<Html<String>> {
    index_page(&state, &admin, None).await
}

/// The form's fields: `all_pending`, any number of `user_id`, or `emails` (one or more per line).
fn invitees(fields: &[(String, String)]) -> Result<Invitees> {
    if fields.iter().any(|(key, value)| key == "all_pending" && !value.is_empty()) {
        return Ok(Invitees::AllPending);
    }
    let ids: Vec<i32> = fields.iter().filter(|(key, _)| key == "user_id").filter_map(|(_, value)| value.trim().parse().ok()).collect();
    if !ids.is_empty() {
        return Ok(Invitees::Users(ids));
    }
    let emails: Vec<String> = fields
        .iter()
        .filter(|(key, _)| key == "emails")
        .flat_map(|(_, value)| value.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect::<Vec<_>>())
        .collect();
    Ok(Invitees::Emails(emails))
}

pub async fn create(admin: Require<Admin>, State(state): State<AppState>, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> Result<Response> {
    let who = invitees(&fields)?;
    match invitations::invite(&state.db, &state.config, Some(admin.user().user.id), who).await {
        Ok(batch) => {
            state.mailer.wake();
            Ok(Redirect::to(&format!("/admin/invitations/{}", batch.id)).into_response())
        }
        Err(AppError::Unprocessable(message)) => {
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, index_page(&state, &admin, Some(message)).await?).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn show(admin: Require<Admin>, State(state): State<AppState>, Path(id): Path<i32>) -> Result<Html<String>> {
    render(&InvitationPage { layout: Layout::for_user(admin.user()), batch: invitations::find(&state.db, id).await? })
}
