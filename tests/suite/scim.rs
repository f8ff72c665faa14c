//! SCIM provisioning at `/scim/v2`, as an identity provider drives it: people
//! created, changed and deactivated, distribution lists kept, the filters and
//! PATCH forms Entra ID and Okta send, and the token that opens only SCIM.

use herald::auth::Role;
use herald::entities::{recipient, session, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{TestApp, PASSWORD};
use crate::spotlights::{published_item, Api};

pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A SCIM client with a fresh SCIM token.
pub struct Scim<'a> {
    app: &'a TestApp,
    pub token: String,
    client: reqwest::Client,
}

impl<'a> Scim<'a> {
    pub async fn new(app: &'a TestApp) -> Scim<'a> {
        let token = herald::scim::tokens::create(&app.state.db, "test IdP", None).await.unwrap().1;
        Scim { app, token, client: reqwest::Client::new() }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.client.request(method, self.app.url(&format!("/scim/v2{path}"))).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.header("content-type", "application/scim+json").body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        if status != 204 {
            assert_eq!(response.headers()["content-type"], "application/scim+json", "{path} answered {status}");
        }
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, operations: Value) -> (u16, Value) {
        self.send(reqwest::Method::PATCH, path, Some(json!({"schemas": [PATCH_OP], "Operations": operations}))).await
    }
    pub async fn delete(&self, path: &str) -> u16 {
        self.send(reqwest::Method::DELETE, path, None).await.0
    }

    /// Provisions a person as Entra ID does and returns their SCIM id.
    pub async fn provision(&self, email: &str, department: &str, city: &str) -> String {
        let (status, created) = self
            .post(
                "/Users",
                json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
                    "userName": email, "active": true, "externalId": format!("ext-{email}"),
                    "name": {"givenName": "Ann", "familyName": email.split('@').next().unwrap()},
                    "emails": [{"primary": true, "type": "work", "value": email}],
                    "addresses": [{"type": "work", "locality": city}],
                    ENTERPRISE: {"department": department},
                }),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_str().unwrap().to_owned()
    }
}

async fn person(app: &TestApp, email: &str) -> user::Model {
    herald::users::service::find_by_email(&app.state.db, email).await.unwrap().unwrap()
}

async fn recipient_row(app: &TestApp, announcement: i64, email: &str) -> recipient::Model {
    recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(announcement as i32))
        .filter(recipient::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} is not among the recipients of {announcement}"))
}

#[tokio::test]
async fn a_provisioned_employee_is_in_their_department_audience_until_deprovisioned_and_then_loses_every_credential() {
    let app = TestApp::spawn().await;
    let scim = Scim::new(&app).await;
    let id = scim.provision("ann.lee@example.com", "Payroll", "Porto").await;
    let ann = person(&app, "ann.lee@example.com").await;
    assert_eq!((ann.department.as_str(), ann.location.as_str(), ann.name.as_str(), ann.active), ("Payroll", "Porto", "Ann ann.lee", true));
    assert!(ann.password_hash.is_none(), "provisioned people get no password");

    // Ann signs in (a password set for the test) and makes an API token.
    herald::users::service::set_password(&app.state.db, ann.clone(), PASSWORD).await.unwrap();
    let (browser, response) = app.login_as("ann.lee@example.com", PASSWORD).await;
    assert_eq!(response.status(), 303);
    let ann_token = herald::auth::tokens::create(&app.state.db, ann.id, "laptop").await.unwrap();
    let me = |token: String| {
        let url = app.url("/api/v1/me");
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(me(ann_token.clone()).await, 200);

    let api = Api::new(&app).await;
    let first = api.blast(json!({"title": "Payday", "subject": "Payday", "template": "benefit-change", "audience": {"departments": ["Payroll"]}})).await;
    assert_eq!(recipient_row(&app, first, "ann.lee@example.com").await.skip_reason, None, "in the department audience");

    // Entra ID's deactivation: a PATCH with "Replace" and a string boolean.
    let (status, patched) = scim.patch(&format!("/Users/{id}"), json!([{"op": "Replace", "path": "active", "value": "False"}])).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["active"], false);

    let sessions = session::Entity::find().filter(session::Column::UserId.eq(ann.id)).count(&app.state.db).await.unwrap();
    assert_eq!(sessions, 0, "every session ended");
    assert_eq!(me(ann_token).await, 401, "the API token is revoked");
    let account = app.get(&browser, "/account").await;
    assert_eq!(account.status(), 303, "the browser is signed out");
    let (_, refused) = app.login_as("ann.lee@example.com", PASSWORD).await;
    assert_eq!(refused.status(), 401, "a leaver cannot sign in");

    let second = api.blast(json!({"title": "Payday 2", "subject": "Payday", "template": "benefit-change", "audience": {"departments": ["Payroll", "Finance"]}})).await;
    assert_eq!(recipient_row(&app, second, "ann.lee@example.com").await.skip_reason.as_deref(), Some("has left (account deactivated)"));

    let admin = app.signed_in(Role::Admin).await;
    let page = app.get(&admin, "/admin/identity").await.text().await.unwrap();
    assert!(page.contains("Ann ann.lee &#60;ann.lee@example.com&#62;"), "{page}");
    assert!(page.contains("created") && page.contains("deactivated") && page.contains("SCIM"), "{page}");
}

#[tokio::test]
async fn deleting_a_user_deactivates_them_keeps_named_comments_marked_and_anonymous_ones_untouched() {
    let app = TestApp::spawn().await;
    let scim = Scim::new(&app).await;
    let id = scim.provision("bo@example.com", "Sales", "Oslo").await;
    let bo = person(&app, "bo@example.com").await;
    let token = herald::auth::tokens::create(&app.state.db, bo.id, "phone").await.unwrap();
    let item = published_item(&app, "Rota", "The new rota starts Monday.").await;
    let target = format!("collateral:{item}");
    for anonymous in [false, true] {
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/comments"))
            .bearer_auth(&token)
            .json(&json!({"target": target, "body": format!("Rota feedback {anonymous}"), "anonymous": anonymous}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    let anonymous_before = herald::entities::comment::Entity::find().filter(herald::entities::comment::Column::Anonymous.eq(true)).all(&app.state.db).await.unwrap();

    assert_eq!(scim.delete(&format!("/Users/{id}")).await, 204);
    let (status, gone) = scim.get(&format!("/Users/{id}")).await;
    assert_eq!((status, gone["status"].as_str()), (404, Some("404")), "{gone}");
    assert!(!person(&app, "bo@example.com").await.active, "deactivated, not destroyed");

    let reader = app.token(Role::Employee).await;
    let thread: Value = reqwest::Client::new().get(app.url(&format!("/api/v1/comments?target={target}"))).bearer_auth(reader).send().await.unwrap().json().await.unwrap();
    let authors: Vec<&Value> = thread.as_array().unwrap().iter().map(|c| &c["author"]).collect();
    assert!(authors.contains(&&json!("Ann bo (former employee)")), "{thread}");
    assert!(authors.contains(&&Value::Null), "the anonymous comment stays anonymous: {thread}");
    let anonymous_after = herald::entities::comment::Entity::find().filter(herald::entities::comment::Column::Anonymous.eq(true)).all(&app.state.db).await.unwrap();
    assert_eq!(anonymous_before, anonymous_after, "the anonymous comment is not touched");
    let events = herald::entities::provisioning_event::Entity::find().all(&app.state.db).await.unwrap();
    assert!(events.iter().all(|e| !e.detail.contains("comment") && !e.subject_name.contains("Rota")), "{events:?}");
}

#[tokio::test]
async fn groups_are_distribution_lists_whose_members_the_provider_keeps() {
    let app = TestApp::spawn().await;
    // Lists need an owner: the first administrator, there on every installation.
    app.user(Role::Admin).await;
    let scim = Scim::new(&app).await;
    let ann = scim.provision("ann@example.com", "Ops", "Lyon").await;
    let bo = scim.provision("bo@example.com", "Ops", "Lyon").await;
    let (status, group) = scim.post("/Groups", json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Night shift", "members": [{"value": ann}]})).await;
    assert_eq!(status, 201, "{group}");
    let gid = group["id"].as_str().unwrap().to_owned();
    let list = herald::spotlights::lists::find_by_name_or_id(&app.state.db, "Night shift").await.unwrap().expect("a distribution list");
    let emails = |list_id: i32| {
        let db = app.state.db.clone();
        async move { herald::spotlights::lists::members(&db, list_id).await.unwrap().into_iter().map(|u| u.email).collect::<Vec<_>>() }
    };
    assert_eq!(emails(list.id).await, ["ann@example.com"]);

    // A person HR added by hand stays whatever the provider does.
    let hand = app.user(Role::Employee).await;
    herald::spotlights::lists::add_members(&app.state.db, list.id, &[("form".into(), hand.clone())]).await.unwrap();

    let (status, _) = scim.patch(&format!("/Groups/{gid}"), json!([{"op": "Add", "path": "members", "value": [{"value": bo}]}])).await;
    assert_eq!(status, 200);
    assert_eq!(emails(list.id).await.len(), 3);
    // Okta's removal form, then Entra ID's.
    let (status, after) = scim.patch(&format!("/Groups/{gid}"), json!([{"op": "remove", "path": format!("members[value eq \"{ann}\"]")}])).await;
    assert_eq!(status, 200);
    assert_eq!(after["members"], json!([{"value": bo, "$ref": format!("{}/Users/{bo}", scim_base(&app))}]));
    let (status, _) = scim.patch(&format!("/Groups/{gid}"), json!([{"op": "Remove", "path": "members", "value": [{"value": bo}]}])).await;
    assert_eq!(status, 200);
    assert_eq!(emails(list.id).await, [hand.as_str()]);

    let (status, replaced) = scim.put(&format!("/Groups/{gid}"), json!({"displayName": "Night crew", "members": [{"value": ann}, {"value": bo}]})).await;
    assert_eq!(status, 200, "{replaced}");
    let renamed = herald::spotlights::lists::find_by_name_or_id(&app.state.db, "Night crew").await.unwrap().unwrap();
    assert_eq!(renamed.id, list.id);
    assert_eq!(emails(list.id).await.len(), 3);

    let (status, unknown) = scim.patch(&format!("/Groups/{gid}"), json!([{"op": "add", "path": "members", "value": [{"value": "999999"}]}])).await;
    assert_eq!((status, unknown["scimType"].as_str()), (400, Some("invalidValue")));

    let api = Api::new(&app).await;
    let sent = api.blast(json!({"title": "Shift", "subject": "Shift", "template": "benefit-change", "audience": {"lists": ["Night crew"]}})).await;
    assert_eq!(recipient_row(&app, sent, "bo@example.com").await.skip_reason, None);

    assert_eq!(scim.delete(&format!("/Groups/{gid}")).await, 204);
    assert!(herald::spotlights::lists::find_by_name_or_id(&app.state.db, "Night crew").await.unwrap().is_none());
}

fn scim_base(app: &TestApp) -> String {
    format!("{}/scim/v2", app.state.config.base_url.as_str().trim_end_matches('/'))
}

#[tokio::test]
async fn filters_and_pages_answer_as_identity_providers_ask() {
    let app = TestApp::spawn().await;
    let scim = Scim::new(&app).await;
    for n in 1..=5 {
        scim.provision(&format!("p{n}@example.com"), if n % 2 == 0 { "Even" } else { "Odd" }, "Rome").await;
    }
    let total = |filter: &str| {
        let path = format!("/Users?filter={}", url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>());
        let filter = filter.to_owned();
        let scim = &scim;
        async move {
            let (status, list) = scim.get(&path).await;
            assert_eq!(status, 200, "{filter}: {list}");
            list["totalResults"].as_u64().unwrap()
        }
    };
    assert_eq!(total(r#"userName eq "P3@EXAMPLE.COM""#).await, 1);
    assert_eq!(total(r#"emails.value eq "p4@example.com""#).await, 1);
    assert_eq!(total(r#"externalId eq "ext-p5@example.com""#).await, 1);
    assert_eq!(total(r#"externalId eq "EXT-p5@example.com""#).await, 0, "externalId is case-exact");
    assert_eq!(total(r#"userName eq "p1@example.com" or userName eq "p2@example.com""#).await, 2);
    assert_eq!(total(&format!(r#"{ENTERPRISE}:department eq "Odd" and emails[type eq "work" and value sw "p1"]"#)).await, 1);
    assert_eq!(total(r#"userName eq "nobody@example.com""#).await, 0);

    let (status, error) = scim.get("/Users?filter=userName%20is%20%22x%22").await;
    assert_eq!((status, error["scimType"].as_str()), (400, Some("invalidFilter")), "{error}");
    assert_eq!(error["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]));

    let (_, page) = scim.get("/Users?startIndex=2&count=2&attributes=userName").await;
    assert_eq!((page["totalResults"].as_u64(), page["startIndex"].as_u64(), page["itemsPerPage"].as_u64()), (Some(5), Some(2), Some(2)), "{page}");
    let names: Vec<&str> = page["Resources"].as_array().unwrap().iter().map(|r| r["userName"].as_str().unwrap()).collect();
    assert_eq!(names, ["p2@example.com", "p3@example.com"]);
    assert!(page["Resources"][0].get("emails").is_none(), "attributes=userName leaves the rest out");
    let (_, empty) = scim.get("/Users?startIndex=9&count=0").await;
    assert_eq!((empty["totalResults"].as_u64(), empty["itemsPerPage"].as_u64()), (Some(5), Some(0)));
    let (status, searched) = scim.post("/Users/.search", json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName sw \"p\"", "count": 1})).await;
    assert_eq!((status, searched["totalResults"].as_u64(), searched["itemsPerPage"].as_u64()), (200, Some(5), Some(1)));
}

#[tokio::test]
async fn patch_paths_that_entra_and_okta_send_feed_herald_fields() {
    let app = TestApp::spawn().await;
    let scim = Scim::new(&app).await;
    let boss = scim.provision("boss@example.com", "Board", "Paris").await;
    let id = scim.provision("cy@example.com", "Sales", "Oslo").await;
    let path = format!("/Users/{id}");
    let (status, patched) = scim
        .patch(
            &path,
            json!([
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "cy.new@example.com"},
                {"op": "Add", "path": "addresses[type eq \"work\"].locality", "value": "Bergen"},
                {"op": "Replace", "path": format!("{ENTERPRISE}:department"), "value": "Support"},
                // Entra ID names the manager by bare id.
                {"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": boss},
                {"op": "replace", "value": {"displayName": "Cy Young", "name.givenName": "Cy"}},
            ]),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    let cy = person(&app, "cy.new@example.com").await;
    assert_eq!(
        (cy.name.as_str(), cy.department.as_str(), cy.location.as_str(), cy.manager_email.as_deref()),
        ("Cy Young", "Support", "Bergen", Some("boss@example.com"))
    );
    assert_eq!(patched["name"]["givenName"], "Cy");
    assert_eq!(patched[ENTERPRISE]["manager"], json!({"value": boss}));
    assert_eq!(patched["emails"], json!([{"primary": true, "type": "work", "value": "cy.new@example.com"}]));
    assert!(patched["meta"]["version"].as_str().unwrap().starts_with("W/"));

    let (status, removed) = scim.patch(&path, json!([{"op": "remove", "path": format!("{ENTERPRISE}:department")}, {"op": "remove", "path": "displayName"}])).await;
    assert_eq!(status, 200, "{removed}");
    let cy = person(&app, "cy.new@example.com").await;
    assert_eq!((cy.department.as_str(), cy.name.as_str()), ("", "Cy cy"), "the name falls back to name.givenName familyName");

    // Okta deactivates with a path-less replace, and reactivates the same way.
    let (_, off) = scim.patch(&path, json!([{"op": "replace", "value": {"active": false}}])).await;
    assert_eq!(off["active"], false);
    let (_, on) = scim.patch(&path, json!([{"op": "replace", "value": {"active": true}}])).await;
    assert!(on["active"] == true && person(&app, "cy.new@example.com").await.active);

    for (operations, kind) in [
        (json!([{"op": "replace", "path": "nickName", "value": "x"}]), "invalidPath"),
        (json!([{"op": "replace", "path": "id", "value": "1"}]), "mutability"),
        (json!([{"op": "remove"}]), "noTarget"),
        (json!([{"op": "replace", "path": "active", "value": "maybe"}]), "invalidValue"),
        (json!([{"op": "replace", "path": "emails[type eq \"work\"", "value": "x"}]), "invalidPath"),
    ] {
        let (status, error) = scim.patch(&path, operations.clone()).await;
        assert_eq!((status, error["scimType"].as_str()), (400, Some(kind)), "{operations}: {error}");
    }

    // ETags: a write naming an old version is refused.
    let (_, current) = scim.get(&path).await;
    let stale = reqwest::Client::new()
        .patch(app.url(&format!("/scim/v2{path}")))
        .bearer_auth(&scim.token)
        .header("if-match", "W/\"1\"")
        .json(&json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "displayName", "value": "Late"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    assert_ne!(current["meta"]["version"], "W/\"1\"");

    let (status, taken) = scim.put(&path, json!({"userName": "boss@example.com", "emails": [{"value": "cy.new@example.com"}]})).await;
    assert_eq!((status, taken["scimType"].as_str()), (409, Some("uniqueness")));
}

#[tokio::test]
async fn a_person_imported_before_provisioning_is_linked_not_duplicated() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let before = app.count_users().await;
    let scim = Scim::new(&app).await;
    let id = scim.provision(&email, "Legal", "Turin").await;
    assert_eq!(app.count_users().await, before);
    let linked = person(&app, &email).await;
    assert_eq!((linked.department.as_str(), linked.role.as_str()), ("Legal", "employee"));
    let (status, again) = scim.post("/Users", json!({"userName": "other-name", "emails": [{"value": email}]})).await;
    assert_eq!((status, again["scimType"].as_str()), (409, Some("uniqueness")), "{again} (id {id})");
}

#[tokio::test]
async fn only_a_scim_token_opens_scim_and_it_opens_nothing_else() {
    let app = TestApp::spawn().await;
    let scim = Scim::new(&app).await;
    let api_token = app.token(Role::Admin).await;
    let client = reqwest::Client::new();
    for credential in [None, Some("hrscim_not-a-real-token".to_owned()), Some(api_token.clone()), Some(format!("{}x", scim.token))] {
        let mut request = client.get(app.url("/scim/v2/Users"));
        if let Some(credential) = &credential {
            request = request.bearer_auth(credential);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{credential:?}");
        assert_eq!(response.headers()["content-type"], "application/scim+json");
        assert!(response.headers().contains_key("www-authenticate"));
        let body: Value = response.json().await.unwrap();
        assert_eq!((body["schemas"][0].as_str(), body["status"].as_str()), (Some("urn:ietf:params:scim:api:messages:2.0:Error"), Some("401")));
    }
    let admin = app.signed_in(Role::Admin).await;
    assert_eq!(app.get(&admin, "/scim/v2/Users").await.status(), 401, "a session cookie is no SCIM credential");

    let scim_on_api = client.get(app.url("/api/v1/me")).bearer_auth(&scim.token).send().await.unwrap();
    assert_eq!(scim_on_api.status(), 401, "a SCIM token is no API token");
    assert_eq!(client.get(app.url("/api/v1/users")).bearer_auth(&scim.token).send().await.unwrap().status(), 401);
    assert_eq!(scim.get("/Users").await.0, 200);

    // Revoked on the Identity page: refused at once.
    let csrf = app.csrf(&admin, "/admin/identity").await;
    let tokens = herald::scim::tokens::live(&app.state.db).await.unwrap();
    let response = app.post_form(&admin, &format!("/admin/identity/scim-tokens/{}/revoke", tokens[0].id), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(scim.get("/Users").await.0, 401);
}

#[tokio::test]
async fn an_admin_creates_a_scim_token_on_the_identity_page() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let csrf = app.csrf(&admin, "/admin/identity").await;
    let page = app.post_form(&admin, "/admin/identity/scim-tokens", &[("csrf", &csrf), ("name", "Entra ID")]).await.text().await.unwrap();
    let start = page.find("hrscim_").expect("the new token is shown once");
    let token: String = page[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    let config = reqwest::Client::new().get(app.url("/scim/v2/ServiceProviderConfig")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(config.status(), 200);
    let stored = herald::entities::scim_token::Entity::find().all(&app.state.db).await.unwrap();
    assert!(stored.iter().all(|t| !t.token_hash.contains(&token[7..])), "only a hash is kept");
    let again = app.get(&admin, "/admin/identity").await.text().await.unwrap();
    assert!(again.contains("Entra ID") && !again.contains(&token), "listed, never shown again");
}

#[tokio::test]
async fn an_admin_deactivating_someone_ends_their_sessions_and_tokens_and_logs_it() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let (_, response) = app.login_as(&email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    let leaver = person(&app, &email).await;
    let token = herald::auth::tokens::create(&app.state.db, leaver.id, "script").await.unwrap();
    let admin = app.signed_in(Role::Admin).await;
    let csrf = app.csrf(&admin, "/admin/users").await;
    let response = app.post_form(&admin, &format!("/admin/users/{}", leaver.id), &[("csrf", &csrf), ("active", "false")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(session::Entity::find().filter(session::Column::UserId.eq(leaver.id)).count(&app.state.db).await.unwrap(), 0);
    let revoked = herald::entities::api_token::Entity::find().filter(herald::entities::api_token::Column::UserId.eq(leaver.id)).one(&app.state.db).await.unwrap().unwrap();
    assert!(revoked.revoked_at.is_some(), "revoked, so reactivating does not revive it");
    let response = app.post_form(&admin, &format!("/admin/users/{}", leaver.id), &[("csrf", &csrf), ("active", "true")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap().status(), 401);
    let page = app.get(&admin, "/admin/identity").await.text().await.unwrap();
    assert!(page.contains("deactivated") && page.contains("reactivated") && page.contains("Administrator"), "{page}");
}

#[tokio::test]
async fn herald_scim_token_create_prints_a_token_that_opens_scim_only() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = crate::helpers::fresh_database().await;
    let output = crate::helpers::herald_command(dir.path(), database_url.as_deref()).args(["scim", "token", "create", "--name", "Okta"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("hrscim_"), "{token}");
    let app = TestApp::spawn_on(database_url, dir).await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(app.url("/scim/v2/Users")).bearer_auth(&token).send().await.unwrap().status(), 200);
    assert_eq!(client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn admins_manage_scim_tokens_and_read_provisioning_events_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin).await;
    let client = reqwest::Client::new();
    let created: Value = client.post(app.url("/api/v1/scim/tokens")).bearer_auth(&admin).json(&json!({"name": "HRIS"})).send().await.unwrap().json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    let listed: Value = client.get(app.url("/api/v1/scim/tokens")).bearer_auth(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["tokens"][0]["name"], "HRIS");
    assert!(!listed.to_string().contains(token), "the token is never listed");

    let scim = Scim { app: &app, token: token.to_owned(), client: client.clone() };
    let id = scim.provision("dee@example.com", "Legal", "Kyiv").await;
    assert_eq!(scim.delete(&format!("/Users/{id}")).await, 204);
    let events: Value = client.get(app.url("/api/v1/provisioning-events")).bearer_auth(&admin).send().await.unwrap().json().await.unwrap();
    let actions: Vec<(&str, &str)> = events["events"].as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap(), e["source"].as_str().unwrap())).collect();
    assert_eq!(actions, [("deleted", "scim"), ("created", "scim")]);

    let id = created["id"].as_i64().unwrap();
    assert_eq!(client.delete(app.url(&format!("/api/v1/scim/tokens/{id}"))).bearer_auth(&admin).send().await.unwrap().status(), 204);
    assert_eq!(scim.get("/Users").await.0, 401);
    let employee = app.token(Role::Employee).await;
    assert_eq!(client.get(app.url("/api/v1/provisioning-events")).bearer_auth(&employee).send().await.unwrap().status(), 403);
}
