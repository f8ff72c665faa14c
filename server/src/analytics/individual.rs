//! Individual-level tracking: whether HR staff may see who personally opened a
//! message, visited a spotlight or clicked a link, and be told when an invited
//! person first opens one.
//!
//! Off until an HR lead turns it on for the organisation. Every figure stays
//! available in aggregate either way; the setting (with who changed it and when)
//! is shown to employees on their home page and on every spotlight page.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};

use crate::entities::{setting, user};
use crate::error::Result;

const SETTING: &str = "individual_tracking";

/// The organisation's choice, as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndividualTracking {
    pub enabled: bool,
    /// Name of the HR lead who last changed it.
    pub changed_by: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

impl IndividualTracking {
    /// One sentence for employees, true to the current setting.
    pub fn employee_notice(&self) -> String {
        if self.enabled {
            let since = match (&self.changed_by, self.changed_at) {
                (Some(by), Some(at)) => format!(" (turned on by {by} on {})", at.format("%Y-%m-%d")),
                _ => String::new(),
            };
            format!(
                "HR can see whether you personally opened the emails it sends you, visited their pages and clicked their links{since}. \
                 Anonymous comments and quick reactions stay anonymous."
            )
        } else {
            "HR sees only totals of opens and clicks, never whether you personally opened or clicked. \
             Anonymous comments and quick reactions stay anonymous."
                .to_owned()
        }
    }
}

/// The current setting; off when never set. A value that cannot be read counts as off.
pub async fn current(db: &impl ConnectionTrait) -> Result<IndividualTracking> {
    let stored = setting::Entity::find_by_id(SETTING.to_owned()).one(db).await?;
    Ok(stored.and_then(|row| serde_json::from_str(&row.value).ok()).unwrap_or_default())
}

/// Whether individual-level data may be shown or sent now.
pub async fn enabled(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(current(db).await?.enabled)
}

/// Turns individual-level tracking on or off for everyone, recording who did it.
pub async fn set(db: &impl ConnectionTrait, enabled: bool, by: &user::Model) -> Result<IndividualTracking> {
    let value = IndividualTracking { enabled, changed_by: Some(by.name.clone()), changed_at: Some(Utc::now()) };
    let row = setting::ActiveModel { key: Set(SETTING.to_owned()), value: Set(serde_json::to_string(&value).map_err(anyhow::Error::from)?) };
    setting::Entity::insert(row)
        .on_conflict(OnConflict::column(setting::Column::Key).update_column(setting::Column::Value).to_owned())
        .exec(db)
        .await?;
    tracing::info!(enabled, user_id = by.id, "individual-level tracking changed");
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employees_are_told_the_truth_either_way() {
        let off = IndividualTracking::default();
        assert!(off.employee_notice().contains("only totals"));
        let on = IndividualTracking { enabled: true, changed_by: Some("Lee Lead".into()), changed_at: Some(Utc::now()) };
        let notice = on.employee_notice();
        assert!(notice.contains("personally opened") && notice.contains("Lee Lead"), "{notice}");
    }
}
