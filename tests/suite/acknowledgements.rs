//! Read and acknowledge (issue 21) end to end, against the real SMTP server:
//! the request's email, the scanner-safe confirm page, confirming by email,
//! portal and API, reminders and escalation on the test clock, a new
//! material version, and the CSV export checked against the known state.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;
use herald::auth::Role;
use herald::entities::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{csrf_in, eventually, location, TestApp};
use crate::smtp::{Received, SmtpSink};
use crate::spotlights::{mail_via, people, published_item, Api};

pub const POLICY_BODY: &str = "You may work from home up to three days a week.\n\nAgree the days with your manager.";

/// What kind of Herald message this is, from its Message-ID: `<herald.a<id>.r<id>…>`
/// for an announcement (the request itself), `<herald.<kind>.…>` for the others.
pub fn kind(message: &Received) -> String {
    let id = message.header("Message-ID").unwrap_or_default();
    let kind = id.trim_start_matches("<herald.").split('.').next().unwrap_or("").to_owned();
    if kind.starts_with('a') && kind[1..].chars().all(|c| c.is_ascii_digit()) { "request".into() } else { kind }
}

/// Messages of `of_kind` per recipient.
fn received(sink: &SmtpSink, of_kind: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in sink.messages().iter().filter(|m| kind(m) == of_kind) {
        *counts.entry(message.rcpt.clone()).or_insert(0) += 1;
    }
    counts
}

async fn wait_for_messages(sink: &SmtpSink, of_kind: &str, n: usize) -> BTreeMap<String, usize> {
    eventually(&format!("{n} {of_kind} messages"), || async {
        let counts = received(sink, of_kind);
        (counts.values().sum::<usize>() >= n).then_some(counts)
    })
    .await
}

pub fn today_plus(app: &TestApp, days: i64) -> String {
    (app.state.config.clock.now().date_naive() + Duration::days(days)).to_string()
}

pub async fn find_user(app: &TestApp, email: &str) -> user::Model {
    herald::users::service::find_by_email(&app.state.db, email).await.unwrap().unwrap()
}

/// An API client acting as `email` (the person asked).
async fn as_person(app: &TestApp, email: &str) -> String {
    herald::auth::tokens::create(&app.state.db, find_user(app, email).await.id, "test").await.unwrap()
}

/// The personal confirm page's path from the request email: its tracked link, followed once.
async fn confirm_path(app: &TestApp, message: &Received) -> String {
    let text = message.part("text/plain").unwrap();
    let link = text.split_whitespace().find(|word| word.contains("/l/")).expect("a tracked link").to_owned();
    let response = app.browser().get(&link).send().await.unwrap();
    assert_eq!(response.status(), 302, "{link}");
    let target = location(&response);
    assert!(target.starts_with("/p/"), "{target}");
    target
}

#[tokio::test]
async fn request_confirm_remind_escalate_and_ask_again_keep_the_evidence_right() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 200)).await;
    let staff = people(&app, "ack", 4, "Policy").await;
    let boss = people(&app, "boss", 1, "Management").await.remove(0);
    // ack3 reports to the boss: the escalation goes there.
    let mut row: user::ActiveModel = find_user(&app, &staff[3]).await.into();
    row.manager_email = Set(Some(boss.clone()));
    row.update(&app.state.db).await.unwrap();
    let item = published_item(&app, "Remote Work Policy", POLICY_BODY).await;
    let hr = Api::new(&app).await;

    let due = today_plus(&app, 10);
    let (status, created) = hr
        .post(
            "/acknowledgements",
            json!({"collateral_id": item, "audience": {"departments": ["Policy"]}, "due_date": due, "question": "Anything unclear?",
                   "reminders": {"every_days": 7, "days_before": 2, "escalate_to_manager": true}}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "open");
    assert_eq!(created["version"], 1);
    assert_eq!(created["text_sha256"], herald::auth::password::sha256_hex(POLICY_BODY));
    assert_eq!((created["confirmed"].as_u64(), created["pending"].as_u64(), created["overdue"].as_u64()), (Some(0), Some(4), Some(0)));

    let requests = wait_for_messages(&sink, "request", 4).await;
    assert_eq!(requests.keys().cloned().collect::<Vec<_>>(), staff);
    let messages = sink.messages();
    let to_ack0 = messages.iter().find(|m| m.rcpt == staff[0] && kind(m) == "request").unwrap();
    assert!(to_ack0.part("text/plain").unwrap().contains("not anonymous"));

    // The mail scanner's GET shows the item and the button, and records nothing.
    let page = confirm_path(&app, to_ack0).await;
    let browser = app.browser();
    let html = app.get(&browser, &page).await.text().await.unwrap();
    assert!(html.contains("id=\"confirm-form\"") && html.contains("three days a week") && html.contains("not anonymous"), "{html}");
    assert!(html.contains(&herald::auth::password::sha256_hex(POLICY_BODY)));
    assert_eq!(hr.get(&format!("/acknowledgements/{id}")).await["confirmed"], 0, "a GET confirmed");

    // The POST from that page confirms version 1, by email.
    let csrf = csrf_in(&html).unwrap();
    let confirmed = app.post_form(&browser, &format!("{page}/confirm"), &[("csrf", &csrf), ("answer", "All clear")]).await;
    assert_eq!(confirmed.status(), 200);
    assert!(confirmed.text().await.unwrap().contains("your confirmation is recorded"));
    // A second POST (a double click) adds nothing.
    let again = app.post_form(&browser, &format!("{page}/confirm"), &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), 200);
    let view = hr.get(&format!("/acknowledgements/{id}")).await;
    assert_eq!((view["confirmed"].as_u64(), view["pending"].as_u64()), (Some(1), Some(3)), "{view}");

    // A week later: a reminder reaches exactly the three who have not confirmed.
    app.state.config.clock.advance(Duration::days(7) + Duration::hours(1));
    let reminded = wait_for_messages(&sink, "ack_reminder", 3).await;
    assert_eq!(reminded.keys().cloned().collect::<Vec<_>>(), staff[1..].to_vec());
    assert!(reminded.values().all(|n| *n == 1));

    // ack1 confirms through the API; ack2 leaves.
    let token = as_person(&app, &staff[1]).await;
    let response = reqwest::Client::new().post(app.url(&format!("/api/v1/acknowledgements/{id}/confirm"))).bearer_auth(&token).json(&json!({})).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let attestation: Value = response.json().await.unwrap();
    assert_eq!((attestation["version"].as_i64(), attestation["channel"].as_str()), (Some(1), Some("api")));
    let leaver = find_user(&app, &staff[2]).await.id;
    herald::users::leavers::deactivate(&app.state.db, leaver, herald::users::provisioning::Source::Admin, herald::users::provisioning::Action::Deactivated).await.unwrap();

    // Two days before the due date: only ack3 is still pending, and is reminded once more.
    app.state.config.clock.advance(Duration::days(1));
    let reminded = wait_for_messages(&sink, "ack_reminder", 4).await;
    assert_eq!(reminded.get(&staff[3]), Some(&2), "{reminded:?}");
    assert_eq!(reminded.values().sum::<usize>(), 4, "{reminded:?}");

    // After the due date: ack3 is overdue and their manager is told, once.
    app.state.config.clock.advance(Duration::days(3));
    let escalated = wait_for_messages(&sink, "ack_escalation", 1).await;
    assert_eq!(escalated.keys().cloned().collect::<Vec<_>>(), vec![boss.clone()]);
    let view = hr.get(&format!("/acknowledgements/{id}")).await;
    assert_eq!((view["confirmed"].as_u64(), view["pending"].as_u64(), view["overdue"].as_u64(), view["left"].as_u64()), (Some(2), Some(0), Some(1), Some(1)), "{view}");
    let reminders = herald::acknowledgements::reminders::Reminders {
        db: app.state.db.clone(),
        config: app.state.config.clone(),
        key: app.state.tracking.clone(),
        mailer: app.state.mailer.clone(),
    };
    assert_eq!(reminders.run_once().await.unwrap(), 0, "every step was already sent");

    // The CSV export matches the state computed by hand.
    let hr_browser = app.signed_in(Role::HrStaff).await;
    let csv = app.get(&hr_browser, &format!("/acknowledgements/{id}/export.csv")).await.text().await.unwrap();
    let mut lines: HashMap<String, Vec<String>> = HashMap::new();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        lines.insert(record[6].to_owned(), record.iter().map(str::to_owned).collect());
    }
    let sha = herald::auth::password::sha256_hex(POLICY_BODY);
    let expected = [(&staff[0], "confirmed", "email", "All clear"), (&staff[1], "confirmed", "api", ""), (&staff[2], "left", "", ""), (&staff[3], "overdue", "", "")];
    assert_eq!(lines.len(), 4);
    for (email, status, channel, answer) in expected {
        let line = &lines[email.as_str()];
        assert_eq!((line[3].as_str(), line[4].as_str(), line[10].as_str(), line[12].as_str(), line[13].as_str()), ("1", sha.as_str(), status, channel, answer), "{email}");
        assert_eq!(line[11].is_empty(), status != "confirmed", "{email}: confirmed_at");
    }

    // A material new version: the same audience is asked again, the old evidence stays.
    let editor = find_user(&app, &app.user(Role::HrStaff).await).await;
    let current = herald::library::service::find_by_id(&app.state.db, item).await.unwrap();
    let raw = herald::library::model::RawCollateral {
        title: current.title.clone(),
        summary: current.summary.clone(),
        body: "You may work from home up to two days a week.".into(),
        kind: current.kind.clone(),
        status: "published".into(),
        ..Default::default()
    };
    herald::library::service::update(&app.state.db, current, editor.id, raw.parse().unwrap()).await.unwrap();
    let csrf = app.csrf(&hr_browser, &format!("/acknowledgements/{id}")).await;
    let refused = app.post_form(&hr_browser, &format!("/acknowledgements/{id}/ask-again"), &[("csrf", &csrf)]).await;
    assert_eq!(refused.status(), 422, "not marked material");
    let asked = app.post_form(&hr_browser, &format!("/acknowledgements/{id}/ask-again"), &[("csrf", &csrf), ("material", "on")]).await;
    assert_eq!(asked.status(), 303);
    let second: i64 = location(&asked).trim_start_matches("/acknowledgements/").parse().unwrap();
    let view = hr.get(&format!("/acknowledgements/{second}")).await;
    assert_eq!((view["version"].as_i64(), view["supersedes_id"].as_i64(), view["asked"].as_u64()), (Some(2), Some(id), Some(3)), "{view}");
    assert_ne!(view["text_sha256"], sha);
    let old = hr.get(&format!("/acknowledgements/{id}")).await;
    assert_eq!((old["status"].as_str(), old["confirmed"].as_u64()), (Some("closed"), Some(2)));
    let evidence: Vec<Value> = serde_json::from_value(hr.get(&format!("/acknowledgements/{id}/people")).await).unwrap();
    assert!(evidence.iter().filter(|p| p["status"] == "confirmed").all(|p| p["version"] == 1 && p["text_sha256"] == sha));
    wait_for_messages(&sink, "request", 7).await;
    // The old request can no longer be confirmed; the new one can.
    let response = reqwest::Client::new().post(app.url(&format!("/api/v1/acknowledgements/{id}/confirm"))).bearer_auth(as_person(&app, &staff[3]).await).send().await.unwrap();
    assert_eq!(response.status(), 409);
    let response = reqwest::Client::new().post(app.url(&format!("/api/v1/acknowledgements/{second}/confirm"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let mine: Vec<Value> = reqwest::Client::new().get(app.url("/api/v1/acknowledgements/mine")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine.iter().map(|a| a["version"].as_i64().unwrap()).collect::<Vec<_>>(), vec![2, 1]);
}

#[tokio::test]
async fn attestations_cannot_be_changed_or_deleted_even_in_the_database() {
    let app = TestApp::spawn().await;
    let staff = people(&app, "evidence", 1, "Audit").await;
    let item = published_item(&app, "Code of Conduct", "Be kind.").await;
    let hr = Api::new(&app).await;
    let (_, created) = hr.post("/acknowledgements", json!({"collateral_id": item, "audience": {"emails": staff}, "due_date": today_plus(&app, 5)})).await;
    let id = created["id"].as_i64().unwrap();
    let token = as_person(&app, &staff[0]).await;
    let response = reqwest::Client::new().post(app.url(&format!("/api/v1/acknowledgements/{id}/confirm"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let db = &app.state.db;
    assert!(db.execute_unprepared("UPDATE attestations SET collateral_version = 7").await.is_err());
    assert!(db.execute_unprepared("DELETE FROM attestations").await.is_err());
    let rows = herald::entities::attestation::Entity::find().filter(herald::entities::attestation::Column::RequestId.eq(id as i32)).all(db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].collateral_version, 1);
}

#[tokio::test]
async fn an_employee_sees_the_banner_until_they_confirm_from_the_portal() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let item = published_item(&app, "Travel Policy", "Book economy.").await;
    let hr = Api::new(&app).await;
    let (status, created) = hr.post("/acknowledgements", json!({"collateral_id": item, "audience": {"emails": [email]}, "due_date": today_plus(&app, 3)})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (employee, _) = app.login_as(&email, crate::helpers::PASSWORD).await;
    let home = app.get(&employee, "/").await.text().await.unwrap();
    assert!(home.contains("acknowledgement-banner") && home.contains(&format!("/acknowledgements/{id}/confirm")), "{home}");
    let news = app.get(&employee, "/news").await.text().await.unwrap();
    assert!(news.contains("acknowledgement-banner"));
    let slug = herald::library::service::find_by_id(&app.state.db, item).await.unwrap().slug;
    assert!(app.get(&employee, &format!("/library/{slug}")).await.text().await.unwrap().contains("acknowledgement-banner"));

    let csrf = app.csrf(&employee, &format!("/acknowledgements/{id}/confirm")).await;
    let done = app.post_form(&employee, &format!("/acknowledgements/{id}/confirm"), &[("csrf", &csrf)]).await;
    assert_eq!(done.status(), 303);
    assert!(!app.get(&employee, "/").await.text().await.unwrap().contains("acknowledgement-banner"));
    let mine = app.get(&employee, "/acknowledgements/mine").await.text().await.unwrap();
    assert!(mine.contains("Travel Policy") && mine.contains("portal"), "{mine}");
    assert_eq!(hr.get(&format!("/acknowledgements/{id}")).await["confirmed"], 1);

    // Someone the request does not ask cannot confirm it, or learn of it.
    let other = app.signed_in(Role::Employee).await;
    assert_eq!(app.get(&other, &format!("/acknowledgements/{id}/confirm")).await.status(), 404);
}

#[tokio::test]
async fn bad_requests_are_refused_with_the_reason_and_store_nothing() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app).await;
    let draft_item = {
        let owner = find_user(&app, &app.user(Role::HrStaff).await).await;
        let raw = herald::library::model::RawCollateral { title: "Draft".into(), body: "x".into(), kind: "policy".into(), status: "draft".into(), ..Default::default() };
        herald::library::service::create(&app.state.db, owner.id, raw.parse().unwrap()).await.unwrap().id
    };
    let (status, body) = hr.post("/acknowledgements", json!({"collateral_id": draft_item, "audience": {"everyone": true}, "due_date": today_plus(&app, 3)})).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("not published"), "{body}");
    let item = published_item(&app, "Leave Policy", "Ask first.").await;
    let (status, body) = hr.post("/acknowledgements", json!({"collateral_id": item, "audience": {}, "due_date": "2001-01-01"})).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("in the past") && body.to_string().contains("Choose who must confirm"), "{body}");
    let (status, body) = hr.post("/acknowledgements", json!({"collateral_id": item, "audience": {"departments": ["Nobody works here"]}, "due_date": today_plus(&app, 3)})).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("Nobody in this audience"), "{body}");
    assert_eq!(hr.get("/acknowledgements").await.as_array().unwrap().len(), 0);
    // A draft is kept, and sent later.
    let (status, draft) = hr.post("/acknowledgements", json!({"collateral_id": item, "audience": {"everyone": true}, "due_date": today_plus(&app, 3), "send": false})).await;
    assert_eq!((status, draft["status"].as_str()), (201, Some("draft")));
    let (status, sent) = hr.post(&format!("/acknowledgements/{}/send", draft["id"]), json!({})).await;
    assert_eq!((status, sent["status"].as_str()), (200, Some("open")), "{sent}");
}
