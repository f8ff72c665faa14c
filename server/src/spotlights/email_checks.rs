//! What can be read off a rendered email before it goes: the subject's
//! length, the first words an inbox shows, the plain-text part, images
//! without alt text, and which of its links point into Herald's library.

use std::sync::LazyLock;

use regex::Regex;

use super::render::{rewrite_html_links, rewrite_text_links, unescape_attribute};

/// Longer subjects are cut short by most inboxes (and RFC 5322 folds at 78).
pub const SUBJECT_MOST: usize = 78;
/// As much of the first text as an inbox shows next to the subject.
const PREVIEW_CHARS: usize = 100;
/// SMTP's longest line (RFC 5321); longer plain-text lines get broken by relays.
const LINE_MOST: usize = 998;

static INVISIBLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<head\b.*?</head>|<style\b.*?</style>|<script\b.*?</script>|<!--.*?-->").expect("valid pattern"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("valid pattern"));
static NUMERIC_ENTITY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)&#(x[0-9a-f]+|[0-9]+);").expect("valid pattern"));
static IMG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<img\b[^>]*>").expect("valid pattern"));
static ALT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?is)\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).expect("valid pattern"));
static SRC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?is)\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).expect("valid pattern"));
static HTML_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</?(p|div|br|table|td|span|a|html|body)\b[^>]*>").expect("valid pattern"));

/// Why the subject will not do, if it will not.
pub fn subject_problem(subject: &str) -> Option<String> {
    let length = subject.trim().chars().count();
    match length {
        0 => Some("The subject is empty.".into()),
        n if n > SUBJECT_MOST => Some(format!("The subject is {n} characters; inboxes cut it after about {SUBJECT_MOST}.")),
        _ => None,
    }
}

/// The first words readers see next to the subject: the hidden preheader when
/// the template has one, else the start of the body. Empty when there is none.
pub fn preview_text(html: &str) -> String {
    let body = INVISIBLE.replace_all(html, " ");
    let text = TAG.replace_all(&body, " ");
    let text = unescape_attribute(&text).replace("&nbsp;", " ");
    let text = NUMERIC_ENTITY.replace_all(&text, |c: &regex::Captures| {
        let number = &c[1];
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse().ok(),
        };
        code.and_then(char::from_u32).map(String::from).unwrap_or_default()
    });
    // Preheaders pad themselves with invisible characters so the body does not show after them.
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{200c}' | '\u{2007}' | '\u{034f}' | '\u{feff}')).filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(PREVIEW_CHARS) {
        Some((at, _)) => format!("{}…", &joined[..at]),
        None => joined,
    }
}

/// Why the plain-text part is missing or unreadable, if it is.
pub fn plain_text_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("There is no plain-text part: some readers (and spam filters) see nothing.".into());
    }
    if let Some(tag) = HTML_IN_TEXT.find(text) {
        return Some(format!("The plain-text part contains HTML ({}); readers would see the tags.", tag.as_str()));
    }
    if let Some(n) = text.lines().position(|line| line.chars().count() > LINE_MOST) {
        return Some(format!("Line {} of the plain-text part is longer than {LINE_MOST} characters; mail relays break it.", n + 1));
    }
    None
}

/// The images (by their address) that have no alt text or an empty one.
/// Decorative images marked `role="presentation"` or `aria-hidden` may have an empty alt.
pub fn images_without_alt(html: &str) -> Vec<String> {
    IMG.find_iter(html)
        .filter_map(|img| {
            let tag = img.as_str();
            let alt = ALT.captures(tag).and_then(|c| c.get(1).or(c.get(2)).or(c.get(3))).map(|m| m.as_str().trim().to_owned());
            let decorative = tag.contains("role=\"presentation\"") || tag.contains("aria-hidden=\"true\"");
            let missing = match alt {
                None => true,
                Some(alt) => alt.is_empty() && !decorative,
            };
            let src = SRC.captures(tag).and_then(|c| c.get(1).or(c.get(2)).or(c.get(3))).map(|m| unescape_attribute(m.as_str())).unwrap_or_else(|| "(no address)".into());
            missing.then_some(src)
        })
        .collect()
}

/// The library items the email links to, by slug or (`by-id/N`) id, from
/// absolute links on this server and links relative to it.
pub fn library_links(html: &str, text: &str, own_base: &str) -> Vec<LibraryLink> {
    let mut found: Vec<LibraryLink> = vec![];
    let mut collect = |url: &str| {
        let path = url.strip_prefix(own_base).unwrap_or(url);
        if let Some(rest) = path.strip_prefix("/library/") {
            let first = |s: &str| s.split(['/', '?', '#']).next().unwrap_or_default().to_owned();
            let link = match rest.strip_prefix("by-id/") {
                Some(id) => first(id).parse().map(LibraryLink::Id).ok(),
                None => Some(LibraryLink::Slug(first(rest))).filter(|l| !matches!(l, LibraryLink::Slug(s) if s.is_empty() || s == "new")),
            };
            if let Some(link) = link.filter(|l| !found.contains(l)) {
                found.push(link);
            }
        }
        None
    };
    // Both walk every link (relative `href`s too) and change nothing: `collect` answers `None`.
    rewrite_html_links(html, &mut collect);
    rewrite_text_links(text, &mut collect);
    found
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LibraryLink {
    Slug(String),
    Id(i32),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_previews_and_plain_text_are_judged() {
        assert!(subject_problem("  ").is_some());
        assert!(subject_problem(&"x".repeat(79)).unwrap().contains("79"));
        assert_eq!(subject_problem("Your dental plan changes"), None);
        let html = "<html><head><title>T</title><style>p{}</style></head><body><!-- c --><div style=\"display:none\">Dental: what changes.&#8199;&#847;&nbsp;</div><p>Hi &amp; welcome</p></body></html>";
        assert_eq!(preview_text(html), "Dental: what changes. Hi & welcome");
        assert_eq!(preview_text("<body><img src=x></body>"), "");
        assert!(plain_text_problem("").is_some());
        assert!(plain_text_problem("Hi <p>there</p>").unwrap().contains("<p>"));
        assert_eq!(plain_text_problem("Hi,\n\nsee https://x.org <3\n"), None);
    }

    #[test]
    fn images_need_alt_text_unless_decorative() {
        let html = r#"<img src="a.png" alt="Logo"><IMG SRC='b.png'><img src="c.png" alt=""><img src="d.png" alt="" role="presentation"><img src=e.png alt = "  ">"#;
        assert_eq!(images_without_alt(html), ["b.png", "c.png", "e.png"]);
    }

    #[test]
    fn library_links_are_found_absolute_and_relative() {
        let html = r#"<a href="https://hr.example/library/dental-plan">a</a><a href="/library/by-id/7">b</a><a href="https://other.org/library/x">c</a>"#;
        let text = "See https://hr.example/library/dental-plan and https://hr.example/library/gym?x=1.";
        assert_eq!(
            library_links(html, text, "https://hr.example"),
            [LibraryLink::Slug("dental-plan".into()), LibraryLink::Id(7), LibraryLink::Slug("gym".into())]
        );
    }
}
