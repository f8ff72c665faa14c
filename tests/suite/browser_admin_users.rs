//! The users page in Chromium: an administrator finds a person by location,
//! reads their status in words, corrects their department and is told so.

use fantoccini::Locator;
use herald::auth::Role;

use crate::browser::{screenshot, sign_in, start_browser};
use crate::helpers::TestApp;

#[tokio::test]
async fn an_admin_finds_a_person_reads_their_status_and_corrects_their_department() {
    let app = TestApp::spawn().await;
    let csv = "email,name,department,location\nquinn@example.com,Quinn Legal,Legal,Faro\nrita@example.com,Rita Sales,Sales,Porto\n";
    herald::users::import::import(&app.state.db, csv.as_bytes(), false, |_| {}).await.unwrap();
    let admin = app.user(Role::Admin).await;
    let (_driver, browser) = start_browser().await;
    sign_in(&browser, &app, &admin).await;

    browser.goto(&app.url("/admin/users")).await.unwrap();
    let search = browser.wait().for_element(Locator::Css("form[role='search'] input[name='q']")).await.unwrap();
    search.send_keys("faro").await.unwrap();
    browser.find(Locator::Css("form[role='search'] button")).await.unwrap().click().await.unwrap();
    let table = browser.wait().for_element(Locator::Css("table.table tbody")).await.unwrap().text().await.unwrap();
    assert!(table.contains("Quinn Legal") && !table.contains("Rita Sales"), "{table}");
    let status = browser.find(Locator::Css("tbody [data-status]")).await.unwrap().text().await.unwrap();
    assert_eq!(status, "Not invited yet", "the status is words, not a button");
    screenshot(&browser, "admin-users-1280").await;
    browser.set_window_size(390, 844).await.unwrap();
    screenshot(&browser, "admin-users-390").await;
    browser.set_window_size(1280, 900).await.unwrap();

    browser.find(Locator::Css("a[aria-label='Edit Quinn Legal']")).await.unwrap().click().await.unwrap();
    let department = browser.wait().for_element(Locator::Css("input[name='department']")).await.unwrap();
    department.clear().await.unwrap();
    department.send_keys("Compliance").await.unwrap();
    browser.find(Locator::Css("form[action^='/admin/users/'] button[type='submit']")).await.unwrap().click().await.unwrap();
    let notice = browser.wait().for_element(Locator::Css("#notice")).await.unwrap().text().await.unwrap();
    assert_eq!(notice, "Saved: the person's details are updated.");
    let value = browser.find(Locator::Css("input[name='department']")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(value.as_deref(), Some("Compliance"));
    screenshot(&browser, "admin-user-edit").await;
    browser.close().await.unwrap();
}
