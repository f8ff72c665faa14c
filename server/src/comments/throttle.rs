//! Posting limits whose answers say nothing about anonymous comments.
//!
//! Named comments are limited per person: they carry their author and time
//! anyway, so "wait N minutes" tells nothing new. Anonymous comments never
//! count toward that limit: someone who signs in as a person (an admin can
//! create sessions and tokens for anyone) and posts until refused would
//! otherwise learn how many anonymous comments that person wrote lately.
//! Anonymous comments are limited per session or API token instead, so
//! only the very browser or token that posted them can run into the limit,
//! and that refusal names no time. Signing in again starts a new count; the
//! login throttle bounds how often that can be done.
//!
//! Everything here lives in this server's memory only, holding nothing but
//! times: it is never written to the database or the log, and it resets
//! when the server restarts. With several servers each keeps its own count
//! (see docs/anonymity.md).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::AuthSession;
use crate::error::AppError;

/// How many comments one person (named) or one session (anonymous) may post within [`WINDOW`].
pub const LIMIT: usize = 6;
pub const WINDOW: Duration = Duration::from_secs(10 * 60);

/// The refusal of an anonymous post: the same words whenever it comes, no time in it.
pub const ANONYMOUS_REFUSAL: &str = "You have posted several comments in a short time from this session. Please wait a few minutes before posting again.";

#[derive(Default)]
pub struct PostingLimits {
    /// Named posts per user id.
    named: Mutex<HashMap<i32, VecDeque<Instant>>>,
    /// Every post per session or token, for the anonymous limit.
    per_credential: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl PostingLimits {
    /// Counts a post by `auth`, or refuses it.
    pub fn admit(&self, auth: &AuthSession, anonymous: bool) -> Result<(), AppError> {
        self.admit_at(auth.user.id, &auth.credential, anonymous, Instant::now())
    }

    fn admit_at(&self, user_id: i32, credential: &str, anonymous: bool, now: Instant) -> Result<(), AppError> {
        let mut named = lock(&self.named);
        let mut per_credential = lock(&self.per_credential);
        let session_posts = recent(&mut per_credential, credential.to_owned(), now);
        if anonymous {
            if session_posts.len() >= LIMIT {
                return Err(AppError::TooManyRequests(ANONYMOUS_REFUSAL.into()));
            }
            session_posts.push_back(now);
            return Ok(());
        }
        let times = recent(&mut named, user_id, now);
        if times.len() >= LIMIT {
            let wait = WINDOW.saturating_sub(now.duration_since(times[0]));
            let minutes = wait.as_secs().div_ceil(60).max(1);
            return Err(AppError::TooManyRequests(format!(
                "You have posted {LIMIT} comments in the last {} minutes. Please wait {minutes} minute{} before posting again.",
                WINDOW.as_secs() / 60,
                if minutes == 1 { "" } else { "s" }
            )));
        }
        times.push_back(now);
        // A named post counts toward its session's anonymous limit too (it
        // is no secret), never the other way round.
        recent(&mut per_credential, credential.to_owned(), now).push_back(now);
        Ok(())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The posts of `key` within the window, after forgetting older ones (and
/// everyone whose window has passed, so the map stays small).
fn recent<K: std::hash::Hash + Eq>(map: &mut HashMap<K, VecDeque<Instant>>, key: K, now: Instant) -> &mut VecDeque<Instant> {
    map.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < WINDOW));
    let times = map.entry(key).or_default();
    while times.front().is_some_and(|first| now.duration_since(*first) >= WINDOW) {
        times.pop_front();
    }
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_limit_is_per_person_and_the_window_slides() {
        let limits = PostingLimits::default();
        let start = Instant::now();
        for _ in 0..LIMIT {
            limits.admit_at(1, "a", false, start).unwrap();
        }
        let refused = limits.admit_at(1, "b", false, start + Duration::from_secs(60)).unwrap_err().to_string();
        assert!(refused.contains("wait 9 minutes"), "{refused}");
        limits.admit_at(2, "c", false, start).unwrap();
        limits.admit_at(1, "b", false, start + WINDOW).unwrap();
    }

    #[test]
    fn anonymous_posts_count_only_for_their_own_session_and_name_no_time() {
        let limits = PostingLimits::default();
        let start = Instant::now();
        for _ in 0..LIMIT {
            limits.admit_at(1, "theirs", true, start).unwrap();
        }
        // Another session of the same person, named or anonymous, sees nothing.
        for _ in 0..LIMIT {
            limits.admit_at(1, "admin-made", false, start).unwrap();
        }
        limits.admit_at(1, "another", true, start).unwrap();
        let refused = limits.admit_at(1, "theirs", true, start + Duration::from_secs(61)).unwrap_err().to_string();
        assert!(refused.contains(ANONYMOUS_REFUSAL), "{refused}");
        assert!(!refused.chars().any(|c| c.is_ascii_digit()), "{refused}");
    }
}
