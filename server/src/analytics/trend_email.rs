//! The trend report by email: a plain-text and an HTML part listing the
//! top topics of the period (hot-button ones marked) and a link to the
//! whole report. Examples stay on the page, behind HR's sign-in.

use std::fmt::Write;

use super::trends::{Report, Topic};
use crate::spotlights::render::RenderedEmail;

/// Topics listed in the email.
pub const TOPICS: usize = 10;

fn escape(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html).map(|s| s.to_string()).unwrap_or_default()
}

fn line(topic: &Topic, report: &Report) -> String {
    let mut line = format!("{} ({}): {} comments and questions, {} vs the period before, {}", topic.label, topic.kind(), topic.volume, topic.change(), topic.negative_text());
    if report.current.is_some() {
        let _ = write!(line, "; {} so far", topic.current_volume);
    }
    if !topic.phrases.is_empty() {
        let _ = write!(line, "; key phrases: {}", topic.phrases_text());
    }
    line
}

/// The email for one HR lead; `link` is the report's page.
pub fn render(report: &Report, name: &str, link: &str, organisation: &str) -> RenderedEmail {
    let first_name = name.split_whitespace().next().unwrap_or(name);
    let period = report.period.label();
    let hot: Vec<&Topic> = report.hot().collect();
    let top: Vec<&Topic> = report.topics.iter().take(TOPICS).collect();
    let mut summary = format!(
        "{} comments and questions from employees ({} the period before); {} hot-button topic{}.",
        report.total,
        report.previous_total,
        hot.len(),
        if hot.len() == 1 { "" } else { "s" }
    );
    if let Some(current) = report.current_label() {
        let things = if report.current_total == 1 { "comment or question" } else { "comments and questions" };
        let _ = write!(summary, " {current}: {} {things}.", report.current_total);
    }
    let rule = super::trends::hot_rule();

    let mut text = format!("Hello {first_name},\n\nHerald's {} trend report for {period}.\n{summary}\n", report.period.frequency.adverb());
    if !hot.is_empty() {
        let _ = writeln!(text, "\nHot-button topics ({rule}):");
        for topic in &hot {
            let _ = writeln!(text, "! {} [{}]", line(topic, report), topic.hot_text());
        }
    }
    text.push_str("\nTop topics by volume:\n");
    if top.is_empty() {
        text.push_str("(no comments in this period)\n");
    }
    for (rank, topic) in top.iter().enumerate() {
        let _ = writeln!(text, "{}. {}", rank + 1, line(topic, report));
    }
    let _ = write!(text, "\nThe whole report, with example comments: {link}\n\n{organisation} HR\n");

    let mut html = format!(
        "<p>Hello {},</p><p>Herald's {} trend report for <strong>{}</strong>.<br>{}</p>",
        escape(first_name),
        report.period.frequency.adverb(),
        escape(&period),
        escape(&summary)
    );
    if !hot.is_empty() {
        let _ = write!(html, "<h2>Hot-button topics</h2><p>{}</p><ul>", escape(&rule));
        for topic in &hot {
            let _ = write!(html, "<li><strong>{}</strong> — {}</li>", escape(&line(topic, report)), escape(&topic.hot_text()));
        }
        html.push_str("</ul>");
    }
    html.push_str("<h2>Top topics by volume</h2>");
    if top.is_empty() {
        html.push_str("<p>No comments in this period.</p>");
    } else {
        html.push_str(
            "<table cellpadding=\"4\" style=\"border-collapse:collapse\"><thead><tr><th align=\"left\">Topic</th><th align=\"left\">Kind</th>\
             <th align=\"right\">Comments and questions</th><th align=\"right\">Change</th><th align=\"right\">Negative</th><th align=\"left\">Hot-button</th>",
        );
        if let Some(current) = report.current_label() {
            let _ = write!(html, "<th align=\"right\">{}</th>", escape(&current));
        }
        html.push_str("</tr></thead><tbody>");
        for topic in &top {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td><td>{}</td>",
                escape(&topic.label),
                topic.kind(),
                topic.volume,
                escape(&topic.change()),
                escape(&topic.negative_text()),
                escape(&topic.hot_text())
            );
            if report.current.is_some() {
                let _ = write!(html, "<td align=\"right\">{}</td>", topic.current_volume);
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
    }
    let _ = write!(html, "<p><a href=\"{}\">Open the whole report, with example comments</a></p><p>{} HR</p>", escape(link), escape(organisation));

    RenderedEmail { subject: format!("Hot-button trends: {period}"), text, html }
}
