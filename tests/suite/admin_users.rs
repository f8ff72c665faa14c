//! The users page as an administrator works it: find people, page through
//! them, correct where they work, see and act on their access.

use herald::auth::Role;
use herald::entities::sign_in_link::{self, Purpose};
use herald::users::service;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{csrf_in, location, TestApp};
use crate::scim::Scim;

async fn add_people(app: &TestApp, count: usize) {
    let mut csv = String::from("email,name,department,location\n");
    for n in 0..count {
        let place = if n % 2 == 0 { "Porto" } else { "Lisbon" };
        csv.push_str(&format!("person{n:03}@example.com,Person {n:03},Sales,{place}\n"));
    }
    csv.push_str("quinn@example.com,Quinn Legal,Legal department,Faro\n");
    herald::users::import::import(&app.state.db, csv.as_bytes(), false, |_| {}).await.unwrap();
}

/// The `<tr>` of the users page that names `email`.
fn row_of<'a>(page: &'a str, email: &str) -> &'a str {
    let at = page.find(&format!("<td>{email}</td>")).unwrap_or_else(|| panic!("{email} is not listed"));
    let start = page[..at].rfind("<tr>").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    &page[start..end]
}

#[tokio::test]
async fn admins_search_every_field_and_page_through_everyone() {
    let app = TestApp::spawn().await;
    add_people(&app, 70).await;
    let admin = app.signed_in(Role::Admin).await;
    let first = app.get(&admin, "/admin/users").await.text().await.unwrap();
    assert!(first.contains("Page 1 of 2") && first.contains("Person 000") && !first.contains("Person 069"), "50 a page");
    let second = app.get(&admin, "/admin/users?page=2").await.text().await.unwrap();
    assert!(second.contains("Person 069") && !second.contains("Person 000"));

    let by_department = app.get(&admin, "/admin/users?q=legal+dep").await.text().await.unwrap();
    assert!(by_department.contains("Quinn Legal") && !by_department.contains("Person 001"), "department");
    let by_location = app.get(&admin, "/admin/users?q=faro").await.text().await.unwrap();
    assert!(by_location.contains("Quinn Legal") && !by_location.contains("Person 001"), "location");
    let by_email = app.get(&admin, "/admin/users?q=person069%40").await.text().await.unwrap();
    assert!(by_email.contains("Person 069") && !by_email.contains("Person 068"), "email");
    let none = app.get(&admin, "/admin/users?q=nobody-like-this").await.text().await.unwrap();
    assert!(none.contains("Nobody matches this search"));
}

#[tokio::test]
async fn the_status_column_says_where_each_person_stands_and_an_admin_invites_again() {
    let app = TestApp::spawn().await;
    add_people(&app, 2).await;
    let admin_email = app.user(Role::Admin).await;
    let (admin, _) = app.login_as(&admin_email, crate::helpers::PASSWORD).await;
    let page = app.get(&admin, "/admin/users").await.text().await.unwrap();
    let row = row_of(&page, "person000@example.com");
    assert!(row.contains("data-status=\"not-invited\">Not invited yet</span>"), "{row}");
    let csrf = csrf_in(&page).unwrap();
    let person = service::find_by_email(&app.state.db, "person000@example.com").await.unwrap().unwrap();

    let invited = app.post_form(&admin, "/admin/invitations", &[("csrf", &csrf), ("user_id", &person.id.to_string())]).await;
    assert_eq!(invited.status(), 303);
    let page = app.get(&admin, "/admin/users").await.text().await.unwrap();
    let row = row_of(&page, "person000@example.com");
    assert!(row.contains(">Invited</span>") && row.contains(&format!("/admin/users/{}/reinvite", person.id)), "{row}");
    let admin_row = row_of(&page, &admin_email);
    assert!(admin_row.contains(">Active</span>"), "{admin_row}");

    let again = app.post_form(&admin, &format!("/admin/users/{}/reinvite", person.id), &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), 303);
    assert!(location(&again).starts_with("/admin/invitations/"), "{}", location(&again));
    let links = sign_in_link::Entity::find()
        .filter(sign_in_link::Column::UserId.eq(person.id))
        .filter(sign_in_link::Column::Purpose.eq(Purpose::Invitation))
        .all(&app.state.db)
        .await
        .unwrap();
    let now = app.state.config.clock.now();
    assert_eq!(links.len(), 2, "a second invitation is queued");
    assert_eq!(links.iter().filter(|link| link.expires_at > now).count(), 1, "and the first one stops working");

    let deactivated = app.post_form(&admin, &format!("/admin/users/{}", person.id), &[("csrf", &csrf), ("active", "false")]).await;
    assert!(location(&deactivated).contains("notice=user-deactivated"));
    let page = app.get(&admin, &location(&deactivated)).await.text().await.unwrap();
    assert!(page.contains("Deactivated: they are signed out everywhere."), "a confirmation");
    assert!(row_of(&page, "person000@example.com").contains(">Deactivated</span>"));
}

#[tokio::test]
async fn an_admin_corrects_department_and_location_but_not_what_the_directory_owns() {
    let app = TestApp::spawn().await;
    add_people(&app, 1).await;
    let admin = app.signed_in(Role::Admin).await;
    let person = service::find_by_email(&app.state.db, "person000@example.com").await.unwrap().unwrap();
    let edit = format!("/admin/users/{}", person.id);
    let csrf = app.csrf(&admin, &edit).await;
    let saved = app.post_form(&admin, &edit, &[("csrf", &csrf), ("department", "Finance"), ("location", "Braga")]).await;
    assert_eq!(saved.status(), 303);
    let page = app.get(&admin, &location(&saved)).await.text().await.unwrap();
    assert!(page.contains("Saved: the person&#39;s details are updated.") || page.contains("Saved: the person's details are updated."), "{page}");
    let person = service::find_by_email(&app.state.db, "person000@example.com").await.unwrap().unwrap();
    assert_eq!((person.department.as_str(), person.location.as_str()), ("Finance", "Braga"));

    let bad = app.post_form(&admin, &edit, &[("csrf", &csrf), ("department", &"x".repeat(201)), ("location", "Braga")]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("longer than 200 characters"));

    let scim = Scim::new(&app).await;
    scim.provision("synced@example.com", "Engineering", "Berlin").await;
    let synced = service::find_by_email(&app.state.db, "synced@example.com").await.unwrap().unwrap();
    let synced_page = format!("/admin/users/{}", synced.id);
    let page = app.get(&admin, &synced_page).await.text().await.unwrap();
    assert!(page.contains("id=\"directory-owned\"") && !page.contains("name=\"department\""), "shown as the directory's, not editable");
    let refused = app.post_form(&admin, &synced_page, &[("csrf", &csrf), ("department", "Sales"), ("location", "Paris")]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("identity provider manages"));
    let synced = service::find_by_email(&app.state.db, "synced@example.com").await.unwrap().unwrap();
    assert_eq!(synced.department, "Engineering", "nothing stored changed");
}
