//! Safe sending's guards before submit and the pre-flight check list (issue
//! 23, points 3 and 4): library links to missing or archived items, external
//! links that answer 404 (a local server; loopback is allowed in the tests'
//! outbound_allow), an internal address that is refused, unfilled
//! placeholders; submit and send refused without "Send anyway"; the test
//! email turning its check green until the next change.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use axum::routing::any;
use axum::Router;
use herald::auth::Role;
use herald::spotlights::approval::ApprovalRule;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::spotlights::{published_item, Api};

/// A web server with a page that is gone, one that is fine, and one that
/// refuses HEAD (405) but answers GET; it counts requests to the fine one.
async fn site() -> (String, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let app = Router::new()
        .route("/gone", any(|| async { StatusCode::NOT_FOUND }))
        .route("/ok", any(move || async move { counter.fetch_add(1, Ordering::SeqCst); StatusCode::OK }))
        .route("/get-only", any(|method: Method| async move { if method == Method::HEAD { StatusCode::METHOD_NOT_ALLOWED } else { StatusCode::OK } }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, asked)
}

fn check<'a>(preflight: &'a Value, key: &str) -> &'a Value {
    preflight["items"].as_array().unwrap().iter().find(|item| item["key"] == key).unwrap_or_else(|| panic!("no {key} check: {preflight}"))
}

fn link<'a>(preflight: &'a Value, containing: &str) -> &'a Value {
    preflight["links"].as_array().unwrap().iter().find(|l| l["link"].as_str().unwrap().contains(containing)).unwrap_or_else(|| panic!("no link {containing}: {preflight}"))
}

async fn archived_item(app: &TestApp, title: &str) -> String {
    let id = published_item(app, title, "Old news.").await;
    let item = herald::library::service::find_by_id(&app.state.db, id).await.unwrap();
    let slug = item.slug.clone();
    herald::library::service::set_status(&app.state.db, item, item_owner(app).await, herald::library::model::Status::Archived).await.unwrap();
    slug
}

async fn item_owner(app: &TestApp) -> i32 {
    herald::users::service::find_by_email(&app.state.db, &app.user(Role::HrStaff).await).await.unwrap().unwrap().id
}

#[tokio::test]
async fn broken_links_and_unfilled_placeholders_stop_submit_unless_sent_anyway() {
    let app = TestApp::spawn_with(|config| config.sending.approval = Some(ApprovalRule::Always)).await;
    crate::spotlights::people(&app, "pre", 2, "Preflight").await;
    let (site, asked) = site().await;
    let old = archived_item(&app, "Old gym benefit").await;
    let featured = published_item(&app, "Dental plan", "New cover.").await;
    let base = app.url("");
    let message = format!(
        "Starts on [DATE]. Old: {base}/library/{old} and {base}/library/no-such-item. Outside: {site}/gone, {site}/ok, {site}/get-only and http://10.255.255.1/intranet."
    );
    let author = Api::new(&app).await;
    let _approver = Api::lead(&app).await;
    let (status, created) = author
        .post("/announcements", json!({"title": "Dental", "subject": "Your plan on {{ pay_date }}", "message": message, "collateral_ids": [featured], "audience": {"departments": ["Preflight"]}}))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();

    let preflight = author.get(&format!("/announcements/{id}/preflight")).await;
    assert_eq!((link(&preflight, "/gone")["outcome"].as_str(), link(&preflight, "/gone")["detail"].as_str()), (Some("broken"), Some("HTTP 404 Not Found")), "{preflight}");
    assert_eq!(link(&preflight, "/ok")["outcome"], "answers");
    assert_eq!(link(&preflight, "/get-only")["outcome"], "answers", "HEAD refused with 405 falls back to GET: {preflight}");
    let private = link(&preflight, "10.255.255.1");
    assert_eq!(private["outcome"], "not_checked", "{preflight}");
    assert!(private["detail"].as_str().unwrap().contains("internal address"), "{private}");
    assert!(link(&preflight, &old)["detail"].as_str().unwrap().contains("archived"), "{preflight}");
    assert_eq!(link(&preflight, "no-such-item")["detail"], "no such library item");
    assert_eq!(link(&preflight, "featured: Dental plan")["outcome"], "answers");
    assert_eq!(check(&preflight, "links")["ok"], false);
    let placeholders = check(&preflight, "placeholders");
    let found = placeholders["detail"].as_str().unwrap();
    assert!(placeholders["ok"] == false && found.contains("[DATE]") && found.contains("{{ pay_date }}"), "{placeholders}");
    assert!(!found.contains("recipient"), "real placeholders are not flagged: {found}");
    // Answers are kept for a while: a second look does not ask the site again.
    let before = asked.load(Ordering::SeqCst);
    author.get(&format!("/announcements/{id}/preflight")).await;
    assert_eq!(asked.load(Ordering::SeqCst), before, "the answer for /ok was cached");

    // Submit is refused with the reasons, by the API and the page.
    let (status, refused) = author.post(&format!("/announcements/{id}/submit"), json!({})).await;
    assert_eq!(status, 422, "{refused}");
    let reasons = refused.to_string();
    assert!(reasons.contains("HTTP 404") && reasons.contains("[DATE]") && reasons.contains("archived") && reasons.contains("Send anyway"), "{reasons}");
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}");
    let shown = app.get(&hr, &page).await.text().await.unwrap();
    assert!(shown.contains("id=\"preflight-blocking\"") && shown.contains("name=\"send_anyway\"") && shown.contains("HTTP 404 Not Found"), "the page shows the problems");
    let csrf = app.csrf(&hr, &page).await;
    let refused = app.post_form(&hr, &format!("{page}/submit"), &[("csrf", &csrf)]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("[DATE]"));
    assert_eq!(author.get(&format!("/announcements/{id}")).await["review"], "none", "nothing was submitted");

    // Ticked, it goes to the approver, and the trail says who passed over what.
    let submitted = app.post_form(&hr, &format!("{page}/submit"), &[("csrf", &csrf), ("send_anyway", "yes")]).await;
    assert_eq!(submitted.status(), 303);
    assert_eq!(author.get(&format!("/announcements/{id}")).await["review"], "pending");
    let trail = author.get(&format!("/announcements/{id}/audit")).await;
    let overridden = trail.as_array().unwrap().iter().find(|e| e["action"] == "checks_overridden").unwrap_or_else(|| panic!("{trail}"));
    assert!(overridden["comment"].as_str().unwrap().contains("HTTP 404") && overridden["who"].as_str().unwrap().contains("HR staff"), "{overridden}");
}

#[tokio::test]
async fn a_spotlight_nobody_approves_is_stopped_at_send_unless_sent_anyway() {
    let app = TestApp::spawn().await;
    crate::spotlights::people(&app, "todo", 2, "Todo").await;
    let api = Api::new(&app).await;
    let (_, created) = api.post("/announcements", json!({"title": "Gym", "subject": "Gym", "message": "TODO: the price.", "audience": {"departments": ["Todo"]}})).await;
    let id = created["id"].as_i64().unwrap();
    let (status, refused) = api.post(&format!("/announcements/{id}/send"), json!({})).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("TODO"), "{refused}");
    assert_eq!(api.get(&format!("/announcements/{id}")).await["status"], "draft");
    // A schedule sends later, unattended: it is held to the same checks now.
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}");
    let csrf = app.csrf(&hr, &page).await;
    let later = (app.state.config.clock.now() + chrono::Duration::days(2)).format("%Y-%m-%dT%H:%M").to_string();
    let refused = app.post_form(&hr, &format!("{page}/schedule"), &[("csrf", &csrf), ("at", &later)]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("TODO"));
    assert_eq!(api.get(&format!("/announcements/{id}")).await["status"], "draft");
    let (status, sent) = api.post(&format!("/announcements/{id}/send"), json!({"send_anyway": true})).await;
    assert_eq!(status, 202, "{sent}");
    let trail = api.get(&format!("/announcements/{id}/audit")).await;
    assert!(trail.as_array().unwrap().iter().any(|e| e["action"] == "checks_overridden" && e["comment"].as_str().unwrap().contains("TODO")), "{trail}");
}

#[tokio::test]
async fn the_check_list_turns_green_after_a_test_email_until_the_next_change() {
    let app = TestApp::spawn().await;
    crate::spotlights::people(&app, "green", 2, "Green").await;
    let featured = published_item(&app, "Eye care", "Now covered.").await;
    let api = Api::new(&app).await;
    let (_, created) = api
        .post("/announcements", json!({"title": "Eye care", "subject": "Eye care is now covered", "message": "Book a check-up.", "collateral_ids": [featured], "audience": {"departments": ["Green"]}}))
        .await;
    let id = created["id"].as_i64().unwrap();
    let path = format!("/announcements/{id}/preflight");
    let preflight = api.get(&path).await;
    for key in ["subject", "preview_text", "plain_text", "alt_text", "links", "placeholders", "approval", "window"] {
        assert_eq!(check(&preflight, key)["ok"], true, "{key}: {preflight}");
    }
    assert!(check(&preflight, "preview_text")["detail"].as_str().unwrap().contains("Eye care"), "{preflight}");
    let test = check(&preflight, "test_email");
    assert!(test["ok"] == false && test["detail"].as_str().unwrap().contains("No test email"), "{test}");

    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}");
    let csrf = app.csrf(&hr, &page).await;
    assert_eq!(app.post_form(&hr, &format!("{page}/test"), &[("csrf", &csrf)]).await.status(), 303);
    let preflight = api.get(&path).await;
    assert_eq!(check(&preflight, "test_email")["ok"], true, "{preflight}");
    let shown = app.get(&hr, &page).await.text().await.unwrap();
    assert!(shown.contains("id=\"preflight-state\">all clear"), "every check passes on the page");

    // A change makes the test stale; a long subject is flagged.
    let edit = format!("{page}/edit");
    let csrf = app.csrf(&hr, &edit).await;
    let long = "Eye care is now covered for everyone in every office, from the first of January, with no waiting";
    let fields = [("title", "Eye care"), ("subject", long), ("template", "benefit-change"), ("message", "Book a check-up."), ("departments", "Green"), ("collateral_ids", &featured.to_string()), ("action", "save"), ("csrf", &csrf)];
    assert_eq!(app.post_form(&hr, &page, &fields).await.status(), 303);
    let preflight = api.get(&path).await;
    assert!(check(&preflight, "test_email")["detail"].as_str().unwrap().contains("before the last change"), "{preflight}");
    let subject = check(&preflight, "subject");
    assert!(subject["ok"] == false && subject["detail"].as_str().unwrap().contains("78"), "{subject}");
    assert!(preflight["blocking"].as_array().unwrap().is_empty(), "warnings alone do not stop sending: {preflight}");
}
