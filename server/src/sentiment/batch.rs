//! Bulk scoring for `herald sentiment`: one text per line in, one JSON object per line
//! out, in input order.
//!
//! Scoring is pure CPU work with no shared state, so the reading thread deals chunks of
//! lines round-robin to one worker per core and writes the answers back in the same
//! round-robin order. A bounded number of chunks is in flight, so memory stays small on
//! inputs of any size, and the workers live for the whole run (their word caches stay
//! warm).

use std::io::{self, BufRead, Write};
use std::sync::mpsc;
use std::thread;

/// Lines per chunk handed to a worker.
const CHUNK_LINES: usize = 256;
/// Chunks queued per worker before the reader waits for answers.
const CHUNKS_IN_FLIGHT_PER_WORKER: usize = 4;

/// Scores every line of `input` and writes `{"compound":c,"label":"..."}` lines to
/// `output`, using up to `threads` scoring threads. Input must be UTF-8: every line before
/// an invalid one is answered, then the error is returned.
pub fn score_lines(input: impl BufRead, mut output: impl Write, threads: usize) -> io::Result<()> {
    let threads = threads.max(1);
    let mut lines = input.lines();
    let (first, unread) = read_chunk(&mut lines);
    let result = if threads == 1 || first.len() < CHUNK_LINES || unread.is_some() {
        // One thread asked for, or a short input that threads would only slow down.
        score_serially(first, unread, &mut lines, &mut output)
    } else {
        score_in_parallel(first, &mut lines, &mut output, threads)
    };
    output.flush()?;
    result
}

type Lines<'a> = dyn Iterator<Item = io::Result<String>> + 'a;

fn score_serially(
    mut chunk: Vec<String>,
    mut unread: Option<io::Error>,
    lines: &mut Lines<'_>,
    output: &mut impl Write,
) -> io::Result<()> {
    loop {
        output.write_all(render(&chunk).as_bytes())?;
        if let Some(err) = unread {
            return Err(err);
        }
        if chunk.is_empty() {
            return Ok(());
        }
        (chunk, unread) = read_chunk(lines);
    }
}

fn score_in_parallel(
    first: Vec<String>,
    lines: &mut Lines<'_>,
    output: &mut impl Write,
    threads: usize,
) -> io::Result<()> {
    let stopped = || io::Error::other("a sentiment worker stopped");
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (to_worker, chunks) =
                    mpsc::sync_channel::<Vec<String>>(CHUNKS_IN_FLIGHT_PER_WORKER);
                let (answers, from_worker) = mpsc::channel::<String>();
                scope.spawn(move || {
                    for chunk in chunks {
                        if answers.send(render(&chunk)).is_err() {
                            break;
                        }
                    }
                });
                (to_worker, from_worker)
            })
            .collect();
        // Chunks go to the workers round-robin, so answers come back in the same order.
        let (mut sent, mut written) = (0usize, 0usize);
        let mut write_next = |written: &mut usize| -> io::Result<()> {
            let answer = workers[*written % threads]
                .1
                .recv()
                .map_err(|_| stopped())?;
            *written += 1;
            output.write_all(answer.as_bytes())
        };
        let (mut chunk, mut unread) = (first, None);
        while !chunk.is_empty() {
            workers[sent % threads]
                .0
                .send(chunk)
                .map_err(|_| stopped())?;
            sent += 1;
            if sent - written > threads * CHUNKS_IN_FLIGHT_PER_WORKER {
                write_next(&mut written)?;
            }
            if unread.is_some() {
                break;
            }
            (chunk, unread) = read_chunk(lines);
        }
        while written < sent {
            write_next(&mut written)?;
        }
        unread.map_or(Ok(()), Err)
        // Leaving the scope drops the senders, which ends the workers.
    })
}

/// Up to [`CHUNK_LINES`] lines (none at the end of the input), and the error that
/// stopped the reading early, if one did.
fn read_chunk(lines: &mut Lines<'_>) -> (Vec<String>, Option<io::Error>) {
    let mut chunk = Vec::with_capacity(CHUNK_LINES);
    for line in lines.take(CHUNK_LINES) {
        match line {
            Ok(line) => chunk.push(line),
            Err(err) => return (chunk, Some(err)),
        }
    }
    (chunk, None)
}

fn render(lines: &[String]) -> String {
    let mut out = String::with_capacity(lines.len() * 40);
    for line in lines {
        let scored = super::score(line);
        out.push_str("{\"compound\":");
        push_fixed4(&mut out, scored.compound);
        out.push_str(",\"label\":\"");
        out.push_str(scored.label.as_str());
        out.push_str("\"}\n");
    }
    out
}

/// Appends `x` with exactly four decimals ("-0.4019"), without the general float
/// formatter (which was a tenth of the command's time).
fn push_fixed4(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    let scaled = (x * 10_000.0).round() as i64;
    if scaled < 0 {
        out.push('-');
    }
    let abs = scaled.unsigned_abs();
    let _ = write!(out, "{}.{:04}", abs / 10_000, abs % 10_000);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compound_scores_are_written_with_four_decimals() {
        let cases = [
            (0.0, "0.0000"),
            (1.0, "1.0000"),
            (-1.0, "-1.0000"),
            (-0.4019, "-0.4019"),
            (0.12346, "0.1235"),
            (-0.05, "-0.0500"),
            (0.00004, "0.0000"),
        ];
        for (x, want) in cases {
            let mut s = String::new();
            push_fixed4(&mut s, x);
            assert_eq!(s, want, "{x}");
        }
    }

    #[test]
    fn output_keeps_input_order_across_threads() {
        let texts: Vec<String> = (0..20_000)
            .map(|i| {
                if i % 3 == 0 {
                    format!("{i} this is great")
                } else if i % 3 == 1 {
                    format!("{i} this is awful")
                } else {
                    format!("{i} the form")
                }
            })
            .collect();
        let input = texts.join("\n");
        let mut parallel = Vec::new();
        score_lines(input.as_bytes(), &mut parallel, 4).unwrap();
        let mut serial = Vec::new();
        score_lines(input.as_bytes(), &mut serial, 1).unwrap();
        assert_eq!(parallel, serial);
        let out = String::from_utf8(parallel).unwrap();
        let labels: Vec<&str> = out.lines().map(|l| l.rsplit(':').next().unwrap()).collect();
        assert_eq!(labels.len(), texts.len());
        for (i, label) in labels.iter().enumerate() {
            let want = ["\"positive\"}", "\"negative\"}", "\"neutral\"}"][i % 3];
            assert_eq!(*label, want, "line {i}");
        }
    }

    #[test]
    fn invalid_utf8_is_an_error_after_the_lines_before_it_are_answered() {
        for (good_lines, threads) in [(1, 2), (3 * CHUNK_LINES, 1), (3 * CHUNK_LINES, 2)] {
            let mut input = "fine\n".repeat(good_lines).into_bytes();
            input.extend_from_slice(b"\xff\xfe\nafter\n");
            let mut out = Vec::new();
            let err = score_lines(&input[..], &mut out, threads).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            let answered = out.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(
                answered, good_lines,
                "{good_lines} lines, {threads} threads"
            );
        }
    }
}
