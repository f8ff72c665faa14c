//! Who is on the other end of a tracked request: a person, or a mail
//! security scanner or link-preview bot fetching links by itself. Every
//! event is kept; this only decides whether it counts in the human figures.
//!
//! Request-level signs are judged here (user agent, HEAD, prefetch headers).
//! The timing sign — several links of one message hit within seconds of
//! delivery — needs other events and is applied by the recorder.

use std::borrow::Cow;

use axum::http::{header, HeaderMap, Method};
use serde::{Deserialize, Serialize};

/// Fragments of user agents that belong to scanners, crawlers and preview
/// bots, lower-case, with the reason reported for them.
const AUTOMATED_AGENTS: &[(&str, &str)] = &[
    ("safelinks", "scanner"),
    ("microsoft office", "scanner"),
    ("ms-office", "scanner"),
    ("proofpoint", "scanner"),
    ("mimecast", "scanner"),
    ("barracuda", "scanner"),
    ("symantec", "scanner"),
    ("trendmicro", "scanner"),
    ("forcepoint", "scanner"),
    ("googleimageproxy", "image proxy"),
    ("yahoomailproxy", "image proxy"),
    ("slackbot", "preview"),
    ("slack-imgproxy", "preview"),
    ("twitterbot", "preview"),
    ("linkedinbot", "preview"),
    ("facebookexternalhit", "preview"),
    ("discordbot", "preview"),
    ("telegrambot", "preview"),
    ("whatsapp", "preview"),
    ("skypeuripreview", "preview"),
    ("mastodon", "preview"),
    ("embedly", "preview"),
    ("bot", "crawler"),
    ("crawler", "crawler"),
    ("spider", "crawler"),
    ("curl/", "script"),
    ("wget/", "script"),
    ("python-requests", "script"),
    ("python-urllib", "script"),
    ("go-http-client", "script"),
    ("java/", "script"),
    ("okhttp", "script"),
    ("headlesschrome", "headless"),
];

/// What the request looks like, stored with the event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// browser, mobile, email-client, automated or unknown.
    #[serde(rename = "c")]
    pub ua_class: Cow<'static, str>,
    #[serde(rename = "a")]
    pub automated: bool,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Cow<'static, str>>,
}

impl Verdict {
    pub fn human(ua_class: &'static str) -> Verdict {
        Verdict { ua_class: Cow::Borrowed(ua_class), automated: false, reason: None }
    }

    pub fn automated(reason: &'static str) -> Verdict {
        Verdict { ua_class: Cow::Borrowed("automated"), automated: true, reason: Some(Cow::Borrowed(reason)) }
    }
}

/// Judges one request by its method, headers and user agent.
pub fn classify(method: &Method, headers: &HeaderMap) -> Verdict {
    if method == Method::HEAD {
        return Verdict::automated("head request");
    }
    if is_prefetch(headers) {
        return Verdict::automated("prefetch");
    }
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if agent.trim().is_empty() {
        return Verdict::automated("no user agent");
    }
    // One pass over the agent for every fragment (this runs on every click).
    if let Some(found) = automated_agents().find(agent) {
        return Verdict::automated(AUTOMATED_AGENTS[found.pattern().as_usize()].1);
    }
    Verdict::human(agent_class(&agent.to_ascii_lowercase()))
}

fn automated_agents() -> &'static aho_corasick::AhoCorasick {
    static MATCHER: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(AUTOMATED_AGENTS.iter().map(|(fragment, _)| fragment))
            .expect("the fragments are plain strings")
    })
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
        assert_eq!(classify(&Method::GET, &firefox), Verdict::human("browser"));
        let iphone = with_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148");
        assert_eq!(classify(&Method::GET, &iphone).ua_class, "mobile");
        assert!(classify(&Method::HEAD, &firefox).automated);
        let scanner = with_agent("Mozilla/5.0 (compatible; Proofpoint URL Defense)");
        assert_eq!(classify(&Method::GET, &scanner).reason.as_deref(), Some("scanner"));
        assert!(classify(&Method::GET, &with_agent("Slackbot-LinkExpanding 1.0")).automated);
        assert!(classify(&Method::GET, &HeaderMap::new()).automated);
        let mut prefetch = firefox.clone();
        prefetch.insert("sec-purpose", HeaderValue::from_static("prefetch;prerender"));
        assert_eq!(classify(&Method::GET, &prefetch).reason.as_deref(), Some("prefetch"));
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
