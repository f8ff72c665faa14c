//! Single sign-on against a real OpenID provider: `oidc-provider` from npm,
//! run by tests/support/oidc_provider.mjs in its own process. Herald's
//! discovery, PKCE, state, nonce and ID-token checks meet a real provider's
//! answers, and the provider's test controls tamper with them.

use fantoccini::Locator;
use herald::auth::Role;
use herald::entities::{oidc_identity, user};
use herald::users::service;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{json, Value};

use crate::browser::{fill, screenshot, start_browser};
use crate::helpers::{location, TestApp, PASSWORD};
pub use crate::oidc_provider::{sso_app, sso_sign_in};
use crate::oidc_provider::{free_port, settings, sso_app_with, through_provider, TestProvider};

async fn person(app: &TestApp, email: &str) -> user::Model {
    service::find_by_email(&app.state.db, email).await.unwrap().unwrap_or_else(|| panic!("no account for {email}"))
}

async fn signed_in_as(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    if app.get(client, "/account").await.status() != 200 {
        return None;
    }
    let html = app.get(client, "/").await.text().await.unwrap();
    let start = html.find("Welcome, ")? + "Welcome, ".len();
    Some(html[start..start + html[start..].find('<')?].to_owned())
}

async fn last_error(app: &TestApp) -> String {
    herald::auth::oidc::status::read(&app.state.db).await.unwrap().last_error.unwrap_or_default()
}

#[tokio::test]
async fn an_employee_signs_in_in_chromium_through_the_providers_login_page() {
    let (app, _provider) = sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true")]).await;
    let (_driver, browser) = start_browser().await;

    browser.goto(&app.url("/")).await.unwrap();
    let button = browser.wait().for_element(Locator::Css("a#sso")).await.unwrap();
    assert_eq!(button.text().await.unwrap(), "Sign in with Example SSO");
    let first = browser.find(Locator::Css("section.card a.button, section.card form")).await.unwrap();
    assert_eq!(first.attr("id").await.unwrap().as_deref(), Some("sso"), "single sign-on is offered first");
    screenshot(&browser, "oidc-1-herald-login").await;
    button.click().await.unwrap();

    browser.wait().for_element(Locator::Css("input[name='login']")).await.unwrap();
    assert!(browser.current_url().await.unwrap().as_str().starts_with(&_provider.issuer), "the provider's own login page");
    fill(&browser, "login", "ann").await;
    fill(&browser, "password", "whatever the provider checks").await;
    screenshot(&browser, "oidc-2-provider-login").await;
    browser.find(Locator::Css("button[type='submit']")).await.unwrap().click().await.unwrap();
    // The provider asks for consent once.
    browser.wait().for_element(Locator::Css("input[name='prompt'][value='consent'], nav.mainnav")).await.unwrap();
    if browser.find(Locator::Css("input[name='prompt'][value='consent']")).await.is_ok() {
        browser.find(Locator::Css("button[type='submit']")).await.unwrap().click().await.unwrap();
    }

    // Herald's page, not the provider's last one, before reading its heading.
    browser.wait().for_element(Locator::Css("nav.mainnav")).await.unwrap();
    let heading = browser.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Welcome, Ann Lee");
    assert_eq!(browser.current_url().await.unwrap().as_str(), app.url("/"));
    screenshot(&browser, "oidc-3-employee-home").await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    println!("screenshots of the single sign-on: {}/oidc-*.png", dir.display());
    browser.close().await.unwrap();

    let ann = person(&app, "ann.lee@example.com").await;
    assert_eq!((ann.role.as_str(), ann.password_hash.is_none()), ("employee", true), "created just in time, without a password");
}

#[tokio::test]
async fn the_first_sign_in_creates_the_person_and_each_later_one_refreshes_their_fields() {
    let (app, provider) = sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true")]).await;
    let before = app.count_users().await;
    let (client, response) = sso_sign_in(&app, "ann").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/library", "back to the page asked for");
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Ann Lee"));
    assert_eq!(app.count_users().await, before + 1);
    let ann = person(&app, "ann.lee@example.com").await;
    assert_eq!((ann.department.as_str(), ann.location.as_str()), ("Finance", "Lisbon"));
    assert_eq!(ann.manager_email.as_deref(), Some("bo.chan@example.com"));
    assert!(ann.password_hash.is_none() && !ann.must_change_password);
    let link = oidc_identity::Entity::find().filter(oidc_identity::Column::UserId.eq(ann.id)).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((link.issuer.as_str(), link.subject.as_str()), (provider.issuer.as_str(), "ann"));

    // She moves, changes department and even her address: the subject still finds her.
    provider
        .set_account("ann", json!({"email": "ann.lee-silva@example.com", "name": "Ann Lee-Silva", "department": "Treasury", "location": "Porto", "groups": []}))
        .await;
    let (client, response) = sso_sign_in(&app, "ann").await;
    assert_eq!(response.status(), 303);
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Ann Lee-Silva"));
    assert_eq!(app.count_users().await, before + 1, "the same person, not a new one");
    let ann = user::Entity::find_by_id(ann.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(
        (ann.email.as_str(), ann.department.as_str(), ann.location.as_str(), ann.manager_email.as_deref()),
        ("ann.lee-silva@example.com", "Treasury", "Porto", Some("bo.chan@example.com")),
        "mapped fields refreshed; a claim the provider stopped sending leaves the field as it was"
    );
    // Another subject at the same provider with her address is someone else: refused.
    provider.set_account("impostor", json!({"email": "ann.lee-silva@example.com", "name": "Not Ann"})).await;
    let (client, response) = sso_sign_in(&app, "impostor").await;
    assert_eq!(response.status(), 403);
    assert!(signed_in_as(&app, &client).await.is_none());
    assert!(last_error(&app).await.contains("already linked"));

    // The organisation moved to another provider: her link from the old one does not lock her out.
    let mut stale = oidc_identity::Entity::find().filter(oidc_identity::Column::UserId.eq(ann.id)).one(&app.state.db).await.unwrap().unwrap().into_active_model();
    stale.issuer = Set("https://old-idp.example.com".into());
    stale.subject = Set("ann-at-the-old-provider".into());
    stale.update(&app.state.db).await.unwrap();
    let (client, response) = sso_sign_in(&app, "ann").await;
    assert_eq!(response.status(), 303, "{}", last_error(&app).await);
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Ann Lee-Silva"));
    let link = oidc_identity::Entity::find().filter(oidc_identity::Column::UserId.eq(ann.id)).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((link.issuer.as_str(), link.subject.as_str()), (provider.issuer.as_str(), "ann"));
}

#[tokio::test]
async fn groups_at_the_provider_decide_the_role() {
    let (app, provider) = sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true"), ("HERALD_OIDC_ROLES", "herald-admins=admin,hr=hr_staff")]).await;
    let (_, response) = sso_sign_in(&app, "bo").await;
    assert_eq!(response.status(), 303);
    assert_eq!(person(&app, "bo.chan@example.com").await.role, "hr_staff", "staff and hr: the higher role");
    let (admin, _) = sso_sign_in(&app, "root").await;
    assert_eq!(person(&app, "it.admin@example.com").await.role, "admin");
    assert_eq!(app.get(&admin, "/admin/users").await.status(), 200);
    let (ann, _) = sso_sign_in(&app, "ann").await;
    assert_eq!(person(&app, "ann.lee@example.com").await.role, "employee", "no mapped group: employee");
    assert_eq!(app.get(&ann, "/spotlights").await.status(), 403);

    // Removed from the admin group at the provider: an employee at the next sign-in.
    provider.set_account("root", json!({"email": "it.admin@example.com", "name": "IT Admin", "groups": ["staff"]})).await;
    let (demoted, _) = sso_sign_in(&app, "root").await;
    assert_eq!(person(&app, "it.admin@example.com").await.role, "employee");
    assert_eq!(app.get(&demoted, "/admin/users").await.status(), 403);
}

#[tokio::test]
async fn without_just_in_time_creation_only_known_active_people_get_in() {
    let (app, _provider) = sso_app(&[]).await;
    let before = app.count_users().await;
    let (client, response) = sso_sign_in(&app, "ann").await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("You do not have a Herald account yet"));
    assert_eq!(app.count_users().await, before, "nobody created");
    assert!(signed_in_as(&app, &client).await.is_none());
    assert!(last_error(&app).await.contains("create_unknown"), "{}", last_error(&app).await);

    // Imported from CSV (no password): found by email and linked.
    let new = service::NewUser::parse("bo.chan@example.com", "Bo Chan", "Finance", "Porto", Role::Employee).unwrap();
    herald::users::external::create_without_password(&app.state.db, new).await.unwrap();
    let (client, response) = sso_sign_in(&app, "bo").await;
    assert_eq!(response.status(), 303);
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Bo Chan"));

    // Deactivated: a clear page, no session.
    let mut bo = person(&app, "bo.chan@example.com").await.into_active_model();
    bo.active = Set(false);
    bo.update(&app.state.db).await.unwrap();
    let (client, response) = sso_sign_in(&app, "bo").await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("Your Herald account is deactivated"));
    assert!(signed_in_as(&app, &client).await.is_none());
}

#[tokio::test]
async fn tampered_id_tokens_are_refused() {
    let (app, provider) = sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true")]).await;
    for (mode, words) in [
        ("wrong_audience", "wrong audience"),
        ("expired", "expired"),
        ("bad_signature", "signature is not valid"),
        ("missing_nonce", "nonce"),
    ] {
        provider.tamper(mode).await;
        let (client, response) = sso_sign_in(&app, "ann").await;
        assert_eq!(response.status(), 403, "{mode}");
        assert!(response.text().await.unwrap().contains("Herald could not verify this sign-in"), "{mode}");
        assert!(signed_in_as(&app, &client).await.is_none(), "{mode}: no session");
        let error = last_error(&app).await;
        assert!(error.contains(words), "{mode}: the status says why in plain words: {error}");
        assert!(!error.contains("eyJ"), "{mode}: no token in the status: {error}");
    }
    assert!(service::find_by_email(&app.state.db, "ann.lee@example.com").await.unwrap().is_none(), "no account from a refused token");
    provider.tamper("none").await;
    let (client, response) = sso_sign_in(&app, "ann").await;
    assert_eq!(response.status(), 303, "the same provider's honest token is accepted");
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Ann Lee"));
}

#[tokio::test]
async fn a_state_works_once_and_only_in_the_browser_that_began_it() {
    let (app, provider) = sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true")]).await;
    let client = app.browser();
    let callback = through_provider(&app, &client, "ann", "/").await;

    // The answer carried to another browser (a stolen or leaked URL).
    let other = app.browser();
    let stolen = other.get(&callback).send().await.unwrap();
    assert_eq!(stolen.status(), 403);
    assert!(signed_in_as(&app, &other).await.is_none());

    let client = app.browser();
    let callback = through_provider(&app, &client, "ann", "/").await;
    assert_eq!(client.get(&callback).send().await.unwrap().status(), 303);
    let replayed = client.get(&callback).send().await.unwrap();
    assert_eq!(replayed.status(), 403, "a replayed state is refused");
    assert!(replayed.text().await.unwrap().contains("expired or was already used"));
    assert!(last_error(&app).await.contains("already used"));
    let forged = client.get(app.url("/auth/oidc/callback?code=x&state=made-up")).send().await.unwrap();
    assert_eq!(forged.status(), 403);

    // An answer that names another issuer (RFC 9207) is refused, and its state is spent.
    let client = app.browser();
    let callback = through_provider(&app, &client, "ann", "/").await;
    let issuer = format!("iss={}", url::form_urlencoded::byte_serialize(provider.issuer.as_bytes()).collect::<String>());
    assert!(callback.contains(&issuer), "the provider names itself: {callback}");
    let mixed_up = callback.replace(&issuer, "iss=https%3A%2F%2Fevil.example");
    assert_eq!(client.get(&mixed_up).send().await.unwrap().status(), 403);
    assert!(last_error(&app).await.contains("another issuer"));
    assert_eq!(client.get(&callback).send().await.unwrap().status(), 403, "the state was used up by the refused answer");
}

#[tokio::test]
async fn keys_rotated_at_the_provider_are_fetched_once_and_sign_in_goes_on() {
    let (app, provider) = sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true")]).await;
    assert_eq!(sso_sign_in(&app, "ann").await.1.status(), 303);
    let fetched = provider.jwks_fetches().await;
    assert_eq!(sso_sign_in(&app, "ann").await.1.status(), 303);
    assert_eq!(provider.jwks_fetches().await, fetched, "the key set is cached between sign-ins");

    provider.rotate_keys().await;
    let (client, response) = sso_sign_in(&app, "ann").await;
    assert_eq!(response.status(), 303, "signed with the new key: {}", last_error(&app).await);
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Ann Lee"));
    assert_eq!(provider.jwks_fetches().await, fetched + 1, "the unknown key made Herald fetch the key set once");
}

#[tokio::test]
async fn in_sso_only_mode_passwords_work_for_the_break_glass_administrator_alone() {
    let port = free_port();
    let break_glass = "root@example.com";
    let oidc = settings(port, &[("HERALD_OIDC_ONLY", "true"), ("HERALD_OIDC_BREAK_GLASS_EMAIL", break_glass)]);
    let app = TestApp::spawn_with(|config| config.oidc = Some(oidc)).await;
    let _provider = TestProvider::start(port, &app).await;
    service::create(&app.state.db, service::NewUser::parse(break_glass, "Root", "", "", Role::Admin).unwrap(), Some(PASSWORD)).await.unwrap();
    let employee = app.user(Role::Employee).await;
    let other_admin = app.user(Role::Admin).await;

    let page = app.get(&app.browser(), "/login").await.text().await.unwrap();
    assert!(page.contains("Sign in with Example SSO") && !page.contains("type=\"password\""), "no password form: {page}");
    assert!(page.contains("href=\"/login?break_glass=1\""), "only a small break-glass link");

    for email in [employee.as_str(), other_admin.as_str(), "nobody@example.com"] {
        let client = app.browser();
        let csrf = app.csrf(&client, "/login?break_glass=1").await;
        let refused = app.post_form(&client, "/login", &[("csrf", &csrf), ("email", email), ("password", PASSWORD)]).await;
        assert_eq!(refused.status(), 403, "{email}");
        assert!(refused.text().await.unwrap().contains("password sign-in is turned off"));
        assert!(signed_in_as(&app, &client).await.is_none(), "{email}");
    }
    // A wrong break-glass password gets the same answer: the address is not given away.
    let client = app.browser();
    let csrf = app.csrf(&client, "/login?break_glass=1").await;
    let wrong = app.post_form(&client, "/login", &[("csrf", &csrf), ("email", break_glass), ("password", "not the password")]).await;
    assert_eq!(wrong.status(), 403);
    assert!(wrong.text().await.unwrap().contains("password sign-in is turned off"));

    let csrf = app.csrf(&client, "/login?break_glass=1").await;
    let admitted = app.post_form(&client, "/login", &[("csrf", &csrf), ("email", break_glass), ("password", PASSWORD)]).await;
    assert_eq!(admitted.status(), 303);
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Root"));
}

#[tokio::test]
async fn with_the_provider_down_a_clear_page_and_the_break_glass_password_still_work() {
    let port = free_port();
    let break_glass = "root@example.com";
    let oidc = settings(port, &[("HERALD_OIDC_ONLY", "true"), ("HERALD_OIDC_BREAK_GLASS_EMAIL", break_glass)]);
    // Nothing listens on the provider's port.
    let app = TestApp::spawn_with(|config| config.oidc = Some(oidc)).await;
    service::create(&app.state.db, service::NewUser::parse(break_glass, "Root", "", "", Role::Admin).unwrap(), Some(PASSWORD)).await.unwrap();

    let client = app.browser();
    let down = app.get(&client, "/auth/oidc/login?next=/library").await;
    assert_eq!(down.status(), 503);
    let html = down.text().await.unwrap();
    assert!(html.contains("Example SSO cannot be reached right now"), "{html}");
    assert!(html.contains("href=\"/login?break_glass=1\""));
    let status = herald::auth::oidc::status::read(&app.state.db).await.unwrap();
    assert!(!status.discovery_reachable && status.last_error.unwrap().contains("could not be reached"));

    let csrf = app.csrf(&client, "/login?break_glass=1").await;
    let admitted = app.post_form(&client, "/login", &[("csrf", &csrf), ("email", break_glass), ("password", PASSWORD)]).await;
    assert_eq!(admitted.status(), 303);
    let identity = app.get(&client, "/admin/identity/oidc").await.text().await.unwrap();
    assert!(identity.contains("id=\"oidc-unreachable\"") && identity.contains("could not be reached"), "{identity}");
}

#[tokio::test]
async fn signing_out_offers_the_providers_end_session_and_the_identity_page_shows_its_status() {
    let (app, provider) = sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true"), ("HERALD_OIDC_ROLES", "herald-admins=admin")]).await;
    let (client, _) = sso_sign_in(&app, "ann").await;
    let csrf = crate::helpers::csrf_in(&app.get(&client, "/").await.text().await.unwrap()).unwrap();
    let out = app.post_form(&client, "/logout", &[("csrf", &csrf)]).await;
    assert_eq!((out.status().as_u16(), location(&out).as_str()), (303, "/auth/oidc/signed-out"));
    assert!(signed_in_as(&app, &client).await.is_none(), "Herald's session has ended");
    let page = app.get(&client, "/auth/oidc/signed-out").await.text().await.unwrap();
    let end_session = format!("href=\"{}/session/end?client_id=herald&#38;post_logout_redirect_uri=", provider.issuer);
    assert!(page.contains("Also sign out of Example SSO") && page.contains(&end_session), "{page}");
    let ended = reqwest::Client::new().get(format!("{}/session/end?client_id=herald&post_logout_redirect_uri={}", provider.issuer, app.url("/login"))).send().await.unwrap();
    assert_eq!(ended.status(), 200, "the provider accepts Herald's end-session request");

    let anonymous = app.get(&client, "/admin/identity/oidc").await;
    assert!(anonymous.status() == 303 && location(&anonymous).starts_with("/login"), "signed out: to the sign-in page");
    let (employee, _) = sso_sign_in(&app, "ann").await;
    assert_eq!(app.get(&employee, "/admin/identity/oidc").await.status(), 403);
    provider.tamper("expired").await;
    sso_sign_in(&app, "root").await;
    provider.tamper("none").await;
    let (admin, _) = sso_sign_in(&app, "root").await;
    let html = app.get(&admin, "/admin/identity/oidc").await.text().await.unwrap();
    assert!(html.contains("id=\"oidc-reachable\""), "{html}");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(html.contains(&format!("id=\"oidc-last-sign-in\">{today}")), "{html}");
    assert!(html.contains("the ID token has expired"), "the last error in plain words: {html}");
    assert!(!html.contains("herald-test-secret"), "the client secret is never shown");

    // The same status for scripts, in the API.
    let token = app.token(Role::Admin).await;
    let api: Value = reqwest::Client::new().get(app.url("/api/v1/identity/oidc")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!((api["configured"].as_bool(), api["discovery_reachable"].as_bool()), (Some(true), Some(true)), "{api}");
    assert!(api["last_sign_in_at"].as_str().unwrap().starts_with(&today), "{api}");
    assert!(api["last_error"].as_str().unwrap().contains("the ID token has expired"), "{api}");
    assert!(!api.to_string().contains("herald-test-secret"));
    drop(provider);
    let api: Value = reqwest::Client::new().get(app.url("/api/v1/identity/oidc")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(api["discovery_reachable"].as_bool(), Some(false), "checked when asked: the provider has stopped: {api}");
    assert!(api["discovery_error"].as_str().unwrap().contains("Example SSO could not be reached"), "{api}");
}

#[tokio::test]
async fn the_issuer_is_reached_without_an_outbound_allow_entry() {
    // The operator named the issuer in herald.toml: the guard lets Herald reach
    // that host even though it is loopback, with nothing in outbound_allow.
    let (app, _provider) = sso_app_with(&[("HERALD_OIDC_CREATE_UNKNOWN", "true")], |config| config.outbound_allow.clear()).await;
    let (client, response) = sso_sign_in(&app, "ann").await;
    assert_eq!(response.status(), 303, "{}", last_error(&app).await);
    assert_eq!(signed_in_as(&app, &client).await.as_deref(), Some("Ann Lee"));
}
