//! The end-of-data gate: how Herald delivers each message exactly once.
//!
//! An SMTP server takes responsibility for a message when it reads the
//! final `<CRLF>.<CRLF>` of the DATA phase. If Herald died after that but
//! before recording it, a restart would send the message again; if it
//! recorded it before the dot went out, a crash would lose it.
//!
//! So the socket under lettre's SMTP connection is wrapped in a
//! [`GatedStream`]. Just before lettre writes the final dot, the message
//! body iterator [`GatedBody`] arms the gate, and the next write to the
//! socket (the dot, in clear or inside a TLS record) waits for two things:
//!
//! 1. the prepared database commit that moves the message from `sending` to
//!    `handover`, so no other server will ever send it again, and then
//! 2. a synchronous line in this server's local handover journal, written
//!    in the same poll as the dot itself, microseconds before it.
//!
//! After a crash, the restarted server settles its `handover` messages from
//! its journal: listed means the dot was about to be written (sent), absent
//! means it never was (queued again). The window left is the time between
//! two adjacent system calls. If the commit fails (another server took the
//! message over after a lease ran out), the write fails and the SMTP server
//! drops the message.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub type Commit = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
/// Runs synchronously right before the dot is written.
pub type Journal = Box<dyn FnOnce() -> io::Result<()> + Send>;

#[derive(Default)]
struct GateState {
    prepared: Option<Commit>,
    journal: Option<Journal>,
    armed: bool,
    /// The commit ran and succeeded for the current message.
    committed: bool,
}

/// Shared between the stream and the code sending one message at a time.
#[derive(Clone, Default)]
pub struct Gate {
    state: Arc<Mutex<GateState>>,
}

impl Gate {
    /// Sets the commit and journal entry to make before the end of the next message.
    pub fn prepare(&self, commit: Commit, journal: Journal) {
        let mut state = self.lock();
        *state = GateState { prepared: Some(commit), journal: Some(journal), armed: false, committed: false };
    }

    fn arm(&self) {
        self.lock().armed = true;
    }

    /// Whether the current message's commit ran (so it is recorded as sent).
    pub fn committed(&self) -> bool {
        self.lock().committed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Ready when writes may go through; runs the commit when armed.
    fn poll_open(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut state = self.lock();
        if !state.armed {
            return Poll::Ready(Ok(()));
        }
        let Some(commit) = state.prepared.as_mut() else {
            state.armed = false;
            return Poll::Ready(Err(io::Error::other("end of message reached without a prepared commit")));
        };
        match commit.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => {
                state.prepared = None;
                state.armed = false;
                match result {
                    Ok(()) => {
                        state.committed = true;
                        match state.journal.take() {
                            Some(journal) => Poll::Ready(journal()),
                            None => Poll::Ready(Ok(())),
                        }
                    }
                    Err(reason) => Poll::Ready(Err(io::Error::other(format!("message not committed: {reason}")))),
                }
            }
        }
    }
}

/// A socket whose writes wait at the gate.
#[derive(Debug)]
pub struct GatedStream<S> {
    inner: S,
    gate: Gate,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gate")
    }
}

impl<S> GatedStream<S> {
    pub fn new(inner: S, gate: Gate) -> Self {
        GatedStream { inner, gate }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for GatedStream<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for GatedStream<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.gate.poll_open(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_write(cx, buf),
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.gate.poll_open(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The message body for lettre's `message_iter`: yields the body, then arms
/// the gate when lettre asks for more, right before it writes the final dot.
pub struct GatedBody<'a> {
    body: Option<&'a [u8]>,
    gate: &'a Gate,
}

impl<'a> GatedBody<'a> {
    pub fn new(body: &'a [u8], gate: &'a Gate) -> Self {
        GatedBody { body: Some(body), gate }
    }
}

impl<'a> Iterator for GatedBody<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let body = self.body.take();
        if body.is_none() {
            self.gate.arm();
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn the_write_after_arming_waits_for_the_commit() {
        let (client, mut server) = tokio::io::duplex(1024);
        let gate = Gate::default();
        let commits = Arc::new(AtomicUsize::new(0));
        let seen = commits.clone();
        let journaled = Arc::new(AtomicUsize::new(0));
        let noted = journaled.clone();
        gate.prepare(
            Box::pin(async move {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                seen.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }),
            Box::new(move || {
                noted.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }),
        );
        let mut stream = GatedStream::new(client, gate.clone());
        let mut body = GatedBody::new(b"body", &gate);
        stream.write_all(body.next().unwrap()).await.unwrap();
        assert_eq!(commits.load(Ordering::SeqCst), 0, "the body goes out before the commit");
        assert!(body.next().is_none());
        stream.write_all(b"\r\n.\r\n").await.unwrap();
        assert_eq!(commits.load(Ordering::SeqCst), 1, "the dot waited for the commit");
        assert_eq!(journaled.load(Ordering::SeqCst), 1, "and for the journal line");
        assert!(gate.committed());
        let mut received = vec![0u8; 9];
        tokio::io::AsyncReadExt::read_exact(&mut server, &mut received).await.unwrap();
        assert_eq!(&received, b"body\r\n.\r\n");
    }

    #[tokio::test]
    async fn a_failed_commit_keeps_the_dot_from_being_written() {
        let (client, _server) = tokio::io::duplex(1024);
        let gate = Gate::default();
        gate.prepare(Box::pin(async { Err("lease lost".to_owned()) }), Box::new(|| panic!("no journal line without the commit")));
        let mut stream = GatedStream::new(client, gate.clone());
        let mut body = GatedBody::new(b"body", &gate);
        body.next();
        body.next();
        assert!(stream.write_all(b"\r\n.\r\n").await.is_err());
        assert!(!gate.committed());
    }
}
