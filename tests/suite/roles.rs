//! The authorization matrix: every route of the application × every role
//! and anonymous, against the expected answer; with CSRF refused on every
//! state-changing form and security headers on every answer.

use herald::auth::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{location, TestApp};

#[derive(Clone, Copy, Debug)]
enum Access {
    Public,
    AtLeast(Role),
    /// Open to everyone, answering this status to the matrix's made-up ids and tokens.
    Answers(u16),
}

/// A fresh address for each actor, so that the per-address link limit is not what answers.
fn matrix_address() -> String {
    format!("matrix-{}@example.com", herald::auth::password::random_secret(6).to_lowercase())
}

#[derive(Clone, Debug)]
enum Body {
    Empty,
    Form(Vec<(&'static str, String)>),
    Csv,
    Upload,
    Json(serde_json::Value),
}

struct Case {
    method: Method,
    path: String,
    access: Access,
    body: Body,
}

fn case(method: Method, path: impl Into<String>, access: Access, body: Body) -> Case {
    Case { method, path: path.into(), access, body }
}

fn page_routes(target_user: i32) -> Vec<Case> {
    use Access::*;
    let employee = AtLeast(Role::Employee);
    let staff = AtLeast(Role::HrStaff);
    let admin = AtLeast(Role::Admin);
    let item_form = || Body::Form(vec![("title", "Matrix item".into()), ("kind", "policy".into()), ("status", "published".into()), ("action", "save".into())]);
    vec![
        case(Method::GET, "/library", employee, Body::Empty),
        case(Method::GET, "/library?q=matrix&kind=policy", employee, Body::Empty),
        case(Method::GET, "/library/matrix-item", employee, Body::Empty),
        case(Method::GET, "/library/matrix-item/files/999999", employee, Body::Empty),
        case(Method::GET, "/library/new", staff, Body::Empty),
        case(Method::POST, "/library", staff, item_form()),
        case(Method::GET, "/library/matrix-item/edit", staff, Body::Empty),
        case(Method::POST, "/library/matrix-item", staff, item_form()),
        case(Method::POST, "/library/matrix-item/status", staff, Body::Form(vec![("status", "published".into())])),
        case(Method::GET, "/library/matrix-item/versions", staff, Body::Empty),
        case(Method::GET, "/library/matrix-item/versions/1", staff, Body::Empty),
        case(Method::POST, "/library/matrix-item/attachments", staff, Body::Upload),
        case(Method::POST, "/library/matrix-item/attachments/999999/delete", staff, Body::Empty),
        case(Method::GET, "/spotlights", staff, Body::Empty),
        case(Method::GET, "/spotlights/new", staff, Body::Empty),
        case(Method::POST, "/spotlights", staff, spotlight_form()),
        case(Method::GET, "/spotlights/1", staff, Body::Empty),
        case(Method::GET, "/spotlights/1/edit", staff, Body::Empty),
        case(Method::POST, "/spotlights/1", staff, spotlight_form()),
        case(Method::GET, "/spotlights/1/preview", staff, Body::Empty),
        case(Method::GET, "/spotlights/1/preview/email", staff, Body::Empty),
        case(Method::GET, "/spotlights/1/page", staff, Body::Empty),
        case(Method::GET, "/spotlights/1/progress", staff, Body::Empty),
        case(Method::POST, "/spotlights/1/test", staff, Body::Empty),
        case(Method::POST, "/spotlights/1/schedule", staff, Body::Form(vec![("at", "2099-01-01T09:00".into())])),
        case(Method::POST, "/spotlights/1/state", staff, Body::Form(vec![("action", "unschedule".into())])),
        case(Method::POST, "/spotlights/1/send", staff, Body::Empty),
        case(Method::POST, "/spotlights/1/undo", staff, Body::Empty),
        case(Method::POST, "/spotlights/1/submit", staff, Body::Empty),
        // Approvers are HR leads by default.
        case(Method::POST, "/spotlights/1/approve", AtLeast(Role::HrLead), Body::Form(vec![("comment", "ok".into())])),
        case(Method::POST, "/spotlights/1/reject", AtLeast(Role::HrLead), Body::Form(vec![("comment", "not yet".into())])),
        case(Method::GET, "/spotlights/1/review", staff, Body::Empty),
        case(Method::GET, "/spotlights/1/audit.csv", staff, Body::Empty),
        case(Method::GET, "/spotlights/settings", staff, Body::Empty),
        case(Method::GET, "/spotlights/locations", staff, Body::Empty),
        case(Method::POST, "/spotlights/locations", AtLeast(Role::HrLead), Body::Form(vec![("location", "Nowhere".into()), ("time_zone", "UTC".into()), ("start", "09:00".into()), ("end", "17:00".into()), ("days", "Mon".into())])),
        case(Method::POST, "/spotlights/settings", AtLeast(Role::HrLead), Body::Form(vec![("rule", "never".into()), ("approvers", "hr_leads".into())])),
        case(Method::GET, "/spotlights/templates", staff, Body::Empty),
        case(Method::GET, "/spotlights/templates/new", staff, Body::Empty),
        case(Method::POST, "/spotlights/templates", staff, template_form()),
        case(Method::GET, "/spotlights/templates/1", staff, Body::Empty),
        case(Method::POST, "/spotlights/templates/1", staff, template_form()),
        case(Method::GET, "/spotlights/templates/1/preview", staff, Body::Empty),
        case(Method::GET, "/lists", staff, Body::Empty),
        case(Method::POST, "/lists", staff, Body::Form(vec![("name", "".into())])),
        case(Method::GET, "/lists/1", staff, Body::Empty),
        case(Method::POST, "/lists/1", staff, Body::Form(vec![("emails", "nobody@example.com".into())])),
        case(Method::POST, "/lists/1/import", staff, Body::Csv),
        case(Method::POST, "/lists/1/remove", staff, Body::Form(vec![("user_id", "999999".into())])),
        case(Method::POST, "/notifications/read", employee, Body::Empty),
        case(Method::GET, "/news", employee, Body::Empty),
        case(Method::GET, "/news/999999", employee, Body::Empty),
        case(Method::GET, "/news/999999/items/1", employee, Body::Empty),
        case(Method::GET, "/news/999999/files/1", employee, Body::Empty),
        case(Method::GET, "/shares", employee, Body::Empty),
        case(Method::POST, "/share", employee, Body::Form(vec![("from", "code:AAAAAAA".into())])),
        case(Method::GET, "/s/AAAAAAA/qr.png", employee, Body::Empty),
        case(Method::GET, "/spotlights/1/social", staff, Body::Empty),
        case(Method::POST, "/spotlights/1/social", staff, Body::Form(vec![("channel", "".into()), ("body", "x".into())])),
        case(Method::POST, "/spotlights/1/social/999999/publish", staff, Body::Form(vec![("destination", "x".into())])),
        case(Method::POST, "/spotlights/1/social/999999/revoke", staff, Body::Empty),
        case(Method::POST, "/comments", employee, Body::Form(vec![("target", "collateral:1".into()), ("body", "Matrix comment".into())])),
        case(Method::GET, "/comments/export.csv?target=collateral:1", staff, Body::Empty),
        case(Method::GET, "/comments/999999/edit", employee, Body::Empty),
        case(Method::POST, "/comments/999999/edit", employee, Body::Form(vec![("body", "Edited".into())])),
        case(Method::POST, "/comments/999999/delete", employee, Body::Empty),
        case(Method::POST, "/comments/999999/react", employee, Body::Form(vec![("reaction", "like".into())])),
        case(Method::POST, "/comments/999999/report", employee, Body::Form(vec![("reason", "Matrix report".into())])),
        case(Method::POST, "/comments/999999/hide", staff, Body::Form(vec![("reason", "Matrix hide".into())])),
        case(Method::POST, "/comments/999999/unhide", staff, Body::Empty),
        case(Method::POST, "/comments/999999/approve", staff, Body::Empty),
        case(Method::POST, "/comments/999999/dismiss", staff, Body::Empty),
        case(Method::GET, "/moderation", staff, Body::Empty),
        case(Method::GET, "/moderation/log", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/moderation/log.csv", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/analytics", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/analytics?from=2026-01-01&to=2026-01-31&sort=clicks&dir=asc", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/analytics/export.csv?table=departments", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/analytics/announcements/1", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/analytics/announcements/1/export.csv?table=departments", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/questions", employee, Body::Empty),
        case(Method::POST, "/feedback/1/feeling", employee, Body::Form(vec![("score", "3".into())])),
        case(Method::POST, "/read", employee, Body::Form(vec![("kind", "collateral".into()), ("id", "1".into()), ("seconds", "5".into())])),
        case(Method::GET, "/analytics/trends", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/analytics/trends?period=month&ending=2026-10-31&format=csv", AtLeast(Role::HrLead), Body::Empty),
        case(Method::GET, "/analytics/trends.csv?period=week", AtLeast(Role::HrLead), Body::Empty),
        case(Method::POST, "/analytics/trends/email", AtLeast(Role::HrLead), Body::Form(vec![("frequency", "none".into())])),
        case(Method::GET, "/analytics/privacy", AtLeast(Role::HrLead), Body::Empty),
        case(Method::POST, "/analytics/privacy", AtLeast(Role::HrLead), Body::Form(vec![("individual_tracking", "off".into())])),
        case(Method::GET, "/inbox", staff, Body::Empty),
        case(Method::GET, "/inbox?view=all", staff, Body::Empty),
        case(Method::GET, "/inbox/teams", staff, Body::Empty),
        case(Method::POST, "/inbox/teams", staff, Body::Form(vec![("user_id", "".into()), ("category", "Matrix".into())])),
        case(Method::POST, "/inbox/teams/999999/delete", staff, Body::Empty),
        case(Method::GET, "/login", Public, Body::Empty),
        case(Method::GET, "/login/link", Public, Body::Empty),
        case(Method::GET, "/login/link?next=%2Fquestions", Public, Body::Empty),
        case(Method::POST, "/login/link", Public, Body::Form(vec![("email", matrix_address())])),
        case(Method::GET, "/login/reset", Public, Body::Empty),
        case(Method::POST, "/login/reset", Public, Body::Form(vec![("email", matrix_address())])),
        case(Method::GET, "/login/link/open?token=not-a-real-token", Answers(404), Body::Empty),
        case(Method::POST, "/login/link/open", Answers(404), Body::Form(vec![("token", "not-a-real-token".into())])),
        case(Method::GET, "/login/reset/open?token=not-a-real-token", Answers(404), Body::Empty),
        case(Method::POST, "/login/reset/open", Answers(404), Body::Form(vec![("token", "x".into()), ("new", "a long new password".into()), ("confirm", "a long new password".into())])),
        case(Method::POST, "/login/link/renew", Answers(404), Body::Form(vec![("token", "not-a-real-token".into())])),
        case(Method::GET, "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/sign-in", Answers(404), Body::Empty),
        case(Method::POST, "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/sign-in", Answers(404), Body::Form(vec![("next", "".into())])),
        case(Method::GET, "/a/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/sign-in", Answers(404), Body::Empty),
        case(Method::POST, "/a/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/sign-in", Answers(404), Body::Form(vec![("next", "".into())])),
        case(Method::GET, "/admin/invitations", admin, Body::Empty),
        case(Method::POST, "/admin/invitations", admin, Body::Form(vec![("emails", "nobody@example.com".into())])),
        case(Method::GET, "/admin/invitations/999999", admin, Body::Empty),
        case(Method::GET, "/healthz", Public, Body::Empty),
        case(Method::GET, herald::web::assets::url("herald.css"), Public, Body::Empty),
        case(Method::GET, "/", employee, Body::Empty),
        case(Method::GET, "/account", employee, Body::Empty),
        case(Method::GET, "/account/password", employee, Body::Empty),
        case(Method::POST, "/account/password", employee, Body::Form(vec![("current", "x".into()), ("new", "y".into()), ("confirm", "y".into())])),
        case(Method::POST, "/account/tokens", employee, Body::Form(vec![("name", "matrix".into())])),
        case(Method::POST, "/account/tokens/999999/revoke", employee, Body::Empty),
        case(Method::GET, "/directory", AtLeast(Role::HrStaff), Body::Empty),
        case(Method::GET, "/directory?q=test&department=Finance", AtLeast(Role::HrStaff), Body::Empty),
        case(Method::GET, "/admin/users", admin, Body::Empty),
        case(Method::POST, "/admin/users", admin, Body::Form(vec![("email", "".into()), ("name", "Matrix".into()), ("role", "employee".into())])),
        case(Method::POST, format!("/admin/users/{target_user}"), admin, Body::Form(vec![("role", "employee".into())])),
        case(Method::GET, format!("/admin/users/{target_user}"), admin, Body::Empty),
        case(Method::POST, format!("/admin/users/{target_user}"), admin, Body::Form(vec![("department", "Matrix".into()), ("location", "Grid".into())])),
        case(Method::POST, format!("/admin/users/{target_user}/reinvite"), admin, Body::Empty),
        case(Method::GET, "/admin/import", admin, Body::Empty),
        case(Method::POST, "/admin/import", admin, Body::Csv),
        case(Method::GET, "/admin/webhooks", admin, Body::Empty),
        // Without [oidc] it says single sign-on is not configured; with it, see below.
        case(Method::GET, "/admin/identity/oidc", admin, Body::Empty),
        case(Method::POST, "/admin/webhooks", admin, Body::Form(vec![("url", "".into()), ("events", "click".into())])),
        case(Method::POST, "/admin/webhooks/999999/state", admin, Body::Form(vec![("active", "false".into())])),
        case(Method::POST, "/admin/webhooks/999999/test", admin, Body::Empty),
        case(Method::POST, "/admin/webhooks/999999/retry", admin, Body::Empty),
        case(Method::POST, "/admin/webhooks/999999/delete", admin, Body::Empty),
        case(Method::GET, "/admin/identity", admin, Body::Empty),
        case(Method::POST, "/admin/identity/scim-tokens", admin, Body::Form(vec![("name", "".into())])),
        case(Method::POST, "/admin/identity/scim-tokens/999999/revoke", admin, Body::Empty),
        case(Method::GET, "/acknowledgements", staff, Body::Empty),
        case(Method::GET, "/acknowledgements/new?collateral=1", staff, Body::Empty),
        case(Method::POST, "/acknowledgements", staff, Body::Form(vec![("collateral_id", "1".into()), ("due_date", "".into()), ("action", "save".into())])),
        case(Method::GET, "/acknowledgements/mine", employee, Body::Empty),
        case(Method::GET, "/acknowledgements/999999", staff, Body::Empty),
        case(Method::POST, "/acknowledgements/999999/send", staff, Body::Empty),
        case(Method::POST, "/acknowledgements/999999/close", staff, Body::Empty),
        case(Method::POST, "/acknowledgements/999999/ask-again", staff, Body::Form(vec![("material", "on".into())])),
        case(Method::GET, "/acknowledgements/999999/export.csv", staff, Body::Empty),
        case(Method::GET, "/acknowledgements/999999/print", staff, Body::Empty),
        case(Method::GET, "/acknowledgements/999999/confirm", employee, Body::Empty),
        case(Method::POST, "/acknowledgements/999999/confirm", employee, Body::Form(vec![("answer", "".into())])),
        case(Method::POST, "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/confirm", Answers(404), Body::Form(vec![("answer", "".into())])),
        case(Method::POST, "/lists/1/delete", staff, Body::Empty),
        // Last: it ends the session.
        case(Method::POST, "/logout", employee, Body::Empty),
    ]
}

fn spotlight_form() -> Body {
    Body::Form(vec![("title", "Matrix spotlight".into()), ("subject", "Hello".into()), ("template", "new-policy".into()), ("action", "save".into())])
}

fn template_form() -> Body {
    Body::Form(vec![("name", "Matrix template".into()), ("subject", "S".into()), ("html_body", "<p>{{ recipient.name }}</p>".into()), ("text_body", "T".into())])
}

fn api_routes() -> Vec<Case> {
    use Access::*;
    let staff = AtLeast(Role::HrStaff);
    vec![
        case(Method::GET, "/api/v1/announcements", staff, Body::Empty),
        case(Method::POST, "/api/v1/announcements", staff, Body::Json(json!({"title": "API spotlight", "subject": "Hi"}))),
        case(Method::GET, "/api/v1/announcements/1", staff, Body::Empty),
        case(Method::POST, "/api/v1/announcements/1/pause", staff, Body::Empty),
        case(Method::POST, "/api/v1/announcements/1/resume", staff, Body::Empty),
        case(Method::POST, "/api/v1/announcements/1/send", staff, Body::Empty),
        case(Method::POST, "/api/v1/announcements/1/submit", staff, Body::Empty),
        case(Method::POST, "/api/v1/announcements/1/approve", AtLeast(Role::HrLead), Body::Json(json!({"comment": "ok"}))),
        case(Method::POST, "/api/v1/announcements/1/reject", AtLeast(Role::HrLead), Body::Json(json!({"comment": "not yet"}))),
        case(Method::GET, "/api/v1/announcements/1/audit", staff, Body::Empty),
        case(Method::GET, "/api/v1/announcements/1/preflight", staff, Body::Empty),
        case(Method::POST, "/api/v1/announcements/1/cancel", staff, Body::Empty),
        case(Method::GET, "/api/v1/lists", staff, Body::Empty),
        case(Method::POST, "/api/v1/lists", staff, Body::Json(json!({"name": "API list"}))),
        case(Method::POST, "/api/v1/lists/1/members", staff, Body::Json(json!({"emails": ["nobody@example.com"]}))),
        case(Method::POST, "/api/v1/bounces", staff, Body::Json(json!({"email": "nobody@example.com"}))),
        case(Method::GET, "/api/v1/comments?target=collateral:1", AtLeast(Role::Employee), Body::Empty),
        case(Method::POST, "/api/v1/comments", AtLeast(Role::Employee), Body::Json(json!({"target": "collateral:1", "body": "API matrix comment"}))),
        case(Method::GET, "/api/v1/questions?state=all", staff, Body::Empty),
        case(Method::GET, "/api/v1/openapi.json", Public, Body::Empty),
        case(Method::GET, "/api/v1/me", AtLeast(Role::Employee), Body::Empty),
        case(Method::GET, "/api/v1/users", AtLeast(Role::Admin), Body::Empty),
        case(Method::POST, "/api/v1/users", AtLeast(Role::Admin), Body::Json(json!({"email": "", "name": "x", "role": "employee"}))),
        case(Method::GET, "/api/v1/invitations", AtLeast(Role::Admin), Body::Empty),
        case(Method::POST, "/api/v1/invitations", AtLeast(Role::Admin), Body::Json(json!({"emails": ["nobody@example.com"]}))),
        case(Method::GET, "/api/v1/invitations/1", AtLeast(Role::Admin), Body::Empty),
        // The dashboard's figures: HR leads, as the dashboard and its CSV (HR staff see the reach on the spotlight page).
        case(Method::GET, "/api/v1/announcements/1/stats", AtLeast(Role::HrLead), Body::Empty),
        case(Method::POST, "/api/v1/announcements/1/short-links", AtLeast(Role::HrStaff), Body::Json(json!({"channel": "nowhere"}))),
        case(Method::GET, "/api/v1/webhooks", AtLeast(Role::Admin), Body::Empty),
        case(Method::POST, "/api/v1/webhooks", AtLeast(Role::Admin), Body::Json(json!({"url": "", "events": ["click"]}))),
        case(Method::GET, "/api/v1/scim/tokens", AtLeast(Role::Admin), Body::Empty),
        case(Method::POST, "/api/v1/scim/tokens", AtLeast(Role::Admin), Body::Json(json!({"name": ""}))),
        case(Method::DELETE, "/api/v1/scim/tokens/999999", AtLeast(Role::Admin), Body::Empty),
        case(Method::GET, "/api/v1/provisioning-events", AtLeast(Role::Admin), Body::Empty),
        case(Method::GET, "/api/v1/collateral", AtLeast(Role::Employee), Body::Empty),
        case(Method::GET, "/api/v1/collateral/search?q=matrix", AtLeast(Role::Employee), Body::Empty),
        case(Method::GET, "/api/v1/collateral/1", AtLeast(Role::Employee), Body::Empty),
        case(Method::POST, "/api/v1/collateral", AtLeast(Role::HrStaff), Body::Json(json!({"title": "API item"}))),
        case(Method::PUT, "/api/v1/collateral/1", AtLeast(Role::HrStaff), Body::Json(json!({"title": "Matrix item", "status": "published"}))),
        case(Method::POST, "/api/v1/collateral/1/archive", AtLeast(Role::HrStaff), Body::Empty),
        case(Method::GET, "/api/v1/acknowledgements", staff, Body::Empty),
        case(Method::POST, "/api/v1/acknowledgements", staff, Body::Json(json!({"collateral_id": 1, "due_date": ""}))),
        case(Method::GET, "/api/v1/acknowledgements/mine", AtLeast(Role::Employee), Body::Empty),
        case(Method::GET, "/api/v1/acknowledgements/1", staff, Body::Empty),
        case(Method::GET, "/api/v1/acknowledgements/1/people", staff, Body::Empty),
        case(Method::POST, "/api/v1/acknowledgements/1/send", staff, Body::Empty),
        case(Method::POST, "/api/v1/acknowledgements/1/confirm", AtLeast(Role::Employee), Body::Json(json!({}))),
    ]
}

/// A published item for everyone, with id 1 and slug `matrix-item`.
async fn matrix_item(app: &TestApp) {
    let owner = app.user(Role::HrStaff).await;
    let owner = herald::users::service::find_by_email(&app.state.db, &owner).await.unwrap().unwrap();
    let raw = herald::library::model::RawCollateral { title: "Matrix item".into(), status: "published".into(), ..Default::default() };
    let item = herald::library::service::create(&app.state.db, owner.id, raw.parse().unwrap()).await.unwrap();
    assert_eq!((item.id, item.slug.as_str()), (1, "matrix-item"));
    matrix_spotlight(app, owner.id).await;
}

/// Announcement 1 (a draft) and distribution list 1.
async fn matrix_spotlight(app: &TestApp, owner: i32) {
    use herald::spotlights::{lists, service};
    let raw = service::RawAnnouncement { title: "Matrix".into(), subject: "Hi".into(), template: "new-policy".into(), ..Default::default() };
    let input = service::parse(&app.state.db, raw).await.unwrap();
    assert_eq!(service::create(&app.state.db, owner, input).await.unwrap().id, 1);
    assert_eq!(lists::create(&app.state.db, owner, "Matrix list", "").await.unwrap().id, 1);
}

async fn send_page(app: &TestApp, client: &reqwest::Client, csrf: &str, case: &Case) -> reqwest::Response {
    let request = client.request(case.method.clone(), app.url(&case.path));
    let request = match &case.body {
        Body::Empty if case.method == Method::POST => request.form(&[("csrf", csrf)]),
        Body::Empty => request,
        Body::Form(fields) => {
            let mut fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fields.push(("csrf", csrf));
            request.form(&fields)
        }
        Body::Csv => {
            let file = reqwest::multipart::Part::text("email,name\nmatrix@example.com,Matrix\n").file_name("people.csv");
            request.multipart(reqwest::multipart::Form::new().text("csrf", csrf.to_owned()).part("file", file))
        }
        Body::Upload => {
            let file = reqwest::multipart::Part::text("Plain text notes").file_name("notes.txt");
            request.multipart(reqwest::multipart::Form::new().text("csrf", csrf.to_owned()).part("file", file))
        }
        Body::Json(value) => request.json(value),
    };
    request.send().await.unwrap()
}

#[tokio::test]
async fn every_page_route_answers_each_role_as_expected() {
    let app = TestApp::spawn().await;
    matrix_item(&app).await;
    let target_email = app.user(Role::Employee).await;
    let target = herald::users::service::find_by_email(&app.state.db, &target_email).await.unwrap().unwrap().id;
    let mut failures = Vec::new();
    for actor in [None, Some(Role::Employee), Some(Role::HrStaff), Some(Role::HrLead), Some(Role::Admin)] {
        let (client, csrf) = match actor {
            Some(role) => {
                let client = app.signed_in(role).await;
                let csrf = app.csrf(&client, "/account").await;
                (client, csrf)
            }
            None => {
                // Public forms take the pre-login double-submit token.
                let client = app.browser();
                let csrf = app.csrf(&client, "/login").await;
                (client, csrf)
            }
        };
        for case in page_routes(target) {
            let allowed = match (case.access, actor) {
                (Access::Public | Access::Answers(_), _) => true,
                (Access::AtLeast(needed), Some(role)) => role.allows(needed),
                (Access::AtLeast(_), None) => false,
            };
            if case.method == Method::POST && allowed {
                // Without the form's token, every state-changing route refuses, and changes nothing.
                let forged = send_page(&app, &client, "forged", &case).await;
                if forged.status() != 403 || !forged.text().await.unwrap().contains("This form has expired") {
                    failures.push(format!("{:?} {} {} accepted a forged CSRF token", actor, case.method, case.path));
                }
            }
            let response = send_page(&app, &client, &csrf, &case).await;
            let status = response.status().as_u16();
            let to_login = status == 303 && location(&response).starts_with("/login?next=");
            let ok = match (case.access, actor) {
                (Access::Public, _) => status == 200,
                (Access::Answers(expected), _) => status == expected,
                (Access::AtLeast(_), None) => to_login,
                (Access::AtLeast(needed), Some(role)) if role.allows(needed) => status != 403 && status != 401 && !to_login,
                (Access::AtLeast(_), Some(_)) => status == 403,
            };
            if !ok {
                failures.push(format!("{:?} {} {} -> {status}", actor, case.method, case.path));
            }
            let headers = response.headers().clone();
            let html = headers.get("content-type").is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/html"));
            let body = if html { Some(response.text().await.unwrap()) } else { None };
            for problem in security_problems(&headers, body.as_deref()) {
                failures.push(format!("{:?} {} {}: {problem}", actor, case.method, case.path));
            }
        }
    }
    assert!(failures.is_empty(), "unexpected answers:\n{}", failures.join("\n"));
}

/// What every answer must carry: a CSP that allows no inline script and no
/// framing by other sites, no MIME sniffing, a referrer policy; and pages
/// with no inline script or event-handler attribute (the CSP would block them).
fn security_problems(headers: &reqwest::header::HeaderMap, html: Option<&str>) -> Vec<String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let mut problems = Vec::new();
    let csp = header("content-security-policy");
    let script_src = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src") || d.starts_with("default-src")).unwrap_or("");
    if csp.is_empty() || script_src.contains("unsafe-inline") || script_src.contains("unsafe-eval") {
        problems.push(format!("content-security-policy allows inline script or is missing: {csp:?}"));
    }
    if !(csp.contains("frame-ancestors 'none'") || csp.contains("frame-ancestors 'self'")) {
        problems.push(format!("content-security-policy lets other sites frame the page: {csp:?}"));
    }
    if header("x-content-type-options") != "nosniff" {
        problems.push("no X-Content-Type-Options: nosniff".into());
    }
    if header("referrer-policy").is_empty() {
        problems.push("no Referrer-Policy".into());
    }
    if let Some(html) = html {
        let lower = html.to_lowercase();
        let inline_script = lower.match_indices("<script").any(|(at, _)| !lower[at..].split('>').next().unwrap_or("").contains(" src="));
        if inline_script {
            problems.push("an inline <script>".into());
        }
        let handler = lower.match_indices(" on").find(|(at, _)| {
            let rest = &lower[at + 3..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase()).collect();
            !name.is_empty() && rest[name.len()..].starts_with('=') && lower[..*at].rfind('<') > lower[..*at].rfind('>')
        });
        if let Some((at, _)) = handler {
            problems.push(format!("an inline event handler: {:?}", &html[at..(at + 40).min(html.len())]));
        }
    }
    problems
}

#[tokio::test]
async fn every_api_route_answers_each_role_as_expected() {
    let app = TestApp::spawn().await;
    matrix_item(&app).await;
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for actor in [None, Some(Role::Employee), Some(Role::HrStaff), Some(Role::HrLead), Some(Role::Admin)] {
        let token = match actor {
            Some(role) => Some(app.token(role).await),
            None => None,
        };
        for case in api_routes() {
            let mut request = client.request(case.method.clone(), app.url(&case.path));
            if let Some(token) = &token {
                request = request.bearer_auth(token);
            }
            if let Body::Json(value) = &case.body {
                request = request.json(value);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            for problem in security_problems(response.headers(), None) {
                failures.push(format!("{:?} {} {}: {problem}", actor, case.method, case.path));
            }
            let ok = match (case.access, actor) {
                (Access::Public, _) => status == 200,
                (Access::Answers(expected), _) => status == expected,
                (Access::AtLeast(_), None) => status == 401,
                (Access::AtLeast(needed), Some(role)) if role.allows(needed) => status != 401 && status != 403,
                (Access::AtLeast(_), Some(_)) => status == 403,
            };
            if !ok {
                failures.push(format!("{:?} {} {} -> {status}", actor, case.method, case.path));
            }
            if status == 401 || status == 403 {
                let body: serde_json::Value = response.json().await.unwrap();
                assert!(body["error"]["message"].is_string(), "{}: error body {body}", case.path);
            }
        }
    }
    assert!(failures.is_empty(), "unexpected answers:\n{}", failures.join("\n"));
}

/// Every `/scim/v2` route: what an identity provider may call.
fn scim_routes() -> Vec<(Method, &'static str, Option<serde_json::Value>)> {
    let user = json!({"userName": "matrix@example.com", "emails": [{"value": "matrix@example.com"}]});
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "active", "value": true}]});
    vec![
        (Method::GET, "/scim/v2/ServiceProviderConfig", None),
        (Method::GET, "/scim/v2/ResourceTypes", None),
        (Method::GET, "/scim/v2/ResourceTypes/User", None),
        (Method::GET, "/scim/v2/Schemas", None),
        (Method::GET, "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", None),
        (Method::GET, "/scim/v2/Users", None),
        (Method::POST, "/scim/v2/Users", Some(user.clone())),
        (Method::POST, "/scim/v2/Users/.search", Some(json!({"filter": "userName pr"}))),
        (Method::GET, "/scim/v2/Users/1", None),
        (Method::PUT, "/scim/v2/Users/1", Some(user)),
        (Method::PATCH, "/scim/v2/Users/1", Some(patch.clone())),
        (Method::GET, "/scim/v2/Groups", None),
        (Method::POST, "/scim/v2/Groups", Some(json!({"displayName": "Matrix list"}))),
        (Method::POST, "/scim/v2/Groups/.search", Some(json!({}))),
        (Method::GET, "/scim/v2/Groups/1", None),
        (Method::PUT, "/scim/v2/Groups/1", Some(json!({"displayName": "Matrix list 2"}))),
        (Method::PATCH, "/scim/v2/Groups/1", Some(patch)),
        (Method::POST, "/scim/v2/.search", Some(json!({}))),
        (Method::DELETE, "/scim/v2/Groups/1", None),
        (Method::DELETE, "/scim/v2/Users/1", None),
    ]
}

#[tokio::test]
async fn every_scim_route_answers_a_scim_token_only() {
    let app = TestApp::spawn().await;
    app.user(Role::Admin).await;
    let scim_token = herald::scim::tokens::create(&app.state.db, "matrix", None).await.unwrap().1;
    let mut credentials: Vec<(String, Option<String>)> = vec![("none".into(), None), ("wrong".into(), Some("hrscim_wrong".into()))];
    for role in Role::ALL {
        credentials.push((format!("API token of {role:?}"), Some(app.token(role).await)));
    }
    let admin_browser = app.signed_in(Role::Admin).await;
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for (method, path, body) in scim_routes() {
        let send = |client: &reqwest::Client, token: Option<&str>| {
            let mut request = client.request(method.clone(), app.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &body {
                request = request.header("content-type", "application/scim+json").body(body.to_string());
            }
            request.send()
        };
        for (who, token) in &credentials {
            let response = send(&client, token.as_deref()).await.unwrap();
            let status = response.status().as_u16();
            let scim_error = response.headers().get("content-type").is_some_and(|v| v == "application/scim+json");
            if status != 401 || !scim_error {
                failures.push(format!("{who}: {method} {path} -> {status}"));
            }
        }
        let status = send(&admin_browser, None).await.unwrap().status().as_u16();
        if status != 401 {
            failures.push(format!("admin session: {method} {path} -> {status}"));
        }
        let response = send(&client, Some(&scim_token)).await.unwrap();
        let status = response.status().as_u16();
        for problem in security_problems(response.headers(), None) {
            failures.push(format!("SCIM token: {method} {path}: {problem}"));
        }
        // 404 for ids that do not exist: never refused, never a server error.
        if status == 401 || status == 403 || status >= 500 {
            failures.push(format!("SCIM token: {method} {path} -> {status}"));
        }
    }
    assert!(failures.is_empty(), "unexpected answers:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn an_employee_calling_an_admin_route_changes_nothing() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Employee).await;
    let csrf = app.csrf(&client, "/account").await;
    let before = app.count_users().await;
    let form = [("csrf", csrf.as_str()), ("email", "intruder@example.com"), ("name", "Intruder"), ("role", "admin")];
    let response = app.post_form(&client, "/admin/users", &form).await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("Your role does not allow this."));
    assert_eq!(app.count_users().await, before);
}

#[tokio::test]
async fn a_session_cookie_is_not_an_api_credential() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Admin).await;
    let response = app.get(&client, "/api/v1/me").await;
    assert_eq!(response.status(), 401, "the API takes bearer tokens only, so cookies cannot be used cross-site");
}

#[test]
fn the_security_check_catches_what_it_looks_for() {
    use reqwest::header::{HeaderMap, HeaderValue};
    let mut good = HeaderMap::new();
    good.insert("content-security-policy", HeaderValue::from_static("default-src 'self'; script-src 'self'; frame-ancestors 'none'"));
    good.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    good.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    let page = r#"<p>Reply on time.</p><script src="/assets/app.js"></script><a href="/x" class="on">on=off</a>"#;
    assert!(security_problems(&good, Some(page)).is_empty(), "{:?}", security_problems(&good, Some(page)));
    assert_eq!(security_problems(&good, Some("<script>alert(1)</script>")).len(), 1);
    assert_eq!(security_problems(&good, Some(r#"<img src="x" onerror=alert(1)>"#)).len(), 1);
    let mut weak = good.clone();
    weak.insert("content-security-policy", HeaderValue::from_static("script-src 'self' 'unsafe-inline'"));
    weak.remove("x-content-type-options");
    assert_eq!(security_problems(&weak, None).len(), 3, "inline scripts, framing, sniffing");
}

/// The single sign-on routes, with a provider configured and running: they
/// start or finish a sign-in for anyone, and never sign anyone in by
/// themselves; the identity page is for administrators.
#[tokio::test]
async fn every_single_sign_on_route_answers_each_role_as_expected() {
    let (app, provider) = crate::oidc::sso_app(&[]).await;
    let mut failures = Vec::new();
    for actor in [None, Some(Role::Employee), Some(Role::HrStaff), Some(Role::HrLead), Some(Role::Admin)] {
        let client = match actor {
            Some(role) => app.signed_in(role).await,
            None => app.browser(),
        };
        let mut check = |what: &str, response: &reqwest::Response, ok: bool| {
            if !ok {
                failures.push(format!("{actor:?} {what} -> {} {}", response.status(), location(response)));
            }
            for problem in security_problems(response.headers(), None) {
                failures.push(format!("{actor:?} {what}: {problem}"));
            }
        };
        let login = app.get(&client, "/auth/oidc/login?next=/library").await;
        check("GET /auth/oidc/login", &login, login.status() == 303 && location(&login).starts_with(&provider.issuer));
        let callback = app.get(&client, "/auth/oidc/callback?code=forged&state=forged").await;
        check("GET /auth/oidc/callback", &callback, callback.status() == 403);
        let signed_out = app.get(&client, "/auth/oidc/signed-out").await;
        let expected = if actor.is_some() { signed_out.status() == 303 && location(&signed_out) == "/" } else { signed_out.status() == 200 };
        check("GET /auth/oidc/signed-out", &signed_out, expected);
        let identity = app.get(&client, "/admin/identity/oidc").await;
        let expected = match actor {
            None => identity.status() == 303 && location(&identity).starts_with("/login?next="),
            Some(Role::Admin) => identity.status() == 200,
            Some(_) => identity.status() == 403,
        };
        check("GET /admin/identity/oidc", &identity, expected);
        // Still whoever they were: a forged callback signed nobody in or out.
        let account = app.get(&client, "/account").await.status();
        if (account == 200) != actor.is_some() {
            failures.push(format!("{actor:?}: /account answers {account} after the single sign-on routes"));
        }
    }
    assert!(failures.is_empty(), "unexpected answers:\n{}", failures.join("\n"));
}
