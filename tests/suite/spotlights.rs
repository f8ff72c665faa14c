//! Spotlights end to end against a real SMTP server (smtp-sink): audiences,
//! personalised tracked messages, the spotlight page, retries, failures,
//! pause/resume/cancel, bounces, templates and previews.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use herald::auth::Role;
use herald::config::Config;
use herald::entities::{outbox, user};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{eventually, location, TestApp};
use crate::smtp::SmtpSink;

/// Fast retries and short leases, so failure tests finish in seconds.
pub fn mail_via(sink: &SmtpSink, rate: u32) -> impl FnOnce(&mut Config) {
    let url = url::Url::parse(&sink.url()).unwrap();
    move |config: &mut Config| {
        config.mail.smtp_url = Some(url);
        config.mail.rate_per_second = rate;
        config.mail.retry_base_seconds = 1;
        config.mail.lease_seconds = 3;
    }
}

/// People in the directory without passwords (they only receive email).
pub async fn people(app: &TestApp, prefix: &str, n: usize, department: &str) -> Vec<String> {
    let now = Utc::now();
    let emails: Vec<String> = (0..n).map(|i| format!("{prefix}{i}@example.com")).collect();
    let rows: Vec<_> = emails
        .iter()
        .enumerate()
        .map(|(i, email)| user::ActiveModel {
            email: Set(email.clone()),
            name: Set(format!("{} {prefix}{i}", ["Ana", "Bo", "Chen", "Dara"][i % 4])),
            department: Set(department.into()),
            location: Set("Lisbon".into()),
            role: Set("employee".into()),
            must_change_password: Set(false),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        user::Entity::insert_many(chunk.to_vec()).exec_without_returning(&app.state.db).await.unwrap();
    }
    emails
}

/// A published library item; returns its id.
pub async fn published_item(app: &TestApp, title: &str, body: &str) -> i32 {
    let owner = herald::users::service::find_by_email(&app.state.db, &app.user(Role::HrStaff).await).await.unwrap().unwrap();
    let raw = herald::library::model::RawCollateral {
        title: title.into(),
        summary: format!("What {title} means for you."),
        body: body.into(),
        kind: "benefit".into(),
        status: "published".into(),
        ..Default::default()
    };
    herald::library::service::create(&app.state.db, owner.id, raw.parse().unwrap()).await.unwrap().id
}

pub struct Api {
    client: reqwest::Client,
    token: String,
    base: String,
}

impl Api {
    pub async fn new(app: &TestApp) -> Api {
        Api { client: reqwest::Client::new(), token: app.token(Role::HrStaff).await, base: app.url("/api/v1") }
    }

    /// As an HR lead: the stats, like the dashboard, are theirs.
    pub async fn lead(app: &TestApp) -> Api {
        Api { client: reqwest::Client::new(), token: app.token(Role::HrLead).await, base: app.url("/api/v1") }
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self.client.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> Value {
        let response = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// Creates and sends; returns the announcement id.
    pub async fn blast(&self, body: Value) -> i64 {
        let (status, created) = self.post("/announcements", body).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        let (status, sent) = self.post(&format!("/announcements/{id}/send"), json!({})).await;
        assert_eq!(status, 202, "{sent}");
        id
    }

    /// Waits (up to `seconds`) until the announcement reaches `status`.
    pub async fn wait_for(&self, id: i64, status: &str, seconds: u64) -> Value {
        for _ in 0..seconds * 10 {
            let view = self.get(&format!("/announcements/{id}")).await;
            if view["status"] == status {
                return view;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("announcement {id} did not become {status}: {}", self.get(&format!("/announcements/{id}")).await);
    }
}

/// Each address's number of messages received.
pub fn per_recipient(sink: &SmtpSink) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in sink.messages() {
        *counts.entry(message.rcpt).or_insert(0) += 1;
    }
    counts
}

pub fn assert_exactly_once(sink: &SmtpSink, emails: &[String]) {
    let counts = per_recipient(sink);
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    let missing: Vec<_> = emails.iter().filter(|e| !counts.contains_key(*e)).collect();
    let shown: Vec<_> = missing.iter().take(5).collect();
    assert!(twice.is_empty() && missing.is_empty(), "duplicates: {twice:?}; missing: {} of {} ({shown:?})", missing.len(), emails.len());
    assert_eq!(counts.len(), emails.len());
}

#[tokio::test]
async fn a_blast_reaches_each_person_once_personalised_with_every_link_tracked() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 500)).await;
    let finance = people(&app, "fin", 4, "Finance").await;
    let it = people(&app, "it", 3, "IT").await;
    let left = people(&app, "left", 1, "IT").await;
    user::Entity::update_many()
        .col_expr(user::Column::Active, sea_orm::sea_query::Expr::value(false))
        .filter(user::Column::Email.eq(&left[0]))
        .exec(&app.state.db)
        .await
        .unwrap();
    let dental = published_item(&app, "Dental plan 2027", "Dependents' dental coverage ends next enrolment period.").await;
    let faq = published_item(&app, "Enrolment FAQ", "Answers.").await;
    let api = Api::new(&app).await;
    let (status, list) = api.post("/lists", json!({"name": "Finance team", "emails": finance})).await;
    assert_eq!(status, 201, "{list}");

    let id = api
        .blast(json!({
            "title": "Dental for dependents",
            "subject": "{{ recipient.first_name }}, your dental coverage is changing",
            "template": "benefit-change",
            "message": "Please read this. More at https://benefits.example.org/dental?plan=2027&x=1 today.",
            "collateral_ids": [dental, faq],
            "audience": {"lists": ["Finance team"], "departments": ["IT"], "emails": [finance[0].clone(), "ghost@example.com"]}
        }))
        .await;
    let view = api.wait_for(id, "sent", 20).await;
    assert_eq!(view["delivery"], json!({"queued": 0, "sent": 7, "failed": 0, "bounced": 0, "cancelled": 0}));
    let reasons: Vec<String> = view["skipped"].as_array().unwrap().iter().map(|s| format!("{}: {}", s["email"], s["reason"])).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("ghost@example.com") && r.contains("not in the employee directory")));
    assert!(reasons.iter().any(|r| r.contains(&left[0]) && r.contains("has left")));

    let expected: Vec<String> = finance.iter().chain(it.iter()).cloned().collect();
    assert_exactly_once(&sink, &expected);
    let stored: Vec<outbox::Model> = outbox::Entity::find().filter(outbox::Column::AnnouncementId.eq(id as i32)).all(&app.state.db).await.unwrap();
    let client = app.browser();
    for message in sink.messages() {
        let person = herald::users::service::find_by_email(&app.state.db, &message.rcpt).await.unwrap().unwrap();
        let first_name = person.name.split_whitespace().next().unwrap();
        assert_eq!(message.header("Subject").unwrap(), format!("{first_name}, your dental coverage is changing"));
        assert!(message.header("Content-Type").unwrap().starts_with("multipart/alternative"));
        let row = stored.iter().find(|m| m.to_email == message.rcpt).unwrap();
        assert_eq!(message.header("Message-ID").unwrap(), row.message_id);
        assert!(message.header("List-Id").unwrap().contains(&format!("<announcement-{id}.127.0.0.1>")));
        let text = message.part("text/plain").expect("a plain-text part");
        let html = message.part("text/html").expect("an HTML part");
        assert!(text.contains(&format!("Hi {first_name}")) || text.contains(first_name), "{text}");
        assert!(html.contains("Dental plan 2027") && html.contains("Enrolment FAQ"));
        assert!(!html.contains("href=\"https://benefits") && !text.contains("benefits.example.org"), "HR's own links are tracked too");

        let links = message.links();
        let ours: Vec<&String> = links.iter().filter(|l| l.starts_with("http")).collect();
        assert!(ours.len() >= 5, "{links:?}");
        for link in ours {
            assert!(link.starts_with(&app.address), "untracked link {link}");
            let response = app.get(&client, &link[app.address.len()..]).await;
            if link.contains("/o/") {
                assert_eq!(response.status(), 200);
                assert_eq!(response.headers()["content-type"], "image/gif");
                continue;
            }
            assert_eq!(response.status(), 302, "{link}");
            let target = location(&response);
            if target.starts_with("https://benefits.example.org/dental?plan=2027&x=1") {
                continue;
            }
            assert!(target.starts_with("/p/"), "{target}");
            let page = app.get(&client, &target).await;
            assert_eq!(page.status(), 200);
            let body = page.text().await.unwrap();
            assert!(body.contains("Dental plan 2027") || body.contains("Enrolment FAQ"), "{body}");
        }
    }
    // HR sees who opened and visited once an HR lead allows it, and not before.
    let hr = app.signed_in(Role::HrStaff).await;
    let page = app.get(&hr, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert_eq!(page.matches("badge visited").count(), 0, "{page}");
    assert!(page.contains("id=\"individual-hidden\""));
    crate::privacy::set_individual_tracking(&app, true).await;
    let page = app.get(&hr, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert_eq!(page.matches("badge visited").count(), 7, "every recipient followed their links");
    assert!(!page.contains("id=\"individual-hidden\""));

    // A token with one character changed is a plain 404, never an error or a redirect.
    let token = sink.messages()[0].links().into_iter().find(|l| l.contains("/l/")).unwrap();
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(app.get(&client, &tampered[app.address.len()..]).await.status(), 404);
    for bad in ["/l/", "/l/../../etc/passwd", "/l/%2F%2Fevil.example", "/o/x.gif", &format!("/l/{}", "A".repeat(5000))] {
        let response = app.get(&client, bad).await;
        assert!(matches!(response.status().as_u16(), 404), "{bad} -> {}", response.status());
    }
}

/// Sends an "answer to your question" invitation, asking to be told of the first
/// open, to one new person; returns the recipient and their spotlight page.
async fn invite_one(app: &TestApp, prefix: &str, title: &str) -> (herald::entities::recipient::Model, String) {
    let invited = people(app, prefix, 1, "Sales").await;
    let item = published_item(app, title, "The details.").await;
    let api = Api::new(app).await;
    let id = api
        .blast(json!({"title": "Your question", "subject": format!("About {title}"), "template": "answer-to-your-question",
                      "collateral_ids": [item], "audience": {"emails": invited}, "notify_on_open": true}))
        .await;
    api.wait_for(id, "sent", 20).await;
    let recipient = herald::entities::recipient::Entity::find().filter(herald::entities::recipient::Column::AnnouncementId.eq(id as i32)).one(&app.state.db).await.unwrap().unwrap();
    let page = herald::spotlights::links::page_url(&app.state.tracking, "", recipient.id);
    (recipient, page)
}

#[tokio::test]
async fn the_sender_hears_when_an_invited_person_first_opens_the_spotlight() {
    let app = TestApp::spawn().await;
    crate::privacy::set_individual_tracking(&app, true).await;
    let (_, page) = invite_one(&app, "asker", "Parental leave").await;
    let client = app.browser();
    for _ in 0..2 {
        assert_eq!(app.get(&client, &page).await.status(), 200);
    }
    let notes = herald::entities::notification::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(notes.len(), 1, "only the first visit notifies");
    assert!(notes[0].message.contains("opened your spotlight"));
    let emails = eventually("the notification email", || async {
        let files: Vec<_> = std::fs::read_dir(app.data_path().join("outbox")).ok()?.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with("message-")).collect();
        (!files.is_empty()).then_some(files)
    })
    .await;
    let text = std::fs::read_to_string(emails[0].path()).unwrap();
    assert!(text.contains("opened"), "{text}");
}

#[tokio::test]
async fn without_individual_tracking_the_sender_is_not_told_of_opens() {
    let app = TestApp::spawn().await;
    let (recipient, page) = invite_one(&app, "quiet", "Sick leave").await;
    let body = app.get(&app.browser(), &page).await.text().await.unwrap();
    assert!(body.contains("HR sees only totals of opens and clicks"), "the reader is told: {body}");
    // The visit is counted, but nobody is told who made it.
    let visited = herald::entities::recipient::Entity::find_by_id(recipient.id).one(&app.state.db).await.unwrap().unwrap();
    assert!(visited.first_visited_at.is_some());
    assert!(herald::entities::notification::Entity::find().all(&app.state.db).await.unwrap().is_empty());
    let hr = app.signed_in(Role::HrStaff).await;
    let editor = app.get(&hr, "/spotlights/new").await.text().await.unwrap();
    assert!(editor.contains("id=\"notify-needs-individual\""), "the editor says why");
}

#[tokio::test]
async fn without_smtp_each_message_becomes_an_eml_file_and_hr_is_told() {
    let app = TestApp::spawn().await;
    let staff = people(&app, "eml", 3, "Ops").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Files", "subject": "Hello", "template": "new-policy", "audience": {"departments": ["Ops"]}})).await;
    api.wait_for(id, "sent", 20).await;
    let dir = app.data_path().join("outbox");
    let files: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(files.iter().filter(|f| f.starts_with(&format!("announcement-{id}-")) && f.ends_with(".eml")).count(), staff.len(), "{files:?}");
    let hr = app.signed_in(Role::HrStaff).await;
    let page = app.get(&hr, "/spotlights").await.text().await.unwrap();
    assert!(page.contains("No SMTP server is configured"), "the UI says plainly that nothing is emailed");
}

#[tokio::test]
async fn a_permanent_refusal_fails_the_message_with_the_servers_reply() {
    let sink = SmtpSink::start_with(&["-f", "RCPT"]);
    let app = TestApp::spawn_with(mail_via(&sink, 200)).await;
    people(&app, "refused", 2, "Legal").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Refused", "subject": "Hi", "template": "new-policy", "audience": {"departments": ["Legal"]}})).await;
    let view = api.wait_for(id, "sent", 20).await;
    assert_eq!(view["delivery"]["failed"], 2, "{view}");
    assert_eq!(sink.count(), 0);
    let rows = outbox::Entity::find().filter(outbox::Column::AnnouncementId.eq(id as i32)).all(&app.state.db).await.unwrap();
    for row in rows {
        assert_eq!(row.attempts, 1, "a 5xx is not retried");
        assert!(row.last_reply.as_deref().unwrap_or("").contains("5"), "{:?}", row.last_reply);
    }
}

#[tokio::test]
async fn an_smtp_server_that_dies_mid_blast_delays_delivery_but_never_duplicates_it() {
    let mut sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 150)).await;
    let everyone = people(&app, "flaky", 240, "Field").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Flaky", "subject": "Hi {{ recipient.first_name }}", "template": "new-policy", "audience": {"departments": ["Field"]}})).await;
    eventually("the first messages", || async { (sink.count() >= 60).then_some(()) }).await;
    sink.kill();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sink.restart();
    api.wait_for(id, "sent", 60).await;
    assert_exactly_once(&sink, &everyone);
    let retried = outbox::Entity::find().filter(outbox::Column::Attempts.gt(1)).all(&app.state.db).await.unwrap();
    assert!(!retried.is_empty(), "the outage made some messages wait for a retry");
}

#[tokio::test]
async fn two_servers_share_one_outbox_and_send_each_message_once() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 120)).await;
    let other = app.second_server_with(mail_via(&sink, 120)).await;
    let everyone = people(&app, "shared", 200, "Shared").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Shared", "subject": "Hi", "template": "new-policy", "audience": {"departments": ["Shared"]}})).await;
    api.wait_for(id, "sent", 60).await;
    assert_exactly_once(&sink, &everyone);
    let workers: std::collections::HashSet<Option<String>> =
        outbox::Entity::find().all(&app.state.db).await.unwrap().into_iter().map(|m| m.locked_by).collect();
    assert!(workers.len() >= 2, "both servers delivered: {workers:?}");
    drop(other);
}

#[tokio::test]
async fn a_blast_can_be_paused_resumed_and_cancelled() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 20)).await;
    let everyone = people(&app, "paced", 60, "Paced").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Paced", "subject": "Hi", "template": "new-policy", "audience": {"departments": ["Paced"]}})).await;
    eventually("a few messages", || async { (sink.count() >= 5).then_some(()) }).await;
    let (status, view) = api.post(&format!("/announcements/{id}/pause"), json!({})).await;
    assert_eq!((status, view["status"].as_str()), (200, Some("paused")));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let paused_at = sink.count();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.count(), paused_at, "nothing is sent while paused");
    assert!(paused_at < everyone.len());
    let (status, _) = api.post(&format!("/announcements/{id}/resume"), json!({})).await;
    assert_eq!(status, 200);
    api.wait_for(id, "sent", 30).await;
    assert_exactly_once(&sink, &everyone);

    let later = api.blast(json!({"title": "Stopped", "subject": "Hi", "template": "new-policy", "audience": {"departments": ["Paced"]}})).await;
    let (status, view) = api.post(&format!("/announcements/{later}/cancel"), json!({})).await;
    assert_eq!((status, view["status"].as_str()), (200, Some("cancelled")));
    let view = api.get(&format!("/announcements/{later}")).await;
    assert!(view["delivery"]["cancelled"].as_u64().unwrap() > 0, "{view}");
    let (status, _) = api.post(&format!("/announcements/{later}/resume"), json!({})).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn sending_twice_or_editing_after_sending_is_refused_and_nothing_is_sent_to_nobody() {
    let app = TestApp::spawn().await;
    people(&app, "once", 1, "Once").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Once", "subject": "Hi", "template": "new-policy", "audience": {"departments": ["Once"]}})).await;
    let (status, body) = api.post(&format!("/announcements/{id}/send"), json!({})).await;
    assert_eq!(status, 409, "{body}");
    let hr = app.signed_in(Role::HrStaff).await;
    assert_eq!(app.get(&hr, &format!("/spotlights/{id}/edit")).await.status(), 409);

    let (_, empty) = api.post("/announcements", json!({"title": "Nobody", "subject": "Hi", "audience": {"departments": ["Nowhere"]}})).await;
    let (status, body) = api.post(&format!("/announcements/{}/send", empty["id"]), json!({})).await;
    assert_eq!(status, 422, "{body}");
    let view = api.get(&format!("/announcements/{}", empty["id"])).await;
    assert_eq!(view["status"], "draft", "a failed send leaves the draft as it was");

    let (status, body) = api.post("/announcements", json!({"title": "", "subject": "", "template": "no-such", "collateral_ids": [999], "audience": {"emails": ["bad"]}})).await;
    assert_eq!(status, 422);
    let message = body["error"]["message"].as_str().unwrap();
    for expected in ["title", "subject", "no-such", "999", "bad"] {
        assert!(message.contains(expected), "{message} should mention {expected}");
    }
}

#[tokio::test]
async fn bounces_mark_the_message_and_repeated_hard_bounces_flag_the_address() {
    let app = TestApp::spawn().await;
    let person = people(&app, "bouncy", 1, "Bounce").await.remove(0);
    let api = Api::new(&app).await;
    for round in 0..2 {
        let id = api.blast(json!({"title": format!("Round {round}"), "subject": "Hi", "template": "new-policy", "audience": {"emails": [person.clone()]}})).await;
        api.wait_for(id, "sent", 20).await;
        let row = outbox::Entity::find().filter(outbox::Column::AnnouncementId.eq(id as i32)).one(&app.state.db).await.unwrap().unwrap();
        let report = if round == 0 { json!({"message_id": row.message_id, "reason": "550 5.1.1 mailbox unknown"}) } else { json!({"email": person, "kind": "hard"}) };
        let (status, outcome) = api.post("/bounces", report).await;
        assert_eq!(status, 200, "{outcome}");
        assert_eq!(outcome["flagged"], round == 1);
        let view = api.get(&format!("/announcements/{id}")).await;
        assert_eq!(view["delivery"]["bounced"], 1);
        assert_eq!(view["delivery"]["sent"], 0);
    }
    let hr = app.signed_in(Role::HrStaff).await;
    let directory = app.get(&hr, "/directory?q=bouncy").await.text().await.unwrap();
    assert!(directory.contains("bouncing"), "the directory flags the address");
    let (_, draft) = api.post("/announcements", json!({"title": "Third", "subject": "Hi", "audience": {"emails": [person.clone()], "departments": ["Bounce"]}})).await;
    let (status, _) = api.post(&format!("/announcements/{}/send", draft["id"]), json!({})).await;
    assert_eq!(status, 422, "nobody left to send to");
    let (status, _) = api.post("/bounces", json!({"message_id": "<nope@x>"})).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn templates_are_checked_when_saved_and_escape_what_people_typed() {
    let app = TestApp::spawn().await;
    let hr = app.signed_in(Role::HrStaff).await;
    let csrf = app.csrf(&hr, "/spotlights/templates/new").await;
    let broken = [("csrf", csrf.as_str()), ("name", "Broken"), ("subject", "S"), ("html_body", "<p>\n{% for x in %}</p>"), ("text_body", "t")];
    let response = app.post_form(&hr, "/spotlights/templates", &broken).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("HTML body, line 2"));
    let typo = [("csrf", csrf.as_str()), ("name", "Typo"), ("subject", "{{ recipent.name }}"), ("html_body", "h"), ("text_body", "t")];
    assert_eq!(app.post_form(&hr, "/spotlights/templates", &typo).await.status(), 422);
    let good = [("csrf", csrf.as_str()), ("name", "Plain"), ("subject", "{{ announcement.subject }}"), ("html_body", "<p>Hi {{ recipient.name }}</p>{{ message_html }}"), ("text_body", "Hi {{ recipient.name }}")];
    let response = app.post_form(&hr, "/spotlights/templates", &good).await;
    assert_eq!(response.status(), 303);

    // A name with markup, previewed: the HTML shows it as text.
    let evil = herald::users::service::NewUser::parse("evil@example.com", "<script>alert(1)</script>", "X", "Y", Role::Employee).unwrap();
    herald::users::service::create(&app.state.db, evil, Some(crate::helpers::PASSWORD)).await.unwrap();
    let api = Api::new(&app).await;
    let (_, created) = api.post("/announcements", json!({"title": "<img src=x onerror=alert(1)>", "subject": "Hi", "template": "plain", "message": "<b>bold?</b>", "audience": {"emails": ["evil@example.com"]}})).await;
    let id = created["id"].as_i64().unwrap();
    let html = app.get(&hr, &format!("/spotlights/{id}/preview/email?recipient=evil@example.com")).await.text().await.unwrap();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "{html}");
    assert!(!html.contains("<b>bold?</b>"), "Markdown shows raw HTML as text");
    let page = app.get(&hr, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert!(!page.contains("<img src=x") && (page.contains("&#60;img src=x") || page.contains("&lt;img src=x")), "{page}");
}

#[tokio::test]
async fn hr_previews_as_a_chosen_employee_and_sends_a_test_to_themselves() {
    let app = TestApp::spawn().await;
    people(&app, "preview", 1, "Preview").await;
    let item = published_item(&app, "Flu season guideline", "Stay home when sick.").await;
    let api = Api::new(&app).await;
    let (_, created) = api.post("/announcements", json!({"title": "Flu", "subject": "{{ recipient.first_name }}, flu season", "template": "new-policy", "collateral_ids": [item], "audience": {"departments": ["Preview"]}})).await;
    let id = created["id"].as_i64().unwrap();
    let hr_email = app.user(Role::HrStaff).await;
    let (hr, _) = app.login_as(&hr_email, crate::helpers::PASSWORD).await;
    let preview = app.get(&hr, &format!("/spotlights/{id}/preview?recipient=preview0@example.com")).await.text().await.unwrap();
    assert!(preview.contains("Ana, flu season"), "the subject is personalised for the chosen person");
    let csrf = crate::helpers::csrf_in(&preview).unwrap();
    let response = app.post_form(&hr, &format!("/spotlights/{id}/test"), &[("csrf", &csrf), ("recipient", "preview0@example.com")]).await;
    assert_eq!(response.status(), 303);
    let file = eventually("the test message", || async {
        std::fs::read_dir(app.data_path().join("outbox")).ok()?.filter_map(|e| e.ok()).find(|e| e.file_name().to_string_lossy().starts_with("message-"))
    })
    .await;
    let text = std::fs::read_to_string(file.path()).unwrap();
    assert!(text.contains("Subject: [Test] Ana, flu season") && text.contains(&format!("<{hr_email}>")), "{text}");
    let view = api.get(&format!("/announcements/{id}")).await;
    assert_eq!(view["status"], "draft", "a test send changes nothing");
}

#[tokio::test]
async fn a_scheduled_announcement_goes_out_when_its_time_comes() {
    let app = TestApp::spawn().await;
    people(&app, "later", 2, "Later").await;
    let api = Api::new(&app).await;
    let (_, created) = api.post("/announcements", json!({"title": "Later", "subject": "Hi", "audience": {"departments": ["Later"]}})).await;
    let id = created["id"].as_i64().unwrap() as i32;
    herald::spotlights::service::schedule(&app.state.db, id, Utc::now() + chrono::Duration::milliseconds(1500), None).await.unwrap();
    assert_eq!(api.get(&format!("/announcements/{id}")).await["status"], "scheduled");
    let view = api.wait_for(id as i64, "sent", 20).await;
    assert_eq!(view["delivery"]["sent"], 2);
}

#[tokio::test]
async fn distribution_lists_import_from_csv_and_report_every_rejected_line() {
    let app = TestApp::spawn().await;
    people(&app, "csv", 3, "Csv").await;
    let hr = app.signed_in(Role::HrStaff).await;
    let csrf = app.csrf(&hr, "/lists").await;
    let response = app.post_form(&hr, "/lists", &[("csrf", &csrf), ("name", "Managers"), ("description", "People managers")]).await;
    let path = location(&response);
    let csv = "name,email\nA,csv0@example.com\nB,csv1@example.com\nC,stranger@example.com\nD,not-an-email\nA again,CSV0@example.com\n";
    let form = reqwest::multipart::Form::new().text("csrf", csrf.clone()).part("file", reqwest::multipart::Part::text(csv).file_name("m.csv"));
    let response = hr.post(app.url(&format!("{path}/import"))).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("Added 2") && page.contains("1 already on the list"), "{page}");
    assert!(page.contains("line 4: stranger@example.com is not in the employee directory") && page.contains("line 5"));
    let api = Api::new(&app).await;
    let lists = api.get("/lists").await;
    assert_eq!(lists[0]["members"], 2);
    let (status, _) = api.post("/lists", json!({"name": "Managers"})).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn the_library_sorts_by_what_recipients_opened_most() {
    let app = TestApp::spawn().await;
    people(&app, "reader", 1, "Readers").await;
    let alpha = published_item(&app, "Alpha leave guide", "Leave.").await;
    let beta = published_item(&app, "Beta leave guide", "More leave.").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Guides", "subject": "Hi", "template": "new-policy", "collateral_ids": [alpha, beta], "audience": {"departments": ["Readers"]}})).await;
    api.wait_for(id, "sent", 20).await;
    let recipient = herald::entities::recipient::Entity::find()
        .filter(herald::entities::recipient::Column::AnnouncementId.eq(id as i32))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let page = herald::spotlights::links::page_url(&app.state.tracking, "", recipient.id);
    let client = app.browser();
    for item in [beta, alpha, beta] {
        assert_eq!(app.get(&client, &format!("{page}/items/{item}")).await.status(), 200);
    }
    let order = eventually("the index to count the opens", || async {
        let found = api.get("/collateral/search?q=leave%20guide&sort=clicked").await;
        let ids: Vec<i64> = found["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
        (ids == vec![beta as i64, alpha as i64]).then_some(ids)
    })
    .await;
    assert_eq!(order.len(), 2);
    let hr = app.signed_in(Role::HrStaff).await;
    let html = app.get(&hr, "/library?q=leave&sort=clicked").await.text().await.unwrap();
    assert!(html.contains("value=\"clicked\" selected"), "the sort menu offers and keeps it");
    assert_eq!(app.get(&hr, "/library?sort=popular").await.status(), 400);
}

#[tokio::test]
async fn cancelling_a_running_blast_on_its_page_asks_first_and_then_says_it_is_done() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 5)).await;
    people(&app, "careful", 30, "Careful").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Careful", "subject": "Hi", "template": "new-policy", "audience": {"departments": ["Careful"]}})).await;
    let (status, _) = api.post(&format!("/announcements/{id}/pause"), json!({})).await;
    assert_eq!(status, 200);
    let staff = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}");
    let csrf = app.csrf(&staff, &page).await;

    let asked = app.post_form(&staff, &format!("{page}/state"), &[("csrf", &csrf), ("action", "cancel")]).await;
    assert_eq!(asked.status(), 200, "a confirmation page, not the cancellation");
    let html = asked.text().await.unwrap();
    assert!(html.contains("Cancel this spotlight?") && html.contains("emails are still waiting and will not go out"), "{html}");
    assert!(html.contains("name=\"confirm\" value=\"yes\"") && html.contains(&format!("href=\"{page}\"")));
    assert_eq!(api.get(&format!("/announcements/{id}")).await["status"], "paused", "nothing cancelled yet");

    let forged = app.post_form(&staff, &format!("{page}/state"), &[("csrf", "forged"), ("action", "cancel"), ("confirm", "yes")]).await;
    assert_eq!(forged.status(), 403);
    let done = app.post_form(&staff, &format!("{page}/state"), &[("csrf", &csrf), ("action", "cancel"), ("confirm", "yes")]).await;
    assert_eq!((done.status().as_u16(), location(&done)), (303, format!("{page}?notice=blast-cancelled")));
    let shown = app.get(&staff, &location(&done)).await.text().await.unwrap();
    assert!(shown.contains("Sending cancelled: no further emails go out."), "{shown}");
    assert_eq!(api.get(&format!("/announcements/{id}")).await["status"], "cancelled");
}
