//! The click log: an append-only file of tracking events, one JSON line
//! each, in numbered segments under `DATA_DIR/events/`. A batch of clicks is
//! one `write(2)`; once it returns the kernel holds the lines, so a process
//! killed at any moment afterwards loses none of them (a power cut can lose
//! what the kernel had not written yet, as with SQLite's own WAL at
//! `synchronous=NORMAL`). The loader (see [`super::recorder`]) moves the
//! lines into the database and remembers, in the same transaction, how far
//! it got, so every line is stored exactly once, also after a crash.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::recorder::NewEvent;

/// A segment is closed and a new one started past this size.
const SEGMENT_BYTES: u64 = 64 * 1024 * 1024;

/// How far the log has been written or loaded: segment number and byte offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub segment: u64,
    pub offset: u64,
}

impl Position {
    pub fn encode(self) -> String {
        format!("{}:{}", self.segment, self.offset)
    }

    pub fn decode(value: &str) -> Option<Position> {
        let (segment, offset) = value.split_once(':')?;
        Some(Position { segment: segment.parse().ok()?, offset: offset.parse().ok()? })
    }
}

struct Writer {
    file: File,
    at: Position,
}

#[derive(Clone)]
pub struct EventLog {
    dir: PathBuf,
    writer: Arc<Mutex<Writer>>,
}

fn segment_path(dir: &Path, segment: u64) -> PathBuf {
    dir.join(format!("{segment:010}.log"))
}

impl EventLog {
    pub fn open(dir: &Path) -> io::Result<EventLog> {
        std::fs::create_dir_all(dir)?;
        let segment = segments(dir)?.last().copied().unwrap_or(1);
        let file = OpenOptions::new().create(true).append(true).open(segment_path(dir, segment))?;
        let offset = file.metadata()?.len();
        Ok(EventLog { dir: dir.to_path_buf(), writer: Arc::new(Mutex::new(Writer { file, at: Position { segment, offset } })) })
    }

    /// Appends the events with one write; returns the position after them.
    pub fn append(&self, events: &[&NewEvent]) -> io::Result<Position> {
        let mut buffer = Vec::with_capacity(events.len() * 256);
        for event in events {
            serde_json::to_writer(&mut buffer, event).map_err(io::Error::other)?;
            buffer.push(b'\n');
        }
        let mut writer = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        writer.file.write_all(&buffer)?;
        writer.at.offset += buffer.len() as u64;
        let written = writer.at;
        if writer.at.offset >= SEGMENT_BYTES {
            let next = writer.at.segment + 1;
            writer.file = OpenOptions::new().create(true).append(true).open(segment_path(&self.dir, next))?;
            writer.at = Position { segment: next, offset: 0 };
        }
        Ok(written)
    }

    /// The position after everything written so far.
    pub fn written(&self) -> Position {
        self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).at
    }

    /// Complete lines of `segment` from `offset`, at most `limit` of them
    /// and none past the offset `until` (a line end) if given, with the
    /// offset after the last one returned. A torn last line (the writer was
    /// killed mid-write) is left alone. `bytes` is the caller's to reuse
    /// from read to read (a fresh megabyte each time costs page faults).
    pub fn read(&self, from: Position, limit: usize, until: Option<u64>, bytes: &mut Vec<u8>) -> io::Result<(Vec<NewEvent>, u64)> {
        let mut file = match File::open(segment_path(&self.dir, from.segment)) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), from.offset)),
            Err(error) => return Err(error),
        };
        file.seek(SeekFrom::Start(from.offset))?;
        bytes.clear();
        // Enough for a full batch of lines, not the whole backlog.
        let budget = limit as u64 * 1024;
        file.take(until.map_or(budget, |until| budget.min(until.saturating_sub(from.offset)))).read_to_end(bytes)?;
        let mut events = Vec::new();
        let mut consumed = 0usize;
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            if events.len() == limit || !line.ends_with(b"\n") {
                break;
            }
            consumed += line.len();
            match serde_json::from_slice::<NewEvent>(&line[..line.len() - 1]) {
                Ok(event) => events.push(event),
                // A line this version cannot read is skipped, not retried forever.
                Err(error) => tracing::error!(%error, segment = from.segment, "unreadable line in the click log"),
            }
        }
        Ok((events, from.offset + consumed as u64))
    }

    /// Whether a segment after `segment` exists, i.e. `segment` is closed.
    pub fn is_closed(&self, segment: u64) -> io::Result<bool> {
        Ok(segments(&self.dir)?.iter().any(|s| *s > segment))
    }

    /// Deletes the segments before `segment` (all loaded).
    pub fn remove_before(&self, segment: u64) -> io::Result<()> {
        for old in segments(&self.dir)?.into_iter().filter(|s| *s < segment) {
            std::fs::remove_file(segment_path(&self.dir, old))?;
        }
        Ok(())
    }

    /// The first segment on disk (where loading starts on a new install).
    pub fn first_segment(&self) -> io::Result<u64> {
        Ok(segments(&self.dir)?.first().copied().unwrap_or(1))
    }
}

fn segments(dir: &Path) -> io::Result<Vec<u64>> {
    let mut numbers: Vec<u64> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().to_str()?.strip_suffix(".log")?.parse().ok())
        .collect();
    numbers.sort_unstable();
    Ok(numbers)
}
