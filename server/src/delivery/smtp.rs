//! SMTP delivery with lettre's async client: one connection per sender task,
//! kept open between messages, with STARTTLS, implicit TLS and AUTH as the
//! URL asks. lettre's pooled `AsyncSmtpTransport` sends a message in one
//! call, which hides the end-of-data moment the exactly-once gate needs, so
//! Herald drives lettre's `AsyncSmtpConnection` itself.
// lettre marks `AsyncNetworkStream` deprecated as public API, but it is how
// its own TLS is put over a socket we provide (implicit TLS over the gate).
#![allow(deprecated)]

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncNetworkStream, AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use lettre::transport::smtp::Error;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};
use url::Url;

use super::gate::{Commit, Gate, GatedBody, GatedStream, Journal};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// No TLS (a relay on the same host or network).
    None,
    /// STARTTLS when the server offers it.
    Opportunistic,
    /// STARTTLS, or no delivery.
    Required,
    /// TLS from the first byte (smtps://, usually port 465).
    Implicit,
}

#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<Credentials>,
    pub hello: ClientId,
    /// An extra trusted certificate authority, PEM.
    pub root_certificate: Option<Vec<u8>>,
}

impl SmtpSettings {
    /// `smtp://[user:pass@]host[:port][?tls=none|opportunistic|required]` or `smtps://…`.
    pub fn from_url(url: &Url) -> anyhow::Result<SmtpSettings> {
        let host = url.host_str().ok_or_else(|| anyhow::anyhow!("the SMTP URL has no host"))?.to_owned();
        let tls = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", _) => Security::Implicit,
            (_, Some("required")) => Security::Required,
            (_, Some("none")) => Security::None,
            (_, None | Some("opportunistic")) => Security::Opportunistic,
            (_, Some(other)) => anyhow::bail!("unknown tls={other} in the SMTP URL; use none, opportunistic or required"),
        };
        let port = url.port().unwrap_or(if security == Security::Implicit { 465 } else { 25 });
        let decode = |s: &str| percent_decode(s);
        let credentials = (!url.username().is_empty())
            .then(|| Credentials::new(decode(url.username()), decode(url.password().unwrap_or(""))));
        Ok(SmtpSettings { host, port, security, credentials, hello: ClientId::default(), root_certificate: None })
    }

    /// Trusts the PEM certificate authority in `path` as well as the system's.
    pub fn with_root_certificate(mut self, path: &std::path::Path) -> anyhow::Result<SmtpSettings> {
        let pem = std::fs::read(path).map_err(|err| anyhow::anyhow!("reading smtp_ca_file {}: {err}", path.display()))?;
        Certificate::from_pem(&pem).map_err(|err| anyhow::anyhow!("smtp_ca_file {} is not a PEM certificate: {err}", path.display()))?;
        self.root_certificate = Some(pem);
        Ok(self)
    }

    fn tls(&self) -> Result<TlsParameters, Error> {
        let mut builder = TlsParameters::builder(self.host.clone());
        if let Some(pem) = &self.root_certificate {
            builder = builder.add_root_certificate(Certificate::from_pem(pem)?);
        }
        builder.build()
    }

    /// Opens a connection whose socket writes pass through `gate`.
    pub async fn connect(&self, gate: Gate) -> Result<AsyncSmtpConnection, SendError> {
        let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((self.host.as_str(), self.port)))
            .await
            .map_err(|_| io_error("timed out connecting to the SMTP server"))?
            .map_err(io_error)?;
        let _ = tcp.set_nodelay(true);
        let gated = GatedStream::new(tcp, gate);
        let mut connection = if self.security == Security::Implicit {
            #[allow(deprecated)]
            let mut stream = AsyncNetworkStream::use_existing_tokio1(Box::new(gated));
            stream.upgrade_tls(self.tls()?).await?;
            AsyncSmtpConnection::connect_with_transport(Box::new(TlsStream(stream.compat())), &self.hello).await?
        } else {
            AsyncSmtpConnection::connect_with_transport(Box::new(gated), &self.hello).await?
        };
        match self.security {
            Security::Required | Security::Opportunistic if connection.can_starttls() => connection.starttls(self.tls()?, &self.hello).await?,
            Security::Required => return Err(io_error("the SMTP server does not offer STARTTLS, and the URL requires it")),
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            connection.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await?;
        }
        Ok(connection)
    }
}

/// Why a message did not go out, as the retry policy needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// Worth retrying: 4xx replies, lost connections, timeouts.
    Transient(String),
    /// The server said no for good (5xx); the reply is kept.
    Permanent(String),
}

impl SendError {
    pub fn message(&self) -> &str {
        match self {
            SendError::Transient(m) | SendError::Permanent(m) => m,
        }
    }
}

impl From<Error> for SendError {
    fn from(err: Error) -> Self {
        if err.is_permanent() { SendError::Permanent(err.to_string()) } else { SendError::Transient(err.to_string()) }
    }
}

fn io_error(message: impl std::fmt::Display) -> SendError {
    SendError::Transient(message.to_string())
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Whether the server takes pipelined commands (RFC 2920). lettre keeps only
/// the EHLO keywords it uses, so Herald asks once per connection.
pub async fn supports_pipelining(connection: &mut AsyncSmtpConnection, hello: &ClientId) -> bool {
    match connection.command(Ehlo::new(hello.clone())).await {
        Ok(reply) => reply.message().any(|line| line.split_whitespace().next().is_some_and(|k| k.eq_ignore_ascii_case("PIPELINING"))),
        Err(_) => false,
    }
}

/// MAIL, every RCPT and DATA written at once, for servers that pipeline.
struct Envelope3<'a> {
    mail: Mail,
    rcpts: &'a [Rcpt],
}

impl std::fmt::Display for Envelope3<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.mail)?;
        for rcpt in self.rcpts {
            write!(f, "{rcpt}")?;
        }
        write!(f, "{Data}")
    }
}

/// Sends one message; `commit` and `journal` run just before the final dot (see [`super::gate`]).
pub async fn send(
    connection: &mut AsyncSmtpConnection,
    pipelining: bool,
    gate: &Gate,
    envelope: &Envelope,
    body: &[u8],
    commit: Commit,
    journal: Journal,
) -> Result<Response, SendError> {
    let mut parameters = vec![];
    if !body.is_ascii() {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let mail = Mail::new(envelope.from().cloned(), parameters);
    let rcpts: Vec<Rcpt> = envelope.to().iter().map(|to| Rcpt::new(to.clone(), vec![])).collect();
    // The handover commit runs while the envelope is exchanged; the dot still
    // waits for it at the gate. If the envelope is refused, the caller puts
    // the message back whether or not the commit has landed.
    let handover = tokio::spawn(commit);
    if pipelining {
        // One write, then one reply per command; any refusal ends the connection (the caller aborts it).
        connection.command(Envelope3 { mail, rcpts: &rcpts }).await?;
        for _ in &rcpts {
            connection.read_response().await?;
        }
        connection.read_response().await?;
    } else {
        connection.command(mail).await?;
        for rcpt in rcpts {
            connection.command(rcpt).await?;
        }
        connection.command(Data).await?;
    }
    let handed_over: Commit = Box::pin(async move { handover.await.map_err(|err| err.to_string())? });
    gate.prepare(handed_over, journal);
    Ok(connection.message_iter(GatedBody::new(body, gate)).await?)
}

/// lettre's TLS stream (over the gated socket) seen as a tokio stream, so it
/// can be handed back to lettre for implicit TLS.
#[derive(Debug)]
struct TlsStream(Compat<AsyncNetworkStream>);

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().peer_addr()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for GatedStream<TcpStream> {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.get_ref().peer_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_security_port_and_credentials() {
        let plain = SmtpSettings::from_url(&Url::parse("smtp://127.0.0.1:2525?tls=none").unwrap()).unwrap();
        assert_eq!((plain.security, plain.port), (Security::None, 2525));
        let relay = SmtpSettings::from_url(&Url::parse("smtp://hr%40example.com:p%2Bss@mail.example.com").unwrap()).unwrap();
        assert_eq!((relay.security, relay.port), (Security::Opportunistic, 25));
        assert!(relay.credentials.is_some());
        let tls = SmtpSettings::from_url(&Url::parse("smtps://mail.example.com").unwrap()).unwrap();
        assert_eq!((tls.security, tls.port), (Security::Implicit, 465));
        assert!(SmtpSettings::from_url(&Url::parse("smtp://h?tls=maybe").unwrap()).is_err());
    }
}
