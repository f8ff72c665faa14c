//! Reminders go out once per person and step: with two servers on one
//! database, and across `kill -9` of the real binary between steps.

use chrono::Duration;
use herald::entities::{acknowledgement_reminder, acknowledgement_request};
use sea_orm::{ActiveModelTrait, ColumnTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::acknowledgements::{kind, today_plus, POLICY_BODY};
use crate::crash::{admin_token, serve};
use crate::helpers::{eventually, fresh_database, herald_command, TestApp};
use crate::smtp::SmtpSink;
use crate::spotlights::{mail_via, people, published_item, Api};

/// Each address's count of messages of `of_kind`.
fn counts(sink: &SmtpSink, of_kind: &str) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for message in sink.messages().iter().filter(|m| kind(m) == of_kind) {
        *counts.entry(message.rcpt.clone()).or_insert(0) += 1;
    }
    counts
}

fn assert_each_once(sink: &SmtpSink, of_kind: &str, emails: &[String], times: usize) {
    let counts = counts(sink, of_kind);
    let wrong: Vec<_> = emails.iter().filter(|e| counts.get(*e) != Some(&times)).map(|e| (e, counts.get(e))).collect();
    assert!(wrong.is_empty() && counts.len() == emails.len(), "{of_kind}: expected {times} each; wrong: {:?}", wrong.iter().take(5).collect::<Vec<_>>());
}

#[tokio::test]
async fn two_servers_send_each_reminder_once() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 500)).await;
    let other = app.second_server_with(mail_via(&sink, 500)).await;
    let staff = people(&app, "pair", 40, "Pair").await;
    let item = published_item(&app, "Remote Work Policy", POLICY_BODY).await;
    let (status, created) = Api::new(&app).await.post("/acknowledgements", json!({"collateral_id": item, "audience": {"departments": ["Pair"]}, "due_date": today_plus(&app, 20)})).await;
    assert_eq!(status, 201, "{created}");
    eventually("the request to everyone", || async { (counts(&sink, "request").len() == staff.len()).then_some(()) }).await;
    // Both servers' clocks move on a week: both run the reminder pass.
    for server in [&app, &other] {
        server.state.config.clock.advance(Duration::days(7) + Duration::hours(1));
    }
    eventually("a reminder to everyone", || async { (counts(&sink, "ack_reminder").len() == staff.len()).then_some(()) }).await;
    let rows = acknowledgement_reminder::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(rows, staff.len() as u64);
    // Give either server time to send a second copy, were it going to: it finds the rows and queues nothing.
    for server in [&app, &other] {
        let pass = herald::acknowledgements::reminders::Reminders { db: server.state.db.clone(), config: server.state.config.clone(), key: server.state.tracking.clone(), mailer: server.state.mailer.clone() };
        assert_eq!(pass.run_once().await.unwrap(), 0);
    }
    eventually("the outbox to drain", || async { herald::entities::outbox::Entity::find().filter(herald::entities::outbox::Column::Status.is_in(["queued", "sending", "handover"])).count(&app.state.db).await.ok().filter(|n| *n == 0) }).await;
    assert_each_once(&sink, "ack_reminder", &staff, 1);
}

#[tokio::test]
async fn a_reminder_waits_for_the_working_hours_set_for_the_readers_location() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 500)).await;
    let lisbon = people(&app, "lisbon", 2, "Shift").await;
    let tokyo = people(&app, "tokyo", 2, "Shift").await;
    crate::safe_sending::move_to(&app, "tokyo", "Tokyo").await;
    // Tokyo's one working hour starts three hours after the reminder falls due (a week and an hour from now).
    let tokyo_then = chrono::Utc::now() + Duration::hours(9 + 1);
    let start = (chrono::Timelike::hour(&tokyo_then) as i32 * 60 + chrono::Timelike::minute(&tokyo_then) as i32 + 180) % 1440;
    let hours = herald::spotlights::window::Hours::parse("Asia/Tokyo", start, (start + 60) % 1440, "1111111").unwrap();
    herald::spotlights::locations::set(&app.state.db, "Tokyo", &hours).await.unwrap();
    let item = published_item(&app, "Remote Work Policy", POLICY_BODY).await;
    let (status, created) = Api::new(&app).await.post("/acknowledgements", json!({"collateral_id": item, "audience": {"departments": ["Shift"]}, "due_date": today_plus(&app, 20)})).await;
    assert_eq!(status, 201, "{created}");
    eventually("the request to everyone", || async { (counts(&sink, "request").len() == 4).then_some(()) }).await;

    app.state.config.clock.advance(Duration::days(7) + Duration::hours(1));
    eventually("Lisbon's reminders, at once", || async { lisbon.iter().all(|e| counts(&sink, "ack_reminder").contains_key(e)).then_some(()) }).await;
    eventually("every reminder recorded", || async { (acknowledgement_reminder::Entity::find().count(&app.state.db).await.ok()? == 4).then_some(()) }).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(tokyo.iter().all(|e| !counts(&sink, "ack_reminder").contains_key(e)), "Tokyo is not at work yet");

    app.state.config.clock.advance(Duration::minutes(181));
    eventually("Tokyo's reminders when its hour starts", || async { (counts(&sink, "ack_reminder").len() == 4).then_some(()) }).await;
    assert_each_once(&sink, "ack_reminder", &lisbon.iter().chain(&tokyo).cloned().collect::<Vec<_>>(), 1);
}

/// The people of the crash test; the binary imports them.
const PEOPLE: usize = 150;

/// Moves a request's sending `days` into the past: the real binary's clock
/// cannot be moved by the test, so the request's dates are.
async fn age(db: &DatabaseConnection, id: i32, days: i64) {
    let model = acknowledgement_request::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
    let sent = model.sent_at.unwrap();
    let due = model.due_date;
    let mut active: acknowledgement_request::ActiveModel = model.into();
    active.sent_at = Set(Some(sent - Duration::days(days)));
    active.due_date = Set(due - Duration::days(days));
    active.update(db).await.unwrap();
}

async fn reminder_rows(db: &DatabaseConnection, step: &str) -> u64 {
    acknowledgement_reminder::Entity::find().filter(acknowledgement_reminder::Column::Step.eq(step)).count(db).await.unwrap()
}

#[tokio::test]
async fn herald_killed_between_reminder_steps_sends_no_reminder_twice() {
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database().await;
    let db_url = database_url.as_deref();
    std::fs::write(dir.path().join("herald.toml"), "mail_rate_per_second = 60\nmail_concurrency = 2\nmail_lease_seconds = 2\nmail_retry_base_seconds = 1\n").unwrap();
    let emails: Vec<String> = (0..PEOPLE).map(|i| format!("kill{i}@example.com")).collect();
    let csv: String = std::iter::once("email,name,department".to_owned()).chain(emails.iter().map(|e| format!("{e},Person {e},Crash"))).collect::<Vec<_>>().join("\n");
    std::fs::write(dir.path().join("people.csv"), csv).unwrap();
    let imported = herald_command(dir.path(), db_url).args(["import", "employees"]).arg(dir.path().join("people.csv")).output().unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let mut server = serve(dir.path(), db_url, Some(&sink.url())).await;
    let token = admin_token(dir.path(), db_url);
    let client = reqwest::Client::new();
    let post = |base: String, path: &str, body: Value| client.post(format!("{base}/api/v1{path}")).bearer_auth(&token).json(&body).send();
    let item: Value = post(server.base.clone(), "/collateral", json!({"title": "Remote Work Policy", "body": POLICY_BODY, "kind": "policy", "status": "published"})).await.unwrap().json().await.unwrap();
    let due = (chrono::Utc::now().date_naive() + Duration::days(30)).to_string();
    let response = post(server.base.clone(), "/acknowledgements", json!({"collateral_id": item["id"], "audience": {"departments": ["Crash"]}, "due_date": due, "reminders": {"every_days": 7, "days_before": 0}})).await.unwrap();
    assert_eq!(response.status(), 201);
    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap() as i32;
    eventually("the request to everyone", || async { (counts(&sink, "request").len() == PEOPLE).then_some(()) }).await;

    let db = Database::connect(database_url.clone().unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("herald.db").display()))).await.unwrap();
    for (step, days) in [("every-1", 7), ("every-2", 7)] {
        age(&db, id, days).await;
        // Killed as soon as the step is under way: some reminders out, most not.
        eventually(&format!("{step} under way"), || async { (reminder_rows(&db, step).await > 0).then_some(()) }).await;
        drop(server); // SIGKILL
        let times = if step == "every-1" { 1 } else { 2 };
        let delivered = counts(&sink, "ack_reminder").values().filter(|n| **n >= times).count();
        assert!(delivered < PEOPLE, "the kill came before {step} was delivered to everyone ({delivered})");
        server = serve(dir.path(), db_url, Some(&sink.url())).await;
        eventually(&format!("{step} to everyone"), || async { (counts(&sink, "ack_reminder").values().filter(|n| **n >= times).count() == PEOPLE).then_some(()) }).await;
        assert_eq!(reminder_rows(&db, step).await, PEOPLE as u64);
    }
    // Once more after the last restart: nothing left to send.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_each_once(&sink, "request", &emails, 1);
    assert_each_once(&sink, "ack_reminder", &emails, 2);
    drop(server);
}
