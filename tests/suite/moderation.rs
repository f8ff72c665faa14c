//! Moderation: reports reach HR's queue, HR hides with a reason the author
//! reads (the text is kept), the word list holds comments until approved,
//! every action is in the log that only HR leads read, and the roles and
//! CSRF checks hold.

use herald::auth::Role;
use herald::entities::{comment, comment_report, moderation_log, notification, webhook_delivery};
use herald::users::service::NewUser;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::comments::{comment_id, post_comment};
use crate::helpers::{location, TestApp, PASSWORD};
use crate::spotlights::published_item;

/// A signed-in browser for a new person called `name`, and their user id.
async fn person(app: &TestApp, name: &str, role: Role) -> (reqwest::Client, i32) {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    let new = NewUser::parse(&email, name, "Finance", "Lisbon", role).unwrap();
    let (user, _) = herald::users::service::create(&app.state.db, new, Some(PASSWORD)).await.unwrap();
    let (client, response) = app.login_as(&email, PASSWORD).await;
    assert_eq!(response.status(), 303, "login as {email}");
    (client, user.id)
}

/// A published library item: its comment target and its page.
async fn discussion(app: &TestApp, title: &str) -> (String, String) {
    let id = published_item(app, title, "Remote work is possible two days a week.").await;
    let slug = herald::library::service::find_by_id(&app.state.db, id).await.unwrap().slug;
    (format!("collateral:{id}"), format!("/library/{slug}"))
}

/// Posts a moderation form (`reason` may be empty) with the page's CSRF token.
async fn act(app: &TestApp, client: &reqwest::Client, id: i32, action: &str, reason: &str) -> reqwest::Response {
    let csrf = app.csrf(client, "/account").await;
    app.post_form(client, &format!("/comments/{id}/{action}"), &[("csrf", &csrf), ("reason", reason)]).await
}

async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.unwrap()
}

async fn row(app: &TestApp, id: i32) -> comment::Model {
    comment::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap()
}

async fn open_reports(app: &TestApp, id: i32) -> u64 {
    comment_report::Entity::find()
        .filter(comment_report::Column::CommentId.eq(id))
        .filter(comment_report::Column::ResolvedAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn logged(app: &TestApp) -> Vec<(String, i32, String)> {
    let rows = moderation_log::Entity::find().order_by_asc(moderation_log::Column::Id).all(&app.state.db).await.unwrap();
    rows.into_iter().map(|row| (row.action, row.comment_id, row.reason)).collect()
}

#[tokio::test]
async fn a_reported_comment_reaches_the_queue_and_hiding_it_keeps_the_text_for_hr_and_its_author() {
    let app = TestApp::spawn().await;
    let (target, page) = discussion(&app, "Remote work").await;
    let (alice, alice_id) = person(&app, "Alice Author", Role::Employee).await;
    let (bob, _) = person(&app, "Bob Reader", Role::Employee).await;
    let (staff, _) = person(&app, "Hana Staff", Role::HrStaff).await;
    let (lead, _) = person(&app, "Lena Lead", Role::HrLead).await;
    let text = "Whoever wrote this policy never had a commute";
    let id = comment_id(&post_comment(&app, &alice, &page, &[("target", &target), ("body", text)]).await);
    assert!(html(&app, &staff, "/moderation").await.contains("Nothing waits for review."));

    // Bob reports it; a second report while his first is open changes nothing; Alice cannot report her own.
    let reported = act(&app, &bob, id, "report", "Mocks the policy team").await;
    assert_eq!(reported.status(), 303);
    assert_eq!(location(&reported), format!("{page}?notice=report-sent#c-{id}"));
    assert!(html(&app, &bob, &location(&reported)).await.contains("Thank you: the HR team will look at this comment."), "the reporter is told");
    assert_eq!(act(&app, &bob, id, "report", "Again").await.status(), 303, "a friendly no-op");
    assert_eq!(open_reports(&app, id).await, 1);
    assert_eq!(act(&app, &alice, id, "report", "Me").await.status(), 422);
    assert_eq!(act(&app, &bob, id, "report", "   ").await.status(), 422, "a reason is required");
    assert_eq!(act(&app, &bob, id, "report", &"x".repeat(501)).await.status(), 422);

    // It waits in HR's queue with the reason and a link to it in its thread.
    let queue = html(&app, &staff, "/moderation").await;
    assert!(queue.contains(text) && queue.contains("Mocks the policy team") && queue.contains("Alice Author"), "{queue}");
    assert!(queue.contains(&format!("href=\"{page}#c-{id}\"")));
    assert!(!queue.contains("Bob Reader"), "reporters are not named");
    assert!(html(&app, &staff, &page).await.contains("1 report"));

    // Employees may not hide; HR must give a reason.
    assert_eq!(act(&app, &bob, id, "hide", "Nope").await.status(), 403);
    assert_eq!(act(&app, &staff, id, "hide", "").await.status(), 422);
    let hidden = act(&app, &staff, id, "hide", "Please keep it about the policy").await;
    assert_eq!(hidden.status(), 303);
    assert!(html(&app, &staff, &location(&hidden)).await.contains("<p class=\"alert success notice\" role=\"status\" id=\"notice\">Comment hidden.</p>"), "HR is told it is done");
    let stored = row(&app, id).await;
    assert_eq!((stored.status.as_str(), stored.moderation_reason.as_deref()), ("hidden", Some("Please keep it about the policy")));
    assert_eq!(stored.body, text, "nothing is deleted");
    assert_eq!(open_reports(&app, id).await, 0, "the reports are resolved");

    // Others no longer see it; its author sees it with HR's reason; HR still sees it.
    assert!(!html(&app, &bob, &page).await.contains(text));
    let own = html(&app, &alice, &page).await;
    assert!(own.contains(text) && own.contains("Hidden by HR: Please keep it about the policy"), "{own}");
    assert!(html(&app, &staff, &page).await.contains(text));
    assert!(!html(&app, &staff, "/moderation").await.contains(text), "it left the queue");
    let told = notification::Entity::find().filter(notification::Column::UserId.eq(alice_id)).all(&app.state.db).await.unwrap();
    assert!(told.iter().any(|n| n.message.contains("HR hid your comment: Please keep it about the policy")));
    assert_eq!(act(&app, &bob, id, "report", "Still bad").await.status(), 422, "a hidden comment cannot be reported");

    // Shown again; reported again and the reports dismissed without hiding.
    assert_eq!(act(&app, &bob, id, "unhide", "").await.status(), 403);
    assert_eq!(act(&app, &staff, id, "unhide", "Fair criticism after all").await.status(), 303);
    assert!(html(&app, &bob, &page).await.contains(text));
    assert_eq!(act(&app, &bob, id, "report", "Still rude").await.status(), 303);
    assert_eq!(act(&app, &bob, id, "dismiss", "").await.status(), 403);
    let csrf = app.csrf(&staff, "/moderation").await;
    let dismissed = app.post_form(&staff, &format!("/comments/{id}/dismiss"), &[("csrf", &csrf), ("from", "queue")]).await;
    assert_eq!((dismissed.status().as_u16(), location(&dismissed)), (303, "/moderation?notice=report-dismissed".to_owned()));
    assert!(html(&app, &staff, &location(&dismissed)).await.contains("Report dismissed."));
    assert_eq!(open_reports(&app, id).await, 0);
    assert_eq!(row(&app, id).await.status, "visible");
    assert_eq!(act(&app, &staff, id, "dismiss", "").await.status(), 303, "nothing left to dismiss: a no-op");

    // Every action is in the log, which HR leads read and export.
    assert_eq!(
        logged(&app).await,
        vec![
            ("hide".to_owned(), id, "Please keep it about the policy".to_owned()),
            ("unhide".to_owned(), id, "Fair criticism after all".to_owned()),
            ("dismiss".to_owned(), id, String::new()),
        ]
    );
    let log = html(&app, &lead, "/moderation/log").await;
    let (dismiss_at, hide_at) = (log.find("data-action=\"dismiss\"").unwrap(), log.find("data-action=\"hide\"").unwrap());
    assert!(dismiss_at < hide_at, "newest first");
    assert!(log.contains("Hana Staff") && log.contains("Please keep it about the policy") && log.contains(&format!("href=\"{page}#c-{id}\"")));
    let csv = app.get(&lead, "/moderation/log.csv").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.starts_with("time,actor,actor_email,action,reason,comment_id,about,comment_url"));
    assert!(csv.contains(&format!("Hana Staff,hana.staff@example.com,hide,Please keep it about the policy,{id},Remote work,")));
}

#[tokio::test]
async fn the_word_list_holds_a_comment_until_hr_approves_it() {
    let app = TestApp::spawn_with(|config| config.review_words = vec!["bananas".into(), "shut up".into()]).await;
    let (target, page) = discussion(&app, "Office fruit").await;
    let (alice, alice_id) = person(&app, "Alice Author", Role::Employee).await;
    let (bob, _) = person(&app, "Bob Reader", Role::Employee).await;
    let (staff, _) = person(&app, "Hana Staff", Role::HrStaff).await;
    let hook = serde_json::json!({"url": "https://hooks.example.com/herald", "events": ["comment"]});
    let registered = reqwest::Client::new().post(app.url("/api/v1/webhooks")).bearer_auth(app.token(Role::Admin).await).json(&hook).send().await.unwrap();
    assert_eq!(registered.status(), 201);
    let text = "The bananas in the kitchen are always brown";
    let posted = post_comment(&app, &alice, &page, &[("target", &target), ("body", text)]).await;
    assert_eq!(posted.status(), 200);
    assert!(posted.text().await.unwrap().contains("HR will look at it"));
    let held = comment::Entity::find().filter(comment::Column::AuthorId.eq(alice_id)).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((held.status.as_str(), held.flagged_words.as_deref()), ("pending", Some("bananas")));
    assert_eq!(webhook_delivery::Entity::find().count(&app.state.db).await.unwrap(), 0, "webhooks do not hear of held comments");

    // Held: not for others; its author and HR see it; it waits in the queue.
    assert!(!html(&app, &bob, &page).await.contains(text));
    let own = html(&app, &alice, &page).await;
    assert!(own.contains(text) && own.contains("Waiting for HR review"));
    assert!(html(&app, &staff, &page).await.contains(text));
    let queue = html(&app, &staff, "/moderation").await;
    assert!(queue.contains(text) && queue.contains("Word list: bananas") && queue.contains(&format!("/comments/{}/approve", held.id)));
    assert_eq!(act(&app, &bob, held.id, "report", "Rude").await.status(), 422, "what others cannot see they cannot report");

    // Employees cannot approve; HR can, once.
    assert_eq!(act(&app, &bob, held.id, "approve", "").await.status(), 403);
    assert_eq!(app.get(&bob, "/moderation").await.status(), 403);
    let approved = act(&app, &staff, held.id, "approve", "").await;
    assert_eq!(approved.status(), 303);
    assert_eq!(location(&approved), format!("{page}?notice=comment-approved#c-{}", held.id));
    assert_eq!(row(&app, held.id).await.status, "visible");
    assert!(html(&app, &bob, &page).await.contains(text));
    assert_eq!(webhook_delivery::Entity::find().count(&app.state.db).await.unwrap(), 1, "but do once HR approves them");
    assert_eq!(act(&app, &staff, held.id, "approve", "").await.status(), 303, "approving twice is a no-op");
    assert_eq!(act(&app, &staff, held.id, "unhide", "").await.status(), 303, "so is showing a shown comment");
    assert!(!html(&app, &staff, "/moderation").await.contains(text));

    // An anonymous held comment says "Anonymous" in the queue and nothing else about its author.
    let anonymous = "Shut up about the fruit budget";
    assert_eq!(post_comment(&app, &bob, &page, &[("target", &target), ("body", anonymous), ("anonymous", "1")]).await.status(), 200);
    let queue = html(&app, &staff, "/moderation").await;
    let start = queue.find(anonymous).unwrap();
    let item = &queue[queue[..start].rfind("<li").unwrap()..start + queue[start..].find("</li>").unwrap()];
    assert!(item.contains("Anonymous") && !item.contains("Bob Reader"), "{item}");
    let anonymous_id = comment::Entity::find().filter(comment::Column::Anonymous.eq(true)).one(&app.state.db).await.unwrap().unwrap().id;
    assert_eq!(act(&app, &staff, anonymous_id, "hide", "Not kind").await.status(), 303);
    assert!(!html(&app, &alice, &page).await.contains(anonymous));
    assert_eq!(webhook_delivery::Entity::find().count(&app.state.db).await.unwrap(), 1, "nothing for anonymous comments");

    let actions: Vec<(String, i32)> = logged(&app).await.into_iter().map(|(action, id, _)| (action, id)).collect();
    assert_eq!(actions, vec![("approve".to_owned(), held.id), ("hide".to_owned(), anonymous_id)], "no-ops are not logged");
}

#[tokio::test]
async fn only_hr_staff_moderate_and_only_hr_leads_read_the_log() {
    let app = TestApp::spawn().await;
    let (target, page) = discussion(&app, "Parking").await;
    let employee = app.signed_in(Role::Employee).await;
    let staff = app.signed_in(Role::HrStaff).await;
    let id = comment_id(&post_comment(&app, &employee, &page, &[("target", &target), ("body", "Parking is full by eight")]).await);

    assert_eq!(app.get(&employee, "/moderation").await.status(), 403);
    assert!(!html(&app, &employee, "/").await.contains("href=\"/moderation\""), "no Moderation link for employees");
    assert!(html(&app, &staff, "/").await.contains("href=\"/moderation\""));
    for path in ["/moderation/log", "/moderation/log.csv"] {
        assert_eq!(app.get(&employee, path).await.status(), 403, "{path}");
        assert_eq!(app.get(&staff, path).await.status(), 403, "{path}");
        for role in [Role::HrLead, Role::Admin] {
            assert_eq!(app.get(&app.signed_in(role).await, path).await.status(), 200, "{path} as {role}");
        }
    }
    assert!(!html(&app, &staff, "/moderation").await.contains("href=\"/moderation/log\""), "staff get no link to the log");

    // Without the form's CSRF token nothing changes.
    let forged = app.post_form(&staff, &format!("/comments/{id}/hide"), &[("reason", "forged")]).await;
    assert_eq!(forged.status(), 403);
    let other = app.signed_in(Role::Employee).await;
    assert_eq!(app.post_form(&other, &format!("/comments/{id}/report"), &[("reason", "forged")]).await.status(), 403);
    assert_eq!(row(&app, id).await.status, "visible");
    assert_eq!(open_reports(&app, id).await, 0);
    assert!(logged(&app).await.is_empty());

    // Someone who cannot read the discussion cannot report in it either.
    let archived = comment_id(&post_comment(&app, &employee, &page, &[("target", &target), ("body", "Bikes?")]).await);
    let item: i32 = target.trim_start_matches("collateral:").parse().unwrap();
    let item = herald::library::service::find_by_id(&app.state.db, item).await.unwrap();
    let owner = item.owner_id;
    herald::library::service::set_status(&app.state.db, item, owner, herald::library::model::Status::Archived).await.unwrap();
    assert_eq!(act(&app, &other, archived, "report", "Hmm").await.status(), 404);
    assert_eq!(act(&app, &other, 999_999, "report", "Hmm").await.status(), 404);
}
