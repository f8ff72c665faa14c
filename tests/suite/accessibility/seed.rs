//! Real data for the crawl to meet: library items, a list, a sent spotlight
//! with opens, clicks, comments (named, anonymous, a question and its answer),
//! a share and a social short link.

use std::collections::HashMap;

use herald::auth::Role;
use serde_json::json;

use crate::analytics::{ev, record, recipients};
use crate::comments::post_comment;
use crate::helpers::{TestApp, PASSWORD};
use crate::spotlights::{people, published_item, Api};

pub struct Seeded {
    emails: HashMap<Role, String>,
    announcement: i64,
    list: i64,
    share_code: String,
    short_code: String,
}

impl Seeded {
    pub async fn create(app: &TestApp) -> Seeded {
        let mut emails = HashMap::new();
        for role in [Role::Employee, Role::HrStaff, Role::HrLead, Role::Admin] {
            emails.insert(role, app.user(role).await);
        }
        // Enough colleagues for the analytics to clear the minimum group size.
        let colleagues = people(app, "reader", 6, "Finance").await;
        let dental = published_item(app, "Dental plan 2027", "Dependents' dental coverage **ends** next enrolment period.\n\n| Plan | Monthly |\n| --- | --- |\n| Basic | 12 |").await;
        published_item(app, "Parental leave 2027", "Twenty weeks of paid leave for every new parent.").await;

        let api = Api::new(app).await;
        let (status, list) = api.post("/lists", json!({"name": "Benefits committee 2027", "emails": &colleagues[..3]})).await;
        assert_eq!(status, 201, "{list}");
        let id = api
            .blast(json!({"title": "Dependents' dental coverage ends in 2027", "subject": "Dental", "template": "benefit-change",
                          "collateral_ids": [dental], "audience": {"departments": ["Finance"]}}))
            .await;
        api.wait_for(id, "sent", 30).await;
        let (status, link) = api.post(&format!("/announcements/{id}/short-links"), json!({"channel": "linkedin"})).await;
        assert_eq!(status, 201, "{link}");

        let readers = recipients(app, id, &colleagues).await;
        let mut events = Vec::new();
        for (n, reader) in readers.iter().enumerate() {
            events.push(ev("open", "email", Some(reader)));
            if n % 2 == 0 {
                events.push(ev("click", "email", Some(reader)).item(dental));
            }
        }
        record(app, id, events).await;

        let (employee, _) = app.login_as(&emails[&Role::Employee], PASSWORD).await;
        let news = format!("/news/{id}");
        let target = format!("announcement:{id}");
        for fields in [
            vec![("body", "Thanks, this is clear and helpful.")],
            vec![("body", "Cutting dental for our kids is unfair."), ("anonymous", "1")],
            vec![("body", "Will my children stay covered until December?"), ("question", "1")],
        ] {
            let mut form = vec![("target", target.as_str())];
            form.extend(fields);
            let posted = post_comment(app, &employee, &news, &form).await;
            // A named comment redirects to itself; an anonymous one answers with a confirmation page.
            assert!(matches!(posted.status().as_u16(), 200 | 303), "comment {form:?}: {}", posted.status());
        }
        let share_code = crate::shares::share(app, &employee, &format!("news:{id}")).await;

        Seeded {
            emails,
            announcement: id,
            list: list["id"].as_i64().unwrap(),
            share_code,
            short_code: link["code"].as_str().unwrap().to_owned(),
        }
    }

    pub fn email(&self, role: Role) -> &str {
        &self.emails[&role]
    }

    /// Where someone without an account starts: the sign-in pages and what HR shared publicly.
    pub fn public_pages(&self) -> Vec<String> {
        ["/login", "/login/link", "/login/reset"].iter().map(|path| path.to_string()).chain([format!("/s/{}", self.short_code), format!("/v/{}", self.share_code)]).collect()
    }

    /// Pages the crawl must have reached ("role path"): proof that the data is behind it.
    pub fn must_cover(&self) -> Vec<String> {
        let id = self.announcement;
        vec![
            "anonymous /login".into(),
            format!("anonymous /v/{}", self.share_code),
            format!("employee /news/{id}"),
            "employee /questions".into(),
            "employee /shares".into(),
            format!("hr_staff /spotlights/{id}"),
            format!("hr_staff /lists/{}", self.list),
            "hr_staff /inbox".into(),
            "hr_staff /directory".into(),
            "hr_staff /moderation".into(),
            format!("hr_lead /analytics/announcements/{id}"),
            "hr_lead /analytics".into(),
            "hr_lead /analytics/trends".into(),
            "admin /admin/users".into(),
            "admin /admin/identity".into(),
        ]
    }
}
