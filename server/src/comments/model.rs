//! What a comment belongs to, what it may say, and the rules every writer obeys.

use std::fmt;

use crate::error::AppError;

/// Longest comment, in characters.
pub const MAX_LENGTH: usize = 2_000;
/// How long after posting its author may still edit a comment.
pub const EDIT_MINUTES: i64 = 15;
/// A reply to a reply is as deep as a thread goes; replying deeper adds a sibling.
pub const MAX_DEPTH: i32 = 2;
/// The fixed set of reactions: (name in forms and the API, emoji shown).
pub const REACTIONS: [(&str, &str); 5] = [("like", "👍"), ("love", "❤️"), ("surprised", "😮"), ("worried", "😟"), ("angry", "😡")];

/// Words that hold a comment for review unless `review_words` in herald.toml says otherwise:
/// insults and threats, not criticism ("unfair", "angry" and "cut" are fine).
pub const DEFAULT_REVIEW_WORDS: [&str; 14] = [
    "idiot", "idiots", "moron", "stupid", "scum", "bastard", "bitch", "shit", "fuck", "fucking", "asshole", "kill you", "hurt you", "retard",
];

pub fn reaction_emoji(name: &str) -> Option<&'static str> {
    REACTIONS.iter().find(|(known, _)| *known == name).map(|(_, emoji)| *emoji)
}

/// Where a comment lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Announcement(i32),
    Collateral(i32),
    /// A private question to HR: only its asker and HR staff see the thread.
    Hr,
}

impl Target {
    pub fn kind(self) -> &'static str {
        match self {
            Target::Announcement(_) => "announcement",
            Target::Collateral(_) => "collateral",
            Target::Hr => "hr",
        }
    }

    pub fn id(self) -> i32 {
        match self {
            Target::Announcement(id) | Target::Collateral(id) => id,
            Target::Hr => 0,
        }
    }

    pub fn from_parts(kind: &str, id: i32) -> Option<Target> {
        match kind {
            "announcement" => Some(Target::Announcement(id)),
            "collateral" => Some(Target::Collateral(id)),
            "hr" => Some(Target::Hr),
            _ => None,
        }
    }

    pub fn of(comment: &crate::entities::comment::Model) -> Option<Target> {
        Target::from_parts(&comment.target_kind, comment.target_id)
    }

    /// Parses the `kind:id` form used in forms and the API (`hr` alone for private questions).
    pub fn parse(raw: &str) -> Result<Target, AppError> {
        let raw = raw.trim();
        if raw == "hr" {
            return Ok(Target::Hr);
        }
        let bad = || AppError::BadRequest(format!("unknown comment target {raw:?}; expected announcement:ID, collateral:ID or hr"));
        let (kind, id) = raw.split_once(':').ok_or_else(bad)?;
        let id: i32 = id.parse().map_err(|_| bad())?;
        Target::from_parts(kind, id).filter(|_| kind != "hr" && id > 0).ok_or_else(bad)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Hr => f.write_str("hr"),
            other => write!(f, "{}:{}", other.kind(), other.id()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Visible,
    /// Held for review by the word list; only HR and a named author see it.
    Pending,
    /// Hidden by HR with a reason its author can read.
    Hidden,
    /// Deleted by its author; the text is gone, the place in the thread stays.
    Deleted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Visible => "visible",
            Status::Pending => "pending",
            Status::Hidden => "hidden",
            Status::Deleted => "deleted",
        }
    }

    pub fn parse(raw: &str) -> Status {
        match raw {
            "pending" => Status::Pending,
            "hidden" => Status::Hidden,
            "deleted" => Status::Deleted,
            _ => Status::Visible,
        }
    }
}

/// A question is what its author marks as one, or any text that asks something.
pub fn looks_like_question(body: &str) -> bool {
    body.contains('?') || body.contains('？')
}

/// The text a comment may be stored with, or why not.
pub fn clean_body(raw: &str) -> Result<String, AppError> {
    let body = raw.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Err(AppError::Unprocessable("Write something before posting.".into()));
    }
    let length = body.chars().count();
    if length > MAX_LENGTH {
        return Err(AppError::Unprocessable(format!(
            "Comments are limited to {MAX_LENGTH} characters; this one has {length}. Shorten it and post again."
        )));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip_and_reject_garbage() {
        for raw in ["announcement:5", "collateral:12", "hr"] {
            assert_eq!(Target::parse(raw).unwrap().to_string(), raw);
        }
        for raw in ["", "announcement", "announcement:x", "announcement:-1", "hr:3", "user:1", "collateral:0"] {
            assert!(Target::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(clean_body("  hi \r\nthere ").unwrap(), "hi \nthere");
        assert!(clean_body("   ").is_err());
        assert!(clean_body(&"é".repeat(MAX_LENGTH)).is_ok());
        let too_long = clean_body(&"é".repeat(MAX_LENGTH + 1)).unwrap_err().to_string();
        assert!(too_long.contains("2001"), "{too_long}");
    }

    #[test]
    fn questions_are_detected_by_their_mark() {
        assert!(looks_like_question("Does this cover my kids?"));
        assert!(!looks_like_question("This is unfair."));
    }
}
