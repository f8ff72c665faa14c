//! In headless Chromium: an author submits a spotlight that needs approval,
//! an HR lead reviews it (the email as three recipients get it, the audience
//! with who it skips, the featured items' versions) and approves it, and the
//! author sends it through the undo window; the messages reach smtp-sink.

use std::time::Duration;

use fantoccini::Locator;
use herald::auth::Role;
use herald::spotlights::approval::ApprovalRule;
use serde_json::json;

use crate::browser::{screenshot, sign_in, sign_out, start_browser};
use crate::helpers::TestApp;
use crate::smtp::SmtpSink;
use crate::spotlights::{mail_via, people, per_recipient, published_item, Api};

#[tokio::test]
async fn submit_approve_and_send_in_chromium() {
    let sink = SmtpSink::start();
    let mail = mail_via(&sink, 100);
    let app = TestApp::spawn_with(move |config| {
        mail(config);
        config.sending.approval = Some(ApprovalRule::Broad);
    })
    .await;
    let staff = people(&app, "chrome", 4, "Benefits").await;
    let item = published_item(&app, "Dental plan 2027", "Dependents' dental coverage ends next enrolment period.").await;
    let author = app.user(Role::HrStaff).await;
    let lead = app.user(Role::HrLead).await;
    let token = {
        let user = herald::users::service::find_by_email(&app.state.db, &author).await.unwrap().unwrap();
        herald::auth::tokens::create(&app.state.db, user.id, "test").await.unwrap()
    };
    let created: serde_json::Value = reqwest::Client::new()
        .post(app.url("/api/v1/announcements"))
        .bearer_auth(&token)
        .json(&json!({"title": "Dental for 2027", "subject": "{{ recipient.first_name }}, your dental plan changes", "template": "benefit-change",
                      "message": "Please read.", "collateral_ids": [item], "audience": {"departments": ["Benefits"], "emails": ["gone@example.com"]}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let path = format!("/spotlights/{id}");
    let (_driver, browser) = start_browser().await;

    // The author cannot send it; they submit it.
    sign_in(&browser, &app, &author).await;
    browser.goto(&app.url(&path)).await.unwrap();
    assert!(browser.find(Locator::Css("#send-now")).await.is_err(), "no Send before approval");
    browser.find(Locator::Css("#send-blocked")).await.unwrap();
    browser.find(Locator::Css("#submit-approval")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("[data-action='submitted']")).await.unwrap();
    screenshot(&browser, "approval-submitted").await;
    sign_out(&browser).await;

    // The lead sees the request on the home page and reviews it.
    sign_in(&browser, &app, &lead).await;
    browser.goto(&app.url("/")).await.unwrap();
    browser.find(Locator::XPath("//a[contains(., 'asks you to approve')]")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("#review-decision")).await.unwrap();
    let count = browser.find(Locator::Css("#review-count")).await.unwrap().text().await.unwrap();
    assert_eq!(count, "4");
    let skipped = browser.find(Locator::Css("#review-skipped")).await.unwrap().text().await.unwrap();
    assert!(skipped.contains("gone@example.com") && skipped.contains("not in the employee directory"), "{skipped}");
    let items = browser.find(Locator::Css("#review-items")).await.unwrap().text().await.unwrap();
    assert!(items.contains("Dental plan 2027") && items.contains("version 1"), "{items}");
    let copies = browser.find_all(Locator::Css(".review-copy")).await.unwrap();
    assert_eq!(copies.len(), 3, "the email as three recipients get it");
    let subjects: Vec<String> = {
        let mut subjects = vec![];
        for element in browser.find_all(Locator::Css(".review-subject")).await.unwrap() {
            subjects.push(element.text().await.unwrap());
        }
        subjects
    };
    assert_eq!(subjects, ["Ana, your dental plan changes", "Bo, your dental plan changes", "Chen, your dental plan changes"]);
    tokio::time::sleep(Duration::from_millis(700)).await;
    screenshot(&browser, "approval-review").await;
    browser.execute("document.getElementById('review-copies').scrollIntoView()", vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&browser, "approval-review-copies").await;
    // Choose the three people to see it as.
    browser.goto(&app.url(&format!("{path}/review?r1={}&r2={}&r3={}", staff[3], staff[1], staff[0]))).await.unwrap();
    let first = browser.find(Locator::Css(".review-subject")).await.unwrap().text().await.unwrap();
    assert_eq!(first, "Dara, your dental plan changes");
    browser.find(Locator::Css("#approve")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("[data-action='approved']")).await.unwrap();
    screenshot(&browser, "approval-approved").await;
    sign_out(&browser).await;

    // The author sends it; the undo window ends on the test clock.
    sign_in(&browser, &app, &author).await;
    browser.goto(&app.url(&path)).await.unwrap();
    browser.find(Locator::Css("#send-now")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("#undo-send")).await.unwrap();
    app.state.config.clock.advance(chrono::Duration::seconds(31));
    let api = Api::new(&app).await;
    api.wait_for(id, "sent", 30).await;
    browser.goto(&app.url(&path)).await.unwrap();
    browser.wait().for_element(Locator::Css("[data-action='sent']")).await.unwrap();
    screenshot(&browser, "approval-sent").await;
    let counts = per_recipient(&sink);
    assert!(staff.iter().all(|e| counts.get(e) == Some(&1)), "{counts:?}");
    browser.close().await.unwrap();
}
