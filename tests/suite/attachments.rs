//! Attachments: validated by content, bounded in size, searchable by their text.

use herald::auth::Role;
use serde_json::json;

use crate::helpers::{location, TestApp};
use crate::library::{titles, Api};

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).expect("fixture")
}

pub async fn upload(app: &TestApp, client: &reqwest::Client, slug: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let csrf = app.csrf(client, &format!("/library/{slug}")).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    client.post(app.url(&format!("/library/{slug}/attachments"))).multipart(form).send().await.unwrap()
}

async fn attachment_count(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    herald::entities::attachment::Entity::find().count(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn text_inside_a_pdf_or_docx_is_found_by_search() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    hr.create(json!({"title": "Dental guide", "kind": "benefit", "status": "published"})).await;
    hr.create(json!({"title": "Leave policy", "kind": "policy", "status": "published"})).await;
    let browser = app.signed_in(Role::HrStaff).await;
    assert_eq!(upload(&app, &browser, "dental-guide", "benefits-guide.pdf", fixture("benefits-guide.pdf")).await.status(), 303);
    assert_eq!(upload(&app, &browser, "leave-policy", "leave-policy.docx", fixture("leave-policy.docx")).await.status(), 303);

    let employee = Api::new(&app, Role::Employee).await;
    let found = employee.search_until("q=orthodontic", |r| r["total"] == 1).await;
    assert_eq!(titles(&found), vec!["Dental guide"]);
    let found = employee.search_until("q=bereavement", |r| r["total"] == 1).await;
    assert_eq!(titles(&found), vec!["Leave policy"]);

    let page = app.get(&browser, "/library/dental-guide").await.text().await.unwrap();
    let start = page.find("/library/dental-guide/files/").unwrap();
    let href: String = page[start..].chars().take_while(|c| *c != '"').collect();
    let download = app.get(&browser, &href).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"benefits-guide.pdf\""), "{disposition}");
    assert_eq!(download.bytes().await.unwrap().to_vec(), fixture("benefits-guide.pdf"));
}

#[tokio::test]
async fn disguised_and_dangerous_files_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    hr.create(json!({"title": "Forms", "kind": "form", "status": "published"})).await;
    let browser = app.signed_in(Role::HrStaff).await;
    let elf = [b"\x7fELF\x02\x01\x01".to_vec(), vec![0; 64]].concat();
    for (name, bytes) in [
        ("not-really.pdf", fixture("not-really.pdf")),
        ("payroll.exe", b"MZ\x90\x00\x03\x00\x00\x00".to_vec()),
        ("tool", elf),
        ("../../../etc/passwd", b"#!/bin/sh\nrm -rf /\n".to_vec()),
    ] {
        let response = upload(&app, &browser, "forms", name, bytes).await;
        assert_eq!(response.status(), 422, "{name}");
        let text = response.text().await.unwrap();
        assert!(text.contains(name.rsplit('/').next().unwrap()) || text.contains(name), "{name}: {text}");
    }
    assert_eq!(attachment_count(&app).await, 0);
    let uploads = app.data_path().join("uploads");
    assert!(!uploads.exists() || std::fs::read_dir(&uploads).unwrap().next().is_none(), "no bytes written");
}

#[tokio::test]
async fn uploads_over_the_limit_get_a_clear_413() {
    let app = TestApp::spawn_with(|config| config.max_upload_mb = 1).await;
    let hr = Api::new(&app, Role::HrStaff).await;
    hr.create(json!({"title": "Big files", "kind": "form", "status": "published"})).await;
    let browser = app.signed_in(Role::HrStaff).await;
    let big = "x".repeat(1024 * 1024 + 10).into_bytes();
    let response = upload(&app, &browser, "big-files", "big.txt", big).await;
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("larger than the 1 MB limit"));
    assert_eq!(attachment_count(&app).await, 0);
    let ok = upload(&app, &browser, "big-files", "small.txt", b"small enough".to_vec()).await;
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/library/big-files");
}

#[tokio::test]
async fn an_unwritable_upload_folder_is_a_clear_error_and_the_database_is_untouched() {
    let app = TestApp::spawn().await;
    let hr = Api::new(&app, Role::HrStaff).await;
    hr.create(json!({"title": "Handbook", "kind": "policy", "status": "published"})).await;
    // A file where the uploads folder should be: no directory can be created there, even as root.
    std::fs::write(app.data_path().join("uploads"), b"in the way").unwrap();
    let browser = app.signed_in(Role::HrStaff).await;
    let response = upload(&app, &browser, "handbook", "handbook.txt", b"Employee handbook".to_vec()).await;
    assert_eq!(response.status(), 507);
    assert!(response.text().await.unwrap().contains("could not store the file"));
    assert_eq!(attachment_count(&app).await, 0);
}
