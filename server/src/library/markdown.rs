//! Markdown to HTML that is safe to show: raw HTML in the source is shown as
//! text, and links or images may only point to http(s), mailto or this site.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

pub fn render(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        other => other,
    });
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let allowed = lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#');
    if allowed { url } else { CowStr::Borrowed("#") }
}

/// Plain text of a Markdown document, for summaries and the search index.
pub fn plain_text(source: &str) -> String {
    let mut text = String::with_capacity(source.len());
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_scripts_become_text() {
        let html = render("Hello <script>alert(1)</script> <img src=x onerror=alert(2)>");
        assert!(!html.contains("<script>") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn dangerous_links_are_neutralised() {
        let html = render("[click](javascript:alert(1)) [ok](https://example.com/a) ![x](data:image/svg+xml,abc)");
        assert!(!html.contains("javascript:") && !html.contains("data:"), "{html}");
        assert!(html.contains("href=\"https://example.com/a\""));
    }

    #[test]
    fn renders_ordinary_markdown() {
        let html = render("# Dental\n\n- one\n- **two**\n");
        assert!(html.contains("<h1>Dental</h1>") && html.contains("<strong>two</strong>"));
        let text = plain_text("# Dental\n\nCovers *dependents*.");
        assert!(text.contains("Dental") && text.contains("Covers dependents"), "{text}");
    }
}
