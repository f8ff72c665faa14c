//! End-to-end in headless Chromium: an employee comments anonymously and
//! asks a named question under an announcement; HR answers the question
//! from the inbox; the employee sees the official answer and has the email
//! about it at a real SMTP server.

use fantoccini::{Client, Locator};
use herald::auth::Role;
use herald::entities::comment;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::browser::{screenshot, sign_in, sign_out, start_browser};
use crate::helpers::{eventually, TestApp};
use crate::smtp::SmtpSink;
use crate::spotlights::{mail_via, published_item, Api};

async fn write_comment(browser: &Client, text: &str, tick: &[&str]) {
    browser.find(Locator::Css("#comment-body")).await.unwrap().send_keys(text).await.unwrap();
    for id in tick {
        browser.find(Locator::Css(&format!("#{id}"))).await.unwrap().click().await.unwrap();
    }
    browser.find(Locator::Css("#comment-submit")).await.unwrap().click().await.unwrap();
}

#[tokio::test]
async fn an_employee_asks_hr_answers_from_the_inbox_and_the_answer_arrives_by_email() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(mail_via(&sink, 50)).await;
    let employee = app.user(Role::Employee).await;
    let hr = app.user(Role::HrStaff).await;
    let api = Api::new(&app).await;
    let item = published_item(&app, "Dental plan 2027", "Dependents' dental coverage ends next enrolment period.").await;
    let id = api
        .blast(json!({"title": "Dependents' dental coverage ends", "subject": "Dental", "template": "benefit-change",
                      "collateral_ids": [item], "audience": {"emails": [employee]}}))
        .await;
    api.wait_for(id, "sent", 20).await;
    let news = app.url(&format!("/news/{id}"));
    let (_driver, browser) = start_browser().await;

    // The employee speaks up anonymously, then asks under their name.
    sign_in(&browser, &app, &employee).await;
    browser.goto(&news).await.unwrap();
    let anonymous = "Cutting dental for our kids is unfair. Nobody asked us.";
    write_comment(&browser, anonymous, &["comment-anonymous"]).await;
    let confirmation = browser.wait().for_element(Locator::Css("#posted h1")).await.unwrap().text().await.unwrap();
    assert_eq!(confirmation, "Posted anonymously");
    browser.find(Locator::Css("#posted a.button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("#comment-body")).await.unwrap();
    let question = "Will my children stay covered until the end of this year";
    write_comment(&browser, question, &["comment-question"]).await;
    browser.wait().for_element(Locator::Css(".comment .badge.open-question")).await.unwrap();
    let thread = browser.find(Locator::Css("#comments")).await.unwrap().text().await.unwrap();
    assert!(thread.contains("Anonymous") && thread.contains(anonymous) && thread.contains(question), "{thread}");
    screenshot(&browser, "comments-employee").await;
    sign_out(&browser).await;

    // HR finds the question in the inbox and answers it in the thread.
    let asked = comment::Entity::find().filter(comment::Column::IsQuestion.eq(true)).filter(comment::Column::Anonymous.eq(false)).one(&app.state.db).await.unwrap().unwrap();
    sign_in(&browser, &app, &hr).await;
    browser.goto(&app.url("/inbox")).await.unwrap();
    let inbox = browser.wait().for_element(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(inbox.contains(question), "{inbox}");
    screenshot(&browser, "comments-inbox").await;
    browser.find(Locator::Css(&format!("a[href$='#c-{}']", asked.id))).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(&format!("#c-{}", asked.id))).await.unwrap();
    browser.find(Locator::Css(&format!("#c-{} details.reply summary", asked.id))).await.unwrap().click().await.unwrap();
    let answer = "Yes: coverage continues until 31 December, and the new plan starts on 1 January.";
    browser.find(Locator::Css(&format!("#reply-{}", asked.id))).await.unwrap().send_keys(answer).await.unwrap();
    browser.find(Locator::Css(&format!("#c-{} details.reply button[type='submit']", asked.id))).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".comment.official")).await.unwrap();
    sign_out(&browser).await;

    // The employee sees the official answer…
    sign_in(&browser, &app, &employee).await;
    browser.goto(&news).await.unwrap();
    let official = browser.wait().for_element(Locator::Css(".comment.official")).await.unwrap().text().await.unwrap();
    assert!(official.contains("Official answer") && official.contains(answer), "{official}");
    let badge = browser.find(Locator::Css(&format!("#c-{} .badge.answered", asked.id))).await.unwrap().text().await.unwrap();
    assert_eq!(badge, "Answered");
    screenshot(&browser, "comments-answered").await;
    // On a phone: the home page lists the question with HR's answer.
    browser.set_window_size(390, 844).await.unwrap();
    browser.goto(&app.url("/")).await.unwrap();
    let mine = browser.wait().for_element(Locator::Css("#home-questions")).await.unwrap().text().await.unwrap();
    assert!(mine.contains(question) && mine.contains("Answered") && mine.contains("HR: Yes: coverage continues"), "{mine}");
    screenshot(&browser, "home-employee-phone").await;
    browser.set_window_size(1280, 800).await.unwrap();

    // …and the email about it, with a link that leads back to the thread.
    let message = eventually("the answer email at the SMTP server", || async {
        sink.messages().into_iter().find(|m| m.rcpt == employee && m.header("Subject").is_some_and(|s| s.contains("HR answered your question")))
    })
    .await;
    let text = message.part("text/plain").unwrap();
    assert!(text.contains(question) && text.contains("coverage continues"), "{text}");
    let link = message.links().into_iter().find(|link| link.contains("/a/")).expect("a tracked link back");
    browser.goto(&link).await.unwrap();
    browser.wait().for_element(Locator::Css(".comment.official")).await.unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), format!("/news/{id}"));
    browser.close().await.unwrap();
}
