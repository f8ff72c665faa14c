//! Drops `idx_events_announcement` (announcement_id, kind): every query that
//! used it is served as well by `idx_events_announcement_id`
//! (announcement_id, id), and each stored click paid for both. One index
//! fewer is one B-tree insert fewer per click the loader stores.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX idx_events_announcement").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX idx_events_announcement ON tracking_events (announcement_id, kind) WHERE announcement_id IS NOT NULL")
            .await?;
        Ok(())
    }
}
