//! The audience builder's checkboxes (lists, departments, locations, roles),
//! shared by the spotlight editor and acknowledgement requests.

use super::lists;
use super::model::Audience;
use crate::auth::Role;
use crate::entities::user;
use crate::error::Result;
use crate::state::AppState;
use crate::users::service as users;

pub struct Group {
    pub label: &'static str,
    pub field: &'static str,
    pub options: Vec<AudienceOption>,
}

/// One audience checkbox.
pub struct AudienceOption {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

fn group(label: &'static str, field: &'static str, values: Vec<(String, String)>, chosen: &[String]) -> Group {
    let options = values.into_iter().map(|(value, label)| AudienceOption { checked: chosen.contains(&value), value, label }).collect();
    Group { label, field, options }
}

fn pairs(values: Vec<String>) -> Vec<(String, String)> {
    values.into_iter().map(|v| (v.clone(), v)).collect()
}

/// Every group, with `chosen`'s parts ticked.
pub async fn groups(state: &AppState, chosen: &Audience) -> Result<Vec<Group>> {
    Ok(vec![
        group("Distribution lists", "lists", lists::all(&state.db).await?.into_iter().map(|l| (l.name.clone(), format!("{} ({})", l.name, l.members))).collect(), &chosen.lists),
        group("Departments", "departments", pairs(users::distinct_values(&state.db, user::Column::Department).await?), &chosen.departments),
        group("Locations", "locations", pairs(users::distinct_values(&state.db, user::Column::Location).await?), &chosen.locations),
        group("Roles", "roles", Role::ALL.iter().map(|r| (r.as_str().to_owned(), r.label().to_owned())).collect(), &chosen.roles),
    ])
}
