//! Who a verified ID token is: the person linked to its subject, else the
//! person with its email (then linked), else — when allowed — a new person.
//! Their mapped fields and role are refreshed from the claims every time.

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::claims;
use super::provider::VerifiedClaims;
use super::settings::OidcConfig;
use crate::auth::Role;
use crate::entities::{oidc_identity, user};
use crate::error::{AppError, Result};
use crate::users::external::{self, ProvidedProfile};
use crate::users::service::{self, NewUser};

/// Why a verified person still does not get in.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Herald has no account for them and may not create one.
    Unknown,
    /// Their account is deactivated.
    Inactive,
    /// The provider gave no usable email address.
    NoEmail,
    /// The provider says the address is not verified, so it cannot name an account.
    Unverified,
    /// The account with this email is linked to another identity at the same provider.
    LinkedElsewhere,
    /// Applying the provider's details would clash with another account.
    Conflict(String),
}

impl Refusal {
    /// For the admin's status page: about the provider's answer, naming nobody.
    pub fn for_status(&self) -> String {
        match self {
            Refusal::Unknown => "someone without a Herald account signed in, and creating accounts (create_unknown) is off".into(),
            Refusal::Inactive => "a deactivated person tried to sign in".into(),
            Refusal::NoEmail => "the ID token has no usable email claim; check the claim mapping".into(),
            Refusal::Unverified => "the provider marked an email address as not verified".into(),
            Refusal::LinkedElsewhere => "an account is already linked to another identity at the provider".into(),
            Refusal::Conflict(_) => "the provider's details clash with another Herald account".into(),
        }
    }
}

pub async fn resolve(db: &DatabaseConnection, config: &OidcConfig, verified: &VerifiedClaims) -> Result<std::result::Result<user::Model, Refusal>> {
    let mut profile = claims::profile(config, &verified.claims);
    let linked = oidc_identity::Entity::find()
        .filter(oidc_identity::Column::Issuer.eq(&verified.issuer))
        .filter(oidc_identity::Column::Subject.eq(&verified.subject))
        .one(db)
        .await?;
    let person = match linked {
        Some(link) => user::Entity::find_by_id(link.user_id).one(db).await?.ok_or(AppError::NotFound)?,
        None => {
            let Some(email) = profile.email.clone() else { return Ok(Err(Refusal::NoEmail)) };
            if claims::email_unverified(&verified.claims) {
                return Ok(Err(Refusal::Unverified));
            }
            let person = match service::find_by_email(db, email.as_str()).await? {
                Some(person) => person,
                None if config.create_unknown => match create(db, &profile).await? {
                    Ok(person) => person,
                    Err(refusal) => return Ok(Err(refusal)),
                },
                None => return Ok(Err(Refusal::Unknown)),
            };
            match oidc_identity::Entity::find().filter(oidc_identity::Column::UserId.eq(person.id)).one(db).await? {
                Some(link) if link.issuer == verified.issuer => return Ok(Err(Refusal::LinkedElsewhere)),
                // A link from a provider Herald no longer uses (the organisation moved): now this one's.
                Some(stale) => {
                    let mut link = stale.into_active_model();
                    link.issuer = Set(verified.issuer.clone());
                    link.subject = Set(verified.subject.clone());
                    link.update(db).await?;
                }
                None => {
                    oidc_identity::ActiveModel {
                        user_id: Set(person.id),
                        issuer: Set(verified.issuer.clone()),
                        subject: Set(verified.subject.clone()),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?;
                }
            }
            person
        }
    };
    if !person.active {
        return Ok(Err(Refusal::Inactive));
    }
    // The break-glass administrator's way back in stays an administrator's.
    if config.is_break_glass(&person.email) {
        profile.role = None;
    }
    match external::refresh(db, person, &profile).await {
        Ok(person) => Ok(Ok(person)),
        Err(AppError::Conflict(message)) => Ok(Err(Refusal::Conflict(message))),
        Err(other) => Err(other),
    }
}

async fn create(db: &DatabaseConnection, profile: &ProvidedProfile) -> Result<std::result::Result<user::Model, Refusal>> {
    let Some(email) = profile.email.clone() else { return Ok(Err(Refusal::NoEmail)) };
    let name = profile.name.clone().unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().to_owned());
    let role = profile.role.unwrap_or(Role::Employee);
    let mut new = match NewUser::parse(email.as_str(), &name, profile.department.as_deref().unwrap_or(""), profile.location.as_deref().unwrap_or(""), role) {
        Ok(new) => new,
        Err(message) => return Ok(Err(Refusal::Conflict(message))),
    };
    new.manager_email = profile.manager_email.clone();
    let person = external::create_without_password(db, new).await?;
    tracing::info!(user_id = person.id, "account created at first single sign-on");
    Ok(Ok(person))
}
