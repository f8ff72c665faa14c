//! End-to-end in headless Chromium: an employee reads a sent announcement in
//! the portal, opens a featured item and comments; an HR lead opens the
//! announcement's dashboard and sees the click, the comment and its
//! sentiment; and a lead turns on individual-level tracking, which the employee
//! is then told. Screenshots are saved under target/screenshots.

use fantoccini::Locator;
use herald::auth::Role;
use serde_json::json;

use crate::browser::{screenshot, sign_in, sign_out, start_browser};
use crate::helpers::TestApp;
use crate::spotlights::{published_item, Api};

#[tokio::test]
async fn a_lead_sees_the_clicks_comments_and_sentiment_an_employee_produced() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let employee = app.user(Role::Employee).await;
    let lead = app.user(Role::HrLead).await;
    let item = published_item(&app, "Dental plan 2027", "Dependents' dental coverage ends next enrolment period.").await;
    // Four colleagues too: an audience under the minimum group shows no behaviour.
    crate::spotlights::people(&app, "dent", 4, "Dental").await;
    let id = api
        .blast(json!({"title": "Dependents' dental coverage ends", "subject": "Dental", "template": "benefit-change",
                      "collateral_ids": [item], "audience": {"emails": [employee], "departments": ["Dental"]}}))
        .await;
    api.wait_for(id, "sent", 20).await;
    let (_driver, browser) = start_browser().await;

    sign_in(&browser, &app, &employee).await;
    browser.goto(&app.url(&format!("/news/{id}"))).await.unwrap();
    browser.find(Locator::Css(&format!("a[href='/news/{id}/items/{item}']"))).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("h1")).await.unwrap();
    browser.goto(&app.url(&format!("/news/{id}"))).await.unwrap();
    browser.find(Locator::Css("#comment-body")).await.unwrap().send_keys("This is unfair and a terrible cut for families.").await.unwrap();
    browser.find(Locator::Css("#comment-submit")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".comment")).await.unwrap();
    sign_out(&browser).await;

    sign_in(&browser, &app, &lead).await;
    browser.goto(&app.url(&format!("/spotlights/{id}"))).await.unwrap();
    browser.find(Locator::Css("#analytics-link")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("#key-figures")).await.unwrap();
    let figures = browser.find(Locator::Css("#key-figures")).await.unwrap().text().await.unwrap();
    assert!(figures.contains("Comments\n1"), "{figures}");
    let items = browser.find(Locator::Css("#collateral-table")).await.unwrap().text().await.unwrap();
    assert!(items.contains("Dental plan 2027 1"), "{items}");
    let channels = browser.find(Locator::Css("#channel-table")).await.unwrap().text().await.unwrap();
    assert!(channels.contains("portal"), "{channels}");
    let reaction = browser.find(Locator::Css("svg.chart desc")).await.unwrap().html(true).await.unwrap();
    assert!(reaction.contains("negative: 1"), "{reaction}");
    screenshot(&browser, "analytics-dashboard").await;
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_lead_turns_on_individual_tracking_and_the_employee_is_told() {
    let app = TestApp::spawn().await;
    let employee = app.user(Role::Employee).await;
    let lead = app.user(Role::HrLead).await;
    let (_driver, browser) = start_browser().await;

    sign_in(&browser, &app, &lead).await;
    browser.goto(&app.url("/analytics")).await.unwrap();
    browser.find(Locator::Css("#privacy-link")).await.unwrap().click().await.unwrap();
    let state = browser.wait().for_element(Locator::Css("#individual-state")).await.unwrap();
    assert_eq!(state.text().await.unwrap().to_lowercase(), "off");
    browser.find(Locator::Css("#individual-toggle")).await.unwrap().click().await.unwrap();
    // It asks first, saying what changes, on a page of its own (no script needed).
    let asked = browser.wait().for_element(Locator::Css("#confirm")).await.unwrap().text().await.unwrap();
    assert!(asked.contains("Turn individual-level tracking on?") && asked.contains("HR staff will see each recipient"), "{asked}");
    screenshot(&browser, "analytics-privacy-confirm").await;
    browser.find(Locator::Css("#confirm-action")).await.unwrap().click().await.unwrap();
    let saved = browser.wait().for_element(Locator::Css("#notice")).await.unwrap();
    assert!(saved.text().await.unwrap().contains("Saved"));
    assert_eq!(browser.find(Locator::Css("#individual-state")).await.unwrap().text().await.unwrap().to_lowercase(), "on");
    let notice = browser.find(Locator::Css("#employee-notice")).await.unwrap().text().await.unwrap();
    assert!(notice.contains("HR can see whether you personally opened"), "{notice}");
    screenshot(&browser, "analytics-privacy").await;
    sign_out(&browser).await;

    sign_in(&browser, &app, &employee).await;
    browser.goto(&app.url("/")).await.unwrap();
    let card = browser.wait().for_element(Locator::Css("#home-privacy")).await.unwrap().text().await.unwrap();
    assert!(card.contains("HR can see whether you personally opened"), "{card}");
    screenshot(&browser, "home-privacy").await;
    browser.close().await.unwrap();
}
