//! PostgreSQL stops while Herald serves: requests fail cleanly with 503
//! during the outage, and Herald recovers by itself when the database is back.
//!
//! Runs in the PostgreSQL suite (HERALD_TEST_POSTGRES set) on a private
//! cluster of its own, so stopping it disturbs no other test.

use std::path::{Path, PathBuf};
use std::process::Command;

use herald::auth::Role;

use crate::helpers::{eventually, TestApp};

/// A throw-away PostgreSQL cluster in a temporary directory, run as `postgres`.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl Cluster {
    fn create() -> Cluster {
        let versions = std::fs::read_dir("/usr/lib/postgresql").expect("PostgreSQL is installed (scripts/test installs it)");
        let newest = versions.filter_map(|v| v.ok()?.file_name().to_str()?.parse::<u32>().ok()).max().expect("a PostgreSQL version");
        let bin = PathBuf::from(format!("/usr/lib/postgresql/{newest}/bin"));
        let dir = tempfile::Builder::new().prefix("herald-pg-").tempdir_in("/tmp").unwrap();
        as_postgres_owner(dir.path());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cluster = Cluster { dir, bin, port };
        cluster.run(&format!("{}/initdb -D {}/data -A trust -U herald --no-sync", cluster.bin.display(), cluster.path()));
        cluster.start();
        cluster
    }

    fn path(&self) -> String {
        self.dir.path().display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://herald@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.path());
        self.run(&format!("{}/pg_ctl -D {}/data -o '{options}' -l {}/log -w start", self.bin.display(), self.path(), self.path()));
    }

    fn stop(&self) {
        self.run(&format!("{}/pg_ctl -D {}/data -m fast -w stop", self.bin.display(), self.path()));
    }

    fn run(&self, command: &str) {
        let output = postgres_shell(command).output().expect("run a PostgreSQL command");
        assert!(output.status.success(), "{command}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = postgres_shell(&format!("{}/pg_ctl -D {}/data -m immediate stop", self.bin.display(), self.path())).output();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn postgres_shell(command: &str) -> Command {
    let mut shell = if is_root() {
        let mut su = Command::new("su");
        su.args(["postgres", "-c"]);
        su
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-u", "postgres", "sh", "-c"]);
        sudo
    };
    shell.arg(command);
    shell
}

fn as_postgres_owner(dir: &Path) {
    let status = if is_root() { Command::new("chown").args(["postgres:postgres"]).arg(dir).status() } else { Command::new("sudo").args(["chown", "postgres:postgres"]).arg(dir).status() };
    assert!(status.is_ok_and(|s| s.success()), "chown {} to postgres", dir.display());
}

#[tokio::test]
async fn a_database_outage_answers_503_and_herald_recovers_without_a_restart() {
    if std::env::var("HERALD_TEST_POSTGRES").is_err() {
        eprintln!("PostgreSQL outage test: runs in the PostgreSQL suite (HERALD_TEST_POSTGRES)");
        return;
    }
    let cluster = Cluster::create();
    let app = TestApp::spawn_on(Some(cluster.url()), tempfile::tempdir().unwrap()).await;
    let employee = app.signed_in(Role::Employee).await;
    let token = app.token(Role::Employee).await;
    assert_eq!(app.get(&employee, "/").await.status(), 200);
    assert_eq!(app.get(&app.browser(), "/healthz").await.status(), 200);

    cluster.stop();
    let health = app.get(&app.browser(), "/healthz").await;
    assert_eq!(health.status(), 503);
    for path in ["/", "/library", "/news"] {
        let response = app.get(&employee, path).await;
        assert_eq!(response.status(), 503, "{path}");
        assert!(response.text().await.unwrap().contains("temporarily unavailable"), "{path}: a page that says so");
    }
    let response = reqwest::Client::new().get(app.url("/api/v1/collateral?limit=1")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");

    cluster.start();
    eventually("Herald to serve again once PostgreSQL is back", || async {
        (app.get(&employee, "/").await.status() == 200).then_some(())
    })
    .await;
    assert_eq!(app.get(&app.browser(), "/healthz").await.status(), 200);
    assert_eq!(app.get(&employee, "/library").await.status(), 200, "the session survived the outage");
}
