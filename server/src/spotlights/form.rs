//! Reading the spotlight editor's form: repeated checkbox names become lists.

use super::model::Audience;
use super::service::RawAnnouncement;

/// A submitted urlencoded form as its pairs, in order.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn one(&self, name: &str) -> String {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(key, _)| key == name).map(|(_, value)| value.clone()).collect()
    }

    pub fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|(key, value)| key == name && !value.is_empty())
    }

    /// The audience builder's fields.
    pub fn audience(&self) -> Audience {
        let emails = self.one("emails").split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        Audience {
            emails,
            lists: self.all("lists"),
            departments: self.all("departments"),
            locations: self.all("locations"),
            roles: self.all("roles"),
            everyone: self.flag("everyone"),
        }
    }

    pub fn announcement(&self) -> RawAnnouncement {
        RawAnnouncement {
            title: self.one("title"),
            subject: self.one("subject"),
            template: self.one("template"),
            message: self.one("message"),
            collateral_ids: self.all("collateral_ids").iter().filter_map(|id| id.trim().parse().ok()).collect(),
            audience: self.audience(),
            notify_on_open: self.flag("notify_on_open"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn repeated_fields_become_lists() {
        let fields = Fields(vec![
            ("title".into(), "T".into()),
            ("collateral_ids".into(), "3".into()),
            ("collateral_ids".into(), "5".into()),
            ("departments".into(), "Finance".into()),
            ("emails".into(), "a@x.com, b@x.com\nc@x.com".into()),
            ("everyone".into(), "on".into()),
        ]);
        let raw = fields.announcement();
        assert_eq!(raw.collateral_ids, vec![3, 5]);
        assert_eq!(raw.audience.departments, vec!["Finance".to_owned()]);
        assert_eq!(raw.audience.emails.len(), 3);
        assert!(raw.audience.everyone && !raw.notify_on_open);
    }
}
