//! SMTP with TLS and authentication, against a real TLS-speaking SMTP server
//! (aiosmtpd, tests/support/tls_smtp.py): STARTTLS required, implicit TLS
//! (smtps://), AUTH, a private certificate authority, and a wrong password.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::TestApp;
use crate::spotlights::{people, Api};

struct TlsServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private certificate authority and a server certificate for localhost
/// signed by it: (CA to trust, server certificate, server key).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let path = |name: &str| dir.join(name);
    let openssl = |args: &[&str]| {
        let status = Command::new("openssl").current_dir(dir).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().expect("openssl");
        assert!(status.success(), "openssl {args:?}");
    };
    openssl(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Herald Test CA", "-keyout", "ca.key", "-out", "ca.pem"]);
    openssl(&["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "server.csr"]);
    std::fs::write(path("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n").unwrap();
    openssl(&["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "cert.pem"]);
    (path("ca.pem"), path("cert.pem"), path("key.pem"))
}

fn start(mode: &str, cert: &Path, key: &Path) -> TlsServer {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/tls_smtp.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--port", &port.to_string(), "--mode", mode, "--user", "herald", "--password", "s3cret pass"])
        .arg("--dir")
        .arg(dir.path())
        .arg("--cert")
        .arg(cert)
        .arg("--key")
        .arg(key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 with aiosmtpd (scripts/test installs it)");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "the TLS SMTP server did not start");
    TlsServer { child, port, dir }
}

fn received(server: &TlsServer) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(server.dir.path()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "eml")).collect();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

async fn send_two(url: &str, ca: &Path) -> (TestApp, serde_json::Value) {
    let url = url::Url::parse(url).unwrap();
    let ca = ca.to_path_buf();
    let app = TestApp::spawn_with(move |config| {
        config.mail.smtp_url = Some(url);
        config.mail.smtp_ca_file = Some(ca);
        config.mail.retry_base_seconds = 1;
        config.mail.max_attempts = 2;
    })
    .await;
    people(&app, "tls", 2, "Secure").await;
    let api = Api::new(&app).await;
    let id = api.blast(json!({"title": "TLS", "subject": "Over TLS", "template": "new-policy", "audience": {"departments": ["Secure"]}})).await;
    let mut view = api.wait_for(id, "sent", 30).await;
    let replies: Vec<Option<String>> = herald::entities::outbox::Entity::find().all(&app.state.db).await.unwrap().into_iter().map(|m| m.last_reply).collect();
    view["replies"] = json!(replies);
    (app, view)
}

#[tokio::test]
async fn starttls_and_auth_deliver_through_a_relay_with_a_private_ca() {
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(certs.path());
    let server = start("starttls", &cert, &key);
    let (_app, view) = send_two(&format!("smtp://herald:s3cret%20pass@localhost:{}?tls=required", server.port), &ca).await;
    assert_eq!(view["delivery"]["sent"], 2, "{view}");
    let messages = received(&server);
    assert_eq!(messages.len(), 2);
    for message in messages {
        assert!(message.contains("X-Test-Tls: TLSv1.") && message.contains("X-Test-Auth: herald"), "{message}");
        assert!(message.contains("Subject: Over TLS"));
    }
}

#[tokio::test]
async fn implicit_tls_delivers_and_a_wrong_password_fails_with_the_reply() {
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(certs.path());
    let server = start("implicit", &cert, &key);
    let (_app, view) = send_two(&format!("smtps://herald:s3cret%20pass@localhost:{}", server.port), &ca).await;
    assert_eq!(view["delivery"]["sent"], 2, "{view}");
    assert!(received(&server).iter().all(|m| m.contains("X-Test-Tls: TLSv1.")));

    let (app, view) = send_two(&format!("smtps://herald:wrong@localhost:{}", server.port), &ca).await;
    assert_eq!(view["delivery"]["failed"], 2, "{view}");
    let row = herald::entities::outbox::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert!(row.last_reply.unwrap_or_default().contains("535"), "the server's refusal is kept");
    assert_eq!(received(&server).len(), 2, "nothing more was accepted");
}
