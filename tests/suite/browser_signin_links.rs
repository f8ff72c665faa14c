//! End-to-end in headless Chromium: an imported employee with no password
//! asks for a sign-in link on the login page, opens it from the message the
//! SMTP server received, continues, and lands on their home page.

use fantoccini::Locator;

use crate::browser::{fill, screenshot, start_browser};
use crate::helpers::TestApp;
use crate::signin_links::new_link;
use crate::smtp::SmtpSink;
use crate::spotlights::{mail_via, people};

#[tokio::test]
async fn an_imported_employee_signs_in_with_an_emailed_link_in_chromium() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 50)).await;
    let email = people(&app, "linkreader", 1, "Sales").await.remove(0);
    let (_driver, browser) = start_browser().await;

    browser.goto(&app.url("/login")).await.unwrap();
    browser.find(Locator::Css("#email-me-a-link")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("form[action='/login/link']")).await.unwrap();
    fill(&browser, "email", &email).await;
    screenshot(&browser, "sign-in-link-request").await;
    browser.find(Locator::Css("#send-link")).await.unwrap().click().await.unwrap();
    let sent = browser.wait().for_element(Locator::Css("#link-sent")).await.unwrap().text().await.unwrap();
    assert!(sent.contains("Check your inbox") && sent.contains(&email), "{sent}");

    let link = new_link(&sink, &email, &[]).await;
    browser.goto(&app.url(&link)).await.unwrap();
    let button = browser.wait().for_element(Locator::Css("#continue")).await.unwrap();
    assert_eq!(button.text().await.unwrap(), "Continue as Ana linkreader0");
    screenshot(&browser, "sign-in-link-continue").await;
    button.click().await.unwrap();

    // Signed in: the navigation is there (and the continue page is gone).
    browser.wait().for_element(Locator::Css("nav.mainnav")).await.unwrap();
    let heading = browser.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Welcome, Ana linkreader0");
    assert_eq!(browser.current_url().await.unwrap().path(), "/");
    screenshot(&browser, "sign-in-link-home").await;
    browser.close().await.unwrap();
}
