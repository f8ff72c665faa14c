//! Size limits inside the template engine. Fuel counts steps, not bytes: a
//! single `indent(6000000000)` or `replace` asks for gigabytes in one step. The
//! filters that grow text with an argument are replaced by ones that refuse
//! first, and every part is written into a writer that stops at
//! [`MAX_PART_BYTES`]. What is left (operators such as `~` and `*`, lazy
//! sequences) is bounded by the sandbox process that renders (see `crate::sandbox`).

use std::io;

use minijinja::value::{Rest, StringInput, Value};
use minijinja::{Environment, Error, ErrorKind, State};

/// The most one part of an email (subject, HTML, text) may be.
pub const MAX_PART_BYTES: usize = 1024 * 1024;
/// The widest `indent`, and the widest field a `format` may pad to.
const MAX_WIDTH: usize = 64;

fn too_large(what: &str) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("{what} would be larger than the 1 MB an email part may be"))
}

pub fn install(env: &mut Environment<'static>) {
    env.add_filter("indent", |value: StringInput<'_>, width: Option<usize>, first: Option<bool>, blank: Option<bool>, kwargs: minijinja::value::Kwargs| {
        let width = match width {
            Some(width) => width,
            None => kwargs.get::<Option<usize>>("width")?.unwrap_or(4),
        };
        if width > MAX_WIDTH {
            return Err(Error::new(ErrorKind::InvalidOperation, format!("indent is limited to {MAX_WIDTH} spaces")));
        }
        let lines = value.as_str().matches('\n').count() + 1;
        if value.as_str().len() + lines * width > MAX_PART_BYTES {
            return Err(too_large("the indented text"));
        }
        minijinja::filters::indent(value, Some(width), first, blank, kwargs)
    });
    env.add_filter("replace", |state: &State, value: StringInput<'_>, from: StringInput<'_>, to: StringInput<'_>| {
        let hits = if from.as_str().is_empty() { value.as_str().chars().count() + 1 } else { value.as_str().matches(from.as_str()).count() };
        if value.as_str().len().saturating_add(hits.saturating_mul(to.as_str().len())) > MAX_PART_BYTES {
            return Err(too_large("the replaced text"));
        }
        minijinja::filters::replace(state, value, from, to)
    });
    env.add_filter("join", |state: &State, value: &Value, joiner: Option<StringInput<'_>>| {
        let separator = joiner.as_ref().map_or(0, |j| j.as_str().len());
        let mut total = 0usize;
        // Stops at the limit, so a sequence of a billion items is not walked to its end.
        if let Ok(items) = value.try_iter() {
            for item in items {
                total = total.saturating_add(separator).saturating_add(item.as_str().map_or_else(|| item.to_string().len(), str::len));
                if total > MAX_PART_BYTES {
                    return Err(too_large("the joined text"));
                }
            }
        }
        minijinja::filters::join(state, value, joiner)
    });
    env.add_filter("format", |state: &State, format: &Value, args: Rest<Value>| {
        if format.as_str().is_some_and(has_wide_field) {
            return Err(Error::new(ErrorKind::InvalidOperation, format!("format fields are limited to {MAX_WIDTH} characters of padding")));
        }
        minijinja::filters::format(state, format, args)
    });
}

/// Whether a printf-style format pads or extends a field beyond [`MAX_WIDTH`].
fn has_wide_field(format: &str) -> bool {
    format.split('%').skip(1).any(|spec| {
        let spec = spec.trim_start_matches(['-', '+', ' ', '#', '0']);
        spec.split(|c: char| !c.is_ascii_digit()).take(3).any(|digits| digits.len() > 2 || digits.parse::<usize>().is_ok_and(|n| n > MAX_WIDTH))
    })
}

/// A writer that refuses to grow past [`MAX_PART_BYTES`]; `overflowed` tells
/// the render's error apart from other write failures.
#[derive(Default)]
pub struct BoundedOutput {
    pub bytes: Vec<u8>,
    pub overflowed: bool,
}

impl io::Write for BoundedOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_PART_BYTES {
            self.overflowed = true;
            return Err(io::Error::other("email part too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::has_wide_field;

    #[test]
    fn wide_format_fields_are_found() {
        assert!(!has_wide_field("%s and %d, %5.2f"));
        assert!(has_wide_field("%999999999s"));
        assert!(has_wide_field("%-100s"));
        assert!(has_wide_field("%.1000f"));
    }
}
