//! What "usual" means: the median of the organisation's previous
//! announcements, and of those written from the same template, for the
//! rates a lead compares ("click-through 2.1× usual").

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::figures::{ratio, Figures};
use crate::entities::announcement;
use crate::error::Result;

/// How many earlier announcements make the baseline.
const HISTORY: u64 = 50;

/// The rates that are compared across announcements of any size.
#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq)]
pub struct Rates {
    /// unique_opens / delivered (approximate).
    pub open_rate: Option<f64>,
    pub click_through: Option<f64>,
    pub click_to_open: Option<f64>,
    /// Comments per 100 recipients.
    pub comments_per_100: Option<f64>,
    pub temperature: Option<f64>,
}

impl Rates {
    pub fn of(figures: &Figures) -> Rates {
        if figures.withheld.is_some() {
            // Withheld figures are not zeros: they neither show nor make a baseline.
            return Rates { comments_per_100: ratio(figures.comments * 100, figures.recipients), ..Default::default() };
        }
        Rates {
            open_rate: ratio(figures.unique_opens, figures.delivered),
            click_through: figures.click_through,
            click_to_open: figures.click_to_open,
            comments_per_100: ratio(figures.comments * 100, figures.recipients),
            temperature: figures.temperature.map(f64::from),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq)]
pub struct Baseline {
    /// How many earlier announcements the medians are of.
    pub announcements: u64,
    pub median: Rates,
    /// Earlier announcements from the same template.
    pub same_kind_announcements: u64,
    pub same_kind: Rates,
}

pub fn median(values: &mut Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

fn medians(all: &[Rates]) -> Rates {
    let pick = |get: fn(&Rates) -> Option<f64>| median(&mut all.iter().filter_map(get).collect());
    Rates {
        open_rate: pick(|r| r.open_rate),
        click_through: pick(|r| r.click_through),
        click_to_open: pick(|r| r.click_to_open),
        comments_per_100: pick(|r| r.comments_per_100),
        temperature: pick(|r| r.temperature),
    }
}

/// Announcements that went out before this one started, newest first.
async fn earlier(db: &DatabaseConnection, model: &announcement::Model) -> Result<Vec<announcement::Model>> {
    let started = model.started_at.unwrap_or(model.created_at);
    Ok(announcement::Entity::find()
        .filter(announcement::Column::Id.ne(model.id))
        .filter(announcement::Column::Status.is_in(["sending", "paused", "sent"]))
        .filter(announcement::Column::StartedAt.lt(started))
        .order_by_desc(announcement::Column::StartedAt)
        .limit(HISTORY)
        .all(db)
        .await?)
}

pub async fn for_announcement(db: &DatabaseConnection, model: &announcement::Model, min_group: u64) -> Result<Baseline> {
    let disclosure = super::disclosure::Disclosure::current(db, min_group).await?;
    let mut all = Vec::new();
    let mut same = Vec::new();
    for previous in earlier(db, model).await? {
        let rates = Rates::of(&disclosure.figures(super::rollups::for_baseline(db, &previous, min_group).await?));
        if previous.template_id == model.template_id {
            same.push(rates.clone());
        }
        all.push(rates);
    }
    Ok(Baseline { announcements: all.len() as u64, median: medians(&all), same_kind_announcements: same.len() as u64, same_kind: medians(&same) })
}

/// How a value compares with the usual one, in words a lead reads at a glance.
pub fn compare(value: Option<f64>, usual: Option<f64>) -> String {
    match (value, usual) {
        (Some(value), Some(usual)) if usual > 0.0 => {
            let times = value / usual;
            if times >= 1.5 {
                format!("{times:.1}× usual")
            } else if times >= 1.1 {
                "above usual".into()
            } else if times > 0.9 {
                "as usual".into()
            } else if times > 0.6 {
                "below usual".into()
            } else {
                "far below usual".into()
            }
        }
        (Some(value), Some(_)) if value > 0.0 => "above usual".into(),
        (Some(_), Some(_)) => "as usual".into(),
        _ => "no baseline yet".into(),
    }
}

/// Temperatures are compared by difference: they can be negative.
pub fn compare_temperature(value: Option<f64>, usual: Option<f64>) -> String {
    match (value, usual) {
        (Some(value), Some(usual)) => {
            let difference = value - usual;
            if difference <= -25.0 {
                "far below usual".into()
            } else if difference <= -10.0 {
                "below usual".into()
            } else if difference >= 25.0 {
                "far above usual".into()
            } else if difference >= 10.0 {
                "above usual".into()
            } else {
                "as usual".into()
            }
        }
        _ => "no baseline yet".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_skip_missing_values() {
        assert_eq!(median(&mut vec![0.3, 0.1, 0.2]), Some(0.2));
        assert_eq!(median(&mut vec![0.1, 0.4]), Some(0.25));
        assert_eq!(median(&mut vec![]), None);
        assert_eq!(median(&mut vec![f64::NAN, 1.0]), Some(1.0));
    }

    #[test]
    fn comparisons_read_like_a_lead_would_say_them() {
        assert_eq!(compare(Some(0.42), Some(0.2)), "2.1× usual");
        assert_eq!(compare(Some(0.1), Some(0.2)), "far below usual");
        assert_eq!(compare(Some(0.2), Some(0.2)), "as usual");
        assert_eq!(compare(Some(0.2), None), "no baseline yet");
        assert_eq!(compare_temperature(Some(-60.0), Some(5.0)), "far below usual");
        assert_eq!(compare_temperature(Some(12.0), Some(0.0)), "above usual");
    }
}
