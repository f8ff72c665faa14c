//! Text left to fill in later that would reach every reader as it is:
//! `[DATE]`, TODO, TBD, XX, and `{{ … }}` names no template fills in.
//!
//! Only what HR wrote is read (title, subject, message, the template's own
//! words with its tags taken out), never the rendered email: a featured item's
//! kind in brackets (`[FAQ]`) is Herald's text, not a forgotten placeholder.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use minijinja::Environment;
use regex::Regex;

/// The variables a spotlight template is given (see `compose::Composer::context`).
pub const KNOWN: [&str; 9] = ["recipient", "sender", "organisation", "announcement", "message", "message_html", "spotlight_url", "items", "sent_date"];
/// minijinja's own globals and loop names, which need nothing from Herald.
const BUILT_IN: [&str; 8] = ["range", "dict", "namespace", "debug", "loop", "caller", "varargs", "kwargs"];

/// `[DATE]`, `[NAME OF PLAN]`: capitals in brackets (a Markdown link's text is skipped by the caller).
static BRACKETED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([A-Z][A-Z0-9 _./-]*)\]").expect("valid pattern"));
/// Words writers leave for later; capitals only, so prose ("a to-do list") passes.
static MARKERS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(TODO|TBD|TBC|FIXME|XX+)\b|(?i:lorem ipsum)").expect("valid pattern"));
/// A template tag, comment or expression.
static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}").expect("valid pattern"));

/// One unfilled placeholder and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unfilled {
    /// "Subject", "Message", "Template HTML body", …
    pub part: String,
    pub text: String,
}

impl Unfilled {
    pub fn describe(&self) -> String {
        format!("{}: unfilled placeholder “{}”", self.part, self.text)
    }
}

/// Markers in plain words (title, message, or a template's text with its tags taken out).
pub fn markers(part: &str, text: &str) -> Vec<Unfilled> {
    let mut found = BTreeSet::new();
    for capture in BRACKETED.captures_iter(text) {
        let whole = capture.get(0).expect("the whole match");
        // `[FAQ](https://…)` is a Markdown link, not a placeholder.
        if !text[whole.end()..].starts_with('(') && capture[1].chars().any(|c| c.is_ascii_alphabetic()) {
            found.insert(whole.as_str().to_owned());
        }
    }
    found.extend(MARKERS.find_iter(text).map(|m| m.as_str().to_owned()));
    found.into_iter().map(|text| Unfilled { part: part.to_owned(), text }).collect()
}

/// HR's message is Markdown, never a template: any `{{ … }}` in it reaches readers as typed.
pub fn in_message(message: &str) -> Vec<Unfilled> {
    let mut found = markers("Message", message);
    found.extend(TAGS.find_iter(message).map(|m| Unfilled { part: "Message".into(), text: m.as_str().to_owned() }));
    found
}

/// A template source (or a subject with placeholders): its words, and the names it uses that nobody fills in.
pub fn in_template(part: &str, source: &str) -> Vec<Unfilled> {
    let mut found = markers(part, &TAGS.replace_all(source, " "));
    if !source.contains("{{") && !source.contains("{%") {
        return found;
    }
    let env = Environment::new();
    match env.template_from_str(source) {
        Ok(template) => {
            let mut unknown: Vec<String> =
                template.undeclared_variables(false).into_iter().filter(|name| !KNOWN.contains(&name.as_str()) && !BUILT_IN.contains(&name.as_str())).collect();
            unknown.sort();
            found.extend(unknown.into_iter().map(|name| Unfilled { part: part.to_owned(), text: format!("{{{{ {name} }}}}") }));
        }
        Err(err) => found.push(Unfilled { part: part.to_owned(), text: format!("a placeholder that cannot be read ({})", err.detail().unwrap_or("syntax error")) }),
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(found: Vec<Unfilled>) -> Vec<String> {
        found.into_iter().map(|u| u.text).collect()
    }

    #[test]
    fn forgotten_markers_are_found_and_prose_passes() {
        assert_eq!(texts(markers("Message", "Starts on [DATE] at [OFFICE 2]. TODO: check XX figures, TBD.")), ["TBD", "TODO", "XX", "[DATE]", "[OFFICE 2]"]);
        assert!(markers("Message", "See the [FAQ](https://x.org), a to-do list, 2027 [draft] and Lorem-free text.").is_empty());
        assert_eq!(texts(markers("Message", "lorem ipsum dolor")), ["lorem ipsum"]);
    }

    #[test]
    fn template_names_are_checked_against_what_herald_fills_in() {
        let found = in_template("Subject", "{{ recipient.first_name }}, {{ benefits_deadline }} {% for i in items %}{{ i.title }}{{ loop.index }}{% endfor %}");
        assert_eq!(texts(found), ["{{ benefits_deadline }}"]);
        assert_eq!(texts(in_template("Template plain-text body", "[{{ item.kind_label }}] {{ message }}")), ["{{ item }}"]);
        assert!(in_template("Template HTML body", "{% set dates = items|list %}{{ dates }} {{ range(3)|list }}").is_empty());
        assert_eq!(texts(in_message("Hello {{ name }}, due [DATE]")), ["[DATE]", "{{ name }}"]);
    }

    #[test]
    fn the_shipped_templates_have_nothing_left_to_fill_in() {
        macro_rules! shipped {
            ($($name:literal),+) => { [$((concat!($name, ".html"), include_str!(concat!("../../../templates/email/", $name, ".html")), include_str!(concat!("../../../templates/email/", $name, ".txt")))),+] };
        }
        for (name, html, text) in shipped!("benefit-change", "new-policy", "open-enrolment", "answer-to-your-question", "please-read-and-confirm") {
            assert!(in_template("HTML", html).is_empty(), "{name}: {:?}", in_template("HTML", html));
            assert!(in_template("Text", text).is_empty(), "{name}: {:?}", in_template("Text", text));
        }
    }
}
