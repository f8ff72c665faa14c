//! The four roles. Each includes everything the one below it may do.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads announcements and the library, comments.
    Employee,
    /// Also manages content and sends spotlights.
    HrStaff,
    /// Also sees reach analytics.
    HrLead,
    /// Also manages users and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Employee, Role::HrStaff, Role::HrLead, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::HrStaff => "hr_staff",
            Role::HrLead => "hr_lead",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Employee => "Employee",
            Role::HrStaff => "HR staff",
            Role::HrLead => "HR lead",
            Role::Admin => "Administrator",
        }
    }

    pub fn allows(self, required: Role) -> bool {
        self >= required
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s.trim())
            .ok_or_else(|| format!("unknown role {s:?}; expected one of employee, hr_staff, hr_lead, admin"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Admin.allows(Role::HrLead));
        assert!(Role::HrLead.allows(Role::HrStaff));
        assert!(!Role::Employee.allows(Role::HrStaff));
        assert_eq!("hr_lead".parse::<Role>().unwrap(), Role::HrLead);
        assert!("boss".parse::<Role>().is_err());
    }
}
