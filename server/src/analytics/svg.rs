//! Small charts drawn on the server as SVG: horizontal bars and a column
//! timeline. They need no script, carry a title and a description for
//! screen readers, and every chart sits next to a table with its numbers.
//! (Two shapes do not justify a charting crate, which would also need font
//! metrics to lay out its labels.)

use std::fmt::Write;

use askama::filters::{escape, Html};

fn text(value: &str) -> String {
    escape(value, Html).map(|s| s.to_string()).unwrap_or_default()
}

/// Horizontal bars, one per (label, value), scaled to the largest value.
/// Each label sits on its own line above its bar, wrapped rather than cut,
/// so the chart reads the same on a phone; the numbers follow in a table.
pub fn bars(title: &str, rows: &[(String, f64)], unit: &str) -> String {
    let (width, bar_height, line_height, gap) = (400.0, 14.0, 16.0, 12.0);
    let bar_width = width - 56.0;
    let max = rows.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let wrapped: Vec<Vec<String>> = rows.iter().map(|(label, _)| wrap(label, LABEL_CHARACTERS)).collect();
    let height = wrapped.iter().map(|lines| lines.len() as f64 * line_height + bar_height + gap).sum::<f64>().max(gap) + 4.0;
    let description: Vec<String> = rows.iter().map(|(label, value)| format!("{label}: {}{unit}", format_value(*value))).collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart bars\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc>{}</desc>",
        text(title),
        text(&description.join("; "))
    );
    let mut y = 4.0;
    for ((_, value), lines) in rows.iter().zip(&wrapped) {
        for line in lines {
            y += line_height;
            let _ = write!(svg, "<text x=\"0\" y=\"{:.1}\" class=\"chart-label\">{}</text>", y - 4.0, text(line));
        }
        let length = (value / max * bar_width).max(if *value > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            "<rect x=\"0\" y=\"{y:.1}\" width=\"{length:.1}\" height=\"{bar_height}\" class=\"chart-bar\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-value\">{}{}</text>",
            length + 6.0,
            y + bar_height - 2.0,
            format_value(*value),
            text(unit)
        );
        y += bar_height + gap;
    }
    svg.push_str("</svg>");
    let table_rows: Vec<Vec<String>> = rows.iter().map(|(label, value)| vec![label.clone(), format!("{}{unit}", format_value(*value))]).collect();
    svg + &numbers_table(title, &["", "Value"], &table_rows)
}

/// About what fits one line of the 400-unit-wide bar chart at 12 px.
const LABEL_CHARACTERS: usize = 58;

/// Columns over time, two series side by side per bucket; a few labels
/// along the axis, every bucket's numbers in the table that follows.
pub fn columns(title: &str, labels: &[String], first: (&str, &[u64]), second: (&str, &[u64])) -> String {
    let count = labels.len().max(1);
    let (width, height, base) = (480.0, 190.0, 160.0);
    let slot = width / count as f64;
    let max = first.1.iter().chain(second.1.iter()).copied().max().unwrap_or(0).max(1) as f64;
    let total = |series: &[u64]| series.iter().sum::<u64>();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart columns\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc>{} {} and {} {} from {} to {}</desc>",
        text(title),
        total(first.1),
        text(first.0),
        total(second.1),
        text(second.0),
        text(labels.first().map(String::as_str).unwrap_or("")),
        text(labels.last().map(String::as_str).unwrap_or(""))
    );
    let _ = write!(svg, "<line x1=\"0\" y1=\"{base}\" x2=\"{width}\" y2=\"{base}\" class=\"chart-axis\"/>");
    // At most four labels, each with room for a date, so none overlaps or leaves the chart.
    let every = count.div_ceil(4).max(1);
    for (index, label) in labels.iter().enumerate() {
        let x = index as f64 * slot;
        for (series, (name, values), class) in [(0.0, first, "chart-bar"), (1.0, second, "chart-bar second")] {
            let value = values.get(index).copied().unwrap_or(0);
            let h = value as f64 / max * (base - 10.0);
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"{class}\"><title>{}: {value} {}</title></rect>",
                x + slot * (0.15 + 0.35 * series),
                base - h,
                slot * 0.33,
                text(label),
                text(name)
            );
        }
        if index % every == 0 && x + 100.0 <= width {
            let _ = write!(svg, "<text x=\"{:.1}\" y=\"{}\" class=\"chart-label\">{}</text>", x, base + 20.0, text(label));
        }
    }
    svg.push_str("</svg>");
    let table_rows: Vec<Vec<String>> = labels
        .iter()
        .enumerate()
        .map(|(index, label)| vec![label.clone(), first.1.get(index).copied().unwrap_or(0).to_string(), second.1.get(index).copied().unwrap_or(0).to_string()])
        .collect();
    svg + &numbers_table(title, &["", first.0, second.0], &table_rows)
}

/// The chart's numbers, folded under the chart: what a screen reader user or
/// anyone wanting the exact figure reads.
fn numbers_table(title: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut html = format!(
        "<details class=\"chart-numbers\"><summary>The numbers</summary><div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\"><table class=\"table compact\"><thead><tr>",
        text(title)
    );
    for (index, header) in headers.iter().enumerate() {
        let header = if index == 0 && header.is_empty() { title } else { header };
        let _ = write!(html, "<th scope=\"col\">{}</th>", text(header));
    }
    html.push_str("</tr></thead><tbody>");
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            let _ = write!(html, "<td>{}</td>", text(cell));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div></details>");
    html
}

/// Splits a label into lines of at most `limit` characters at spaces
/// (a longer word gets a line of its own, broken where it must be).
fn wrap(label: &str, limit: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > limit {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > limit {
            let rest: String = line.chars().skip(limit).collect();
            lines.push(line.chars().take(limit).collect());
            line = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn format_value(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_labelled_and_escaped() {
        let svg = bars("Clicks <by> item", &[("Dental <plan>".into(), 10.0), ("Vision".into(), 5.0)], "");
        assert!(svg.starts_with("<svg") && svg.contains("</svg><details class=\"chart-numbers\">") && svg.ends_with("</details>"));
        assert!(svg.contains("<title>Clicks &#60;by&#62; item</title>"));
        assert!(svg.contains("Dental &#60;plan&#62;: 10; Vision: 5"));
        assert!(svg.contains("width=\"344.0\"") && svg.contains("width=\"172.0\""), "{svg}");
        assert!(svg.contains("<td>Dental &#60;plan&#62;</td><td>10</td>"), "the numbers in a table: {svg}");
    }

    #[test]
    fn long_labels_wrap_instead_of_being_cut() {
        let label = "Parental leave and return-to-work policy for every office in the group, 2027 edition";
        let lines = wrap(label, LABEL_CHARACTERS);
        assert!(lines.len() == 2 && lines.iter().all(|line| line.chars().count() <= LABEL_CHARACTERS), "{lines:?}");
        assert_eq!(lines.join(" "), label);
        assert_eq!(wrap("x".repeat(130).as_str(), 58).len(), 3);
        assert_eq!(wrap("", 58), vec![String::new()]);
    }

    #[test]
    fn columns_describe_their_totals() {
        let svg = columns("Timeline", &["09:00".into(), "10:00".into()], ("opens", &[3, 1]), ("clicks", &[0, 2]));
        assert!(svg.contains("<desc>4 opens and 2 clicks from 09:00 to 10:00</desc>"), "{svg}");
    }
}
