//! Which spotlights need a second pair of eyes before they go, and who may
//! give it. The rule is an organisation setting: `herald.toml` `[sending]`
//! `approval` or `HERALD_APPROVAL` fix it for every server; without either,
//! HR leads choose it on the sending settings page. Either way the rule in
//! force is the one stored in `settings`, so every server applies the same.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};

use super::model::Audience;
use crate::auth::Role;
use crate::entities::{setting, user};
use crate::error::Result;

const SETTING: &str = "sending.approval";

/// Which spotlights need approval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApprovalRule {
    #[default]
    Never,
    Always,
    /// Those sent to more than this many people.
    Over(u64),
    /// Those addressed to everyone, a department or a location.
    Broad,
}

impl ApprovalRule {
    /// `never`, `always`, `over:N` or `broad`.
    pub fn parse(raw: &str) -> std::result::Result<ApprovalRule, String> {
        let raw = raw.trim().to_lowercase();
        match raw.as_str() {
            "never" => Ok(ApprovalRule::Never),
            "always" => Ok(ApprovalRule::Always),
            "broad" => Ok(ApprovalRule::Broad),
            other => match other.strip_prefix("over:").map(|n| n.trim().parse::<u64>()) {
                Some(Ok(n)) => Ok(ApprovalRule::Over(n)),
                _ => Err(format!("approval must be never, always, over:N (a number of recipients) or broad, got {raw:?}")),
            },
        }
    }

    pub fn describe(self) -> String {
        match self {
            ApprovalRule::Never => "No spotlight needs approval.".into(),
            ApprovalRule::Always => "Every spotlight needs approval.".into(),
            ApprovalRule::Over(n) => format!("Spotlights to more than {n} people need approval."),
            ApprovalRule::Broad => "Spotlights to everyone, a whole department or a whole location need approval.".into(),
        }
    }

    /// Whether a spotlight to `audience`, reaching `recipients` people, needs approval.
    pub fn requires(self, audience: &Audience, recipients: u64) -> bool {
        match self {
            ApprovalRule::Never => false,
            ApprovalRule::Always => true,
            ApprovalRule::Over(n) => recipients > n,
            ApprovalRule::Broad => audience.everyone || !audience.departments.is_empty() || !audience.locations.is_empty(),
        }
    }
}

impl std::fmt::Display for ApprovalRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApprovalRule::Never => f.write_str("never"),
            ApprovalRule::Always => f.write_str("always"),
            ApprovalRule::Over(n) => write!(f, "over:{n}"),
            ApprovalRule::Broad => f.write_str("broad"),
        }
    }
}

/// Who may approve (never the spotlight's author).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Approvers {
    /// HR leads and admins.
    #[default]
    HrLeads,
    /// HR staff or above who are members of this distribution list.
    Group(String),
}

impl Approvers {
    /// `hr_leads` or `group:<distribution list name>`.
    pub fn parse(raw: &str) -> std::result::Result<Approvers, String> {
        let trimmed = raw.trim();
        if trimmed.eq_ignore_ascii_case("hr_leads") {
            return Ok(Approvers::HrLeads);
        }
        match trimmed.strip_prefix("group:").map(str::trim) {
            Some(name) if !name.is_empty() => Ok(Approvers::Group(name.to_owned())),
            _ => Err(format!("approvers must be hr_leads or group:<distribution list name>, got {raw:?}")),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Approvers::HrLeads => "HR leads".into(),
            Approvers::Group(name) => format!("members of the list “{name}” (HR staff or above)"),
        }
    }
}

impl std::fmt::Display for Approvers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Approvers::HrLeads => f.write_str("hr_leads"),
            Approvers::Group(name) => write!(f, "group:{name}"),
        }
    }
}

/// The rule in force, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApprovalPolicy {
    pub rule: ApprovalRule,
    pub approvers: Approvers,
    /// Set by the server configuration: the settings page cannot change it.
    pub locked: bool,
    pub changed_by: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    rule: String,
    approvers: String,
    locked: bool,
    changed_by: Option<String>,
    changed_at: Option<DateTime<Utc>>,
}

/// The policy in force. A stored value that cannot be read is an error, not "never".
pub async fn policy(db: &impl ConnectionTrait) -> Result<ApprovalPolicy> {
    let Some(row) = setting::Entity::find_by_id(SETTING.to_owned()).one(db).await? else {
        return Ok(ApprovalPolicy::default());
    };
    let stored: Stored = serde_json::from_str(&row.value).map_err(|err| anyhow::anyhow!("stored approval setting is unreadable: {err}"))?;
    Ok(ApprovalPolicy {
        rule: ApprovalRule::parse(&stored.rule).map_err(anyhow::Error::msg)?,
        approvers: Approvers::parse(&stored.approvers).map_err(anyhow::Error::msg)?,
        locked: stored.locked,
        changed_by: stored.changed_by,
        changed_at: stored.changed_at,
    })
}

async fn store(db: &impl ConnectionTrait, policy: &ApprovalPolicy) -> Result<()> {
    let stored = Stored {
        rule: policy.rule.to_string(),
        approvers: policy.approvers.to_string(),
        locked: policy.locked,
        changed_by: policy.changed_by.clone(),
        changed_at: policy.changed_at,
    };
    let row = setting::ActiveModel { key: Set(SETTING.to_owned()), value: Set(serde_json::to_string(&stored).map_err(anyhow::Error::from)?) };
    setting::Entity::insert(row)
        .on_conflict(OnConflict::column(setting::Column::Key).update_column(setting::Column::Value).to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// At start: a rule in the configuration is stored, locked; without one,
/// a lock left by an earlier configuration is lifted (the rule stays).
pub async fn apply_config(db: &impl ConnectionTrait, rule: Option<ApprovalRule>, approvers: Option<Approvers>) -> Result<()> {
    let current = policy(db).await?;
    let wanted = match rule {
        Some(rule) => ApprovalPolicy {
            rule,
            approvers: approvers.unwrap_or(current.approvers.clone()),
            locked: true,
            changed_by: Some("server configuration".into()),
            changed_at: current.changed_at.filter(|_| current.locked && current.rule == rule).or(Some(Utc::now())),
        },
        None => ApprovalPolicy { locked: false, approvers: approvers.unwrap_or(current.approvers.clone()), ..current.clone() },
    };
    if wanted != current {
        store(db, &wanted).await?;
    }
    Ok(())
}

/// An HR lead's choice on the settings page; refused while the configuration fixes the rule.
pub async fn set(db: &impl ConnectionTrait, rule: ApprovalRule, approvers: Approvers, by: &user::Model) -> Result<ApprovalPolicy> {
    let current = policy(db).await?;
    if current.locked {
        return Err(crate::error::AppError::Conflict(
            "The approval rule is set in the server configuration (herald.toml [sending] approval or HERALD_APPROVAL); change it there.".into(),
        ));
    }
    let policy = ApprovalPolicy { rule, approvers, locked: false, changed_by: Some(by.name.clone()), changed_at: Some(Utc::now()) };
    store(db, &policy).await?;
    tracing::info!(rule = %policy.rule, approvers = %policy.approvers, user_id = by.id, "approval rule changed");
    Ok(policy)
}

/// Whether `person` may approve under `approvers`, leaving authorship aside.
pub async fn is_approver(db: &impl ConnectionTrait, approvers: &Approvers, person: &user::Model) -> Result<bool> {
    let role: Role = person.role.parse().unwrap_or(Role::Employee);
    if !person.active {
        return Ok(false);
    }
    match approvers {
        Approvers::HrLeads => Ok(role.allows(Role::HrLead)),
        Approvers::Group(name) => {
            if !role.allows(Role::HrStaff) {
                return Ok(false);
            }
            Ok(match super::lists::find_by_name_or_id(db, name).await? {
                Some(list) => super::lists::member_ids(db, list.id).await?.contains(&person.id),
                None => false,
            })
        }
    }
}

/// Everyone who may approve a spotlight written by `author_id`.
pub async fn approvers_for(db: &impl ConnectionTrait, approvers: &Approvers, author_id: i32) -> Result<Vec<user::Model>> {
    let candidates = match approvers {
        Approvers::HrLeads => {
            use sea_orm::{ColumnTrait, QueryFilter};
            user::Entity::find().filter(user::Column::Role.is_in([Role::HrLead.as_str(), Role::Admin.as_str()])).all(db).await?
        }
        Approvers::Group(name) => match super::lists::find_by_name_or_id(db, name).await? {
            Some(list) => super::lists::users_by_ids(db, &super::lists::member_ids(db, list.id).await?).await?,
            None => vec![],
        },
    };
    let mut chosen = vec![];
    for person in candidates {
        if person.id != author_id && is_approver(db, approvers, &person).await? {
            chosen.push(person);
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_print_back() {
        for raw in ["never", "always", "over:250", "broad"] {
            assert_eq!(ApprovalRule::parse(raw).unwrap().to_string(), raw);
        }
        assert_eq!(ApprovalRule::parse(" Over: 10 ").unwrap(), ApprovalRule::Over(10));
        assert!(ApprovalRule::parse("over:many").is_err());
        assert!(ApprovalRule::parse("sometimes").is_err());
        assert_eq!(Approvers::parse("group:Comms reviewers").unwrap(), Approvers::Group("Comms reviewers".into()));
        assert!(Approvers::parse("group:").is_err());
    }

    #[test]
    fn rules_decide_by_audience_and_size() {
        let people = Audience { emails: vec!["a@example.com".into()], ..Default::default() };
        let department = Audience { departments: vec!["Payroll".into()], ..Default::default() };
        assert!(!ApprovalRule::Never.requires(&department, 1000));
        assert!(ApprovalRule::Always.requires(&people, 1));
        assert!(ApprovalRule::Over(10).requires(&people, 11) && !ApprovalRule::Over(10).requires(&people, 10));
        assert!(ApprovalRule::Broad.requires(&department, 1) && !ApprovalRule::Broad.requires(&people, 1000));
        assert!(ApprovalRule::Broad.requires(&Audience { everyone: true, ..Default::default() }, 1));
    }
}
