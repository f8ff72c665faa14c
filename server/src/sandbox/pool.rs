//! The sandbox children: a few long-lived `herald sandbox` processes, each
//! doing one job at a time; one that dies or overruns is replaced.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{child, Reply, TemplateKey, Work};

/// Children at once: renders of a blast run on several senders.
const CHILDREN: usize = 4;
/// The longest reply read back: an email's parts are at most 1 MB each, a
/// file's text 1 MB, and JSON may escape every byte of it.
const MAX_REPLY_BYTES: u64 = 24 * 1024 * 1024;

/// The children talk over plain blocking pipes on the blocking pool rather
/// than through an async runtime's reactor: the pool outlives any one
/// runtime (the test suite starts a runtime per test), and a pipe or a wait
/// registered with a runtime that has ended would never finish.
pub struct Pool {
    program: Option<PathBuf>,
    slots: Vec<Arc<Slot>>,
    next: AtomicUsize,
}

struct Slot {
    worker: Mutex<Option<Worker>>,
    /// The pid of the child doing a job now (0 when idle), so an overrun can be ended from outside.
    busy_pid: AtomicI32,
}

struct Worker {
    process: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// The templates this child was sent, oldest first, as its cache keeps them.
    sent: Vec<TemplateKey>,
}

impl Worker {
    fn knows(&self, key: TemplateKey) -> bool {
        self.sent.contains(&key)
    }

    fn remember(&mut self, key: TemplateKey) {
        if !self.knows(key) {
            if self.sent.len() >= child::CACHED_TEMPLATES {
                self.sent.remove(0);
            }
            self.sent.push(key);
        }
    }
}

impl Pool {
    pub fn from_environment() -> Pool {
        let program = locate_program();
        match &program {
            Some(path) => tracing::debug!(program = %path.display(), "sandbox children will run this program"),
            None => tracing::warn!("no herald binary found for the sandbox; templates and uploads are processed in-process"),
        }
        let slots = (0..CHILDREN).map(|_| Arc::new(Slot { worker: Mutex::new(None), busy_pid: AtomicI32::new(0) })).collect();
        Pool { program, slots, next: AtomicUsize::new(0) }
    }

    pub async fn run(&self, work: Work, timeout: Duration) -> Result<Reply, String> {
        let Some(program) = self.program.clone() else {
            let done = tokio::task::spawn_blocking(move || child::handle(work.job(|_| false), &mut child::TemplateCache::default()));
            return done.await.map_err(|_| "it failed".to_owned());
        };
        let slot = self.slots[self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len()].clone();
        let working = slot.clone();
        let exchange = tokio::task::spawn_blocking(move || working.exchange(&program, &work));
        match tokio::time::timeout(timeout, exchange).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err("it failed".to_owned()),
            Err(_) => {
                // Ending the child ends its blocked read; the slot starts a new one next time.
                let pid = slot.busy_pid.load(Ordering::Acquire);
                if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                }
                tracing::warn!(seconds = timeout.as_secs(), "a sandbox job overran its time and its child was ended");
                Err(format!("it took longer than {} seconds", timeout.as_secs()))
            }
        }
    }
}

impl Slot {
    /// Runs one job on this slot's child (started if needed), on a blocking thread.
    fn exchange(&self, program: &Path, work: &Work) -> Result<Reply, String> {
        let mut held = self.worker.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut worker = match held.take() {
            Some(worker) => worker,
            None => spawn(program).map_err(|err| format!("the sandbox could not start ({err})"))?,
        };
        self.busy_pid.store(worker.process.id() as i32, Ordering::Release);
        let mut reply = talk(&mut worker, work, false);
        if matches!(reply, Some(Reply::UnknownTemplate)) {
            // The child let a template go that we thought it held: send everything.
            reply = talk(&mut worker, work, true);
        }
        if reply.is_some() {
            for key in work.templates() {
                worker.remember(key);
            }
        }
        self.busy_pid.store(0, Ordering::Release);
        match reply {
            Some(reply) => {
                *held = Some(worker);
                Ok(reply)
            }
            None => {
                let _ = worker.process.kill();
                let status = worker.process.wait().ok();
                tracing::warn!(?status, "a sandbox child stopped during a job; it is replaced");
                Err(format!("it needed more than the {} MB of memory it may use", super::memory_bytes() / (1024 * 1024)))
            }
        }
    }
}

/// Sends one job (templates by key where the child has them, unless `in_full`)
/// and reads its one-line reply; `None` when the child is gone or says more
/// than a reply may be.
fn talk(worker: &mut Worker, work: &Work, in_full: bool) -> Option<Reply> {
    let line = serde_json::to_vec(&work.job(|key| !in_full && worker.knows(key))).ok()?;
    worker.stdin.write_all(&line).ok()?;
    worker.stdin.write_all(b"\n").ok()?;
    worker.stdin.flush().ok()?;
    let mut reply = Vec::new();
    (&mut worker.stdout).take(MAX_REPLY_BYTES).read_until(b'\n', &mut reply).ok()?;
    if reply.last() != Some(&b'\n') {
        return None;
    }
    serde_json::from_slice(&reply).ok()
}

fn spawn(program: &Path) -> std::io::Result<Worker> {
    let mut process = Command::new(program)
        .arg("sandbox")
        // mimalloc otherwise maps a 1 GiB arena at start, which the address-space
        // limit would count but not stop the child from filling.
        .env("MIMALLOC_ARENA_RESERVE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let (Some(stdin), Some(stdout)) = (process.stdin.take(), process.stdout.take()) else {
        return Err(std::io::Error::other("the sandbox's pipes were not opened"));
    };
    Ok(Worker { process, stdin, stdout: BufReader::new(stdout), sent: Vec::new() })
}

/// `HERALD_SANDBOX_BIN`, else this program when it is `herald`, else a
/// `herald` beside it or one folder up (how cargo lays out test binaries).
fn locate_program() -> Option<PathBuf> {
    // The library's own unit tests have no up-to-date herald binary to trust.
    if cfg!(test) {
        return None;
    }
    if let Some(path) = std::env::var_os("HERALD_SANDBOX_BIN") {
        return Some(PathBuf::from(path));
    }
    let current = std::env::current_exe().ok()?;
    if current.file_stem().is_some_and(|stem| stem == "herald") {
        return Some(current);
    }
    let dir = current.parent()?;
    [dir.join("herald"), dir.parent()?.join("herald")].into_iter().find(|path| path.is_file())
}
