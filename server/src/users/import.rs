//! Employee import from CSV, shared by `herald import employees` and the web form.
//!
//! The whole file is parsed and checked before anything is written. Rows are
//! matched on email, so importing the same file twice updates instead of
//! duplicating. Rejected rows are reported with their line numbers; unless the
//! caller asks to skip them, one bad row means nothing is imported.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set, TransactionTrait};

use super::email::Email;
use super::service::{self, NewUser};
use crate::auth::Role;
use crate::entities::user;
use crate::error::{AppError, Result};

const REQUIRED: [&str; 2] = ["email", "name"];
const KNOWN: [&str; 6] = ["email", "name", "department", "location", "manager_email", "role"];
pub const MAX_ROWS: usize = 200_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ParsedImport {
    pub rows: Vec<NewUser>,
    pub rejected: Vec<Rejected>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Parses and validates a CSV file; errors only when the file as a whole is unusable.
pub fn parse(input: &[u8]) -> Result<ParsedImport, String> {
    let lines = LineIndex::new(input);
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(input);
    let headers = reader.headers().map_err(|err| format!("cannot read the header row: {err}"))?.clone();
    let columns: HashMap<String, usize> =
        headers.iter().enumerate().map(|(i, name)| (normalise_header(name), i)).collect();
    for required in REQUIRED {
        if !columns.contains_key(required) {
            return Err(format!("the header row has no {required:?} column (found: {})", headers.iter().collect::<Vec<_>>().join(", ")));
        }
    }
    if let Some(unknown) = columns.keys().find(|name| !KNOWN.contains(&name.as_str())) {
        return Err(format!("unknown column {unknown:?}; expected columns: {}", KNOWN.join(", ")));
    }

    let mut parsed = ParsedImport::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|err| format!("the file is not valid CSV: {err}"))?;
        let line = record.position().map_or(0, |p| lines.line_of_record_at(p.byte()));
        if parsed.rows.len() + parsed.rejected.len() >= MAX_ROWS {
            return Err(format!("the file has more than {MAX_ROWS} rows; split it"));
        }
        let field = |name: &str| columns.get(name).and_then(|&i| record.get(i)).unwrap_or("");
        match parse_row(field) {
            Ok(row) => match seen.insert(row.email.as_str().to_owned(), line) {
                Some(first) => parsed.rejected.push(Rejected { line, reason: format!("{} already appears on line {first}", row.email) }),
                None => parsed.rows.push(row),
            },
            Err(reason) => parsed.rejected.push(Rejected { line, reason }),
        }
    }
    Ok(parsed)
}

/// Line numbers as an editor shows them, for a record's byte offset.
///
/// The csv reader's own `Position::line` counts `\n` bytes up to where it
/// stopped after the previous record: after a `\r\n` terminator that is the
/// `\r`, so every line of a CRLF file came out one too low, and a file ending
/// lines with a lone `\r` stayed on line 1. Counting breaks in the bytes
/// themselves (`\r\n`, `\n` or a lone `\r`, the terminators the reader
/// accepts) gives the file's own numbers, quoted multi-line fields included.
struct LineIndex<'a> {
    bytes: &'a [u8],
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// The line a record starts on: the reader reports the offset where it
    /// began looking, which may be the rest of the previous terminator or
    /// blank lines it skipped, so those are stepped over first.
    fn line_of_record_at(&self, offset: u64) -> u64 {
        let from = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        let start = self.bytes[from..].iter().position(|b| !matches!(b, b'\r' | b'\n')).map_or(self.bytes.len(), |skip| from + skip);
        let before = &self.bytes[..start];
        let breaks = before
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
            .count();
        breaks as u64 + 1
    }
}

fn normalise_header(name: &str) -> String {
    name.trim().trim_start_matches('\u{feff}').to_lowercase().replace([' ', '-'], "_")
}

fn parse_row<'a>(field: impl Fn(&str) -> &'a str) -> Result<NewUser, String> {
    let role = match field("role") {
        "" => Role::Employee,
        raw => raw.parse::<Role>()?,
    };
    let mut row = NewUser::parse(field("email"), field("name"), field("department"), field("location"), role)?;
    row.manager_email = match field("manager_email") {
        "" => None,
        raw => Some(Email::parse(raw).map_err(|err| format!("manager email: {err}"))?),
    };
    Ok(row)
}

/// Writes the rows in one transaction: all of them, or none on error.
/// Imported people get no password; an admin issues one when they need to sign in.
pub async fn apply(db: &DatabaseConnection, rows: &[NewUser], progress: impl Fn(u64)) -> Result<ImportSummary> {
    let txn = db.begin().await?;
    let mut summary = ImportSummary::default();
    let now = Utc::now();
    for (i, row) in rows.iter().enumerate() {
        match service::find_by_email(&txn, row.email.as_str()).await? {
            Some(existing) => {
                let manager = row.manager_email.as_ref().map(|m| m.as_str().to_owned());
                let same = existing.name == row.name
                    && existing.department == row.department
                    && existing.location == row.location
                    && existing.manager_email == manager;
                if same {
                    summary.unchanged += 1;
                } else {
                    let mut active: user::ActiveModel = existing.into();
                    active.name = Set(row.name.clone());
                    active.department = Set(row.department.clone());
                    active.location = Set(row.location.clone());
                    active.manager_email = Set(manager);
                    active.updated_at = Set(now);
                    active.update(&txn).await?;
                    summary.updated += 1;
                }
            }
            None => {
                user::ActiveModel {
                    email: Set(row.email.as_str().to_owned()),
                    name: Set(row.name.clone()),
                    department: Set(row.department.clone()),
                    location: Set(row.location.clone()),
                    manager_email: Set(row.manager_email.as_ref().map(|m| m.as_str().to_owned())),
                    role: Set(row.role.as_str().to_owned()),
                    password_hash: Set(None),
                    must_change_password: Set(false),
                    active: Set(true),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                summary.created += 1;
            }
        }
        progress(i as u64 + 1);
    }
    txn.commit().await?;
    Ok(summary)
}

/// Parse, then apply unless rows were rejected and `skip_invalid` is off.
pub async fn import(
    db: &DatabaseConnection,
    input: &[u8],
    skip_invalid: bool,
    progress: impl Fn(u64),
) -> Result<(ImportSummary, Vec<Rejected>)> {
    let parsed = parse(input).map_err(|err| AppError::Unprocessable(format!("The file was not imported: {err}.")))?;
    if !parsed.rejected.is_empty() && !skip_invalid {
        return Ok((ImportSummary::default(), parsed.rejected));
    }
    let summary = apply(db, &parsed.rows, progress).await?;
    Ok((summary, parsed.rejected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_bad_rows_with_line_numbers() {
        let csv = "email,name,department,location,manager_email\n\
                   ana@example.com,Ana,Finance,Lisbon,boss@example.com\n\
                   not-an-email,Bob,Finance,Lisbon,\n\
                   carl@example.com,,Sales,Porto,\n\
                   ANA@example.com,Ana again,Finance,Lisbon,\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let lines: Vec<u64> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(parsed.rejected[2].reason.contains("line 2"));
    }

    fn rejected_lines(csv: &str) -> Vec<u64> {
        parse(csv.as_bytes()).unwrap().rejected.iter().map(|r| r.line).collect()
    }

    #[test]
    fn line_numbers_match_the_file_whatever_its_line_endings() {
        assert_eq!(rejected_lines("email,name\r\na@example.com,A\r\nbad,B\r\n"), vec![3], "CRLF, as Excel writes");
        assert_eq!(rejected_lines("email,name\ra@example.com,A\rbad,B\r"), vec![3], "lone CR");
        assert_eq!(rejected_lines("\u{feff}email,name\r\na@example.com,A\r\nbad,B\r\n"), vec![3], "BOM");
        assert_eq!(rejected_lines("email,name\r\n\r\na@example.com,A\r\n\r\nbad,B"), vec![5], "blank lines, no final break");
    }

    #[test]
    fn quoted_multi_line_fields_count_their_lines() {
        let csv = "email,name,location\r\na@example.com,A,\"Building 2\r\nFloor 3\"\r\nbad,B,\"x\ny\"\r\nc@example.com,C,\r\nworse,D,\r\n";
        // Line breaks inside a value are refused too, on the line the record starts.
        assert_eq!(rejected_lines(csv), vec![2, 4, 7]);
    }

    #[test]
    fn refuses_files_without_required_columns() {
        assert!(parse("name,department\nAna,Finance\n".as_bytes()).unwrap_err().contains("email"));
        assert!(parse("email,name,salary\na@example.com,A,1\n".as_bytes()).unwrap_err().contains("salary"));
    }

    #[test]
    fn headers_are_case_and_space_insensitive() {
        let parsed = parse("Email,Name,Manager Email\na@example.com,A,b@example.com\n".as_bytes()).unwrap();
        assert_eq!(parsed.rows[0].manager_email.as_ref().unwrap().as_str(), "b@example.com");
    }
}
