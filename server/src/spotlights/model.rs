//! What an announcement is made of, parsed at the edge: its status and the
//! audience it is addressed to.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Role;
use crate::users::email::Email;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    Scheduled,
    Sending,
    Paused,
    Sent,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [Status::Draft, Status::Scheduled, Status::Sending, Status::Paused, Status::Sent, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Sending => "sending",
            Status::Paused => "paused",
            Status::Sent => "sent",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Status {
        Status::ALL.into_iter().find(|s| s.as_str() == value).unwrap_or(Status::Draft)
    }

    /// Content and audience may change only before anything was sent.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Scheduled)
    }
}

/// Who an announcement goes to. Every part adds people; duplicates collapse.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Audience {
    /// Individuals, by email address.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Distribution lists, by name (or numeric id).
    #[serde(default)]
    pub lists: Vec<String>,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub locations: Vec<String>,
    /// employee, hr_staff, hr_lead or admin.
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub everyone: bool,
}

impl Audience {
    pub fn is_empty(&self) -> bool {
        !self.everyone
            && self.emails.is_empty()
            && self.lists.is_empty()
            && self.departments.is_empty()
            && self.locations.is_empty()
            && self.roles.is_empty()
    }

    /// Trims, drops blanks and duplicates, and checks emails and roles.
    pub fn normalised(mut self) -> Result<Audience, Vec<String>> {
        let mut errors = vec![];
        let clean = |values: &mut Vec<String>| {
            let mut seen = std::collections::BTreeSet::new();
            values.retain_mut(|value| {
                *value = value.trim().to_owned();
                !value.is_empty() && seen.insert(value.to_lowercase())
            });
        };
        for list in [&mut self.emails, &mut self.lists, &mut self.departments, &mut self.locations, &mut self.roles] {
            clean(list);
        }
        for email in &mut self.emails {
            match Email::parse(email) {
                Ok(parsed) => *email = parsed.into_string(),
                Err(err) => errors.push(format!("audience: {err}")),
            }
        }
        for role in &self.roles {
            if let Err(err) = role.parse::<Role>() {
                errors.push(format!("audience: {err}"));
            }
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }

    pub fn describe(&self) -> String {
        if self.everyone {
            return "Everyone".into();
        }
        let mut parts = vec![];
        let mut add = |label: &str, values: &[String]| {
            if !values.is_empty() {
                parts.push(format!("{label}: {}", values.join(", ")));
            }
        };
        add("People", &self.emails);
        add("Lists", &self.lists);
        add("Departments", &self.departments);
        add("Locations", &self.locations);
        add("Roles", &self.roles);
        if parts.is_empty() { "Nobody yet".into() } else { parts.join(" · ") }
    }
}

/// A validated announcement, ready to store.
#[derive(Clone, Debug)]
pub struct AnnouncementInput {
    pub title: String,
    pub subject: String,
    pub template_id: i32,
    pub message: String,
    pub collateral_ids: Vec<i32>,
    pub audience: Audience,
    pub notify_on_open: bool,
}

/// Checks the free-text parts; the template and items are checked against the database by the service.
pub fn check_text(title: &str, subject: &str, message: &str) -> Vec<String> {
    let mut errors = vec![];
    if title.trim().is_empty() {
        errors.push("The title is missing.".to_owned());
    }
    if title.chars().count() > 300 {
        errors.push("The title is longer than 300 characters.".to_owned());
    }
    if subject.trim().is_empty() {
        errors.push("The email subject is missing.".to_owned());
    }
    if subject.chars().count() > 250 || subject.contains(['\r', '\n']) {
        errors.push("The subject must be one line of at most 250 characters.".to_owned());
    }
    if message.chars().count() > 20_000 {
        errors.push("The message is longer than 20,000 characters.".to_owned());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_collapses_duplicates_and_checks_emails() {
        let audience = Audience { emails: vec![" A@Example.com".into(), "a@example.com".into(), "".into()], ..Default::default() };
        assert_eq!(audience.normalised().unwrap().emails, vec!["a@example.com".to_owned()]);
        let bad = Audience { emails: vec!["not-an-email".into()], roles: vec!["boss".into()], ..Default::default() };
        assert_eq!(bad.normalised().unwrap_err().len(), 2);
        assert!(Audience::default().is_empty());
    }
}
