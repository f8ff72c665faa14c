//! Reading time in the portal: the page's beacon posts how long it was
//! visible, the server keeps each person's longest read of the day, and HR
//! sees how many people glanced, skimmed or read.

use std::time::Duration;

use fantoccini::Locator;
use herald::analytics::reading::{buckets_for, ReadBuckets, ReadKind};
use herald::auth::Role;
use herald::entities::read_time;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::browser::{sign_in, start_browser};
use crate::helpers::{eventually, TestApp, PASSWORD};
use crate::spotlights::{published_item, Api};

/// An announcement sent to `readers`, once it has gone out; returns its id.
async fn sent_to(app: &TestApp, api: &Api, readers: &[&str]) -> i32 {
    let item = published_item(app, "Parental leave policy", "Sixteen weeks, paid.").await;
    let id = api.blast(json!({"title": "Parental leave is longer", "subject": "Leave", "template": "new-policy", "collateral_ids": [item], "audience": {"emails": readers}})).await;
    api.wait_for(id, "sent", 20).await;
    id as i32
}

/// A signed-in employee and the CSRF token of their session.
async fn reader(app: &TestApp) -> (String, reqwest::Client, String) {
    let email = app.user(Role::Employee).await;
    let (client, _) = app.login_as(&email, PASSWORD).await;
    let csrf = app.csrf(&client, "/account").await;
    (email, client, csrf)
}

/// The CSRF token stored with the newest session of `email`.
async fn csrf_of_session(app: &TestApp, email: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let user = herald::users::service::find_by_email(&app.state.db, email).await.unwrap().unwrap();
    let sessions = herald::entities::session::Entity::find().filter(herald::entities::session::Column::UserId.eq(user.id));
    sessions.order_by_desc(herald::entities::session::Column::CreatedAt).one(&app.state.db).await.unwrap().unwrap().csrf_token
}

async fn post_read(app: &TestApp, client: &reqwest::Client, csrf: &str, kind: &str, id: &str, seconds: &str) -> reqwest::Response {
    app.post_form(client, "/read", &[("csrf", csrf), ("kind", kind), ("id", id), ("seconds", seconds)]).await
}

async fn buckets(app: &TestApp, kind: ReadKind, id: i32) -> ReadBuckets {
    buckets_for(&app.state.db, kind, id).await.unwrap()
}

#[tokio::test]
async fn each_reader_counts_once_in_the_bucket_of_their_longest_read() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (ana, ana_client, ana_csrf) = reader(&app).await;
    let (bo, bo_client, bo_csrf) = reader(&app).await;
    let (chen, chen_client, chen_csrf) = reader(&app).await;
    let id = sent_to(&app, &api, &[&ana, &bo, &chen]).await;
    let path = id.to_string();

    // Ana glances, then reads properly: she counts once, as a read.
    for seconds in ["1", "12", "4"] {
        assert_eq!(post_read(&app, &ana_client, &ana_csrf, "announcement", &path, seconds).await.status(), 204);
    }
    // Bo skims (8.9 s is still 8 whole seconds); Chen only glances (2.9 s).
    assert_eq!(post_read(&app, &bo_client, &bo_csrf, "announcement", &path, "8.9").await.status(), 204);
    assert_eq!(post_read(&app, &chen_client, &chen_csrf, "announcement", &path, "2.9").await.status(), 204);
    assert_eq!(buckets(&app, ReadKind::Announcement, id).await, ReadBuckets { glanced: 1, skimmed: 1, read: 1 });

    // One row per person and day, holding the longest stretch.
    let rows = read_time::Entity::find().filter(read_time::Column::ItemId.eq(id)).all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 3);
    let mut seconds: Vec<i32> = rows.iter().map(|row| row.seconds).collect();
    seconds.sort();
    assert_eq!(seconds, vec![2, 8, 12]);

    // A tab left open all day is capped at an hour.
    assert_eq!(post_read(&app, &chen_client, &chen_csrf, "announcement", &path, "86400").await.status(), 204);
    let chen_row = rows.iter().find(|row| row.seconds == 2).unwrap();
    let chen_row = read_time::Entity::find_by_id(chen_row.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(chen_row.seconds, 3600);
    assert_eq!(buckets(&app, ReadKind::Announcement, id).await, ReadBuckets { glanced: 0, skimmed: 1, read: 2 });

    // HR sees the counts on the announcement's reach section (three readers are
    // fewer than the minimum group: only with individual-level tracking on).
    crate::privacy::set_individual_tracking(&app, true).await;
    let hr = app.signed_in(Role::HrStaff).await;
    let page = app.get(&hr, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert!(page.contains("Read in the portal"), "{page}");
    assert!(page.contains(r#"<strong data-reach="read">2</strong> read (over 8 s), <strong data-reach="skimmed">1</strong> skimmed, <strong data-reach="glanced">0</strong> glanced"#), "{page}");
}

#[tokio::test]
async fn the_longest_read_of_each_day_is_kept() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (email, client, csrf) = reader(&app).await;
    let id = sent_to(&app, &api, &[&email]).await;
    for seconds in ["5", "3", "7", "0"] {
        assert_eq!(post_read(&app, &client, &csrf, "announcement", &id.to_string(), seconds).await.status(), 204);
    }
    let rows = read_time::Entity::find().filter(read_time::Column::ItemId.eq(id)).all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 1, "one row per person, item and day");
    assert_eq!((rows[0].item_kind.as_str(), rows[0].seconds), ("announcement", 7));
    assert_eq!(rows[0].day, chrono::Utc::now().format("%Y-%m-%d").to_string());

    // Yesterday's short glance does not hide today's read, nor count twice.
    let mut yesterday: read_time::ActiveModel = rows[0].clone().into();
    yesterday.id = sea_orm::ActiveValue::NotSet;
    yesterday.day = sea_orm::ActiveValue::Set("2000-01-01".into());
    yesterday.seconds = sea_orm::ActiveValue::Set(1);
    read_time::Entity::insert(yesterday).exec(&app.state.db).await.unwrap();
    assert_eq!(buckets(&app, ReadKind::Announcement, id).await, ReadBuckets { glanced: 0, skimmed: 1, read: 0 });
}

#[tokio::test]
async fn library_items_are_measured_for_their_audience() {
    let app = TestApp::spawn().await;
    let (_, client, csrf) = reader(&app).await;
    let item = published_item(&app, "Expense policy", "Receipts within 30 days.").await;
    let slug = herald::library::service::find_by_id(&app.state.db, item).await.unwrap().slug;
    let page = app.get(&client, &format!("/library/{slug}")).await.text().await.unwrap();
    assert!(page.contains(&format!(r#"<div id="read-beacon" data-kind="collateral" data-id="{item}""#)), "{page}");
    assert_eq!(post_read(&app, &client, &csrf, "collateral", &item.to_string(), "30").await.status(), 204);
    assert_eq!(buckets(&app, ReadKind::Collateral, item).await, ReadBuckets { glanced: 0, skimmed: 0, read: 1 });
    assert_eq!(buckets(&app, ReadKind::Announcement, item).await, ReadBuckets::default(), "kinds are counted apart");
    assert_eq!(post_read(&app, &client, &csrf, "collateral", "999999", "30").await.status(), 404);
}

#[tokio::test]
async fn only_people_who_may_read_it_are_measured_and_bad_beacons_are_refused() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (email, client, csrf) = reader(&app).await;
    let id = sent_to(&app, &api, &[&email]).await;
    let path = id.to_string();

    // Someone it was not sent to.
    let (_, outsider, outsider_csrf) = reader(&app).await;
    let page = app.get(&outsider, &format!("/news/{id}")).await;
    assert_eq!(page.status(), 404);
    assert_eq!(post_read(&app, &outsider, &outsider_csrf, "announcement", &path, "10").await.status(), 404);

    // The recipient's page carries the beacon; without the CSRF token it is refused.
    let page = app.get(&client, &format!("/news/{id}")).await.text().await.unwrap();
    // The token is printed masked afresh on every page (auth::csrf), so the beacon's differs from the form's but is the session's.
    let beacon = format!(r#"<div id="read-beacon" data-kind="announcement" data-id="{id}" data-csrf=""#);
    let start = page.find(&beacon).unwrap_or_else(|| panic!("{page}")) + beacon.len();
    let beacon_csrf = &page[start..start + page[start..].find('"').unwrap()];
    assert!(page[start + beacon_csrf.len()..].starts_with("\" hidden>"), "{page}");
    assert!(herald::auth::csrf::tokens_match(&csrf_of_session(&app, &email).await, beacon_csrf) && beacon_csrf != csrf);
    let response = app.post_form(&client, "/read", &[("kind", "announcement"), ("id", &path), ("seconds", "10")]).await;
    assert_eq!(response.status(), 403);
    assert_eq!(post_read(&app, &client, "forged", "announcement", &path, "10").await.status(), 403);

    for (kind, item, seconds, says) in [
        ("comment", path.as_str(), "10", "unknown kind"),
        ("", path.as_str(), "10", "unknown kind"),
        ("announcement", path.as_str(), "-1", "seconds must be"),
        ("announcement", path.as_str(), "ten", "seconds must be"),
        ("announcement", path.as_str(), "NaN", "seconds must be"),
        ("announcement", path.as_str(), "", "seconds must be"),
        ("announcement", "x", "10", "id must be"),
        ("announcement", "-3", "10", "id must be"),
    ] {
        let response = post_read(&app, &client, &csrf, kind, item, seconds).await;
        assert_eq!(response.status(), 400, "{kind} {item} {seconds}");
        let body = response.text().await.unwrap();
        assert!(body.contains(says), "{kind} {item} {seconds}: {body}");
    }
    assert_eq!(buckets(&app, ReadKind::Announcement, id).await, ReadBuckets::default(), "nothing refused was stored");
}

#[tokio::test]
async fn chromium_reports_a_skim_when_the_employee_moves_on() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let email = app.user(Role::Employee).await;
    let id = sent_to(&app, &api, &[&email]).await;
    let (_driver, browser) = start_browser().await;

    sign_in(&browser, &app, &email).await;
    browser.goto(&app.url(&format!("/news/{id}"))).await.unwrap();
    browser.wait().for_element(Locator::Css("#read-beacon")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    browser.goto(&app.url("/news")).await.unwrap();

    let row = eventually("the beacon's read", || async {
        read_time::Entity::find().filter(read_time::Column::ItemId.eq(id)).one(&app.state.db).await.unwrap()
    })
    .await;
    assert_eq!(row.item_kind, "announcement");
    assert!((4..=8).contains(&row.seconds), "about four and a half seconds: {}", row.seconds);
    assert_eq!(buckets(&app, ReadKind::Announcement, id).await, ReadBuckets { glanced: 0, skimmed: 1, read: 0 });
    browser.close().await.unwrap();
}
