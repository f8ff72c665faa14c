//! Figures by department and by location, without singling anyone out: a
//! group smaller than the configured minimum is folded into "Other"; when
//! "Other" would be too small, the next-smallest groups are folded in with
//! it until it is not (so that the total less the shown groups never tells
//! of fewer than the minimum), and when that leaves no group, none is shown.
//! Anonymous comments are never counted under a department or location.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entities::recipient;

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct GroupRow {
    pub name: String,
    pub recipients: u64,
    pub opened: u64,
    pub clicked: u64,
    /// People of the group who commented under their name.
    pub commenters: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Breakdown {
    pub rows: Vec<GroupRow>,
    /// Recipients in groups too small to show, even together.
    pub not_shown: u64,
    pub min_group: u64,
}

/// What one recipient did, for grouping.
pub struct Activity<'a> {
    pub person: &'a recipient::Model,
    pub opened: bool,
    pub clicked: bool,
    pub commented: bool,
}

pub fn group(activity: &[Activity<'_>], key: fn(&recipient::Model) -> &str, min_group: u64) -> Breakdown {
    let mut groups: BTreeMap<String, GroupRow> = BTreeMap::new();
    for a in activity {
        let name = key(a.person).trim();
        let name = if name.is_empty() { "(not set)" } else { name };
        let row = groups.entry(name.to_owned()).or_insert_with(|| GroupRow { name: name.to_owned(), ..Default::default() });
        row.recipients += 1;
        row.opened += u64::from(a.opened);
        row.clicked += u64::from(a.clicked);
        row.commenters += u64::from(a.commented);
    }
    let (mut shown, mut hidden): (Vec<GroupRow>, Vec<GroupRow>) = groups.into_values().partition(|row| row.recipients >= min_group);
    // Secondary suppression: the hidden groups together are the total less
    // the shown ones, so they must be nobody or at least `min_group` people.
    // Until they are, the smallest shown group is hidden with them.
    shown.sort_by(|a, b| b.recipients.cmp(&a.recipients).then(a.name.cmp(&b.name)));
    while !hidden.is_empty() && hidden.iter().map(|row| row.recipients).sum::<u64>() < min_group {
        let Some(smallest) = shown.pop() else { break };
        hidden.push(smallest);
    }
    let mut other = GroupRow { name: format!("Other (groups under {min_group})"), ..Default::default() };
    for row in &hidden {
        other.recipients += row.recipients;
        other.opened += row.opened;
        other.clicked += row.clicked;
        other.commenters += row.commenters;
    }
    let mut not_shown = 0;
    if shown.is_empty() {
        // Nothing but "Other" would be the total again: say only how many.
        not_shown = other.recipients;
    } else if !hidden.is_empty() {
        shown.push(other);
        shown.sort_by(|a, b| b.recipients.cmp(&a.recipients).then(a.name.cmp(&b.name)));
    }
    Breakdown { rows: shown, not_shown, min_group }
}

/// Recipients who did each thing, from the sets the figures collected.
pub fn activity<'a>(people: &'a [recipient::Model], openers: &HashSet<i32>, clickers: &HashSet<i32>, commenting_users: &HashSet<i32>) -> Vec<Activity<'a>> {
    people
        .iter()
        .map(|person| Activity {
            person,
            opened: openers.contains(&person.id),
            clicked: clickers.contains(&person.id),
            commented: person.user_id.is_some_and(|user| commenting_users.contains(&user)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i32, department: &str) -> recipient::Model {
        recipient::Model {
            id,
            announcement_id: 1,
            user_id: Some(id),
            email: format!("p{id}@example.com"),
            name: format!("P{id}"),
            department: department.into(),
            location: String::new(),
            skip_reason: None,
            first_opened_at: None,
            first_visited_at: None,
            first_clicked_at: None,
        }
    }

    #[test]
    fn small_groups_fold_into_other_or_disappear() {
        let mut people: Vec<recipient::Model> = (1..=6).map(|i| person(i, "Finance")).collect();
        people.extend((7..=9).map(|i| person(i, "Legal")));
        people.extend((10..=11).map(|i| person(i, "IT")));
        let openers: HashSet<i32> = [1, 2, 7].into();
        let activity = activity(&people, &openers, &HashSet::new(), &HashSet::from([7]));
        let breakdown = group(&activity, |p| &p.department, 5);
        assert_eq!(breakdown.rows.len(), 2);
        assert_eq!((breakdown.rows[0].name.as_str(), breakdown.rows[0].recipients, breakdown.rows[0].opened), ("Finance", 6, 2));
        assert_eq!((breakdown.rows[1].name.as_str(), breakdown.rows[1].recipients, breakdown.rows[1].opened, breakdown.rows[1].commenters), ("Other (groups under 5)", 5, 1, 1));
        let strict = group(&activity, |p| &p.department, 6);
        assert!(strict.rows.is_empty(), "Finance alone would tell Legal and IT (5, under 6) by subtraction: {strict:?}");
        assert_eq!(strict.not_shown, 11);
    }

    #[test]
    fn the_total_less_the_shown_groups_never_tells_of_a_small_group() {
        // Finance 14 and one engineer: Finance alone shown would give the engineer away.
        let mut people: Vec<recipient::Model> = (1..=14).map(|i| person(i, "Finance")).collect();
        people.push(person(15, "Engineering"));
        let openers: HashSet<i32> = [15].into();
        let breakdown = group(&activity(&people, &openers, &HashSet::new(), &HashSet::new()), |p| &p.department, 5);
        assert!(breakdown.rows.is_empty(), "{breakdown:?}");
        assert_eq!(breakdown.not_shown, 15);
        // Three large groups and two people: the smallest large group joins them in "Other".
        let mut people: Vec<recipient::Model> = (1..=9).map(|i| person(i, "Finance")).collect();
        people.extend((10..=16).map(|i| person(i, "Legal")));
        people.extend((17..=22).map(|i| person(i, "Sales")));
        people.extend((23..=24).map(|i| person(i, "IT")));
        let breakdown = group(&activity(&people, &HashSet::new(), &HashSet::new(), &HashSet::new()), |p| &p.department, 5);
        let rows: Vec<(&str, u64)> = breakdown.rows.iter().map(|r| (r.name.as_str(), r.recipients)).collect();
        assert_eq!(rows, [("Finance", 9), ("Other (groups under 5)", 8), ("Legal", 7)]);
        assert_eq!(breakdown.not_shown, 0);
    }
}
