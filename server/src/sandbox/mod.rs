//! Work on hostile input in child processes: rendering the email templates HR
//! writes and extracting text from uploaded files. Fuel and parser limits
//! count steps, not bytes, so a template or a 16 KB PDF could still ask for
//! gigabytes; in a child (`herald sandbox`) with its own address-space limit
//! and a wall-clock timeout, the worst it can do is end that child, and the
//! job fails with a reason while the server carries on.
//!
//! The children are the Herald binary itself: `current_exe()` when running as
//! `herald`, else a `herald` next to the running program (`target/debug/herald`
//! for the test binaries), or `HERALD_SANDBOX_BIN`. Without one (unit tests
//! of the library) jobs run in-process, bounded only by the parsers' limits.

pub mod child;
mod pool;
pub mod wire;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use minijinja::Value;
use serde::{Deserialize, Serialize};

use crate::library::extract::FileKind;
use crate::spotlights::render::RenderedEmail;

/// The address space a sandbox child may add to what it maps at start.
pub const DEFAULT_MEMORY_MB: u64 = 512;
/// The longest one render may take (fuel stops loops long before).
const RENDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one file's text extraction may take.
const EXTRACT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Job {
    Render { subject: String, html: String, text: String, strict: bool, context: serde_json::Value },
    Extract { kind: FileKind, path: PathBuf },
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    Rendered(RenderedEmail),
    RenderFailed(Vec<String>),
    Extracted(String),
    ExtractFailed(String),
}

fn sandbox() -> &'static pool::Pool {
    static POOL: OnceLock<pool::Pool> = OnceLock::new();
    POOL.get_or_init(pool::Pool::from_environment)
}

/// The memory budget of a child, from `HERALD_SANDBOX_MEMORY_MB`.
pub fn memory_bytes() -> u64 {
    let mb = std::env::var("HERALD_SANDBOX_MEMORY_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_MEMORY_MB);
    mb * 1024 * 1024
}

/// Renders an email template's three parts with `context`; `strict` fails on
/// unknown variables. Errors are sentences for HR.
pub async fn render(subject: &str, html: &str, text: &str, strict: bool, context: &Value) -> Result<RenderedEmail, Vec<String>> {
    let job = Job::Render { subject: subject.into(), html: html.into(), text: text.into(), strict, context: wire::to_json(context) };
    match sandbox().run(job, RENDER_TIMEOUT).await {
        Ok(Reply::Rendered(email)) => Ok(email),
        Ok(Reply::RenderFailed(errors)) => Err(errors),
        Ok(_) => Err(vec!["The template could not be rendered.".into()]),
        Err(stopped) => Err(vec![format!("The template was stopped: {stopped}. Simplify it (no large repetitions or very long loops).")]),
    }
}

/// The text of a stored file for the search index, or why there is none.
pub async fn extract_text(kind: FileKind, path: PathBuf) -> Result<String, String> {
    match sandbox().run(Job::Extract { kind, path }, EXTRACT_TIMEOUT).await {
        Ok(Reply::Extracted(text)) => Ok(text),
        Ok(Reply::ExtractFailed(reason)) => Err(reason),
        Ok(_) => Err("The text could not be read.".into()),
        Err(stopped) => Err(format!("Reading its text was stopped: {stopped}.")),
    }
}
