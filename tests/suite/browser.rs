//! End-to-end in headless Chromium: the first admin signs in, is made to
//! choose a password, and lands on the home page.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use herald::users::service;
use serde_json::json;

use crate::helpers::TestApp;

/// A chromedriver process, killed when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn start_browser() -> (Driver, Client) {
    // Two TLS back-ends are linked into the test binary; pick one explicitly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {binary} ({err}); scripts/test installs chromium-driver"));
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
    for _ in 0..100 {
        if reqwest::get(format!("{}/status", driver.url)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let user_data = tempfile::tempdir().unwrap().keep();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     // Headless Chromium names itself in its user agent, and Herald
                     // counts that as a scanner; the tests play people.
                     "--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
                     format!("--user-data-dir={}", user_data.display())]
        }),
    );
    let client = ClientBuilder::rustls()
        .expect("tls")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("connect to chromedriver");
    (driver, client)
}

/// Saved under target/screenshots so a person can look at what the test saw.
pub async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

pub async fn fill(client: &Client, name: &str, value: &str) {
    client.find(Locator::Css(&format!("input[name='{name}']"))).await.unwrap().send_keys(value).await.unwrap();
}

#[tokio::test]
async fn first_admin_signs_in_in_chromium_and_sees_home() {
    let app = TestApp::spawn().await;
    let password = service::ensure_first_admin(&app.state.db, "admin@herald.local").await.unwrap().unwrap();
    let (_driver, browser) = start_browser().await;

    browser.goto(&app.url("/")).await.unwrap();
    assert!(browser.current_url().await.unwrap().path().starts_with("/login"));
    fill(&browser, "email", "admin@herald.local").await;
    fill(&browser, "password", &password).await;
    screenshot(&browser, "login").await;
    browser.find(Locator::Css("button[type='submit']")).await.unwrap().click().await.unwrap();

    browser.wait().for_element(Locator::Css("input[name='confirm']")).await.unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), "/account/password");
    fill(&browser, "current", &password).await;
    fill(&browser, "new", "a brand new password").await;
    fill(&browser, "confirm", "a brand new password").await;
    browser.find(Locator::Css("form[action='/account/password'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".alert.success")).await.unwrap();

    browser.goto(&app.url("/")).await.unwrap();
    let heading = browser.wait().for_element(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Welcome, Administrator");
    let nav = browser.find(Locator::Css("nav.mainnav")).await.unwrap().text().await.unwrap();
    assert!(nav.contains("Directory") && nav.contains("Users") && nav.contains("Import"), "admin navigation: {nav}");
    screenshot(&browser, "home-admin").await;
    browser.close().await.unwrap();
}

pub async fn sign_in(browser: &Client, app: &TestApp, email: &str) {
    browser.goto(&app.url("/login")).await.unwrap();
    fill(browser, "email", email).await;
    fill(browser, "password", crate::helpers::PASSWORD).await;
    browser.find(Locator::Css("form[action='/login'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("nav.mainnav")).await.unwrap();
}

pub async fn sign_out(browser: &Client) {
    browser.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("form[action='/login']")).await.unwrap();
}

#[tokio::test]
async fn hr_attaches_a_pdf_and_an_employee_finds_it_by_a_word_inside() {
    let app = TestApp::spawn().await;
    let hr = app.user(herald::auth::Role::HrStaff).await;
    let employee = app.user(herald::auth::Role::Employee).await;
    let (_driver, browser) = start_browser().await;

    sign_in(&browser, &app, &hr).await;
    browser.goto(&app.url("/library/new")).await.unwrap();
    fill(&browser, "title", "Dental Benefits Guide 2027").await;
    browser.find(Locator::Css("textarea[name='summary']")).await.unwrap().send_keys("What the dental plan covers for you and your family.").await.unwrap();
    browser.find(Locator::Css("select[name='status'] option[value='published']")).await.unwrap().click().await.unwrap();
    fill(&browser, "tags", "dental, dependents").await;
    browser.find(Locator::Css("button[value='save']")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("input[type='file']")).await.unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), "/library/dental-benefits-guide-2027");

    let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/benefits-guide.pdf");
    browser.find(Locator::Css("input[type='file']")).await.unwrap().send_keys(pdf.to_str().unwrap()).await.unwrap();
    browser.find(Locator::Css("form[enctype='multipart/form-data'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("ul.files a")).await.unwrap();
    screenshot(&browser, "library-item-hr").await;
    sign_out(&browser).await;

    sign_in(&browser, &app, &employee).await;
    let mut found = false;
    for _ in 0..50 {
        browser.goto(&app.url("/library?q=orthodontic")).await.unwrap();
        if browser.find(Locator::Css("article.hit h2 a")).await.is_ok() {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found, "the employee's search for a word inside the PDF found nothing");
    let title = browser.find(Locator::Css("article.hit h2 a")).await.unwrap().text().await.unwrap();
    assert_eq!(title, "Dental Benefits Guide 2027");
    screenshot(&browser, "library-search-employee").await;
    browser.find(Locator::Css("article.hit h2 a")).await.unwrap().click().await.unwrap();
    let link = browser.wait().for_element(Locator::Css("ul.files a")).await.unwrap().text().await.unwrap();
    assert_eq!(link, "benefits-guide.pdf");
    assert!(browser.find(Locator::Css("input[type='file']")).await.is_err(), "employees get no upload form");
    browser.close().await.unwrap();
}
