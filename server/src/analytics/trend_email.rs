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

fn line(topic: &Topic) -> String {
    format!(
        "{} ({}): {} comments and questions, {} vs the period before, {:.0}% negative",
        topic.label,
        topic.kind.as_str(),
        topic.volume,
        topic.change(),
        topic.negative_share() * 100.0
    )
}

/// The email for one HR lead; `link` is the report's page.
pub fn render(report: &Report, name: &str, link: &str, organisation: &str) -> RenderedEmail {
    let first_name = name.split_whitespace().next().unwrap_or(name);
    let period = report.period.label();
    let hot: Vec<&Topic> = report.hot().collect();
    let top: Vec<&Topic> = report.topics.iter().take(TOPICS).collect();
    let summary = format!(
        "{} comments and questions from employees ({} the period before); {} hot-button topic{}.",
        report.total,
        report.previous_total,
        hot.len(),
        if hot.len() == 1 { "" } else { "s" }
    );

    let mut text = format!("Hello {first_name},\n\nHerald's {} trend report for {period}.\n{summary}\n", report.period.frequency.adverb());
    if !hot.is_empty() {
        text.push_str("\nHot-button topics:\n");
        for topic in &hot {
            let _ = writeln!(text, "! {} [{}]", line(topic), topic.hot.as_deref().unwrap_or_default());
        }
    }
    text.push_str("\nTop topics by volume:\n");
    if top.is_empty() {
        text.push_str("(no comments in this period)\n");
    }
    for (rank, topic) in top.iter().enumerate() {
        let _ = writeln!(text, "{}. {}", rank + 1, line(topic));
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
        html.push_str("<h2>Hot-button topics</h2><ul>");
        for topic in &hot {
            let _ = write!(html, "<li><strong>{}</strong> — {}</li>", escape(&line(topic)), escape(topic.hot.as_deref().unwrap_or_default()));
        }
        html.push_str("</ul>");
    }
    html.push_str("<h2>Top topics by volume</h2>");
    if top.is_empty() {
        html.push_str("<p>No comments in this period.</p>");
    } else {
        html.push_str(
            "<table cellpadding=\"4\" style=\"border-collapse:collapse\"><thead><tr><th align=\"left\">Topic</th><th align=\"left\">Kind</th>\
             <th align=\"right\">Comments and questions</th><th align=\"right\">Change</th><th align=\"right\">Negative</th><th align=\"left\">Hot-button</th></tr></thead><tbody>",
        );
        for topic in &top {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td><td align=\"right\">{:.0}%</td><td>{}</td></tr>",
                escape(&topic.label),
                topic.kind.as_str(),
                topic.volume,
                escape(&topic.change()),
                topic.negative_share() * 100.0,
                escape(topic.hot.as_deref().unwrap_or_default())
            );
        }
        html.push_str("</tbody></table>");
    }
    let _ = write!(html, "<p><a href=\"{}\">Open the whole report, with example comments</a></p><p>{} HR</p>", escape(link), escape(organisation));

    RenderedEmail { subject: format!("Hot-button trends: {period}"), text, html }
}
