//! Short-link codes and the links they name. A code is 7 random base62
//! characters (62^7 ≈ 3.5 × 10^12), case-sensitive; where it leads is fixed
//! when the link is made, from the database's own paths.

use chrono::Utc;
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::short_link;
use crate::error::{AppError, Result};

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const CODE_LEN: usize = 7;

pub fn new_code() -> String {
    let mut rng = rand::thread_rng();
    (0..CODE_LEN).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Cheap shape check before any lookup: 6–8 base62 characters.
pub fn is_code(value: &str) -> bool {
    (6..=8).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Campaign parameters added to a link's target for the channel's own analytics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Utm {
    pub source: String,
    pub medium: String,
    pub campaign: String,
}

impl Utm {
    fn query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [("utm_source", &self.source), ("utm_medium", &self.medium), ("utm_campaign", &self.campaign)] {
            if !value.trim().is_empty() {
                query.append_pair(key, value.trim());
            }
        }
        query.finish()
    }
}

/// What a new short link is for.
pub struct NewLink<'a> {
    pub announcement_id: Option<i32>,
    pub collateral_id: Option<i32>,
    pub channel: &'a str,
    pub parent: Option<&'a short_link::Model>,
    pub owner_user_id: Option<i32>,
    pub created_by: Option<i32>,
    pub utm: Option<Utm>,
}

/// Makes the link, drawing a new code in the rare case one is taken.
pub async fn create(db: &impl ConnectionTrait, new: NewLink<'_>) -> Result<short_link::Model> {
    for _ in 0..5 {
        let code = new_code();
        if short_link::Entity::find().filter(short_link::Column::Code.eq(&code)).one(db).await?.is_some() {
            continue;
        }
        let mut target = format!("/v/{code}");
        if let Some(query) = new.utm.as_ref().map(Utm::query).filter(|q| !q.is_empty()) {
            target = format!("{target}?{query}");
        }
        let row = short_link::ActiveModel {
            code: Set(code),
            announcement_id: Set(new.announcement_id),
            collateral_id: Set(new.collateral_id),
            channel: Set(new.channel.to_owned()),
            parent_id: Set(new.parent.map(|parent| parent.id)),
            owner_user_id: Set(new.owner_user_id),
            depth: Set(new.parent.map_or(0, |parent| parent.depth + 1)),
            target: Set(target),
            created_by: Set(new.created_by),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        // A racing server could take the same code between the check and the
        // insert; the unique index refuses it and we draw again.
        match row.insert(db).await {
            Ok(link) => return Ok(link),
            Err(error) if error.to_string().to_lowercase().contains("unique") => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!("could not find a free short-link code")))
}

/// The link with exactly this code, revoked or not.
async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<short_link::Model> {
    if !is_code(code) {
        return Err(AppError::NotFound);
    }
    let link = short_link::Entity::find().filter(short_link::Column::Code.eq(code)).one(db).await?.ok_or(AppError::NotFound)?;
    // SQLite compares case-insensitively only with NOCASE; this makes sure on every backend.
    if link.code != code {
        return Err(AppError::NotFound);
    }
    Ok(link)
}

/// A live link by its code; revoked and unknown codes are both "not found".
pub async fn find_live(db: &impl ConnectionTrait, code: &str) -> Result<short_link::Model> {
    Some(by_code(db, code).await?).filter(|link| link.revoked_at.is_none()).ok_or(AppError::NotFound)
}

/// [`find_live`] through the server's lookup cache: what every `/s/` click uses.
pub async fn find_live_cached(state: &crate::state::AppState, code: &str) -> Result<std::sync::Arc<short_link::Model>> {
    let load = || async {
        match by_code(&state.db, code).await {
            Ok(found) => Ok(Some(std::sync::Arc::new(found))),
            Err(AppError::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    };
    let link = state.lookups.short_link(code, load).await?.ok_or(AppError::NotFound)?;
    if link.revoked_at.is_some() { Err(AppError::NotFound) } else { Ok(link) }
}

/// The full address of a short link.
pub fn short_url(config: &crate::config::Config, code: &str) -> String {
    format!("{}/s/{code}", config.public_base())
}

/// Stops a link: `/s/{code}` and its pages answer 404 from now on (other
/// servers within the lookup cache's few seconds).
pub async fn revoke(state: &crate::state::AppState, link: short_link::Model) -> Result<()> {
    let code = link.code.clone();
    let mut row: short_link::ActiveModel = link.into();
    row.revoked_at = Set(Some(Utc::now()));
    row.update(&state.db).await?;
    state.lookups.forget_short_link(&code);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_base62_of_the_right_length() {
        let codes: std::collections::HashSet<String> = (0..1000).map(|_| new_code()).collect();
        assert_eq!(codes.len(), 1000);
        assert!(codes.iter().all(|code| is_code(code) && code.len() == CODE_LEN));
        assert!(!is_code("abc"));
        assert!(!is_code("abc/../x"));
        assert!(!is_code("abcdefghi"));
        assert!(!is_code("abc%2Fdef"));
    }

    #[test]
    fn utm_parameters_are_encoded() {
        let utm = Utm { source: "linkedin".into(), medium: "social".into(), campaign: "dental & vision".into() };
        assert_eq!(utm.query(), "utm_source=linkedin&utm_medium=social&utm_campaign=dental+%26+vision");
        assert_eq!(Utm::default().query(), "");
    }
}
