//! People whose details come from an identity provider (single sign-on):
//! created without a password, and refreshed from the provider's claims at
//! each sign-in. The identity provider decides; Herald keeps a copy.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::email::Email;
use super::service::{find_by_email, NewUser};
use crate::auth::Role;
use crate::entities::user;
use crate::error::{AppError, Result};

/// The fields a provider's claims gave; `None` leaves Herald's value as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProvidedProfile {
    pub email: Option<Email>,
    pub name: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub manager_email: Option<Email>,
    pub role: Option<Role>,
}

/// A person who signs in through the provider only: no password, none to change.
pub async fn create_without_password<C: ConnectionTrait>(db: &C, new: NewUser) -> Result<user::Model> {
    if find_by_email(db, new.email.as_str()).await?.is_some() {
        return Err(AppError::Conflict(format!("A user with the email {} already exists.", new.email)));
    }
    let now = Utc::now();
    Ok(user::ActiveModel {
        email: Set(new.email.into_string()),
        name: Set(new.name),
        department: Set(new.department),
        location: Set(new.location),
        manager_email: Set(new.manager_email.map(Email::into_string)),
        role: Set(new.role.as_str().to_owned()),
        password_hash: Set(None),
        must_change_password: Set(false),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Applies what the provider says now; writes only when something changed.
pub async fn refresh<C: ConnectionTrait>(db: &C, person: user::Model, profile: &ProvidedProfile) -> Result<user::Model> {
    let mut changed = false;
    let mut model: user::ActiveModel = person.clone().into();
    if let Some(email) = profile.email.as_ref().filter(|email| email.as_str() != person.email) {
        if find_by_email(db, email.as_str()).await?.is_some_and(|other| other.id != person.id) {
            return Err(AppError::Conflict("Another Herald account already uses the email address the identity provider gives.".into()));
        }
        model.email = Set(email.as_str().to_owned());
        changed = true;
    }
    let mut set_text = |value: &Option<String>, current: &str, column: &mut sea_orm::ActiveValue<String>| {
        if let Some(value) = value.as_ref().filter(|value| value.as_str() != current) {
            *column = Set(value.clone());
            changed = true;
        }
    };
    set_text(&profile.name, &person.name, &mut model.name);
    set_text(&profile.department, &person.department, &mut model.department);
    set_text(&profile.location, &person.location, &mut model.location);
    if let Some(manager) = profile.manager_email.as_ref().filter(|manager| person.manager_email.as_deref() != Some(manager.as_str())) {
        model.manager_email = Set(Some(manager.as_str().to_owned()));
        changed = true;
    }
    if let Some(role) = profile.role.filter(|role| role.as_str() != person.role) {
        model.role = Set(role.as_str().to_owned());
        changed = true;
    }
    if !changed {
        return Ok(person);
    }
    model.updated_at = Set(Utc::now());
    Ok(model.update(db).await?)
}
