//! Hot-button trend reports on a fixed set of comments across two weeks:
//! the ranking, counts, negative share, change from the week before and
//! hot-button marks; official answers and hidden comments left out; the
//! CSV; who may see it; and the scheduled email, sent once per period even
//! when the scheduler runs twice.

use chrono::{DateTime, TimeZone, Utc};
use herald::auth::Role;
use herald::entities::{announcement_item, comment, outbox, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::helpers::{eventually, location, TestApp};

const WEEK: &str = "/analytics/trends?period=week&ending=2026-11-22";

/// A library item with tags and a category.
pub async fn item(app: &TestApp, title: &str, tags: &str, category: &str) -> i32 {
    let owner = herald::users::service::find_by_email(&app.state.db, &app.user(Role::HrStaff).await).await.unwrap().unwrap();
    let raw = herald::library::model::RawCollateral {
        title: title.into(),
        tags: tags.into(),
        category: category.into(),
        kind: "benefit".into(),
        status: "published".into(),
        ..Default::default()
    };
    herald::library::service::create(&app.state.db, owner.id, raw.parse().unwrap()).await.unwrap().id
}

/// An announcement (a draft is enough) that featured `items`.
pub async fn announcement(app: &TestApp, title: &str, items: &[i32]) -> i32 {
    use herald::spotlights::service;
    let owner = herald::users::service::find_by_email(&app.state.db, &app.user(Role::HrStaff).await).await.unwrap().unwrap();
    let raw = service::RawAnnouncement { title: title.into(), subject: title.into(), template: "new-policy".into(), ..Default::default() };
    let id = service::create(&app.state.db, owner.id, service::parse(&app.state.db, raw).await.unwrap()).await.unwrap().id;
    for (position, collateral) in items.iter().enumerate() {
        announcement_item::ActiveModel { announcement_id: Set(id), position: Set(position as i32), collateral_id: Set(*collateral), collateral_version: Set(1), ..Default::default() }
            .insert(&app.state.db)
            .await
            .unwrap();
    }
    id
}

pub struct Row<'a> {
    id: i32,
    target: (&'a str, i32),
    author: Option<i32>,
    body: &'a str,
    sentiment: f64,
    question: bool,
    official: bool,
    status: &'a str,
    at: DateTime<Utc>,
}

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

pub fn row<'a>(id: i32, target: (&'a str, i32), author: Option<i32>, body: &'a str, sentiment: f64, at: DateTime<Utc>) -> Row<'a> {
    Row { id, target, author, body, sentiment, question: false, official: false, status: "visible", at }
}

impl Row<'_> {
    pub fn question(mut self) -> Self {
        self.question = true;
        self
    }
    fn official(mut self) -> Self {
        self.official = true;
        self
    }
    fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }
}

pub async fn insert(app: &TestApp, rows: Vec<Row<'_>>) {
    for r in rows {
        let label = if r.sentiment <= -0.05 { "negative" } else if r.sentiment >= 0.05 { "positive" } else { "neutral" };
        comment::ActiveModel {
            id: Set(r.id),
            target_kind: Set(r.target.0.into()),
            target_id: Set(r.target.1),
            parent_id: Set(None),
            depth: Set(0),
            author_id: Set(r.author),
            anonymous: Set(r.author.is_none()),
            official: Set(r.official),
            is_question: Set(r.question),
            body: Set(r.body.into()),
            status: Set(r.status.into()),
            moderation_reason: Set(None),
            flagged_words: Set(None),
            sentiment: Set(r.sentiment),
            sentiment_label: Set(label.into()),
            created_at: Set(r.at),
            edited_at: Set(None),
            answered_at: Set(None),
            answered_by: Set(None),
            first_response_seconds: Set(None),
        }
        .insert(&app.state.db)
        .await
        .unwrap();
    }
}

/// Two weeks of comments: 16–22 November 2026 and the week before.
async fn two_weeks(app: &TestApp) {
    let dental = item(app, "Dental plan", "dental, dependents", "Benefits").await;
    let remote = item(app, "Remote work policy", "remote work", "Policies").await;
    let news = announcement(app, "Dental changes", &[dental]).await;
    let author = app.user(Role::Employee).await;
    let mut person: user::ActiveModel = herald::users::service::find_by_email(&app.state.db, &author).await.unwrap().unwrap().into();
    person.name = Set("Zelda Quarrington".into());
    let named = Some(person.update(&app.state.db).await.unwrap().id);
    insert(
        app,
        vec![
            // This week.
            row(101, ("announcement", news), named, "Dental coverage cut is unfair", -0.6, at(18, 10)),
            row(102, ("collateral", dental), named, "Why was dental coverage cut for dependents?", -0.4, at(18, 11)).question(),
            row(103, ("collateral", dental), None, "Dental coverage cut hurts families", -0.7, at(19, 0)),
            row(104, ("collateral", dental), named, "Thanks, the new portal works", 0.5, at(20, 9)),
            row(105, ("collateral", remote), named, "Is the remote stipend taxable?", 0.0, at(20, 10)).question(),
            row(106, ("collateral", remote), None, "Remote stipend is great", 0.6, at(21, 0)),
            row(109, ("collateral", dental), named, "Dental coverage cut again", -0.5, at(22, 23)).status("pending"),
            // Left out: HR's answer, a hidden and a deleted comment.
            row(107, ("announcement", news), named, "Dental coverage cut explained", -0.2, at(18, 12)).official(),
            row(108, ("collateral", dental), named, "Dental coverage cut garbage", -0.9, at(19, 8)).status("hidden"),
            row(110, ("collateral", dental), named, "Dental coverage cut withdrawn", -0.9, at(19, 9)).status("deleted"),
            // The week before.
            row(201, ("collateral", dental), named, "Dental plan question about enrolment", 0.0, at(10, 10)).question(),
            row(203, ("collateral", remote), named, "Remote stipend delayed", -0.3, at(12, 0)),
            row(204, ("collateral", remote), None, "Remote stipend late again", -0.3, at(15, 0)),
            // The Monday after: not in either week.
            row(301, ("collateral", dental), named, "Dental coverage cut next week", -0.8, at(23, 1)),
        ],
    )
    .await;
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header.join(","),
        "rank,kind,topic,volume,comments,questions,negative,negative_share,mean_sentiment,previous_volume,change,hot_button,current_period,current_volume,key_phrases,examples"
    );
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[tokio::test]
async fn the_weekly_report_ranks_topics_against_the_week_before() {
    let app = TestApp::spawn().await;
    two_weeks(&app).await;
    let lead = app.signed_in(Role::HrLead).await;

    let response = app.get(&lead, &format!("{WEEK}&format=csv")).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("trends-week-2026-11-16.csv"));
    let rows = csv_rows(&response.text().await.unwrap());
    let summary: Vec<String> = rows.iter().map(|r| r[..12].join(",")).collect();
    assert_eq!(
        summary,
        [
            // Every dental comment once, under the dental item (the announcement's one matches its
            // "dental"): four comments, a question and the pending one (hidden, deleted and HR's answer
            // left out); one question the week before. 80% is more than 60%: mostly negative.
            "1,item,Dental plan,5,4,1,4,0.800,-0.340,1,+4,\"mostly negative, up sharply\"",
            "2,item,Remote work policy,2,1,1,0,0.000,0.300,2,0,",
        ]
        .map(|line| line.replace('"', "")),
        "{rows:#?}"
    );
    // Week 47 is long over: no current-period column. The phrases: runs without stop or feeling
    // words ("cut" names a thing; "unfair", "hurts", "great" do not), shared by two comments or more.
    assert_eq!(rows[0][12..15], ["", "", "dental coverage cut (4)"]);
    assert_eq!(rows[1][14], "remote stipend (2)");
    // Up to three visible examples, the most negative first: not the pending one, not the positive fourth.
    assert_eq!(rows[0][15], "Dental coverage cut hurts families | Dental coverage cut is unfair | Why was dental coverage cut for dependents?");

    let by_negative = csv_rows(&app.get(&lead, "/analytics/trends.csv?period=week&ending=2026-11-22&sort=negative").await.text().await.unwrap());
    let order: Vec<&str> = by_negative.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(order, ["Dental plan", "Remote work policy"]);

    let page = app.get(&lead, WEEK).await.text().await.unwrap();
    assert!(page.contains("week 47, 16–22 Nov 2026"), "{page}");
    assert!(page.contains("7 comments and questions from employees (3 in week 46, 9–15 Nov 2026)"));
    assert!(page.contains("hot-button: mostly negative, up sharply") && page.contains("80% negative (4 of 5)"));
    assert!(page.contains("Dental coverage cut hurts families") && page.contains("Dental changes"));
    for absent in ["Zelda", "Quarrington", "explained", "garbage", "withdrawn", "next week", "Dental coverage cut again"] {
        assert!(!page.contains(absent), "the page shows {absent:?}");
    }

    // A month: both weeks together, compared with an October without comments.
    let month = csv_rows(&app.get(&lead, "/analytics/trends.csv?period=month&ending=2026-11-30").await.text().await.unwrap());
    let dental = month.iter().find(|r| r[2] == "Dental plan").unwrap();
    assert_eq!((dental[3].as_str(), dental[9].as_str(), dental[10].as_str()), ("7", "0", "new"), "the Monday after counts in November");
}

#[tokio::test]
async fn bad_periods_are_refused_with_a_reason() {
    let app = TestApp::spawn().await;
    let lead = app.signed_in(Role::HrLead).await;
    let response = app.get(&lead, "/analytics/trends?period=year").await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("week or month"));
    assert_eq!(app.get(&lead, "/analytics/trends?ending=22-11-2026").await.status(), 400);
    let empty = app.get(&lead, "/analytics/trends").await.text().await.unwrap();
    assert!(empty.contains("No comments in this period."), "the default, last week, has none");
}

#[tokio::test]
async fn only_hr_leads_and_admins_see_trends() {
    let app = TestApp::spawn().await;
    for (role, status) in [(Role::Employee, 403), (Role::HrStaff, 403), (Role::HrLead, 200), (Role::Admin, 200)] {
        let client = app.signed_in(role).await;
        assert_eq!(app.get(&client, WEEK).await.status(), status, "{role:?} page");
        assert_eq!(app.get(&client, "/analytics/trends.csv").await.status(), status, "{role:?} CSV");
        let csrf = app.csrf(&client, "/account").await;
        let chosen = app.post_form(&client, "/analytics/trends/email", &[("csrf", &csrf), ("frequency", "week")]).await;
        assert_eq!(chosen.status(), if status == 200 { 303 } else { 403 }, "{role:?} email choice");
    }
    assert!(location(&app.get(&app.browser(), WEEK).await).starts_with("/login?next="));
}

async fn trend_emails(app: &TestApp, email: &str) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("trends"))
        .filter(outbox::Column::ToEmail.eq(email))
        .order_by_asc(outbox::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_subscribed_lead_gets_one_email_per_period_however_often_the_scheduler_runs() {
    let app = TestApp::spawn().await;
    two_weeks(&app).await;
    let email = app.user(Role::HrLead).await;
    let (lead, _) = app.login_as(&email, crate::helpers::PASSWORD).await;
    let bystander = app.user(Role::HrLead).await;
    let csrf = app.csrf(&lead, "/analytics/trends").await;
    let saved = app.post_form(&lead, "/analytics/trends/email", &[("csrf", &csrf), ("frequency", "week")]).await;
    assert_eq!(location(&saved), "/analytics/trends?saved=1#email");
    let page = app.get(&lead, "/analytics/trends").await.text().await.unwrap();
    assert!(page.contains(r#"<option value="week" selected>"#));

    let (state, monday) = (&app.state, at(23, 10));
    use herald::analytics::trend_mail::run_once;
    assert_eq!(run_once(&state.db, &state.config, monday).await.unwrap(), 1);
    assert_eq!(run_once(&state.db, &state.config, monday).await.unwrap(), 0, "the second run finds it sent");
    let sent = trend_emails(&app, &email).await;
    assert_eq!(sent.len(), 1);
    let message = &sent[0];
    assert_eq!(message.subject, "Hot-button trends: week 47, 16–22 Nov 2026");
    let link = format!("{}/analytics/trends?period=week&ending=2026-11-22", state.config.public_base());
    assert!(message.text_body.contains(&link), "{}", message.text_body);
    // Sent on Monday 23 November: week 48 so far (the Monday's early comment) beside week 47.
    assert!(
        message.text_body.contains(
            "! Dental plan (item): 5 comments and questions, +4 vs the period before, 80% negative (4 of 5); 1 so far; key phrases: dental coverage cut (4) [mostly negative, up sharply]"
        ),
        "{}",
        message.text_body
    );
    assert!(message.text_body.contains("week 48 so far (23 Nov): 1 comment or question."), "{}", message.text_body);
    assert!(message.text_body.contains("2. Remote work policy (item)"), "{}", message.text_body);
    assert!(message.html_body.contains("<table") && message.html_body.contains(&link.replace('&', "&#38;")), "{}", message.html_body);
    assert!(!message.text_body.contains("hurts families"), "examples stay behind the sign-in");
    assert!(trend_emails(&app, &bystander).await.is_empty());

    // Written to the outbox directory, as every message without SMTP.
    app.state.mailer.wake();
    eventually("the trend report as an .eml file", || async {
        let dir = app.data_path().join("outbox");
        std::fs::read_dir(&dir).ok()?.flatten().map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default()).find(|eml| eml.contains("Hot-button trends"))
    })
    .await;

    // The next Monday: two schedulers at once still send the new week once.
    let next = at(30, 10);
    let (a, b) = tokio::join!(run_once(&state.db, &state.config, next), run_once(&state.db, &state.config, next));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let subjects: Vec<String> = trend_emails(&app, &email).await.into_iter().map(|m| m.subject).collect();
    assert_eq!(subjects, ["Hot-button trends: week 47, 16–22 Nov 2026", "Hot-button trends: week 48, 23–29 Nov 2026"]);

    // Monthly instead: October at the next run; then none.
    let csrf = app.csrf(&lead, "/analytics/trends").await;
    app.post_form(&lead, "/analytics/trends/email", &[("csrf", &csrf), ("frequency", "month")]).await;
    assert_eq!(run_once(&state.db, &state.config, next).await.unwrap(), 1);
    assert_eq!(trend_emails(&app, &email).await.last().unwrap().subject, "Hot-button trends: October 2026");
    app.post_form(&lead, "/analytics/trends/email", &[("csrf", &csrf), ("frequency", "none")]).await;
    assert_eq!(run_once(&state.db, &state.config, at(30, 10) + chrono::Duration::days(40)).await.unwrap(), 0);
    assert_eq!(trend_emails(&app, &email).await.len(), 3);
}

#[tokio::test]
async fn a_report_waits_for_the_working_hours_set_for_the_leads_location() {
    let app = TestApp::spawn().await;
    two_weeks(&app).await;
    let (tokyo, lisbon) = (app.user(Role::HrLead).await, app.user(Role::HrLead).await);
    for (email, location) in [(&tokyo, "Tokyo"), (&lisbon, "Lisbon")] {
        let mut person: user::ActiveModel = herald::users::service::find_by_email(&app.state.db, email).await.unwrap().unwrap().into();
        person.location = Set(location.into());
        let person = person.update(&app.state.db).await.unwrap();
        let week = herald::analytics::trend_period::Frequency::parse("week");
        herald::analytics::trend_mail::choose(&app.state.db, person.id, week).await.unwrap();
    }
    let weekdays = herald::spotlights::window::Hours::parse("Asia/Tokyo", 9 * 60, 17 * 60, "1111100").unwrap();
    herald::spotlights::locations::set(&app.state.db, "Tokyo", &weekdays).await.unwrap();

    // Monday 23 November, 10:00 UTC: 19:00 in Tokyo, after work; Lisbon has no hours set.
    let (state, monday) = (&app.state, at(23, 10));
    assert_eq!(herald::analytics::trend_mail::run_once(&state.db, &state.config, monday).await.unwrap(), 2);
    let held = &trend_emails(&app, &tokyo).await[0];
    assert_eq!(held.next_attempt_at, at(24, 0), "Tuesday 09:00 in Tokyo");
    let now = trend_emails(&app, &lisbon).await[0].next_attempt_at;
    assert!(now <= Utc::now(), "without hours the report goes at once ({now})");
}
