//! Turning an audience into people: individuals, distribution lists,
//! departments, locations, roles and everyone, collapsed to one entry per
//! person. Whoever cannot be sent to is reported with the reason.

use std::collections::{BTreeMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::lists;
use super::model::Audience;
use crate::entities::user;
use crate::error::Result;

/// From this many hard bounces on, an address is not sent to.
pub const BOUNCE_LIMIT: i32 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub email: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Resolved {
    /// People to send to, by user id: each appears once however many parts named them.
    pub recipients: Vec<user::Model>,
    pub skipped: Vec<Skipped>,
}

pub async fn resolve(db: &impl ConnectionTrait, audience: &Audience) -> Result<Resolved> {
    let mut chosen: BTreeMap<i32, user::Model> = BTreeMap::new();
    let mut skipped = vec![];
    let dynamic = audience.everyone || !audience.departments.is_empty() || !audience.locations.is_empty() || !audience.roles.is_empty();
    if dynamic {
        let departments: HashSet<&str> = audience.departments.iter().map(String::as_str).collect();
        let locations: HashSet<&str> = audience.locations.iter().map(String::as_str).collect();
        let roles: HashSet<&str> = audience.roles.iter().map(String::as_str).collect();
        for person in user::Entity::find().all(db).await? {
            let matches = audience.everyone
                || departments.contains(person.department.as_str())
                || locations.contains(person.location.as_str())
                || roles.contains(person.role.as_str());
            if matches {
                chosen.insert(person.id, person);
            }
        }
    }
    for name in &audience.lists {
        match lists::find_by_name_or_id(db, name).await? {
            Some(list) => {
                let ids: Vec<i32> = lists::member_ids(db, list.id).await?.into_iter().filter(|id| !chosen.contains_key(id)).collect();
                for person in lists::users_by_ids(db, &ids).await? {
                    chosen.insert(person.id, person);
                }
            }
            None => skipped.push(Skipped { email: String::new(), name: format!("List “{name}”"), reason: "no such distribution list".into() }),
        }
    }
    for email in &audience.emails {
        match user::Entity::find().filter(user::Column::Email.eq(email.to_lowercase())).one(db).await? {
            Some(person) => {
                chosen.insert(person.id, person);
            }
            None => skipped.push(Skipped { email: email.clone(), name: String::new(), reason: "not in the employee directory".into() }),
        }
    }
    let mut recipients = Vec::with_capacity(chosen.len());
    for person in chosen.into_values() {
        let reason = if !person.active {
            Some("has left (account deactivated)")
        } else if person.hard_bounces >= BOUNCE_LIMIT {
            Some("email address bounced repeatedly")
        } else {
            None
        };
        match reason {
            Some(reason) => skipped.push(Skipped { email: person.email.clone(), name: person.name.clone(), reason: reason.into() }),
            None => recipients.push(person),
        }
    }
    Ok(Resolved { recipients, skipped })
}
