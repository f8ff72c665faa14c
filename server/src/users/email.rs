//! An email address parsed at the edge, stored lower-cased.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        let invalid = || format!("{:?} is not a valid email address", raw.trim());
        if email.is_empty() {
            return Err("the email address is missing".into());
        }
        if email.len() > 320 || email.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',') {
            return Err(invalid());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains('@') || !domain_ok {
            return Err(invalid());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn parses_and_normalises() {
        assert_eq!(Email::parse("  Ana.Lopez@Example.COM ").unwrap().as_str(), "ana.lopez@example.com");
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "no-at-sign", "@example.com", "a@b", "a b@example.com", "a@example..com", "a@@example.com", "<a@example.com>"] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
