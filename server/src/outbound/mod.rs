//! Every request Herald makes to another server (webhooks, social
//! destinations) goes through here, so that an address typed by an admin
//! cannot make Herald reach into its own network (SSRF).
//!
//! - [`address`] says which addresses are internal: loopback, private,
//!   link-local (cloud metadata), carrier-grade NAT, unique-local, multicast,
//!   broadcast and the other special ranges, in every notation (the `url`
//!   crate turns `2130706433`, `127.1`, `0x7f000001` and `0177.0.0.1` into
//!   `127.0.0.1`; IPv4-mapped and NAT64 IPv6 are read as the IPv4 inside).
//! - [`resolver`] checks every address a host name resolves to *when the
//!   connection is made*, so a name that resolved to a public address when
//!   the webhook was registered cannot later be pointed at an internal one.
//! - URLs whose host is an address literal skip DNS; [`Guard::check_url`]
//!   checks them before each request and on every redirect hop.
//!
//! An operator who really wants Herald to call an internal service lists its
//! network in `outbound_allow` (herald.toml) or `HERALD_OUTBOUND_ALLOW`.
//! Answers are kept only as a short status line ([`status_line`]), never
//! their body: an internal answer shown to the admin would be the leak.

pub mod address;
pub mod resolver;

use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use url::{Host, Url};

/// The longest status or error line kept from an outbound request.
pub const MAX_LINE: usize = 200;

/// Which internal networks the operator allows outbound requests to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guard {
    allow: Arc<Vec<IpNet>>,
}

impl Guard {
    pub fn new(allow: Vec<IpNet>) -> Guard {
        Guard { allow: Arc::new(allow) }
    }

    /// Whether Herald may connect to `ip`.
    pub fn permits(&self, ip: std::net::IpAddr) -> bool {
        address::permitted(ip, &self.allow)
    }

    /// Checks the scheme and, when the host is an address literal, the address.
    /// Host names are checked when they are resolved (see [`resolver`]).
    pub fn check_url(&self, url: &Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("only http:// and https:// addresses are called, not {}:", url.scheme()));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => ip.into(),
            Some(Host::Ipv6(ip)) => ip.into(),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err("the address names no host".into()),
        };
        if self.permits(ip) { Ok(()) } else { Err(refusal(&ip.to_string())) }
    }

    /// [`Guard::check_url`], and for a host name every address it resolves to
    /// now: for a clear message when a webhook is registered. The connection
    /// is checked again whatever this says.
    pub async fn check_url_now(&self, url: &Url) -> Result<(), String> {
        self.check_url(url)?;
        let Some(Host::Domain(name)) = url.host() else { return Ok(()) };
        let port = url.port_or_known_default().unwrap_or(443);
        // A name that does not resolve (yet) is not refused here: it may be
        // an address of the future receiver. Connecting checks it.
        let Ok(found) = tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((name, port))).await else { return Ok(()) };
        let Ok(addresses) = found else { return Ok(()) };
        match addresses.map(|addr| addr.ip()).find(|ip| !self.permits(*ip)) {
            Some(ip) => Err(format!("{name} resolves to {ip}: {}", refusal_reason())),
            None => Ok(()),
        }
    }

    /// An HTTP client whose every connection is checked: names through the
    /// guarded resolver, redirects (when `follow_redirects`, at most 5) hop by
    /// hop, and no proxy from the environment (it would resolve for us).
    pub fn client(&self, timeout: Duration, follow_redirects: bool) -> reqwest::Result<reqwest::Client> {
        let redirects = if follow_redirects {
            let guard = self.clone();
            reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 {
                    return attempt.error("too many redirects");
                }
                match guard.check_url(attempt.url()) {
                    Ok(()) => attempt.follow(),
                    Err(refused) => attempt.error(format!("redirect refused: {refused}")),
                }
            })
        } else {
            reqwest::redirect::Policy::none()
        };
        reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .no_proxy()
            .redirect(redirects)
            .dns_resolver(Arc::new(resolver::GuardedResolver::new(self.clone())))
            .user_agent(concat!("Herald/", env!("CARGO_PKG_VERSION")))
            .build()
    }
}

fn refusal_reason() -> &'static str {
    "Herald does not call loopback, private, link-local, unique-local or other internal addresses \
     unless the operator allows that network in outbound_allow (HERALD_OUTBOUND_ALLOW)"
}

pub(crate) fn refusal(what: &str) -> String {
    format!("{what} is an internal address: {}", refusal_reason())
}

/// "HTTP 500 Internal Server Error": what is kept of an answer.
pub fn status_line(status: reqwest::StatusCode) -> String {
    bounded_line(&format!("HTTP {} {}", status.as_u16(), status.canonical_reason().unwrap_or_default()))
}

/// One line of at most [`MAX_LINE`] characters, without control characters.
pub fn bounded_line(text: &str) -> String {
    let cleaned: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_LINE).collect()
}

/// A failed request with its causes ("connection refused", "internal
/// address"), bounded: for the admin, never the answer's body.
pub fn describe(err: &reqwest::Error, timeout: Duration) -> String {
    if err.is_timeout() {
        return format!("no answer within {} seconds", timeout.as_secs());
    }
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    bounded_line(&message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_are_short_single_lines() {
        assert_eq!(status_line(reqwest::StatusCode::INTERNAL_SERVER_ERROR), "HTTP 500 Internal Server Error");
        assert_eq!(status_line(reqwest::StatusCode::from_u16(599).unwrap()), "HTTP 599");
        assert_eq!(bounded_line("a\r\nb\tc\u{1b}[31m"), "a b c [31m");
        assert_eq!(bounded_line(&"x".repeat(5000)).chars().count(), MAX_LINE);
    }

    #[test]
    fn literal_addresses_are_checked_in_every_notation() {
        let guard = Guard::default();
        for url in [
            "http://127.0.0.1/", "http://2130706433/", "http://127.1/", "http://0x7f000001/", "http://0177.0.0.1/", "http://[::1]/",
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://0.0.0.0/", "http://0/", "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/",
            "http://224.0.0.1/", "http://255.255.255.255/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/", "http://[ff02::1]/",
        ] {
            let parsed = Url::parse(url).unwrap();
            assert!(guard.check_url(&parsed).is_err(), "{url} ({:?})", parsed.host());
        }
        assert!(guard.check_url(&Url::parse("https://93.184.215.14/").unwrap()).is_ok());
        assert!(guard.check_url(&Url::parse("https://hooks.example.com/").unwrap()).is_ok(), "names are checked when resolved");
        assert!(guard.check_url(&Url::parse("ftp://93.184.215.14/").unwrap()).is_err());
    }

    #[test]
    fn the_allow_list_opens_only_its_networks() {
        let guard = Guard::new(vec!["127.0.0.1/32".parse().unwrap(), "10.1.0.0/16".parse().unwrap()]);
        assert!(guard.check_url(&Url::parse("http://127.0.0.1:9000/").unwrap()).is_ok());
        assert!(guard.check_url(&Url::parse("http://[::ffff:127.0.0.1]/").unwrap()).is_ok());
        assert!(guard.check_url(&Url::parse("http://10.1.2.3/").unwrap()).is_ok());
        assert!(guard.check_url(&Url::parse("http://10.2.0.1/").unwrap()).is_err());
        assert!(guard.check_url(&Url::parse("http://127.0.0.2/").unwrap()).is_err());
    }
}
