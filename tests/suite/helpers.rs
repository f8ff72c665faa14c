//! `TestApp`: a running Herald and helpers to drive it like a browser or an API client.

use herald::auth::Role;
use herald::config::{Config, Overrides};
use herald::startup::Application;
use herald::state::AppState;
use herald::users::service::{self, NewUser};
use reqwest::redirect::Policy;
use sea_orm::{ConnectionTrait, Database};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    /// `None` for SQLite inside the data directory.
    pub database_url: Option<String>,
    data_dir: Option<tempfile::TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
}

/// A fresh PostgreSQL database when the suite runs against PostgreSQL.
pub async fn fresh_database() -> Option<String> {
    let admin_url = std::env::var("HERALD_TEST_POSTGRES").ok().filter(|url| !url.is_empty())?;
    let name = format!("herald_test_{}", herald::auth::password::random_secret(9).to_lowercase().replace(['-', '_'], "x"));
    let admin = Database::connect(&admin_url).await.expect("connect to HERALD_TEST_POSTGRES");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    admin.close().await.ok();
    let mut url = url::Url::parse(&admin_url).expect("HERALD_TEST_POSTGRES is a URL");
    url.set_path(&name);
    Some(url.to_string())
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts with settings adjusted by `tweak` (e.g. a small upload limit).
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::start(fresh_database().await, tempfile::tempdir().expect("temp dir"), tweak).await
    }

    async fn start(database_url: Option<String>, data_dir: tempfile::TempDir, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let overrides = Overrides { bind: Some("127.0.0.1:0".parse().unwrap()), database_url: database_url.clone(), ..Default::default() };
        let mut config = Config::load(data_dir.path(), None, overrides).expect("config");
        // The tests' webhook and social receivers listen on loopback; a test of
        // the outbound guard clears this in its tweak.
        config.outbound_allow = vec!["127.0.0.0/8".parse().unwrap()];
        tweak(&mut config);
        let mut attempt = 0;
        // A server that was just stopped may still hold the search index for a moment.
        let app = loop {
            match Application::build(config.clone()).await {
                Ok(app) => break app,
                Err(err) if attempt < 50 => {
                    attempt += 1;
                    let _ = err;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(err) => panic!("application did not start: {err:#}"),
            }
        };
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state.clone();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        TestApp { address, state, database_url, data_dir: Some(data_dir), shutdown: Some(tx) }
    }

    /// A server on an existing database and data directory (a restored backup).
    pub async fn spawn_on(database_url: Option<String>, data_dir: tempfile::TempDir) -> TestApp {
        Self::start(database_url, data_dir, |_| {}).await
    }

    /// Another Herald server on the same database, with its own data directory and index.
    pub async fn second_server(&self) -> TestApp {
        let url = self.database_url.clone().unwrap_or_else(|| self.state.config.database_url());
        Self::start(Some(url), tempfile::tempdir().unwrap(), |_| {}).await
    }

    /// Another server on the same database, with its own settings tweaked.
    pub async fn second_server_with(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let url = self.database_url.clone().unwrap_or_else(|| self.state.config.database_url());
        Self::start(Some(url), tempfile::tempdir().unwrap(), tweak).await
    }

    /// Stops this server and starts a new one on the same database and data directory.
    pub async fn restart(mut self, before_start: impl FnOnce(&std::path::Path)) -> TestApp {
        let data_dir = self.data_dir.take().expect("data dir");
        let database_url = self.database_url.clone();
        drop(self);
        before_start(data_dir.path());
        Self::start(database_url, data_dir, |_| {}).await
    }

    pub fn data_path(&self) -> &std::path::Path {
        self.data_dir.as_ref().expect("data dir").path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A user with a known password that need not be changed.
    pub async fn user(&self, role: Role) -> String {
        let email = format!("{}-{}@example.com", role.as_str().replace('_', "-"), herald::auth::password::random_secret(6).to_lowercase());
        let new = NewUser::parse(&email, &format!("Test {}", role.label()), "Finance", "Lisbon", role).unwrap();
        service::create(&self.state.db, new, Some(PASSWORD)).await.expect("create user");
        email
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and
    /// says it is Firefox (tracking counts clients without a user agent as bots).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).user_agent(FIREFOX).build().unwrap()
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.expect("request")
    }

    /// The CSRF token of the form on the page at `path`.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let html = self.get(client, path).await.text().await.unwrap();
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf field on {path}"))
    }

    pub async fn post_form(&self, client: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        client.post(self.url(path)).form(fields).send().await.expect("request")
    }

    pub async fn login_as(&self, email: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
        let client = self.browser();
        let csrf = self.csrf(&client, "/login").await;
        let response = self.post_form(&client, "/login", &[("csrf", &csrf), ("email", email), ("password", password)]).await;
        (client, response)
    }

    /// A signed-in browser client for a new user of `role`.
    pub async fn signed_in(&self, role: Role) -> reqwest::Client {
        let email = self.user(role).await;
        let (client, response) = self.login_as(&email, PASSWORD).await;
        assert_eq!(response.status(), 303, "login as {email} should redirect");
        client
    }

    /// An API bearer token for a new user of `role`.
    pub async fn token(&self, role: Role) -> String {
        let email = self.user(role).await;
        let user = service::find_by_email(&self.state.db, &email).await.unwrap().unwrap();
        herald::auth::tokens::create(&self.state.db, user.id, "test").await.unwrap()
    }

    pub async fn count_users(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        herald::entities::user::Entity::find().count(&self.state.db).await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/// Polls `check` every 50 ms until it returns `Some`. The 30 s bound only
/// keeps a broken test from hanging: it is not a speed target, and a
/// machine busy with other builds may take many seconds for a blast.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..600 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// Runs the real `herald` binary against the given data directory and database.
pub fn herald_command(data_dir: &std::path::Path, database_url: Option<&str>) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_herald"));
    command.env("HERALD_DATA_DIR", data_dir).env_remove("DATABASE_URL").env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command
}
