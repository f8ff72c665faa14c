//! In headless Chromium: an employee confirms a policy from the banner on
//! their home page, and HR's compliance page shows the change.

use fantoccini::Locator;
use herald::auth::Role;
use serde_json::json;

use crate::acknowledgements::today_plus;
use crate::browser::{screenshot, sign_in, sign_out, start_browser};
use crate::helpers::TestApp;
use crate::spotlights::{published_item, Api};

#[tokio::test]
async fn an_employee_confirms_from_the_portal_banner_and_hr_sees_the_compliance_page_change() {
    let app = TestApp::spawn().await;
    let employee = app.user(Role::Employee).await;
    let colleague = app.user(Role::Employee).await;
    let hr = app.user(Role::HrStaff).await;
    let item = published_item(&app, "Remote Work Policy", "You may work from home up to **three days** a week.").await;
    let (status, created) = Api::new(&app)
        .await
        .post("/acknowledgements", json!({"collateral_id": item, "audience": {"emails": [employee, colleague]}, "due_date": today_plus(&app, 7), "question": "Anything unclear?"}))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (_driver, browser) = start_browser().await;

    sign_in(&browser, &app, &hr).await;
    browser.goto(&app.url(&format!("/acknowledgements/{id}"))).await.unwrap();
    let confirmed = browser.wait().for_element(Locator::Css("#confirmed-count")).await.unwrap().text().await.unwrap();
    assert_eq!(confirmed, "0");
    assert_eq!(browser.find(Locator::Css("#pending-count")).await.unwrap().text().await.unwrap(), "2");
    screenshot(&browser, "acknowledgement-compliance-before").await;
    sign_out(&browser).await;

    sign_in(&browser, &app, &employee).await;
    let banner = browser.wait().for_element(Locator::Css("#acknowledgement-banner")).await.unwrap();
    assert!(banner.text().await.unwrap().contains("Remote Work Policy"));
    screenshot(&browser, "acknowledgement-home-banner").await;
    browser.find(Locator::Css("#acknowledgement-banner a")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("#confirm-form")).await.unwrap();
    browser.find(Locator::Css("textarea[name='answer']")).await.unwrap().send_keys("All clear").await.unwrap();
    screenshot(&browser, "acknowledgement-confirm-page").await;
    browser.find(Locator::Css("#confirm-button")).await.unwrap().click().await.unwrap();
    let done = browser.wait().for_element(Locator::Css("#confirmed")).await.unwrap().text().await.unwrap();
    assert!(done.contains("you confirmed this"), "{done}");
    screenshot(&browser, "acknowledgement-confirmed").await;
    browser.goto(&app.url("/")).await.unwrap();
    browser.wait().for_element(Locator::Css("nav.mainnav")).await.unwrap();
    assert!(browser.find(Locator::Css("#acknowledgement-banner")).await.is_err(), "the banner is gone once confirmed");
    sign_out(&browser).await;

    sign_in(&browser, &app, &hr).await;
    browser.goto(&app.url(&format!("/acknowledgements/{id}"))).await.unwrap();
    let confirmed = browser.wait().for_element(Locator::Css("#confirmed-count")).await.unwrap().text().await.unwrap();
    assert_eq!(confirmed, "1");
    assert_eq!(browser.find(Locator::Css("#pending-count")).await.unwrap().text().await.unwrap(), "1");
    let outstanding = browser.find(Locator::Css("#outstanding")).await.unwrap().text().await.unwrap();
    assert!(outstanding.contains(&colleague) && !outstanding.contains(&employee), "{outstanding}");
    screenshot(&browser, "acknowledgement-compliance-after").await;
    browser.close().await.unwrap();
}
