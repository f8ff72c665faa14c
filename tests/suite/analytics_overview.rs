//! The analytics overview (`/analytics`) against figures worked out by hand
//! on a small fixed data set: three announcements sent in October 2025 (two
//! in one week), one in August and one today, featuring library items that
//! were clicked, featured and never clicked, or never featured at all.

use chrono::{DateTime, Utc};
use herald::auth::Role;
use herald::entities::{announcement, quick_reaction_tally};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use crate::analytics::{comment_row, ev, recipients, record};
use crate::helpers::TestApp;
use crate::spotlights::{people, published_item, Api};

const OCTOBER: &str = "from=2025-10-01&to=2025-10-31";

struct Data {
    dental_coverage: i64,
    gym_subsidy: i64,
    vision_update: i64,
    pension: i64,
    weekly: i64,
    items: Items,
}

struct Items {
    dental: i32,
    vision: i32,
    gym: i32,
    handbook: i32,
    parking: i32,
}

/// Sends an announcement to `departments` and makes it look as if it had started sending at `started`.
async fn sent_at(api: &Api, app: &TestApp, title: &str, departments: &[&str], items: &[i32], started: Option<&str>) -> i64 {
    let id = api.blast(json!({"title": title, "subject": title, "template": "new-policy", "collateral_ids": items, "audience": {"departments": departments}})).await;
    api.wait_for(id, "sent", 30).await;
    if let Some(started) = started {
        let at: DateTime<Utc> = started.parse().unwrap();
        let mut model: announcement::ActiveModel = announcement::Entity::find_by_id(id as i32).one(&app.state.db).await.unwrap().unwrap().into();
        model.started_at = Set(Some(at));
        model.completed_at = Set(Some(at));
        model.update(&app.state.db).await.unwrap();
    }
    id
}

/// Payroll 6, Legal 5, IT 2 and Ops 3 people; the announcements, events and comments.
async fn data_set(app: &TestApp) -> Data {
    let api = Api::new(app).await;
    let pay = people(app, "pay", 6, "Payroll").await;
    let leg = people(app, "leg", 5, "Legal").await;
    let it = people(app, "it", 2, "IT").await;
    let ops = people(app, "ops", 3, "Ops").await;
    let items = Items {
        dental: published_item(app, "Dental plan", "Dental coverage.").await,
        vision: published_item(app, "Vision plan", "Vision coverage.").await,
        gym: published_item(app, "Gym subsidy guide", "How to claim.").await,
        handbook: published_item(app, "Employee handbook", "Everything.").await,
        parking: published_item(app, "Parking rules", "Where to park.").await,
    };
    let pension_item = published_item(app, "Pension scheme", "Pensions.").await;
    let owner = herald::users::service::find_by_email(&app.state.db, &app.user(Role::HrStaff).await).await.unwrap().unwrap();
    let draft = herald::library::model::RawCollateral { title: "Draft memo".into(), status: "draft".into(), ..Default::default() };
    herald::library::service::create(&app.state.db, owner.id, draft.parse().unwrap()).await.unwrap();

    // Tuesday 7 October: Payroll, Legal and IT (IT's 2 people are too few even as "Other").
    let dental_coverage = sent_at(&api, app, "Dental coverage ends", &["Payroll", "Legal", "IT"], &[items.dental, items.vision], Some("2025-10-07T09:00:00Z")).await;
    let everyone: Vec<String> = pay.iter().chain(&leg).chain(&it).cloned().collect();
    let r = recipients(app, dental_coverage, &everyone).await;
    let (p, l, i) = (&r[0..6], &r[6..11], &r[11..13]);
    record(
        app,
        dental_coverage,
        vec![
            ev("open", "email", Some(&p[0])),
            ev("open", "email", Some(&p[0])),
            ev("open", "email", Some(&p[1])),
            ev("open", "email", Some(&p[2])),
            ev("open", "email", Some(&l[0])),
            ev("open", "email", Some(&i[0])),
            ev("open", "email", Some(&l[1])).bot(),
            ev("click", "email", Some(&p[0])).item(items.dental),
            ev("click", "email", Some(&p[0])).item(items.vision),
            ev("click", "email", Some(&p[1])).item(items.dental),
            ev("click", "email", Some(&l[0])).item(items.dental),
            ev("click", "email", Some(&i[0])).item(items.vision),
            ev("click", "email", Some(&l[1])).item(items.dental).bot(),
            ev("click", "linkedin", None).visitor("v1").item(items.dental),
            ev("click", "linkedin", None).visitor("v1").item(items.dental),
            ev("click", "linkedin", None).visitor("v9").item(items.dental).bot(),
            ev("view", "portal", None).user(p[3].user_id.unwrap()),
        ],
    )
    .await;
    comment_row(app, 201, dental_coverage, p[0].user_id, -0.8, "negative", false, None, false).await;
    comment_row(app, 202, dental_coverage, None, -0.6, "negative", false, None, false).await;
    comment_row(app, 203, dental_coverage, l[0].user_id, 0.0, "neutral", true, None, false).await;

    // Thursday 9 October, the same week: Payroll, and IT with Ops (5 together: "Other").
    let gym_subsidy = sent_at(&api, app, "Gym subsidy", &["Payroll", "IT", "Ops"], &[items.gym], Some("2025-10-09T14:00:00Z")).await;
    let r = recipients(app, gym_subsidy, &[pay[0].clone(), ops[0].clone()]).await;
    record(app, gym_subsidy, vec![ev("open", "email", Some(&r[0])), ev("open", "email", Some(&r[1])), ev("click", "slack", None).visitor("v2")]).await;
    quick_reaction_tally::ActiveModel { announcement_id: Set(gym_subsidy as i32), day: Set("2025-10-09".parse().unwrap()), score: Set(5), votes: Set(2), ..Default::default() }
        .insert(&app.state.db)
        .await
        .unwrap();

    // Wednesday 15 October, the week after: Legal only.
    let vision_update = sent_at(&api, app, "Vision update", &["Legal"], &[items.vision], Some("2025-10-15T10:00:00Z")).await;
    let l = recipients(app, vision_update, &leg).await;
    let mut events: Vec<_> = l.iter().map(|r| ev("open", "email", Some(r))).collect();
    events.extend(l[0..4].iter().map(|r| ev("click", "email", Some(r)).item(items.vision)));
    record(app, vision_update, events).await;

    // Outside October: August, and today.
    let pension = sent_at(&api, app, "Pension", &["Legal"], &[pension_item], Some("2025-08-01T09:00:00Z")).await;
    let l = recipients(app, pension, &leg[0..1]).await;
    record(app, pension, vec![ev("click", "email", Some(&l[0])).item(pension_item)]).await;
    let weekly = sent_at(&api, app, "Weekly news", &["IT"], &[items.dental], None).await;
    // A draft featuring the parking rules does not count as featuring them.
    let (status, _) = api.post("/announcements", json!({"title": "Parking", "subject": "Parking", "template": "new-policy", "collateral_ids": [items.parking]})).await;
    assert_eq!(status, 201);
    Data { dental_coverage, gym_subsidy, vision_update, pension, weekly, items }
}

async fn csv(app: &TestApp, client: &reqwest::Client, query: &str) -> String {
    let response = app.get(client, &format!("/analytics/export.csv?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    response.text().await.unwrap()
}

/// The page's HTML with `&` as itself, so links can be compared.
async fn page(app: &TestApp, client: &reqwest::Client, query: &str) -> String {
    let response = app.get(client, &format!("/analytics?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.text().await.unwrap().replace("&#38;", "&").replace("&amp;", "&")
}

#[tokio::test]
async fn the_overview_adds_up_a_period_of_announcements() {
    let app = TestApp::spawn().await;
    let d = data_set(&app).await;
    let lead = app.signed_in(Role::HrLead).await;
    let (a, b, c) = (d.dental_coverage, d.gym_subsidy, d.vision_update);

    // The table, newest first: hand counts of each announcement's dashboard figures.
    // Dental coverage: 5 of 13 opened (the scanner's open left out), 4 email clickers,
    // 5 people clicked (4 recipients and one LinkedIn visitor), (−0.8 − 0.6 + 0) / 3 → −47.
    assert_eq!(
        csv(&app, &lead, &format!("table=announcements&{OCTOBER}")).await,
        format!(
            "id,title,started_at,recipients,delivered,open_rate,click_through,click_to_open,unique_human_clicks,comments,open_questions,temperature\n\
             {c},Vision update,2025-10-15T10:00:00+00:00,5,5,1.0000,0.8000,0.8000,4,0,0,\n\
             {b},Gym subsidy,2025-10-09T14:00:00+00:00,11,11,0.1818,0.0000,0.0000,1,0,0,100\n\
             {a},Dental coverage ends,2025-10-07T09:00:00+00:00,13,13,0.3846,0.3077,0.8000,5,3,1,-47\n"
        )
    );
    let html = page(&app, &lead, OCTOBER).await;
    for expected in ["38.5%", "30.8%", "80.0%", "18.2%", "100.0%", "-47", "<td>100</td>", "<td>–</td>"] {
        assert!(html.contains(expected), "the table lacks {expected:?}");
    }
    for id in [a, b, c] {
        assert!(html.contains(&format!("href=\"/analytics/announcements/{id}\"")), "no link to the dashboard of {id}");
    }
    assert!(!html.contains("Pension") && !html.contains("Weekly news"), "announcements outside the period are left out");
    // Headings link to sorting; the sorted one links to the other direction.
    assert!(html.contains("<th aria-sort=\"descending\"><a href=\"/analytics?from=2025-10-01&to=2025-10-31&sort=sent&dir=asc\">Sent ▼</a></th>"), "{html}");
    assert!(html.contains("href=\"/analytics?from=2025-10-01&to=2025-10-31&sort=title&dir=asc\""));
    assert!(html.contains("href=\"/analytics?from=2025-10-01&to=2025-10-31&sort=temperature&dir=desc\""));

    // Channels: every human click and portal view of the three, summed.
    assert_eq!(
        csv(&app, &lead, &format!("table=channels&{OCTOBER}")).await,
        "channel,human_clicks,share,all_clicks\nemail,9,0.6923,10\nlinkedin,2,0.1538,3\nportal,1,0.0769,1\nslack,1,0.0769,1\n"
    );
    assert!(html.contains("<title>Human clicks per channel in the period</title><desc>email: 9; linkedin: 2; portal: 1; slack: 1</desc>"));

    // Library items: vision 2 + 4, dental 3 + 2 from LinkedIn; the gym guide was featured and
    // not clicked; the handbook and the parking rules (only in a draft) were never featured;
    // the pension scheme was featured in August and the draft memo is not published.
    let Items { dental, vision, gym, handbook, parking } = d.items;
    assert_eq!(
        csv(&app, &lead, &format!("table=items&{OCTOBER}")).await,
        format!("collateral_id,title,status,human_clicks,announcements\n{vision},Vision plan,published,6,2\n{dental},Dental plan,published,5,1\n")
    );
    assert_eq!(
        csv(&app, &lead, &format!("table=never-clicked&{OCTOBER}")).await,
        format!(
            "collateral_id,title,featured_in_period,reason\n{gym},Gym subsidy guide,1,\"featured, not clicked\"\n{handbook},Employee handbook,0,never featured\n{parking},Parking rules,0,never featured\n"
        )
    );
    assert!(html.contains("featured 1×, not clicked"));

    // Departments per week: the 7th and the 9th are one week (Payroll 6 + 6). IT's 2 people
    // on the 7th are too few even as "Other", and Legal shown beside Payroll would tell
    // them by subtraction, so Legal joins them in "Other" (7); IT and Ops together make
    // "Other" on the 9th (5).
    assert_eq!(
        csv(&app, &lead, &format!("table=departments&{OCTOBER}")).await,
        "week,department,recipients,opened,clicked,named_commenters\n\
         2025-10-06,Other (groups under 5),12,3,2,1\n\
         2025-10-06,Payroll,12,4,2,1\n\
         2025-10-13,Legal,5,5,4,0\n"
    );
    assert!(!html.contains("(not shown:"), "nobody is left out: {html}");
    assert!(html.contains("<desc>12 opened and 8 clicked from 29 Sep to 27 Oct</desc>"), "every week of the period is on the chart");
}

#[tokio::test]
async fn the_overview_sorts_filters_by_period_and_checks_its_query() {
    let app = TestApp::spawn().await;
    let d = data_set(&app).await;
    let lead = app.signed_in(Role::HrLead).await;
    let (a, b, c) = (d.dental_coverage, d.gym_subsidy, d.vision_update);
    let order = |csv: String| -> Vec<i64> { csv.lines().skip(1).map(|line| line.split(',').next().unwrap().parse().unwrap()).collect() };

    for (sort, expected) in [
        ("sort=temperature&dir=asc", vec![a, b, c]),
        ("sort=temperature&dir=desc", vec![b, a, c]),
        ("sort=clicks", vec![a, c, b]),
        ("sort=title", vec![a, b, c]),
        ("sort=open_rate&dir=asc", vec![b, a, c]),
        ("sort=recipients&dir=asc", vec![c, b, a]),
        ("sort=sent&dir=asc", vec![a, b, c]),
    ] {
        assert_eq!(order(csv(&app, &lead, &format!("table=announcements&{OCTOBER}&{sort}")).await), expected, "{sort}");
    }
    let html = page(&app, &lead, &format!("{OCTOBER}&sort=clicks&dir=desc")).await;
    let positions: Vec<usize> = ["Dental coverage ends", "Vision update", "Gym subsidy</a>"].iter().map(|t| html.find(t).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "rows follow the sort: {positions:?}");
    assert!(html.contains("<th aria-sort=\"descending\"><a href=\"/analytics?from=2025-10-01&to=2025-10-31&sort=clicks&dir=asc\">Unique human clicks ▼</a></th>"));

    // Periods: both ends are included, whole UTC days.
    assert_eq!(order(csv(&app, &lead, "table=announcements&from=2025-10-08&to=2025-10-31").await), [c, b]);
    assert_eq!(order(csv(&app, &lead, "table=announcements&from=2025-10-07&to=2025-10-07").await), [a]);
    assert_eq!(order(csv(&app, &lead, "table=announcements&from=2025-07-01&to=2025-10-07").await), [a, d.pension]);
    // The default is the last 30 days.
    assert_eq!(order(csv(&app, &lead, "table=announcements").await), [d.weekly]);
    let html = page(&app, &lead, "").await;
    assert!(html.contains("Weekly news") && !html.contains("Dental coverage ends"));

    // Bad queries are 400s that say what is wrong.
    for (query, message) in [
        ("from=2025-13-01", "from: expected a date like 2026-11-02 (YYYY-MM-DD), got &#34;2025-13-01&#34;"),
        ("from=2025-10-31&to=2025-10-01", "from (2025-10-31) is after to (2025-10-01)"),
        ("to=tomorrow", "to: expected a date"),
        ("from=2020-01-01&to=2025-01-01", "choose at most 366 days"),
        ("sort=popularity", "sort: unknown column"),
        ("dir=sideways", "dir: expected asc or desc"),
    ] {
        let response = app.get(&lead, &format!("/analytics?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{query}: {body}");
    }
    let response = app.get(&lead, "/analytics/export.csv?table=nope").await;
    assert_eq!(response.status(), 400);
    assert_eq!(app.get(&lead, "/analytics/export.csv?table=channels&from=someday").await.status(), 400);

    // HR leads and admins only; the lead's navigation links to it.
    assert!(html.contains("<a href=\"/analytics\" aria-current=\"page\">Analytics</a>"), "the current section is marked");
    let admin = app.signed_in(Role::Admin).await;
    assert_eq!(app.get(&admin, "/analytics").await.status(), 200);
    for role in [Role::Employee, Role::HrStaff] {
        let client = app.signed_in(role).await;
        assert_eq!(app.get(&client, "/analytics").await.status(), 403, "{role:?}");
        assert_eq!(app.get(&client, &format!("/analytics/export.csv?table=announcements&{OCTOBER}")).await.status(), 403, "{role:?}");
        let home = app.get(&client, "/").await.text().await.unwrap();
        assert!(!home.contains("href=\"/analytics\""), "{role:?} sees no Analytics link");
    }
}

#[tokio::test]
async fn a_larger_minimum_group_folds_departments_in_every_week() {
    let app = TestApp::spawn_with(|config| config.analytics_min_group = 6).await;
    data_set(&app).await;
    let lead = app.signed_in(Role::HrLead).await;
    // 7 Oct: Payroll 6; Legal 5 + IT 2 = "Other" 7. 9 Oct: IT 2 + Ops 3 = 5 are too few,
    // and Payroll beside them would tell them by subtraction: no group is shown (11).
    // 15 Oct: Legal's 5 are fewer than 6 recipients: not shown at all.
    assert_eq!(
        csv(&app, &lead, &format!("table=departments&{OCTOBER}")).await,
        "week,department,recipients,opened,clicked,named_commenters\n2025-10-06,Other (groups under 6),7,2,2,1\n2025-10-06,Payroll,6,3,2,1\n"
    );
    let html = page(&app, &lead, OCTOBER).await;
    assert!(html.contains("(not shown: 11 in the week of 2025-10-06, 5 in the week of 2025-10-13)"), "{html}");
    assert!(!html.contains("<td>Legal</td>"));
}
