//! Script in every user-supplied field stays text: people's names and
//! departments, library items, distribution lists, announcements, comments and
//! private questions are filled with HTML payloads, then every page an admin
//! and the employee can reach by following links is crawled, and the email the
//! blast sent is read at the real SMTP server. No payload may come out as markup.

use std::collections::{BTreeSet, VecDeque};

use herald::auth::Role;
use herald::users::service::NewUser;
use serde_json::json;

use crate::comments::post_comment;
use crate::helpers::{TestApp, PASSWORD};
use crate::smtp::SmtpSink;
use crate::spotlights::{mail_via, Api};

/// A payload per field, each with its own marker so a failure names the field.
/// (Tags are at most 40 characters: they get shorter payloads.)
fn payload(field: &str) -> String {
    format!("<script>alert(\"xss-{field}\")</script>\"><img src=x onerror=alert(\"xss-{field}\")>")
}

/// Raw markup that only an unescaped payload can produce.
fn unescaped(html: &str) -> Option<String> {
    ["<script>alert(\"xss-", "<img src=x onerror=alert(\"xss-", "<b>xss-", "<script>x"]
        .iter()
        .find_map(|needle| html.find(needle).map(|at| html[at..(at + 60).min(html.len())].to_owned()))
}

/// Follows every same-site link from `/` (GET only, at most `limit` pages);
/// returns the pages with an unescaped payload, and how many showed one escaped.
async fn crawl(app: &TestApp, client: &reqwest::Client, limit: usize) -> (Vec<String>, usize) {
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let (mut problems, mut escaped, mut visited) = (Vec::new(), 0, 0);
    while let Some(path) = queue.pop_front() {
        if visited == limit {
            break;
        }
        visited += 1;
        let response = app.get(client, &path).await;
        let html = response.headers().get("content-type").is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/html"));
        if !html {
            continue;
        }
        let body = response.text().await.unwrap();
        if let Some(found) = unescaped(&body) {
            problems.push(format!("{path}: {found}"));
        }
        if body.contains("xss-") {
            escaped += 1;
        }
        for piece in body.split("href=\"").skip(1) {
            let link = piece.split('"').next().unwrap_or("").split('#').next().unwrap_or("").replace("&amp;", "&");
            let follow = link.starts_with('/')
                && !link.starts_with("//")
                && !["/logout", "/assets/", "/l/", "/s/", "/o/"].iter().any(|skip| link.starts_with(skip));
            if follow && seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    (problems, escaped)
}

#[tokio::test]
async fn payloads_in_every_field_stay_text_on_every_page_and_in_the_email() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 200)).await;
    // An employee whose name, department and location are payloads.
    let email = "xss.employee@example.com";
    let person = NewUser::parse(email, &payload("name"), &payload("department"), &payload("location"), Role::Employee).unwrap();
    herald::users::service::create(&app.state.db, person, Some(PASSWORD)).await.unwrap();

    let api = Api::new(&app).await;
    let library = crate::library::Api::new(&app, Role::HrStaff).await;
    let item = library
        .create(json!({"title": payload("title"), "summary": payload("summary"), "body": format!("{}\n\n[link](javascript:alert(1))", payload("body")),
                      "kind": "benefit", "category": payload("category"), "tags": ["<b>xss-tag</b>", "<script>x"], "status": "published"}))
        .await;
    let item_id = item["id"].as_i64().unwrap();
    let (status, list) = api.post("/lists", json!({"name": payload("list"), "description": payload("list-description"), "emails": [email]})).await;
    assert_eq!(status, 201, "{list}");
    let id = api
        .blast(json!({"title": payload("announcement"), "subject": format!("{{{{ recipient.first_name }}}} {}", payload("subject")),
                      "template": "benefit-change", "message": payload("message"), "collateral_ids": [item_id],
                      "audience": {"lists": [list["name"].as_str().unwrap()]}}))
        .await;
    api.wait_for(id, "sent", 20).await;

    let (employee, _) = app.login_as(email, PASSWORD).await;
    let news = format!("/news/{id}");
    assert_eq!(post_comment(&app, &employee, &news, &[("target", &format!("announcement:{id}")), ("body", &payload("comment"))]).await.status(), 303);
    let anonymous = [("target", format!("announcement:{id}")), ("body", payload("anonymous")), ("anonymous", "1".into())];
    let anonymous: Vec<(&str, &str)> = anonymous.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post_comment(&app, &employee, &news, &anonymous).await.status(), 200, "anonymous posts answer with a page, not a redirect");
    assert_eq!(post_comment(&app, &employee, "/questions", &[("target", "hr"), ("body", &format!("{}?", payload("question")))]).await.status(), 303);

    // Approval: a spotlight sent back with a payload comment, another waiting for the approver.
    let setter = herald::users::service::find_by_email(&app.state.db, &app.user(Role::HrLead).await).await.unwrap().unwrap();
    herald::spotlights::approval::set(&app.state.db, herald::spotlights::approval::ApprovalRule::Always, Default::default(), &setter).await.unwrap();
    let lead = crate::spotlights::Api::lead(&app).await;
    for (title, comment) in [(payload("returned"), Some(payload("review-comment"))), (payload("pending"), None)] {
        let (status, draft) = api.post("/announcements", json!({"title": title, "subject": "Hi", "template": "benefit-change", "audience": {"lists": [list["name"].as_str().unwrap()]}})).await;
        assert_eq!(status, 201, "{draft}");
        let draft = draft["id"].as_i64().unwrap();
        assert_eq!(api.post(&format!("/announcements/{draft}/submit"), json!({})).await.0, 200);
        if let Some(comment) = comment {
            assert_eq!(lead.post(&format!("/announcements/{draft}/reject"), json!({"comment": comment})).await.0, 200);
        }
    }
    herald::spotlights::approval::set(&app.state.db, herald::spotlights::approval::ApprovalRule::Never, Default::default(), &setter).await.unwrap();
    // The pre-flight checks quote what they flag: a placeholder made of a payload.
    let unfilled = json!({"title": "Flagged", "subject": "Hi", "message": format!("{{{{ {} }}}}", payload("placeholder")), "audience": {"lists": [list["name"].as_str().unwrap()]}});
    let (status, flagged) = api.post("/announcements", unfilled).await;
    assert_eq!(status, 201, "{flagged}");
    let flagged = flagged["id"].as_i64().unwrap();
    // A request to confirm the item, with payloads in what people confirm and are asked.
    let due = (app.state.config.clock.now().date_naive() + chrono::Duration::days(3)).to_string();
    let (status, request) = api
        .post("/acknowledgements", json!({"collateral_id": item_id, "audience": {"lists": [list["name"].as_str().unwrap()]}, "due_date": due,
                                          "statement": payload("statement"), "question": payload("ack-question")}))
        .await;
    assert_eq!(status, 201, "{request}");
    crate::helpers::eventually("the request's email", || async { (sink.messages().iter().filter(|m| m.rcpt == email).count() >= 2).then_some(()) }).await;

    let admin = app.signed_in(Role::Admin).await;
    for (who, client) in [("admin", &admin), ("employee", &employee)] {
        let (problems, escaped) = crawl(&app, client, 400).await;
        assert!(problems.is_empty(), "unescaped payloads for {who}:\n{}", problems.join("\n"));
        assert!(escaped >= 5, "the payloads were shown (escaped) on only {escaped} pages for {who}: the crawl did not reach them");
    }
    // The approval pages the crawl may not reach from a link: the approver's view and the trail.
    for path in [format!("/spotlights/{}/review", id + 2), format!("/spotlights/{}", id + 1), format!("/spotlights/{}/review", id + 1), format!("/spotlights/{flagged}")] {
        let body = app.get(&admin, &path).await.text().await.unwrap();
        assert!(body.contains("xss-"), "{path} shows the payloads");
        assert!(unescaped(&body).is_none(), "{path}: {:?}", unescaped(&body));
    }

    let blast = format!("<herald.a{id}.");
    let message = sink.messages().into_iter().find(|m| m.rcpt == email && m.header("Message-ID").is_some_and(|m| m.starts_with(&blast))).expect("the blast reached the employee");
    let html = message.part("text/html").expect("an HTML part");
    assert!(unescaped(&html).is_none(), "unescaped payload in the email: {:?}", unescaped(&html));
    assert!(html.contains("xss-title") && html.contains("xss-message"), "the email shows the fields (escaped)");
    assert!(!html.contains("javascript:"), "no javascript: link in the email");
    for message in sink.messages().into_iter().filter(|m| m.rcpt == email) {
        let html = message.part("text/html").expect("an HTML part");
        assert!(unescaped(&html).is_none(), "unescaped payload in an email: {:?}", unescaped(&html));
    }
}
