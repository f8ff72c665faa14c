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
mod template;
pub mod wire;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use minijinja::Value;
use serde::{Deserialize, Serialize};

use crate::library::extract::FileKind;
use crate::spotlights::render::RenderedEmail;
pub use template::{Part, Sources, Template, TemplateKey};

/// The address space a sandbox child may add to what it maps at start.
pub const DEFAULT_MEMORY_MB: u64 = 512;
/// The longest one render may take (fuel stops loops long before).
const RENDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one file's text extraction may take.
const EXTRACT_TIMEOUT: Duration = Duration::from_secs(30);

/// One job as a child reads it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Job {
    /// `personal_subject`, when there is one, is rendered first and its subject
    /// given to the template as `announcement.subject` (an announcement's own
    /// subject may use the template's placeholders): one exchange per email.
    Render { template: Part, personal_subject: Option<Part>, context: serde_json::Value },
    Extract { kind: FileKind, path: PathBuf },
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    Rendered(RenderedEmail),
    RenderFailed(Vec<String>),
    Extracted(String),
    ExtractFailed(String),
    /// The job named a template by key that this child does not hold (any more): send its sources.
    UnknownTemplate,
}

/// A job before it is written for one child: templates go by key to a child
/// that already has them.
#[derive(Clone, Debug)]
pub enum Work {
    Render { template: Template, personal_subject: Option<Template>, context: serde_json::Value },
    Extract { kind: FileKind, path: PathBuf },
}

impl Work {
    pub fn job(&self, child_knows: impl Fn(TemplateKey) -> bool) -> Job {
        match self {
            Work::Render { template, personal_subject, context } => Job::Render {
                template: template.part(child_knows(template.key())),
                personal_subject: personal_subject.as_ref().map(|subject| subject.part(child_knows(subject.key()))),
                context: context.clone(),
            },
            Work::Extract { kind, path } => Job::Extract { kind: *kind, path: path.clone() },
        }
    }

    pub fn templates(&self) -> impl Iterator<Item = TemplateKey> + '_ {
        let (first, second) = match self {
            Work::Render { template, personal_subject, .. } => (Some(template), personal_subject.as_ref()),
            Work::Extract { .. } => (None, None),
        };
        first.into_iter().chain(second).map(Template::key)
    }
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

/// Renders an email template's three parts with `context`. Errors are sentences for HR.
pub async fn render(template: &Template, context: &Value) -> Result<RenderedEmail, Vec<String>> {
    run_render(Work::Render { template: template.clone(), personal_subject: None, context: wire::to_json(context) }).await
}

/// Renders `personal_subject` with `context`, then `template` with that subject as `announcement.subject`.
pub async fn render_with_subject(personal_subject: &Template, template: &Template, context: &Value) -> Result<RenderedEmail, Vec<String>> {
    let work = Work::Render { template: template.clone(), personal_subject: Some(personal_subject.clone()), context: wire::to_json(context) };
    run_render(work).await
}

async fn run_render(work: Work) -> Result<RenderedEmail, Vec<String>> {
    match sandbox().run(work, RENDER_TIMEOUT).await {
        Ok(Reply::Rendered(email)) => Ok(email),
        Ok(Reply::RenderFailed(errors)) => Err(errors),
        Ok(_) => Err(vec!["The template could not be rendered.".into()]),
        Err(stopped) => Err(vec![format!("The template was stopped: {stopped}. Simplify it (no large repetitions or very long loops).")]),
    }
}

/// The text of a stored file for the search index, or why there is none.
pub async fn extract_text(kind: FileKind, path: PathBuf) -> Result<String, String> {
    match sandbox().run(Work::Extract { kind, path }, EXTRACT_TIMEOUT).await {
        Ok(Reply::Extracted(text)) => Ok(text),
        Ok(Reply::ExtractFailed(reason)) => Err(reason),
        Ok(_) => Err("The text could not be read.".into()),
        Err(stopped) => Err(format!("Reading its text was stopped: {stopped}.")),
    }
}
