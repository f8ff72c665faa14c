//! Comments: threads and replies, the edit window, deleting one's own,
//! reactions once per person, text that stays text, length and posting
//! limits, private questions, who may read what, the quick reaction, and
//! the API.

use herald::auth::Role;
use herald::entities::{comment, comment_reaction, quick_reaction_tally, quick_reaction_voter};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{location, TestApp};
use crate::spotlights::{published_item, Api};

/// Posts a comment through the form; returns the response.
pub async fn post_comment(app: &TestApp, client: &reqwest::Client, page: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = app.csrf(client, page).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.post_form(client, "/comments", &form).await
}

/// The id in a `…#c-{id}` redirect.
pub fn comment_id(response: &reqwest::Response) -> i32 {
    let to = location(response);
    to.rsplit_once("#c-").unwrap_or_else(|| panic!("no comment in {to}")).1.parse().unwrap()
}

async fn find(app: &TestApp, id: i32) -> comment::Model {
    comment::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap()
}

async fn item_page(app: &TestApp, title: &str) -> (i32, String) {
    let id = published_item(app, title, "Dependents' dental coverage ends next enrolment period.").await;
    let slug = herald::library::service::find_by_id(&app.state.db, id).await.unwrap().slug;
    (id, format!("/library/{slug}"))
}

#[tokio::test]
async fn threads_nest_two_levels_edits_close_after_fifteen_minutes_and_authors_delete_their_own() {
    let app = TestApp::spawn().await;
    let (item, page) = item_page(&app, "Dental plan").await;
    let target = format!("collateral:{item}");
    let alice = app.signed_in(Role::Employee).await;
    let bob = app.signed_in(Role::Employee).await;

    let posted = post_comment(&app, &alice, &page, &[("target", &target), ("body", "Why is dental coverage for dependents ending?")]).await;
    assert_eq!(posted.status(), 303);
    assert!(location(&posted).starts_with(&page));
    let root = comment_id(&posted);
    let reply = comment_id(&post_comment(&app, &bob, &page, &[("target", &target), ("parent", &root.to_string()), ("body", "Same question here.")]).await);
    let deeper = comment_id(&post_comment(&app, &alice, &page, &[("target", &target), ("parent", &reply.to_string()), ("body", "Thanks Bob.")]).await);
    let deepest = comment_id(&post_comment(&app, &bob, &page, &[("target", &target), ("parent", &deeper.to_string()), ("body", "You're welcome.")]).await);
    let (root_row, reply_row, deeper_row, deepest_row) = (find(&app, root).await, find(&app, reply).await, find(&app, deeper).await, find(&app, deepest).await);
    assert!(root_row.is_question, "a question mark makes a question");
    assert_eq!((reply_row.parent_id, reply_row.depth), (Some(root), 1));
    assert_eq!((deeper_row.parent_id, deeper_row.depth), (Some(reply), 2));
    assert_eq!((deepest_row.parent_id, deepest_row.depth), (Some(reply), 2), "a reply to the deepest level goes beside it");

    // Thread order: each comment followed by its replies.
    let html = app.get(&bob, &page).await.text().await.unwrap();
    let positions: Vec<usize> = [root, reply, deeper, deepest].iter().map(|id| html.find(&format!("id=\"c-{id}\"")).unwrap()).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{positions:?}");
    assert!(html.contains("class=\"comment depth-2"));

    // Editing: the author only, within the window.
    let csrf = app.csrf(&alice, &page).await;
    let edited = app.post_form(&alice, &format!("/comments/{root}/edit"), &[("csrf", &csrf), ("body", "Why is dependents' dental coverage ending next year?")]).await;
    assert_eq!(edited.status(), 303);
    let row = find(&app, root).await;
    assert!(row.body.contains("next year") && row.edited_at.is_some());
    let csrf_bob = app.csrf(&bob, &page).await;
    let theirs = app.post_form(&bob, &format!("/comments/{root}/edit"), &[("csrf", &csrf_bob), ("body", "hijacked")]).await;
    assert_eq!(theirs.status(), 404, "someone else's comment answers like one that does not exist");
    let missing = app.post_form(&bob, "/comments/999999/edit", &[("csrf", &csrf_bob), ("body", "hijacked")]).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(app.get(&bob, &format!("/comments/{root}/edit")).await.status(), app.get(&bob, "/comments/999999/edit").await.status());
    let mut old: comment::ActiveModel = find(&app, reply).await.into();
    old.created_at = Set(chrono::Utc::now() - chrono::Duration::minutes(16));
    old.update(&app.state.db).await.unwrap();
    let late = app.post_form(&bob, &format!("/comments/{reply}/edit"), &[("csrf", &csrf_bob), ("body", "Changed my mind")]).await;
    assert_eq!(late.status(), 422);
    assert!(late.text().await.unwrap().contains("15 minutes"));
    assert_eq!(find(&app, reply).await.body, "Same question here.", "nothing changed");
    assert!(!app.get(&bob, &page).await.text().await.unwrap().contains(&format!("/comments/{reply}/edit")), "no edit link after the window");

    // Deleting one's own keeps its place for the replies and drops its text.
    assert_eq!(app.post_form(&alice, &format!("/comments/{reply}/delete"), &[("csrf", &csrf)]).await.status(), 404);
    assert_eq!(app.post_form(&alice, "/comments/999999/delete", &[("csrf", &csrf)]).await.status(), 404);
    assert_eq!(app.post_form(&bob, &format!("/comments/{reply}/delete"), &[("csrf", &csrf_bob)]).await.status(), 303);
    let row = find(&app, reply).await;
    assert_eq!((row.status.as_str(), row.body.as_str()), ("deleted", ""));
    let html = app.get(&alice, &page).await.text().await.unwrap();
    assert!(html.contains("Deleted by its author.") && !html.contains("Same question here.") && html.contains("Thanks Bob."));
}

#[tokio::test]
async fn reactions_count_once_per_person_and_text_is_never_markup() {
    let app = TestApp::spawn().await;
    let (item, page) = item_page(&app, "Vision plan").await;
    let target = format!("collateral:{item}");
    let alice = app.signed_in(Role::Employee).await;
    let bob = app.signed_in(Role::Employee).await;
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)> see https://example.com/plan?a=1&b=2 \"quoted\"";
    let id = comment_id(&post_comment(&app, &alice, &page, &[("target", &target), ("body", payload)]).await);

    let html = app.get(&bob, &page).await.text().await.unwrap();
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"), "markup must be escaped");
    assert!(html.contains("&#60;script&#62;alert("), "shown as text");
    assert!(html.contains("<a href=\"https://example.com/plan?a=1&#38;b=2\" rel=\"nofollow noopener noreferrer\""), "links are clickable");

    let react = |client: &reqwest::Client, name: &'static str| {
        let (app, page, client) = (&app, page.clone(), client.clone());
        async move {
            let csrf = app.csrf(&client, &page).await;
            app.post_form(&client, &format!("/comments/{id}/react"), &[("csrf", &csrf), ("reaction", name)]).await.status()
        }
    };
    assert_eq!(react(&bob, "like").await, 303);
    assert_eq!(react(&bob, "like").await, 303, "the same reaction again takes it back");
    assert_eq!(react(&bob, "angry").await, 303);
    assert_eq!(react(&bob, "worried").await, 303, "another one replaces it");
    assert_eq!(react(&alice, "worried").await, 303);
    assert_eq!(react(&alice, "<b>").await, 400);
    let rows = comment_reaction::Entity::find().filter(comment_reaction::Column::CommentId.eq(id)).all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 2, "one reaction per person");
    assert!(rows.iter().all(|row| row.emoji == "😟"));
    let html = app.get(&bob, &page).await.text().await.unwrap();
    assert!(html.contains("data-reaction=\"worried\">😟 <span class=\"count\">2</span>"), "counted");
}

#[tokio::test]
async fn long_comments_and_fast_posters_get_clear_messages_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    let (item, page) = item_page(&app, "Pay review").await;
    let target = format!("collateral:{item}");
    let alice = app.signed_in(Role::Employee).await;

    let too_long = "a".repeat(2_001);
    let refused = post_comment(&app, &alice, &page, &[("target", &target), ("body", &too_long)]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("limited to 2000 characters"));
    let empty = post_comment(&app, &alice, &page, &[("target", &target), ("body", "   ")]).await;
    assert_eq!(empty.status(), 422);

    for n in 0..herald::comments::throttle::LIMIT {
        let posted = post_comment(&app, &alice, &page, &[("target", &target), ("body", &format!("Comment {n}"))]).await;
        assert_eq!(posted.status(), 303, "post {n}");
    }
    let limited = post_comment(&app, &alice, &page, &[("target", &target), ("body", "One more")]).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.text().await.unwrap().contains("Please wait 10 minutes"));
    // The session's named posts count toward its anonymous limit too; that refusal names no time
    // (anonymous posts never count toward the named limit: anonymity_storage.rs).
    let anonymous = post_comment(&app, &alice, &page, &[("target", &target), ("body", "One more, quietly"), ("anonymous", "1")]).await;
    assert_eq!(anonymous.status(), 429);
    assert!(anonymous.text().await.unwrap().contains("Please wait a few minutes"));
    // Another person is not affected, and what was posted stays.
    let bob = app.signed_in(Role::Employee).await;
    assert_eq!(post_comment(&app, &bob, &page, &[("target", &target), ("body", "Mine")]).await.status(), 303);
    let stored = comment::Entity::find().filter(comment::Column::TargetId.eq(item)).count(&app.state.db).await.unwrap();
    assert_eq!(stored, herald::comments::throttle::LIMIT as u64 + 1);
}

#[tokio::test]
async fn discussions_are_as_private_as_what_they_are_about() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let reader = app.user(Role::Employee).await;
    let (employee, _) = app.login_as(&reader, crate::helpers::PASSWORD).await;
    let item = published_item(&app, "Parental leave", "Twenty weeks.").await;
    let id = api.blast(json!({"title": "Parental leave grows", "subject": "Hi", "template": "new-policy", "collateral_ids": [item], "audience": {"emails": [reader]}})).await;
    api.wait_for(id, "sent", 20).await;
    let news = format!("/news/{id}");
    let target = format!("announcement:{id}");
    let posted = post_comment(&app, &employee, &news, &[("target", &target), ("body", "Great news, finally!")]).await;
    assert_eq!(posted.status(), 303);
    assert!(location(&posted).starts_with(&news));
    let comment = comment_id(&posted);
    assert_eq!(find(&app, comment).await.sentiment_label, "positive", "scored when written");

    // Someone the announcement was not sent to can neither read nor write there.
    let outsider = app.signed_in(Role::Employee).await;
    assert_eq!(app.get(&outsider, &news).await.status(), 404);
    let csrf = app.csrf(&outsider, "/questions").await;
    let refused = app.post_form(&outsider, "/comments", &[("csrf", &csrf), ("target", &target), ("body", "Let me in")]).await;
    assert_eq!(refused.status(), 404);
    let refused = app.post_form(&outsider, &format!("/comments/{comment}/react"), &[("csrf", &csrf), ("reaction", "like")]).await;
    assert_eq!(refused.status(), 404);
    // Without the form's token nothing is posted.
    let forged = app.post_form(&employee, "/comments", &[("target", &target), ("body", "forged")]).await;
    assert_eq!(forged.status(), 403);

    // HR staff read (and answer) every sent announcement's discussion.
    let staff = app.signed_in(Role::HrStaff).await;
    let html = app.get(&staff, &news).await.text().await.unwrap();
    assert!(html.contains("Great news, finally!"));

    // Hidden comments of others are not shown to employees, but are to HR and the author.
    let other = app.user(Role::Employee).await;
    let _ = other;
    let mut row: comment::ActiveModel = find(&app, comment).await.into();
    row.status = Set("hidden".into());
    row.moderation_reason = Set(Some("Off topic".into()));
    row.update(&app.state.db).await.unwrap();
    let mine = app.get(&employee, &news).await.text().await.unwrap();
    assert!(mine.contains("Great news, finally!") && mine.contains("Hidden by HR: Off topic"));
    assert!(app.get(&staff, &news).await.text().await.unwrap().contains("Great news, finally!"));

    // Private questions: the asker and HR staff only; never anonymous.
    let asked = post_comment(&app, &employee, "/questions", &[("target", "hr"), ("body", "Can I split my leave in two blocks")]).await;
    assert_eq!(asked.status(), 303);
    let question = comment_id(&asked);
    assert!(find(&app, question).await.is_question, "a private question is a question");
    assert!(app.get(&employee, "/questions").await.text().await.unwrap().contains("split my leave"));
    assert!(!app.get(&outsider, "/questions").await.text().await.unwrap().contains("split my leave"));
    assert!(app.get(&staff, "/questions").await.text().await.unwrap().contains("split my leave"));
    let csrf = app.csrf(&outsider, "/questions").await;
    let reply = app.post_form(&outsider, "/comments", &[("csrf", &csrf), ("target", "hr"), ("parent", &question.to_string()), ("body", "me too")]).await;
    assert_eq!(reply.status(), 404, "others cannot reply into someone's private question");
    let anonymous = post_comment(&app, &employee, "/questions", &[("target", "hr"), ("body", "anon?"), ("anonymous", "1")]).await;
    assert_eq!(anonymous.status(), 422);

    // The home page lists the employee's questions and what HR sent them.
    let home = app.get(&employee, "/").await.text().await.unwrap();
    assert!(home.contains("Parental leave grows") && home.contains("Can I split my leave in two blocks"), "{home}");
}

#[tokio::test]
async fn an_official_answer_dates_the_response_and_tells_the_asker_with_a_tracked_link() {
    let app = TestApp::spawn().await;
    let (item, page) = item_page(&app, "Flu season").await;
    let target = format!("collateral:{item}");
    let asker_email = app.user(Role::Employee).await;
    let (asker, _) = app.login_as(&asker_email, crate::helpers::PASSWORD).await;
    let question = comment_id(&post_comment(&app, &asker, &page, &[("target", &target), ("body", "Are flu shots free for contractors"), ("question", "1")]).await);
    let mut row: comment::ActiveModel = find(&app, question).await.into();
    row.created_at = Set(chrono::Utc::now() - chrono::Duration::hours(3));
    row.update(&app.state.db).await.unwrap();

    // A colleague's reply is not an answer; HR's is.
    let colleague = app.signed_in(Role::Employee).await;
    post_comment(&app, &colleague, &page, &[("target", &target), ("parent", &question.to_string()), ("body", "I think so.")]).await;
    assert!(find(&app, question).await.answered_at.is_none());
    let staff = app.signed_in(Role::HrStaff).await;
    let answer = comment_id(&post_comment(&app, &staff, &page, &[("target", &target), ("parent", &question.to_string()), ("body", "Yes, at every office.")]).await);
    assert!(find(&app, answer).await.official);
    let answered = find(&app, question).await;
    let seconds = answered.first_response_seconds.unwrap();
    assert!((3 * 3600..3 * 3600 + 60).contains(&seconds), "{seconds}");
    let html = app.get(&asker, &page).await.text().await.unwrap();
    assert!(html.contains("Official answer") && html.contains("Answered"));

    // The asker's email (written to the outbox directory without SMTP) links back through a tracked link.
    let email = crate::helpers::eventually("the answer email", || async {
        let dir = app.data_path().join("outbox");
        let files = std::fs::read_dir(&dir).ok()?;
        files.filter_map(|f| std::fs::read_to_string(f.ok()?.path()).ok()).find(|text| text.contains("HR answered your question"))
    })
    .await;
    assert!(email.contains(&asker_email));
    let link = email.split_whitespace().find(|word| word.contains("/a/")).unwrap().trim_matches(|c| c == '<' || c == '>' || c == '"');
    let path = &link[link.find("/a/").unwrap()..];
    let path: String = path.chars().take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c)).collect();
    let followed = app.get(&asker, &path).await;
    assert_eq!(followed.status(), 302);
    assert_eq!(location(&followed), format!("{page}#c-{question}"));
    let mut tampered = path.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    assert_eq!(app.get(&asker, &String::from_utf8(tampered).unwrap()).await.status(), 404);
    app.state.recorder.settled().await;
    let clicks = herald::entities::tracking_event::Entity::find()
        .filter(herald::entities::tracking_event::Column::Channel.eq("answer"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(clicks, 1);
}

#[tokio::test]
async fn quick_reactions_count_once_and_keep_no_trace_of_the_face_per_person() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let reader = app.user(Role::Employee).await;
    let (employee, _) = app.login_as(&reader, crate::helpers::PASSWORD).await;
    let item = published_item(&app, "Dental", "Ends.").await;
    let id = api.blast(json!({"title": "Dental ends", "subject": "Hi", "template": "benefit-change", "collateral_ids": [item], "audience": {"emails": [reader]}})).await;
    api.wait_for(id, "sent", 20).await;
    let news = format!("/news/{id}");
    let csrf = app.csrf(&employee, &news).await;
    let voted = app.post_form(&employee, &format!("/feedback/{id}/feeling"), &[("csrf", &csrf), ("score", "1")]).await;
    assert_eq!(voted.status(), 303);
    let again = app.post_form(&employee, &format!("/feedback/{id}/feeling"), &[("csrf", &csrf), ("score", "5")]).await;
    assert_eq!(again.status(), 409);
    assert!(app.get(&employee, &news).await.text().await.unwrap().contains("your answer is counted"));
    let tallies = quick_reaction_tally::Entity::find().filter(quick_reaction_tally::Column::AnnouncementId.eq(id as i32)).all(&app.state.db).await.unwrap();
    assert_eq!(tallies.iter().filter(|t| t.votes > 0).map(|t| (t.score, t.votes)).collect::<Vec<_>>(), vec![(1, 1)]);
    assert_eq!(quick_reaction_voter::Entity::find().count(&app.state.db).await.unwrap(), 1);
    let outsider = app.signed_in(Role::Employee).await;
    let csrf = app.csrf(&outsider, "/questions").await;
    assert_eq!(app.post_form(&outsider, &format!("/feedback/{id}/feeling"), &[("csrf", &csrf), ("score", "2")]).await.status(), 404);
    let staff = app.signed_in(Role::HrStaff).await;
    let html = app.get(&staff, &news).await.text().await.unwrap();
    assert!(html.contains("1 answer:"), "HR sees the counts");
}

#[tokio::test]
async fn the_api_reads_and_posts_with_the_same_rules() {
    let app = TestApp::spawn().await;
    let (item, _) = item_page(&app, "Gym subsidy").await;
    let token = app.token(Role::Employee).await;
    let client = reqwest::Client::new();
    let url = app.url("/api/v1/comments");
    let created = client.post(&url).bearer_auth(&token).json(&json!({"target": format!("collateral:{item}"), "body": "Is yoga included?", "anonymous": true})).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["status"], "visible");
    let list: Value = client.get(&url).query(&[("target", format!("collateral:{item}"))]).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let first = &list[0];
    assert_eq!((first["author"].clone(), first["anonymous"].clone(), first["question"].clone()), (Value::Null, json!(true), json!(true)));
    assert_eq!(first["body"], "Is yoga included?");
    let bad = client.get(&url).query(&[("target", "users:1")]).bearer_auth(&token).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let anonymous = client.get(&url).query(&[("target", format!("collateral:{item}"))]).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn webhooks_hear_of_named_comments_and_never_of_anonymous_ones() {
    let app = TestApp::spawn().await;
    let (item, page) = item_page(&app, "Commuter benefit").await;
    let target = format!("collateral:{item}");
    let token = app.token(Role::Admin).await;
    let registered = reqwest::Client::new()
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(&token)
        .json(&json!({"url": "https://hooks.example.com/herald", "events": ["comment"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let alice = app.signed_in(Role::Employee).await;
    let named = comment_id(&post_comment(&app, &alice, &page, &[("target", &target), ("body", "Does it cover bikes?")]).await);
    assert_eq!(post_comment(&app, &alice, &page, &[("target", &target), ("body", "Secretly: this is bad"), ("anonymous", "1")]).await.status(), 200);
    let deliveries = herald::entities::webhook_delivery::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(deliveries.len(), 1, "one delivery, for the named comment");
    assert_eq!(deliveries[0].event, "comment");
    let payload: Value = serde_json::from_str(&deliveries[0].payload).unwrap();
    assert_eq!(payload["comment_id"], named);
    assert_eq!(payload["question"], true);
}

#[tokio::test]
async fn the_csv_export_does_not_let_a_comment_run_as_a_spreadsheet_formula() {
    let app = TestApp::spawn().await;
    let (item, page) = item_page(&app, "Expenses").await;
    let target = format!("collateral:{item}");
    let alice = app.signed_in(Role::Employee).await;
    post_comment(&app, &alice, &page, &[("target", &target), ("body", "=HYPERLINK(\"http://evil.example\",\"click\")")]).await;
    let staff = app.signed_in(Role::HrStaff).await;
    let export = app.get(&staff, &format!("/comments/export.csv?target={target}")).await;
    assert_eq!(export.headers()["content-type"], "text/csv; charset=utf-8");
    let text = export.text().await.unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert_eq!(app.get(&alice, &format!("/comments/export.csv?target={target}")).await.status(), 403);
}
