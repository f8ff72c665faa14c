//! Pacing: spaces messages evenly so a server stays under its configured rate.

use std::time::{Duration, Instant};

/// Spaces messages evenly to stay under the configured rate.
pub struct Pacer {
    interval: Duration,
    next: std::sync::Mutex<Instant>,
}

impl Pacer {
    pub fn new(per_second: u32) -> Pacer {
        Pacer { interval: Duration::from_secs(1) / per_second.max(1), next: std::sync::Mutex::new(Instant::now()) }
    }

    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::Pacer;

    #[tokio::test]
    async fn spaces_messages_at_the_rate() {
        let pacer = Pacer::new(50);
        let start = std::time::Instant::now();
        for _ in 0..6 {
            pacer.wait().await;
        }
        // The first goes at once; five intervals of 20 ms follow.
        assert!(start.elapsed() >= std::time::Duration::from_millis(100));
    }
}
