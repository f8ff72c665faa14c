//! A real SMTP server for the tests: postfix's `smtp-sink`, dumping every
//! message it accepts to its own file, and helpers to read those messages.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;

pub struct SmtpSink {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
    extra: Vec<String>,
}

fn binary() -> String {
    std::env::var("SMTP_SINK").unwrap_or_else(|_| "/usr/sbin/smtp-sink".into())
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        Self::start_with(&[])
    }

    /// `extra` are smtp-sink flags, e.g. `["-f", "RCPT"]` to refuse every recipient with a 5xx.
    pub fn start_with(extra: &[&str]) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        // smtp-sink drops root privileges to `nobody`, which must be able to write the dumps.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut sink = SmtpSink { child: None, port, dir, extra: extra.iter().map(|s| s.to_string()).collect() };
        sink.launch();
        sink
    }

    fn launch(&mut self) {
        let mut command = Command::new(binary());
        if std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(1) == 0 {
            command.args(["-u", "nobody"]);
        }
        command
            .arg("-d")
            .arg(format!("{}/msg-", self.dir.path().display()))
            .args(&self.extra)
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("256")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = command.spawn().unwrap_or_else(|err| panic!("cannot start {} ({err}); scripts/test installs postfix", binary()));
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("smtp-sink did not start listening on {}", self.port);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// SIGKILL: the server vanishes mid-conversation.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts again on the same port, keeping the messages received so far.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    /// Dump files so far (a cheap progress figure; see [`messages`](Self::messages) for deliveries).
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path()).map(|entries| entries.filter(|e| e.is_ok()).count()).unwrap_or(0)
    }

    /// Messages received whole. A server killed mid-transaction may leave a
    /// partial dump: the client never got its "250 OK", so it is not a delivery.
    pub fn messages(&self) -> Vec<Received> {
        let mut messages: Vec<Received> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .map(|entry| Received::parse(&entry.path()))
            .filter(Received::is_complete)
            .collect();
        messages.sort_by(|a, b| a.rcpt.cmp(&b.rcpt));
        messages
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One message as smtp-sink stored it.
#[derive(Clone, Debug)]
pub struct Received {
    pub rcpt: String,
    pub raw: String,
}

impl Received {
    fn parse(path: &Path) -> Received {
        let raw = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
        let rcpt = raw
            .lines()
            .find_map(|line| line.strip_prefix("X-Rcpt-Args: <"))
            .map(|rest| rest.trim_end_matches('>').to_owned())
            .unwrap_or_default();
        Received { rcpt, raw }
    }

    /// The MIME message ends with its closing boundary.
    pub fn is_complete(&self) -> bool {
        let Some(content_type) = self.header("Content-Type") else { return false };
        let Some(boundary) = content_type.split("boundary=").nth(1) else { return !self.rcpt.is_empty() };
        let boundary = boundary.trim_matches('"');
        self.raw.contains(&format!("--{boundary}--"))
    }

    /// A top-level header, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\n\n").next().unwrap_or("");
        let mut value: Option<String> = None;
        for line in head.lines() {
            if let Some(current) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    current.push(' ');
                    current.push_str(line.trim());
                    continue;
                }
                break;
            }
            if let Some((key, rest)) = line.split_once(':') {
                if key.eq_ignore_ascii_case(name) {
                    value = Some(rest.trim().to_owned());
                }
            }
        }
        value
    }

    /// The decoded body of the first part of this content type.
    pub fn part(&self, content_type: &str) -> Option<String> {
        let marker = format!("Content-Type: {content_type}");
        let start = self.raw.find(&marker)?;
        let part = &self.raw[start..];
        let (head, body) = part.split_once("\n\n")?;
        let body = body.split("\n--").next().unwrap_or(body);
        let encoding = head.lines().find_map(|l| l.strip_prefix("Content-Transfer-Encoding: ")).unwrap_or("7bit").trim().to_owned();
        Some(match encoding.as_str() {
            "quoted-printable" => decode_quoted_printable(body),
            "base64" => {
                let compact: String = body.split_whitespace().collect();
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).unwrap()).unwrap()
            }
            _ => body.to_owned(),
        })
    }

    /// Every `href` of the HTML part and every URL of the text part.
    pub fn links(&self) -> Vec<String> {
        let mut links = vec![];
        if let Some(html) = self.part("text/html") {
            for piece in html.split("href=\"").skip(1) {
                links.push(herald::spotlights::render::unescape_attribute(piece.split('"').next().unwrap()));
            }
            for piece in html.split("src=\"").skip(1) {
                links.push(piece.split('"').next().unwrap().to_owned());
            }
        }
        if let Some(text) = self.part("text/plain") {
            for word in text.split_whitespace() {
                if let Some(at) = word.find("http") {
                    links.push(word[at..].trim_end_matches(['.', ',', ')']).to_owned());
                }
            }
        }
        links
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
