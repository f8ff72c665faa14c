//! The API keeps to its own OpenAPI document: schemathesis (installed by
//! scripts/test) sends generated requests to every operation, as an
//! administrator and as an employee, and fails on any 5xx, an undocumented
//! status code, a content type or a body that does not match the document.

use herald::auth::Role;
use serde_json::{json, Value};

use crate::analytics::{ev, record, recipients};
use crate::helpers::TestApp;
use crate::spotlights::{people, published_item, Api};

/// Generated cases per operation and phase: about half a minute per run here.
const EXAMPLES: &str = "25";

/// Fixed ids of real things, so that the answers with a body (200) are
/// checked too and not only 404s; every other operation gets generated ids.
fn config(announcement: i64, item: i32) -> String {
    format!(
        r#"
[[operations]]
include-path = "/api/v1/announcements/{{id}}/stats"
parameters = {{ "path.id" = {announcement} }}

[[operations]]
include-path = "/api/v1/announcements/{{id}}"
include-method = "GET"
parameters = {{ "path.id" = {announcement} }}

[[operations]]
include-path = "/api/v1/announcements/{{id}}/short-links"
parameters = {{ "path.id" = {announcement} }}

[[operations]]
include-path = "/api/v1/collateral/{{id}}"
include-method = "GET"
parameters = {{ "path.id" = {item} }}
"#
    )
}

async fn schemathesis(app: &TestApp, token: &str, config: &std::path::Path) -> (bool, String) {
    let output = tokio::process::Command::new("st")
        .args(["--no-color".as_ref(), "--config-file".as_ref(), config.as_os_str()])
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"])
        // Registering a webhook makes Herald deliver events to the generated
        // URL: traffic to arbitrary hosts. Webhooks have their own tests.
        .args(["--exclude-operation-id", "post_webhooks"])
        .args(["--phases", "coverage,fuzzing", "--max-examples", EXAMPLES, "--seed", "19", "--workers", "1", "--request-timeout", "30"])
        .args(["--suppress-health-check", "all"])
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .kill_on_drop(true)
        .output()
        .await
        .expect("schemathesis is installed (scripts/test installs it): run `python3 -m pip install 'schemathesis>=4,<5'`");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[tokio::test]
async fn the_api_answers_as_its_openapi_document_says_for_an_admin_and_an_employee() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let emails = people(&app, "conf", 6, "Payroll").await;
    let item = published_item(&app, "Dental plan", "Dependents' dental coverage ends next enrolment period.").await;
    let id = api.blast(json!({"title": "Dental", "subject": "Dental", "template": "benefit-change", "collateral_ids": [item], "audience": {"departments": ["Payroll"]}})).await;
    api.wait_for(id, "sent", 30).await;
    let r = recipients(&app, id, &emails).await;
    record(&app, id, vec![ev("open", "email", Some(&r[0])), ev("click", "email", Some(&r[0])).item(item), ev("click", "linkedin", None).visitor("v1")]).await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("schemathesis.toml");
    std::fs::write(&config_path, config(id, item)).unwrap();

    // The stats answer is checked against its schema with real figures in it.
    let admin = app.token(Role::Admin).await;
    let stats: Value = reqwest::Client::new().get(app.url(&format!("/api/v1/announcements/{id}/stats"))).bearer_auth(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["reach"]["unique_opens"]["human"], 1, "{stats}");

    for (who, token) in [("admin", admin), ("employee", app.token(Role::Employee).await)] {
        let (passed, output) = schemathesis(&app, &token, &config_path).await;
        println!("schemathesis as {who}:\n{output}");
        assert!(passed, "schemathesis found failures as {who}:\n{output}");
    }
}

#[tokio::test]
async fn unreadable_requests_are_answered_with_the_json_error() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::Admin).await;
    let client = reqwest::Client::new();
    let cases = [
        client.post(app.url("/api/v1/users")).header("content-type", "application/json").body("{\"email\": "),
        client.post(app.url("/api/v1/users")).header("content-type", "text/plain").body("{}"),
        client.post(app.url("/api/v1/users")).json(&json!({"email": 3})),
        client.get(app.url("/api/v1/collateral/99999999999")),
        client.get(app.url("/api/v1/announcements/abc/stats")),
        client.get(app.url("/api/v1/users?page=-1")),
        client.delete(app.url("/api/v1/me")),
        // A page that deep made the search engine ask for terabytes and abort the server.
        client.get(app.url("/api/v1/collateral/search?q=dental&page=24232332897320")),
        client.get(app.url("/api/v1/collateral?per_page=1000000")),
        // PostgreSQL cannot store a NUL in text; it answered 500 there.
        client.post(app.url("/api/v1/collateral")).json(&json!({"title": "Dental\u{0}plan", "kind": "policy"})),
        client.get(app.url("/api/v1/collateral/search?q=a%00b")),
    ];
    for request in cases {
        let response = request.bearer_auth(&token).send().await.unwrap();
        let status = response.status();
        assert!(status.is_client_error(), "{status}");
        assert_eq!(response.headers()["content-type"], "application/json", "{status}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{body}");
    }
}
