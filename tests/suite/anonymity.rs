//! Anonymous comments really are anonymous: after one is posted, an
//! administrator with the whole database, every page, the API, the CSV
//! export and the server's log cannot tell who wrote it.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::Stdio;

use herald::auth::Role;
use herald::entities::comment;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use serde_json::Value;

use crate::comments::post_comment;
use crate::helpers::{eventually, fresh_database, herald_command, TestApp, PASSWORD};
use crate::spotlights::published_item;

/// Every row of every table, as `table | row as JSON`.
pub async fn snapshot(app: &TestApp) -> BTreeSet<String> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Postgres => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let tables: Vec<String> =
        db.query_all(Statement::from_string(backend, tables_sql)).await.unwrap().iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect();
    let mut rows = BTreeSet::new();
    for table in tables {
        let sql = match backend {
            DbBackend::Postgres => format!("SELECT row_to_json(t)::text AS j FROM \"{table}\" t"),
            _ => {
                let columns: Vec<String> = db
                    .query_all(Statement::from_string(backend, format!("SELECT name FROM pragma_table_info('{table}')")))
                    .await
                    .unwrap()
                    .iter()
                    .map(|row| row.try_get::<String>("", "name").unwrap())
                    .collect();
                let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
                format!("SELECT json_object({}) AS j FROM \"{table}\"", pairs.join(", "))
            }
        };
        for row in db.query_all(Statement::from_string(backend, sql)).await.unwrap() {
            rows.insert(format!("{table} | {}", row.try_get::<String>("", "j").unwrap()));
        }
    }
    rows
}

#[tokio::test]
async fn nothing_stored_or_shown_links_an_anonymous_comment_to_its_author() {
    let app = TestApp::spawn().await;
    let item = published_item(&app, "Dental coverage", "Dependents' dental coverage ends next enrolment period.").await;
    let slug = herald::library::service::find_by_id(&app.state.db, item).await.unwrap().slug;
    let page = format!("/library/{slug}");
    let target = format!("collateral:{item}");
    let email = app.user(Role::Employee).await;
    let author = herald::users::service::find_by_email(&app.state.db, &email).await.unwrap().unwrap();
    let (browser, _) = app.login_as(&email, PASSWORD).await;
    // The author is active under their name too, before and after.
    assert_eq!(post_comment(&app, &browser, &page, &[("target", &target), ("body", "Signed: I read this.")]).await.status(), 303);
    app.get(&browser, &page).await;
    let csrf = app.csrf(&browser, &page).await;
    app.state.recorder.settled().await;

    let before = snapshot(&app).await;
    let secret = "This cut to dental for our kids is unfair and nobody asked us. Who decided this?";
    let posted = app.post_form(&browser, "/comments", &[("csrf", &csrf), ("target", &target), ("body", secret), ("anonymous", "1")]).await;
    assert_eq!(posted.status(), 200);
    let confirmation = posted.text().await.unwrap();
    assert!(confirmation.contains("Posted anonymously"));
    app.state.recorder.settled().await;
    let after = snapshot(&app).await;

    // Exactly one new row anywhere: the comment, with no author and only its day.
    let new: Vec<&String> = after.difference(&before).collect();
    let gone: Vec<&String> = before.difference(&after).collect();
    assert!(gone.is_empty(), "posting changed existing rows: {gone:#?}");
    assert_eq!(new.len(), 1, "posting anonymously wrote more than the comment: {new:#?}");
    let (table, json) = new[0].split_once(" | ").unwrap();
    assert_eq!(table, "comments");
    let row: Value = serde_json::from_str(json).unwrap();
    assert!(row["author_id"].is_null());
    assert_eq!(row["anonymous"].to_string().trim_matches('"'), if row["anonymous"].is_boolean() { "true" } else { "1" });
    let created = row["created_at"].as_str().unwrap();
    assert!(created.contains("00:00:00"), "only the day is kept: {created}");
    for value in [author.email.as_str(), author.name.as_str()] {
        assert!(!json.contains(value), "{value} in {json}");
    }
    for (key, value) in row.as_object().unwrap() {
        if key.ends_with("_id") && key != "target_id" && key != "parent_id" || key.ends_with("_by") {
            assert!(value.is_null() || value.as_i64() != Some(author.id as i64), "{key} names the author");
        }
    }
    let id = comment::Entity::find().filter(comment::Column::Anonymous.eq(true)).one(&app.state.db).await.unwrap().unwrap().id;

    // Every view of it, for the most privileged reader, says "Anonymous" and nothing more.
    let admin = app.signed_in(Role::Admin).await;
    let html = app.get(&admin, &page).await.text().await.unwrap();
    let start = html.find(&format!("id=\"c-{id}\"")).unwrap();
    let block = &html[start..start + html[start..].find("</li>").unwrap()];
    assert!(block.contains("Anonymous") && !block.contains(&author.name) && !block.contains(&email), "{block}");
    let token = app.token(Role::Admin).await;
    let api: Value = reqwest::Client::new()
        .get(app.url("/api/v1/comments"))
        .query(&[("target", &target)])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = api.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
    assert!(entry["author"].is_null());
    assert!(!entry.to_string().contains(&author.name));
    let export = app.get(&admin, &format!("/comments/export.csv?target={target}")).await.text().await.unwrap();
    let line = export.lines().find(|line| line.starts_with(&format!("{id},"))).unwrap();
    assert!(line.contains(",Anonymous,") && !line.contains(&author.name), "{line}");
    // HR's inbox (it asks something), the questions API and, once reported, the moderation queue.
    let staff = app.signed_in(Role::HrStaff).await;
    let inbox = app.get(&staff, "/inbox?view=all").await.text().await.unwrap();
    assert!(inbox.contains("Who decided this?") && !inbox.contains(&author.name) && !inbox.contains(&email), "{inbox}");
    let staff_token = app.token(Role::HrStaff).await;
    let questions: Value = reqwest::Client::new().get(app.url("/api/v1/questions?state=all")).bearer_auth(&staff_token).send().await.unwrap().json().await.unwrap();
    let entry = questions.as_array().unwrap().iter().find(|q| q["id"] == id).unwrap();
    assert!(entry["author"].is_null() && !entry.to_string().contains(&author.name), "{entry}");
    let reporter = app.signed_in(Role::Employee).await;
    let csrf_reporter = app.csrf(&reporter, &page).await;
    let reported = app.post_form(&reporter, &format!("/comments/{id}/report"), &[("csrf", &csrf_reporter), ("reason", "Rude")]).await;
    assert_eq!(reported.status(), 303);
    let queue = app.get(&staff, "/moderation").await.text().await.unwrap();
    assert!(queue.contains("Who decided this?") && !queue.contains(&author.name) && !queue.contains(&email), "{queue}");

    // The author's own view does not single it out as theirs either.
    let theirs = app.get(&browser, &page).await.text().await.unwrap();
    let start = theirs.find(&format!("id=\"c-{id}\"")).unwrap();
    let block = &theirs[start..start + theirs[start..].find("</li>").unwrap()];
    assert!(!block.contains("/delete") && !block.contains("/edit"), "{block}");
}

#[tokio::test]
async fn posting_anonymously_writes_no_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database().await;
    let db = database_url.as_deref();
    let log_path = dir.path().join("herald.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    // As verbose as an operator would make it: every request of Herald's own traced.
    let _server = KillOnDrop(herald_command(dir.path(), db)
        .env("RUST_LOG", "herald=debug,tower_http=debug,info")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap());
    let health = format!("{base}/healthz");
    eventually("herald serve to answer", || async { reqwest::get(&health).await.ok().filter(|r| r.status() == 200).map(|_| ()) }).await;

    let token = {
        let output = herald_command(dir.path(), db).args(["token", "create", "--email", "admin@herald.local"]).output().unwrap();
        String::from_utf8(output.stdout).unwrap().split_whitespace().find(|w| w.starts_with("hrld_")).unwrap().to_owned()
    };
    let created: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/collateral"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": "Overtime policy", "body": "Overtime is paid at 1.5x.", "kind": "policy", "status": "published"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (item, slug) = (created["id"].as_i64().unwrap(), created["slug"].as_str().unwrap().to_owned());
    let email = "quiet.person@example.com";
    let mut add = herald_command(dir.path(), db)
        .args(["user", "add", "--email", email, "--name", "Quiet Person", "--role", "employee", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());

    let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).user_agent(crate::helpers::FIREFOX).build().unwrap();
    let login = browser.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::helpers::csrf_in(&login).unwrap();
    let signed_in = browser.post(format!("{base}/login")).form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    let page = format!("{base}/library/{slug}");
    let html = browser.get(&page).send().await.unwrap().text().await.unwrap();
    let csrf = crate::helpers::csrf_in(&html).unwrap();

    let lines = |path: &std::path::Path| std::fs::read_to_string(path).unwrap().lines().count();
    // Logging is on: reading a page is traced.
    let quiet = lines(&log_path);
    browser.get(&page).send().await.unwrap();
    eventually("a page view in the log", || async { (lines(&log_path) > quiet).then_some(()) }).await;

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before = lines(&log_path);
    let body = "Overtime rules are a disgrace and everyone knows it";
    let posted = browser
        .post(format!("{base}/comments"))
        .form(&[("csrf", csrf.as_str()), ("target", &format!("collateral:{item}")), ("body", body), ("anonymous", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert_eq!(text.lines().count(), before, "posting wrote to the log:\n{}", text.lines().skip(before).collect::<Vec<_>>().join("\n"));
    assert!(!text.contains("/comments") && !text.contains("disgrace") && !text.contains(email), "{text}");
}

/// The one row an anonymous post may add, from two snapshots.
fn only_the_comment(before: &BTreeSet<String>, after: &BTreeSet<String>) {
    let new: Vec<&String> = after.difference(before).collect();
    let gone: Vec<&String> = before.difference(after).collect();
    assert!(gone.is_empty(), "posting changed existing rows: {gone:#?}");
    assert_eq!(new.len(), 1, "posting anonymously wrote more than the comment: {new:#?}");
    assert!(new[0].starts_with("comments | "), "{new:#?}");
}

/// An announcement sent to `email`, read by them in the portal.
async fn sent_to(app: &TestApp, email: &str) -> i64 {
    let api = crate::spotlights::Api::new(app).await;
    let item = published_item(app, "Dental", "Dependents' dental coverage ends.").await;
    let id = api.blast(serde_json::json!({"title": "Dental ends", "subject": "Hi", "template": "benefit-change", "collateral_ids": [item], "audience": {"emails": [email]}})).await;
    api.wait_for(id, "sent", 20).await;
    id
}

#[tokio::test]
async fn posting_anonymously_through_the_api_dates_no_token_and_starts_no_background_work() {
    use herald::entities::api_token;
    use sea_orm::sea_query::Expr;

    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let id = sent_to(&app, &email).await;
    let author = herald::users::service::find_by_email(&app.state.db, &email).await.unwrap().unwrap();
    let token = herald::auth::tokens::create(&app.state.db, author.id, "laptop").await.unwrap();
    // The author read the announcement, the token was last used an hour ago, and the dashboard is current.
    let (browser, _) = app.login_as(&email, PASSWORD).await;
    assert_eq!(app.get(&browser, &format!("/news/{id}")).await.status(), 200);
    let hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    api_token::Entity::update_many().col_expr(api_token::Column::LastUsedAt, Expr::value(hour_ago)).exec(&app.state.db).await.unwrap();
    app.state.recorder.settled().await;
    herald::analytics::rollups::refresh_all(&app.state.db, app.state.config.analytics_min_group).await.unwrap();

    let before = snapshot(&app).await;
    let posted = reqwest::Client::new()
        .post(app.url("/api/v1/comments"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"target": format!("announcement:{id}"), "body": "This is unfair to families. Why now?", "anonymous": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    // What background work follows: the click recorder and the rollups' next pass.
    app.state.recorder.settled().await;
    let recomputed = herald::analytics::rollups::refresh_all(&app.state.db, app.state.config.analytics_min_group).await.unwrap();
    let after = snapshot(&app).await;
    only_the_comment(&before, &after);
    assert_eq!(recomputed, 0, "an anonymous comment starts no recomputation");

    // The dashboard counts it all the same, read on the spot.
    let model = herald::entities::announcement::Entity::find_by_id(id as i32).one(&app.state.db).await.unwrap().unwrap();
    let figures = herald::analytics::rollups::current(&app.state.db, &model, app.state.config.analytics_min_group).await.unwrap();
    assert_eq!(figures.comments, 1);
    assert_eq!(figures.questions.total, 1);
}

#[tokio::test]
async fn no_log_line_at_any_level_follows_an_anonymous_post() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database().await;
    let db = database_url.as_deref();
    let log_path = dir.path().join("herald.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = KillOnDrop(herald_command(dir.path(), db)
        .env("RUST_LOG", "herald=trace,tower_http=trace,info")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap());
    let health = format!("{base}/healthz");
    eventually("herald serve to answer", || async { reqwest::get(&health).await.ok().filter(|r| r.status() == 200).map(|_| ()) }).await;
    let token = {
        let output = herald_command(dir.path(), db).args(["token", "create", "--email", "admin@herald.local"]).output().unwrap();
        String::from_utf8(output.stdout).unwrap().split_whitespace().find(|w| w.starts_with("hrld_")).unwrap().to_owned()
    };
    let email = "quiet.reader@example.com";
    let mut add = herald_command(dir.path(), db)
        .args(["user", "add", "--email", email, "--name", "Quiet Reader", "--role", "employee", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
    let api = reqwest::Client::new();
    let created: Value = api
        .post(format!("{base}/api/v1/announcements"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": "Overtime changes", "subject": "Hi", "template": "benefit-change", "audience": {"emails": [email]}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(api.post(format!("{base}/api/v1/announcements/{id}/send")).bearer_auth(&token).json(&serde_json::json!({})).send().await.unwrap().status(), 202);
    eventually("the announcement to be sent", || async {
        let view: Value = api.get(format!("{base}/api/v1/announcements/{id}")).bearer_auth(&token).send().await.ok()?.json().await.ok()?;
        (view["status"] == "sent").then_some(())
    })
    .await;

    let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).user_agent(crate::helpers::FIREFOX).build().unwrap();
    let login = browser.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::helpers::csrf_in(&login).unwrap();
    let signed_in = browser.post(format!("{base}/login")).form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    let html = browser.get(format!("{base}/news/{id}")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::helpers::csrf_in(&html).unwrap();
    // Whatever the reading caused (events, rollups) has been written by now.
    let lines = |path: &std::path::Path| std::fs::read_to_string(path).unwrap().lines().count();
    let mut quiet = lines(&log_path);
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_secs(6)).await;
        let now = lines(&log_path);
        if now == quiet {
            break;
        }
        quiet = now;
    }

    let posted = browser
        .post(format!("{base}/comments"))
        .form(&[("csrf", csrf.as_str()), ("target", &format!("announcement:{id}")), ("body", "These overtime changes are a disgrace"), ("anonymous", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    let api_posted = reqwest::Client::new()
        .post(format!("{base}/api/v1/comments"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"target": format!("announcement:{id}"), "body": "Who decided this?", "anonymous": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(api_posted.status(), 201);
    // Longer than the rollups' period (5 s): their next pass has run.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert_eq!(text.lines().count(), quiet, "the post was followed by log lines:\n{}", text.lines().skip(quiet).collect::<Vec<_>>().join("\n"));
}

/// The server stops with the test, whether it passes or not.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn an_anonymous_comment_by_someone_signed_in_by_link_leaves_no_other_trace() {
    use crate::signin_links::{ask_for_link, continue_with, new_link};
    let sink = crate::smtp::SmtpSink::start();
    let app = TestApp::spawn_with(crate::spotlights::mail_via(&sink, 200)).await;
    // Imported, so no password: the link is this person's only way in.
    let email = crate::spotlights::people(&app, "linked", 1, "Finance").await.remove(0);
    let id = sent_to(&app, &email).await;
    let browser = app.browser();
    ask_for_link(&app, &browser, "/login/link", &email).await;
    let link = new_link(&sink, &email, &[]).await;
    assert_eq!(continue_with(&app, &browser, &link).await.status(), 303);
    let page = format!("/news/{id}");
    let csrf = app.csrf(&browser, &page).await;
    app.state.recorder.settled().await;
    // Whatever the sign-in queued has been delivered and recorded.
    crate::helpers::eventually("the outbox to settle", || async {
        use sea_orm::PaginatorTrait;
        let waiting = herald::entities::outbox::Entity::find()
            .filter(herald::entities::outbox::Column::Status.is_in(herald::delivery::outbox::PENDING))
            .count(&app.state.db)
            .await
            .unwrap();
        (waiting == 0).then_some(())
    })
    .await;

    let before = snapshot(&app).await;
    let posted = app.post_form(&browser, "/comments", &[("csrf", &csrf), ("target", &format!("announcement:{id}")), ("body", "Signing in by link should not give me away."), ("anonymous", "1")]).await;
    assert_eq!(posted.status(), 200);
    app.state.recorder.settled().await;
    let after = snapshot(&app).await;
    only_the_comment(&before, &after);
    // The link's row says nothing of when it was used: no time of use, nothing but `used`.
    let link_rows: Vec<&String> = after.iter().filter(|row| row.starts_with("sign_in_links | ")).collect();
    assert_eq!(link_rows.len(), 1);
    let row: Value = serde_json::from_str(link_rows[0].split_once(" | ").unwrap().1).unwrap();
    let keys: BTreeSet<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["batch_id", "created_at", "expires_at", "id", "message_id", "next", "purpose", "token_hash", "used", "user_id"]));
}

#[tokio::test]
async fn an_anonymous_comment_by_someone_signed_in_by_single_sign_on_leaves_no_other_trace() {
    let (app, _provider) = crate::oidc::sso_app(&[("HERALD_OIDC_CREATE_UNKNOWN", "true")]).await;
    let item = published_item(&app, "Dental coverage", "Dependents' dental coverage ends next enrolment period.").await;
    let slug = herald::library::service::find_by_id(&app.state.db, item).await.unwrap().slug;
    let page = format!("/library/{slug}");
    let (browser, signed_in) = crate::oidc::sso_sign_in(&app, "ann").await;
    assert_eq!(signed_in.status(), 303, "signed in through the provider");
    let author = herald::users::service::find_by_email(&app.state.db, "ann.lee@example.com").await.unwrap().unwrap();
    let csrf = app.csrf(&browser, &page).await;
    app.state.recorder.settled().await;

    let before = snapshot(&app).await;
    let posted = app
        .post_form(&browser, "/comments", &[("csrf", &csrf), ("target", &format!("collateral:{item}")), ("body", "Who decided to cut dental?"), ("anonymous", "1")])
        .await;
    assert_eq!(posted.status(), 200);
    assert!(posted.text().await.unwrap().contains("Posted anonymously"));
    app.state.recorder.settled().await;
    let after = snapshot(&app).await;
    // Not the provider link, not its status, not the session: only the comment.
    only_the_comment(&before, &after);
    let new = after.difference(&before).next().unwrap();
    for value in [author.email.as_str(), author.name.as_str(), "Finance", "Lisbon"] {
        assert!(!new.contains(value), "{value} in {new}");
    }
}
