//! Login throttling: after repeated failures for one email address, further
//! attempts are refused for a while. Kept in the database so that several
//! Herald servers share the count.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::entities::login_failure;
use crate::error::{AppError, Result};

pub const MAX_FAILURES: u64 = 5;
pub const WINDOW_MINUTES: i64 = 15;

pub async fn check(db: &DatabaseConnection, email: &str) -> Result<()> {
    let since = Utc::now() - Duration::minutes(WINDOW_MINUTES);
    let failures = login_failure::Entity::find()
        .filter(login_failure::Column::Email.eq(email))
        .filter(login_failure::Column::FailedAt.gt(since))
        .count(db)
        .await?;
    if failures >= MAX_FAILURES {
        return Err(AppError::TooManyRequests(format!(
            "Too many failed sign-in attempts for this account. Wait {WINDOW_MINUTES} minutes and try again."
        )));
    }
    Ok(())
}

pub async fn record_failure(db: &DatabaseConnection, email: &str) -> Result<()> {
    login_failure::ActiveModel { email: Set(email.to_owned()), failed_at: Set(Utc::now()), ..Default::default() }
        .insert(db)
        .await?;
    Ok(())
}

pub async fn clear(db: &DatabaseConnection, email: &str) -> Result<()> {
    login_failure::Entity::delete_many().filter(login_failure::Column::Email.eq(email)).exec(db).await?;
    Ok(())
}
