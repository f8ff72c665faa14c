//! The sandboxed template engine for the emails HR edits at run time.
//!
//! minijinja with no loader (no file access), no network, HTML auto-escaping
//! for the HTML body, a fuel limit so a runaway loop in a template stops
//! instead of hanging delivery, and size limits (see [`super::render_limits`]).
//! The server itself renders through `crate::sandbox`, in a child process
//! with a memory limit, so what these limits miss cannot take it down.

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use super::render_limits::BoundedOutput;

const SUBJECT: &str = "subject";
const HTML: &str = "html";
const TEXT: &str = "text";
/// Enough for any sensible email; a template that needs more is looping.
const FUEL: u64 = 200_000;

/// A template's three parts, compiled once and rendered for every recipient.
pub struct EmailTemplate {
    env: Environment<'static>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RenderedEmail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

impl EmailTemplate {
    /// Compiles the parts; errors name the part and line so HR can fix them.
    pub fn compile(subject: &str, html: &str, text: &str) -> Result<EmailTemplate, Vec<String>> {
        Self::compile_with(subject, html, text, UndefinedBehavior::Lenient)
    }

    /// Compiles for rendering that fails on unknown variables, as [`Self::validate`] does.
    pub fn compile_strict(subject: &str, html: &str, text: &str) -> Result<EmailTemplate, Vec<String>> {
        Self::compile_with(subject, html, text, UndefinedBehavior::Strict)
    }

    fn compile_with(subject: &str, html: &str, text: &str, undefined: UndefinedBehavior) -> Result<EmailTemplate, Vec<String>> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| if name == HTML { AutoEscape::Html } else { AutoEscape::None });
        env.set_undefined_behavior(undefined);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(50);
        super::render_limits::install(&mut env);
        let mut errors = vec![];
        for (name, label, source) in [(SUBJECT, "Subject", subject), (HTML, "HTML body", html), (TEXT, "Plain-text body", text)] {
            if let Err(err) = env.add_template_owned(name, source.to_owned()) {
                errors.push(describe(label, &err));
            }
        }
        if errors.is_empty() { Ok(EmailTemplate { env }) } else { Err(errors) }
    }

    /// Compiles and renders with sample data, strict about unknown variables,
    /// so a typo such as `{{ recipent.name }}` is caught when HR saves.
    pub fn validate(subject: &str, html: &str, text: &str, sample: &Value) -> Result<(), Vec<String>> {
        let template = Self::compile_with(subject, html, text, UndefinedBehavior::Strict)?;
        template.render(sample).map(|_| ()).map_err(|err| vec![err])
    }

    pub fn render(&self, context: &Value) -> Result<RenderedEmail, String> {
        let part = |name: &str, label: &str| -> Result<String, String> {
            let template = self.env.get_template(name).map_err(|err| describe(label, &err))?;
            let mut out = BoundedOutput::default();
            match template.render_captured_to(context, &mut out) {
                Ok(_) => String::from_utf8(out.bytes).map_err(|_| format!("{label}: the template wrote text that is not UTF-8")),
                Err(_) if out.overflowed => Err(format!("{label}: the template writes more than the 1 MB an email part may be")),
                Err(err) => Err(describe(label, &err)),
            }
        };
        let subject = part(SUBJECT, "Subject")?;
        Ok(RenderedEmail {
            // A header is one line, whatever the template produced.
            subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
            html: part(HTML, "HTML body")?,
            text: part(TEXT, "Plain-text body")?,
        })
    }
}

fn describe(label: &str, err: &minijinja::Error) -> String {
    match err.line() {
        Some(line) => format!("{label}, line {line}: {}", err.detail().unwrap_or(&err.kind().to_string())),
        None => format!("{label}: {}", err.detail().map(str::to_owned).unwrap_or_else(|| err.kind().to_string())),
    }
}

/// Rewrites every `href="http(s)://…"` of an HTML body with `rewrite`,
/// leaving other links (mailto:, anchors, links already made) alone.
pub fn rewrite_html_links(html: &str, mut rewrite: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = find_href(rest) {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        let quote = after.as_bytes()[5];
        let value_start = 6;
        let Some(len) = after[value_start..].find(quote as char) else {
            out.push_str(after);
            return out;
        };
        let value = &after[value_start..value_start + len];
        // Values are HTML-escaped in the page; compare and store them unescaped.
        let url = unescape_attribute(value);
        out.push_str(&after[..value_start]);
        match rewrite(&url) {
            Some(new) => out.push_str(&new.replace('&', "&amp;").replace('"', "&quot;")),
            None => out.push_str(value),
        }
        rest = &after[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// Undoes the escaping a template engine applies to an attribute value.
pub fn unescape_attribute(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    [("&#x2f;", "/"), ("&#47;", "/"), ("&quot;", "\""), ("&#x27;", "'"), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")]
        .iter()
        .fold(value.to_owned(), |text, (entity, plain)| text.replace(entity, plain))
}

fn find_href(text: &str) -> Option<usize> {
    let lower = text.as_bytes();
    (0..lower.len().saturating_sub(6)).find(|&i| {
        lower[i..i + 5].eq_ignore_ascii_case(b"href=") && matches!(lower[i + 5], b'"' | b'\'')
    })
}

/// Rewrites every bare `http(s)://…` URL of a plain-text body.
pub fn rewrite_text_links(text: &str, mut rewrite: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ')' | ']')).unwrap_or(tail.len());
        // A sentence's full stop or comma is not part of the link.
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        match rewrite(url) {
            Some(new) => out.push_str(&new),
            None => out.push_str(url),
        }
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

fn find_url(text: &str) -> Option<usize> {
    match (text.find("http://"), text.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let template = EmailTemplate::compile("Hi {{ name }}", "<p>{{ name }}</p>", "Hi {{ name }}").unwrap();
        let out = template.render(&context! { name => "<b>Ana & co</b>" }).unwrap();
        assert_eq!(out.html, "<p>&lt;b&gt;Ana &amp; co&lt;&#x2f;b&gt;</p>");
        assert_eq!(out.text, "Hi <b>Ana & co</b>");
    }

    #[test]
    fn syntax_errors_name_the_part_and_line() {
        let errors = EmailTemplate::compile("ok", "<p>\n{% if %}</p>", "fine").err().unwrap();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("HTML body, line 2"), "{errors:?}");
    }

    #[test]
    fn unknown_variables_are_reported_by_validation() {
        let errors = EmailTemplate::validate("{{ recipent.name }}", "x", "y", &context! { recipient => context! { name => "A" } }).unwrap_err();
        assert!(errors[0].contains("Subject"), "{errors:?}");
    }

    #[test]
    fn runaway_loops_run_out_of_fuel_and_files_cannot_be_included() {
        let looping = EmailTemplate::compile("s", "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", "t").unwrap();
        assert!(looping.render(&context! {}).is_err());
        let include = EmailTemplate::compile("s", "{% include '/etc/passwd' %}", "t").unwrap();
        assert!(include.render(&context! {}).is_err());
    }

    #[test]
    fn text_growing_filters_and_long_output_fail_with_a_reason() {
        for body in [
            r#"{{ "a\nb"|indent(6000000000) }}"#,
            r#"{{ "ab"|replace("", "x" * 1000000) }}"#,
            r#"{{ range(1000)|join("x" * 100000) }}"#,
            r#"{{ "%999999999s"|format("x") }}"#,
            r#"{% for i in range(100) %}{{ "x" * 100000 }}{% endfor %}"#,
        ] {
            let template = EmailTemplate::compile("s", body, "t").unwrap();
            let err = template.render(&context! {}).unwrap_err();
            assert!(err.starts_with("HTML body") && (err.contains("1 MB") || err.contains("limited")), "{body}: {err}");
        }
    }

    #[test]
    fn subject_is_one_line() {
        let template = EmailTemplate::compile("A\n  B\r\nC", "h", "t").unwrap();
        assert_eq!(template.render(&context! {}).unwrap().subject, "A B C");
    }

    #[test]
    fn links_are_rewritten_in_html_and_text() {
        let html = r#"<a href="https://example.com/a?x=1&amp;y=2">a</a> <a href='mailto:hr@x.com'>m</a> <A HREF="http://b.org">b</A>"#;
        let out = rewrite_html_links(html, |url| url.starts_with("http").then(|| format!("T[{url}]")));
        assert_eq!(out, r#"<a href="T[https://example.com/a?x=1&amp;y=2]">a</a> <a href='mailto:hr@x.com'>m</a> <A HREF="T[http://b.org]">b</A>"#);
        let text = "See https://example.com/a, or (http://b.org/x).";
        assert_eq!(rewrite_text_links(text, |url| Some(format!("<{url}>"))), "See <https://example.com/a>, or (<http://b.org/x>).");
    }
}
