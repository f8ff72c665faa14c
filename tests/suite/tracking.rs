//! Tracking: attribution of every click and open, unique versus total,
//! people versus bots and scanners, redirects that only go where HR
//! pointed, short links with UTM parameters and QR codes, posting to a
//! channel, employees' share tree and once-a-day portal views.

use std::sync::{Arc, Mutex};

use axum::routing::post;
use herald::auth::Role;
use herald::entities::{recipient, short_link, social_post, tracking_event};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{csrf_in, location, TestApp, FIREFOX};
use crate::spotlights::{people, published_item, Api};

/// A sent announcement with two featured items; returns (id, item ids).
pub async fn sent_announcement(app: &TestApp, api: &Api, department: &str, people_count: usize) -> (i64, i32, i32) {
    people(app, &department.to_lowercase(), people_count, department).await;
    let dental = published_item(app, &format!("Dental plan {department}"), "Dependents' dental coverage ends next enrolment period.").await;
    let vision = published_item(app, &format!("Vision plan {department}"), "Unchanged.").await;
    let id = api
        .blast(json!({"title": format!("Dental changes {department}"), "subject": "Dental", "template": "benefit-change",
                      "collateral_ids": [dental, vision], "audience": {"departments": [department]}}))
        .await;
    api.wait_for(id, "sent", 20).await;
    (id, dental, vision)
}

pub async fn recipients_of(app: &TestApp, id: i64) -> Vec<recipient::Model> {
    recipient::Entity::find().filter(recipient::Column::AnnouncementId.eq(id as i32)).all(&app.state.db).await.unwrap()
}

/// The signed link of one recipient to one target, as their email has it.
pub async fn tracked_link(app: &TestApp, recipient: &recipient::Model, url: &str) -> String {
    let link = herald::entities::announcement_link::Entity::find()
        .filter(herald::entities::announcement_link::Column::AnnouncementId.eq(recipient.announcement_id))
        .filter(herald::entities::announcement_link::Column::Url.eq(url))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no link {url}"));
    let token = app.state.tracking.sign(herald::tracking::TrackingToken { purpose: herald::tracking::Purpose::Click, recipient_id: recipient.id, link_id: link.id });
    format!("/l/{token}")
}

pub fn pixel(app: &TestApp, recipient: &recipient::Model) -> String {
    let token = app.state.tracking.sign(herald::tracking::TrackingToken { purpose: herald::tracking::Purpose::Open, recipient_id: recipient.id, link_id: 0 });
    format!("/o/{token}.gif")
}

pub fn client_with_agent(agent: &str) -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent(agent).build().unwrap()
}

#[tokio::test]
async fn clicks_and_opens_are_attributed_counted_once_per_person_and_bots_are_told_apart() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (id, dental, _) = sent_announcement(&app, &api, "Claims", 5).await;
    let people = recipients_of(&app, id).await;
    let (ana, bo, chen) = (&people[0], &people[1], &people[2]);
    let browser = app.browser();

    // Ten seconds after delivery (on the test clock) Bo's message is hit on
    // every link within a second: a scanner's burst.
    app.state.config.clock.advance(chrono::Duration::seconds(10));
    for url in [herald::spotlights::links::SPOTLIGHT.to_owned(), herald::spotlights::links::item_key(dental)] {
        let link = tracked_link(&app, bo, &url).await;
        assert_eq!(app.get(&browser, &link).await.status(), 302);
    }

    // Half a minute later Ana opens twice and follows the dental link once:
    // one person, two opens, one click.
    app.state.config.clock.advance(chrono::Duration::seconds(30));
    for _ in 0..2 {
        let response = app.get(&browser, &pixel(&app, ana)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/gif");
        assert!(response.headers()["cache-control"].to_str().unwrap().contains("no-cache"));
    }
    let dental_link = tracked_link(&app, ana, &herald::spotlights::links::item_key(dental)).await;
    let response = app.get(&browser, &dental_link).await;
    assert_eq!(response.status(), 302);
    assert!(location(&response).ends_with(&format!("/items/{dental}")));

    // A mail scanner fetches Ana's link too, and a HEAD request checks it.
    let scanner = client_with_agent("Mozilla/5.0 (compatible; Proofpoint URL Defense)");
    assert_eq!(scanner.get(app.url(&dental_link)).send().await.unwrap().status(), 302);
    assert_eq!(client_with_agent(FIREFOX).head(app.url(&dental_link)).send().await.unwrap().status(), 302);

    let _ = chen;
    app.state.recorder.settled().await;

    let ana_clicks = tracking_event::Entity::find()
        .filter(tracking_event::Column::RecipientId.eq(ana.id))
        .filter(tracking_event::Column::Kind.eq("click"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(ana_clicks.len(), 3, "every raw event is kept");
    let human: Vec<_> = ana_clicks.iter().filter(|e| !e.automated).collect();
    assert_eq!(human.len(), 1);
    let click = human[0];
    assert_eq!((click.announcement_id, click.collateral_id, click.channel.as_str(), click.ua_class.as_str()), (Some(id as i32), Some(dental), "email", "browser"));
    assert_eq!(click.visitor_hash.as_ref().map(String::len), Some(32), "a keyed hash, not the address");
    let reasons: Vec<_> = ana_clicks.iter().filter_map(|e| e.bot_reason.clone()).collect();
    assert!(reasons.contains(&"scanner".to_owned()) && reasons.contains(&"head request".to_owned()), "{reasons:?}");
    let every_event = tracking_event::Entity::find().all(&app.state.db).await.unwrap();
    assert!(every_event.iter().all(|e| !format!("{e:?}").contains("127.0.0.1")), "no client address is stored");
    let bo_clicks = tracking_event::Entity::find().filter(tracking_event::Column::RecipientId.eq(bo.id)).all(&app.state.db).await.unwrap();
    assert!(bo_clicks.iter().all(|e| e.automated && e.bot_reason.as_deref() == Some("link burst") && e.rule == Some(herald::tracking::Rule::LinkBurst)), "{bo_clicks:?}");
    let bo_now = recipient::Entity::find_by_id(bo.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(bo_now.first_clicked_at, None, "a scanner's burst is not Bo clicking");

    let stats = Api::lead(&app).await.get(&format!("/announcements/{id}/stats")).await;
    let reach = &stats["reach"];
    assert_eq!(reach["opens"], json!({"human": 2, "raw": 2}));
    assert_eq!(reach["unique_opens"], json!({"human": 1, "raw": 1}));
    assert_eq!(reach["email_clicks"], json!({"human": 1, "raw": 5}));
    assert_eq!(reach["unique_clickers"], json!({"human": 1, "raw": 2}));
    let dental_row = reach["items"].as_array().unwrap().iter().find(|row| row["collateral_id"] == dental).unwrap().clone();
    assert_eq!(dental_row["clicks"], json!({"human": 1, "raw": 4}));

    // HR's page shows the human figures with the raw ones beside them.
    let hr = app.signed_in(Role::HrStaff).await;
    let html = app.get(&hr, &format!("/spotlights/{id}")).await.text().await.unwrap();
    assert!(html.contains(r#"<strong data-reach="email-clicks">1</strong> clicks <span class="muted">/ 5</span>"#), "{html}");
}

#[tokio::test]
async fn redirects_only_go_where_hr_pointed_and_bad_tokens_are_a_friendly_404() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (id, _, _) = sent_announcement(&app, &api, "Payroll", 1).await;
    let (status, link) = api.post(&format!("/announcements/{id}/short-links"), json!({"channel": "linkedin"})).await;
    assert_eq!(status, 201, "{link}");
    let code = link["code"].as_str().unwrap().to_owned();
    let browser = app.browser();
    let flipped: String = code.chars().map(|c| if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect();
    for bad in [
        format!("/s/{flipped}"),
        "/s/".to_owned(),
        "/s/AAAAAAA".to_owned(),
        format!("/s/{}", "A".repeat(3000)),
        "/s/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/s/%2F%2Fevil.example".to_owned(),
        "/s/https:%2F%2Fevil.example".to_owned(),
        "/l/https%3A%2F%2Fevil.example".to_owned(),
        "/l/AAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        "/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAA.gif".to_owned(),
    ] {
        let response = app.get(&browser, &bad).await;
        assert_eq!(response.status(), 404, "{bad}");
        assert!(response.headers().get("location").is_none());
        let body = response.text().await.unwrap();
        assert!(body.contains("<html") || body.contains("<!DOCTYPE"), "a page, not an error dump: {bad}");
    }
    // Whatever a request adds, the redirect goes to the stored target.
    for extra in ["?url=https://evil.example", "?next=//evil.example", "#https://evil.example"] {
        let response = app.get(&browser, &format!("/s/{code}{extra}")).await;
        assert_eq!(response.status(), 302);
        assert_eq!(location(&response), format!("/v/{code}"));
    }
    // A post's link that HR revokes is gone at once, page and all.
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}/social");
    let csrf = csrf_in(&app.get(&hr, &page).await.text().await.unwrap()).unwrap();
    app.post_form(&hr, &page, &[("csrf", &csrf), ("channel", "intranet"), ("body", "Read this")]).await;
    let post = social_post::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let posted = short_link::Entity::find_by_id(post.short_link_id).one(&app.state.db).await.unwrap().unwrap().code;
    assert_eq!(app.get(&browser, &format!("/s/{posted}")).await.status(), 302);
    let response = app.post_form(&hr, &format!("{page}/{}/revoke", post.id), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.get(&browser, &format!("/s/{posted}")).await.status(), 404);
    assert_eq!(app.get(&browser, &format!("/v/{posted}")).await.status(), 404);
    assert_eq!(app.get(&browser, &format!("/s/{code}")).await.status(), 302, "the other link still works");
}

/// A local stand-in for Slack's incoming webhook and a Mastodon server.
async fn receiver() -> (String, Arc<Mutex<Vec<(String, String, String)>>>) {
    let seen: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let record = |path: &'static str, seen: Arc<Mutex<Vec<(String, String, String)>>>| {
        move |headers: axum::http::HeaderMap, body: String| async move {
            let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            seen.lock().unwrap().push((path.to_owned(), auth, body));
            axum::Json(json!({"ok": true, "id": "109"}))
        }
    };
    let app = axum::Router::new()
        .route("/hooks/hr", post(record("webhook", seen.clone())))
        .route("/api/v1/statuses", post(record("mastodon", seen.clone())));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, seen)
}

#[tokio::test]
async fn social_posts_get_counted_short_links_utm_qr_codes_and_can_be_posted() {
    let (receiver_url, seen) = receiver().await;
    let destinations = vec![
        herald::config::SocialDestination { name: "HR Slack".into(), channel: "slack".into(), kind: "webhook".into(), url: format!("{receiver_url}/hooks/hr"), token: String::new() },
        herald::config::SocialDestination { name: "HR Mastodon".into(), channel: "mastodon".into(), kind: "mastodon".into(), url: receiver_url.clone(), token: "secret-token".into() },
    ];
    let app = TestApp::spawn_with(move |config| config.social_destinations = destinations).await;
    let api = Api::new(&app).await;
    let (id, _, _) = sent_announcement(&app, &api, "Benefits", 5).await;
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}/social");
    let csrf = csrf_in(&app.get(&hr, &page).await.text().await.unwrap()).unwrap();

    // Too long for X once the link is counted: refused with the reason, nothing made.
    let long = "a".repeat(260);
    let response = app.post_form(&hr, &page, &[("csrf", &csrf), ("channel", "x"), ("body", &long)]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("X / Twitter allows 280"));
    assert_eq!(social_post::Entity::find().count(&app.state.db).await.unwrap(), 0);

    let short = "a".repeat(250);
    for (channel, body) in [("x", short.as_str()), ("slack", "New dental rules: {link} (please read)"), ("mastodon", "Dental changes")] {
        let response = app.post_form(&hr, &page, &[("csrf", &csrf), ("channel", channel), ("body", body), ("utm", "1"), ("utm_campaign", "dental-2027")]).await;
        assert_eq!(response.status(), 303, "{channel}");
    }
    let posts = social_post::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(posts.len(), 3);
    let links = short_link::Entity::find().all(&app.state.db).await.unwrap();
    let slack = links.iter().find(|l| l.channel == "slack").unwrap();
    assert!(slack.code.len() == 7 && slack.code.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(slack.target, format!("/v/{}?utm_source=slack&utm_medium=social&utm_campaign=dental-2027", slack.code));

    // Following it: the short link redirects to the spotlight with the UTM parameters.
    let visitor = client_with_agent(FIREFOX);
    let response = visitor.get(app.url(&format!("/s/{}", slack.code))).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let target = location(&response);
    let spotlight = visitor.get(app.url(&target)).send().await.unwrap().text().await.unwrap();
    assert!(spotlight.contains("Dental changes Benefits"));

    // Its QR codes decode to the short link.
    let short_url = format!("{}/s/{}", app.address, slack.code);
    let png = app.get(&hr, &format!("/s/{}/qr.png", slack.code)).await;
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(decode_qr(&png.bytes().await.unwrap()), short_url);
    let svg = app.get(&hr, &format!("/s/{}/qr.svg", slack.code)).await.text().await.unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"));
    assert_eq!(app.get(&app.signed_in(Role::Employee).await, &format!("/s/{}/qr.png", slack.code)).await.status(), 404, "not someone else's link");

    // Posting: Slack gets JSON text with the short link, Mastodon a status with the bearer token.
    for (channel, destination) in [("slack", "HR Slack"), ("mastodon", "HR Mastodon")] {
        let post = posts.iter().find(|p| p.channel == channel).unwrap();
        let response = app.post_form(&hr, &format!("{page}/{}/publish", post.id), &[("csrf", &csrf), ("destination", destination)]).await;
        assert_eq!(response.status(), 303);
    }
    let received = seen.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let webhook: Value = serde_json::from_str(&received[0].2).unwrap();
    assert_eq!(webhook["text"], format!("New dental rules: {short_url} (please read)"));
    assert_eq!(received[1].0, "mastodon");
    assert_eq!(received[1].1, "Bearer secret-token");
    assert!(received[1].2.contains("status=Dental+changes"));
    let stored = social_post::Entity::find().filter(social_post::Column::Channel.eq("slack")).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(stored.post_status, Some(200));
    assert!(stored.posted_at.is_some());
    assert_eq!(stored.post_response.as_deref(), Some("HTTP 200 OK"), "the status line, never the answer's body");
    // A destination of another channel is refused.
    let x_post = posts.iter().find(|p| p.channel == "x").unwrap();
    let response = app.post_form(&hr, &format!("{page}/{}/publish", x_post.id), &[("csrf", &csrf), ("destination", "HR Slack")]).await;
    assert_eq!(response.status(), 400);

    let html = app.get(&hr, &page).await.text().await.unwrap();
    assert!(html.contains("Visits: <strong class=\"visits-human\">1</strong>"), "{html}");
    let stats = Api::lead(&app).await.get(&format!("/announcements/{id}/stats")).await;
    let slack_row = stats["reach"]["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "slack").unwrap().clone();
    assert_eq!(slack_row["clicks"], json!({"human": 1, "raw": 1}));
}

fn decode_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let (width, height) = (frame.width as usize, frame.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn employees_reshare_and_hr_sees_how_far_it_travelled() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (id, _, _) = sent_announcement(&app, &api, "Sharing", 1).await;
    let (_, root) = api.post(&format!("/announcements/{id}/short-links"), json!({"channel": "yammer"})).await;
    let root = root["code"].as_str().unwrap().to_owned();

    // Eve shares from HR's post; Finn follows Eve's link and reshares it; two strangers follow Finn's.
    let eve = app.signed_in(Role::Employee).await;
    let share = |client: reqwest::Client, from: String| {
        let app = &app;
        async move {
            let csrf = csrf_in(&app.get(&client, &format!("/v/{}", from.trim_start_matches("code:"))).await.text().await.unwrap()).unwrap();
            let response = app.post_form(&client, "/share", &[("csrf", &csrf), ("from", &from)]).await;
            assert_eq!(response.status(), 303);
            let mine = location(&response);
            mine.split("new=").nth(1).unwrap().to_owned()
        }
    };
    let eves = share(eve.clone(), format!("code:{root}")).await;
    assert_eq!(share(eve.clone(), format!("code:{root}")).await, eves, "sharing twice gives the same link");
    let finn = app.signed_in(Role::Employee).await;
    assert_eq!(app.get(&finn, &format!("/s/{eves}")).await.status(), 302);
    let finns = share(finn.clone(), format!("code:{eves}")).await;
    for _ in 0..2 {
        assert_eq!(client_with_agent(FIREFOX).get(app.url(&format!("/s/{finns}"))).send().await.unwrap().status(), 302);
    }
    let bot = client_with_agent("LinkedInBot/1.0 (compatible; Mozilla/5.0)");
    assert_eq!(bot.get(app.url(&format!("/s/{finns}"))).send().await.unwrap().status(), 302);

    let tree = &Api::lead(&app).await.get(&format!("/announcements/{id}/stats")).await["share_tree"];
    assert_eq!(tree["shares"], 2);
    assert_eq!(tree["max_depth"], 2);
    assert_eq!(tree["share_visits"], 3, "Finn's visit to Eve's link and the two to Finn's");
    let rows = tree["rows"].as_array().unwrap();
    let row = |code: &str| rows.iter().find(|r| r["code"] == code).unwrap().clone();
    assert_eq!((row(&root)["depth"].clone(), row(&root)["reshares"].clone(), row(&root)["reach"].clone()), (json!(0), json!(1), json!(3)));
    assert_eq!((row(&eves)["depth"].clone(), row(&eves)["visits"]["human"].clone(), row(&eves)["reshares"].clone()), (json!(1), json!(1), json!(1)));
    assert_eq!((row(&finns)["depth"].clone(), row(&finns)["visits"].clone()), (json!(2), json!({"human": 2, "raw": 3})));
    assert!(row(&finns)["sharer"].as_str().unwrap().starts_with("Test"));

    // Eve sees her own link and what it brought; anonymous visitors cannot share.
    let mine = app.get(&eve, "/shares").await.text().await.unwrap();
    assert!(mine.contains(&format!("/s/{eves}")));
    let anonymous = app.browser();
    let page = app.get(&anonymous, &format!("/v/{finns}")).await.text().await.unwrap();
    assert!(page.contains("Sign in</a> to share"));
    let refused = anonymous.post(app.url("/share")).form(&[("csrf", "x"), ("from", &format!("code:{finns}"))]).send().await.unwrap();
    assert!(matches!(refused.status().as_u16(), 401 | 303 | 403), "{}", refused.status());
    assert_eq!(short_link::Entity::find().count(&app.state.db).await.unwrap(), 3);
}

#[tokio::test]
async fn an_employee_reading_an_item_in_the_portal_counts_once_a_day_and_restricted_items_are_not_shareable() {
    let app = TestApp::spawn().await;
    let item = published_item(&app, "Flu season guideline", "Stay home when sick.").await;
    let slug = herald::entities::collateral::Entity::find_by_id(item).one(&app.state.db).await.unwrap().unwrap().slug;
    let employee = app.signed_in(Role::Employee).await;
    for _ in 0..3 {
        assert_eq!(app.get(&employee, &format!("/library/{slug}")).await.status(), 200);
    }
    let other = app.signed_in(Role::Employee).await;
    let html = app.get(&other, &format!("/library/{slug}")).await.text().await.unwrap();
    let views = tracking_event::Entity::find().filter(tracking_event::Column::Channel.eq("portal")).all(&app.state.db).await.unwrap();
    assert_eq!(views.len(), 2, "once per employee per item per day");
    assert!(views.iter().all(|v| v.kind == "view" && v.collateral_id == Some(item)));

    // Shared from the library, then read by someone outside.
    let csrf = csrf_in(&html).unwrap();
    let response = app.post_form(&other, "/share", &[("csrf", &csrf), ("from", &format!("collateral:{item}"))]).await;
    assert_eq!(response.status(), 303);
    let code = location(&response).split("new=").nth(1).unwrap().to_owned();
    let outside = client_with_agent(FIREFOX);
    let target = location(&outside.get(app.url(&format!("/s/{code}"))).send().await.unwrap());
    let page = outside.get(app.url(&target)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Stay home when sick."));

    // An item for one department only cannot leave Herald.
    let hr = app.signed_in(Role::HrStaff).await;
    let owner = herald::users::service::find_by_email(&app.state.db, &app.user(Role::HrStaff).await).await.unwrap().unwrap();
    let raw = herald::library::model::RawCollateral {
        title: "Finance bonus rules".into(),
        body: "Only for Finance.".into(),
        kind: "policy".into(),
        status: "published".into(),
        audience_departments: "Finance".into(),
        ..Default::default()
    };
    let restricted = herald::library::service::create(&app.state.db, owner.id, raw.parse().unwrap()).await.unwrap().id;
    let csrf = csrf_in(&app.get(&hr, "/shares").await.text().await.unwrap()).unwrap();
    let response = app.post_form(&hr, "/share", &[("csrf", &csrf), ("from", &format!("collateral:{restricted}"))]).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn an_employee_reads_what_hr_sent_in_the_portal_and_it_counts_once_a_day() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let reader = app.user(Role::Employee).await;
    let (employee, _) = app.login_as(&reader, crate::helpers::PASSWORD).await;
    let item = published_item(&app, "Telecommuting guideline", "Work from home two days a week.").await;
    let id = api.blast(json!({"title": "Telecommuting is changing", "subject": "Hi", "template": "new-policy", "collateral_ids": [item], "audience": {"emails": [reader]}})).await;
    api.wait_for(id, "sent", 20).await;

    let news = app.get(&employee, "/news").await.text().await.unwrap();
    assert!(news.contains("class=\"card unread\"") && news.contains("Telecommuting is changing"), "{news}");
    for _ in 0..3 {
        let page = app.get(&employee, &format!("/news/{id}")).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Telecommuting guideline"));
    }
    assert_eq!(app.get(&employee, &format!("/news/{id}/items/{item}")).await.status(), 200);
    let views = tracking_event::Entity::find()
        .filter(tracking_event::Column::Channel.eq("portal"))
        .filter(tracking_event::Column::AnnouncementId.eq(id as i32))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(views.iter().filter(|v| v.kind == "view").count(), 1, "once per employee per announcement per day");
    assert_eq!(views.iter().filter(|v| v.kind == "asset" && v.collateral_id == Some(item)).count(), 1);
    assert!(!app.get(&employee, "/news").await.text().await.unwrap().contains("class=\"card unread\""), "read now");

    // One reader is fewer than the minimum group: HR sees what they did only with individual-level tracking on.
    crate::privacy::set_individual_tracking(&app, true).await;
    // Someone it was not sent to cannot read it there.
    let other = app.signed_in(Role::Employee).await;
    assert_eq!(app.get(&other, &format!("/news/{id}")).await.status(), 404);
    assert!(!app.get(&other, "/news").await.text().await.unwrap().contains("Telecommuting"));
    let stats = Api::lead(&app).await.get(&format!("/announcements/{id}/stats")).await;
    let portal = stats["reach"]["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "portal").unwrap().clone();
    assert_eq!(portal["clicks"], json!({"human": 1, "raw": 1}));
}

#[tokio::test]
async fn clicks_on_two_servers_add_up() {
    let app = TestApp::spawn().await;
    let other = app.second_server().await;
    let api = Api::new(&app).await;
    let (_, announcement) = api.post("/announcements", json!({"title": "Two servers", "subject": "Hi", "template": "new-policy", "audience": {"roles": ["admin"]}})).await;
    let id = announcement["id"].as_i64().unwrap();
    let (_, link) = api.post(&format!("/announcements/{id}/short-links"), json!({"channel": "intranet"})).await;
    let code = link["code"].as_str().unwrap().to_owned();
    for (server, clicks) in [(&app, 3), (&other, 4)] {
        for _ in 0..clicks {
            assert_eq!(server.get(&server.browser(), &format!("/s/{code}")).await.status(), 302);
        }
    }
    other.state.recorder.settled().await;
    let stats = Api::lead(&app).await.get(&format!("/announcements/{id}/stats")).await;
    assert_eq!(stats["clicks"]["total"], 7, "each server's clicks reach the one database: {stats}");
}

/// PostgreSQL stores a batch of clicks in two transactions: the rows (by
/// COPY) with how far rows are stored, then what they imply with how far
/// the log is loaded. A server that died between the two applies the
/// second step on restart, without storing the rows again.
#[tokio::test]
async fn clicks_stored_but_not_applied_when_the_server_died_are_applied_once_on_restart() {
    use herald::entities::setting;
    use sea_orm::ActiveValue::Set;

    let app = TestApp::spawn().await;
    if app.database_url.is_none() {
        return; // SQLite stores a batch in one transaction: there is no between.
    }
    let api = Api::new(&app).await;
    let (id, dental, _) = sent_announcement(&app, &api, "Payroll", 2).await;
    let people = recipients_of(&app, id).await;
    let (ana, bo) = (&people[0], &people[1]);
    let browser = app.browser();
    // People's clicks, not a scanner's right after delivery (docs/tracking.md).
    app.state.config.clock.advance(chrono::Duration::minutes(3));
    let positions = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            let rows = setting::Entity::find().filter(setting::Column::Key.starts_with("click_log")).all(&db).await.unwrap();
            let value = |prefix: &str| rows.iter().find(|row| row.key.starts_with(prefix)).map(|row| row.value.clone()).unwrap();
            (value("click_log:"), value("click_log_rows:"))
        }
    };

    assert_eq!(app.get(&browser, &tracked_link(&app, ana, &herald::spotlights::links::item_key(dental)).await).await.status(), 302);
    app.state.recorder.settled().await;
    let (before_bo, _) = positions(&app).await;
    assert_eq!(app.get(&browser, &tracked_link(&app, bo, &herald::spotlights::links::item_key(dental)).await).await.status(), 302);
    app.state.recorder.settled().await;
    let (loaded, rows_stored) = positions(&app).await;
    assert_eq!(loaded, rows_stored);
    assert_ne!(loaded, before_bo);

    // As if the server had died after committing Bo's row, before its effects.
    let rewind = |key: &str| setting::ActiveModel { key: Set(key.to_owned()), value: Set(before_bo.clone()) };
    let loaded_key = setting::Entity::find().filter(setting::Column::Key.starts_with("click_log:")).one(&app.state.db).await.unwrap().unwrap().key;
    setting::Entity::update(rewind(&loaded_key)).exec(&app.state.db).await.unwrap();
    let mut bo_unapplied: recipient::ActiveModel = recipient::Entity::find_by_id(bo.id).one(&app.state.db).await.unwrap().unwrap().into();
    bo_unapplied.first_clicked_at = Set(None);
    recipient::Entity::update(bo_unapplied).exec(&app.state.db).await.unwrap();

    let app = app.restart(|_| {}).await;
    app.state.recorder.settled().await;
    let bo_clicks = tracking_event::Entity::find().filter(tracking_event::Column::RecipientId.eq(bo.id)).count(&app.state.db).await.unwrap();
    assert_eq!(bo_clicks, 1, "the stored row is not stored again");
    let bo_now = recipient::Entity::find_by_id(bo.id).one(&app.state.db).await.unwrap().unwrap();
    assert!(bo_now.first_clicked_at.is_some(), "what the click implies is applied");
    assert_eq!(positions(&app).await, (rows_stored.clone(), rows_stored));
}

#[tokio::test]
async fn social_publishing_follows_no_redirect_to_an_internal_address() {
    // The destination (allowed) answers with a redirect to a loopback address
    // the operator did not allow: the hop is refused before any connection.
    let target_seen: Arc<Mutex<u32>> = Arc::default();
    let seen = target_seen.clone();
    let inside = axum::Router::new().route("/secret", axum::routing::any(move || {
        let seen = seen.clone();
        async move {
            *seen.lock().unwrap() += 1;
            "internal secret"
        }
    }));
    let inside_listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
    let inside_url = format!("http://{}/secret", inside_listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(inside_listener, inside).await.unwrap() });
    let redirect_to = inside_url.clone();
    let outside = axum::Router::new().route("/hooks/hr", post(move || {
        let to = redirect_to.clone();
        async move { (axum::http::StatusCode::TEMPORARY_REDIRECT, [(axum::http::header::LOCATION, to)]) }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, outside).await.unwrap() });
    let destinations = vec![herald::config::SocialDestination {
        name: "HR Slack".into(), channel: "slack".into(), kind: "webhook".into(), url: format!("{address}/hooks/hr"), token: String::new(),
    }];
    let app = TestApp::spawn_with(move |config| {
        config.social_destinations = destinations;
        config.outbound_allow = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let api = Api::new(&app).await;
    let (id, _, _) = sent_announcement(&app, &api, "Benefits", 1).await;
    let hr = app.signed_in(Role::HrStaff).await;
    let page = format!("/spotlights/{id}/social");
    let csrf = csrf_in(&app.get(&hr, &page).await.text().await.unwrap()).unwrap();
    assert_eq!(app.post_form(&hr, &page, &[("csrf", &csrf), ("channel", "slack"), ("body", "Read {link}")]).await.status(), 303);
    let post = social_post::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let response = app.post_form(&hr, &format!("{page}/{}/publish", post.id), &[("csrf", &csrf), ("destination", "HR Slack")]).await;
    assert_eq!(response.status(), 303);
    let stored = social_post::Entity::find_by_id(post.id).one(&app.state.db).await.unwrap().unwrap();
    assert!(stored.posted_at.is_none() && stored.post_status.is_none());
    let answer = stored.post_response.unwrap_or_default();
    assert!(answer.contains("internal address") && !answer.contains("internal secret"), "{answer}");
    assert_eq!(*target_seen.lock().unwrap(), 0, "the internal address was never called");
    let shown = app.get(&hr, &page).await.text().await.unwrap();
    assert!(!shown.contains("internal secret"));
}
