//! The outbox's due index gains `id` as its last column (and a new name): a claim takes the
//! queued messages in `(next_attempt_at, id)` order, and with the index in
//! that order it reads the first few entries and stops, where it used to
//! sort every queued message of a blast on each claim. (SQLite keeps the
//! rowid at the end of every index already; PostgreSQL needs the column.)

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX idx_outbox_due_in_order ON outbox (status, next_attempt_at, id)").await?;
        db.execute_unprepared("DROP INDEX idx_outbox_due").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX idx_outbox_due ON outbox (status, next_attempt_at)").await?;
        db.execute_unprepared("DROP INDEX idx_outbox_due_in_order").await?;
        Ok(())
    }
}
