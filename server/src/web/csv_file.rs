//! Tables as CSV downloads. Cells are written as text a spreadsheet will
//! not run: a cell that starts like a formula (`=`, `+`, `-`, `@`, tab or
//! carriage return) gets a leading apostrophe, since comments and titles
//! come from people and a spreadsheet would otherwise evaluate them.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, Result};

pub fn safe_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        // Numbers like "-0.5" stay numbers: only text is guarded.
        Some('-' | '+') if value.parse::<f64>().is_ok() => value.into(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// A CSV attachment named `file_name` with a header row and rows.
pub fn download<R, C>(file_name: &str, header_row: &[&str], rows: R) -> Result<Response>
where
    R: IntoIterator<Item = Vec<C>>,
    C: AsRef<str>,
{
    let failed = |error: csv::Error| AppError::Internal(error.into());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header_row).map_err(failed)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| safe_cell(cell.as_ref()).into_owned())).map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|error| AppError::Internal(anyhow::anyhow!("csv: {error}")))?;
    let disposition = format!("attachment; filename=\"{}\"", file_name.replace(['"', '\\', '\r', '\n'], "_"));
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        assert_eq!(safe_cell("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("+1+1 is fun"), "'+1+1 is fun");
        assert_eq!(safe_cell("-0.300"), "-0.300");
        assert_eq!(safe_cell("Dental"), "Dental");
        assert_eq!(safe_cell(""), "");
    }
}
