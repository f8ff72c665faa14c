//! Outbound webhooks against a local receiver: registering through the admin
//! page and the API, signed deliveries of bounces and test events, retries
//! with backoff until the receiver accepts (once), giving up, and who may
//! manage webhooks.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use herald::auth::Role;
use herald::entities::{webhook, webhook_delivery as delivery};
use herald::webhooks::worker::MAX_ATTEMPTS;
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::oneshot;

use crate::helpers::{eventually, TestApp};
use crate::spotlights::{people, Api};

/// One request the receiver got, and how it answered.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
    answered: u16,
}

impl Received {
    fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

#[derive(Clone, Default)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    failures_left: Arc<AtomicUsize>,
}

/// A tiny HTTP server standing in for another system: it records every
/// request and answers 500 to the first `fail_first`, then 200.
struct Receiver {
    url: String,
    shared: Shared,
    _stop: oneshot::Sender<()>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Receiver {
        let shared = Shared { failures_left: Arc::new(AtomicUsize::new(fail_first)), ..Default::default() };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let router = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Receiver { url, shared, _stop: stop }
    }

    fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    fn accepted(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.answered == 200).collect()
    }
}

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
    let fail = shared.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    let status = if fail { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
    shared.received.lock().unwrap().push(Received { headers, body: body.to_vec(), answered: status.as_u16() });
    (status, if fail { "receiver is down" } else { "thanks" })
}

/// What a receiver does with the secret: HMAC-SHA256 over "<timestamp>.<body>".
fn signed_with(secret: &str, request: &Received) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{}.", request.header("x-herald-timestamp")).as_bytes());
    mac.update(&request.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    request.header("x-herald-signature") == expected
}

/// An admin in the browser.
struct AdminPage<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    csrf: String,
}

impl<'a> AdminPage<'a> {
    async fn open(app: &'a TestApp) -> AdminPage<'a> {
        let client = app.signed_in(Role::Admin).await;
        let csrf = app.csrf(&client, "/admin/webhooks").await;
        AdminPage { app, client, csrf }
    }

    async fn html(&self) -> String {
        let response = self.app.get(&self.client, "/admin/webhooks").await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let mut form = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let response = self.app.post_form(&self.client, path, &form).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Registers through the form; returns the webhook's id and the secret shown.
    async fn register(&self, url: &str, events: &[&str]) -> (i32, String) {
        let mut fields = vec![("url", url)];
        fields.extend(events.iter().map(|event| ("events", *event)));
        let (status, html) = self.post("/admin/webhooks", &fields).await;
        assert_eq!(status, 200, "{html}");
        let secret = between(&html, "<code class=\"token\">", "</code>").expect("the secret is shown once");
        let hook = webhook::Entity::find().filter(webhook::Column::Url.eq(url)).one(&self.app.state.db).await.unwrap().unwrap();
        (hook.id, secret)
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_owned())
}

/// `GET`/`POST /api/v1/webhooks` with a token of `role`.
struct WebhookApi {
    client: reqwest::Client,
    token: String,
    url: String,
}

impl WebhookApi {
    async fn new(app: &TestApp, role: Role) -> WebhookApi {
        WebhookApi { client: reqwest::Client::new(), token: app.token(role).await, url: app.url("/api/v1/webhooks") }
    }

    async fn list(&self) -> (u16, Value) {
        let response = self.client.get(&self.url).bearer_auth(&self.token).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    async fn create(&self, body: Value) -> (u16, Value) {
        let response = self.client.post(&self.url).bearer_auth(&self.token).json(&body).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }
}

async fn deliveries_of(app: &TestApp, webhook_id: i32) -> Vec<delivery::Model> {
    delivery::Entity::find().filter(delivery::Column::WebhookId.eq(webhook_id)).all(&app.state.db).await.unwrap()
}

/// The only delivery of the webhook once `ready` holds for it.
async fn delivery_when(app: &TestApp, webhook_id: i32, what: &str, ready: impl Fn(&delivery::Model) -> bool) -> delivery::Model {
    eventually(what, || async {
        let mut rows = deliveries_of(app, webhook_id).await;
        (rows.len() == 1 && ready(&rows[0])).then(|| rows.remove(0))
    })
    .await
}

/// Moves the retry time to now, as if the backoff had passed.
async fn time_passes(app: &TestApp, delivery_id: i64) {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(delivery::Column::Id.eq(delivery_id))
        .exec(&app.state.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_admin_registers_a_webhook_and_receives_signed_bounce_events() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(0).await;
    let other = Receiver::start(0).await;
    let paused = Receiver::start(0).await;
    let admin = AdminPage::open(&app).await;
    let (id, secret) = admin.register(&receiver.url, &["bounce", "click"]).await;
    assert_eq!(secret.len(), 64);
    admin.register(&other.url, &["click", "open"]).await;
    let (paused_id, _) = admin.register(&paused.url, &["bounce"]).await;
    assert_eq!(admin.post(&format!("/admin/webhooks/{paused_id}/state"), &[("active", "false")]).await.0, 303);

    let person = people(&app, "hooked", 1, "Ops").await.remove(0);
    let (status, outcome) = Api::new(&app).await.post("/bounces", json!({"email": person, "kind": "hard", "reason": "550 5.1.1 mailbox unknown"})).await;
    assert_eq!(status, 200, "{outcome}");

    let request = eventually("the bounce event", || async { receiver.received().pop() }).await;
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(request.header("x-herald-event"), "bounce");
    let body = request.json();
    assert_eq!(body["event"], "bounce");
    assert_eq!(request.header("x-herald-delivery"), body["id"].to_string());
    assert_eq!(body["data"], json!({"email": person, "kind": "hard", "reason": "550 5.1.1 mailbox unknown", "announcement_id": null}));
    assert!(chrono::DateTime::parse_from_rfc3339(body["occurred_at"].as_str().unwrap()).is_ok(), "{body}");
    let timestamp: i64 = request.header("x-herald-timestamp").parse().unwrap();
    assert!((Utc::now().timestamp() - timestamp).abs() < 60);
    assert!(signed_with(&secret, &request), "the signature verifies with the secret shown to the admin");
    assert!(!signed_with(&"0".repeat(64), &request), "and with no other");

    let delivered = delivery_when(&app, id, "the delivery to be recorded", |d| d.status == "delivered").await;
    assert_eq!((delivered.attempts, delivered.last_status), (1, Some(200)));
    assert!(other.received().is_empty(), "a webhook not subscribed to bounces hears nothing");
    assert!(paused.received().is_empty(), "a paused webhook hears nothing");
    assert_eq!(receiver.received().len(), 1);

    let (status, list) = WebhookApi::new(&app, Role::Admin).await.list().await;
    assert_eq!(status, 200);
    let listed = list["webhooks"].as_array().unwrap().iter().find(|w| w["id"] == id).unwrap().clone();
    assert_eq!(listed["events"], json!(["click", "bounce"]));
    assert_eq!(listed["deliveries"], json!({"delivered": 1, "pending": 0, "failed": 0}));
    assert!(listed.get("secret").is_none() && !list.to_string().contains(&secret), "the secret is never listed");
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_backoff_and_gets_the_event_once() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(2).await;
    let admin = AdminPage::open(&app).await;
    let (id, secret) = admin.register(&receiver.url, &["open"]).await;
    let (status, html) = admin.post(&format!("/admin/webhooks/{id}/test"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("Test event queued"), "{html}");

    let first = delivery_when(&app, id, "the first attempt to fail", |d| d.attempts == 1 && d.status == "pending").await;
    assert_eq!(first.last_status, Some(500));
    // The status line only: an answer's body could be an internal service's secrets.
    assert_eq!(first.last_error.as_deref(), Some("HTTP 500 Internal Server Error"));
    let page = admin.html().await;
    assert!(page.contains("<strong>HTTP 500</strong> Internal Server Error") && !page.contains("receiver is down"), "{page}");
    let listed = WebhookApi::new(&app, Role::Admin).await.list().await.1;
    assert!(!listed.to_string().contains("receiver is down"), "{listed}");
    let wait = (first.next_attempt_at - Utc::now()).num_seconds();
    assert!((5..=10).contains(&wait), "the first retry comes after about 10 seconds, not {wait}");
    let page = admin.html().await;
    assert!(page.contains("HTTP 500"), "the admin sees the last error");

    time_passes(&app, first.id).await;
    let second = delivery_when(&app, id, "the second attempt to fail", |d| d.attempts == 2 && d.status == "pending").await;
    let wait = (second.next_attempt_at - Utc::now()).num_seconds();
    assert!((15..=20).contains(&wait), "the backoff doubles, not {wait}");

    let (status, html) = admin.post(&format!("/admin/webhooks/{id}/retry"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("1 delivery will be retried now"), "{html}");
    let third = delivery_when(&app, id, "the retry to be accepted", |d| d.status == "delivered").await;
    assert_eq!((third.attempts, third.last_status, third.last_error.as_deref()), (3, Some(200), None));

    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let received = receiver.received();
    assert_eq!(received.len(), 3, "two refusals and one acceptance, nothing after");
    assert_eq!(receiver.accepted().len(), 1);
    for request in &received {
        assert_eq!(request.header("x-herald-event"), "ping");
        assert_eq!(request.header("x-herald-delivery"), third.id.to_string());
        assert_eq!(request.body, received[0].body, "every attempt carries the same body");
        assert!(signed_with(&secret, request));
    }
    assert_eq!(received[0].json()["data"]["webhook_id"], id);
    let listed = WebhookApi::new(&app, Role::Admin).await.list().await.1;
    assert_eq!(listed["webhooks"][0]["deliveries"], json!({"delivered": 1, "pending": 0, "failed": 0}));
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_gives_up_after_the_last_attempt() {
    let app = TestApp::spawn().await;
    // A port nobody listens on: every attempt is refused.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/gone", closed.local_addr().unwrap());
    drop(closed);
    let api = WebhookApi::new(&app, Role::Admin).await;
    let (status, created) = api.create(json!({"url": url, "events": ["bounce"]})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["webhook"]["id"].as_i64().unwrap() as i32;
    let admin = AdminPage::open(&app).await;
    admin.post(&format!("/admin/webhooks/{id}/test"), &[]).await;
    let first = delivery_when(&app, id, "the first attempt to fail", |d| d.attempts == 1 && d.status == "pending").await;
    assert_eq!(first.last_status, None);
    assert!(first.last_error.is_some());

    delivery::Entity::update_many()
        .col_expr(delivery::Column::Attempts, Expr::value(MAX_ATTEMPTS - 1))
        .filter(delivery::Column::Id.eq(first.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    time_passes(&app, first.id).await;
    let last = delivery_when(&app, id, "the delivery to give up", |d| d.status == "failed").await;
    assert_eq!(last.attempts, MAX_ATTEMPTS);
    let listed = api.list().await.1;
    assert_eq!(listed["webhooks"][0]["deliveries"], json!({"delivered": 0, "pending": 0, "failed": 1}));
    assert_eq!(listed["webhooks"][0]["last_error"]["delivery_status"], "failed");
}

#[tokio::test]
async fn admins_register_through_the_api_and_get_the_secret_once() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(0).await;
    let api = WebhookApi::new(&app, Role::Admin).await;
    let (status, created) = api.create(json!({"url": receiver.url, "events": ["visit", "open"]})).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.len() == 64 && secret.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(created["webhook"]["events"], json!(["open", "visit"]));
    assert_eq!(created["webhook"]["active"], true);

    let (status, list) = api.list().await;
    assert_eq!(status, 200);
    assert_eq!(list["webhooks"].as_array().unwrap().len(), 1);
    assert_eq!(list["webhooks"][0]["url"], receiver.url.as_str());
    assert!(!list.to_string().contains(secret));
}

#[tokio::test]
async fn an_admin_pauses_resumes_and_deletes_a_webhook() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(0).await;
    let admin = AdminPage::open(&app).await;
    let (id, _) = admin.register(&receiver.url, &["click"]).await;
    assert!(admin.html().await.contains(&receiver.url));

    assert_eq!(admin.post(&format!("/admin/webhooks/{id}/state"), &[("active", "false")]).await.0, 303);
    let (status, html) = admin.post(&format!("/admin/webhooks/{id}/test"), &[]).await;
    assert_eq!(status, 422);
    assert!(html.contains("paused"), "{html}");
    assert_eq!(admin.post(&format!("/admin/webhooks/{id}/state"), &[("active", "true")]).await.0, 303);
    admin.post(&format!("/admin/webhooks/{id}/test"), &[]).await;
    eventually("the test event", || async { receiver.accepted().pop() }).await;

    assert_eq!(admin.post(&format!("/admin/webhooks/{id}/delete"), &[]).await.0, 303);
    assert!(!admin.html().await.contains(&receiver.url));
    assert!(deliveries_of(&app, id).await.is_empty(), "its deliveries go with it");
    assert_eq!(admin.post(&format!("/admin/webhooks/{id}/test"), &[]).await.0, 404);
}

#[tokio::test]
async fn a_bad_url_or_event_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let admin = AdminPage::open(&app).await;
    for (url, expected) in [("ftp://files.example.com/drop", "must start with http:// or https://"), ("hooks dot example", "is not a valid URL")] {
        let (status, html) = admin.post("/admin/webhooks", &[("url", url), ("events", "click")]).await;
        assert_eq!(status, 422, "{url}");
        assert!(html.contains(expected), "{url}: {html}");
        assert!(html.contains("value=\"click\" checked"), "the choices are kept");
    }
    let (status, html) = admin.post("/admin/webhooks", &[("url", "https://example.com/hook")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Choose at least one event"));

    let api = WebhookApi::new(&app, Role::Admin).await;
    let (status, error) = api.create(json!({"url": "javascript:alert(1)", "events": ["click"]})).await;
    assert_eq!(status, 422);
    assert!(error["error"]["message"].as_str().unwrap().contains("http:// or https://"), "{error}");
    let (status, error) = api.create(json!({"url": "https://example.com/hook", "events": ["everything"]})).await;
    assert_eq!(status, 422);
    assert!(error["error"]["message"].as_str().unwrap().contains("Unknown event"), "{error}");
    assert_eq!(api.list().await.1["webhooks"], json!([]), "nothing was registered");
}

#[tokio::test]
async fn only_admins_manage_webhooks() {
    let app = TestApp::spawn().await;
    for role in [Role::Employee, Role::HrStaff, Role::HrLead] {
        let client = app.signed_in(role).await;
        assert_eq!(app.get(&client, "/admin/webhooks").await.status(), 403, "{role:?}");
        let csrf = app.csrf(&client, "/account").await;
        let form = [("csrf", csrf.as_str()), ("url", "https://example.com/hook"), ("events", "click")];
        assert_eq!(app.post_form(&client, "/admin/webhooks", &form).await.status(), 403, "{role:?}");
        let api = WebhookApi::new(&app, role).await;
        assert_eq!(api.list().await.0, 403, "{role:?}");
        assert_eq!(api.create(json!({"url": "https://example.com/hook", "events": ["click"]})).await.0, 403, "{role:?}");
    }
    let anonymous = reqwest::Client::new().get(app.url("/api/v1/webhooks")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    let admin = app.signed_in(Role::Admin).await;
    let forged = app.post_form(&admin, "/admin/webhooks", &[("url", "https://example.com/hook"), ("events", "click")]).await;
    assert_eq!(forged.status(), 403, "a form without the CSRF token is refused");
    assert!(webhook::Entity::find().all(&app.state.db).await.unwrap().is_empty());
    assert!(app.get(&admin, "/").await.text().await.unwrap().contains("href=\"/admin/webhooks\""), "admins find the page in the navigation");
}

#[tokio::test]
async fn two_servers_share_the_deliveries_and_post_each_once() {
    let app = TestApp::spawn().await;
    let second = app.second_server().await;
    let receiver = Receiver::start(0).await;
    let (status, created) = WebhookApi::new(&app, Role::Admin).await.create(json!({"url": receiver.url, "events": ["bounce"]})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["webhook"]["id"].as_i64().unwrap() as i32;
    for _ in 0..40 {
        herald::webhooks::service::ping(&app.state.db, id).await.unwrap();
    }
    eventually("every delivery to be accepted", || async {
        let rows = deliveries_of(&app, id).await;
        rows.iter().all(|d| d.status == "delivered").then_some(())
    })
    .await;
    let mut ids: Vec<String> = receiver.received().iter().map(|r| r.header("x-herald-delivery")).collect();
    assert_eq!(ids.len(), 40, "each delivery is posted once");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    drop(second);
}

#[tokio::test]
async fn a_followed_short_link_reaches_a_click_webhook_with_its_classification() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(0).await;
    let admin = WebhookApi::new(&app, Role::Admin).await;
    let (status, created) = admin.create(json!({"url": receiver.url, "events": ["click"]})).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    let api = Api::new(&app).await;
    let (_, announcement) = api.post("/announcements", json!({"title": "Hooks", "subject": "Hi", "template": "new-policy", "audience": {"roles": ["admin"]}})).await;
    let id = announcement["id"].as_i64().unwrap();
    let (_, link) = api.post(&format!("/announcements/{id}/short-links"), json!({"channel": "teams"})).await;
    let code = link["code"].as_str().unwrap();
    assert_eq!(app.get(&app.browser(), &format!("/s/{code}")).await.status(), 302);
    let bot = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent("Slackbot-LinkExpanding 1.0").build().unwrap();
    assert_eq!(bot.get(app.url(&format!("/s/{code}"))).send().await.unwrap().status(), 302);

    let clicks = eventually("two click events at the receiver", || async {
        let accepted = receiver.accepted();
        (accepted.len() == 2).then_some(accepted)
    })
    .await;
    assert!(clicks.iter().all(|click| signed_with(&secret, click) && click.header("x-herald-event") == "click"));
    let data: Vec<Value> = clicks.iter().map(|click| click.json()["data"].clone()).collect();
    assert!(data.iter().all(|d| d["announcement_id"] == id && d["channel"] == "teams"), "{data:?}");
    assert_eq!(data.iter().filter(|d| d["automated"] == true).count(), 1, "the preview bot is marked: {data:?}");
}

#[tokio::test]
async fn webhook_events_name_the_recipient_only_with_individual_tracking() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(0).await;
    let admin = WebhookApi::new(&app, Role::Admin).await;
    let (status, created) = admin.create(json!({"url": receiver.url, "events": ["visit"]})).await;
    assert_eq!(status, 201, "{created}");
    let invited = people(&app, "hooked", 2, "Ops").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "Hooks", "subject": "Hi", "template": "new-policy", "audience": {"emails": invited}})).await;
    api.wait_for(id, "sent", 20).await;
    let recipients = herald::entities::recipient::Entity::find()
        .filter(herald::entities::recipient::Column::AnnouncementId.eq(id as i32))
        .all(&app.state.db)
        .await
        .unwrap();
    let visit = |n: usize| {
        let page = herald::spotlights::links::page_url(&app.state.tracking, "", recipients[n].id);
        let app = &app;
        async move { assert_eq!(app.get(&app.browser(), &page).await.status(), 200) }
    };
    let visits = |count: usize| {
        let receiver = &receiver;
        eventually("visit events at the receiver", move || async move {
            let accepted = receiver.accepted();
            (accepted.len() == count).then(|| accepted.iter().map(|r| r.json()["data"].clone()).collect::<Vec<Value>>())
        })
    };

    visit(0).await;
    let data = visits(1).await;
    assert_eq!(data[0]["announcement_id"], id);
    assert_eq!(data[0]["recipient_id"], Value::Null, "off by default: {data:?}");

    crate::privacy::set_individual_tracking(&app, true).await;
    visit(1).await;
    let data = visits(2).await;
    let named: Vec<&Value> = data.iter().map(|d| &d["recipient_id"]).filter(|r| !r.is_null()).collect();
    assert_eq!(named, vec![&json!(recipients[1].id)], "{data:?}");
}

/// Every notation of loopback, and the private, link-local and other internal ranges.
const INTERNAL_URLS: &[&str] = &[
    "http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://LOCALHOST:9/hook", "http://[::1]:9/hook", "http://2130706433/hook",
    "http://127.1/hook", "http://0x7f000001/hook", "http://0177.0.0.1/hook", "http://0x7f.0.0.1/hook", "http://[::ffff:127.0.0.1]/hook",
    "http://[0:0:0:0:0:ffff:7f00:1]/hook", "http://0.0.0.0/hook", "http://0/hook", "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/hook", "http://10.0.0.1/hook", "http://172.16.0.1/hook", "http://192.168.1.1/hook", "http://100.64.0.1/hook",
    "http://[fd00::1]/hook", "http://[fc00::1]/hook", "http://224.0.0.1/hook", "http://255.255.255.255/hook", "http://[64:ff9b::7f00:1]/hook",
];

#[tokio::test]
async fn internal_addresses_are_refused_at_registration_in_every_notation() {
    let app = TestApp::spawn_with(|config| config.outbound_allow.clear()).await;
    let api = WebhookApi::new(&app, Role::Admin).await;
    for url in INTERNAL_URLS {
        let (status, error) = api.create(json!({"url": url, "events": ["click"]})).await;
        assert_eq!(status, 422, "{url}: {error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains("internal address") && message.contains("outbound_allow"), "{url}: {message}");
    }
    let admin = AdminPage::open(&app).await;
    let (status, html) = admin.post("/admin/webhooks", &[("url", "http://[::1]:9/hook"), ("events", "click")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("internal address"), "{html}");
    assert_eq!(api.list().await.1["webhooks"], json!([]), "nothing was registered");
}

#[tokio::test]
async fn the_operator_allow_list_opens_only_the_networks_it_names() {
    let app = TestApp::spawn_with(|config| config.outbound_allow = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let api = WebhookApi::new(&app, Role::Admin).await;
    let (status, created) = api.create(json!({"url": "http://127.0.0.1:9/hook", "events": ["click"]})).await;
    assert_eq!(status, 201, "{created}");
    for url in ["http://127.0.0.2:9/hook", "http://10.0.0.1/hook", "http://[::1]:9/hook"] {
        assert_eq!(api.create(json!({"url": url, "events": ["click"]})).await.0, 422, "{url}");
    }
}

#[tokio::test]
async fn a_receiver_whose_address_is_now_internal_is_not_called() {
    // Registered while its name pointed elsewhere (here: straight into the
    // table), the receiver's name and address are checked again at each
    // connection: DNS rebinding does not get a request through.
    let app = TestApp::spawn_with(|config| config.outbound_allow.clear()).await;
    let receiver = Receiver::start(0).await;
    let port = receiver.url.trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().to_owned();
    let admin = AdminPage::open(&app).await;
    for url in [format!("http://localhost:{port}/hook"), receiver.url.clone()] {
        let new = herald::webhooks::service::NewWebhook::parse(&url, &["bounce".to_owned()]).unwrap();
        let hook = herald::webhooks::service::create(&app.state.db, new, None).await.unwrap();
        admin.post(&format!("/admin/webhooks/{}/test", hook.id), &[]).await;
        let failed = delivery_when(&app, hook.id, "the attempt to be refused", |d| d.attempts == 1 && d.status == "pending").await;
        let error = failed.last_error.unwrap_or_default();
        assert!(error.contains("internal address"), "{url}: {error}");
        assert!(error.chars().count() <= 200 && !error.contains('\n'));
        assert_eq!(failed.last_status, None);
    }
    assert!(receiver.received().is_empty(), "no request reached the receiver");
}

#[tokio::test]
async fn the_last_error_shows_the_status_code_first_bounded_and_escaped() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(1).await;
    let admin = AdminPage::open(&app).await;
    let (id, _) = admin.register(&receiver.url, &["open"]).await;
    let page = admin.html().await;
    assert!(page.contains("X-Herald-Signature") && page.contains("HMAC-SHA256"), "the page explains receiving in place");
    admin.post(&format!("/admin/webhooks/{id}/test"), &[]).await;
    let first = delivery_when(&app, id, "the first attempt to fail", |d| d.attempts == 1 && d.status == "pending").await;
    // What an older Herald stored: the receiver's whole answer.
    let answer = format!("HTTP 500 <script>alert('x')</script>{}", "internal detail ".repeat(40));
    delivery::Entity::update_many()
        .col_expr(delivery::Column::LastError, Expr::value(answer))
        .filter(delivery::Column::Id.eq(first.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let page = admin.html().await;
    let cell = between(&page, "<strong>HTTP 500</strong>", "<span class=\"muted\">").expect("the status code comes first");
    assert!(!page.contains("<script>alert"), "the answer is escaped");
    assert!(cell.contains("script") && cell.matches("internal detail").count() < 13, "bounded to 200 characters: {cell}");
    assert!(cell.trim_end().ends_with('…'), "{cell}");
}
