//! The timing rules: what a mail scanner does that a person does not, judged
//! on the events' own times against the message's delivery (so a batch
//! loaded late is judged the same). Only events their request looked human
//! are judged; a rule that fires reclassifies them, and earlier ones
//! already stored, as automated. docs/tracking.md explains each rule.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;

use super::classify::Verdict;
use super::events::EventKind;
use super::recorder::NewEvent;
use super::rule::Rule;
use crate::entities::{outbox, tracking_event};

/// The windows of the timing rules (`[tracking]` in `herald.toml`), in seconds.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct TimingRules {
    /// A click this soon after delivery is a scanner's.
    pub click_after_delivery_seconds: i64,
    /// Repeats and bursts are looked for this long after delivery.
    pub scan_window_seconds: i64,
    /// One link hit again within this many seconds (in the scan window).
    pub repeat_seconds: i64,
    /// Two different links hit within this many seconds (in the scan window).
    pub burst_seconds: i64,
    /// An image proxy fetching the open image this soon after delivery is
    /// a privacy prefetch, not a read.
    pub prefetch_seconds: i64,
}

impl Default for TimingRules {
    fn default() -> Self {
        TimingRules { click_after_delivery_seconds: 5, scan_window_seconds: 120, repeat_seconds: 2, burst_seconds: 3, prefetch_seconds: 10 }
    }
}

impl TimingRules {
    pub fn check(&self) -> anyhow::Result<()> {
        for (name, value) in [
            ("click_after_delivery_seconds", self.click_after_delivery_seconds),
            ("scan_window_seconds", self.scan_window_seconds),
            ("repeat_seconds", self.repeat_seconds),
            ("burst_seconds", self.burst_seconds),
            ("prefetch_seconds", self.prefetch_seconds),
        ] {
            if !(0..=3600).contains(&value) {
                anyhow::bail!("[tracking] {name} must be between 0 and 3600 seconds, got {value}");
            }
        }
        if self.click_after_delivery_seconds > self.scan_window_seconds {
            anyhow::bail!("[tracking] click_after_delivery_seconds must not exceed scan_window_seconds");
        }
        Ok(())
    }
}

/// Delivery can be recorded a little after the first scanner hit.
const CLOCK_SLACK: Duration = Duration::seconds(5);
/// Times kept per recipient and link: enough to see a repeat or a burst,
/// bounded however often one link is hit.
const TIMES_KEPT: usize = 8;
/// Recipients remembered before the memory is cleared.
const RECIPIENTS_REMEMBERED: usize = 200_000;

/// The recent human-looking clicks of recipients still in the scan window,
/// kept by a writer so it need not ask the database again.
#[derive(Default)]
pub struct RecentClicks {
    by_recipient: HashMap<i32, Vec<(Option<i32>, Vec<DateTime<Utc>>)>>,
}

impl RecentClicks {
    fn note(&mut self, recipient_id: i32, link: Option<i32>, at: DateTime<Utc>) {
        let spans = self.by_recipient.entry(recipient_id).or_default();
        let times = match spans.iter_mut().position(|span| span.0 == link) {
            Some(index) => &mut spans[index].1,
            None => {
                spans.push((link, Vec::new()));
                &mut spans.last_mut().expect("just pushed").1
            }
        };
        if !times.contains(&at) {
            times.push(at);
        }
        times.sort_unstable();
        if times.len() > TIMES_KEPT {
            times.remove(0);
        }
    }

    /// Drops recipients with no click since `before`, keeping the map small.
    fn prune(&mut self, before: DateTime<Utc>) {
        if self.by_recipient.len() > RECIPIENTS_REMEMBERED {
            self.by_recipient.clear();
        }
        self.by_recipient.retain(|_, spans| spans.iter().flat_map(|span| &span.1).any(|at| *at >= before));
    }
}

/// What the rules found for one recipient.
#[derive(Default)]
struct Findings {
    burst: bool,
    /// Links hit again within the repeat window, with the span of the hits.
    repeats: Vec<(Option<i32>, DateTime<Utc>, DateTime<Utc>)>,
}

/// Applies the timing rules to a batch: changes the verdicts of its events
/// and reclassifies stored rows. `stored_ahead`: the batch's own rows are
/// already in the database with their logged verdicts. Returns the
/// recipients whose first-click time must be recounted.
pub async fn judge(
    txn: &DatabaseTransaction,
    recent: &mut RecentClicks,
    rules: &TimingRules,
    events: &[&NewEvent],
    verdicts: &mut [Verdict],
    stored_ahead: bool,
) -> Result<Vec<i32>, sea_orm::DbErr> {
    let judged = |event: &NewEvent, verdict: &Verdict| match event.kind {
        EventKind::Click => !verdict.automated,
        EventKind::Open => verdict.is_approximate(),
        _ => false,
    };
    let recipients: HashSet<i32> = events.iter().zip(verdicts.iter()).filter(|(e, v)| judged(e, v)).filter_map(|(e, _)| e.recipient_id).collect();
    if recipients.is_empty() {
        return Ok(Vec::new());
    }
    let delivered = delivery_times(txn, &recipients).await?;
    let seconds_after = |event: &NewEvent| -> Option<Duration> {
        let sent = delivered.get(&event.recipient_id?)?;
        let after = event.occurred_at - *sent;
        (after >= -CLOCK_SLACK).then_some(after)
    };
    let within = |event: &NewEvent, seconds: i64| seconds_after(event).is_some_and(|after| after <= Duration::seconds(seconds));

    // Rules on the event alone.
    // Per event, the rule that fired last: a burst or a repeat explains more than timing alone.
    let mut changed: BTreeMap<usize, (Rule, &'static str)> = BTreeMap::new();
    let mut scanned: Vec<usize> = Vec::new();
    for (index, (event, verdict)) in events.iter().zip(verdicts.iter()).enumerate() {
        if !judged(event, verdict) {
            continue;
        }
        if event.kind == EventKind::Open {
            if within(event, rules.prefetch_seconds) {
                changed.insert(index, (Rule::PrivacyPrefetch, "privacy prefetch"));
            }
            continue;
        }
        if within(event, rules.scan_window_seconds) {
            scanned.push(index);
        }
        if within(event, rules.click_after_delivery_seconds) {
            changed.insert(index, (Rule::SoonAfterDelivery, "soon after delivery"));
        }
    }

    // Rules on a recipient's clicks together: this batch's and the recent ones.
    let findings = if scanned.is_empty() {
        HashMap::new()
    } else {
        remember_stored(txn, recent, events, &scanned, rules).await?;
        for index in &scanned {
            let event = events[*index];
            recent.note(event.recipient_id.expect("scanned clicks have one"), event.link_id, event.occurred_at);
        }
        let latest = scanned.iter().map(|index| events[*index].occurred_at).max().expect("not empty");
        recent.prune(latest - Duration::seconds(rules.scan_window_seconds));
        let candidates: HashSet<i32> = scanned.iter().filter_map(|index| events[*index].recipient_id).collect();
        candidates.into_iter().map(|id| (id, find(recent, id, rules))).filter(|(_, f)| f.burst || !f.repeats.is_empty()).collect()
    };
    for index in &scanned {
        let event = events[*index];
        let Some(found) = event.recipient_id.and_then(|id| findings.get(&id)) else { continue };
        if found.burst {
            changed.insert(*index, (Rule::LinkBurst, "link burst"));
        } else if found.repeats.iter().any(|(link, from, to)| *link == event.link_id && (*from..=*to).contains(&event.occurred_at)) {
            changed.insert(*index, (Rule::RepeatHit, "repeat hit"));
        }
    }

    for (index, (rule, reason)) in &changed {
        verdicts[*index] = events[*index].client.verdict.reclassified(*rule, reason);
    }
    if stored_ahead {
        for (index, (rule, reason)) in &changed {
            let event = events[*index];
            let Some(recipient_id) = event.recipient_id else { continue };
            reclassify(txn, recipient_id, event.kind, None, event.occurred_at, event.occurred_at, *rule, reason).await?;
        }
    }
    // Earlier clicks of a burst or a repeat, stored as human, are a scanner's too.
    let mut recount: HashSet<i32> = HashSet::new();
    for (recipient_id, found) in &findings {
        let Some(sent) = delivered.get(recipient_id) else { continue };
        if found.burst {
            let end = *sent + Duration::seconds(rules.scan_window_seconds);
            reclassify(txn, *recipient_id, EventKind::Click, None, *sent - CLOCK_SLACK, end, Rule::LinkBurst, "link burst").await?;
        } else {
            for (link, from, to) in &found.repeats {
                reclassify(txn, *recipient_id, EventKind::Click, Some(*link), *from, *to, Rule::RepeatHit, "repeat hit").await?;
            }
        }
        recount.insert(*recipient_id);
    }
    if stored_ahead {
        recount.extend(changed.keys().filter(|index| events[**index].kind == EventKind::Click).filter_map(|index| events[*index].recipient_id));
    }
    Ok(recount.into_iter().collect())
}

/// When each recipient's message was handed to the mail server.
async fn delivery_times(txn: &DatabaseTransaction, recipients: &HashSet<i32>) -> Result<HashMap<i32, DateTime<Utc>>, sea_orm::DbErr> {
    Ok(outbox::Entity::find()
        .select_only()
        .columns([outbox::Column::RecipientId, outbox::Column::SentAt])
        .filter(outbox::Column::RecipientId.is_in(recipients.iter().copied()))
        .filter(outbox::Column::SentAt.is_not_null())
        .into_tuple::<(Option<i32>, Option<DateTime<Utc>>)>()
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|(recipient, sent)| Some((recipient?, sent?)))
        .collect())
}

/// Reads the stored human-looking clicks of recipients this writer has not
/// seen lately: the first and last of each link, however many clicks.
async fn remember_stored(txn: &DatabaseTransaction, recent: &mut RecentClicks, events: &[&NewEvent], scanned: &[usize], rules: &TimingRules) -> Result<(), sea_orm::DbErr> {
    let unknown: HashSet<i32> = scanned.iter().filter_map(|index| events[*index].recipient_id).filter(|id| !recent.by_recipient.contains_key(id)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let earliest = scanned.iter().map(|index| events[*index].occurred_at).min().expect("not empty");
    let window = Duration::seconds(rules.repeat_seconds.max(rules.burst_seconds));
    let judged_by_timing = Condition::any()
        .add(tracking_event::Column::Automated.eq(false))
        .add(tracking_event::Column::Rule.is_in([Rule::SoonAfterDelivery, Rule::RepeatHit, Rule::LinkBurst].map(Rule::as_str)));
    let stored: Vec<(i32, Option<i32>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> = tracking_event::Entity::find()
        .select_only()
        .column(tracking_event::Column::RecipientId)
        .column(tracking_event::Column::LinkId)
        .column_as(tracking_event::Column::OccurredAt.min(), "first")
        .column_as(tracking_event::Column::OccurredAt.max(), "last")
        .filter(tracking_event::Column::RecipientId.is_in(unknown.iter().copied()))
        .filter(tracking_event::Column::Kind.eq(EventKind::Click.as_str()))
        .filter(tracking_event::Column::OccurredAt.gte(earliest - window))
        .filter(judged_by_timing)
        .group_by(tracking_event::Column::RecipientId)
        .group_by(tracking_event::Column::LinkId)
        .into_tuple()
        .all(txn)
        .await?;
    for (recipient, link, first, last) in stored {
        if let (Some(first), Some(last)) = (first, last) {
            recent.note(recipient, link, first);
            recent.note(recipient, link, last);
        }
    }
    for id in unknown {
        recent.by_recipient.entry(id).or_default();
    }
    Ok(())
}

/// Repeats and a burst among one recipient's recent clicks.
fn find(recent: &RecentClicks, recipient_id: i32, rules: &TimingRules) -> Findings {
    let spans = recent.by_recipient.get(&recipient_id).map(Vec::as_slice).unwrap_or_default();
    let mut findings = Findings::default();
    let repeat = Duration::seconds(rules.repeat_seconds);
    for (link, times) in spans {
        let close: Vec<DateTime<Utc>> = times.windows(2).filter(|pair| pair[1] - pair[0] <= repeat).flat_map(|pair| [pair[0], pair[1]]).collect();
        if let (Some(from), Some(to)) = (close.iter().min(), close.iter().max()) {
            findings.repeats.push((*link, *from, *to));
        }
    }
    let burst = Duration::seconds(rules.burst_seconds);
    findings.burst = spans.iter().enumerate().any(|(i, (link_a, times_a))| {
        spans[i + 1..].iter().any(|(link_b, times_b)| link_a != link_b && times_a.iter().any(|a| times_b.iter().any(|b| (*a - *b).abs() <= burst)))
    });
    findings
}

/// Marks a recipient's stored events of `kind` between `from` and `to`
/// (on one link, if given) as automated by `rule`, if they were not already.
#[allow(clippy::too_many_arguments)]
async fn reclassify(
    txn: &DatabaseTransaction,
    recipient_id: i32,
    kind: EventKind,
    link: Option<Option<i32>>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    rule: Rule,
    reason: &str,
) -> Result<(), sea_orm::DbErr> {
    let mut update = tracking_event::Entity::update_many()
        .col_expr(tracking_event::Column::Automated, Expr::value(true))
        .col_expr(tracking_event::Column::BotReason, Expr::value(reason))
        .col_expr(tracking_event::Column::Rule, Expr::value(rule.as_str()))
        .filter(tracking_event::Column::RecipientId.eq(recipient_id))
        .filter(tracking_event::Column::Kind.eq(kind.as_str()))
        .filter(tracking_event::Column::Automated.eq(false))
        .filter(tracking_event::Column::OccurredAt.gte(from))
        .filter(tracking_event::Column::OccurredAt.lte(to));
    update = match link {
        Some(Some(link_id)) => update.filter(tracking_event::Column::LinkId.eq(link_id)),
        Some(None) => update.filter(tracking_event::Column::LinkId.is_null()),
        None => update,
    };
    update.exec(txn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn repeats_and_bursts_are_told_from_a_person_reading() {
        let rules = TimingRules::default();
        let mut recent = RecentClicks::default();
        // A person reading two items five seconds apart.
        recent.note(1, Some(10), at(30));
        recent.note(1, Some(11), at(35));
        let person = find(&recent, 1, &rules);
        assert!(!person.burst && person.repeats.is_empty());
        // A scanner: two links within a second, and one link twice within two.
        recent.note(2, Some(10), at(8));
        recent.note(2, Some(11), at(9));
        assert!(find(&recent, 2, &rules).burst);
        recent.note(3, Some(10), at(8));
        recent.note(3, Some(10), at(9));
        let repeat = find(&recent, 3, &rules);
        assert_eq!((repeat.burst, repeat.repeats), (false, vec![(Some(10), at(8), at(9))]));
    }

    #[test]
    fn windows_out_of_range_are_refused() {
        assert!(TimingRules::default().check().is_ok());
        assert!(TimingRules { repeat_seconds: -1, ..Default::default() }.check().is_err());
        assert!(TimingRules { click_after_delivery_seconds: 600, ..Default::default() }.check().is_err());
    }
}
