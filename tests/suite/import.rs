//! The web equivalent of `herald import employees`.

use herald::auth::Role;
use herald::users::service;

use crate::helpers::TestApp;

async fn upload(app: &TestApp, client: &reqwest::Client, csv: &str, skip_invalid: bool) -> (u16, String) {
    let csrf = app.csrf(client, "/admin/import").await;
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .part("file", reqwest::multipart::Part::text(csv.to_owned()).file_name("employees.csv"));
    if skip_invalid {
        form = form.text("skip_invalid", "1");
    }
    let response = client.post(app.url("/admin/import")).multipart(form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

const GOOD: &str = "email,name,department,location,manager_email\n\
    ana@example.com,Ana Lopez,Finance,Lisbon,\n\
    ben@example.com,Ben Okafor,Sales,Porto,ana@example.com\n";

#[tokio::test]
async fn admins_import_employees_and_reimport_updates() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Admin).await;
    let before = app.count_users().await;
    let (status, page) = upload(&app, &client, GOOD, false).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("2 created, 0 updated, 0 unchanged"));
    assert_eq!(app.count_users().await, before + 2);

    let changed = GOOD.replace("Ben Okafor,Sales", "Ben Okafor,Marketing");
    let (_, page) = upload(&app, &client, &changed, false).await;
    assert!(page.contains("0 created, 1 updated, 1 unchanged"), "{page}");
    assert_eq!(app.count_users().await, before + 2, "no duplicates");
    let ben = service::find_by_email(&app.state.db, "ben@example.com").await.unwrap().unwrap();
    assert_eq!(ben.department, "Marketing");
    assert_eq!(ben.manager_email.as_deref(), Some("ana@example.com"));
}

#[tokio::test]
async fn a_bad_file_is_reported_and_imports_nothing() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Admin).await;
    let before = app.count_users().await;

    let bad_rows = format!("{GOOD}not-an-email,Someone,HR,Lisbon,\n<script>alert(1)</script>@x.com,Evil,HR,Lisbon,\n");
    let (status, page) = upload(&app, &client, &bad_rows, false).await;
    assert_eq!(status, 422);
    assert!(page.contains("2 row(s) were rejected, so nothing was imported"));
    assert!(page.contains("<td>4</td>") && page.contains("<td>5</td>"), "line numbers shown");
    assert!(!page.contains("<script>alert(1)</script>"), "input is escaped");
    assert_eq!(app.count_users().await, before);

    let (status, page) = upload(&app, &client, "name;department\nAna;Finance\n", false).await;
    assert_eq!(status, 422);
    assert!(page.contains("The file was not imported") && page.contains("header row has no"), "{page}");
    assert_eq!(app.count_users().await, before);

    let (status, page) = upload(&app, &client, &bad_rows, true).await;
    assert_eq!(status, 200);
    assert!(page.contains("2 created") && page.contains("2 rejected rows skipped"), "{page}");
    assert_eq!(app.count_users().await, before + 2);
}

#[tokio::test]
async fn the_directory_searches_by_name_department_and_location() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Admin).await;
    upload(&app, &client, GOOD, false).await;
    let staff = app.signed_in(Role::HrStaff).await;
    let page = app.get(&staff, "/directory?q=okaf").await.text().await.unwrap();
    assert!(page.contains("Ben Okafor") && !page.contains("Ana Lopez"));
    let page = app.get(&staff, "/directory?location=Lisbon").await.text().await.unwrap();
    assert!(page.contains("Ana Lopez") && !page.contains("Ben Okafor"));
    let page = app.get(&staff, "/directory?q=%25").await.text().await.unwrap();
    assert!(page.contains("Ana Lopez"), "a lone wildcard is ignored, not an error");
}

#[tokio::test]
async fn rejected_rows_carry_the_files_own_line_numbers_with_windows_line_endings() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(Role::Admin).await;
    // What Excel writes: a byte-order mark, CRLF, and a quoted value over two lines.
    let csv = "\u{feff}email,name,department,location\r\n\
               ana@example.com,Ana Lopez,Finance,Lisbon\r\n\
               not-an-email,Someone,HR,Lisbon\r\n\
               ben@example.com,\"Ben\r\nOkafor\",Sales,Porto\r\n\
               also-bad,Other,HR,Porto\r\n";
    let (status, page) = upload(&app, &client, csv, false).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("<td>3</td>"), "the bad email is on line 3 of the file: {page}");
    assert!(page.contains("<td>4</td>") && page.contains("<td>6</td>"), "a two-line record counts both lines: {page}");
    assert!(!page.contains("<td>2</td>"), "{page}");
}
