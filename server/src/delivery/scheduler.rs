//! Starts scheduled announcements (and those whose undo window ended) when
//! their time comes, by the clock tests control. Every server runs
//! one; the move out of `scheduled` is conditional, so only one starts each.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::{watch, Notify};

use crate::error::AppError;
use crate::spotlights::{sending, service};

pub async fn run(db: DatabaseConnection, host: String, clock: crate::clock::Clock, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        match service::due(&db, clock.now()).await {
            Ok(ids) => {
                for id in ids {
                    match sending::start_sending(&db, id, &host).await {
                        Ok(report) => {
                            tracing::info!(announcement = id, recipients = report.recipients, "scheduled announcement started");
                            wake.notify_waiters();
                        }
                        // Another server started it first.
                        Err(AppError::Conflict(_)) => {}
                        Err(err) => {
                            tracing::warn!(announcement = id, error = %err, "scheduled announcement could not start");
                            let _ = super::scheduled_failed(&db, id, &err.to_string()).await;
                        }
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "could not look for scheduled announcements"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => {}
        }
    }
}
