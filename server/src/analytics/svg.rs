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
pub fn bars(title: &str, rows: &[(String, f64)], unit: &str) -> String {
    let row_height = 26.0;
    let (label_width, bar_width, width) = (190.0, 300.0, 560.0);
    let height = row_height * rows.len().max(1) as f64 + 8.0;
    let max = rows.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let mut svg = String::new();
    let description: Vec<String> = rows.iter().map(|(label, value)| format!("{label}: {}{unit}", format_value(*value))).collect();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc>{}</desc>",
        text(title),
        text(&description.join("; "))
    );
    for (index, (label, value)) in rows.iter().enumerate() {
        let y = index as f64 * row_height + 4.0;
        let length = (value / max * bar_width).max(if *value > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"chart-label\">{}</text><rect x=\"{}\" y=\"{}\" width=\"{length:.1}\" height=\"{}\" class=\"chart-bar\"/><text x=\"{}\" y=\"{}\" class=\"chart-value\">{}{}</text>",
            label_width - 8.0,
            y + 16.0,
            text(&shorten(label, 28)),
            label_width,
            y + 3.0,
            row_height - 8.0,
            label_width + length + 6.0,
            y + 16.0,
            format_value(*value),
            text(unit)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Columns over time, two series stacked side by side per bucket.
pub fn columns(title: &str, labels: &[String], first: (&str, &[u64]), second: (&str, &[u64])) -> String {
    let count = labels.len().max(1);
    let (width, height, base) = (720.0, 180.0, 150.0);
    let slot = width / count as f64;
    let max = first.1.iter().chain(second.1.iter()).copied().max().unwrap_or(0).max(1) as f64;
    let total = |series: &[u64]| series.iter().sum::<u64>();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc>{} {} and {} {} from {} to {}</desc>",
        text(title),
        total(first.1),
        text(first.0),
        total(second.1),
        text(second.0),
        text(labels.first().map(String::as_str).unwrap_or("")),
        text(labels.last().map(String::as_str).unwrap_or(""))
    );
    let _ = write!(svg, "<line x1=\"0\" y1=\"{base}\" x2=\"{width}\" y2=\"{base}\" class=\"chart-axis\"/>");
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
        // Label every few buckets so the text does not overlap.
        if index % count.div_ceil(8).max(1) == 0 {
            let _ = write!(svg, "<text x=\"{:.1}\" y=\"{}\" class=\"chart-label small\">{}</text>", x, base + 18.0, text(label));
        }
    }
    svg.push_str("</svg>");
    svg
}

fn format_value(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}

fn shorten(label: &str, limit: usize) -> String {
    if label.chars().count() <= limit {
        return label.to_owned();
    }
    format!("{}…", label.chars().take(limit - 1).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_labelled_and_escaped() {
        let svg = bars("Clicks <by> item", &[("Dental <plan>".into(), 10.0), ("Vision".into(), 5.0)], "");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>Clicks &#60;by&#62; item</title>"));
        assert!(svg.contains("Dental &#60;plan&#62;: 10; Vision: 5"));
        assert!(svg.contains("width=\"300.0\"") && svg.contains("width=\"150.0\""), "{svg}");
    }

    #[test]
    fn columns_describe_their_totals() {
        let svg = columns("Timeline", &["09:00".into(), "10:00".into()], ("opens", &[3, 1]), ("clicks", &[0, 2]));
        assert!(svg.contains("<desc>4 opens and 2 clicks from 09:00 to 10:00</desc>"), "{svg}");
    }
}
