//! Signing in and out, passwords, CSRF, throttling, errors and health.

use herald::auth::Role;
use herald::users::service;

use crate::helpers::{location, TestApp, PASSWORD};

#[tokio::test]
async fn health_check_answers_ok_when_the_database_does() {
    let app = TestApp::spawn().await;
    let response = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    let response = app.get(&client, "/directory").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?next=%2Fdirectory");
    let login = app.get(&client, "/login").await;
    assert_eq!(login.status(), 200);
    assert!(login.text().await.unwrap().contains("Sign in to Herald"));
}

#[tokio::test]
async fn a_user_signs_in_sees_home_and_signs_out() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let (client, response) = app.login_as(&email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let set_cookie = session_cookie(&response);
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");

    let home = app.get(&client, "/").await.text().await.unwrap();
    assert!(home.contains("Welcome, Test Employee"));
    assert!(!home.contains("href=\"/directory\""), "employees get no directory link");

    let csrf = app.csrf(&client, "/").await;
    let response = app.post_form(&client, "/logout", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.get(&client, "/").await.status(), 303, "the session ended");
}

#[tokio::test]
async fn logout_invalidates_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let (client, response) = app.login_as(&email, PASSWORD).await;
    let cookie = session_cookie(&response).split(';').next().unwrap().to_owned();
    let csrf = app.csrf(&client, "/").await;
    app.post_form(&client, "/logout", &[("csrf", &csrf)]).await;
    // Replaying the old cookie from another client does not work any more.
    let replay = app.browser().get(app.url("/")).header("cookie", cookie).send().await.unwrap();
    assert_eq!(replay.status(), 303);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let (client, response) = app.login_as(&email, "wrong password!").await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("The email or password is not correct."));
    assert_eq!(app.get(&client, "/").await.status(), 303, "no session was created");
    let (_, unknown) = app.login_as("nobody@example.com", "whatever123").await;
    assert_eq!(unknown.status(), 401, "unknown accounts get the same answer");
}

#[tokio::test]
async fn repeated_failures_throttle_the_account() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    for _ in 0..herald::auth::throttle::MAX_FAILURES {
        let (_, response) = app.login_as(&email, "wrong password!").await;
        assert_eq!(response.status(), 401);
    }
    let (client, response) = app.login_as(&email, PASSWORD).await;
    assert_eq!(response.status(), 429, "even the right password waits");
    assert!(response.text().await.unwrap().contains("Too many failed sign-in attempts"));
    assert_eq!(app.get(&client, "/").await.status(), 303);
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_rejected() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;

    let client = app.browser();
    app.get(&client, "/login").await;
    let response = app.post_form(&client, "/login", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("This form has expired"));

    let (client, _) = app.login_as(&email, PASSWORD).await;
    let form = [("current", PASSWORD), ("new", "another-password-1"), ("confirm", "another-password-1")];
    let response = app.post_form(&client, "/account/password", &form).await;
    assert_eq!(response.status(), 403);
    let forged = [("csrf", "forged"), ("current", PASSWORD), ("new", "another-password-1"), ("confirm", "another-password-1")];
    assert_eq!(app.post_form(&client, "/account/password", &forged).await.status(), 403);
    let (_, again) = app.login_as(&email, PASSWORD).await;
    assert_eq!(again.status(), 303, "the password did not change");
}

#[tokio::test]
async fn sign_in_replaces_a_planted_session_cookie() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client
        .post(app.url("/login"))
        .header("cookie", "herald_session=planted-by-attacker; herald_login_csrf=knowntoken")
        .form(&[("csrf", "knowntoken"), ("email", email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let session = session_cookie(&response);
    assert!(!session.contains("planted-by-attacker"));
}

#[tokio::test]
async fn the_first_admin_must_choose_a_password() {
    let app = TestApp::spawn().await;
    let one_time = service::ensure_first_admin(&app.state.db, "admin@herald.local").await.unwrap().expect("created");
    assert!(service::ensure_first_admin(&app.state.db, "admin@herald.local").await.unwrap().is_none(), "only once");

    let (client, response) = app.login_as("admin@herald.local", &one_time).await;
    assert_eq!(location(&response), "/account/password");
    assert_eq!(location(&app.get(&client, "/admin/users").await), "/account/password", "nothing else until changed");

    let csrf = app.csrf(&client, "/account/password").await;
    let short = [("csrf", csrf.as_str()), ("current", one_time.as_str()), ("new", "short"), ("confirm", "short")];
    let response = app.post_form(&client, "/account/password", &short).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("at least 10 characters"));

    let good = [("csrf", csrf.as_str()), ("current", one_time.as_str()), ("new", "my own password"), ("confirm", "my own password")];
    let response = app.post_form(&client, "/account/password", &good).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.get(&client, "/admin/users").await.status(), 200);
    let (_, old) = app.login_as("admin@herald.local", &one_time).await;
    assert_eq!(old.status(), 401, "the one-time password no longer works");
}

#[tokio::test]
async fn errors_are_friendly_pages_for_browsers_and_json_for_the_api() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Employee).await;
    let page = app.get(&client, "/no/such/page").await;
    assert_eq!(page.status(), 404);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("Back to Herald"));

    let api = reqwest::get(app.url("/api/v1/no-such-thing")).await.unwrap();
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Admin).await;
    for path in ["/", "/login", "/account", "/directory", "/admin/users", "/admin/import", "/healthz", "/nope"] {
        let response = app.get(&client, path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}");
    }
}

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("herald_session="))
        .expect("a session cookie")
}
