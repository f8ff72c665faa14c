//! The HR questions inbox and response teams: unanswered questions oldest
//! first with their age, answered ones leaving it, the response-time
//! figures, the "My teams" filter, who may see it, the questions API, and
//! the asker's email with its tracked link back to the thread.

use chrono::{Duration, Utc};
use herald::auth::Role;
use herald::entities::{comment, outbox, response_team};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::comments::{comment_id, post_comment};
use crate::helpers::{location, TestApp, PASSWORD};

/// A signed-in person with a name of their own (test users otherwise share one).
async fn person(app: &TestApp, name: &str, role: Role) -> (reqwest::Client, String, i32) {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    let new = herald::users::service::NewUser::parse(&email, name, "Finance", "Lisbon", role).unwrap();
    let (user, _) = herald::users::service::create(&app.state.db, new, Some(PASSWORD)).await.unwrap();
    let (client, response) = app.login_as(&email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    (client, email, user.id)
}

/// HR publishes a library item through the editor; returns its id and page.
async fn library_item(app: &TestApp, hr: &reqwest::Client, title: &str, category: &str) -> (i32, String) {
    let csrf = app.csrf(hr, "/library/new").await;
    let form = [("csrf", csrf.as_str()), ("title", title), ("body", "What changes and when."), ("kind", "benefit"), ("category", category), ("status", "published"), ("action", "save")];
    let saved = app.post_form(hr, "/library", &form).await;
    assert_eq!(saved.status(), 303);
    let page = location(&saved);
    let slug = page.trim_start_matches("/library/");
    (herald::library::service::find_by_slug(&app.state.db, slug).await.unwrap().id, page)
}

/// Asks a question on `target` from `page`; anonymous posts are found by their text.
async fn ask(app: &TestApp, client: &reqwest::Client, page: &str, target: &str, body: &str, anonymous: bool) -> i32 {
    let mut fields = vec![("target", target), ("body", body)];
    if target != "hr" {
        fields.push(("question", "1"));
    }
    if anonymous {
        fields.push(("anonymous", "1"));
    }
    let posted = post_comment(app, client, page, &fields).await;
    if !anonymous {
        return comment_id(&posted);
    }
    assert_eq!(posted.status(), 200, "an anonymous post shows the same page to everyone");
    comment::Entity::find().filter(comment::Column::Body.eq(body)).one(&app.state.db).await.unwrap().unwrap().id
}

async fn answer(app: &TestApp, hr: &reqwest::Client, page: &str, target: &str, question: i32, body: &str) {
    let posted = post_comment(app, hr, page, &[("target", target), ("parent", &question.to_string()), ("body", body)]).await;
    assert_eq!(posted.status(), 303);
}

async fn find(app: &TestApp, id: i32) -> comment::Model {
    comment::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap()
}

/// Moves a question back in time, as if asked `ago` before now.
async fn asked_ago(app: &TestApp, id: i32, ago: Duration) {
    let mut row: comment::ActiveModel = find(app, id).await.into();
    row.created_at = Set(Utc::now() - ago);
    row.update(&app.state.db).await.unwrap();
}

async fn inbox(app: &TestApp, client: &reqwest::Client, query: &str) -> String {
    let response = app.get(client, &format!("/inbox{query}")).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The question ids listed in the inbox, in order.
fn listed(html: &str) -> Vec<i32> {
    html.split("data-question=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap()).collect()
}

fn figure(html: &str, name: &str) -> String {
    let start = html.find(&format!("data-figure=\"{name}\"")).unwrap_or_else(|| panic!("no figure {name}"));
    let rest = &html[start..];
    let text = &rest[rest.find('>').unwrap() + 1..];
    text[..text.find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn the_inbox_lists_unanswered_questions_oldest_first_and_measures_the_answers() {
    let app = TestApp::spawn().await;
    let (hr, _, _) = person(&app, "Hanna Reyes", Role::HrStaff).await;
    let (item, page) = library_item(&app, &hr, "Dental plan", "Health").await;
    let target = format!("collateral:{item}");
    let (alice, _, _) = person(&app, "Alice Moreau", Role::Employee).await;
    let (bob, _, _) = person(&app, "Bob Tanaka", Role::Employee).await;
    let (carol, _, _) = person(&app, "Carol Secret", Role::Employee).await;
    let (dave, _, _) = person(&app, "Dave Ito", Role::Employee).await;

    let recent = ask(&app, &alice, &page, &target, "Is orthodontics covered", false).await;
    asked_ago(&app, recent, Duration::hours(5)).await;
    let older = ask(&app, &bob, &page, &target, "Do dependents keep cover until December", false).await;
    asked_ago(&app, older, Duration::days(2) + Duration::hours(1)).await;
    let anonymous = ask(&app, &carol, &page, &target, "Why is dental being cut at all?", true).await;
    let midnight = find(&app, anonymous).await.created_at;
    assert_eq!(midnight, herald::comments::service::day_of(Utc::now()), "an anonymous question is dated to its day");
    let mut row: comment::ActiveModel = find(&app, anonymous).await.into();
    row.created_at = Set(midnight - Duration::days(3));
    row.update(&app.state.db).await.unwrap();
    let private = ask(&app, &dave, "/questions", "hr", "Can I see my dental claims history", false).await;
    asked_ago(&app, private, Duration::hours(1)).await;
    post_comment(&app, &alice, &page, &[("target", &target), ("body", "Thanks for the heads-up.")]).await;
    // An answer from long ago counts as answered, but not in the last 30 days' figures.
    let (erin, _, _) = person(&app, "Erin Long", Role::Employee).await;
    let ancient = ask(&app, &erin, &page, &target, "Was this announced last year", false).await;
    answer(&app, &hr, &page, &target, ancient, "Yes.").await;
    let mut row: comment::ActiveModel = find(&app, ancient).await.into();
    row.created_at = Set(Utc::now() - Duration::days(41));
    row.answered_at = Set(Some(Utc::now() - Duration::days(40)));
    row.first_response_seconds = Set(Some(86_400));
    row.update(&app.state.db).await.unwrap();

    // HR, on no team, sees every open question, oldest first, with its age, subject, author and link.
    let html = inbox(&app, &hr, "").await;
    assert_eq!(listed(&html), vec![anonymous, older, recent, private]);
    let row_of = |id: i32| {
        let start = html.find(&format!("data-question=\"{id}\"")).unwrap();
        html[start..start + html[start..].find("</tr>").unwrap()].to_owned()
    };
    assert!(row_of(anonymous).contains(">3 d<") && row_of(anonymous).contains("<em>Anonymous</em>"), "{}", row_of(anonymous));
    assert!(row_of(older).contains(">2 d<") && row_of(older).contains("Bob Tanaka") && row_of(older).contains("Dental plan"));
    assert!(row_of(recent).contains(">5 h<") && row_of(recent).contains(&format!("href=\"{page}#c-{recent}\"")));
    assert!(row_of(private).contains(">1 h<") && row_of(private).contains("Private question") && row_of(private).contains(&format!("href=\"/questions#c-{private}\"")));
    assert!(!html.contains("Carol Secret") && !html.contains("Thanks for the heads-up"), "no author for anonymous questions; comments are not questions");
    assert_eq!((figure(&html, "open"), figure(&html, "answered"), figure(&html, "median")), ("4".into(), "0".into(), "—".into()));

    // Answered questions leave the inbox; each records its time to the first HR answer.
    answer(&app, &hr, &page, &target, older, "Yes, until 31 December.").await;
    answer(&app, &hr, &page, &target, recent, "Yes, up to $1,500.").await;
    answer(&app, &hr, &page, &target, anonymous, "Costs rose 40%; see the item for details.").await;
    let html = inbox(&app, &hr, "").await;
    assert_eq!(listed(&html), vec![private]);
    let seconds = |row: comment::Model| (row.first_response_seconds.unwrap(), (row.answered_at.unwrap() - row.created_at).num_seconds());
    let (older_s, older_check) = seconds(find(&app, older).await);
    let (recent_s, recent_check) = seconds(find(&app, recent).await);
    let (anonymous_s, anonymous_check) = seconds(find(&app, anonymous).await);
    assert_eq!((older_s, recent_s, anonymous_s), (older_check, recent_check, anonymous_check));
    assert!((49 * 3_600..49 * 3_600 + 60).contains(&older_s), "{older_s}");
    assert!((5 * 3_600..5 * 3_600 + 60).contains(&recent_s), "{recent_s}");
    let since_midnight = (Utc::now() - midnight).num_seconds();
    assert!((3 * 86_400 + since_midnight - 60..=3 * 86_400 + since_midnight).contains(&anonymous_s), "anonymous: from the start of its day: {anonymous_s}");

    // Headline figures: the median of 5 h, 2 d 1 h and 3 d+ is 2 d 1 h; the answer 40 days ago is left out.
    assert_eq!(figure(&html, "open"), "1");
    assert_eq!(figure(&html, "answered"), "3");
    assert!(html.contains(&format!("data-figure=\"median\" data-seconds=\"{older_s}\"")), "median is the middle response time");
    assert_eq!(figure(&html, "median"), "2 d 1 h");
}

#[tokio::test]
async fn response_teams_narrow_the_inbox_and_refuse_what_makes_no_sense() {
    let app = TestApp::spawn().await;
    let api = crate::spotlights::Api::new(&app).await;
    let (hr, _, hanna) = person(&app, "Hanna Reyes", Role::HrStaff).await;
    let (lead, _, lena) = person(&app, "Lena Lead", Role::HrLead).await;
    let (other_hr, _, _) = person(&app, "Otto Other", Role::HrStaff).await;
    let (dental, dental_page) = library_item(&app, &hr, "Dental plan", "Health").await;
    let (leave, leave_page) = library_item(&app, &hr, "Parental leave", "Time Off").await;
    let (alice, alice_email, alice_id) = person(&app, "Alice Moreau", Role::Employee).await;
    let announcement = api
        .blast(json!({"title": "Leave grows", "subject": "Hi", "template": "new-policy", "collateral_ids": [leave], "audience": {"emails": [alice_email]}}))
        .await;
    api.wait_for(announcement, "sent", 20).await;
    let news = format!("/news/{announcement}");

    let on_dental = ask(&app, &alice, &dental_page, &format!("collateral:{dental}"), "Are implants covered", false).await;
    let on_leave = ask(&app, &alice, &leave_page, &format!("collateral:{leave}"), "Does leave cover adoption", false).await;
    let on_news = ask(&app, &alice, &news, &format!("announcement:{announcement}"), "From when does this apply", false).await;
    let private = ask(&app, &alice, "/questions", "hr", "Who approves my leave", false).await;

    // Hanna answers Health (typed in another case), Lena the announcement.
    let add = |client: reqwest::Client, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let csrf = app.csrf(&client, "/inbox/teams").await;
            let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
            form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            let response = app.post_form(&client, "/inbox/teams", &form).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(add(hr.clone(), vec![("user_id", hanna.to_string()), ("category", "health".into())]).await.0, 303);
    assert_eq!(add(hr.clone(), vec![("user_id", lena.to_string()), ("announcement_id", announcement.to_string())]).await.0, 303);
    let rows = response_team::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|row| row.user_id == hanna && row.category.as_deref() == Some("Health")), "the library's spelling is kept");

    let (status, text) = add(hr.clone(), vec![("user_id", hanna.to_string()), ("category", "HEALTH".into())]).await;
    assert!(status == 409 && text.contains("Hanna Reyes is already on the team for the category “Health”"), "{status}");
    let (status, text) = add(hr.clone(), vec![("user_id", alice_id.to_string()), ("category", "Health".into())]).await;
    assert!(status == 422 && text.contains("Alice Moreau is not active HR staff"), "{status}");
    let (status, text) = add(hr.clone(), vec![("user_id", hanna.to_string()), ("announcement_id", "999999".into())]).await;
    assert!(status == 422 && text.contains("There is no announcement 999999."), "{status}");
    let (status, text) = add(hr.clone(), vec![("user_id", hanna.to_string()), ("announcement_id", announcement.to_string()), ("category", "Health".into())]).await;
    assert!(status == 422 && text.contains("not both"), "{status}");
    let (status, text) = add(hr.clone(), vec![("user_id", hanna.to_string())]).await;
    assert!(status == 422 && text.contains("Choose an announcement or a library category"), "{status}");
    assert_eq!(response_team::Entity::find().count(&app.state.db).await.unwrap(), 2, "nothing refused was stored");

    // "My teams" is the default for team members; private questions go to everyone.
    let mine = inbox(&app, &hr, "").await;
    assert!(mine.contains("<strong>My teams</strong>"));
    assert_eq!(listed(&mine), vec![on_dental, private]);
    assert_eq!(listed(&inbox(&app, &lead, "").await), vec![on_news, private]);
    assert_eq!(listed(&inbox(&app, &hr, "?view=all").await), vec![on_dental, on_leave, on_news, private]);
    assert_eq!(listed(&inbox(&app, &other_hr, "").await), vec![on_dental, on_leave, on_news, private], "no team: all");
    let teamless = inbox(&app, &other_hr, "?view=mine").await;
    assert_eq!(listed(&teamless), vec![private]);
    assert!(teamless.contains("You are on no response team yet"));

    // The teams page and the announcement's page show who answers; removing takes them off.
    let teams = app.get(&hr, "/inbox/teams").await.text().await.unwrap();
    assert!(teams.contains("Category <strong>Health</strong>") && teams.contains("Leave grows") && teams.contains("Lena Lead"));
    let spotlight = app.get(&hr, &format!("/spotlights/{announcement}")).await.text().await.unwrap();
    assert!(spotlight.contains("id=\"response-team\">Lena Lead"), "the announcement lists its team");
    let lenas = rows.iter().find(|row| row.user_id == lena).unwrap().id;
    let csrf = app.csrf(&hr, "/inbox/teams").await;
    assert_eq!(app.post_form(&hr, &format!("/inbox/teams/{lenas}/delete"), &[("csrf", &csrf)]).await.status(), 303);
    assert_eq!(app.post_form(&hr, &format!("/inbox/teams/{lenas}/delete"), &[("csrf", &csrf)]).await.status(), 404);
    assert_eq!(app.post_form(&hr, "/inbox/teams/999999/delete", &[]).await.status(), 403, "not without the form's token");
    assert_eq!(listed(&inbox(&app, &lead, "").await).len(), 4, "off every team: all questions again");
}

#[tokio::test]
async fn employees_are_kept_out_and_the_api_lists_questions_without_anonymous_authors() {
    let app = TestApp::spawn().await;
    let (hr, _, _) = person(&app, "Hanna Reyes", Role::HrStaff).await;
    let (item, page) = library_item(&app, &hr, "Vision plan", "Health").await;
    let target = format!("collateral:{item}");
    let (alice, _, _) = person(&app, "Alice Moreau", Role::Employee).await;
    let named = ask(&app, &alice, &page, &target, "Are contact lenses covered", false).await;
    asked_ago(&app, named, Duration::hours(2)).await;
    let anonymous = ask(&app, &alice, &page, &target, "Why did the premium double?", true).await;
    let later = ask(&app, &alice, &page, &target, "Can I add my partner", false).await;
    answer(&app, &hr, &page, &target, later, "Yes, during enrolment.").await;

    // Employees: not the inbox, not the teams, not the API.
    let csrf = app.csrf(&alice, "/questions").await;
    assert_eq!(app.get(&alice, "/inbox").await.status(), 403);
    assert_eq!(app.get(&alice, "/inbox/teams").await.status(), 403);
    assert_eq!(app.post_form(&alice, "/inbox/teams", &[("csrf", &csrf), ("user_id", "1"), ("category", "Health")]).await.status(), 403);
    assert_eq!(response_team::Entity::find().count(&app.state.db).await.unwrap(), 0);
    let client = reqwest::Client::new();
    let questions = |token: String, state: &'static str| {
        let (client, url) = (client.clone(), app.url(&format!("/api/v1/questions?state={state}")));
        async move {
            let response = client.get(url).bearer_auth(token).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = questions(app.token(Role::Employee).await, "open").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(client.get(app.url("/api/v1/questions")).send().await.unwrap().status(), 401);

    // HR staff: open questions oldest first (the anonymous one is dated to midnight), with no author for the anonymous one.
    let token = app.token(Role::HrStaff).await;
    let (status, open) = questions(token.clone(), "open").await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = open.as_array().unwrap().iter().map(|q| q["id"].as_i64().unwrap()).collect();
    let midnight = herald::comments::service::day_of(Utc::now());
    let expected = if Utc::now() - midnight > Duration::hours(2) { vec![anonymous, named] } else { vec![named, anonymous] };
    assert_eq!(ids, expected.iter().map(|id| *id as i64).collect::<Vec<_>>());
    let first = open.as_array().unwrap().iter().find(|q| q["id"] == named).unwrap();
    assert_eq!(first["target"], target);
    assert_eq!(first["title"], "Vision plan");
    assert_eq!(first["author"], "Alice Moreau");
    assert!((7_200..7_260).contains(&first["age_seconds"].as_i64().unwrap()));
    assert!(first["answered_at"].is_null() && first["first_response_seconds"].is_null());
    assert_eq!(first["url"], format!("{}{page}#c-{named}", app.state.config.public_base()));
    let hidden = open.as_array().unwrap().iter().find(|q| q["id"] == anonymous).unwrap();
    assert!(hidden["author"].is_null(), "{hidden}");
    assert_eq!(hidden["asked_at"].as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap(), midnight);
    assert!(hidden.as_object().unwrap().values().all(|value| !value.to_string().contains("Alice")), "{hidden}");

    let (_, answered) = questions(token.clone(), "answered").await;
    let answered = answered.as_array().unwrap();
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0]["id"], later);
    let row = find(&app, later).await;
    assert_eq!(answered[0]["first_response_seconds"], row.first_response_seconds.unwrap());
    assert!(answered[0]["answered_at"].is_string());
    let (_, all) = questions(token.clone(), "all").await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    let (status, body) = questions(token, "someday").await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("expected open, answered or all"));
}

#[tokio::test]
async fn the_asker_gets_an_email_whose_tracked_link_leads_back_to_the_thread() {
    let app = TestApp::spawn().await;
    let (hr, _, _) = person(&app, "Hanna Reyes", Role::HrStaff).await;
    let (item, page) = library_item(&app, &hr, "Flu shots", "Health").await;
    let target = format!("collateral:{item}");
    let (alice, alice_email, _) = person(&app, "Alice Moreau", Role::Employee).await;
    let question = ask(&app, &alice, &page, &target, "Are flu shots free for contractors", false).await;
    let anonymous = ask(&app, &alice, &page, &target, "Is the clinic open on Saturdays?", true).await;

    // HR follows the inbox's link to the thread and answers there.
    let html = inbox(&app, &hr, "").await;
    let link = format!("{page}#c-{question}");
    assert!(html.contains(&format!("href=\"{link}\"")));
    let thread = app.get(&hr, &page).await.text().await.unwrap();
    assert!(thread.contains(&format!("id=\"c-{question}\"")) && thread.contains(&format!("name=\"parent\" value=\"{question}\"")));
    answer(&app, &hr, &page, &target, question, "Yes, at every office.").await;
    answer(&app, &hr, &page, &target, anonymous, "Yes, 9 to 12.").await;

    // One answer email, to the named asker only, queued in the outbox.
    let emails = outbox::Entity::find().filter(outbox::Column::Kind.eq("answer")).all(&app.state.db).await.unwrap();
    assert_eq!(emails.len(), 1, "nobody to tell for the anonymous question");
    assert_eq!(emails[0].to_email, alice_email);
    assert!(emails[0].text_body.contains("Are flu shots free for contractors") && emails[0].text_body.contains("Yes, at every office."));
    let url = emails[0].text_body.split_whitespace().find(|word| word.contains("/a/")).unwrap();
    let path = &url[url.find("/a/").unwrap()..];
    let followed = app.get(&alice, path).await;
    assert_eq!(followed.status(), 302);
    assert_eq!(location(&followed), link);
    let mut tampered = path.to_owned().into_bytes();
    let middle = "/a/".len() + (tampered.len() - "/a/".len()) / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    assert_eq!(app.get(&alice, &String::from_utf8(tampered).unwrap()).await.status(), 404);
    assert_eq!(app.get(&alice, "/a/not-a-token").await.status(), 404);
}
