//! Where to go after signing in: a path on this site, never another origin.
//!
//! Browsers repair what they are given in `Location` (they drop tabs and
//! newlines, read `\` as `/`), so a target that merely *starts* with one `/`
//! can still name another host (`/\t/evil.example` is read as
//! `//evil.example`). The target is therefore parsed as a URL against a
//! fixed origin, must stay on that origin, and is rebuilt from the parsed
//! path and query; anything odd falls back to the home page.

use url::Url;

const HOME: &str = "/";
/// A stand-in origin for parsing; it never appears in an answer.
const BASE: &str = "http://herald.invalid/";

/// `raw` as a same-origin path and query, or `None` when it is not one.
pub fn same_origin_path(raw: &str) -> Option<String> {
    // Control characters (tab, CR, LF, …) and backslashes are repaired by
    // browsers into something else; refuse them rather than guess.
    if raw.len() > 2000 || !raw.starts_with('/') || raw.starts_with("//") || raw.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let base = Url::parse(BASE).ok()?;
    let parsed = base.join(raw).ok()?;
    if parsed.origin() != base.origin() || parsed.username() != "" || parsed.password().is_some() {
        return None;
    }
    let path = parsed.path();
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    Some(match parsed.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    })
}

/// The target to follow after sign-in: `raw` when it is a same-origin path
/// other than the sign-in page itself, else the home page.
pub fn after_sign_in(raw: &str) -> String {
    same_origin_path(raw).filter(|path| path != "/login" && !path.starts_with("/login?") && !path.starts_with("/login/")).unwrap_or_else(|| HOME.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_are_followed() {
        for good in ["/", "/news/3", "/library/dental?tab=faq", "/search?q=a%20b"] {
            assert_eq!(after_sign_in(good), good, "{good:?}");
        }
        assert_eq!(after_sign_in("/a/../b"), "/b", "rebuilt from the parsed path");
        for bad in [
            "", "evil.example", "//evil.example", "/\t/evil.example", "/\r/x", "/\n/evil.example", "/\\evil.example", "\\\\evil.example",
            "https://evil.example/", "/\u{0}x", "/\u{7f}x", " /x", "/login", "/login?next=/x", "http:/evil.example", "/%09/x\u{b}",
        ] {
            assert_eq!(after_sign_in(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn encoded_characters_stay_encoded() {
        // `%09` is a literal tab only once decoded: as a path it is harmless and kept.
        assert_eq!(after_sign_in("/%09/evil.example"), "/%09/evil.example");
    }
}
