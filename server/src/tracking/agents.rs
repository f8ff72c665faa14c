//! The user-agent lists, compiled once: Herald's own (mail scanners, Office
//! link checks, image proxies, previews the public lists lack), then the
//! isbot pattern list (vendored in `patterns/isbot.txt`, updated by
//! `scripts/update-isbot-patterns.sh`). Real devices whose names look like
//! a bot's (`CUBOT`) are blanked out before the lists are matched.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// What recognised an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recognised {
    /// A mail provider's image proxy (the provider's name).
    ImageProxy(&'static str),
    /// Herald's list, with the reason reported for it.
    Herald(&'static str),
    /// The isbot list.
    Isbot,
}

/// Fragments Herald recognises itself, lower-case, with their reason.
/// isbot covers crawlers, previews and HTTP libraries; these are what an
/// HR mailing meets that it lacks or names too vaguely.
const HERALD_AGENTS: &[(&str, &str)] = &[
    ("googleimageproxy", "image proxy"),
    ("yahoomailproxy", "image proxy"),
    ("safelinks", "scanner"),
    ("microsoft office", "scanner"),
    ("ms-office", "scanner"),
    ("microsoftpreview", "preview"),
    ("proofpoint", "scanner"),
    ("mimecast", "scanner"),
    ("barracuda", "scanner"),
    ("symantec", "scanner"),
    ("trendmicro", "scanner"),
    ("forcepoint", "scanner"),
    ("virustotal", "scanner"),
    ("powershell/", "script"),
    ("gtmetrix", "monitor"),
    ("miniature.io", "preview"),
    ("viber/", "preview"),
    ("postmanruntime", "script"),
    ("headlesschrome", "headless"),
];

/// Device and product names that contain a bot-like word, blanked before matching.
const REAL_DEVICES: &[&str] = &["cubot"];

/// Apple Mail Privacy Protection fetches images with this agent and nothing more.
const APPLE_PROXY_AGENT: &str = "Mozilla/5.0";

/// The vendored isbot list: one JavaScript regular expression a line.
const ISBOT_PATTERNS: &str = include_str!("patterns/isbot.txt");

/// Which list, if any, recognises `agent` (this runs on every click).
pub fn recognise(agent: &str) -> Option<Recognised> {
    if agent.trim() == APPLE_PROXY_AGENT {
        return Some(Recognised::ImageProxy("apple"));
    }
    let lists = lists();
    let agent = blank_devices(&lists.devices, agent);
    if let Some(found) = lists.herald.find(&*agent) {
        let (fragment, reason) = HERALD_AGENTS[found.pattern().as_usize()];
        return Some(match reason {
            "image proxy" => Recognised::ImageProxy(if fragment.starts_with("google") { "google" } else { "yahoo" }),
            _ => Recognised::Herald(reason),
        });
    }
    lists.isbot.matches(&agent).then_some(Recognised::Isbot)
}

/// Compiles the lists now rather than at the first click.
pub fn compile() {
    lists();
}

struct Lists {
    herald: AhoCorasick,
    devices: AhoCorasick,
    isbot: IsbotList,
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let literal = |words: &mut dyn Iterator<Item = &str>| {
            AhoCorasick::builder().ascii_case_insensitive(true).match_kind(MatchKind::LeftmostFirst).build(words).expect("plain strings")
        };
        Lists {
            herald: literal(&mut HERALD_AGENTS.iter().map(|(fragment, _)| *fragment)),
            devices: literal(&mut REAL_DEVICES.iter().copied()),
            isbot: IsbotList::parse(ISBOT_PATTERNS).expect("the vendored isbot list compiles (see the tests)"),
        }
    })
}

fn blank_devices<'a>(devices: &AhoCorasick, agent: &'a str) -> Cow<'a, [u8]> {
    if !devices.is_match(agent) {
        return Cow::Borrowed(agent.as_bytes());
    }
    // The names are ASCII, so blanking their bytes keeps the rest intact.
    let mut blanked = agent.as_bytes().to_vec();
    for found in devices.find_iter(agent) {
        blanked[found.range()].fill(b' ');
    }
    Cow::Owned(blanked)
}

/// isbot's patterns: those without lookaround in one `RegexSet`, asked
/// only whether anything matches. Rust's regex engine has no lookaround; the
/// few patterns with a lookbehind at their start or a lookahead at their end
/// match by their core, then each core match is checked against its
/// lookarounds. (Asking the whole set *which* patterns matched, an
/// overlapping search, filled the lazy DFA's cache until it gave up, and
/// every later browser was judged by the PikeVM at ~0.4 ms a request.)
struct IsbotList {
    set: RegexSet,
    guarded: Vec<Lookaround>,
}

struct Lookaround {
    core: Regex,
    /// Must not end the text before the match.
    not_after: Option<Regex>,
    /// Must not start the text after the match.
    not_before: Option<Regex>,
}

impl IsbotList {
    fn parse(text: &str) -> Result<IsbotList, String> {
        let patterns: Vec<String> = text.lines().filter(|line| !line.starts_with('#') && !line.is_empty()).map(from_javascript).collect();
        let mut cores = Vec::with_capacity(patterns.len());
        let mut guarded = Vec::new();
        for pattern in &patterns {
            let pattern = pattern.as_str();
            let (behind, rest) = split_group(pattern, "(?<!", true).ok_or_else(|| format!("unbalanced pattern {pattern:?}"))?;
            let (ahead, core) = split_group(rest, "(?!", false).ok_or_else(|| format!("unbalanced pattern {pattern:?}"))?;
            if core.contains("(?<") || core.contains("(?=") || core.contains("(?!") {
                return Err(format!("isbot pattern {pattern:?} has a lookaround Herald cannot translate"));
            }
            if behind.is_some() || ahead.is_some() {
                guarded.push(Lookaround {
                    core: build(core)?,
                    not_after: behind.map(|group| build(&format!("(?:{group})$"))).transpose()?,
                    not_before: ahead.map(|group| build(&format!("^(?:{group})"))).transpose()?,
                });
            } else {
                cores.push(core.to_owned());
            }
        }
        let errors: Vec<String> = cores.iter().filter_map(|core| build(core).err()).collect();
        if !errors.is_empty() {
            return Err(errors.join("; "));
        }
        let set = RegexSetBuilder::new(&cores).case_insensitive(true).unicode(false).build().map_err(|error| error.to_string())?;
        Ok(IsbotList { set, guarded })
    }

    fn matches(&self, agent: &[u8]) -> bool {
        self.set.is_match(agent) || self.guarded.iter().any(|check| check.matches(agent))
    }
}

impl Lookaround {
    fn matches(&self, agent: &[u8]) -> bool {
        let mut start = 0;
        while let Some(found) = self.core.find_at(agent, start) {
            let before_ok = self.not_after.as_ref().is_none_or(|re| !re.is_match(&agent[..found.start()]));
            let after_ok = self.not_before.as_ref().is_none_or(|re| !re.is_match(&agent[found.end()..]));
            if before_ok && after_ok {
                return true;
            }
            start = found.start() + 1;
            if start > agent.len() {
                break;
            }
        }
        false
    }
}

/// JavaScript's regex syntax where Rust's differs: in a class, a `-` next
/// to a class escape (`[\w\d-.]`) is a literal hyphen.
fn from_javascript(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 4);
    let (mut index, mut in_class) = (0, false);
    let class_escape = |at: usize| chars.get(at) == Some(&'\\') && chars.get(at + 1).is_some_and(|c| "wWdDsS".contains(*c));
    while index < chars.len() {
        let c = chars[index];
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.get(index + 1) {
                    out.push(*next);
                }
                index += 2;
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '-' if in_class && ((index >= 2 && class_escape(index - 2)) || class_escape(index + 1)) => {
                out.push_str("\\-");
                index += 1;
                continue;
            }
            _ => {}
        }
        out.push(c);
        index += 1;
    }
    out
}

fn build(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern).case_insensitive(true).unicode(false).build().map_err(|error| format!("{pattern:?}: {error}"))
}

/// Splits a lookaround group opening with `open` off the start (`leading`)
/// or the end of `pattern`: (its inside, the rest). `None` if unbalanced.
fn split_group<'a>(pattern: &'a str, open: &str, leading: bool) -> Option<(Option<&'a str>, &'a str)> {
    let at = if leading {
        if !pattern.starts_with(open) {
            return Some((None, pattern));
        }
        0
    } else {
        match pattern.rfind(open) {
            Some(at) => at,
            None => return Some((None, pattern)),
        }
    };
    let end = closing_paren(pattern, at)?;
    let inside = &pattern[at + open.len()..end];
    if leading {
        Some((Some(inside), &pattern[end + 1..]))
    } else if end + 1 == pattern.len() {
        Some((Some(inside), &pattern[..at]))
    } else {
        // A lookahead in the middle: left for the caller to refuse.
        Some((None, pattern))
    }
}

/// The index of the `)` closing the group that opens at `open`.
fn closing_paren(pattern: &str, open: usize) -> Option<usize> {
    let bytes = pattern.as_bytes();
    let (mut depth, mut index, mut in_class) = (0usize, open, false);
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'(' if !in_class => depth += 1,
            b')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
        index += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_isbot_list_compiles_with_its_lookarounds() {
        let list = IsbotList::parse(ISBOT_PATTERNS).unwrap();
        assert!(list.guarded.len() >= 5);
        assert!(list.matches(b"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
        assert!(!list.matches(b"Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"));
    }

    #[test]
    fn lookarounds_are_honoured() {
        let list = IsbotList::parse("(?<!cam)scan\njava(?!;)\n").unwrap();
        assert!(list.matches(b"virus scan 1.0"));
        assert!(!list.matches(b"camscanner app"));
        assert!(list.matches(b"Java/17.0.2"));
        assert!(!list.matches(b"Mozilla/5.0 (java; en)"));
        assert!(IsbotList::parse("a(?!b)c\n").is_err(), "a lookahead in the middle is refused, not misread");
        assert_eq!(from_javascript(r"[\w\d-.]+"), r"[\w\d\-.]+");
        assert_eq!(from_javascript(r"[a-z\-]"), r"[a-z\-]");
    }

    #[test]
    fn herald_recognises_mail_scanners_proxies_and_real_devices() {
        assert_eq!(recognise("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"), Some(Recognised::ImageProxy("google")));
        assert_eq!(recognise("Mozilla/5.0"), Some(Recognised::ImageProxy("apple")));
        assert_eq!(recognise("Mozilla/5.0 (compatible; Proofpoint URL Defense)"), Some(Recognised::Herald("scanner")));
        assert_eq!(recognise("CUBOT_KINGKONG_5 Mozilla/5.0 (Linux; Android 11) Chrome/99.0 Mobile Safari/537.36"), None);
        assert_eq!(recognise("curl/8.5.0"), Some(Recognised::Isbot));
    }
}
