//! The collateral library: editing, versions, search quality, audiences,
//! attachments, and the index as a rebuildable cache of the database.

use herald::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{eventually, TestApp};

pub struct Api<'a> {
    pub app: &'a TestApp,
    pub token: String,
    client: reqwest::Client,
}

impl<'a> Api<'a> {
    pub async fn new(app: &'a TestApp, role: Role) -> Api<'a> {
        Api { token: app.token(role).await, app, client: reqwest::Client::new() }
    }

    pub async fn create(&self, body: Value) -> Value {
        let response = self.client.post(self.app.url("/api/v1/collateral")).bearer_auth(&self.token).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 201, "create {body}");
        response.json().await.unwrap()
    }

    pub async fn search(&self, query: &str) -> Value {
        let url = format!("{}?{query}", self.app.url("/api/v1/collateral/search"));
        let response = self.client.get(url).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(response.status(), 200, "search {query}");
        response.json().await.unwrap()
    }

    /// Searches until the result satisfies `ready` (the index commits asynchronously).
    pub async fn search_until(&self, query: &str, ready: impl Fn(&Value) -> bool) -> Value {
        eventually(&format!("search {query}"), || async {
            let result = self.search(query).await;
            ready(&result).then_some(result)
        })
        .await
    }

    pub async fn titles(&self, query: &str) -> Vec<String> {
        titles(&self.search(query).await)
    }
}

pub fn titles(result: &Value) -> Vec<String> {
    result["hits"].as_array().unwrap().iter().map(|hit| hit["title"].as_str().unwrap().to_owned()).collect()
}

fn q(text: &str) -> String {
    format!("q={}", url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>())
}

fn item(title: &str, body: &str, tags: &[&str]) -> Value {
    json!({"title": title, "summary": "", "body": body, "kind": "benefit", "category": "Health", "tags": tags, "status": "published"})
}

/// A small library with known contents, indexed.
async fn seeded(app: &TestApp) -> Api<'_> {
    let hr = Api::new(app, Role::HrStaff).await;
    hr.create(item("Dental coverage for dependents", "Covers cleanings and orthodontic care for children.", &["dental", "dependents"])).await;
    hr.create(item("Travel policy", "Book economy. Unrelated to dental, which is mentioned once here in passing.", &["travel"])).await;
    hr.create(json!({"title": "Vision benefit", "body": "Glasses every two years. Our benefits team answers questions.", "kind": "benefit", "category": "Health", "tags": ["vision"], "status": "published"})).await;
    hr.create(json!({"title": "Open enrolment reminder", "body": "The open enrolment period starts in November.", "kind": "faq", "category": "Enrolment", "tags": ["enrolment"], "status": "published"})).await;
    hr.create(json!({"title": "Parental leave", "body": "Sixteen weeks of paid leave.", "kind": "policy", "category": "Time Off", "tags": ["leave"], "status": "published"})).await;
    hr.search_until("q=leave", |r| r["total"] == 1).await;
    hr
}

#[tokio::test]
async fn a_title_match_outranks_a_passing_mention() {
    let app = TestApp::spawn().await;
    let hr = seeded(&app).await;
    let found = hr.titles(&q("dental ")).await;
    assert_eq!(found, vec!["Dental coverage for dependents", "Travel policy"]);
}

#[tokio::test]
async fn phrases_prefixes_typos_and_stems_all_find_the_right_item() {
    let app = TestApp::spawn().await;
    let hr = seeded(&app).await;
    assert_eq!(hr.titles(&q("\"open enrolment\"")).await, vec!["Open enrolment reminder"]);
    assert!(hr.titles(&q("\"enrolment open\"")).await.is_empty(), "a phrase keeps its word order");
    assert_eq!(hr.titles(&q("ortho")).await, vec!["Dental coverage for dependents"], "prefix while typing");
    assert!(hr.titles(&q("ortho ")).await.is_empty(), "a finished word is not a prefix");
    assert_eq!(hr.titles(&q("dentel ")).await[0], "Dental coverage for dependents", "one typo");
    assert_eq!(hr.titles(&q("glases ")).await, vec!["Vision benefit"]);
    let stemmed = hr.titles(&q("benefits ")).await;
    assert!(stemmed.contains(&"Vision benefit".to_owned()), "benefits finds benefit: {stemmed:?}");
    let result = hr.search(&q("orthodontic children ")).await;
    assert!(result["hits"][0]["snippet_html"].as_str().unwrap().contains("<b>"), "snippets highlight: {result}");
}

#[tokio::test]
async fn facets_count_and_narrow_the_results() {
    let app = TestApp::spawn().await;
    let hr = seeded(&app).await;
    let all = hr.search("").await;
    assert_eq!(all["total"], 5);
    let kinds: Vec<(String, u64)> = all["facets"]["kind"].as_array().unwrap().iter()
        .map(|f| (f["value"].as_str().unwrap().to_owned(), f["count"].as_u64().unwrap())).collect();
    assert_eq!(kinds, vec![("benefit".into(), 3), ("faq".into(), 1), ("policy".into(), 1)]);
    let narrowed = hr.search("kind=benefit&category=Health").await;
    assert_eq!(narrowed["total"], 3);
    let tag = hr.search("tag=vision").await;
    assert_eq!(titles(&tag), vec!["Vision benefit"]);
}

#[tokio::test]
async fn employees_never_see_drafts_or_other_audiences_not_even_as_counts() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    hr.create(json!({"title": "Secret reorg memo", "body": "confidential restructuring", "kind": "policy", "tags": ["restructuring"], "status": "draft"})).await;
    hr.create(json!({"title": "Sales bonus plan", "body": "confidential commission", "kind": "benefit", "tags": ["commission"], "status": "published", "audience_departments": ["Sales"]})).await;
    hr.create(json!({"title": "Porto parking", "body": "confidential parking", "kind": "guideline", "tags": ["parking"], "status": "published", "audience_locations": ["Porto"]})).await;
    hr.create(json!({"title": "Finance close calendar", "body": "confidential calendar", "kind": "guideline", "tags": ["calendar"], "status": "published", "audience_departments": ["Finance"]})).await;
    hr.search_until(&q("confidential"), |r| r["total"] == 4).await;

    // Test employees are in Finance, Lisbon.
    let employee = Api::new(&app, Role::Employee).await;
    for query in [q("confidential"), q("secret"), q("\"reorg memo\""), q("commision "), "kind=policy".into(), "tag=restructuring".into(), "tag=commission".into(), "status=all".into(), String::new()] {
        let result = employee.search(&query).await;
        assert_eq!(titles(&result), vec!["Finance close calendar"].into_iter().filter(|_| result["total"] == 1).map(str::to_owned).collect::<Vec<_>>(), "{query}");
        let facet_text = result["facets"].to_string();
        for hidden in ["restructuring", "commission", "parking", "policy"] {
            assert!(!facet_text.contains(hidden), "{query}: facet {hidden} leaked: {facet_text}");
        }
    }
    let secret = hr.search(&q("secret")).await["hits"][0]["id"].as_u64().unwrap();
    let client = reqwest::Client::new();
    let direct = client.get(app.url(&format!("/api/v1/collateral/{secret}"))).bearer_auth(&employee.token).send().await.unwrap();
    assert_eq!(direct.status(), 404);
    let page = app.signed_in(Role::Employee).await;
    assert_eq!(app.get(&page, "/library/secret-reorg-memo").await.status(), 404);
}

#[tokio::test]
async fn editing_keeps_versions_and_shows_a_diff() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    let created = hr.create(item("Dental plan 2027", "Premium is $20 a month.\nCovers dependents.", &["dental"])).await;
    let id = created["id"].as_i64().unwrap();
    let mut changed = item("Dental plan 2027", "Premium is $25 a month.\nCovers dependents.", &["dental"]);
    changed["change_note"] = json!("New premium");
    let response = reqwest::Client::new().put(app.url(&format!("/api/v1/collateral/{id}"))).bearer_auth(&hr.token).json(&changed).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["version"], 2);

    let browser = app.signed_in(Role::HrStaff).await;
    let history = app.get(&browser, "/library/dental-plan-2027/versions").await.text().await.unwrap();
    assert!(history.contains("New premium") && history.contains("v1") && history.contains("v2"));
    let diff = app.get(&browser, "/library/dental-plan-2027/versions/2").await.text().await.unwrap();
    assert!(diff.contains("<span class=\"del\">- Premium is $20 a month.</span>"), "{diff}");
    assert!(diff.contains("<span class=\"ins\">+ Premium is $25 a month.</span>"));
    assert!(diff.contains("<span class=\"same\">  Covers dependents.</span>"));
    let old = herald::library::service::version(&app.state.db, id as i32, 1).await.unwrap().unwrap();
    assert!(old.body.contains("$20"), "version 1 is kept as it was sent");
}

#[tokio::test]
async fn hr_creates_and_previews_in_the_editor() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in(Role::HrStaff).await;
    let csrf = app.csrf(&browser, "/library/new").await;
    let form = [("csrf", csrf.as_str()), ("title", "Flu season"), ("body", "# Get vaccinated\n<script>alert(1)</script>"), ("kind", "guideline"),
        ("status", "published"), ("tags", "flu-season, health"), ("action", "preview")];
    let preview = app.post_form(&browser, "/library", &form).await;
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.unwrap();
    assert!(html.contains("<h1>Get vaccinated</h1>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(herald::library::service::find_by_slug(&app.state.db, "flu-season").await.is_err(), "a preview saves nothing");

    let mut save = form.to_vec();
    save.retain(|(k, _)| *k != "action");
    save.push(("action", "save"));
    let saved = app.post_form(&browser, "/library", &save).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(crate::helpers::location(&saved), "/library/flu-season");

    let bad = [("csrf", csrf.as_str()), ("title", ""), ("kind", "memo"), ("review_date", "soon"), ("action", "save")];
    let rejected = app.post_form(&browser, "/library", &bad).await;
    assert_eq!(rejected.status(), 422);
    let text = rejected.text().await.unwrap();
    assert!(text.contains("the title is required") && text.contains("unknown kind") && text.contains("is not a date"), "{text}");
}

#[tokio::test]
async fn xss_payloads_in_titles_bodies_and_tags_are_shown_as_text() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    let payload = "<img src=x onerror=alert(1)>";
    hr.create(json!({"title": format!("Evil {payload}"), "summary": payload, "body": format!("{payload}\n\n[x](javascript:alert(2))"),
        "kind": "other", "tags": [payload], "category": payload, "status": "published"})).await;
    hr.search_until(&q("evil"), |r| r["total"] == 1).await;
    let browser = app.signed_in(Role::Employee).await;
    let slug = hr.search(&q("evil")).await["hits"][0]["slug"].as_str().unwrap().to_owned();
    for path in [format!("/library?q=evil"), format!("/library/{slug}"), format!("/library?q={}", url::form_urlencoded::byte_serialize(payload.as_bytes()).collect::<String>())] {
        let html = app.get(&browser, &path).await.text().await.unwrap();
        assert!(!html.contains("<img src=x"), "{path} renders raw HTML");
        assert!(!html.contains("javascript:alert"), "{path} keeps a javascript: link");
    }
}

#[tokio::test]
async fn the_index_is_rebuilt_when_its_folder_is_deleted() {
    let app = TestApp::spawn().await;
    let hr = seeded(&app).await;
    let token = hr.token.clone();
    let app = app.restart(|data| std::fs::remove_dir_all(data.join("index")).unwrap()).await;
    let hr = Api { token, app: &app, client: reqwest::Client::new() };
    assert_eq!(hr.titles(&q("parental")).await, vec!["Parental leave"]);

    let token = hr.token.clone();
    let app = app.restart(|data| std::fs::write(data.join("index/meta.json"), b"{not json").unwrap()).await;
    let hr = Api { token, app: &app, client: reqwest::Client::new() };
    assert_eq!(hr.search("").await["total"], 5, "a corrupt index is rebuilt too");
}

#[tokio::test]
async fn two_servers_on_one_database_both_find_new_items() {
    let app = TestApp::spawn().await;
    let other = app.second_server().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    hr.create(item("Commuter benefit", "Transit passes are reimbursed.", &["commute"])).await;
    let on_other = Api { token: hr.token.clone(), app: &other, client: reqwest::Client::new() };
    let found = on_other.search_until(&q("transit"), |r| r["total"] == 1).await;
    assert_eq!(titles(&found), vec!["Commuter benefit"]);
}

#[tokio::test]
async fn archiving_hides_an_item_from_employees() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    let created = hr.create(item("Old holiday calendar", "2025 holidays", &["holidays"])).await;
    let employee = Api::new(&app, Role::Employee).await;
    employee.search_until(&q("holidays"), |r| r["total"] == 1).await;
    let id = created["id"].as_i64().unwrap();
    let response = reqwest::Client::new().post(app.url(&format!("/api/v1/collateral/{id}/archive"))).bearer_auth(&hr.token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    employee.search_until(&q("holidays"), |r| r["total"] == 0).await;
    assert_eq!(hr.search(&format!("{}&status=archived", q("holidays"))).await["total"], 1);
}

#[tokio::test]
async fn an_unusable_index_path_stops_start_up_with_a_clear_error_and_the_database_untouched() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    hr.create(item("Kept item", "It stays in the database.", &["kept"])).await;
    let token = hr.token.clone();
    let database_url = app.database_url.clone();
    let app = app
        .restart(|data| {
            // Something that is not a directory where the index must be, and cannot be removed as one.
            // (Renamed, not removed: the stopped server's last index writes may still land in it.)
            std::fs::rename(data.join("index"), data.join("index.old")).unwrap();
            std::fs::write(data.join("index"), b"not an index").unwrap();
            let output = crate::helpers::herald_command(data, database_url.as_deref()).args(["serve", "--bind", "127.0.0.1:0"]).output().unwrap();
            assert!(!output.status.success());
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(&data.join("index").display().to_string()), "the error names the index path: {stderr}");
            assert_eq!(std::fs::read(data.join("index")).unwrap(), b"not an index", "nothing was deleted");
            // Once the path is fixed, a reindex finds the item: the database was untouched.
            std::fs::remove_file(data.join("index")).unwrap();
            let reindex = crate::helpers::herald_command(data, database_url.as_deref()).arg("reindex").output().unwrap();
            assert!(reindex.status.success(), "{}", String::from_utf8_lossy(&reindex.stderr));
            assert!(String::from_utf8_lossy(&reindex.stdout).contains("Indexed 1 items"), "{}", String::from_utf8_lossy(&reindex.stdout));
        })
        .await;
    let hr = Api { token, app: &app, client: reqwest::Client::new() };
    assert_eq!(titles(&hr.search_until(&q("kept"), |r| r["total"] == 1).await), vec!["Kept item"]);
}

#[tokio::test]
async fn sql_looking_input_is_stored_and_searched_as_text() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    let title = "Robert'); DROP TABLE collateral;-- benefits";
    let created = hr.create(item(title, "x' OR '1'='1 \" OR 1=1 -- ; DELETE FROM users", &["o'brien"])).await;
    let staff = app.signed_in(Role::HrStaff).await;
    let users_before = app.count_users().await;
    for query in ["' OR 1=1 --", "\"; DROP TABLE users; --", "robert') OR ('a'='a", "%' AND 1=0 UNION SELECT password_hash FROM users --"] {
        let response = reqwest::Client::new().get(app.url("/api/v1/collateral/search")).query(&[("q", query)]).bearer_auth(&hr.token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{query}");
        let found: Value = response.json().await.unwrap();
        assert!(found["total"].as_u64().unwrap() <= 1, "{query}: {found}");
    }
    for path in ["/directory?q=%27%20OR%20%271%27%3D%271", "/library?q=%27%3B%20DROP%20TABLE%20collateral%3B--", "/spotlights?q=%27%20OR%201%3D1"] {
        assert_eq!(app.get(&staff, path).await.status(), 200, "{path}");
    }
    assert_eq!(app.count_users().await, users_before, "no table was touched");
    let stored = reqwest::Client::new().get(app.url(&format!("/api/v1/collateral/{}", created["id"]))).bearer_auth(&hr.token).send().await.unwrap();
    let stored: Value = stored.json().await.unwrap();
    assert_eq!(stored["title"], title, "stored verbatim");
    let found = hr.search_until(&q("robert"), |r| r["total"] == 1).await;
    assert_eq!(titles(&found), vec![title]);
}
