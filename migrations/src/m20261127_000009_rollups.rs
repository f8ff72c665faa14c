//! Analytics rollups: one row per announcement holding its dashboard
//! figures, kept current in the background as events, comments and
//! reactions arrive, so a dashboard (and every baseline, which needs the
//! figures of fifty earlier announcements) reads rows instead of scanning
//! the events. `signature` says which state of the data the figures are of.
//! No time is kept: when a rollup was recomputed would date the change that
//! caused it, and an anonymous comment is such a change (docs/anonymity.md).
//!
//! The index on (announcement_id, id) makes "the newest event of this
//! announcement" a single index lookup, which is what the signature needs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AnalyticsRollups {
    Table,
    AnnouncementId,
    Signature,
    Figures,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AnalyticsRollups as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::AnnouncementId).integer().not_null().primary_key())
                    .col(text(R::Signature))
                    .col(text(R::Figures))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX idx_events_announcement_id ON tracking_events (announcement_id, id) WHERE announcement_id IS NOT NULL")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX idx_events_announcement_id").await?;
        manager.drop_table(Table::drop().table(AnalyticsRollups::Table).to_owned()).await
    }
}
