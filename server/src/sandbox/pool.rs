//! The sandbox children: a few long-lived `herald sandbox` processes, each
//! doing one job at a time; one that dies or overruns is replaced.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

use super::{child, Job, Reply};

/// Children at once: renders of a blast run on several senders.
const CHILDREN: usize = 4;
/// The longest reply read back: an email's parts are at most 1 MB each, a
/// file's text 1 MB, and JSON may escape every byte of it.
const MAX_REPLY_BYTES: u64 = 24 * 1024 * 1024;

pub struct Pool {
    program: Option<PathBuf>,
    slots: Vec<Mutex<Option<Worker>>>,
    next: AtomicUsize,
}

struct Worker {
    process: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Pool {
    pub fn from_environment() -> Pool {
        let program = locate_program();
        match &program {
            Some(path) => tracing::debug!(program = %path.display(), "sandbox children will run this program"),
            None => tracing::warn!("no herald binary found for the sandbox; templates and uploads are processed in-process"),
        }
        Pool { program, slots: (0..CHILDREN).map(|_| Mutex::new(None)).collect(), next: AtomicUsize::new(0) }
    }

    pub async fn run(&self, job: Job, timeout: Duration) -> Result<Reply, String> {
        let Some(program) = &self.program else {
            let done = tokio::task::spawn_blocking(move || child::handle(&job, &mut child::TemplateCache::default()));
            return done.await.map_err(|_| "it failed".to_owned());
        };
        let slot = &self.slots[self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len()];
        let mut held = slot.lock().await;
        let mut worker = match held.take() {
            Some(worker) => worker,
            None => spawn(program).map_err(|err| format!("the sandbox could not start ({err})"))?,
        };
        let line = serde_json::to_vec(&job).map_err(|err| err.to_string())?;
        match tokio::time::timeout(timeout, exchange(&mut worker, &line)).await {
            Ok(Ok(reply)) => {
                *held = Some(worker);
                Ok(reply)
            }
            Ok(Err(())) => {
                let status = worker.process.wait().await.ok();
                tracing::warn!(?status, "a sandbox child stopped during a job; it is replaced");
                Err(format!("it needed more than the {} MB of memory it may use", super::memory_bytes() / (1024 * 1024)))
            }
            Err(_) => {
                let _ = worker.process.kill().await;
                tracing::warn!(seconds = timeout.as_secs(), "a sandbox job overran its time and its child was ended");
                Err(format!("it took longer than {} seconds", timeout.as_secs()))
            }
        }
    }
}

/// Sends one job and reads its one-line reply; `Err` when the child is gone
/// or says more than a reply may be.
async fn exchange(worker: &mut Worker, line: &[u8]) -> Result<Reply, ()> {
    worker.stdin.write_all(line).await.map_err(|_| ())?;
    worker.stdin.write_all(b"\n").await.map_err(|_| ())?;
    worker.stdin.flush().await.map_err(|_| ())?;
    let mut reply = Vec::new();
    (&mut worker.stdout).take(MAX_REPLY_BYTES).read_until(b'\n', &mut reply).await.map_err(|_| ())?;
    if reply.last() != Some(&b'\n') {
        return Err(());
    }
    serde_json::from_slice(&reply).map_err(|_| ())
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
        .kill_on_drop(true)
        .spawn()?;
    let (Some(stdin), Some(stdout)) = (process.stdin.take(), process.stdout.take()) else {
        return Err(std::io::Error::other("the sandbox's pipes were not opened"));
    };
    Ok(Worker { process, stdin, stdout: BufReader::new(stdout) })
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
