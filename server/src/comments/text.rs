//! Comment text as HTML: everything escaped, line breaks kept, and web
//! addresses made into links that open safely. Nothing else is markup.

use askama::filters::{escape, Html};

fn escaped(text: &str) -> String {
    escape(text, Html).map(|s| s.to_string()).unwrap_or_default()
}

/// Where a web address ends: at whitespace, or at punctuation that closes a sentence.
fn link_end(rest: &str) -> usize {
    let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'')).unwrap_or(rest.len());
    let trimmed = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']']);
    trimmed.len()
}

/// Renders a comment body for a page.
pub fn to_html(body: &str) -> String {
    let mut html = String::with_capacity(body.len() + 16);
    let mut rest = body;
    while let Some(start) = ["https://", "http://"].iter().filter_map(|scheme| rest.find(scheme)).min() {
        html.push_str(&escaped(&rest[..start]));
        let candidate = &rest[start..];
        let end = link_end(candidate);
        let address = &candidate[..end];
        // A scheme alone ("http://") is text, not a link.
        if url::Url::parse(address).ok().filter(|url| url.host_str().is_some()).is_some() {
            let shown = escaped(address);
            html.push_str(&format!("<a href=\"{shown}\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">{shown}</a>"));
        } else {
            html.push_str(&escaped(address));
        }
        rest = &candidate[end.max(1).min(candidate.len())..];
        if end == 0 {
            html.push_str(&escaped(&candidate[..1]));
        }
    }
    html.push_str(&escaped(rest));
    html.replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markup_is_shown_as_text() {
        let html = to_html("<script>alert(1)</script> & <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
        assert!(html.contains("&#60;script&#62;"), "{html}");
    }

    #[test]
    fn web_addresses_become_links_and_punctuation_stays_outside() {
        let html = to_html("See https://example.com/benefits?plan=a&b=2. Thanks");
        assert!(html.contains("<a href=\"https://example.com/benefits?plan=a&#38;b=2\""), "{html}");
        assert!(html.ends_with("</a>. Thanks"), "{html}");
    }

    #[test]
    fn only_web_schemes_are_linked() {
        let html = to_html("javascript:alert(1) and http:// and data:text/html,<b>x</b>");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn a_quote_cannot_break_out_of_the_link() {
        let html = to_html("https://example.com/\"onmouseover=alert(1)");
        assert!(html.contains("href=\"https://example.com/\""), "{html}");
        assert!(!html.contains("\"onmouseover"), "{html}");
    }

    #[test]
    fn line_breaks_survive() {
        assert_eq!(to_html("one\ntwo"), "one<br>two");
    }
}
