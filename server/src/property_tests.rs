//! Property-based fuzzing of the parsers and renderers that take untrusted
//! input: tracking tokens, the CSV importers, HR's email templates and the
//! Markdown renderer. Each property runs 256 random cases in `cargo test`;
//! `PROPTEST_CASES=100000 cargo test --lib property_tests` runs a long
//! campaign (see docs/operations.md). A failing case is shrunk to a minimal
//! input and printed.

use proptest::prelude::*;

use crate::library::markdown;
use crate::spotlights::render::EmailTemplate;
use crate::spotlights::templates::{sample_context, shipped};
use crate::tracking::token::{Purpose, TokenKey, TrackingToken};

/// Text rich in the characters that matter to HTML, Markdown, CSV and templates.
fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        "[ -~]{0,12}",
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("[x](javascript:alert(1))".to_owned()),
        Just("![i](data:text/html,<b>)".to_owned()),
        Just("\"quoted, \"\"field\"\"\"".to_owned()),
        Just("{{ recipient.name }}{% for i in items %}{% endfor %}".to_owned()),
        Just("\r\n".to_owned()),
        Just("é€😀\u{202e}\u{0}".to_owned()),
    ];
    proptest::collection::vec(pieces, 0..max).prop_map(|parts| parts.concat())
}

fn purpose() -> impl Strategy<Value = Purpose> {
    prop_oneof![Just(Purpose::Page), Just(Purpose::Click), Just(Purpose::Open), Just(Purpose::Answer)]
}

/// No `<script`, no `javascript:` URL and no `on…=` attribute inside a tag.
fn assert_inert(html: &str) {
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("href=\"javascript:") && !lower.contains("src=\"javascript:"), "{html}");
    assert!(!lower.contains("src=\"data:"), "{html}");
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b' ' if in_tag && lower[at + 1..].starts_with("on") => {
                let name: String = lower[at + 3..].chars().take_while(char::is_ascii_alphabetic).collect();
                assert!(!lower[at + 3 + name.len()..].starts_with('='), "event handler in {html}");
            }
            _ => {}
        }
    }
}

proptest! {
    #[test]
    fn tokens_round_trip_and_reject_any_change(purpose in purpose(), recipient_id in any::<i32>(), link_id in any::<i32>(),
                                              key in any::<[u8; 32]>(), position in 0usize..28, replacement in "[A-Za-z0-9_-]") {
        let key = TokenKey::new(key);
        let token = TrackingToken { purpose, recipient_id, link_id };
        let encoded = key.sign(token);
        prop_assert_eq!(key.verify(&encoded, purpose), Some(token));
        let mut changed = encoded.clone().into_bytes();
        changed[position] = replacement.as_bytes()[0];
        let changed = String::from_utf8(changed).unwrap();
        if changed != encoded {
            prop_assert_eq!(key.verify(&changed, purpose), None);
        }
        let other = if purpose == Purpose::Page { Purpose::Click } else { Purpose::Page };
        prop_assert_eq!(key.verify(&encoded, other), None);
    }

    #[test]
    fn arbitrary_strings_are_never_tokens(text in "\\PC{0,40}", key in any::<[u8; 32]>()) {
        prop_assert_eq!(TokenKey::new(key).verify(&text, Purpose::Click), None);
    }

    #[test]
    fn the_employee_csv_importer_never_panics(input in hostile_text(20)) {
        if let Ok(parsed) = crate::users::import::parse(input.as_bytes()) {
            for rejected in &parsed.rejected {
                prop_assert!(rejected.line >= 2, "line {}", rejected.line);
                prop_assert!(!rejected.reason.is_empty());
            }
        }
    }

    #[test]
    fn the_distribution_list_csv_reader_never_panics(input in hostile_text(20)) {
        if let Ok(entries) = crate::spotlights::lists::emails_from_csv(input.as_bytes()) {
            let lines = input.lines().count().max(1);
            for (label, value) in entries {
                let line: usize = label.trim_start_matches("line ").parse().unwrap();
                prop_assert!(line >= 1 && line <= lines + 1, "{} of {}", label, lines);
                prop_assert!(!value.is_empty());
            }
        }
    }

    #[test]
    fn collateral_rows_parse_or_explain(title in hostile_text(4), body in hostile_text(6), kind in "[a-z]{0,10}",
                                        tags in hostile_text(3), effective in "[0-9-]{0,12}", status in "[a-z]{0,10}") {
        let raw = crate::library::model::RawCollateral { title, body, kind, tags, effective_date: effective, status, ..Default::default() };
        match raw.parse() {
            Ok(input) => prop_assert!(!input.title.trim().is_empty()),
            Err(errors) => prop_assert!(!errors.is_empty() && errors.iter().all(|e| !e.is_empty())),
        }
    }

    #[test]
    fn hr_templates_compile_or_explain_and_never_panic(subject in hostile_text(4), html in hostile_text(8), text in hostile_text(4)) {
        match EmailTemplate::compile(&subject, &html, &text) {
            Ok(template) => { let _ = template.render(&sample_context()); }
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }

    #[test]
    fn what_recipients_typed_is_escaped_in_every_shipped_email(name in hostile_text(6)) {
        let default = shipped("benefit-change").unwrap();
        let template = EmailTemplate::compile("{{ recipient.first_name }}, {{ announcement.subject }}", default.html, default.text).unwrap();
        let recipient = minijinja::context! { name => &name, first_name => &name, email => "a@example.com", department => &name, location => "" };
        let context = minijinja::context! { recipient => recipient, ..sample_context() };
        let rendered = template.render(&context).unwrap();
        assert_inert(&rendered.html);
    }

    #[test]
    fn markdown_from_anyone_renders_inert_html(source in hostile_text(30)) {
        assert_inert(&markdown::render(&source));
    }
}
