//! `/api/v1` basics: bearer tokens, users, the OpenAPI document.

use herald::auth::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;

#[tokio::test]
async fn me_returns_the_token_owner() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::HrLead).await;
    let me: Value = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "hr_lead");
    assert_eq!(me["department"], "Finance");
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn admins_create_and_list_users() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::Admin).await;
    let client = reqwest::Client::new();
    let body = json!({"email": "New.Person@Example.com", "name": "New Person", "department": "Sales", "role": "hr_staff"});
    let response = client.post(app.url("/api/v1/users")).bearer_auth(&token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["user"]["email"], "new.person@example.com");
    assert_eq!(created["password"].as_str().unwrap().len(), 16);

    let again = client.post(app.url("/api/v1/users")).bearer_auth(&token).json(&body).send().await.unwrap();
    assert_eq!(again.status(), 409);
    let error: Value = again.json().await.unwrap();
    assert_eq!(error["error"]["code"], "conflict");

    let bad = json!({"email": "not an email", "name": "X", "role": "employee"});
    let response = client.post(app.url("/api/v1/users")).bearer_auth(&token).json(&bad).send().await.unwrap();
    assert_eq!(response.status(), 422);

    let list: Value = client.get(app.url("/api/v1/users?department=Sales")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["users"][0]["name"], "New Person");
}

#[tokio::test]
async fn malformed_json_is_a_clear_client_error() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::Admin).await;
    let before = app.count_users().await;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(app.count_users().await, before);
}

#[tokio::test]
async fn revoked_and_forged_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Employee).await;
    let csrf = app.csrf(&client, "/account").await;
    let page = app.post_form(&client, "/account/tokens", &[("csrf", &csrf), ("name", "script")]).await.text().await.unwrap();
    let start = page.find("hrld_").expect("token shown once");
    let token: String = page[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();

    let api = reqwest::Client::new();
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 200);
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(format!("{token}x")).send().await.unwrap().status(), 401);

    let account = app.get(&client, "/account").await.text().await.unwrap();
    assert!(!account.contains(&token), "the token is never shown again");
    let id_start = account.find("/account/tokens/").unwrap() + "/account/tokens/".len();
    let id: String = account[id_start..].chars().take_while(char::is_ascii_digit).collect();
    let response = app.post_form(&client, &format!("/account/tokens/{id}/revoke"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [("/api/v1/me", "get"), ("/api/v1/users", "get"), ("/api/v1/users", "post"), ("/api/v1/identity/oidc", "get")] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing from OpenAPI");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
