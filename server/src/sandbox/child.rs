//! The sandbox process itself (`herald sandbox`): it lowers its own memory
//! limit, then answers one JSON job per line of standard input with one JSON
//! reply per line of standard output, until its input ends.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

use super::{wire, Job, Reply};
use crate::library::extract;
use crate::spotlights::render::EmailTemplate;

/// Compiled templates kept between jobs: a blast renders the same one for every recipient.
const CACHED_TEMPLATES: usize = 8;

#[derive(Default)]
pub struct TemplateCache {
    entries: Vec<(Job, EmailTemplate)>,
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
        serde_json::to_writer(&mut out, &handle(&job, &mut cache))?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Does one job; also what the server runs in-process when it has no sandbox binary.
pub fn handle(job: &Job, cache: &mut TemplateCache) -> Reply {
    match job {
        Job::Render { context, .. } => {
            let index = match cache.entries.iter().position(|(key, _)| same_template(key, job)) {
                Some(index) => index,
                None => match compile(job) {
                    Ok(template) => {
                        if cache.entries.len() >= CACHED_TEMPLATES {
                            cache.entries.remove(0);
                        }
                        cache.entries.push((without_context(job), template));
                        cache.entries.len() - 1
                    }
                    Err(errors) => return Reply::RenderFailed(errors),
                },
            };
            match cache.entries[index].1.render(&wire::from_json(context)) {
                Ok(email) => Reply::Rendered(email),
                Err(error) => Reply::RenderFailed(vec![error]),
            }
        }
        Job::Extract { kind, path } => match std::fs::read(path) {
            Ok(bytes) => match extract::extract_text(*kind, &bytes) {
                Ok(text) => Reply::Extracted(text),
                Err(reason) => Reply::ExtractFailed(reason),
            },
            Err(err) => Reply::ExtractFailed(format!("The stored file could not be read: {err}")),
        },
    }
}

fn compile(job: &Job) -> Result<EmailTemplate, Vec<String>> {
    let Job::Render { subject, html, text, strict, .. } = job else { return Err(vec![]) };
    if *strict { EmailTemplate::compile_strict(subject, html, text) } else { EmailTemplate::compile(subject, html, text) }
}

fn without_context(job: &Job) -> Job {
    match job {
        Job::Render { subject, html, text, strict, .. } => {
            Job::Render { subject: subject.clone(), html: html.clone(), text: text.clone(), strict: *strict, context: serde_json::Value::Null }
        }
        other => other.clone(),
    }
}

fn same_template(cached: &Job, job: &Job) -> bool {
    match (cached, job) {
        (Job::Render { subject: a, html: b, text: c, strict: d, .. }, Job::Render { subject: e, html: f, text: g, strict: h, .. }) => {
            a == e && b == f && c == g && d == h
        }
        _ => false,
    }
}

/// The process's mapped address space, from /proc/self/statm (pages).
fn mapped_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
    Some(pages * 4096)
}
