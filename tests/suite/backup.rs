//! `herald backup` and `herald restore` through the real binary: a backup taken
//! while the server runs restores into a new install with its users, library,
//! uploads and clicks; damaged backups and non-empty targets are refused.

use herald::auth::Role;
use serde_json::{json, Value};

use crate::attachments::{fixture, upload};
use crate::helpers::{fresh_database, herald_command, TestApp, PASSWORD};
use crate::library::{titles, Api as LibraryApi};
use crate::spotlights::Api;

fn run(command: &mut std::process::Command) -> (bool, String) {
    let output = command.output().expect("run herald");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_a_new_install() {
    let app = TestApp::spawn().await;
    let hr = LibraryApi::new(&app, Role::HrStaff).await;
    hr.create(json!({"title": "Backup guide", "kind": "guideline", "status": "published"})).await;
    let staff = app.signed_in(Role::HrStaff).await;
    assert_eq!(upload(&app, &staff, "backup-guide", "benefits-guide.pdf", fixture("benefits-guide.pdf")).await.status(), 303);
    let employee = app.user(Role::Employee).await;
    // A click on a short link: it goes through the click log into the database.
    let api = Api::new(&app).await;
    let (_, announcement) = api.post("/announcements", json!({"title": "Backups", "subject": "Hi", "template": "new-policy", "audience": {"roles": ["admin"]}})).await;
    let id = announcement["id"].as_i64().unwrap();
    let (_, link) = api.post(&format!("/announcements/{id}/short-links"), json!({"channel": "intranet"})).await;
    let code = link["code"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&app.browser(), &format!("/s/{code}")).await.status(), 302);

    let backups = tempfile::tempdir().unwrap();
    let dest = backups.path().join("nightly");
    let (ok, out) = run(herald_command(app.data_path(), app.database_url.as_deref()).arg("backup").arg(&dest));
    assert!(ok, "{out}");
    assert!(out.contains("Backed up"), "{out}");
    let manifest: Value = serde_json::from_slice(&std::fs::read(dest.join("MANIFEST.json")).unwrap()).unwrap();
    let paths: Vec<&str> = manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    let database_file = manifest["database_file"].as_str().unwrap();
    assert!(paths.contains(&database_file) && paths.contains(&"server-id"), "{paths:?}");
    assert!(paths.iter().any(|p| p.starts_with("uploads/")), "the upload is in the backup: {paths:?}");
    assert!(!paths.iter().any(|p| p.starts_with("index")), "the index is rebuilt, not backed up");
    // Backing up into a directory that holds something is refused.
    let (ok, out) = run(herald_command(app.data_path(), app.database_url.as_deref()).arg("backup").arg(&dest));
    assert!(!ok && out.contains("not empty"), "{out}");

    // Restore into a new install: a new data directory and an empty database.
    let restored_dir = tempfile::tempdir().unwrap();
    let restored_db = if app.database_url.is_some() { fresh_database().await } else { None };
    // A damaged copy of the backup is refused before anything is written.
    let damaged = backups.path().join("damaged");
    copy_tree(&dest, &damaged);
    let upload_file = paths.iter().find(|p| p.starts_with("uploads/")).unwrap();
    std::fs::write(damaged.join(upload_file), b"not the PDF").unwrap();
    let (ok, out) = run(herald_command(restored_dir.path(), restored_db.as_deref()).arg("restore").arg(&damaged));
    assert!(!ok && out.contains("damaged") && out.contains(upload_file), "{out}");
    assert!(!restored_dir.path().join("herald.db").exists() && !restored_dir.path().join("uploads").exists());

    let (ok, out) = run(herald_command(restored_dir.path(), restored_db.as_deref()).arg("restore").arg(&dest));
    assert!(ok, "{out}");
    // Restoring over a database that now holds data is refused.
    let (ok, out) = run(herald_command(restored_dir.path(), restored_db.as_deref()).arg("restore").arg(&dest));
    assert!(!ok && out.contains("already"), "{out}");

    drop(app);
    let restored = TestApp::spawn_on(restored_db, restored_dir).await;
    let (client, response) = restored.login_as(&employee, PASSWORD).await;
    assert_eq!(response.status(), 303, "the employee's account and password came back");
    let reader = LibraryApi::new(&restored, Role::Employee).await;
    let found = reader.search_until("q=orthodontic", |r| r["total"] == 1).await;
    assert_eq!(titles(&found), vec!["Backup guide"], "the index was rebuilt, with the PDF's text");
    let page = restored.get(&client, "/library/backup-guide").await.text().await.unwrap();
    let start = page.find("/library/backup-guide/files/").expect("the attachment is listed");
    let href: String = page[start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(restored.get(&client, &href).await.bytes().await.unwrap().to_vec(), fixture("benefits-guide.pdf"));
    let api = Api::lead(&restored).await;
    let stats = api.get(&format!("/announcements/{id}/stats")).await;
    assert_eq!(stats["clicks"]["total"], 1, "the click survived: {stats}");
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
