//! Trend topics on a fixed set of comments (tests/data/trend_comments.tsv)
//! whose topics were decided by hand: each comment counts once, under the
//! topic it is about; key phrases carry meaning; the negative share is
//! stated with its numbers and "mostly negative" means more than 60%; and
//! the current week so far stands beside the last complete one, on the
//! report, in the email, on the page and in the CSV.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use herald::analytics::trend_period::{Frequency, Period};
use herald::analytics::trends::{self, Ranking, Report};
use herald::auth::Role;

use crate::helpers::TestApp;
use crate::trends::{announcement, at, insert, item, row};

const FIXTURE: &str = include_str!("../data/trend_comments.tsv");

/// One fixture line: the comment, the day it was written and its topic by hand.
struct Line<'a> {
    id: i32,
    target: &'a str,
    anonymous: bool,
    day: u32,
    hour: u32,
    sentiment: f64,
    question: bool,
    body: &'a str,
    topic: &'a str,
}

fn lines() -> Vec<Line<'static>> {
    FIXTURE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 9, "fixture line {l:?}");
            Line {
                id: f[0].parse().unwrap(),
                target: f[1],
                anonymous: f[2] == "anonymous",
                day: f[3].parse().unwrap(),
                hour: f[4].parse().unwrap(),
                sentiment: f[5].parse().unwrap(),
                question: f[6] == "q",
                body: f[7],
                topic: f[8],
            }
        })
        .collect()
}

/// The library, the announcements and the fixture's comments.
async fn fixture(app: &TestApp) {
    let mut targets: BTreeMap<&str, (&str, i32)> = BTreeMap::new();
    let dental = item(app, "Dental plan", "dental, dependents, orthodontics", "Benefits").await;
    let vision = item(app, "Vision plan", "vision, glasses", "Benefits").await;
    let parking = item(app, "Parking at HQ", "parking, permits", "Facilities").await;
    let remote = item(app, "Remote work policy", "remote work, stipend", "Policies").await;
    let cycle = item(app, "Cycle to work scheme", "cycling", "Benefits").await;
    for (name, id) in [("item:dental", dental), ("item:vision", vision), ("item:parking", parking), ("item:remote", remote), ("item:cycle", cycle)] {
        targets.insert(name, ("collateral", id));
    }
    // Vision first: a comment that names neither plan would go to it, not to dental.
    targets.insert("announcement:enrolment", ("announcement", announcement(app, "Open enrolment 2027", &[vision, dental]).await));
    targets.insert("announcement:office", ("announcement", announcement(app, "Office news", &[]).await));
    targets.insert("hr", ("hr", 0));
    let named = herald::users::service::find_by_email(&app.state.db, &app.user(Role::Employee).await).await.unwrap().unwrap().id;
    let rows = lines()
        .into_iter()
        .map(|l| {
            let r = row(l.id, targets[l.target], (!l.anonymous).then_some(named), l.body, l.sentiment, at(l.day, l.hour));
            if l.question { r.question() } else { r }
        })
        .collect();
    insert(app, rows).await;
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Week 47 as of Wednesday 25 November: week 48 so far beside it.
async fn week_47(app: &TestApp) -> Report {
    let period = Period::containing(Frequency::Week, day("2026-11-22"));
    trends::report(&app.state.db, period, day("2026-11-25"), Ranking::Volume).await.unwrap()
}

#[tokio::test]
async fn each_comment_counts_once_under_the_topic_it_is_about() {
    let app = TestApp::spawn().await;
    fixture(&app).await;
    let report = week_47(&app).await;
    assert_eq!((report.total, report.previous_total, report.current_total), (13, 3, 5));
    assert_eq!(report.current_label().as_deref(), Some("week 48 so far (23–25 Nov)"));

    // Per topic: (label, kind, volume, questions, negative, previous, current, negative text, hot-button).
    let figures: Vec<String> = report
        .topics
        .iter()
        .map(|t| format!("{}|{}|{}|{}|{}|{}|{}|{}|{}", t.label, t.kind(), t.volume, t.questions, t.negative, t.previous_volume, t.current_volume, t.negative_text(), t.hot_text()))
        .collect();
    assert_eq!(
        figures,
        [
            // 60% is not more than 60%: up sharply only.
            "Dental plan|item|5|1|3|1|1|60% negative (3 of 5)|up sharply",
            "Parking at HQ|item|3|1|2|0|1|67% negative (2 of 3)|mostly negative, new",
            "Remote work policy|item|1|0|1|2|1|100% negative (1 of 1)|",
            "Office news|announcement|1|0|1|0|0|100% negative (1 of 1)|",
            "Vision plan|item|1|0|0|0|1|0% negative (0 of 1)|",
            "Open enrolment 2027|announcement|1|0|0|0|0|0% negative (0 of 1)|",
            "Private questions to HR|questions to HR|1|1|0|0|0|0% negative (0 of 1)|",
            // Only in the current week: listed, not hot-button.
            "Cycle to work scheme|item|0|0|0|0|1|0% negative (0 of 0)|",
        ],
        "{figures:#?}"
    );
    assert!((report.topics[0].mean_sentiment + 0.28).abs() < 1e-9, "(-0.6 - 0.3 - 0.7 + 0.2 + 0.0) / 5");

    // The hand-made topic of every comment, counted by period, is what the report counts.
    let (first, last, next_last) = (day("2026-11-16"), day("2026-11-22"), day("2026-11-29"));
    let mut expected: BTreeMap<&str, [u32; 3]> = BTreeMap::new();
    for l in lines() {
        let written = day(&format!("2026-11-{:02}", l.day));
        let slot = if written < first { 0 } else if written <= last { 1 } else { assert!(written <= next_last); 2 };
        expected.entry(l.topic).or_default()[slot] += 1;
    }
    let counted: BTreeMap<&str, [u32; 3]> = report.topics.iter().map(|t| (t.label.as_str(), [t.previous_volume, t.volume, t.current_volume])).collect();
    assert_eq!(counted, expected);
    let sum: u32 = report.topics.iter().map(|t| t.volume).sum();
    assert_eq!(sum, report.total, "no comment counted twice or left out");
}

#[tokio::test]
async fn key_phrases_are_shared_subjects_not_stop_or_feeling_words() {
    let app = TestApp::spawn().await;
    fixture(&app).await;
    let report = week_47(&app).await;
    let phrases = |t: &trends::Topic| t.phrases_text();
    assert_eq!(phrases(&report.topics[0]), "dental cover (4)", "four of the dental comments say it; \"kids\" alone is no phrase");
    assert_eq!(phrases(&report.topics[1]), "parking permits (2)");
    assert!(report.topics[2..].iter().all(|t| t.phrases.is_empty()), "no phrase of a single comment");
    let all: Vec<String> = report.phrases.iter().map(|p| format!("{} ({})", p.text, p.comments)).collect();
    assert_eq!(all, ["dental cover (4)", "parking permits (2)"]);
    for phrase in report.topics.iter().flat_map(|t| &t.phrases).chain(&report.phrases) {
        for word in phrase.text.split(' ') {
            assert!(!herald::sentiment::is_feeling_word(word), "{word:?} in {:?}", phrase.text);
            assert!(!["honestly", "kids", "nobody", "for", "the", "unfair", "great"].contains(&word), "{word:?} in {:?}", phrase.text);
        }
    }
}

#[tokio::test]
async fn the_email_states_the_rule_the_shares_and_the_week_so_far() {
    let app = TestApp::spawn().await;
    fixture(&app).await;
    let report = week_47(&app).await;
    let email = herald::analytics::trend_email::render(&report, "Ada Lovelace", "https://herald.test/analytics/trends", "Acme");
    let text = &email.text;
    assert!(text.contains("13 comments and questions from employees (3 the period before); 2 hot-button topics. week 48 so far (23–25 Nov): 5 comments and questions."), "{text}");
    assert!(text.contains("more than 60% of them negative"), "{text}");
    assert!(
        text.contains("! Dental plan (item): 5 comments and questions, +4 vs the period before, 60% negative (3 of 5); 1 so far; key phrases: dental cover (4) [up sharply]"),
        "{text}"
    );
    assert!(text.contains("! Parking at HQ (item): 3 comments and questions, new vs the period before, 67% negative (2 of 3); 1 so far; key phrases: parking permits (2) [mostly negative, new]"));
    assert!(email.html.contains("<th align=\"right\">week 48 so far (23–25 Nov)</th>"), "{}", email.html);
    assert!(!text.contains("Orthodontics for kids"), "examples stay behind the sign-in");
}

#[tokio::test]
async fn the_page_states_the_figures_with_their_numbers_and_the_rule() {
    let app = TestApp::spawn().await;
    fixture(&app).await;
    let lead = app.signed_in(Role::HrLead).await;

    // The fixed week, viewed later: no current column, figures as above.
    let page = app.get(&lead, "/analytics/trends?period=week&ending=2026-11-22").await.text().await.unwrap();
    assert!(page.contains("60% negative (3 of 5)") && page.contains("67% negative (2 of 3)"), "{page}");
    assert!(page.contains("more than 60% of them negative"), "the rule in words");
    assert!(page.contains("hot-button: mostly negative, new") && page.contains("hot-button: up sharply"));
    assert!(page.contains("dental cover (4)") && page.contains("matched “dental, dependent”"));
    assert!(!page.contains("so far ("), "week 47 is not the last complete week any more");

}

#[tokio::test]
async fn the_page_and_csv_show_the_current_week_so_far_beside_the_last_complete_one() {
    // Right after a send the last complete week may be empty: the week so far still shows.
    let app = TestApp::spawn().await;
    let dental = item(&app, "Dental plan", "dental, dependents", "Benefits").await;
    let now = app.state.config.clock.now();
    insert(&app, vec![row(900, ("collateral", dental), None, "Dental cover <script>alert(1)</script> for dependents", -0.4, now)]).await;
    let lead = app.signed_in(Role::HrLead).await;
    let page = app.get(&lead, "/analytics/trends").await.text().await.unwrap();
    let current = Period::containing(Frequency::Week, now.date_naive());
    let label = current.label();
    let name = label.split(',').next().unwrap();
    assert!(page.contains("0 comments and questions from employees"), "{page}");
    assert!(page.contains(&format!("{name} so far (")) && page.contains(": 1 comment or question so far"), "{page}");
    assert!(page.contains(r#"<td data-current="1">1</td>"#), "{page}");
    assert!(!page.contains("<script>alert(1)"), "comment text is escaped");

    let csv = app.get(&lead, "/analytics/trends.csv").await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let (period_at, volume_at) = (header.iter().position(|h| h == "current_period").unwrap(), header.iter().position(|h| h == "current_volume").unwrap());
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0][2].as_str(), rows[0][3].as_str(), rows[0][volume_at].as_str()), ("Dental plan", "0", "1"));
    assert_eq!(rows[0][period_at], format!("{}..{}", current.first, current.last));
}
