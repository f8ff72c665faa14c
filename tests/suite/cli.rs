//! The `herald` binary's subcommands, run as an operator would.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use crate::helpers::{fresh_database, herald_command};

struct Workspace {
    dir: tempfile::TempDir,
    database_url: Option<String>,
}

impl Workspace {
    async fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().unwrap(), database_url: fresh_database().await }
    }

    fn herald(&self) -> std::process::Command {
        herald_command(self.dir.path(), self.database_url.as_deref())
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let output = self.herald().args(args).output().expect("run herald");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    fn file(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }
}

#[tokio::test]
async fn user_add_list_and_token_create() {
    let ws = Workspace::new().await;
    assert_eq!(ws.run(&["migrate"]).0, 0);

    let (code, out, err) = ws.run(&["user", "add", "--email", "Lead@Example.com", "--name", "Lee Lead", "--role", "hr_lead", "--department", "HR"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Created Lee Lead (lead@example.com) as hr_lead"));
    assert!(out.contains("One-time password: "));

    let mut child = ws.herald().args(["user", "add", "--email", "emp@example.com", "--name", "Em", "--role", "employee", "--password-stdin"])
        .stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(!String::from_utf8_lossy(&output.stdout).contains("One-time password"));

    let (code, _, err) = ws.run(&["user", "add", "--email", "emp@example.com", "--name", "Again", "--role", "employee"]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = ws.run(&["user", "add", "--email", "x@example.com", "--name", "X", "--role", "boss"]);
    assert_eq!(code, 2, "clap rejects an unknown role");
    assert!(err.contains("unknown role"), "{err}");

    let (_, out, _) = ws.run(&["user", "list"]);
    assert!(out.contains("lead@example.com\tLee Lead\thr_lead\tHR"));
    assert!(out.contains("emp@example.com"));

    let (code, token, _) = ws.run(&["token", "create", "--email", "lead@example.com"]);
    assert_eq!(code, 0);
    assert!(token.trim().starts_with("hrld_"));
    let (code, _, err) = ws.run(&["token", "create", "--email", "nobody@example.com"]);
    assert_eq!(code, 1);
    assert!(err.contains("no user with email"));
}

#[tokio::test]
async fn import_employees_is_idempotent_and_all_or_nothing() {
    let ws = Workspace::new().await;
    let good = ws.file("good.csv", "email,name,department,location,manager_email\nana@example.com,Ana,Finance,Lisbon,\nben@example.com,Ben,Sales,Porto,ana@example.com\n");
    let (code, out, err) = ws.run(&["import", "employees", &good]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 created, 0 updated, 0 unchanged, 0 rejected"), "{out}");
    let (_, out, _) = ws.run(&["import", "employees", &good]);
    assert!(out.contains("0 created, 0 updated, 2 unchanged"), "{out}");

    let bad = ws.file("bad.csv", "email,name\ncarl@example.com,Carl\nbroken,Bob\n,Nobody\n");
    let (code, _, err) = ws.run(&["import", "employees", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("line 3: ") && err.contains("line 4: the email address is missing"), "{err}");
    assert!(err.contains("nothing was imported"));
    let (_, list, _) = ws.run(&["user", "list"]);
    assert!(!list.contains("carl@example.com"), "no partial import");

    let (code, out, _) = ws.run(&["import", "employees", &bad, "--skip-invalid"]);
    assert_eq!(code, 0);
    assert!(out.contains("1 created") && out.contains("2 rejected"));

    let garbage = ws.file("garbage.csv", "\u{0}\u{1}binary");
    let (code, _, err) = ws.run(&["import", "employees", &garbage]);
    assert_eq!(code, 1);
    assert!(err.contains("was not imported"), "{err}");
}

#[tokio::test]
async fn serve_creates_the_first_admin_answers_health_and_stops_on_sigterm() {
    let ws = Workspace::new().await;
    let port = free_port();
    let mut child = ws.herald()
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let health = format!("http://127.0.0.1:{port}/healthz");
    let mut up = false;
    for _ in 0..100 {
        if reqwest::get(&health).await.map(|r| r.status() == 200).unwrap_or(false) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "herald serve did not answer /healthz");
    let status = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut stdout = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    assert!(stdout.contains("email:    admin@herald.local"), "{stdout}");
    assert!(stdout.contains("password: "));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn demo_fills_an_empty_library_once_and_reindex_rebuilds_it() {
    let ws = Workspace::new().await;
    let (code, out, err) = ws.run(&["demo", "--collateral", "60"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Added 60 library items.") && out.contains("Search index updated."), "{out}");
    assert!(out.contains("Added 60 demo employees, 2 distribution lists and a draft spotlight (/spotlights/1)."), "{out}");
    let (code, _, err) = ws.run(&["demo"]);
    assert_eq!(code, 1);
    assert!(err.contains("already has 60 items"), "{err}");

    std::fs::remove_dir_all(ws.dir.path().join("index")).unwrap();
    let (code, out, err) = ws.run(&["reindex"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Indexed 60 items"), "{out}");
}

#[tokio::test]
async fn reindex_rebuilds_a_deleted_index() {
    let ws = Workspace::new().await;
    ws.run(&["user", "add", "--email", "owner@example.com", "--name", "Owner", "--role", "hr_staff"]);
    let csv = ws.file("items.csv", "title,kind,status\nVision plan,benefit,published\nDental plan,benefit,published\n");
    assert_eq!(ws.run(&["import", "collateral", &csv, "--owner", "owner@example.com"]).0, 0);
    std::fs::remove_dir_all(ws.dir.path().join("index")).unwrap();
    let (code, out, err) = ws.run(&["reindex"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Indexed 2 items"), "{out}");
}

#[tokio::test]
async fn import_collateral_from_csv_and_folder_reports_each_failure() {
    let ws = Workspace::new().await;
    ws.run(&["user", "add", "--email", "owner@example.com", "--name", "Owner", "--role", "hr_staff"]);
    let csv = ws.file(
        "items.csv",
        "title,summary,body,kind,category,tags,status\n\
         Vision plan,Glasses and lenses,Covers **glasses**.,benefit,Health,\"vision,eyes\",published\n\
         ,No title,,benefit,,,\n\
         Remote work,How to work from home,Be reachable.,memo,,,draft\n",
    );
    let (code, out, err) = ws.run(&["import", "collateral", &csv, "--owner", "owner@example.com"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("Imported 1 items; 2 failed."), "{out}");
    assert!(err.contains("items.csv:3: the title is required"), "{err}");
    assert!(err.contains("items.csv:4: unknown kind \"memo\""), "{err}");

    let folder = ws.dir.path().join("drop");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("flu-season.md"), "# Flu season guideline\n\nGet your flu shot in October.\n").unwrap();
    std::fs::write(folder.join("leave-policy.docx"), crate::attachments::fixture("leave-policy.docx")).unwrap();
    std::fs::write(folder.join("fake.pdf"), crate::attachments::fixture("not-really.pdf")).unwrap();
    let (code, out, err) = ws.run(&["import", "collateral", folder.to_str().unwrap(), "--owner", "owner@example.com"]);
    assert_eq!(code, 2);
    assert!(out.contains("Imported 2 items; 1 failed."), "{out}");
    assert!(err.contains("fake.pdf"), "{err}");
    let (code, _, _) = ws.run(&["import", "collateral", "/nonexistent/thing.txt"]);
    assert_eq!(code, 1);
}

#[tokio::test]
async fn sentiment_scores_one_line_at_a_time_as_json() {
    let mut child = herald_command(tempfile::tempdir().unwrap().path(), None)
        .arg("sentiment")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"They cut dental coverage for dependents. This is unfair!\nWhen does enrolment open?\nFinally a raise, thank you HR!\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let labels: Vec<&str> = lines.iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["negative", "neutral", "positive"]);
    assert!(lines[0]["compound"].as_f64().unwrap() < -0.3 && lines[2]["compound"].as_f64().unwrap() > 0.3);
}

/// Runs a command whose standard output is a pipe nobody reads any more,
/// as `herald … | head` leaves it once `head` has its lines.
fn run_into_closed_pipe(ws: &Workspace, args: &[&str]) -> (std::process::ExitStatus, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = ws.herald().args(args).stdout(writer).stderr(Stdio::piped()).output().expect("run herald");
    (output.status, String::from_utf8_lossy(&output.stderr).into_owned())
}

#[tokio::test]
async fn commands_exit_quietly_when_the_reader_closes_the_pipe() {
    let ws = Workspace::new().await;
    let people = ws.file("people.csv", "email,name\nana@example.com,Ana\nben@example.com,Ben\n");
    assert_eq!(ws.run(&["import", "employees", &people]).0, 0);
    for args in [&["user", "list"][..], &["migrate"][..], &["invite", "--email", "ana@example.com"][..]] {
        let (status, err) = run_into_closed_pipe(&ws, args);
        assert!(status.success(), "herald {args:?} ended with {status}: {err}");
        assert!(!err.contains("panicked") && !err.contains("error"), "herald {args:?} said: {err}");
    }
}
