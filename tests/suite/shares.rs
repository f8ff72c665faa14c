//! What a share shows outside Herald: only items the person behind the link
//! may read themselves, checked each time the link is viewed.

use herald::auth::Role;
use herald::entities::{attachment, collateral};
use herald::users::service::{self, NewUser};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use crate::helpers::{csrf_in, location, TestApp, FIREFOX, PASSWORD};
use crate::spotlights::{published_item, Api};

async fn employee_in(app: &TestApp, department: &str) -> (String, reqwest::Client) {
    let email = format!("{}-{}@example.com", department.to_lowercase(), herald::auth::password::random_secret(6).to_lowercase());
    let new = NewUser::parse(&email, &format!("{department} Person"), department, "Lisbon", Role::Employee).unwrap();
    service::create(&app.state.db, new, Some(PASSWORD)).await.unwrap();
    let (client, _) = app.login_as(&email, PASSWORD).await;
    (email, client)
}

async fn finance_only_item(app: &TestApp) -> i32 {
    let owner = service::find_by_email(&app.state.db, &app.user(Role::HrStaff).await).await.unwrap().unwrap();
    let raw = herald::library::model::RawCollateral {
        title: "Finance bonus rules".into(),
        summary: "Bonus pools by team.".into(),
        body: "Confidential: the Finance bonus pool is 7%.".into(),
        kind: "policy".into(),
        status: "published".into(),
        audience_departments: "Finance".into(),
        ..Default::default()
    };
    let id = herald::library::service::create(&app.state.db, owner.id, raw.parse().unwrap()).await.unwrap().id;
    attachment::ActiveModel {
        collateral_id: Set(id),
        sha256: Set("0".repeat(64)),
        file_name: Set("bonus.pdf".into()),
        content_type: Set("application/pdf".into()),
        size: Set(1),
        extracted_text: Set(String::new()),
        uploaded_by: Set(owner.id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    id
}

pub async fn share(app: &TestApp, client: &reqwest::Client, from: &str) -> String {
    let csrf = csrf_in(&app.get(client, "/shares").await.text().await.unwrap()).unwrap();
    let response = app.post_form(client, "/share", &[("csrf", &csrf), ("from", from)]).await;
    assert_eq!(response.status(), 303, "{from}");
    location(&response).split("new=").nth(1).unwrap().to_owned()
}

async fn file_of(app: &TestApp, item: i32) -> i32 {
    use sea_orm::{ColumnTrait, QueryFilter};
    attachment::Entity::find().filter(attachment::Column::CollateralId.eq(item)).one(&app.state.db).await.unwrap().unwrap().id
}

#[tokio::test]
async fn a_share_never_shows_items_beyond_the_sharers_own_audience() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let open = published_item(&app, "Flu season guideline", "Stay home when sick.").await;
    let restricted = finance_only_item(&app).await;
    let (engineer, engineer_client) = employee_in(&app, "Engineering").await;
    let (accountant, accountant_client) = employee_in(&app, "Finance").await;
    let id = api
        .blast(json!({"title": "This season", "subject": "Hi", "template": "new-policy", "collateral_ids": [open, restricted],
                      "audience": {"emails": [engineer, accountant]}}))
        .await;
    api.wait_for(id, "sent", 20).await;
    let outside = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent(FIREFOX).build().unwrap();
    let get = |path: String| {
        let outside = outside.clone();
        let url = app.url(&path);
        async move { outside.get(url).send().await.unwrap() }
    };

    // The engineer cannot read the Finance item in the library, so neither can whoever gets their link.
    let code = share(&app, &engineer_client, &format!("news:{id}")).await;
    let page = get(format!("/v/{code}")).await.text().await.unwrap();
    assert!(page.contains("Flu season guideline") && !page.contains("Finance bonus rules"), "{page}");
    assert_eq!(get(format!("/v/{code}/items/{open}")).await.status(), 200);
    let leaked = get(format!("/v/{code}/items/{restricted}")).await;
    assert_eq!(leaked.status(), 404);
    assert!(!leaked.text().await.unwrap().contains("7%"));
    let file = file_of(&app, restricted).await;
    assert_eq!(get(format!("/v/{code}/files/{file}")).await.status(), 404, "nor its files");
    // A reshare belongs to its resharer: from Finance it shows the Finance item; the first link still does not.
    let reshare = share(&app, &accountant_client, &format!("code:{code}")).await;
    assert_eq!(get(format!("/v/{reshare}/items/{restricted}")).await.status(), 200, "in the resharer's own audience");
    assert_eq!(get(format!("/v/{code}/items/{restricted}")).await.status(), 404, "the first link is unchanged");

    // Checked at each view: the sharer moving out of Finance, or the item being withdrawn, closes it.
    let mine = share(&app, &accountant_client, &format!("news:{id}")).await;
    assert_eq!(get(format!("/v/{mine}/items/{restricted}")).await.status(), 200);
    let person = service::find_by_email(&app.state.db, &accountant).await.unwrap().unwrap();
    let mut moved: herald::entities::user::ActiveModel = person.into();
    moved.department = Set("Marketing".into());
    moved.update(&app.state.db).await.unwrap();
    assert_eq!(get(format!("/v/{mine}/items/{restricted}")).await.status(), 404, "after the sharer moved");
    let mut withdrawn: collateral::ActiveModel = collateral::Entity::find_by_id(open).one(&app.state.db).await.unwrap().unwrap().into();
    withdrawn.status = Set("archived".into());
    withdrawn.update(&app.state.db).await.unwrap();
    assert_eq!(get(format!("/v/{code}/items/{open}")).await.status(), 404, "an archived item is no longer shown");
    assert!(!get(format!("/v/{code}")).await.text().await.unwrap().contains("Flu season guideline"));
}

#[tokio::test]
async fn a_forwarded_spotlight_email_shows_only_what_its_recipient_may_read() {
    use sea_orm::{ColumnTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let open = published_item(&app, "Flu season guideline", "Stay home when sick.").await;
    let restricted = finance_only_item(&app).await;
    let (engineer, _) = employee_in(&app, "Engineering").await;
    let (accountant, _) = employee_in(&app, "Finance").await;
    let id = api
        .blast(json!({"title": "This season", "subject": "Hi", "template": "new-policy", "collateral_ids": [open, restricted],
                      "audience": {"emails": [engineer, accountant]}}))
        .await;
    api.wait_for(id, "sent", 20).await;
    // Whoever the email is forwarded to opens the recipient's page without an account.
    let outside = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent(FIREFOX).build().unwrap();
    let page_of = |email: &str| {
        let email = email.to_owned();
        let app = &app;
        async move {
            let recipient = herald::entities::recipient::Entity::find()
                .filter(herald::entities::recipient::Column::Email.eq(email))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            let token = app.state.tracking.sign(herald::tracking::TrackingToken { purpose: herald::tracking::Purpose::Page, recipient_id: recipient.id, link_id: 0 });
            format!("/p/{token}")
        }
    };
    let get = |path: String| {
        let outside = outside.clone();
        let url = app.url(&path);
        async move { outside.get(url).send().await.unwrap() }
    };
    let file = file_of(&app, restricted).await;

    let engineers = page_of(&engineer).await;
    let page = get(engineers.clone()).await.text().await.unwrap();
    assert!(page.contains("Flu season guideline") && !page.contains("Finance bonus rules"), "{page}");
    assert_eq!(get(format!("{engineers}/items/{open}")).await.status(), 200);
    let leaked = get(format!("{engineers}/items/{restricted}")).await;
    assert_eq!(leaked.status(), 404);
    assert!(!leaked.text().await.unwrap().contains("7%"));
    assert_eq!(get(format!("{engineers}/files/{file}")).await.status(), 404, "nor its files");

    let accountants = page_of(&accountant).await;
    assert!(get(accountants.clone()).await.text().await.unwrap().contains("Finance bonus rules"), "in the recipient's own audience");
    assert_eq!(get(format!("{accountants}/items/{restricted}")).await.status(), 200);
    // Checked at each view: a recipient who leaves Finance no longer shows it to whoever holds the email.
    let person = service::find_by_email(&app.state.db, &accountant).await.unwrap().unwrap();
    let mut moved: herald::entities::user::ActiveModel = person.into();
    moved.department = Set("Marketing".into());
    moved.update(&app.state.db).await.unwrap();
    assert_eq!(get(format!("{accountants}/items/{restricted}")).await.status(), 404, "after the recipient moved");
}

#[tokio::test]
async fn a_deactivated_sharers_links_show_no_items() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let open = published_item(&app, "Parking rules", "Park in the back.").await;
    let (email, client) = employee_in(&app, "Engineering").await;
    let id = api.blast(json!({"title": "Parking", "subject": "Hi", "template": "new-policy", "collateral_ids": [open], "audience": {"emails": [email]}})).await;
    api.wait_for(id, "sent", 20).await;
    let code = share(&app, &client, &format!("news:{id}")).await;
    let outside = reqwest::Client::builder().user_agent(FIREFOX).build().unwrap();
    assert_eq!(outside.get(app.url(&format!("/v/{code}/items/{open}"))).send().await.unwrap().status(), 200);
    let person = service::find_by_email(&app.state.db, &email).await.unwrap().unwrap();
    let mut gone: herald::entities::user::ActiveModel = person.into();
    gone.active = Set(false);
    gone.update(&app.state.db).await.unwrap();
    assert_eq!(outside.get(app.url(&format!("/v/{code}/items/{open}"))).send().await.unwrap().status(), 404);
}
