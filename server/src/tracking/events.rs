//! The kinds of tracking events and how a handler records one.

use chrono::{SubsecRound, Utc};

use super::recorder::NewEvent;
use super::Client;
use crate::error::Result;
use crate::state::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Open,
    Click,
    /// The spotlight page itself.
    Visit,
    /// A featured item opened on the spotlight page.
    Asset,
    Download,
    /// An employee opening an announcement or item in the portal.
    View,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Open => "open",
            EventKind::Click => "click",
            EventKind::Visit => "visit",
            EventKind::Asset => "asset",
            EventKind::Download => "download",
            EventKind::View => "view",
        }
    }
}

/// An event about to be recorded; fill in what applies, then [`Self::record`].
pub struct EventDraft {
    event: NewEvent,
}

impl EventDraft {
    pub fn new(kind: EventKind, channel: &str, client: Client) -> EventDraft {
        EventDraft {
            event: NewEvent {
                kind,
                channel: channel.to_owned(),
                announcement_id: None,
                collateral_id: None,
                recipient_id: None,
                user_id: None,
                link_id: None,
                short_link_id: None,
                client,
                occurred_at: Utc::now().trunc_subsecs(6),
                once_per_day: false,
            },
        }
    }

    /// An email event of one recipient of one announcement.
    pub fn email(kind: EventKind, recipient: &crate::entities::recipient::Model, client: Client) -> EventDraft {
        let mut draft = EventDraft::new(kind, "email", client);
        draft.event.announcement_id = Some(recipient.announcement_id);
        draft.event.recipient_id = Some(recipient.id);
        draft
    }

    /// An employee opening an announcement or library item in the portal:
    /// counted once per employee, item and day.
    pub fn portal_view(user_id: i32, client: Client) -> EventDraft {
        let mut draft = EventDraft::new(EventKind::View, "portal", client);
        draft.event.user_id = Some(user_id);
        draft.event.once_per_day = true;
        draft
    }

    pub fn announcement(mut self, id: Option<i32>) -> Self {
        self.event.announcement_id = id;
        self
    }
    pub fn collateral(mut self, id: Option<i32>) -> Self {
        self.event.collateral_id = id;
        self
    }
    pub fn link(mut self, id: i32) -> Self {
        self.event.link_id = Some(id);
        self
    }
    pub fn short_link(mut self, id: i32) -> Self {
        self.event.short_link_id = Some(id);
        self
    }
    pub fn user(mut self, id: Option<i32>) -> Self {
        self.event.user_id = id;
        self
    }

    /// Commits the event (see [`super::recorder`]); `true` on a recipient's first human visit.
    pub async fn record(mut self, state: &AppState) -> Result<bool> {
        // The timing rules compare this with delivery; tests move the clock.
        // Whole microseconds, as PostgreSQL stores them: the rules also compare
        // it with the stored rows, and a nanosecond apart would be a "repeat".
        self.event.occurred_at = state.config.clock.now().trunc_subsecs(6);
        state.recorder.record(self.event).await
    }
}
