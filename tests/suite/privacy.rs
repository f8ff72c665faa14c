//! Individual-level tracking: off until an HR lead turns it on, and employees
//! are always told which way it is.

use herald::auth::Role;

use crate::helpers::{location, TestApp};

/// An HR lead turns individual-level tracking on or off through the page.
pub async fn set_individual_tracking(app: &TestApp, on: bool) {
    let lead = app.signed_in(Role::HrLead).await;
    let csrf = app.csrf(&lead, "/analytics/privacy").await;
    let value = if on { "on" } else { "off" };
    let response = app.post_form(&lead, "/analytics/privacy", &[("csrf", &csrf), ("individual_tracking", value), ("confirm", "yes")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/analytics/privacy?notice=privacy-changed");
}

async fn home_privacy(app: &TestApp, client: &reqwest::Client) -> String {
    let home = app.get(client, "/").await.text().await.unwrap();
    let start = home.find("id=\"home-privacy\"").expect("a privacy card on the home page");
    home[start..start + home[start..].find("</article>").unwrap()].to_owned()
}

#[tokio::test]
async fn a_lead_turns_individual_tracking_on_and_off_and_employees_see_it() {
    let app = TestApp::spawn().await;
    let employee = app.signed_in(Role::Employee).await;
    assert!(home_privacy(&app, &employee).await.contains("HR sees only totals of opens and clicks"));

    let lead = app.signed_in(Role::HrLead).await;
    let page = app.get(&lead, "/analytics/privacy").await.text().await.unwrap();
    assert!(page.contains("id=\"individual-state\">off<"), "off by default");

    // No CSRF token, or a value that is neither on nor off: refused, nothing changes.
    let forged = app.post_form(&lead, "/analytics/privacy", &[("individual_tracking", "on")]).await;
    assert_eq!(forged.status(), 403);
    let csrf = app.csrf(&lead, "/analytics/privacy").await;
    let bad = app.post_form(&lead, "/analytics/privacy", &[("csrf", &csrf), ("individual_tracking", "yes please")]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Choose on or off"));
    assert!(!herald::analytics::individual::enabled(&app.state.db).await.unwrap());

    set_individual_tracking(&app, true).await;
    let setting = herald::analytics::individual::current(&app.state.db).await.unwrap();
    assert!(setting.enabled && setting.changed_at.is_some());
    let lead_name = setting.changed_by.clone().unwrap();
    let page = app.get(&lead, "/analytics/privacy").await.text().await.unwrap();
    assert!(page.contains("id=\"individual-state\">on<") && page.contains(&lead_name), "{page}");
    let notice = home_privacy(&app, &employee).await;
    assert!(notice.contains("HR can see whether you personally opened") && notice.contains(&lead_name), "{notice}");

    set_individual_tracking(&app, false).await;
    assert!(home_privacy(&app, &employee).await.contains("HR sees only totals of opens and clicks"));
}

#[tokio::test]
async fn switching_individual_tracking_asks_first_and_changes_nothing_until_confirmed() {
    let app = TestApp::spawn().await;
    let lead = app.signed_in(Role::HrLead).await;
    let csrf = app.csrf(&lead, "/analytics/privacy").await;
    let asked = app.post_form(&lead, "/analytics/privacy", &[("csrf", &csrf), ("individual_tracking", "on")]).await;
    assert_eq!(asked.status(), 200, "a confirmation page, not the change");
    let page = asked.text().await.unwrap();
    assert!(page.contains("Turn individual-level tracking on?") && page.contains("HR staff will see each recipient"), "{page}");
    assert!(page.contains("name=\"confirm\" value=\"yes\"") && page.contains("name=\"csrf\""), "the confirm button posts again, with CSRF");
    assert!(!herald::analytics::individual::current(&app.state.db).await.unwrap().enabled, "nothing changed yet");

    let forged = app.post_form(&lead, "/analytics/privacy", &[("csrf", "forged"), ("individual_tracking", "on"), ("confirm", "yes")]).await;
    assert_eq!(forged.status(), 403);
    let confirmed = app.post_form(&lead, "/analytics/privacy", &[("csrf", &csrf), ("individual_tracking", "on"), ("confirm", "yes")]).await;
    assert_eq!(confirmed.status(), 303);
    let page = app.get(&lead, &location(&confirmed)).await.text().await.unwrap();
    assert!(page.contains("Saved. Employees now see the new setting."), "{page}");
    assert!(herald::analytics::individual::current(&app.state.db).await.unwrap().enabled);
}
