//! Per-person posting limits, anonymous comments included.
//!
//! The counter lives only in this server's memory, keyed by user id and
//! holding nothing but times: writing it to the database would record who
//! posted when, which is exactly what an anonymous comment must not leave
//! behind. With several servers each keeps its own count (see docs/comments.md).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::AppError;

/// How many comments one person may post within [`WINDOW`].
pub const LIMIT: usize = 6;
pub const WINDOW: Duration = Duration::from_secs(10 * 60);

#[derive(Default)]
pub struct PostingLimits {
    recent: Mutex<HashMap<i32, VecDeque<Instant>>>,
}

impl PostingLimits {
    /// Counts a post by `user_id`, or refuses it with how long to wait.
    pub fn admit(&self, user_id: i32) -> Result<(), AppError> {
        self.admit_at(user_id, Instant::now())
    }

    fn admit_at(&self, user_id: i32, now: Instant) -> Result<(), AppError> {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget people whose window has passed, so the map stays small.
        recent.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < WINDOW));
        let times = recent.entry(user_id).or_default();
        while times.front().is_some_and(|first| now.duration_since(*first) >= WINDOW) {
            times.pop_front();
        }
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
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_per_person_and_the_window_slides() {
        let limits = PostingLimits::default();
        let start = Instant::now();
        for _ in 0..LIMIT {
            limits.admit_at(1, start).unwrap();
        }
        let refused = limits.admit_at(1, start + Duration::from_secs(60)).unwrap_err().to_string();
        assert!(refused.contains("wait 9 minutes"), "{refused}");
        limits.admit_at(2, start).unwrap();
        limits.admit_at(1, start + WINDOW).unwrap();
    }
}
