//! End-to-end in headless Chromium: HR builds a spotlight from a template
//! with two library items, previews it as a chosen employee, sends it to a
//! distribution list, watches the progress and sees each recipient's status;
//! the messages arrive at a real SMTP server.

use std::time::Duration;

use fantoccini::Locator;
use herald::auth::Role;
use serde_json::json;

use crate::browser::{fill, screenshot, sign_in, start_browser};
use crate::helpers::TestApp;
use crate::smtp::SmtpSink;
use crate::spotlights::{assert_exactly_once, mail_via, people, published_item, Api};

#[tokio::test]
async fn hr_builds_previews_and_sends_a_spotlight_to_a_list_in_chromium() {
    let sink = SmtpSink::start();
    // Slow enough to see the blast in progress.
    let app = TestApp::spawn_with(mail_via(&sink, 4)).await;
    let committee = people(&app, "committee", 6, "Benefits").await;
    published_item(&app, "Dental plan 2027", "Dependents' dental coverage ends next enrolment period.").await;
    published_item(&app, "Vision plan 2027", "New frames allowance.").await;
    let api = Api::new(&app).await;
    api.post("/lists", json!({"name": "Benefits committee", "emails": committee})).await;
    let hr = app.user(Role::HrStaff).await;
    let (_driver, browser) = start_browser().await;

    sign_in(&browser, &app, &hr).await;
    browser.goto(&app.url("/spotlights/new")).await.unwrap();
    fill(&browser, "title", "Dental and vision for 2027").await;
    fill(&browser, "subject", "{{ recipient.first_name }}, your 2027 benefits are changing").await;
    browser.find(Locator::Css("select[name='template'] option[value='benefit-change']")).await.unwrap().click().await.unwrap();
    browser.find(Locator::Css("textarea[name='message']")).await.unwrap().send_keys("Two plans change next year. Please read both.").await.unwrap();
    browser.find(Locator::Css("input[name='find']")).await.unwrap().send_keys("plan 2027").await.unwrap();
    browser.find(Locator::Css("button[value='find']")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("input[name='collateral_ids']")).await.unwrap();
    for checkbox in browser.find_all(Locator::Css("input[name='collateral_ids']")).await.unwrap() {
        if checkbox.prop("checked").await.unwrap().as_deref() != Some("true") {
            checkbox.click().await.unwrap();
        }
    }
    browser.find(Locator::Css("input[name='lists'][value='Benefits committee']")).await.unwrap().click().await.unwrap();
    screenshot(&browser, "spotlight-editor").await;
    browser.find(Locator::Css("button[value='save']")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("#send-now")).await.unwrap();
    let path = browser.current_url().await.unwrap().path().to_owned();
    let facts = browser.find(Locator::Css("dl.facts")).await.unwrap().text().await.unwrap();
    assert!(facts.contains("Dental plan 2027") && facts.contains("Vision plan 2027") && facts.contains("Benefits committee"), "{facts}");

    // Preview as one of the committee.
    browser.goto(&app.url(&format!("{path}/preview"))).await.unwrap();
    let field = browser.find(Locator::Css("input[name='recipient']")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(&committee[1]).await.unwrap();
    browser.find(Locator::Css("form[method='get'] button")).await.unwrap().click().await.unwrap();
    // The page before the submit has a subject too (for the default
    // recipient); read until the new page has replaced it.
    let mut subject = String::new();
    for _ in 0..100 {
        if let Ok(element) = browser.find(Locator::Css("#preview-subject")).await {
            subject = element.text().await.unwrap_or_default();
            if subject.starts_with("Bo,") {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(subject, "Bo, your 2027 benefits are changing");
    tokio::time::sleep(Duration::from_millis(500)).await;
    screenshot(&browser, "spotlight-preview").await;

    // Send, and watch it go out.
    browser.goto(&app.url(&path)).await.unwrap();
    browser.find(Locator::Css("#send-now")).await.unwrap().click().await.unwrap();
    // "Send" starts the undo window; once it ends (on the test clock) the blast starts.
    browser.wait().for_element(Locator::Css("#undo-send")).await.unwrap();
    screenshot(&browser, "spotlight-undo-window").await;
    app.state.config.clock.advance(chrono::Duration::seconds(31));
    let mut started = false;
    for _ in 0..50 {
        browser.goto(&app.url(&path)).await.unwrap();
        if browser.find(Locator::Css("#delivery progress")).await.is_ok() {
            started = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(started, "the blast starts when the undo window ends");
    screenshot(&browser, "spotlight-sending").await;
    let mut finished = false;
    for _ in 0..250 {
        // The page reloads itself when the blast finishes; an element read
        // during the reload is simply read again on the next round.
        let status = match browser.find(Locator::Css("#status")).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let sent = browser.find_all(Locator::Css("#recipients .badge.delivery-sent")).await.map(|rows| rows.len()).unwrap_or(0);
        if status == "sent" && sent == committee.len() {
            finished = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(finished, "the page follows the blast to the end and shows every recipient as sent");
    screenshot(&browser, "spotlight-sent").await;
    assert_exactly_once(&sink, &committee);

    // A recipient follows the dental link of their email; HR sees the click.
    let message = sink.messages().into_iter().find(|m| m.rcpt == committee[0]).unwrap();
    let html = message.part("text/html").unwrap();
    let before = html.split("Read: Dental plan 2027").next().unwrap();
    let link = herald::spotlights::render::unescape_attribute(before.rsplit("href=\"").next().unwrap().split('"').next().unwrap());
    assert!(link.starts_with(&format!("{}/l/", app.address)), "{link}");
    browser.goto(&link).await.unwrap();
    let heading = browser.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Dental plan 2027");
    browser.goto(&app.url(&path)).await.unwrap();
    let row = browser.find(Locator::XPath("//table[@id='reach-items']//tr[td[1][text()='Dental plan 2027']]")).await.unwrap().text().await.unwrap();
    assert_eq!(row, "Dental plan 2027 2 2", "the click and the item page it opened, both by a person");
    let clicks = browser.find(Locator::Css("[data-reach='email-clicks']")).await.unwrap().text().await.unwrap();
    assert_eq!(clicks, "1");
    screenshot(&browser, "spotlight-reach").await;
    browser.close().await.unwrap();
}

#[tokio::test]
async fn hr_writes_a_social_post_with_a_live_counter_in_chromium() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (status, created) = api.post("/announcements", json!({"title": "Dental changes", "subject": "Hi", "template": "benefit-change", "audience": {"roles": ["admin"]}})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let hr = app.user(Role::HrStaff).await;
    let (_driver, browser) = start_browser().await;
    sign_in(&browser, &app, &hr).await;
    browser.goto(&app.url(&format!("/spotlights/{id}/social"))).await.unwrap();
    browser.find(Locator::Css("#post-channel option[value='x']")).await.unwrap().click().await.unwrap();
    let body = browser.find(Locator::Css("#post-body")).await.unwrap();
    body.send_keys("Dependents' dental coverage ends next enrolment period. Read more: https://example.org/a-very-long-address").await.unwrap();
    let counter = browser.find(Locator::Css("#post-count")).await.unwrap().text().await.unwrap();
    // 56 characters of text, a typed address counted as 23, a newline and the short link as 23.
    assert_eq!(counter, format!("{} / 280 characters, link included", "Dependents' dental coverage ends next enrolment period. Read more: ".chars().count() + 23 + 1 + 23));
    body.send_keys(&format!(" {}", "!".repeat(200))).await.unwrap();
    let over = browser.find(Locator::Css("#post-count.over")).await;
    assert!(over.is_ok(), "the counter warns past the limit");
    screenshot(&browser, "social-counter").await;
    body.clear().await.unwrap();
    body.send_keys("New dental rules for dependents {link}").await.unwrap();
    browser.find(Locator::Css("#new-post button[type='submit']")).await.unwrap().click().await.unwrap();
    let post = browser.wait().for_element(Locator::Css("section[id^='post-'] .post-text")).await.unwrap().text().await.unwrap();
    assert!(post.starts_with(&format!("New dental rules for dependents {}/s/", app.address)), "{post}");
    browser.find(Locator::Css("a[href$='/qr.png']")).await.unwrap();
    screenshot(&browser, "social-posts").await;
    browser.close().await.unwrap();
}
