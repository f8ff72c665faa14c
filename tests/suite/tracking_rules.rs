//! The timing rules and approximate opens, on the clock the test controls:
//! what a scanner does right after delivery is automated, a person reading
//! half a minute later is a person, an image proxy's open is approximate,
//! and HR sees how many events each rule kept out of the figures.

use chrono::Duration;
use herald::auth::Role;
use herald::entities::{recipient, tracking_event};
use herald::tracking::timing::TimingRules;
use herald::tracking::Rule;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::helpers::TestApp;
use crate::spotlights::Api;
use crate::tracking::{client_with_agent, pixel, recipients_of, sent_announcement, tracked_link};

const GMAIL_PROXY: &str = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";

async fn rules_of(app: &TestApp, recipient: &recipient::Model) -> Vec<(String, bool, Option<Rule>)> {
    app.state.recorder.settled().await;
    let mut rows: Vec<(String, bool, Option<Rule>)> = tracking_event::Entity::find()
        .filter(tracking_event::Column::RecipientId.eq(recipient.id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|event| (event.kind, event.automated, event.rule))
        .collect();
    rows.sort_by_key(|row| format!("{row:?}"));
    rows
}

fn rule_counts(stats: &Value) -> Vec<(String, u64)> {
    stats["reach"]["automated"].as_array().unwrap().iter().map(|r| (r["rule"].as_str().unwrap().to_owned(), r["events"].as_u64().unwrap())).collect()
}

#[tokio::test]
async fn scanners_right_after_delivery_are_automated_people_later_are_not_and_proxies_are_approximate() {
    // Windows wider than the defaults: on a loaded machine the first request
    // may come a few real seconds after delivery.
    let rules = TimingRules { click_after_delivery_seconds: 20, scan_window_seconds: 300, repeat_seconds: 2, burst_seconds: 3, prefetch_seconds: 20 };
    let app = TestApp::spawn_with(|config| config.tracking = rules).await;
    let api = Api::new(&app).await;
    let (id, dental, vision) = sent_announcement(&app, &api, "Timing", 6).await;
    let people = recipients_of(&app, id).await;
    let (ana, bo, chen, dee, eve, fay) = (&people[0], &people[1], &people[2], &people[3], &people[4], &people[5]);
    let dental_key = herald::spotlights::links::item_key(dental);
    let vision_key = herald::spotlights::links::item_key(vision);
    let browser = app.browser();

    // Right after delivery: a click with a browser's agent, and Apple's proxy fetching the image.
    assert_eq!(app.get(&browser, &tracked_link(&app, ana, &dental_key).await).await.status(), 302);
    assert_eq!(client_with_agent("Mozilla/5.0").get(app.url(&pixel(&app, dee))).send().await.unwrap().status(), 200);

    // Half a minute later (on the test clock).
    app.state.config.clock.advance(Duration::seconds(40));
    // Bo's link is hit twice within a second; Fay's two links within a second.
    let bo_link = tracked_link(&app, bo, &dental_key).await;
    for _ in 0..2 {
        assert_eq!(app.get(&browser, &bo_link).await.status(), 302);
    }
    for key in [&dental_key, &vision_key] {
        assert_eq!(app.get(&browser, &tracked_link(&app, fay, key).await).await.status(), 302);
    }
    // Chen opens the email and reads two items five seconds apart; Eve reads it in Gmail.
    assert_eq!(app.get(&browser, &pixel(&app, chen)).await.status(), 200);
    assert_eq!(app.get(&browser, &tracked_link(&app, chen, &dental_key).await).await.status(), 302);
    app.state.config.clock.advance(Duration::seconds(5));
    assert_eq!(app.get(&browser, &tracked_link(&app, chen, &vision_key).await).await.status(), 302);
    assert_eq!(client_with_agent(GMAIL_PROXY).get(app.url(&pixel(&app, eve))).send().await.unwrap().status(), 200);

    let click = |automated, rule| ("click".to_owned(), automated, rule);
    let open = |automated, rule| ("open".to_owned(), automated, rule);
    assert_eq!(rules_of(&app, ana).await, vec![click(true, Some(Rule::SoonAfterDelivery))]);
    assert_eq!(rules_of(&app, bo).await, vec![click(true, Some(Rule::RepeatHit)); 2], "both hits of the repeat");
    assert_eq!(rules_of(&app, fay).await, vec![click(true, Some(Rule::LinkBurst)); 2], "both links of the burst");
    assert_eq!(rules_of(&app, chen).await, vec![click(false, None), click(false, None), open(false, None)]);
    assert_eq!(rules_of(&app, dee).await, vec![open(true, Some(Rule::PrivacyPrefetch))]);
    assert_eq!(rules_of(&app, eve).await, vec![open(false, Some(Rule::ImageProxy))]);
    for (person, clicked) in [(ana, false), (bo, false), (fay, false), (chen, true)] {
        let now = recipient::Entity::find_by_id(person.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(now.first_clicked_at.is_some(), clicked, "{}", person.email);
    }
    let eve_now = recipient::Entity::find_by_id(eve.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(eve_now.first_opened_at, None, "an approximate open is not a certain read");

    // An automated event from before rules were stored is still counted, as "not recorded".
    tracking_event::ActiveModel {
        announcement_id: Set(Some(id as i32)),
        recipient_id: Set(Some(eve.id)),
        kind: Set("click".into()),
        channel: Set("email".into()),
        user_agent: Set("Mimecast URL Protect".into()),
        ua_class: Set("automated".into()),
        automated: Set(true),
        bot_reason: Set(Some("scanner".into())),
        occurred_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();

    let stats = Api::lead(&app).await.get(&format!("/announcements/{id}/stats")).await;
    let reach = &stats["reach"];
    assert_eq!(reach["unique_opens"]["human"], 1, "Chen's open is the only certain one: {reach}");
    assert_eq!((reach["approximate_opens"].as_u64(), reach["unique_approximate_opens"].as_u64()), (Some(1), Some(1)));
    assert_eq!(reach["unique_clickers"]["human"], 1);
    assert_eq!(reach["email_clicks"]["human"], 2);
    let mut counts = rule_counts(&stats);
    counts.sort();
    let expected: Vec<(String, u64)> = [("image-proxy", 1), ("link-burst", 2), ("not-recorded", 1), ("privacy-prefetch", 1), ("repeat-hit", 2), ("soon-after-delivery", 1)]
        .into_iter()
        .map(|(rule, n)| (rule.to_owned(), n))
        .collect();
    assert_eq!(counts, expected);

    // HR sees each rule with its count on the announcement's page, and approximate opens apart.
    let hr = app.signed_in(Role::HrStaff).await;
    let html = app.get(&hr, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert!(html.contains(r#"<tr data-rule="repeat-hit"><td><code>repeat-hit</code></td><td>one link hit again within seconds, near delivery</td><td>2</td></tr>"#), "{html}");
    assert!(html.contains(r#"<strong data-reach="approximate-opens">1</strong>"#), "{html}");
    let lead = app.signed_in(Role::HrLead).await;
    let dashboard = app.get(&lead, &format!("/analytics/announcements/{id}")).await.text().await.unwrap();
    assert!(dashboard.contains("Approximate opens"), "{dashboard}");
}
