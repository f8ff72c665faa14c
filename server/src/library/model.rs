//! The library's vocabulary: kinds, statuses, and validated input for an item.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {:?}; expected one of {}",
                        stringify!($name).to_lowercase(), other, [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What a piece of collateral is.
    Kind {
        Benefit => "benefit" / "Benefit",
        Policy => "policy" / "Policy",
        Guideline => "guideline" / "Guideline",
        Form => "form" / "Form",
        Faq => "faq" / "FAQ",
        Assistance => "assistance" / "Assistance",
        Video => "video" / "Video",
        Link => "link" / "Link",
        Other => "other" / "Other",
    }
);

string_enum!(
    /// Only published items are visible to employees.
    Status {
        Draft => "draft" / "Draft",
        Published => "published" / "Published",
        Archived => "archived" / "Archived",
    }
);

/// A validated item, as created or edited by HR (UI, API, importer, demo).
#[derive(Clone, Debug, PartialEq)]
pub struct CollateralInput {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub kind: Kind,
    pub category: String,
    pub tags: Vec<String>,
    pub audience_departments: Vec<String>,
    pub audience_locations: Vec<String>,
    pub status: Status,
    pub effective_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    pub external_url: Option<String>,
    pub change_note: String,
}

pub const MAX_BODY_BYTES: usize = 200_000;

/// The raw strings of a form or JSON body, before validation.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RawCollateral {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    /// Comma-separated.
    #[serde(default)]
    pub tags: String,
    /// Comma-separated department names; empty means everyone.
    #[serde(default)]
    pub audience_departments: String,
    /// Comma-separated location names; empty means everyone.
    #[serde(default)]
    pub audience_locations: String,
    #[serde(default)]
    pub status: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub effective_date: String,
    /// YYYY-MM-DD; the owner is reminded after it.
    #[serde(default)]
    pub review_date: String,
    #[serde(default)]
    pub external_url: String,
    #[serde(default)]
    pub change_note: String,
}

impl RawCollateral {
    /// Validates everything and reports every problem at once.
    pub fn parse(&self) -> Result<CollateralInput, Vec<String>> {
        let mut errors = Vec::new();
        let mut check = |result: Result<(), String>| {
            if let Err(err) = result {
                errors.push(err);
            }
        };
        let title = self.title.trim().to_owned();
        check(bounded("title", &title, 1, 300));
        let summary = self.summary.trim().to_owned();
        check(bounded("summary", &summary, 0, 1000));
        check(bounded("body", &self.body, 0, MAX_BODY_BYTES));
        let category = self.category.trim().to_owned();
        check(bounded("category", &category, 0, 100));
        let kind = match self.kind.trim() {
            "" => Some(Kind::Other),
            raw => raw.parse::<Kind>().map_err(|e| errors_push(&mut check, e)).ok(),
        };
        let status = match self.status.trim() {
            "" => Some(Status::Draft),
            raw => raw.parse::<Status>().map_err(|e| errors_push(&mut check, e)).ok(),
        };
        let tags = list(&self.tags, true);
        if tags.len() > 20 || tags.iter().any(|t| t.chars().count() > 40) {
            check(Err("use at most 20 tags of at most 40 characters".into()));
        }
        let effective_date = date("effective date", &self.effective_date).map_err(|e| errors_push(&mut check, e)).ok().flatten();
        let review_date = date("review date", &self.review_date).map_err(|e| errors_push(&mut check, e)).ok().flatten();
        let external_url = match self.external_url.trim() {
            "" => None,
            raw => match url::Url::parse(raw) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(url.to_string()),
                _ => {
                    check(Err(format!("the external URL {raw:?} must be a full http:// or https:// address")));
                    None
                }
            },
        };
        check(bounded("change note", self.change_note.trim(), 0, 500));
        let input = CollateralInput {
            title,
            summary,
            body: self.body.replace("\r\n", "\n"),
            kind: kind.unwrap_or(Kind::Other),
            category,
            tags,
            audience_departments: list(&self.audience_departments, false),
            audience_locations: list(&self.audience_locations, false),
            status: status.unwrap_or(Status::Draft),
            effective_date,
            review_date,
            external_url,
            change_note: self.change_note.trim().to_owned(),
        };
        if errors.is_empty() { Ok(input) } else { Err(errors) }
    }
}

fn errors_push(check: &mut impl FnMut(Result<(), String>), err: String) {
    check(Err(err));
}

fn bounded(label: &str, value: &str, min: usize, max: usize) -> Result<(), String> {
    let len = value.chars().count();
    if len < min {
        Err(format!("the {label} is required"))
    } else if value.len() > max {
        Err(format!("the {label} is longer than {max} characters"))
    } else {
        Ok(())
    }
}

/// Comma-separated values, trimmed, de-duplicated, empty ones dropped.
fn list(raw: &str, lowercase: bool) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for value in raw.split([',', '\n']).map(str::trim).filter(|v| !v.is_empty()) {
        let value = if lowercase { value.to_lowercase() } else { value.to_owned() };
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        if !values.contains(&value) {
            values.push(value);
        }
    }
    values
}

fn date(label: &str, raw: &str) -> Result<Option<NaiveDate>, String> {
    match raw.trim() {
        "" => Ok(None),
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Some).map_err(|_| format!("the {label} {raw:?} is not a date like 2027-01-31")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_complete_item() {
        let raw = RawCollateral {
            title: " Dental plan ".into(),
            kind: "benefit".into(),
            tags: "Dental, dependents, dental".into(),
            audience_departments: "Finance, Sales".into(),
            status: "published".into(),
            review_date: "2027-01-31".into(),
            ..Default::default()
        };
        let input = raw.parse().unwrap();
        assert_eq!(input.title, "Dental plan");
        assert_eq!(input.tags, vec!["dental", "dependents"]);
        assert_eq!(input.audience_departments, vec!["Finance", "Sales"]);
        assert_eq!(input.status, Status::Published);
    }

    #[test]
    fn reports_every_problem() {
        let raw = RawCollateral {
            kind: "memo".into(),
            review_date: "31/01/2027".into(),
            external_url: "javascript:alert(1)".into(),
            ..Default::default()
        };
        let errors = raw.parse().unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
    }
}
