//! The real OpenID provider of the single sign-on tests and helpers to sign
//! in through it: tests/support/oidc_provider.mjs (`oidc-provider` from npm)
//! in its own process, and a reqwest "browser" that fills in its pages.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use herald::config::Config;
use serde_json::Value;

use crate::helpers::{location, TestApp};

/// The test provider's process, stopped when dropped.
pub struct TestProvider {
    child: Child,
    pub issuer: String,
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl TestProvider {
    /// Starts the provider on `port`, with Herald's callback registered.
    pub async fn start(port: u16, app: &TestApp) -> TestProvider {
        let support = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
        assert!(support.join("oidc/node_modules/oidc-provider").exists(), "run `npm ci` in tests/support/oidc (scripts/test does it)");
        let child = Command::new("node")
            .arg(support.join("oidc_provider.mjs"))
            .arg(port.to_string())
            .arg(app.url("/auth/oidc/callback"))
            .arg(app.url("/login"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (Node.js 20 or later) runs the test provider");
        let provider = TestProvider { child, issuer: format!("http://127.0.0.1:{port}") };
        for _ in 0..300 {
            if reqwest::get(format!("{}/.well-known/openid-configuration", provider.issuer)).await.is_ok_and(|r| r.status() == 200) {
                return provider;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the test OpenID provider did not start on port {port}");
    }

    async fn control(&self, path: &str) -> Value {
        let response = reqwest::Client::new().post(format!("{}{path}", self.issuer)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub async fn tamper(&self, mode: &str) {
        self.control(&format!("/__test/tamper?mode={mode}")).await;
    }

    pub async fn rotate_keys(&self) {
        self.control("/__test/rotate").await;
    }

    /// Replaces the claims of the account `id` at the provider.
    pub async fn set_account(&self, id: &str, claims: Value) {
        let response = reqwest::Client::new().post(format!("{}/__test/account?id={id}", self.issuer)).json(&claims).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }

    pub async fn jwks_fetches(&self) -> u64 {
        let stats: Value = reqwest::get(format!("{}/__test/stats", self.issuer)).await.unwrap().json().await.unwrap();
        stats["jwks_fetches"].as_u64().unwrap()
    }
}

/// The `[oidc]` settings for the test provider on `port`, with `extra` `HERALD_OIDC_*` pairs.
pub fn settings(port: u16, extra: &[(&str, &str)]) -> herald::auth::oidc::OidcConfig {
    let mut env = vec![
        ("HERALD_OIDC_ISSUER".to_owned(), format!("http://127.0.0.1:{port}")),
        ("HERALD_OIDC_CLIENT_ID".to_owned(), "herald".to_owned()),
        ("HERALD_OIDC_CLIENT_SECRET".to_owned(), "herald-test-secret".to_owned()),
        ("HERALD_OIDC_SCOPES".to_owned(), "email profile herald".to_owned()),
        ("HERALD_OIDC_DISPLAY_NAME".to_owned(), "Example SSO".to_owned()),
    ];
    env.extend(extra.iter().map(|(key, value)| (key.to_string(), value.to_string())));
    herald::auth::oidc::OidcConfig::from_layers(None, &env).unwrap().unwrap()
}

/// Herald configured for the test provider, and the provider, running.
pub async fn sso_app(extra: &[(&str, &str)]) -> (TestApp, TestProvider) {
    sso_app_with(extra, |_| {}).await
}

pub async fn sso_app_with(extra: &[(&str, &str)], tweak: impl FnOnce(&mut Config)) -> (TestApp, TestProvider) {
    let port = free_port();
    let oidc = settings(port, extra);
    let app = TestApp::spawn_with(|config| {
        config.oidc = Some(oidc);
        tweak(config);
    })
    .await;
    let provider = TestProvider::start(port, &app).await;
    (app, provider)
}

fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base).unwrap().join(location).unwrap().to_string()
}

fn form_action(html: &str) -> String {
    let start = html.find("action=\"").expect("a form on the provider's page") + "action=\"".len();
    html[start..start + html[start..].find('"').unwrap()].replace("&amp;", "&")
}

/// Starts Herald's SSO sign-in in `client`, signs in at the provider's
/// pages as `login`, and returns the callback URL the provider sends back
/// to (not yet followed).
pub async fn through_provider(app: &TestApp, client: &reqwest::Client, login: &str, next: &str) -> String {
    let start = app.get(client, &format!("/auth/oidc/login?next={next}")).await;
    assert_eq!(start.status(), 303, "Herald sends the browser to the provider");
    let mut url = location(&start);
    assert!(url.contains("code_challenge_method=S256") && url.contains("nonce=") && url.contains("state="), "PKCE, nonce and state: {url}");
    for _ in 0..20 {
        if url.starts_with(&app.url("/auth/oidc/callback")) {
            return url;
        }
        let response = client.get(&url).send().await.unwrap();
        if response.status().is_redirection() {
            url = absolute(&url, &location(&response));
            continue;
        }
        let page = response.url().to_string();
        let html = response.text().await.unwrap();
        let action = absolute(&page, &form_action(&html));
        let fields: Vec<(&str, &str)> = if html.contains("name=\"prompt\" value=\"login\"") {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else if html.contains("name=\"prompt\" value=\"consent\"") {
            vec![("prompt", "consent")]
        } else {
            panic!("unexpected page at the provider ({page}): {html}");
        };
        let submitted = client.post(&action).form(&fields).send().await.unwrap();
        assert!(submitted.status().is_redirection(), "the provider's form answers with a redirect, got {}", submitted.status());
        url = absolute(&action, &location(&submitted));
    }
    panic!("the provider never sent the browser back to Herald");
}

/// A whole SSO sign-in in a fresh client: the client and Herald's answer to the callback.
pub async fn sso_sign_in(app: &TestApp, login: &str) -> (reqwest::Client, reqwest::Response) {
    let client = app.browser();
    let callback = through_provider(app, &client, login, "/library").await;
    let response = client.get(&callback).send().await.unwrap();
    (client, response)
}
