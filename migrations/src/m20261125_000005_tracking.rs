//! Tracking and social spotlights: richer raw events (human or automated,
//! referrer host, daily visitor hash, the short link or portal view they came
//! from), short links and their share tree, social posts, once-a-day portal
//! views, and outbound webhooks with their delivery queue.
//!
//! `tracking_events` is rebuilt rather than altered: an event of a shared
//! library item belongs to no announcement, and SQLite cannot relax a NOT
//! NULL column in place. Existing events are copied over with their ids.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    #[sea_orm(iden = "tracking_events_v2")]
    Table,
    Id,
    AnnouncementId,
    CollateralId,
    RecipientId,
    UserId,
    LinkId,
    ShortLinkId,
    Kind,
    Channel,
    UserAgent,
    UaClass,
    Automated,
    BotReason,
    ReferrerHost,
    VisitorHash,
    OccurredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ShortLinks {
    Table,
    Id,
    Code,
    AnnouncementId,
    CollateralId,
    Channel,
    ParentId,
    OwnerUserId,
    Depth,
    Target,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SocialPosts {
    Table,
    Id,
    AnnouncementId,
    Channel,
    Body,
    ShortLinkId,
    CreatedBy,
    CreatedAt,
    Destination,
    PostedAt,
    PostStatus,
    PostResponse,
}

#[derive(DeriveIden, Clone, Copy)]
enum PortalViews {
    Table,
    Id,
    UserId,
    ItemKind,
    ItemId,
    Day,
}

#[derive(DeriveIden, Clone, Copy)]
enum Webhooks {
    Table,
    Id,
    Url,
    Secret,
    Events,
    Active,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    Event,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastStatus,
    LastError,
    CreatedAt,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild_events(manager).await?;

        manager
            .create_table(
                Table::create()
                    .table(ShortLinks::Table)
                    .col(id(ShortLinks::Id))
                    .col(string(ShortLinks::Code, 8))
                    .col(int_null(ShortLinks::AnnouncementId))
                    .col(int_null(ShortLinks::CollateralId))
                    .col(string(ShortLinks::Channel, 40))
                    .col(int_null(ShortLinks::ParentId))
                    .col(int_null(ShortLinks::OwnerUserId))
                    .col(int(ShortLinks::Depth))
                    .col(text(ShortLinks::Target))
                    .col(int_null(ShortLinks::CreatedBy))
                    .col(time(ShortLinks::CreatedAt))
                    .col(time_null(ShortLinks::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_short_links_code", ShortLinks::Table, &[ShortLinks::Code], true)).await?;
        manager.create_index(index("idx_short_links_announcement", ShortLinks::Table, &[ShortLinks::AnnouncementId], false)).await?;
        manager.create_index(index("idx_short_links_parent", ShortLinks::Table, &[ShortLinks::ParentId], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(SocialPosts::Table)
                    .col(id(SocialPosts::Id))
                    .col(int(SocialPosts::AnnouncementId))
                    .col(string(SocialPosts::Channel, 40))
                    .col(text(SocialPosts::Body))
                    .col(int(SocialPosts::ShortLinkId))
                    .col(int_null(SocialPosts::CreatedBy))
                    .col(time(SocialPosts::CreatedAt))
                    .col(ColumnDef::new(SocialPosts::Destination).string_len(100).null())
                    .col(time_null(SocialPosts::PostedAt))
                    .col(int_null(SocialPosts::PostStatus))
                    .col(text_null(SocialPosts::PostResponse))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_social_posts_announcement", SocialPosts::Table, &[SocialPosts::AnnouncementId], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(PortalViews::Table)
                    .col(id(PortalViews::Id))
                    .col(int(PortalViews::UserId))
                    .col(string(PortalViews::ItemKind, 20))
                    .col(int(PortalViews::ItemId))
                    .col(string(PortalViews::Day, 10))
                    .to_owned(),
            )
            .await?;
        use PortalViews as V;
        manager.create_index(index("idx_portal_views_once", V::Table, &[V::UserId, V::ItemKind, V::ItemId, V::Day], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(id(Webhooks::Id))
                    .col(text(Webhooks::Url))
                    .col(string(Webhooks::Secret, 64))
                    .col(text(Webhooks::Events))
                    .col(flag(Webhooks::Active))
                    .col(int_null(Webhooks::CreatedBy))
                    .col(time(Webhooks::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(ColumnDef::new(WebhookDeliveries::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(int(WebhookDeliveries::WebhookId))
                    .col(string(WebhookDeliveries::Event, 40))
                    .col(text(WebhookDeliveries::Payload))
                    .col(string(WebhookDeliveries::Status, 20))
                    .col(int(WebhookDeliveries::Attempts))
                    .col(time(WebhookDeliveries::NextAttemptAt))
                    .col(int_null(WebhookDeliveries::LastStatus))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(time(WebhookDeliveries::CreatedAt))
                    .col(time_null(WebhookDeliveries::DeliveredAt))
                    .foreign_key(ForeignKey::create().from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId).to(Webhooks::Table, Webhooks::Id).on_delete(ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        use WebhookDeliveries as D;
        manager.create_index(index("idx_webhook_deliveries_due", D::Table, &[D::Status, D::NextAttemptAt], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_deliveries", "webhooks", "portal_views", "social_posts", "short_links"] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}

async fn rebuild_events(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use Events as E;
    let backend = manager.get_database_backend();
    let create = Table::create()
        .table(E::Table)
        .col(ColumnDef::new(E::Id).big_integer().not_null().auto_increment().primary_key())
        .col(int_null(E::AnnouncementId))
        .col(int_null(E::CollateralId))
        .col(int_null(E::RecipientId))
        .col(int_null(E::UserId))
        .col(int_null(E::LinkId))
        .col(int_null(E::ShortLinkId))
        .col(string(E::Kind, 20))
        .col(string(E::Channel, 40))
        .col(string(E::UserAgent, 300))
        .col(ColumnDef::new(E::UaClass).string_len(20).not_null().default(""))
        .col(flag(E::Automated))
        .col(ColumnDef::new(E::BotReason).string_len(40).null())
        .col(ColumnDef::new(E::ReferrerHost).string_len(255).null())
        .col(ColumnDef::new(E::VisitorHash).string_len(32).null())
        .col(time(E::OccurredAt))
        .to_owned();
    // One transaction on one connection: SQLite's pooled connections could
    // otherwise see the schema from before the old table was dropped.
    let txn = manager.get_connection().begin().await?;
    txn.execute(backend.build(&create)).await?;
    txn.execute_unprepared(
        "INSERT INTO tracking_events_v2 (id, announcement_id, recipient_id, kind, link_id, collateral_id, channel, user_agent, occurred_at) \
         SELECT id, announcement_id, recipient_id, kind, link_id, collateral_id, channel, user_agent, occurred_at FROM tracking_events",
    )
    .await?;
    if backend == DbBackend::Postgres {
        // Copied ids must not be handed out again.
        txn.execute_unprepared("SELECT setval(pg_get_serial_sequence('tracking_events_v2', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM tracking_events_v2")
            .await?;
    }
    txn.execute_unprepared("DROP TABLE tracking_events").await?;
    txn.execute_unprepared("ALTER TABLE tracking_events_v2 RENAME TO tracking_events").await?;
    // Partial indexes: a short-link click has no recipient and an email
    // click no short link, so each row goes into only the index it needs
    // (both databases use them for `col = …` and `col IN (…)`).
    for index in [
        "CREATE INDEX idx_events_announcement ON tracking_events (announcement_id, kind) WHERE announcement_id IS NOT NULL",
        "CREATE INDEX idx_events_recipient ON tracking_events (recipient_id, occurred_at) WHERE recipient_id IS NOT NULL",
        "CREATE INDEX idx_events_short_link ON tracking_events (short_link_id, kind) WHERE short_link_id IS NOT NULL",
    ] {
        txn.execute_unprepared(index).await?;
    }
    txn.commit().await
}
