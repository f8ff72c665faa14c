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
async fn repeated_failures_throttle_that_client() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    for _ in 0..herald::auth::throttle::MAX_FAILURES {
        let (_, response) = app.login_as(&email, "wrong password!").await;
        assert_eq!(response.status(), 401);
    }
    let (client, response) = app.login_as(&email, PASSWORD).await;
    assert_eq!(response.status(), 429, "even the right password waits, from this client");
    assert!(response.text().await.unwrap().contains("Too many failed sign-in attempts"));
    assert_eq!(app.get(&client, "/").await.status(), 303);
}

/// A browser that says (through a trusted proxy) it comes from `ip`.
fn browser_from(ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().unwrap());
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap()
}

async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
    let client = browser_from(ip);
    let csrf = app.csrf(&client, "/login").await;
    let response = app.post_form(&client, "/login", &[("csrf", &csrf), ("email", email), ("password", password)]).await;
    (client, response)
}

#[tokio::test]
async fn an_attacker_cannot_lock_the_owner_out_of_their_account() {
    let app = TestApp::spawn_with(|config| config.trust_forwarded_for = true).await;
    let admin = app.user(Role::Admin).await;
    for attempt in 0..herald::auth::throttle::MAX_FAILURES + 3 {
        let (_, response) = login_from(&app, "203.0.113.7", &admin, "wrong password!").await;
        let expected = if attempt < herald::auth::throttle::MAX_FAILURES { 401 } else { 429 };
        assert_eq!(response.status(), expected, "attempt {attempt}");
    }
    let (_, attacker) = login_from(&app, "203.0.113.7", &admin, PASSWORD).await;
    assert_eq!(attacker.status(), 429, "the failing client waits");
    let (client, owner) = login_from(&app, "198.51.100.20", &admin, PASSWORD).await;
    assert_eq!(owner.status(), 303, "the owner, elsewhere, signs in");
    assert_eq!(app.get(&client, "/admin/users").await.status(), 200);
}

#[tokio::test]
async fn password_spraying_from_one_client_is_stopped() {
    let app = TestApp::spawn_with(|config| config.trust_forwarded_for = true).await;
    let victim = app.user(Role::Employee).await;
    for n in 0..herald::auth::throttle::CLIENT_MAX_FAILURES {
        let (_, response) = login_from(&app, "203.0.113.8", &format!("person{n}@example.com"), "Summer2024!").await;
        assert_eq!(response.status(), 401, "attempt {n}");
    }
    let (_, sprayer) = login_from(&app, "203.0.113.8", &victim, "Summer2024!").await;
    assert_eq!(sprayer.status(), 429, "one more account from the same client is refused");
    assert_eq!(login_from(&app, "198.51.100.21", &victim, PASSWORD).await.1.status(), 303);
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions_and_revokes_tokens() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let user = service::find_by_email(&app.state.db, &email).await.unwrap().unwrap();
    let token = herald::auth::tokens::create(&app.state.db, user.id, "script").await.unwrap();
    let me = |token: String| {
        let url = app.url("/api/v1/me");
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(me(token.clone()).await, 200);
    let (here, _) = app.login_as(&email, PASSWORD).await;
    let (elsewhere, _) = app.login_as(&email, PASSWORD).await;
    let csrf = app.csrf(&here, "/account/password").await;
    let form = [("csrf", csrf.as_str()), ("current", PASSWORD), ("new", "a brand new passphrase"), ("confirm", "a brand new passphrase")];
    let response = app.post_form(&here, "/account/password", &form).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Every other session of yours was signed out") && page.contains("API tokens were revoked"), "{page}");
    assert_eq!(app.get(&here, "/").await.status(), 200, "this session goes on");
    assert_eq!(app.get(&elsewhere, "/").await.status(), 303, "the other one ended");
    assert_eq!(me(token).await, 401, "the token made before the change no longer works");
}

#[tokio::test]
async fn common_and_guessable_passwords_are_refused() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let (client, _) = app.login_as(&email, PASSWORD).await;
    let csrf = app.csrf(&client, "/account/password").await;
    for (new, reason) in [
        ("aaaaaaaaaa", "repeats one character"),
        ("ZZZZZZZZZZZZZZ", "repeats one character"),
        ("abcabcabcabc", "short pattern"),
        ("qwertyuiop", "most common passwords"),
        ("password123", "most common passwords"),
        ("Iloveyou2024!", "most common passwords"),
        (email.as_str(), "email address or your name"),
        ("Test Employee 2024", "email address or your name"),
    ] {
        let form = [("csrf", csrf.as_str()), ("current", PASSWORD), ("new", new), ("confirm", new)];
        let response = app.post_form(&client, "/account/password", &form).await;
        assert_eq!(response.status(), 422, "{new}");
        let page = response.text().await.unwrap();
        assert!(page.contains(reason), "{new}: {page}");
    }
    assert_eq!(app.login_as(&email, PASSWORD).await.1.status(), 303, "the password did not change");
}

#[tokio::test]
async fn sign_in_only_ever_leads_to_a_path_on_this_site() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let hostile = [
        "/%09/evil.example", "/%0d/x", "/%0a/evil.example", "/%0D%0ASet-Cookie:x=1", "//evil.example", "%2F%2Fevil.example", "/%5Cevil.example",
        "/%5C%5Cevil.example", "%5C%5Cevil.example", "https://evil.example/", "https:evil.example", "/%2F/evil.example", "%09//evil.example",
        "/%7F/x", "javascript:alert(1)",
    ];
    // A NUL anywhere in a request is refused outright, before any page sees it.
    let nul = app.get(&app.browser(), "/login?next=/%00/x").await;
    assert_eq!(nul.status(), 400);
    assert!(nul.headers().get("location").is_none());
    for next in hostile {
        let form = app.get(&app.browser(), &format!("/login?next={next}")).await;
        assert_eq!(form.status(), 200, "{next}");
        assert!(form.text().await.unwrap().contains("name=\"next\" value=\"/\""), "{next}");
    }
    for (next, expected) in [
        ("/\t/evil.example", "/"), ("/\r/x", "/"), ("/\n/evil.example", "/"), ("/\\evil.example", "/"), ("//evil.example", "/"),
        ("/news/3?tab=comments", "/news/3?tab=comments"), ("/library/dental", "/library/dental"),
    ] {
        let client = app.browser();
        let csrf = app.csrf(&client, "/login").await;
        let response = app.post_form(&client, "/login", &[("csrf", &csrf), ("email", &email), ("password", PASSWORD), ("next", next)]).await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(location(&response), expected, "{next:?}");
    }
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
