//! Who is on the other end of a tracked request: a person, or a mail
//! security scanner or link-preview bot fetching links by itself. Every
//! event is kept; this only decides whether it counts in the human figures.
//!
//! Request-level signs are judged here (user agent, HEAD, prefetch headers),
//! each verdict naming the [`Rule`] that decided it. The timing rules need
//! the message's delivery time and other events: see [`super::timing`].

use std::borrow::Cow;

use axum::http::{header, HeaderMap, Method};
use serde::{Deserialize, Serialize};

use super::agents::{self, Recognised};
pub use super::rule::Rule;

/// What the request looks like, stored with the event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// browser, mobile, email-client, image-proxy, automated or unknown.
    #[serde(rename = "c")]
    pub ua_class: Cow<'static, str>,
    #[serde(rename = "a")]
    pub automated: bool,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Cow<'static, str>>,
    /// The rule that decided; none for a person. Click-log lines written
    /// before rules were recorded have none either.
    #[serde(rename = "ru", default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
}

impl Verdict {
    pub fn human(ua_class: &'static str) -> Verdict {
        Verdict { ua_class: Cow::Borrowed(ua_class), automated: false, reason: None, rule: None }
    }

    pub fn automated(rule: Rule, reason: &'static str) -> Verdict {
        Verdict { ua_class: Cow::Borrowed("automated"), automated: true, reason: Some(Cow::Borrowed(reason)), rule: Some(rule) }
    }

    /// An open through a mail provider's image proxy: counted apart, as approximate.
    pub fn approximate(provider: &'static str) -> Verdict {
        Verdict { ua_class: Cow::Borrowed("image-proxy"), automated: false, reason: Some(Cow::Borrowed(provider)), rule: Some(Rule::ImageProxy) }
    }

    /// The same request judged automated by a timing rule.
    pub fn reclassified(&self, rule: Rule, reason: &'static str) -> Verdict {
        Verdict { ua_class: self.ua_class.clone(), automated: true, reason: Some(Cow::Borrowed(reason)), rule: Some(rule) }
    }

    pub fn is_approximate(&self) -> bool {
        super::rule::is_approximate(self.automated, self.rule)
    }
}

/// Judges one request by its method, headers and user agent. `pixel`: the
/// request is for the open image, which mail providers' proxies fetch.
pub fn classify(method: &Method, headers: &HeaderMap, pixel: bool) -> Verdict {
    if method == Method::HEAD {
        return Verdict::automated(Rule::HeadRequest, "head request");
    }
    if is_prefetch(headers) {
        return Verdict::automated(Rule::PrefetchHeader, "prefetch");
    }
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if agent.trim().is_empty() {
        return Verdict::automated(Rule::NoUserAgent, "no user agent");
    }
    match agents::recognise(agent) {
        Some(Recognised::ImageProxy(provider)) if pixel => Verdict::approximate(provider),
        // A proxy's agent following a link is not a person reading.
        Some(Recognised::ImageProxy(_)) => Verdict::automated(Rule::HeraldList, "image proxy"),
        Some(Recognised::Herald(reason)) => Verdict::automated(Rule::HeraldList, reason),
        Some(Recognised::Isbot) => Verdict::automated(Rule::IsbotList, "bot list"),
        None => Verdict::human(agent_class(&agent.to_ascii_lowercase())),
    }
}

fn is_prefetch(headers: &HeaderMap) -> bool {
    ["purpose", "sec-purpose", "x-purpose", "x-moz"].iter().any(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|value| value.to_ascii_lowercase().contains("prefetch") || value.to_ascii_lowercase().contains("preview"))
    })
}

fn agent_class(agent: &str) -> &'static str {
    if agent.contains("thunderbird") || agent.contains("outlook") || agent.contains("applemail") {
        "email-client"
    } else if agent.contains("mobile") || agent.contains("android") || agent.contains("iphone") {
        "mobile"
    } else if agent.contains("mozilla/") {
        "browser"
    } else {
        "unknown"
    }
}

/// The host of the page that sent the visitor, if any (never the full URL:
/// paths and queries of other sites can carry personal data).
pub fn referrer_host(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(header::REFERER)?.to_str().ok()?;
    let host = url::Url::parse(raw).ok()?.host_str()?.to_ascii_lowercase();
    Some(host.chars().take(255).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_agent(agent: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::USER_AGENT, HeaderValue::from_str(agent).unwrap());
        headers
    }

    #[test]
    fn people_and_machines_are_told_apart() {
        let firefox = with_agent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        assert_eq!(classify(&Method::GET, &firefox, false), Verdict::human("browser"));
        let iphone = with_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148");
        assert_eq!(classify(&Method::GET, &iphone, false).ua_class, "mobile");
        assert!(classify(&Method::HEAD, &firefox, false).automated);
        let scanner = with_agent("Mozilla/5.0 (compatible; Proofpoint URL Defense)");
        assert_eq!(classify(&Method::GET, &scanner, false).reason.as_deref(), Some("scanner"));
        assert!(classify(&Method::GET, &with_agent("Slackbot-LinkExpanding 1.0"), false).automated);
        assert!(classify(&Method::GET, &HeaderMap::new(), false).automated);
        let mut prefetch = firefox.clone();
        prefetch.insert("sec-purpose", HeaderValue::from_static("prefetch;prerender"));
        assert_eq!(classify(&Method::GET, &prefetch, false).rule, Some(Rule::PrefetchHeader));
        let gmail = with_agent("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)");
        assert!(classify(&Method::GET, &gmail, true).is_approximate(), "an open through Gmail's proxy is approximate");
        assert_eq!(classify(&Method::GET, &gmail, false).rule, Some(Rule::HeraldList), "the proxy does not follow links");
        assert_eq!(classify(&Method::GET, &with_agent("python-httpx/0.27.0"), false).rule, Some(Rule::IsbotList));
    }

    #[test]
    fn only_the_referrer_host_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(header::REFERER, HeaderValue::from_static("https://www.LinkedIn.com/feed/update/123?secret=1"));
        assert_eq!(referrer_host(&headers).as_deref(), Some("www.linkedin.com"));
        headers.insert(header::REFERER, HeaderValue::from_static("not a url"));
        assert_eq!(referrer_host(&headers), None);
    }
}
