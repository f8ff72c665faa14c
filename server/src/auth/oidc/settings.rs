//! The `[oidc]` table of `herald.toml`, overridden key by key by
//! `HERALD_OIDC_*` environment variables.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use url::Url;

use crate::auth::Role;

/// What `[oidc]` may hold; every key is optional until `issuer` is given.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcFile {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub display_name: Option<String>,
    #[serde(default)]
    pub claims: ClaimNamesFile,
    pub group_claim: Option<String>,
    pub roles: Option<BTreeMap<String, String>>,
    pub create_unknown: Option<bool>,
    pub only: Option<bool>,
    pub break_glass_email: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimNamesFile {
    pub email: Option<String>,
    pub name: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub manager_email: Option<String>,
}

/// A value that never appears in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Which claim of the ID token holds each of Herald's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimNames {
    pub email: String,
    pub name: String,
    pub department: String,
    pub location: String,
    pub manager_email: String,
}

/// Single sign-on settings, validated.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// The provider's issuer; discovery reads `ISSUER/.well-known/openid-configuration`.
    pub issuer: Url,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    /// Asked for besides `openid`, which is always asked for.
    pub scopes: Vec<String>,
    /// "Sign in with <display_name>".
    pub display_name: String,
    pub claims: ClaimNames,
    /// The claim holding the person's groups or roles at the provider (a list or a string).
    pub group_claim: String,
    /// Provider group → Herald role. Empty: sign-in never changes a role.
    pub roles: Vec<(String, Role)>,
    /// Create an account at first sign-in for someone Herald does not know.
    pub create_unknown: bool,
    /// SSO is the only way in, except for `break_glass_email`'s password.
    pub only: bool,
    pub break_glass_email: Option<String>,
}

impl OidcConfig {
    /// The settings from the file and the environment, `None` when no issuer is set.
    pub fn from_layers(file: Option<OidcFile>, env: &[(String, String)]) -> anyhow::Result<Option<OidcConfig>> {
        let mut file = file.unwrap_or_default();
        for (key, value) in env {
            apply_env(&mut file, key, value)?;
        }
        let Some(issuer) = file.issuer.filter(|issuer| !issuer.trim().is_empty()) else {
            if file.client_id.is_some() || file.only == Some(true) {
                anyhow::bail!("[oidc] needs an issuer (HERALD_OIDC_ISSUER), the provider's URL such as https://login.example.com/");
            }
            return Ok(None);
        };
        let issuer = Url::parse(issuer.trim()).map_err(|err| anyhow::anyhow!("[oidc] issuer {issuer:?} is not a URL: {err}"))?;
        if !matches!(issuer.scheme(), "http" | "https") || issuer.host_str().is_none() {
            anyhow::bail!("[oidc] issuer must start with https:// (or http:// for a provider on this machine)");
        }
        let client_id = file.client_id.filter(|id| !id.trim().is_empty()).ok_or_else(|| anyhow::anyhow!("[oidc] needs client_id (HERALD_OIDC_CLIENT_ID)"))?;
        let mut roles = Vec::new();
        for (group, role) in file.roles.unwrap_or_default() {
            let role = role.parse::<Role>().map_err(|_| anyhow::anyhow!("[oidc] roles: {role:?} (for group {group:?}) is not employee, hr_staff, hr_lead or admin"))?;
            roles.push((group, role));
        }
        let only = file.only.unwrap_or(false);
        let break_glass_email = file.break_glass_email.map(|email| email.trim().to_lowercase()).filter(|email| !email.is_empty());
        if only && break_glass_email.is_none() {
            anyhow::bail!("[oidc] only = true needs break_glass_email: the administrator who can still sign in with a password when the provider is down");
        }
        let claims = file.claims;
        let name_or = |value: Option<String>, default: &str| value.filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_owned());
        Ok(Some(OidcConfig {
            display_name: name_or(file.display_name, issuer.host_str().unwrap_or("single sign-on")),
            issuer,
            client_id,
            client_secret: file.client_secret.filter(|secret| !secret.is_empty()).map(Secret),
            scopes: file
                .scopes
                .unwrap_or_else(|| vec!["email".into(), "profile".into()])
                .into_iter()
                .map(|scope| scope.trim().to_owned())
                .filter(|scope| !scope.is_empty() && scope != "openid")
                .collect(),
            claims: ClaimNames {
                email: name_or(claims.email, "email"),
                name: name_or(claims.name, "name"),
                department: name_or(claims.department, "department"),
                location: name_or(claims.location, "location"),
                manager_email: name_or(claims.manager_email, "manager_email"),
            },
            group_claim: name_or(file.group_claim, "groups"),
            roles,
            create_unknown: file.create_unknown.unwrap_or(false),
            only,
            break_glass_email,
        }))
    }

    /// The role the provider's groups give, when a mapping is configured:
    /// the highest of the mapped groups, else employee.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        if self.roles.is_empty() {
            return None;
        }
        let mapped = self.roles.iter().filter(|(group, _)| groups.iter().any(|g| g == group)).map(|(_, role)| *role).max();
        Some(mapped.unwrap_or(Role::Employee))
    }

    pub fn is_break_glass(&self, email: &str) -> bool {
        self.break_glass_email.as_deref() == Some(email.trim().to_lowercase().as_str())
    }
}

fn flag(key: &str, value: &str) -> anyhow::Result<bool> {
    match value.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => anyhow::bail!("{key}: {other:?} is not true or false"),
    }
}

fn list(value: &str) -> Vec<String> {
    value.split([',', ' ']).map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

/// `HERALD_OIDC_ROLES="herald-admins=admin,hr=hr_staff"`, `HERALD_OIDC_CLAIM_EMAIL=upn`, …
fn apply_env(file: &mut OidcFile, key: &str, value: &str) -> anyhow::Result<()> {
    let Some(name) = key.strip_prefix("HERALD_OIDC_") else { return Ok(()) };
    let text = Some(value.to_owned());
    match name {
        "ISSUER" => file.issuer = text,
        "CLIENT_ID" => file.client_id = text,
        "CLIENT_SECRET" => file.client_secret = text,
        "SCOPES" => file.scopes = Some(list(value)),
        "DISPLAY_NAME" => file.display_name = text,
        "GROUP_CLAIM" => file.group_claim = text,
        "CREATE_UNKNOWN" => file.create_unknown = Some(flag(key, value)?),
        "ONLY" => file.only = Some(flag(key, value)?),
        "BREAK_GLASS_EMAIL" => file.break_glass_email = text,
        "CLAIM_EMAIL" => file.claims.email = text,
        "CLAIM_NAME" => file.claims.name = text,
        "CLAIM_DEPARTMENT" => file.claims.department = text,
        "CLAIM_LOCATION" => file.claims.location = text,
        "CLAIM_MANAGER_EMAIL" => file.claims.manager_email = text,
        "ROLES" => {
            let mut roles = BTreeMap::new();
            for pair in value.split(',').map(str::trim).filter(|pair| !pair.is_empty()) {
                let (group, role) = pair.split_once('=').ok_or_else(|| anyhow::anyhow!("{key}: {pair:?} is not group=role"))?;
                roles.insert(group.trim().to_owned(), role.trim().to_owned());
            }
            file.roles = Some(roles);
        }
        _ => anyhow::bail!("{key} is not a Herald setting (see docs/identity.md for the HERALD_OIDC_* names)"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn no_issuer_means_no_single_sign_on() {
        assert!(OidcConfig::from_layers(None, &[]).unwrap().is_none());
        assert!(OidcConfig::from_layers(None, &env(&[("HERALD_OIDC_CLIENT_ID", "x")])).is_err(), "half a configuration is an error");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let file: OidcFile = toml::from_str("issuer = \"https://idp.example.com/\"\nclient_id = \"file\"\nroles = { \"herald-admins\" = \"admin\" }\n").unwrap();
        let config = OidcConfig::from_layers(
            Some(file),
            &env(&[("HERALD_OIDC_CLIENT_ID", "env"), ("HERALD_OIDC_ROLES", "hr=hr_staff, leads=hr_lead"), ("HERALD_OIDC_CLAIM_EMAIL", "upn")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(config.client_id, "env");
        assert_eq!(config.claims.email, "upn");
        assert_eq!(config.display_name, "idp.example.com");
        assert_eq!(config.scopes, vec!["email", "profile"]);
        assert_eq!(config.role_for(&["hr".into(), "leads".into()]), Some(Role::HrLead), "the highest mapped role wins");
        assert_eq!(config.role_for(&["herald-admins".into()]), Some(Role::Employee), "the file's mapping was replaced");
        assert!(OidcConfig::from_layers(None, &env(&[("HERALD_OIDC_ISSUER", "https://x/"), ("HERALD_OIDC_CLIENTID", "y")])).is_err(), "typos are refused");
    }

    #[test]
    fn sso_only_needs_a_break_glass_administrator_and_roles_must_exist() {
        let base = [("HERALD_OIDC_ISSUER", "https://idp.example.com"), ("HERALD_OIDC_CLIENT_ID", "herald")];
        let mut only = base.to_vec();
        only.push(("HERALD_OIDC_ONLY", "true"));
        assert!(OidcConfig::from_layers(None, &env(&only)).is_err());
        only.push(("HERALD_OIDC_BREAK_GLASS_EMAIL", " Root@Example.com "));
        let config = OidcConfig::from_layers(None, &env(&only)).unwrap().unwrap();
        assert!(config.only && config.is_break_glass("root@example.com") && !config.is_break_glass("ann@example.com"));
        let mut bad_role = base.to_vec();
        bad_role.push(("HERALD_OIDC_ROLES", "x=superuser"));
        assert!(OidcConfig::from_layers(None, &env(&bad_role)).is_err());
        let secret = OidcConfig::from_layers(None, &env(&[base[0], base[1], ("HERALD_OIDC_CLIENT_SECRET", "hunter2")])).unwrap().unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"), "the secret is never printed");
    }
}
