//! Sign-in links by email, password reset and invitations (issue 20), end
//! to end through a real SMTP server (smtp-sink): the link in the message, a
//! mail scanner's GET that changes nothing, the POST that signs in, expiry on
//! the clock the tests move, reuse, forwarding, rate limits, and 500 invitations.

use chrono::Duration;
use herald::auth::Role;
use herald::entities::{outbox, sign_in_link};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{csrf_in, eventually, location, TestApp, PASSWORD};
use crate::smtp::{Received, SmtpSink};
use crate::spotlights::{assert_exactly_once, mail_via, people};

async fn spawn() -> (SmtpSink, TestApp) {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 500)).await;
    (sink, app)
}

/// The `n`-th message (counting from 1) received for `email`.
pub async fn nth_message(sink: &SmtpSink, email: &str, n: usize) -> Received {
    eventually(&format!("message {n} to {email}"), || async {
        let mine: Vec<Received> = sink.messages().into_iter().filter(|m| m.rcpt == email).collect();
        (mine.len() >= n).then(|| mine[n - 1].clone())
    })
    .await
}

/// A message to `email` carrying a sign-in or reset link not in `known`
/// (messages to one address come in no particular order).
pub async fn new_link_message(sink: &SmtpSink, email: &str, known: &[String]) -> Received {
    eventually(&format!("a new link for {email}"), || async {
        sink.messages().into_iter().filter(|m| m.rcpt == email && m.raw.contains("/open?token=")).find(|m| !known.contains(&link_in(m)))
    })
    .await
}

pub async fn new_link(sink: &SmtpSink, email: &str, known: &[String]) -> String {
    link_in(&new_link_message(sink, email, known).await)
}

/// The path and query of the sign-in or reset link in a message, checking
/// that both parts of the message carry the same link.
pub fn link_in(message: &Received) -> String {
    let links: Vec<String> = message.links().into_iter().filter(|l| l.contains("/login/link/open?token=") || l.contains("/login/reset/open?token=")).collect();
    assert!(links.len() >= 2, "the link in the HTML and the text part: {links:?}\n{}", message.raw);
    assert!(links.iter().all(|l| l == &links[0]), "{links:?}");
    let url = url::Url::parse(&links[0]).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap())
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

pub async fn ask_for_link(app: &TestApp, client: &reqwest::Client, path: &str, email: &str) -> (u16, String) {
    let csrf = app.csrf(client, path).await;
    let response = app.post_form(client, path, &[("csrf", &csrf), ("email", email)]).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Opens `link` in `client` and presses "Continue": the sign-in response.
pub async fn continue_with(app: &TestApp, client: &reqwest::Client, link: &str) -> reqwest::Response {
    let page = app.get(client, link).await;
    assert_eq!(page.status(), 200, "{link}");
    let csrf = csrf_in(&page.text().await.unwrap()).unwrap();
    app.post_form(client, "/login/link/open", &[("csrf", &csrf), ("token", &token_of(link))]).await
}

async fn home_heading(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    let response = app.get(client, "/").await;
    if response.status() != 200 {
        return None;
    }
    let html = response.text().await.unwrap();
    let start = html.find("<h1>")? + 4;
    Some(html[start..start + html[start..].find("</h1>")?].to_owned())
}

async fn link_row(app: &TestApp, user_email: &str) -> sign_in_link::Model {
    let person = herald::users::service::find_by_email(&app.state.db, user_email).await.unwrap().unwrap();
    sign_in_link::Entity::find().filter(sign_in_link::Column::UserId.eq(person.id)).one(&app.state.db).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_scanner_opening_the_link_uses_nothing_and_only_the_post_signs_in() {
    let (sink, app) = spawn().await;
    let ann = people(&app, "ann", 1, "Finance").await.remove(0);
    let browser = app.browser();
    let login = app.get(&browser, "/login").await.text().await.unwrap();
    assert!(login.contains("Email me a sign-in link") && login.contains("Forgot password?"));
    let (status, page) = ask_for_link(&app, &browser, "/login/link", &ann).await;
    assert_eq!(status, 200);
    assert!(page.contains("Check your inbox"), "{page}");

    let message = new_link_message(&sink, &ann, &[]).await;
    assert_eq!(message.header("Subject").as_deref(), Some("Your sign-in link for Herald"));
    let link = link_in(&message);
    let token = token_of(&link);
    // Only a hash is stored, and the outbox keeps the message without the link.
    let row = link_row(&app, &ann).await;
    assert_eq!(row.token_hash, herald::auth::password::sha256_hex(&token));
    for stored in outbox::Entity::find().all(&app.state.db).await.unwrap() {
        assert!(!stored.text_body.contains(&token) && !stored.html_body.contains(&token));
    }

    // A mail scanner follows every link, twice, without cookies: it sees a button, nothing more.
    for _ in 0..2 {
        let scanner = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let seen = scanner.get(app.url(&link)).send().await.unwrap();
        assert_eq!(seen.status(), 200);
        let html = seen.text().await.unwrap();
        assert!(html.contains("Continue as Ana ann0") && html.contains("method=\"post\""), "{html}");
    }
    assert!(!link_row(&app, &ann).await.used, "a GET does not use the link up");
    assert_eq!(herald::entities::session::Entity::find().count(&app.state.db).await.unwrap(), 0);

    // The person presses "Continue": signed in, on the home page, the link used up.
    let signed_in = continue_with(&app, &browser, &link).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/");
    assert_eq!(home_heading(&app, &browser).await.as_deref(), Some("Welcome, Ana ann0"));
    assert!(link_row(&app, &ann).await.used);

    // The same link again, on the same browser or another (a forwarded email): refused.
    let again = app.get(&browser, &link).await;
    assert_eq!(again.status(), 410);
    assert!(again.text().await.unwrap().contains("This link was already used"));
    let forwarded = app.browser();
    let opened = app.get(&forwarded, &link).await;
    assert_eq!(opened.status(), 410);
    let csrf = csrf_in(&opened.text().await.unwrap()).unwrap();
    let replay = app.post_form(&forwarded, "/login/link/open", &[("csrf", &csrf), ("token", &token)]).await;
    assert_eq!(replay.status(), 410);
    assert!(home_heading(&app, &forwarded).await.is_none(), "the forwarded link signed nobody in");
    // A made-up or tampered token is simply not valid.
    let tampered = link.replace(&token[..4], "AAAA");
    assert_eq!(app.get(&forwarded, &tampered).await.status(), 404);
    assert_eq!(app.get(&forwarded, "/login/link/open?token=%3Cscript%3E").await.status(), 404);
}

#[tokio::test]
async fn an_expired_link_is_refused_and_offers_a_new_one() {
    let (sink, app) = spawn().await;
    let email = app.user(Role::Employee).await;
    ask_for_link(&app, &app.browser(), "/login/link", &email).await;
    let link = new_link(&sink, &email, &[]).await;
    let browser = app.browser();
    let page = app.get(&browser, &link).await.text().await.unwrap();
    let csrf = csrf_in(&page).unwrap();

    app.state.config.clock.advance(Duration::minutes(31));
    let opened = app.get(&browser, &link).await;
    assert_eq!(opened.status(), 410);
    assert!(opened.text().await.unwrap().contains("This link has expired"));
    let late = app.post_form(&browser, "/login/link/open", &[("csrf", &csrf), ("token", &token_of(&link))]).await;
    assert_eq!(late.status(), 410, "a continue page opened in time does not help once the link has expired");
    assert!(home_heading(&app, &browser).await.is_none());

    // "Send a new link to the same address": it goes to the owner, and works.
    let renewed = app.post_form(&browser, "/login/link/renew", &[("csrf", &csrf), ("token", &token_of(&link))]).await;
    assert_eq!(renewed.status(), 200);
    assert!(renewed.text().await.unwrap().contains("A new link is on its way"));
    let fresh = new_link(&sink, &email, &[link.clone()]).await;
    assert_ne!(fresh, link);
    assert_eq!(continue_with(&app, &browser, &fresh).await.status(), 303);
    assert_eq!(home_heading(&app, &browser).await.as_deref(), Some("Welcome, Test Employee"));
}

#[tokio::test]
async fn the_answer_is_the_same_for_an_unknown_address_and_an_inactive_account_gets_nothing() {
    let (sink, app) = spawn().await;
    let known = app.user(Role::Employee).await;
    let gone = app.user(Role::Employee).await;
    let unknown = "nobody.here@example.com";
    let answer = |page: String, email: &str| {
        let page = page.replace(email, "ADDRESS");
        let csrf = csrf_in(&page).unwrap();
        page.replace(&csrf, "CSRF")
    };
    let (status_unknown, page_unknown) = ask_for_link(&app, &app.browser(), "/login/link", unknown).await;
    let (status_known, page_known) = ask_for_link(&app, &app.browser(), "/login/link", &known).await;
    assert_eq!((status_unknown, status_known), (200, 200));
    assert_eq!(answer(page_unknown, unknown), answer(page_known, &known), "the same page either way");
    let (_, reset_unknown) = ask_for_link(&app, &app.browser(), "/login/reset", unknown).await;
    let (_, reset_known) = ask_for_link(&app, &app.browser(), "/login/reset", &known).await;
    assert_eq!(answer(reset_unknown, unknown), answer(reset_known, &known));

    // An inactive account: the same answer, no message; and its old link stops working.
    let earlier = {
        ask_for_link(&app, &app.browser(), "/login/link", &gone).await;
        new_link(&sink, &gone, &[]).await
    };
    let person = herald::users::service::find_by_email(&app.state.db, &gone).await.unwrap().unwrap();
    let admin = app.signed_in(Role::Admin).await;
    let csrf = app.csrf(&admin, "/admin/users").await;
    app.post_form(&admin, &format!("/admin/users/{}", person.id), &[("csrf", &csrf), ("active", "false")]).await;
    let (_, page_gone) = ask_for_link(&app, &app.browser(), "/login/link", &gone).await;
    assert!(page_gone.contains("Check your inbox"));
    assert_eq!(app.get(&app.browser(), &earlier).await.status(), 404, "an inactive account cannot use a link");

    nth_message(&sink, &known, 2).await;
    let to = |email: &str| outbox::Entity::find().filter(outbox::Column::ToEmail.eq(email)).count(&app.state.db);
    assert_eq!(to(unknown).await.unwrap(), 0, "nothing is sent to an address without an account");
    assert_eq!(to(&gone).await.unwrap(), 1, "nothing more to an inactive account");
}

#[tokio::test]
async fn links_are_rate_limited_per_address_alike_for_unknown_addresses() {
    let app = TestApp::spawn().await;
    let known = app.user(Role::Employee).await;
    for email in [known.as_str(), "nobody@example.com"] {
        for _ in 0..herald::sign_in_links::limits::PER_ADDRESS {
            assert_eq!(ask_for_link(&app, &app.browser(), "/login/link", email).await.0, 200);
        }
        let (status, page) = ask_for_link(&app, &app.browser(), "/login/link", email).await;
        assert_eq!(status, 429, "{email}");
        assert!(page.contains("Several links were sent to this address"), "{page}");
    }
    let (status, _) = ask_for_link(&app, &app.browser(), "/login/reset", &known).await;
    assert_eq!(status, 429, "sign-in and reset links share the count");
    app.state.config.clock.advance(Duration::minutes(herald::sign_in_links::limits::WINDOW_MINUTES));
    assert_eq!(ask_for_link(&app, &app.browser(), "/login/link", &known).await.0, 200, "the window passes");
}

#[tokio::test]
async fn a_password_reset_checks_the_policy_and_ends_every_other_session_and_token() {
    let (sink, app) = spawn().await;
    let email = app.user(Role::Employee).await;
    let (elsewhere, _) = app.login_as(&email, PASSWORD).await;
    let person = herald::users::service::find_by_email(&app.state.db, &email).await.unwrap().unwrap();
    let token = herald::auth::tokens::create(&app.state.db, person.id, "laptop").await.unwrap();
    let api = || reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(&token).send();
    assert_eq!(api().await.unwrap().status(), 200);

    let browser = app.browser();
    assert_eq!(ask_for_link(&app, &browser, "/login/reset", &email).await.0, 200);
    let message = new_link_message(&sink, &email, &[]).await;
    assert_eq!(message.header("Subject").as_deref(), Some("Reset your Herald password"));
    let link = link_in(&message);
    assert!(link.starts_with("/login/reset/open?token="));
    let page = app.get(&browser, &link).await.text().await.unwrap();
    assert!(page.contains("Choose a new password"));
    let csrf = csrf_in(&page).unwrap();
    let reset = |new: &'static str, confirm: &'static str| {
        let (csrf, token) = (csrf.clone(), token_of(&link));
        let (app, browser) = (&app, &browser);
        async move { app.post_form(browser, "/login/reset/open", &[("csrf", &csrf), ("token", &token), ("new", new), ("confirm", confirm)]).await }
    };
    let common = reset("password123", "password123").await;
    assert_eq!(common.status(), 422);
    assert!(common.text().await.unwrap().contains("most common passwords"));
    assert_eq!(reset("short", "short").await.status(), 422);
    assert_eq!(reset("a new long passphrase", "a different one").await.status(), 422);
    assert!(!link_row(&app, &email).await.used, "a refused password does not use the link up");

    let done = reset("a new long passphrase", "a new long passphrase").await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Your password has been changed"));
    assert!(home_heading(&app, &browser).await.is_some(), "this browser is signed in");
    assert!(home_heading(&app, &elsewhere).await.is_none(), "the other session was ended");
    assert_eq!(api().await.unwrap().status(), 401, "the API token was revoked");
    assert_eq!(app.login_as(&email, PASSWORD).await.1.status(), 401, "the old password no longer works");
    assert_eq!(app.login_as(&email, "a new long passphrase").await.1.status(), 303);
    assert_eq!(app.get(&app.browser(), &link).await.status(), 410, "the link worked once");
    let csrf = app.csrf(&browser, "/").await;
    let again = app.post_form(&browser, "/login/reset/open", &[("csrf", &csrf), ("token", &token_of(&link)), ("new", "another long passphrase"), ("confirm", "another long passphrase")]).await;
    assert_eq!(again.status(), 410);
}

#[tokio::test]
async fn a_link_requested_from_a_page_comes_back_to_it() {
    let (sink, app) = spawn().await;
    let email = app.user(Role::Employee).await;
    let browser = app.browser();
    let wanted = app.get(&browser, "/questions").await;
    assert_eq!(location(&wanted), "/login?next=%2Fquestions");
    let login = app.get(&browser, &location(&wanted)).await.text().await.unwrap();
    assert!(login.contains("/login/link?next=/questions"), "{login}");
    let form = app.get(&browser, "/login/link?next=%2Fquestions").await.text().await.unwrap();
    let csrf = csrf_in(&form).unwrap();
    app.post_form(&browser, "/login/link", &[("csrf", &csrf), ("email", &email), ("next", "/questions")]).await;
    let first = new_link(&sink, &email, &[]).await;
    let signed_in = continue_with(&app, &browser, &first).await;
    assert_eq!(location(&signed_in), "/questions");

    // Another site's address is never followed.
    let other = app.browser();
    let csrf_other = app.csrf(&other, "/login/link").await;
    app.post_form(&other, "/login/link", &[("csrf", &csrf_other), ("email", &email), ("next", "//evil.example/x")]).await;
    let signed_in = continue_with(&app, &other, &new_link(&sink, &email, &[first]).await).await;
    assert_eq!(location(&signed_in), "/");
}

/// An announcement sent through the sink to `emails`; returns its id.
async fn sent(app: &TestApp, emails: &[String]) -> i64 {
    let api = crate::spotlights::Api::new(app).await;
    let item = crate::spotlights::published_item(app, "Dental plan", "Dependents' dental coverage ends.").await;
    let id = api.blast(json!({"title": "Dental coverage ends", "subject": "Dental", "template": "benefit-change", "collateral_ids": [item], "audience": {"emails": emails}})).await;
    api.wait_for(id, "sent", 30).await;
    id
}

/// The recipient's own page (`/p/{token}`) that a tracked link of the spotlight email leads to.
async fn personal_page(app: &TestApp, message: &Received) -> String {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent(crate::helpers::FIREFOX).build().unwrap();
    for link in message.links().into_iter().filter(|l| l.starts_with(&app.address) && !l.contains("/o/")) {
        let response = client.get(&link).send().await.unwrap();
        let target = location(&response);
        if target.starts_with("/p/") {
            return url::Url::parse(&app.url(&target)).unwrap().path().to_owned();
        }
    }
    panic!("no link to the personal page in {:?}", message.links());
}

#[tokio::test]
async fn the_recipient_page_shows_the_discussion_and_taking_part_emails_the_recipient_only() {
    let (sink, app) = spawn().await;
    let ann = people(&app, "imported", 1, "Finance").await.remove(0);
    let colleague = app.user(Role::Employee).await;
    let id = sent(&app, &[ann.clone(), colleague.clone()]).await;
    // A colleague comments under their name.
    let (colleague_browser, _) = app.login_as(&colleague, PASSWORD).await;
    let csrf = app.csrf(&colleague_browser, &format!("/news/{id}")).await;
    let posted = app.post_form(&colleague_browser, "/comments", &[("csrf", &csrf), ("target", &format!("announcement:{id}")), ("body", "Does this include braces?")]).await;
    assert_eq!(posted.status(), 303);

    let spotlight = nth_message(&sink, &ann, 1).await;
    let personal = personal_page(&app, &spotlight).await;
    let page_token = personal.trim_start_matches("/p/").to_owned();

    // Whoever has the email reads the discussion, but cannot act from it.
    let forwarded = app.browser();
    let html = app.get(&forwarded, &personal).await.text().await.unwrap();
    assert!(html.contains("Does this include braces?") && html.contains("Test Employee"), "{html}");
    assert!(html.contains("Sign in to comment, react or ask") && html.contains(&format!("href=\"/p/{page_token}/sign-in\"")));
    assert!(!html.contains("action=\"/comments\"") && !html.contains("/react\"") && !html.contains("/feeling\""), "no form to act as the recipient");
    assert!(html.contains(&format!("/p/{page_token}/sign-in?next=%2Fp%2F{page_token}")), "'Sign in to share this' comes back to this page");

    // Asking to take part sends a link to the recipient's own mailbox, and signs nobody in here.
    let form = app.get(&forwarded, &format!("/p/{page_token}/sign-in")).await.text().await.unwrap();
    assert!(form.contains("Email me a sign-in link"));
    let csrf = csrf_in(&form).unwrap();
    let asked = app.post_form(&forwarded, &format!("/p/{page_token}/sign-in"), &[("csrf", &csrf), ("next", "")]).await;
    assert_eq!(asked.status(), 200);
    assert!(asked.text().await.unwrap().contains("Check your inbox"));
    assert!(home_heading(&app, &forwarded).await.is_none());
    let message = new_link_message(&sink, &ann, &[]).await;
    assert_eq!(message.rcpt, ann);
    let link = link_in(&message);

    // The recipient follows it and lands on the announcement's discussion, able to comment.
    let recipient = app.browser();
    let signed_in = continue_with(&app, &recipient, &link).await;
    assert_eq!(location(&signed_in), format!("/news/{id}"));
    let news = app.get(&recipient, &format!("/news/{id}")).await.text().await.unwrap();
    assert!(news.contains("action=\"/comments\"") && news.contains("Does this include braces?"));
    let own_page = app.get(&recipient, &personal).await.text().await.unwrap();
    assert!(own_page.contains(&format!("href=\"/news/{id}#comments\"")) && own_page.contains("Join the discussion"));
    // The forwarded copy of the same link, opened after the recipient signed in: refused.
    assert_eq!(app.get(&forwarded, &link).await.status(), 410);
    assert!(home_heading(&app, &forwarded).await.is_none());
}

#[tokio::test]
async fn the_answer_email_brings_the_asker_back_to_the_thread_through_their_own_mailbox() {
    use crate::comments::{comment_id, post_comment};
    let (sink, app) = spawn().await;
    let asker = app.user(Role::Employee).await;
    let id = sent(&app, &[asker.clone()]).await;
    let news = format!("/news/{id}");
    let (asker_browser, _) = app.login_as(&asker, PASSWORD).await;
    let target = format!("announcement:{id}");
    let asked = post_comment(&app, &asker_browser, &news, &[("target", &target), ("body", "Are braces covered?"), ("question", "1")]).await;
    let question = comment_id(&asked).to_string();
    let hr = app.signed_in(Role::HrStaff).await;
    assert_eq!(post_comment(&app, &hr, &news, &[("target", &target), ("body", "Yes, until December."), ("parent", &question)]).await.status(), 303);
    let answer = eventually("the answer email", || async {
        sink.messages().into_iter().find(|m| m.rcpt == asker && m.header("Subject").is_some_and(|s| s.contains("HR answered")))
    })
    .await;
    let back = answer.links().into_iter().find(|l| l.contains("/a/")).unwrap();
    let back = url::Url::parse(&back).unwrap().path().to_owned();

    // On a phone that is not signed in: a page that emails the asker, not a bare /login.
    let phone = app.browser();
    let followed = app.get(&phone, &back).await;
    assert_eq!(location(&followed), format!("{back}/sign-in"));
    let form = app.get(&phone, &format!("{back}/sign-in")).await.text().await.unwrap();
    let csrf = csrf_in(&form).unwrap();
    assert_eq!(app.post_form(&phone, &format!("{back}/sign-in"), &[("csrf", &csrf), ("next", "")]).await.status(), 200);
    let link = link_in(&eventually("the sign-in link", || async {
        sink.messages().into_iter().find(|m| m.rcpt == asker && m.header("Subject").is_some_and(|s| s.contains("sign-in link")))
    })
    .await);
    let signed_in = continue_with(&app, &phone, &link).await;
    assert_eq!(location(&signed_in), news);
    let thread = app.get(&phone, &news).await.text().await.unwrap();
    assert!(thread.contains("Yes, until December.") && thread.contains("action=\"/comments\""));
}

async fn upload_people(app: &TestApp, admin: &reqwest::Client, csv: String) {
    let csrf = app.csrf(admin, "/admin/import").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part("file", reqwest::multipart::Part::text(csv).file_name("people.csv"));
    let response = admin.post(app.url("/admin/import")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn five_hundred_imported_people_are_each_invited_once_and_can_sign_in() {
    let (sink, app) = spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let emails: Vec<String> = (0..500).map(|n| format!("person{n:03}@example.com")).collect();
    let mut csv = String::from("email,name,department,location\n");
    for (n, email) in emails.iter().enumerate() {
        csv.push_str(&format!("{email},Person {n:03},Sales,Porto\n"));
    }
    upload_people(&app, &admin, csv).await;
    let page = app.get(&admin, "/admin/users").await.text().await.unwrap();
    assert!(page.contains("Invite everyone without access"));
    let csrf = csrf_in(&page).unwrap();

    // "Invite everyone without access", clicked twice.
    let first = app.post_form(&admin, "/admin/invitations", &[("csrf", &csrf), ("all_pending", "1")]).await;
    assert_eq!(first.status(), 303);
    let progress = location(&first);
    let second = app.post_form(&admin, "/admin/invitations", &[("csrf", &csrf), ("all_pending", "1")]).await;
    assert_eq!(second.status(), 303);
    let token = app.token(Role::Admin).await;
    let batch = |path: String| {
        let token = token.clone();
        let url = app.url(&path.replace("/admin/", "/api/v1/"));
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let repeat = batch(location(&second)).await;
    assert_eq!((repeat["invited"].as_i64(), repeat["already_invited"].as_i64()), (Some(0), Some(500)), "{repeat}");

    let done = eventually("every invitation sent", || async {
        let view = batch(progress.clone()).await;
        (view["delivery"]["sent"] == 500).then_some(view)
    })
    .await;
    assert_eq!((done["invited"].as_i64(), done["delivery"]["queued"].as_i64(), done["delivery"]["failed"].as_i64()), (Some(500), Some(0), Some(0)), "{done}");
    let html = app.get(&admin, &progress).await.text().await.unwrap();
    assert!(html.contains("data-count=\"sent\">500<"), "the progress view");
    assert_exactly_once(&sink, &emails);

    // A sampled person signs in from their invitation.
    let message = sink.messages().into_iter().find(|m| m.rcpt == "person137@example.com").unwrap();
    assert!(message.header("Subject").unwrap().contains("invites you to Herald"));
    let browser = app.browser();
    let link = link_in(&message);
    let page = app.get(&browser, &link).await.text().await.unwrap();
    assert!(page.contains("Welcome to Herald") && page.contains("Continue as Person 137"));
    assert_eq!(continue_with(&app, &browser, &link).await.status(), 303);
    assert_eq!(home_heading(&app, &browser).await.as_deref(), Some("Welcome, Person 137"));
    let after = batch(progress.clone()).await;
    assert_eq!(after["accepted"], 1);
    assert_eq!(herald::sign_in_links::invitations::pending_count(&app.state.db).await.unwrap(), 499);
}

#[tokio::test]
async fn the_invitation_api_invites_named_people_and_reports_the_rest() {
    let app = TestApp::spawn().await;
    let invited = people(&app, "api", 2, "Sales").await;
    let token = app.token(Role::Admin).await;
    let post = |body: Value| reqwest::Client::new().post(app.url("/api/v1/invitations")).bearer_auth(&token).json(&body).send();
    let created = post(json!({"emails": [invited[0], invited[1], "nobody@example.com"]})).await.unwrap();
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    assert_eq!((body["invited"].as_i64(), body["not_invitable"].as_i64(), body["requested"].as_i64()), (Some(2), Some(1), Some(3)), "{body}");
    let both = post(json!({"emails": [invited[0]], "all_pending": true})).await.unwrap();
    assert_eq!(both.status(), 422);
    let error: Value = both.json().await.unwrap();
    assert!(error["error"]["message"].is_string());
    let list: Value = reqwest::Client::new().get(app.url("/api/v1/invitations")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let missing = reqwest::Client::new().get(app.url("/api/v1/invitations/999")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn herald_invite_queues_invitations_from_the_command_line() {
    let app = TestApp::spawn().await;
    let imported = people(&app, "cli", 3, "Sales").await;
    let run = |args: &[&str]| {
        let output = crate::helpers::herald_command(app.data_path(), app.database_url.as_deref()).arg("invite").args(args).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(run(&["--email", &imported[0]]).contains("Queued 1 invitation."));
    let all = run(&["--all-pending"]);
    assert!(all.contains("Queued 2 invitations.") && all.contains("1 already had an invitation"), "{all}");
    assert!(run(&["--all-pending"]).contains("Queued 0 invitations."));
    let queued = outbox::Entity::find().filter(outbox::Column::Kind.eq("invitation")).count(&app.state.db).await.unwrap();
    assert_eq!(queued, 3);
}

/// The server stops with the test, whether it passes or not.
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn no_log_line_holds_a_link_or_names_whom_it_was_sent_to() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = crate::helpers::fresh_database().await;
    let log_path = dir.path().join("herald.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Serving(
        crate::helpers::herald_command(dir.path(), database_url.as_deref())
            .env("RUST_LOG", "herald=trace,tower_http=trace,info")
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .unwrap(),
    );
    eventually("herald serve to answer", || async { reqwest::get(format!("{base}/healthz")).await.ok().filter(|r| r.status() == 200).map(|_| ()) }).await;

    // Without SMTP the messages are .eml files in DATA_DIR/outbox: the admin created at start asks for a link.
    let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).user_agent(crate::helpers::FIREFOX).build().unwrap();
    let form = browser.get(format!("{base}/login/link")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&form).unwrap();
    let asked = browser.post(format!("{base}/login/link")).form(&[("csrf", csrf.as_str()), ("email", "admin@herald.local")]).send().await.unwrap();
    assert_eq!(asked.status(), 200);
    let message = eventually("the link in the outbox directory", || async {
        let files = std::fs::read_dir(dir.path().join("outbox")).ok()?;
        files.filter_map(|f| std::fs::read_to_string(f.ok()?.path()).ok()).find(|text| text.contains("Your sign-in link for Herald"))
    })
    .await;
    let link = link_in(&Received { rcpt: String::new(), raw: message.replace("\r\n", "\n") });
    let token = token_of(&link);
    let page = browser.get(format!("{base}{link}")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page).unwrap();
    let signed_in = browser.post(format!("{base}/login/link/open")).form(&[("csrf", csrf.as_str()), ("token", token.as_str())]).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(reqwest::get(format!("{base}{link}")).await.unwrap().status(), 410);

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("/login/link/open"), "requests are logged at this level: {log}");
    assert!(!log.contains(&token), "the link's secret is in the log:\n{log}");
    assert!(!log.contains("admin@herald.local"), "the log names whom a link was sent to:\n{log}");
}
