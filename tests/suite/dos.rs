//! Denial of service (issue 19, points 1 and 2): email templates and uploaded
//! files that would take the server's memory in a few steps fail with a
//! reason, and the server (the real binary, under a memory limit) serves on.

use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::time::Duration;

use herald::auth::Role;
use serde_json::{json, Value};

use crate::attachments::{fixture, upload};
use crate::helpers::{csrf_in, eventually, fresh_database, herald_command, TestApp, FIREFOX};
use crate::spotlights::{people, Api};

/// Templates that ask for gigabytes: one step each, or a few, well within the fuel.
pub const BOMBS: &[&str] = &[
    r#"{{ "a\nb"|indent(6000000000) }}"#,
    r#"{{ "x" * 100000000 }}{{ "x" * 100000000 }}"#,
    r#"{% for i in range(100000) %}{{ "x" * 100000000 }}{% endfor %}"#,
    r#"{% set a = "x" * 100000000 %}{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}{% set e = d ~ d %}{{ e|length }}"#,
    r#"{% set ns = namespace(s="xxxxxxxxxxxxxxxx") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"#,
    r#"{{ range(100000)|join("x" * 100000) }}"#,
    r#"{{ "ab"|replace("", "x" * 10000000) }}"#,
    r#"{{ "%999999999s"|format("x") }}"#,
    r#"{{ (range(100000)|list * 100000)|list|length }}"#,
    r#"{% set x %}{% for i in range(100000) %}{{ "x" * 1000000 }}{% endfor %}{% endset %}{{ x|length }}"#,
];

/// A template that is harmless with the editor's sample data (department
/// Finance) and explodes for the people of `department` at delivery.
fn bomb_for(department: &str, bomb: &str) -> String {
    format!("<p>Hello {{{{ recipient.name }}}}</p>{{% if recipient.department == \"{department}\" %}}{bomb}{{% endif %}}")
}

async fn save_template(app: &TestApp, client: &reqwest::Client, name: &str, html: &str) -> reqwest::Response {
    let csrf = app.csrf(client, "/spotlights/templates/new").await;
    let fields = [("csrf", csrf.as_str()), ("name", name), ("description", ""), ("subject", "Hi"), ("html_body", html), ("text_body", "Hello")];
    app.post_form(client, "/spotlights/templates", &fields).await
}

#[tokio::test]
async fn templates_and_subjects_that_would_exhaust_memory_are_refused_with_a_reason() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in(Role::HrStaff).await;
    let api = Api::new(&app).await;
    for (n, bomb) in BOMBS.iter().enumerate() {
        let response = save_template(&app, &browser, &format!("Bomb {n}"), bomb).await;
        assert_eq!(response.status(), 422, "{bomb}");
        let page = response.text().await.unwrap();
        assert!(page.contains("HTML body") || page.contains("stopped"), "{bomb}: no reason on the page");
        assert!(page.contains("Bomb "), "the form keeps what HR wrote");

        let subject: String = bomb.chars().take(250).collect();
        let (status, body) = api.post("/announcements", json!({"title": "Bomb", "subject": subject, "template": "new-policy"})).await;
        if bomb.len() <= 250 {
            assert_eq!(status, 422, "{bomb}: {body}");
            assert!(body["error"]["message"].as_str().is_some_and(|e| e.contains("subject")), "{bomb}: {body}");
        }
        assert_eq!(app.get(&browser, "/healthz").await.status(), 200);
    }
    let good = save_template(&app, &browser, "Fine", "<p>{{ recipient.first_name }}</p>").await;
    assert_eq!(good.status(), 303, "an ordinary template still saves");
}

#[tokio::test]
async fn a_blast_whose_render_fails_fails_its_messages_and_the_server_serves_on() {
    let app = TestApp::spawn().await;
    people(&app, "boom", 3, "Blast").await;
    let browser = app.signed_in(Role::HrStaff).await;
    let api = Api::new(&app).await;
    // The child that renders dies of its memory limit here; the writer-bounded one fails in it.
    for (slug, bomb) in [("concat-bomb", BOMBS[3]), ("loop-bomb", BOMBS[2])] {
        assert_eq!(save_template(&app, &browser, slug, &bomb_for("Blast", bomb)).await.status(), 303, "{slug} passes with sample data");
        let id = api.blast(json!({"title": slug, "subject": "Hi {{ recipient.first_name }}", "template": slug, "audience": {"departments": ["Blast"]}})).await;
        let mut view = Value::Null;
        for _ in 0..300 {
            view = api.get(&format!("/announcements/{id}")).await;
            if view["delivery"]["failed"] == 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(view["delivery"]["failed"], 3, "{view}");
        assert_eq!(view["delivery"]["sent"], 0, "{view}");
        let rows = outbox_errors(&app, id).await;
        assert!(rows.iter().all(|e| e.contains("could not be written")), "{rows:?}");
        assert_eq!(app.get(&browser, "/healthz").await.status(), 200);
    }
}

async fn outbox_errors(app: &TestApp, announcement: i64) -> Vec<String> {
    use herald::entities::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let rows = outbox::Entity::find().filter(outbox::Column::AnnouncementId.eq(announcement as i32)).all(&app.state.db).await.unwrap();
    rows.into_iter().map(|row| format!("{}: {}", row.status, row.last_reply.unwrap_or_default())).collect()
}

/// A PDF whose pages all draw `content`, zlib-compressed as generators write it.
pub fn pdf_of(pages: usize, content: Vec<u8>) -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut stream = Stream::new(dictionary! {}, content);
    stream.compress().unwrap();
    let contents = doc.add_object(stream);
    let kids: Vec<Object> = (0..pages)
        .map(|_| doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => contents }).into())
        .collect();
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => pages as i64 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// The issue's two files: one page of ~15 MB of `0 0 m`, and 400 pages of ~1 MB each.
pub fn pdf_bombs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("one-page.pdf", pdf_of(1, b"0 0 m\n".repeat(2_500_000))),
        ("many-pages.pdf", pdf_of(400, b"0 0 m\n".repeat(170_000))),
    ]
}

#[tokio::test]
async fn pdfs_too_complex_to_read_are_stored_without_text_and_say_why() {
    let app = TestApp::spawn().await;
    let hr = crate::library::Api::new(&app, Role::HrStaff).await;
    let forms = hr.create(json!({"title": "Scanned forms", "kind": "form", "status": "published"})).await;
    hr.create(json!({"title": "Dental guide", "kind": "benefit", "status": "published"})).await;
    let browser = app.signed_in(Role::HrStaff).await;
    for (name, bytes) in pdf_bombs() {
        assert!(bytes.len() < 64 * 1024, "{name} is small: {} bytes", bytes.len());
        let response = upload(&app, &browser, "scanned-forms", name, bytes).await;
        assert_eq!(response.status(), 303, "{name} is stored");
    }
    let page = app.get(&browser, "/library/scanned-forms").await.text().await.unwrap();
    assert_eq!(page.matches("Text not extracted").count(), 2, "{page}");
    assert!(page.contains("drawing instructions"), "{page}");
    let api = Api::new(&app).await;
    let item = api.get(&format!("/collateral/{}", forms["id"])).await;
    assert!(item["attachments"].as_array().unwrap().iter().all(|a| a["text_not_extracted"].is_string()), "{item}");

    assert_eq!(upload(&app, &browser, "dental-guide", "benefits-guide.pdf", fixture("benefits-guide.pdf")).await.status(), 303);
    let employee = crate::library::Api::new(&app, Role::Employee).await;
    let found = employee.search_until("q=orthodontic", |r| r["total"] == 1).await;
    assert_eq!(crate::library::titles(&found), vec!["Dental guide"]);
}

/// The address space the real server may map: its idle size (about 2.1 GB,
/// most of it mimalloc's reserved arena and thread stacks) with room to work,
/// far below what any of these inputs asked for before they were bounded.
const SERVER_ADDRESS_SPACE: u64 = 3 * 1024 * 1024 * 1024;

struct Limited {
    child: Child,
    base: String,
}

impl Drop for Limited {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve_limited(dir: &std::path::Path, database_url: Option<&str>) -> Limited {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = herald_command(dir, database_url);
    command.args(["serve", "--bind", &format!("127.0.0.1:{port}")]).stdout(Stdio::null()).stderr(Stdio::null());
    let limit = rustix::process::Rlimit { current: Some(SERVER_ADDRESS_SPACE), maximum: Some(SERVER_ADDRESS_SPACE) };
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(move || rustix::process::setrlimit(rustix::process::Resource::As, limit).map_err(Into::into));
    }
    let child = command.spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let health = format!("{base}/healthz");
    eventually("herald serve to answer", || async { reqwest::get(&health).await.ok().filter(|r| r.status() == 200).map(|_| ()) }).await;
    Limited { child, base }
}

impl Limited {
    async fn alive(&mut self) {
        let health = reqwest::get(format!("{}/healthz", self.base)).await.map(|r| r.status().as_u16());
        assert_eq!(health.ok(), Some(200), "the server answers /healthz");
        assert!(self.child.try_wait().unwrap().is_none(), "the server process is running");
    }
}

#[tokio::test]
async fn the_real_server_under_a_memory_limit_survives_template_and_pdf_bombs() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database().await;
    let db = database_url.as_deref();
    std::fs::write(dir.path().join("people.csv"), "email,name,department\nb1@example.com,Bo One,Blast\nb2@example.com,Bo Two,Blast\n").unwrap();
    let imported = herald_command(dir.path(), db).args(["import", "employees"]).arg(dir.path().join("people.csv")).output().unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let mut add = herald_command(dir.path(), db)
        .args(["user", "add", "--email", "hr@example.com", "--name", "HR Person", "--role", "hr_staff", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut add.stdin.take().unwrap(), b"correct-horse-battery\n").unwrap();
    assert!(add.wait().unwrap().success());
    let token_out = herald_command(dir.path(), db).args(["token", "create", "--email", "hr@example.com"]).output().unwrap();
    let token = String::from_utf8(token_out.stdout).unwrap().split_whitespace().find(|w| w.starts_with("hrld_")).unwrap().to_owned();

    let mut server = serve_limited(dir.path(), db).await;
    let base = server.base.clone();
    let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).user_agent(FIREFOX).build().unwrap();
    let csrf_of = |path: String| {
        let browser = browser.clone();
        async move { csrf_in(&browser.get(path).send().await.unwrap().text().await.unwrap()).unwrap() }
    };
    let csrf = csrf_of(format!("{base}/login")).await;
    let login = browser.post(format!("{base}/login")).form(&[("csrf", csrf.as_str()), ("email", "hr@example.com"), ("password", "correct-horse-battery")]).send().await.unwrap();
    assert_eq!(login.status(), 303);
    let api = reqwest::Client::new();
    let post = |path: &str, body: Value| api.post(format!("{base}/api/v1{path}")).bearer_auth(&token).json(&body).send();

    // Point 1: the editor and the API refuse each bomb; a blast that explodes at delivery fails.
    for bomb in BOMBS {
        let csrf = csrf_of(format!("{base}/spotlights/templates/new")).await;
        let fields = [("csrf", csrf.as_str()), ("name", "Bomb"), ("description", ""), ("subject", "Hi"), ("html_body", bomb), ("text_body", "t")];
        assert_eq!(browser.post(format!("{base}/spotlights/templates")).form(&fields).send().await.unwrap().status(), 422, "{bomb}");
        if bomb.len() <= 250 {
            let answer = post("/announcements", json!({"title": "Bomb", "subject": bomb, "template": "new-policy"})).await.unwrap();
            assert_eq!(answer.status(), 422, "{bomb}");
        }
        server.alive().await;
    }
    let csrf = csrf_of(format!("{base}/spotlights/templates/new")).await;
    let html = bomb_for("Blast", BOMBS[3]);
    let fields = [("csrf", csrf.as_str()), ("name", "Delivery bomb"), ("description", ""), ("subject", "Hi"), ("html_body", html.as_str()), ("text_body", "t")];
    assert_eq!(browser.post(format!("{base}/spotlights/templates")).form(&fields).send().await.unwrap().status(), 303);
    let created: Value = post("/announcements", json!({"title": "Boom", "subject": "Hi", "template": "delivery-bomb", "audience": {"departments": ["Blast"]}}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(post(&format!("/announcements/{id}/send"), json!({})).await.unwrap().status(), 202);
    for _ in 0..200 {
        let view: Value = api.get(format!("{base}/api/v1/announcements/{id}")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        if view["delivery"]["failed"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let view: Value = api.get(format!("{base}/api/v1/announcements/{id}")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(view["delivery"]["failed"], 2, "{view}");
    server.alive().await;

    // Point 2: the PDFs are stored without their text; a normal one is searchable.
    for title in ["Scanned forms", "Dental guide"] {
        let answer = post("/collateral", json!({"title": title, "kind": "form", "status": "published"})).await.unwrap();
        assert_eq!(answer.status(), 201);
    }
    let upload_to = |slug: &'static str, name: &'static str, bytes: Vec<u8>| {
        let (browser, base) = (browser.clone(), base.clone());
        async move {
            let csrf = csrf_in(&browser.get(format!("{base}/library/{slug}")).send().await.unwrap().text().await.unwrap()).unwrap();
            let form = reqwest::multipart::Form::new().text("csrf", csrf).part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            browser.post(format!("{base}/library/{slug}/attachments")).multipart(form).send().await.unwrap().status()
        }
    };
    for (name, bytes) in pdf_bombs() {
        assert_eq!(upload_to("scanned-forms", name, bytes).await, 303, "{name}");
        server.alive().await;
    }
    let page = browser.get(format!("{base}/library/scanned-forms")).send().await.unwrap().text().await.unwrap();
    assert_eq!(page.matches("Text not extracted").count(), 2);
    assert_eq!(upload_to("dental-guide", "benefits-guide.pdf", fixture("benefits-guide.pdf")).await, 303);
    let mut found = Value::Null;
    for _ in 0..100 {
        found = api.get(format!("{base}/api/v1/collateral/search?q=orthodontic")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        if found["total"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found["total"], 1, "{found}");
    server.alive().await;
}
