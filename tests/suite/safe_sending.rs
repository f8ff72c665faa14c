//! Safe sending (issue 23): approval before a blast, through the pages and
//! the API alike; any change withdraws it; the audit trail; the undo window
//! and the typed recipient count, against a real SMTP server (smtp-sink).

use std::time::Duration;

use herald::auth::Role;
use herald::config::Config;
use herald::entities::outbox;
use herald::spotlights::approval::{ApprovalRule, Approvers};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{csrf_in, eventually, TestApp};
use crate::smtp::SmtpSink;
use crate::spotlights::{assert_exactly_once, mail_via, people, per_recipient, Api};

fn requiring(rule: ApprovalRule, sink: &SmtpSink) -> impl FnOnce(&mut Config) {
    let mail = mail_via(sink, 100);
    move |config: &mut Config| {
        mail(config);
        config.sending.approval = Some(rule);
    }
}

async fn draft(api: &Api, department: &str) -> i64 {
    let (status, created) = api.post("/announcements", json!({"title": "Pay rise", "subject": "Your pay", "template": "benefit-change", "audience": {"departments": [department]}})).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_i64().unwrap()
}

async fn announcement_messages(app: &TestApp, id: i64) -> u64 {
    outbox::Entity::find().filter(outbox::Column::AnnouncementId.eq(id as i32)).count(&app.state.db).await.unwrap()
}

fn actions(trail: &Value) -> Vec<String> {
    trail.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

/// The page's form token, then a POST of `fields` with it.
async fn post_page(app: &TestApp, client: &reqwest::Client, page: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = app.csrf(client, page).await;
    let mut fields = fields.to_vec();
    fields.push(("csrf", &csrf));
    app.post_form(client, path, &fields).await
}

#[tokio::test]
async fn a_spotlight_needing_approval_is_sent_only_once_approved_and_any_edit_withdraws_it() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(requiring(ApprovalRule::Always, &sink)).await;
    let staff = people(&app, "appr", 3, "Approvals").await;
    let author = Api::new(&app).await;
    let lead = Api::lead(&app).await;
    let id = draft(&author, "Approvals").await;
    let view = author.get(&format!("/announcements/{id}")).await;
    assert_eq!((view["needs_approval"].as_bool(), view["review"].as_str()), (Some(true), Some("none")));

    // Neither the API (a token) nor the page can send it yet.
    let (status, body) = author.post(&format!("/announcements/{id}/send"), json!({})).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("needs approval"), "{body}");
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}");
    let refused = post_page(&app, &hr, &page, &format!("{page}/send"), &[]).await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("needs approval"));
    // A lead cannot approve what nobody submitted.
    assert_eq!(lead.post(&format!("/announcements/{id}/approve"), json!({})).await.0, 409);

    // Submitted: the author cannot approve their own; the lead is told, and approves.
    let (status, view) = author.post(&format!("/announcements/{id}/submit"), json!({})).await;
    assert_eq!((status, view["review"].as_str()), (200, Some("pending")), "{view}");
    assert_eq!(author.post(&format!("/announcements/{id}/approve"), json!({})).await.0, 403);
    assert_eq!(author.post(&format!("/announcements/{id}/send"), json!({})).await.0, 409);
    let told = eventually("the approvers' email", || async { sink.messages().into_iter().find(|m| m.rcpt.starts_with("hr-lead-")) }).await;
    assert!(told.part("text/plain").unwrap().contains("asks you to approve"), "{}", told.raw);
    let (status, view) = lead.post(&format!("/announcements/{id}/approve"), json!({"comment": "Figures checked"})).await;
    assert_eq!((status, view["review"].as_str()), (200, Some("approved")), "{view}");

    // An edit after approval withdraws it.
    let edit = format!("{page}/edit");
    let saved = post_page(&app, &hr, &edit, &page, &[("title", "Pay rise 2027"), ("subject", "Your pay"), ("template", "benefit-change"), ("message", ""), ("departments", "Approvals"), ("action", "save")]).await;
    assert_eq!(saved.status(), 303);
    let view = author.get(&format!("/announcements/{id}")).await;
    assert_eq!(view["review"], "none");
    let (status, body) = author.post(&format!("/announcements/{id}/send"), json!({})).await;
    assert_eq!(status, 409, "{body}");

    // Submitted and approved again, it sends, once to each.
    assert_eq!(author.post(&format!("/announcements/{id}/submit"), json!({})).await.0, 200);
    assert_eq!(lead.post(&format!("/announcements/{id}/approve"), json!({})).await.0, 200);
    let (status, body) = author.post(&format!("/announcements/{id}/send"), json!({})).await;
    assert_eq!(status, 202, "{body}");
    author.wait_for(id, "sent", 30).await;
    let counts = per_recipient(&sink);
    assert!(staff.iter().all(|email| counts.get(email) == Some(&1)), "once to each recipient: {counts:?}");

    // The trail says who did what, on the API, the page and the export.
    let trail = author.get(&format!("/announcements/{id}/audit")).await;
    assert_eq!(
        actions(&trail),
        ["created", "submitted", "approved", "changed", "approval_withdrawn", "submitted", "approved", "sent"].map(String::from).to_vec(),
        "{trail}"
    );
    assert_eq!(trail[2]["comment"], "Figures checked");
    assert!(trail[2]["who"].as_str().unwrap().contains("HR lead"), "{trail}");
    let shown = app.get(&hr, &page).await.text().await.unwrap();
    assert!(shown.contains("id=\"audit-trail\"") && shown.contains("Approval withdrawn"), "the trail is on the spotlight");
    let csv = app.get(&hr, &format!("{page}/audit.csv")).await.text().await.unwrap();
    assert!(csv.starts_with("at,who,action,comment") && csv.contains("approved,Figures checked"), "{csv}");
}

#[tokio::test]
async fn the_approver_sends_it_back_with_a_comment_and_the_author_is_told() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(requiring(ApprovalRule::Broad, &sink)).await;
    people(&app, "back", 2, "Returns").await;
    let author = Api::new(&app).await;
    let lead = Api::lead(&app).await;
    let id = draft(&author, "Returns").await;
    assert_eq!(author.post(&format!("/announcements/{id}/submit"), json!({})).await.0, 200);
    let (status, body) = lead.post(&format!("/announcements/{id}/reject"), json!({"comment": ""})).await;
    assert_eq!(status, 422, "a comment is required: {body}");
    let (status, view) = lead.post(&format!("/announcements/{id}/reject"), json!({"comment": "Wrong <b>year</b> in the subject"})).await;
    assert_eq!((status, view["review"].as_str()), (200, Some("returned")));
    let (status, body) = author.post(&format!("/announcements/{id}/send"), json!({})).await;
    assert_eq!(status, 409);
    assert!(body.to_string().contains("sent back"), "{body}");
    let told = eventually("the author's email", || async { sink.messages().into_iter().find(|m| m.rcpt.starts_with("hr-staff-")) }).await;
    assert!(told.part("text/plain").unwrap().contains("sent your spotlight"), "{}", told.raw);
    // Individual addresses are not "broad": that spotlight needs no approval.
    let (status, created) = author.post("/announcements", json!({"title": "One", "subject": "Hi", "template": "benefit-change", "audience": {"emails": ["back0@example.com"]}})).await;
    assert_eq!(status, 201);
    assert_eq!(author.post(&format!("/announcements/{}/send", created["id"]), json!({})).await.0, 202);
}

#[tokio::test]
async fn a_named_group_approves_and_an_hr_lead_outside_it_cannot() {
    let sink = SmtpSink::start();
    let rule = requiring(ApprovalRule::Over(1), &sink);
    let app = TestApp::spawn_with(move |config| {
        rule(config);
        config.sending.approvers = Some(Approvers::Group("Reviewers".into()));
    })
    .await;
    people(&app, "grp", 2, "Group").await;
    let author = Api::new(&app).await;
    let reviewer_email = app.user(Role::HrStaff).await;
    let (status, _) = author.post("/lists", json!({"name": "Reviewers", "emails": [reviewer_email]})).await;
    assert_eq!(status, 201);
    let id = draft(&author, "Group").await;
    assert_eq!(author.post(&format!("/announcements/{id}/submit"), json!({})).await.0, 200);
    assert_eq!(Api::lead(&app).await.post(&format!("/announcements/{id}/approve"), json!({})).await.0, 403);
    let reviewer = herald::users::service::find_by_email(&app.state.db, &reviewer_email).await.unwrap().unwrap();
    let token = herald::auth::tokens::create(&app.state.db, reviewer.id, "test").await.unwrap();
    let approved = reqwest::Client::new().post(app.url(&format!("/api/v1/announcements/{id}/approve"))).bearer_auth(token).send().await.unwrap();
    assert_eq!(approved.status(), 200);
    let home = app.login_as(&reviewer_email, crate::helpers::PASSWORD).await.0;
    let notified = app.get(&home, "/").await.text().await.unwrap();
    assert!(notified.contains("asks you to approve"), "the approver's home page shows the request");
}

#[tokio::test]
async fn undo_within_the_window_leaves_nothing_at_the_smtp_server() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 100)).await;
    let staff = people(&app, "undo", 3, "Undo").await;
    let author = Api::new(&app).await;
    let id = draft(&author, "Undo").await;
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}");

    assert_eq!(post_page(&app, &hr, &page, &format!("{page}/send"), &[]).await.status(), 303);
    let shown = app.get(&hr, &page).await.text().await.unwrap();
    assert!(shown.contains("id=\"undo-send\""), "the undo button is shown during the window");
    assert_eq!(author.get(&format!("/announcements/{id}")).await["status"], "scheduled");
    let undone = post_page(&app, &hr, &page, &format!("{page}/undo"), &[]).await;
    assert_eq!(undone.status(), 303);
    assert_eq!(author.get(&format!("/announcements/{id}")).await["status"], "draft");
    // Long past the window's end: nothing was queued, nothing arrives.
    app.state.config.clock.advance(chrono::Duration::seconds(120));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(announcement_messages(&app, id).await, 0);
    assert_eq!(sink.count(), 0, "nothing at the SMTP server");
    assert_eq!(author.get(&format!("/announcements/{id}")).await["status"], "draft");

    // Sent again and left alone, it starts when the window ends (by the test clock).
    assert_eq!(post_page(&app, &hr, &page, &format!("{page}/send"), &[]).await.status(), 303);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(announcement_messages(&app, id).await, 0, "not before the window ends");
    app.state.config.clock.advance(chrono::Duration::seconds(31));
    author.wait_for(id, "sent", 30).await;
    assert_exactly_once(&sink, &staff);
    let late = post_page(&app, &hr, &page, &format!("{page}/undo"), &[]).await;
    assert_eq!(late.status(), 409, "too late to undo once it has started");
    let trail = author.get(&format!("/announcements/{id}/audit")).await;
    assert_eq!(actions(&trail), ["created", "send_pressed", "send_undone", "send_pressed", "sent"].map(String::from).to_vec());
    assert!(trail[4]["who"].as_str().unwrap().starts_with("Test HR staff"), "the sender is who pressed Send: {trail}");
}

#[tokio::test]
async fn above_the_limit_the_sender_types_the_number_of_recipients() {
    let app = TestApp::spawn_with(|config| config.sending.guards.confirm_over = 2).await;
    people(&app, "many", 3, "Many").await;
    let id = draft(&Api::new(&app).await, "Many").await;
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}");
    assert!(app.get(&hr, &page).await.text().await.unwrap().contains("Type 3 to confirm"));
    for typed in ["", "2", "three"] {
        let refused = post_page(&app, &hr, &page, &format!("{page}/send"), &[("confirm_recipients", typed)]).await;
        assert_eq!(refused.status(), 422, "{typed:?}");
        assert!(refused.text().await.unwrap().contains("Type the number of recipients (3)"));
    }
    assert_eq!(post_page(&app, &hr, &page, &format!("{page}/send"), &[("confirm_recipients", "3")]).await.status(), 303);
    assert!(app.get(&hr, &page).await.text().await.unwrap().contains("id=\"undo-send\""));
}

#[tokio::test]
async fn hr_leads_choose_the_rule_on_the_settings_page_unless_the_configuration_fixes_it() {
    let app = TestApp::spawn().await;
    let lead = app.signed_in(Role::HrLead).await;
    let staff = app.signed_in(Role::HrStaff).await;
    let page = app.get(&lead, "/spotlights/settings").await.text().await.unwrap();
    assert!(page.contains("No spotlight needs approval."), "never by default");
    let csrf = csrf_in(&app.get(&staff, "/spotlights/settings").await.text().await.unwrap()).unwrap();
    let refused = app.post_form(&staff, "/spotlights/settings", &[("csrf", &csrf), ("rule", "always")]).await;
    assert_eq!(refused.status(), 403, "HR staff see the rule but cannot change it");
    let bad = post_page(&app, &lead, "/spotlights/settings", "/spotlights/settings", &[("rule", "over"), ("over", "lots"), ("approvers", "hr_leads")]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("over:N"));
    let saved = post_page(&app, &lead, "/spotlights/settings", "/spotlights/settings", &[("rule", "over"), ("over", "250"), ("approvers", "hr_leads")]).await;
    assert_eq!(saved.status(), 303);
    let page = app.get(&lead, "/spotlights/settings").await.text().await.unwrap();
    assert!(page.contains("Spotlights to more than 250 people need approval."));

    // Restarted with HERALD_APPROVAL's value in the configuration: that wins and the page cannot change it.
    let locked = app.second_server_with(|config| config.sending.approval = Some(ApprovalRule::Always)).await;
    let lead = locked.signed_in(Role::HrLead).await;
    let page = locked.get(&lead, "/spotlights/settings").await.text().await.unwrap();
    assert!(page.contains("Every spotlight needs approval.") && page.contains("id=\"approval-locked\""), "{page}");
    let csrf = csrf_in(&page).unwrap();
    let refused = locked.post_form(&lead, "/spotlights/settings", &[("csrf", &csrf), ("rule", "never")]).await;
    assert_eq!(refused.status(), 409);
}

/// Moves everyone whose address starts with `prefix` to `location`.
pub async fn move_to(app: &TestApp, prefix: &str, location: &str) {
    use sea_orm::sea_query::Expr;
    herald::entities::user::Entity::update_many()
        .col_expr(herald::entities::user::Column::Location, Expr::value(location))
        .filter(herald::entities::user::Column::Email.starts_with(prefix))
        .exec(&app.state.db)
        .await
        .unwrap();
}

fn received(sink: &SmtpSink, emails: &[String]) -> usize {
    let counts = per_recipient(sink);
    emails.iter().filter(|e| counts.contains_key(*e)).count()
}

#[tokio::test]
async fn working_hours_hold_each_message_until_the_recipients_day_starts_by_the_test_clock() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 100)).await;
    let lisbon = people(&app, "lis", 2, "Hours").await;
    let tokyo = people(&app, "tok", 2, "Hours").await;
    move_to(&app, "tok", "Tokyo").await;
    let lead = app.signed_in(Role::HrLead).await;
    // Lisbon works around the clock; Tokyo's hour starts three hours from now, Tokyo time.
    let tokyo_now = chrono::Utc::now() + chrono::Duration::hours(9);
    let start = (chrono::Timelike::hour(&tokyo_now) as i32 * 60 + chrono::Timelike::minute(&tokyo_now) as i32 + 180) % 1440;
    let hhmm = |m: i32| format!("{:02}:{:02}", m / 60, m % 60);
    let every_day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(|d| ("days", d));
    let mut fields = vec![("location", "Lisbon"), ("time_zone", "Europe/Lisbon"), ("start", "00:00"), ("end", "23:59")];
    fields.extend(every_day);
    assert_eq!(post_page(&app, &lead, "/spotlights/locations", "/spotlights/locations", &fields).await.status(), 303);
    let (from, to) = (hhmm(start), hhmm((start + 60) % 1440));
    let mut fields = vec![("location", "Tokyo"), ("time_zone", "Asia/Tokyo"), ("start", from.as_str()), ("end", to.as_str())];
    fields.extend(every_day);
    assert_eq!(post_page(&app, &lead, "/spotlights/locations", "/spotlights/locations", &fields).await.status(), 303);
    let bad = post_page(&app, &lead, "/spotlights/locations", "/spotlights/locations", &[("location", "Tokyo"), ("time_zone", "Mars/Base"), ("start", "09:00"), ("end", "17:00"), ("days", "Mon")]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("not a time zone"));

    let api = Api::new(&app).await;
    let id = draft(&api, "Hours").await;
    let (status, body) = api.post(&format!("/announcements/{id}/send"), json!({"window": {"kind": "working_hours"}})).await;
    assert_eq!(status, 202, "{body}");
    eventually("Lisbon's messages, at once", || async { (received(&sink, &lisbon) == 2).then_some(()) }).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(received(&sink, &tokyo), 0, "Tokyo is not at work yet");
    let hr = app.signed_in(Role::HrStaff).await;
    let progress: Value = app.get(&hr, &format!("/spotlights/{id}/progress")).await.json().await.unwrap();
    assert_eq!(progress["waiting"][0]["location"], "Tokyo", "{progress}");
    assert_eq!(progress["waiting"][0]["messages"], 2, "{progress}");
    let page = app.get(&hr, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert!(page.contains("id=\"waiting\"") && page.contains("id=\"send-window\"") && page.contains("working hours."));

    app.state.config.clock.advance(chrono::Duration::minutes(181));
    api.wait_for(id, "sent", 30).await;
    let counts = per_recipient(&sink);
    assert!(lisbon.iter().chain(&tokyo).all(|e| counts.get(e) == Some(&1)), "{counts:?}");
}

#[tokio::test]
async fn a_local_time_reaches_each_zone_at_its_own_wall_clock_time() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 100)).await;
    let utc = people(&app, "utc", 1, "Local").await;
    let east = people(&app, "east", 1, "Local").await;
    let west = people(&app, "west", 1, "Local").await;
    move_to(&app, "utc", "London office").await;
    move_to(&app, "east", "Tokyo").await;
    move_to(&app, "west", "New York").await;
    for (location, zone) in [("London office", "UTC"), ("Tokyo", "Asia/Tokyo"), ("New York", "America/New_York")] {
        herald::spotlights::locations::set(&app.state.db, location, &herald::spotlights::window::Hours::parse(zone, 540, 1020, "1111100").unwrap()).await.unwrap();
    }
    let api = Api::new(&app).await;
    let id = draft(&api, "Local").await;
    // Two hours from now in UTC: long past in Tokyo, five hours later still in New York.
    let at = (chrono::Utc::now() + chrono::Duration::hours(2)).naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
    let (status, body) = api.post(&format!("/announcements/{id}/send"), json!({"window": {"kind": "local_time", "at": at}})).await;
    assert_eq!(status, 202, "{body}");
    eventually("Tokyo's message", || async { (received(&sink, &east) == 1).then_some(()) }).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!((received(&sink, &utc), received(&sink, &west)), (0, 0));
    app.state.config.clock.advance(chrono::Duration::minutes(121));
    eventually("the UTC office's message", || async { (received(&sink, &utc) == 1).then_some(()) }).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(received(&sink, &west), 0, "New York's 9 o'clock is later");
    app.state.config.clock.advance(chrono::Duration::hours(5));
    api.wait_for(id, "sent", 30).await;
    let counts = per_recipient(&sink);
    assert!(utc.iter().chain(&east).chain(&west).all(|e| counts.get(e) == Some(&1)), "{counts:?}");
}
