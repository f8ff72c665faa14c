//! What of an announcement's behaviour may be shown, decided in one place
//! for every page, CSV and API answer that shows it (the dashboard, the
//! overview and its weeks, baselines, the spotlight page's reach, the stats
//! API). Rollups keep the full figures; this is applied when they are read.
//!
//! The rule (docs/analytics.md, "Minimum group size"): when fewer than
//! `analytics_min_group` people were sent an announcement (recipients, or
//! messages delivered so far), any figure of it would tell what those few
//! did. Then, unless individual-level tracking is on (when HR may see each
//! person's opens and clicks anyway), every behaviour figure is withheld:
//! opens, clicks, visits, reach, channels, items, the timeline, reading and
//! the breakdowns. Quick reactions and sentiment are anonymous either way,
//! so they are withheld for such an audience even with it on. Delivery
//! figures and the number of comments (which anyone can count in the
//! thread) stay. An announcement with no recipients at all (reached only by
//! short links) has no audience to single out and is shown.

use sea_orm::DatabaseConnection;

use super::figures::Figures;
use super::reading::ReadBuckets;
use crate::entities::announcement;
use crate::error::Result;
use crate::tracking::stats::Reach;

#[derive(Clone, Copy, Debug)]
pub struct Disclosure {
    pub min_group: u64,
    /// Individual-level tracking is on.
    pub individual: bool,
}

/// How much of an announcement's figures is withheld.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withheld {
    Nothing,
    /// Quick reactions and sentiment only.
    Reactions,
    /// Every behaviour figure.
    Behaviour,
}

impl Disclosure {
    pub async fn current(db: &DatabaseConnection, min_group: u64) -> Result<Disclosure> {
        Ok(Disclosure { min_group, individual: super::individual::enabled(db).await? })
    }

    /// What is withheld of an announcement sent to `recipients` people, `delivered` of them so far.
    pub fn withheld(&self, recipients: u64, delivered: u64) -> Withheld {
        let small = recipients > 0 && (recipients < self.min_group || delivered < self.min_group);
        match (small, self.individual) {
            (false, _) => Withheld::Nothing,
            (true, true) => Withheld::Reactions,
            (true, false) => Withheld::Behaviour,
        }
    }

    fn reason(&self, withheld: Withheld) -> Option<String> {
        let min = self.min_group;
        match withheld {
            Withheld::Nothing => None,
            Withheld::Reactions => Some(format!("Sent to fewer than {min} people: quick reactions and sentiment are not shown.")),
            Withheld::Behaviour => Some(format!(
                "Sent to fewer than {min} people: opens, clicks, visits, reading, reactions and breakdowns are not shown, as they would tell what each of them did."
            )),
        }
    }

    /// The figures as they may be shown; `withheld` says what was left out and why.
    pub fn figures(&self, mut f: Figures) -> Figures {
        let withheld = self.withheld(f.recipients, f.delivered);
        f.withheld = self.reason(withheld);
        if withheld == Withheld::Nothing {
            return f;
        }
        f.sentiment = Default::default();
        f.feelings = [0; 5];
        f.temperature = None;
        f.temperature_by_day.clear();
        if withheld == Withheld::Behaviour {
            f.unique_opens = 0;
            f.clicks = Default::default();
            f.unique_email_clickers = 0;
            f.click_through = None;
            f.click_to_open = None;
            f.reached = Default::default();
            f.clicks_by_collateral.clear();
            f.clicks_by_channel.clear();
            f.timeline.clear();
            f.reading = ReadBuckets::default();
            for breakdown in [&mut f.by_department, &mut f.by_location] {
                breakdown.rows.clear();
                breakdown.not_shown = f.recipients;
            }
        }
        f
    }

    /// The event-level reach and reading of the spotlight page and the stats
    /// API; `Some(reason)` when they are withheld (and emptied).
    pub fn reach(&self, recipients: u64, delivered: u64, reach: &mut Reach, reading: &mut ReadBuckets) -> Option<String> {
        let withheld = self.withheld(recipients, delivered);
        if withheld != Withheld::Behaviour {
            return None;
        }
        *reach = Reach::default();
        *reading = ReadBuckets::default();
        self.reason(withheld)
    }
}

/// Whether `Disclosure::figures` withheld the behaviour figures (it empties
/// the timeline, which a computed one never is).
pub fn behaviour_withheld(f: &Figures) -> bool {
    f.withheld.is_some() && f.timeline.is_empty()
}

/// An announcement's figures as they may be shown now (the rollup, kept current).
pub async fn figures(db: &DatabaseConnection, model: &announcement::Model, min_group: u64) -> Result<Figures> {
    let disclosure = Disclosure::current(db, min_group).await?;
    Ok(disclosure.figures(super::rollups::current(db, model, min_group).await?))
}

/// The spotlight page's and the stats API's reach and reading of an announcement, as they may be shown.
pub async fn reach(db: &DatabaseConnection, id: i32, titles: &[(i32, String)], min_group: u64) -> Result<(Reach, ReadBuckets, Option<String>)> {
    let disclosure = Disclosure::current(db, min_group).await?;
    let mut reach = crate::tracking::stats::for_announcement(db, id, titles).await?;
    let mut reading = super::reading::buckets_for(db, super::reading::ReadKind::Announcement, id).await?;
    let recipients = crate::spotlights::status::recipient_count(db, id).await?;
    let delivered = crate::spotlights::status::delivery(db, id).await?.sent;
    let withheld = disclosure.reach(recipients, delivered, &mut reach, &mut reading);
    Ok((reach, reading, withheld))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_audience_shows_no_behaviour_unless_individual_tracking_is_on() {
        let off = Disclosure { min_group: 5, individual: false };
        let on = Disclosure { min_group: 5, individual: true };
        assert_eq!(off.withheld(4, 4), Withheld::Behaviour);
        assert_eq!(off.withheld(100, 3), Withheld::Behaviour, "while only 3 have been delivered");
        assert_eq!(off.withheld(5, 5), Withheld::Nothing);
        assert_eq!(off.withheld(0, 0), Withheld::Nothing, "no audience to single out");
        assert_eq!(on.withheld(2, 2), Withheld::Reactions, "anonymous reactions stay anonymous");
        let f = Figures { recipients: 2, delivered: 2, unique_opens: 1, feelings: [1, 0, 0, 0, 0], click_through: Some(0.5), ..Default::default() };
        let shown = off.figures(f.clone());
        assert_eq!((shown.unique_opens, shown.feelings, shown.click_through, shown.recipients), (0, [0; 5], None, 2));
        assert_eq!(shown.by_department.not_shown, 2);
        assert!(shown.withheld.is_some());
        let shown = on.figures(f);
        assert_eq!((shown.unique_opens, shown.feelings), (1, [0; 5]));
    }
}
