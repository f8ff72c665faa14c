//! From the verified ID token's claims to Herald's fields, by the claim
//! names the operator configured.

use serde_json::{Map, Value};

use super::settings::OidcConfig;
use crate::users::email::Email;
use crate::users::external::ProvidedProfile;

/// A claim's text: a string, or a number; blank, too long or with control characters: none.
fn text(claims: &Map<String, Value>, name: &str) -> Option<String> {
    let value = match claims.get(name)? {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    (!value.is_empty() && value.chars().count() <= 200 && !value.chars().any(char::is_control)).then_some(value)
}

/// The person's groups: a list of strings, or one string.
pub fn groups(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::Array(items)) => items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// Whether the provider says the address is not verified (absent counts as verified:
/// Entra ID and many providers do not send the claim for directory addresses).
pub fn email_unverified(claims: &Map<String, Value>) -> bool {
    match claims.get("email_verified") {
        Some(Value::Bool(verified)) => !verified,
        Some(Value::String(verified)) => verified != "true",
        _ => false,
    }
}

pub fn profile(config: &OidcConfig, claims: &Map<String, Value>) -> ProvidedProfile {
    let email = |name: &str| text(claims, name).and_then(|raw| Email::parse(&raw).ok());
    ProvidedProfile {
        email: email(&config.claims.email),
        name: text(claims, &config.claims.name),
        department: text(claims, &config.claims.department),
        location: text(claims, &config.claims.location),
        manager_email: email(&config.claims.manager_email),
        role: config.role_for(&groups(claims, &config.group_claim)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use serde_json::json;

    fn config() -> OidcConfig {
        let file: super::super::settings::OidcFile = toml::from_str(
            "issuer = \"https://idp.example.com\"\nclient_id = \"h\"\ngroup_claim = \"roles\"\nroles = { \"hr\" = \"hr_staff\" }\n[claims]\ndepartment = \"dept\"\n",
        )
        .unwrap();
        OidcConfig::from_layers(Some(file), &[]).unwrap().unwrap()
    }

    #[test]
    fn claims_are_read_by_their_configured_names() {
        let claims = json!({"email": "Ann.Lee@Example.com", "name": " Ann Lee ", "dept": "Finance", "location": "x\u{7}y", "manager_email": "not an email", "roles": "hr"});
        let profile = profile(&config(), claims.as_object().unwrap());
        assert_eq!(profile.email.unwrap().as_str(), "ann.lee@example.com");
        assert_eq!(profile.name.as_deref(), Some("Ann Lee"));
        assert_eq!(profile.department.as_deref(), Some("Finance"));
        assert_eq!(profile.location, None, "control characters are refused");
        assert_eq!(profile.manager_email, None);
        assert_eq!(profile.role, Some(Role::HrStaff), "a single string is one group");
    }

    #[test]
    fn only_an_explicit_false_marks_an_address_unverified() {
        assert!(!email_unverified(json!({}).as_object().unwrap()));
        assert!(!email_unverified(json!({"email_verified": true}).as_object().unwrap()));
        assert!(!email_unverified(json!({"email_verified": "true"}).as_object().unwrap()));
        assert!(email_unverified(json!({"email_verified": false}).as_object().unwrap()));
        assert!(email_unverified(json!({"email_verified": "false"}).as_object().unwrap()));
    }
}
