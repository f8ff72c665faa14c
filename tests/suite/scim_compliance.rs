//! The SCIM endpoints pass `scim2-tester`, the compliance checker of the
//! python-scim project (installed by scripts/test with scim2-cli), run as
//! `scim2 --url … test` against the real server with a real SCIM token.
//! Every check must pass and none may be skipped (docs/identity.md lists them).

use crate::helpers::TestApp;

#[tokio::test]
async fn the_scim_endpoints_pass_the_scim2_tester_compliance_checks() {
    let app = TestApp::spawn().await;
    // Groups need an owner for the lists they become: the first administrator.
    app.user(herald::auth::Role::Admin).await;
    let token = herald::scim::tokens::create(&app.state.db, "scim2-tester", None).await.unwrap().1;
    let output = tokio::process::Command::new("scim2")
        .arg("--url")
        .arg(app.url("/scim/v2"))
        // The token goes in the environment, not the command line other users can read.
        .env("SCIM_CLI_HEADERS", format!("Authorization: Bearer {token}"))
        .args(["test", "--verbose"])
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .output()
        .await
        .expect("scim2 is installed (scripts/test installs it): run `python3 -m pip install scim2-cli scim2-tester`");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    println!("scim2 test:\n{text}");
    let lines: Vec<&str> = text.lines().collect();
    let mut passed = 0;
    let mut problems = vec![];
    for (index, line) in lines.iter().enumerate() {
        let reason = lines.get(index + 1).map(|l| l.trim()).unwrap_or_default();
        if line.starts_with("SUCCESS ") {
            passed += 1;
        } else if ["ERROR ", "SKIPPED ", "CRITICAL ", "WARNING "].iter().any(|status| line.starts_with(status)) {
            problems.push(format!("{line}\n  {reason}"));
        }
    }
    assert!(problems.is_empty(), "scim2-tester found problems:\n{}", problems.join("\n"));
    assert!(passed > 50, "scim2-tester ran too few checks ({passed}):\n{text}");
    assert!(output.status.success(), "scim2 failed:\n{text}");
}
