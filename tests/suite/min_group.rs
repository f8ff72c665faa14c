//! The minimum group size cannot be beaten by subtraction or by a small
//! audience: no figure a role can see (totals, breakdowns, weeks, periods,
//! CSV, the API, the spotlight page) tells what fewer than
//! `analytics_min_group` people did.

use herald::auth::Role;
use sea_orm::ActiveModelTrait;
use serde_json::{json, Value};

use crate::analytics::{ev, record, recipients};
use crate::helpers::TestApp;
use crate::spotlights::{people, published_item, Api};

/// Every breakdown leaves out nobody or at least `min` people: the total less the shown groups.
fn assert_no_small_remainder(breakdown: &Value, total: u64, min: u64) {
    let shown: u64 = breakdown["rows"].as_array().unwrap().iter().map(|row| row["recipients"].as_u64().unwrap()).sum();
    let hidden = total - shown;
    assert!(hidden == 0 || hidden >= min, "{hidden} people can be worked out by subtraction: {breakdown}");
    for row in breakdown["rows"].as_array().unwrap() {
        assert!(row["recipients"].as_u64().unwrap() >= min, "{row}");
    }
}

async fn blast(api: &Api, title: &str, audience: Value) -> i64 {
    let id = api.blast(json!({"title": title, "subject": title, "template": "new-policy", "audience": audience})).await;
    api.wait_for(id, "sent", 30).await;
    id
}

#[tokio::test]
async fn a_large_department_and_one_engineer_do_not_give_the_engineer_away() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let lead_api = Api::lead(&app).await;
    let finance = people(&app, "fin", 14, "Treasury").await;
    let engineer = people(&app, "eng", 1, "Engineering").await;
    let id = blast(&api, "Budget", json!({"departments": ["Treasury"], "emails": engineer})).await;
    let r = recipients(&app, id, &engineer).await;
    record(&app, id, vec![ev("open", "email", Some(&r[0])), ev("click", "email", Some(&r[0]))]).await;
    let _ = finance;

    let stats = lead_api.get(&format!("/announcements/{id}/stats")).await;
    assert_eq!((stats["recipients"].clone(), stats["unique_opens"].clone()), (json!(15), json!(1)), "the total of 15 is shown");
    for key in ["by_department", "by_location"] {
        assert_no_small_remainder(&stats[key], 15, 5);
    }
    assert!(stats["by_department"]["rows"].as_array().unwrap().iter().all(|row| row["name"] != "Treasury"), "Treasury alone would tell: {stats}");

    // The dashboard's CSV and the overview's weeks say no more.
    let lead = app.signed_in(Role::HrLead).await;
    let csv = app.get(&lead, &format!("/analytics/announcements/{id}/export.csv?table=departments")).await.text().await.unwrap();
    assert!(!csv.contains("Treasury"), "{csv}");
    let week = app.get(&lead, "/analytics/export.csv?table=departments").await.text().await.unwrap();
    assert!(!week.contains("Treasury"), "{week}");
    let page = app.get(&lead, &format!("/analytics/announcements/{id}")).await.text().await.unwrap();
    assert!(!page.contains("<td>Treasury</td>"), "{page}");
}

#[tokio::test]
async fn an_announcement_to_fewer_than_the_minimum_shows_no_behaviour_without_individual_tracking() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let lead_api = Api::lead(&app).await;
    let few = people(&app, "few", 3, "Legal").await;
    let item = published_item(&app, "Settlement", "Terms.").await;
    let id = api.blast(json!({"title": "Settlement", "subject": "Settlement", "template": "new-policy", "collateral_ids": [item], "audience": {"emails": few}})).await;
    api.wait_for(id, "sent", 30).await;
    let r = recipients(&app, id, &few).await;
    record(&app, id, vec![ev("open", "email", Some(&r[0])), ev("click", "email", Some(&r[0])).item(item), ev("click", "linkedin", None).visitor("v1")]).await;
    herald::entities::quick_reaction_tally::ActiveModel {
        announcement_id: sea_orm::Set(id as i32),
        day: sea_orm::Set(chrono::Utc::now().date_naive()),
        score: sea_orm::Set(1),
        votes: sea_orm::Set(1),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    herald::analytics::reading::record_read(&app.state.db, r[1].user_id.unwrap(), herald::analytics::reading::ReadKind::Announcement, id as i32, 30).await.unwrap();

    // The stats API: delivery only, and why.
    let stats = lead_api.get(&format!("/announcements/{id}/stats")).await;
    assert_eq!((stats["recipients"].clone(), stats["delivered"].clone()), (json!(3), json!(3)));
    assert!(stats["withheld"].as_str().unwrap().contains("fewer than 5"), "{stats}");
    assert_eq!(stats["unique_opens"], 0);
    assert_eq!(stats["clicks"], json!({"total": 0, "human": 0, "unique_human": 0}));
    assert!(stats["click_through"].is_null() && stats["temperature"].is_null());
    assert_eq!(stats["reading"], json!({"glanced": 0, "skimmed": 0, "read": 0}));
    assert_eq!(stats["reach"]["unique_opens"], json!({"human": 0, "raw": 0}));
    assert_eq!(stats["reach"]["channels"], json!([]));
    assert_eq!(stats["by_department"]["rows"], json!([]));

    // The spotlight page (HR staff), the dashboard, its CSV and the overview.
    let staff = app.signed_in(Role::HrStaff).await;
    let spotlight = app.get(&staff, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert!(spotlight.contains("id=\"reach-withheld\"") && !spotlight.contains("data-reach=\"unique-opens\""), "{spotlight}");
    let lead = app.signed_in(Role::HrLead).await;
    let dashboard = app.get(&lead, &format!("/analytics/announcements/{id}")).await.text().await.unwrap();
    assert!(dashboard.contains("id=\"withheld\"") && !dashboard.contains("≈ 1"), "{dashboard}");
    for table in ["channels", "collateral", "timeline", "departments", "temperature"] {
        let csv = app.get(&lead, &format!("/analytics/announcements/{id}/export.csv?table={table}")).await.text().await.unwrap();
        assert_eq!(csv.lines().count(), 1, "only the header in {table}: {csv}");
    }
    let overview = app.get(&lead, "/analytics/export.csv?table=announcements").await.text().await.unwrap();
    let row = overview.lines().find(|line| line.starts_with(&format!("{id},"))).unwrap().to_owned();
    assert_eq!(row.split(',').skip(3).collect::<Vec<_>>(), ["3", "3", "", "", "", "", "0", "0", ""], "{row}");
    let channels = app.get(&lead, "/analytics/export.csv?table=channels").await.text().await.unwrap();
    assert_eq!(channels.lines().count(), 1, "the period's totals leave it out: {channels}");
    let items = app.get(&lead, "/analytics/export.csv?table=items").await.text().await.unwrap();
    assert_eq!(items.lines().count(), 1, "{items}");

    // With individual-level tracking on, HR may see each person's opens anyway: the figures show.
    crate::privacy::set_individual_tracking(&app, true).await;
    let stats = lead_api.get(&format!("/announcements/{id}/stats")).await;
    assert_eq!(stats["unique_opens"], 1, "{stats}");
    assert_eq!(stats["reach"]["unique_opens"]["human"], 1);
    assert!(stats["withheld"].as_str().unwrap().contains("quick reactions"), "anonymous reactions stay hidden: {stats}");
    assert_eq!(stats["feelings"], json!([0, 0, 0, 0, 0]));
}

#[tokio::test]
async fn a_small_announcement_does_not_show_through_a_later_ones_baseline_or_a_period() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let lead_api = Api::lead(&app).await;
    let few = people(&app, "few", 2, "Legal").await;
    let many = people(&app, "many", 6, "Payroll").await;
    let small = blast(&api, "Small", json!({"emails": few})).await;
    let r = recipients(&app, small, &few).await;
    record(&app, small, vec![ev("open", "email", Some(&r[0])), ev("click", "email", Some(&r[0]))]).await;
    let large = blast(&api, "Large", json!({"departments": ["Payroll"]})).await;
    let r = recipients(&app, large, &many).await;
    record(&app, large, vec![ev("open", "email", Some(&r[0]))]).await;

    let stats = lead_api.get(&format!("/announcements/{large}/stats")).await;
    assert_eq!(stats["baseline"]["announcements"], 1);
    assert!(stats["baseline"]["median"]["open_rate"].is_null(), "the small one's open rate is not its baseline: {stats}");
    assert!(stats["baseline"]["median"]["click_through"].is_null());
    // The overview's weekly chart counts the large one's opener only.
    let lead = app.signed_in(Role::HrLead).await;
    let html = app.get(&lead, "/analytics").await.text().await.unwrap();
    assert!(html.contains("<desc>1 opened and 0 clicked"), "{html}");
}
