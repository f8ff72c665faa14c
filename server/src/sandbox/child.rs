//! The sandbox process itself (`herald sandbox`): it lowers its own memory
//! limit, then answers one JSON job per line of standard input with one JSON
//! reply per line of standard output, until its input ends.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

use super::{wire, Job, Part, Reply, TemplateKey};
use crate::library::extract;
use crate::spotlights::render::{EmailTemplate, RenderedEmail};

/// Compiled templates kept between jobs: a blast renders the same one for every recipient.
pub const CACHED_TEMPLATES: usize = 8;

#[derive(Default)]
pub struct TemplateCache {
    entries: Vec<(TemplateKey, EmailTemplate)>,
}

enum Missing {
    /// Named by key only, and not held: the server sends the sources again.
    Unknown,
    Invalid(Vec<String>),
}

impl TemplateCache {
    fn get(&mut self, part: &Part) -> Result<&EmailTemplate, Missing> {
        if let Some(index) = self.entries.iter().position(|(key, _)| *key == part.key) {
            return Ok(&self.entries[index].1);
        }
        let Some(sources) = &part.sources else { return Err(Missing::Unknown) };
        let compiled = if sources.strict {
            EmailTemplate::compile_strict(&sources.subject, &sources.html, &sources.text)
        } else {
            EmailTemplate::compile(&sources.subject, &sources.html, &sources.text)
        };
        let template = compiled.map_err(Missing::Invalid)?;
        // Oldest out first; the server's pool mirrors this order to guess what a child holds.
        if self.entries.len() >= CACHED_TEMPLATES {
            self.entries.remove(0);
        }
        self.entries.push((part.key, template));
        Ok(&self.entries.last().expect("just pushed").1)
    }

    fn render(&mut self, part: &Part, context: &serde_json::Value) -> Result<RenderedEmail, Reply> {
        match self.get(part) {
            Ok(template) => template.render(&wire::from_json(context)).map_err(|error| Reply::RenderFailed(vec![error])),
            Err(Missing::Unknown) => Err(Reply::UnknownTemplate),
            Err(Missing::Invalid(errors)) => Err(Reply::RenderFailed(errors)),
        }
    }
}

pub fn serve(memory_bytes: u64) -> anyhow::Result<ExitCode> {
    // Address space already mapped (the binary, libraries) is counted too, so
    // the limit is what is mapped now plus the budget; never above a limit
    // the server itself runs under. (The pool starts children with mimalloc's
    // up-front arena turned off, so nothing large is mapped yet.)
    let mapped = mapped_bytes().unwrap_or(0);
    let inherited = getrlimit(Resource::As).maximum;
    let wanted = (mapped + memory_bytes).min(inherited.unwrap_or(u64::MAX));
    setrlimit(Resource::As, Rlimit { current: Some(wanted), maximum: Some(wanted) }).context("setting the sandbox's memory limit")?;
    let mut cache = TemplateCache::default();
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let job: Job = serde_json::from_str(&line?).context("reading a sandbox job")?;
        serde_json::to_writer(&mut out, &handle(job, &mut cache))?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Does one job; also what the server runs in-process when it has no sandbox binary.
pub fn handle(job: Job, cache: &mut TemplateCache) -> Reply {
    match job {
        Job::Render { template, personal_subject, mut context } => {
            if let Some(subject) = personal_subject {
                match cache.render(&subject, &context) {
                    Ok(personal) => {
                        if let Some(announcement) = context.get_mut("announcement").and_then(|a| a.as_object_mut()) {
                            announcement.insert("subject".into(), serde_json::Value::String(personal.subject));
                        }
                    }
                    Err(reply) => return reply,
                }
            }
            match cache.render(&template, &context) {
                Ok(email) => Reply::Rendered(email),
                Err(reply) => reply,
            }
        }
        Job::Extract { kind, path } => match std::fs::read(&path) {
            Ok(bytes) => match extract::extract_text(kind, &bytes) {
                Ok(text) => Reply::Extracted(text),
                Err(reason) => Reply::ExtractFailed(reason),
            },
            Err(err) => Reply::ExtractFailed(format!("The stored file could not be read: {err}")),
        },
    }
}

/// The process's mapped address space, from /proc/self/statm (pages).
fn mapped_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::Template;
    use serde_json::json;

    fn render(template: &Template, with_sources: bool, cache: &mut TemplateCache) -> Reply {
        let context = json!({ "recipient": { "first_name": "Emma" }, "announcement": { "title": "T", "subject": "Dental" } });
        handle(Job::Render { template: template.part(!with_sources), personal_subject: None, context }, cache)
    }

    #[test]
    fn a_template_is_sent_once_and_then_named_by_its_key() {
        let template = Template::new("{{ announcement.subject }}", "<p>Hi {{ recipient.first_name }}</p>", "Hi", false);
        let mut cache = TemplateCache::default();
        assert!(matches!(render(&template, false, &mut cache), Reply::UnknownTemplate));
        assert!(matches!(render(&template, true, &mut cache), Reply::Rendered(ref email) if email.subject == "Dental"));
        assert!(matches!(render(&template, false, &mut cache), Reply::Rendered(ref email) if email.html == "<p>Hi Emma</p>"));
    }

    #[test]
    fn the_oldest_template_is_let_go_first() {
        let mut cache = TemplateCache::default();
        let templates: Vec<_> = (0..=CACHED_TEMPLATES).map(|n| Template::new(&format!("s{n}"), "h", "t", false)).collect();
        for template in &templates {
            assert!(matches!(render(template, true, &mut cache), Reply::Rendered(_)));
        }
        assert!(matches!(render(&templates[0], false, &mut cache), Reply::UnknownTemplate));
        assert!(matches!(render(&templates[CACHED_TEMPLATES], false, &mut cache), Reply::Rendered(_)));
    }

    #[test]
    fn a_personal_subject_is_rendered_first_and_given_to_the_template() {
        let subject = Template::subject("News for {{ recipient.first_name }}");
        let template = Template::new("[HR] {{ announcement.subject }}", "<h1>{{ announcement.subject }}</h1>", "{{ announcement.title }}", false);
        let context = json!({ "recipient": { "first_name": "<Emma>" }, "announcement": { "title": "T", "subject": "unused" } });
        let job = Job::Render { template: template.part(false), personal_subject: Some(subject.part(false)), context };
        match handle(job, &mut TemplateCache::default()) {
            Reply::Rendered(email) => {
                assert_eq!(email.subject, "[HR] News for <Emma>");
                assert_eq!(email.html, "<h1>News for &lt;Emma&gt;</h1>");
                assert_eq!(email.text, "T");
            }
            other => panic!("not rendered: {other:?}"),
        }
    }
}
