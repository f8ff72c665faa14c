//! What each outbox message says: announcement messages are written at
//! delivery time for their recipient (the template compiled once per
//! announcement, links signed for the person); other messages carry their text.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::{Mutex, RwLock};

use crate::entities::{outbox as outbox_row, recipient};
use crate::spotlights::compose::{compose_tracked, Composer, RecipientVars};
use crate::spotlights::links::LinkTable;
use crate::spotlights::render::RenderedEmail;
use crate::spotlights::service;
use crate::tracking::TokenKey;

pub struct MessageWriter {
    db: DatabaseConnection,
    key: TokenKey,
    base: String,
    organisation: String,
    /// Whether a sign-in link has expired before its message went out.
    clock: crate::clock::Clock,
    /// Per announcement: the compiled email, and its link targets.
    composers: Mutex<HashMap<i32, Arc<(Composer, RwLock<LinkTable>)>>>,
}

impl MessageWriter {
    pub fn new(db: DatabaseConnection, key: TokenKey, base: &str, organisation: &str, clock: crate::clock::Clock) -> MessageWriter {
        MessageWriter { db, key, base: base.to_owned(), organisation: organisation.to_owned(), clock, composers: Mutex::new(HashMap::new()) }
    }

    /// The email, and the announcement's title for the List-Id header.
    pub async fn compose(&self, message: &outbox_row::Model, people: &HashMap<i32, recipient::Model>) -> Result<(RenderedEmail, Option<String>), String> {
        if crate::sign_in_links::delivery::carries_link(&message.kind) {
            let email = crate::sign_in_links::delivery::write(&self.db, &self.clock, message, &self.base).await?;
            return Ok((email, None));
        }
        let (Some(announcement_id), Some(recipient_id), "announcement") = (message.announcement_id, message.recipient_id, message.kind.as_str()) else {
            let stored = RenderedEmail { subject: message.subject.clone(), html: message.html_body.clone(), text: message.text_body.clone() };
            return Ok((stored, None));
        };
        let composer = self.composer(announcement_id).await.map_err(|err| err.to_string())?;
        let person = match people.get(&recipient_id) {
            Some(person) => person.clone(),
            None => recipient::Entity::find_by_id(recipient_id)
                .one(&self.db)
                .await
                .map_err(|err| err.to_string())?
                .ok_or_else(|| "the recipient no longer exists".to_owned())?,
        };
        let vars = RecipientVars::new(&person.name, &person.email, &person.department, &person.location);
        let (composer, table) = &*composer;
        let email = compose_tracked(&self.db, composer, table, &self.key, &self.base, recipient_id, &vars).await.map_err(|err| err.to_string())?;
        Ok((email, Some(composer.announcement.title.clone())))
    }

    async fn composer(&self, id: i32) -> crate::error::Result<Arc<(Composer, RwLock<LinkTable>)>> {
        let mut cache = self.composers.lock().await;
        if let Some(found) = cache.get(&id) {
            return Ok(found.clone());
        }
        let announcement = service::find(&self.db, id).await?;
        let composer = Composer::load(&self.db, &self.organisation, announcement).await?;
        let table = LinkTable::load(&self.db, id).await?;
        let entry = Arc::new((composer, RwLock::new(table)));
        cache.insert(id, entry.clone());
        Ok(entry)
    }
}
