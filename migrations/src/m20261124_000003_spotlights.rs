//! Spotlights: run-time email templates, distribution lists, announcements
//! with their featured collateral and recipients, the durable outbox, tracked
//! links and events, bounces and in-app notifications.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    HardBounces,
}

#[derive(DeriveIden, Clone, Copy)]
enum Settings {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden, Clone, Copy)]
enum SpotlightTemplates {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Subject,
    HtmlBody,
    TextBody,
    Builtin,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DistributionLists {
    Table,
    Id,
    Name,
    Description,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DistributionListMembers {
    Table,
    Id,
    ListId,
    UserId,
    AddedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Announcements {
    Table,
    Id,
    Title,
    Subject,
    TemplateId,
    Message,
    Audience,
    Status,
    NotifyOnOpen,
    CreatedBy,
    ScheduledAt,
    StartedAt,
    CompletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AnnouncementItems {
    Table,
    Id,
    AnnouncementId,
    Position,
    CollateralId,
    CollateralVersion,
}

#[derive(DeriveIden, Clone, Copy)]
enum AnnouncementLinks {
    Table,
    Id,
    AnnouncementId,
    Url,
    CollateralId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Recipients {
    Table,
    Id,
    AnnouncementId,
    UserId,
    Email,
    Name,
    Department,
    Location,
    SkipReason,
    FirstOpenedAt,
    FirstVisitedAt,
    FirstClickedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    Table,
    Id,
    Kind,
    AnnouncementId,
    RecipientId,
    ToEmail,
    ToName,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    Attempts,
    NextAttemptAt,
    LockedBy,
    LockedUntil,
    MessageId,
    LastReply,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrackingEvents {
    Table,
    Id,
    AnnouncementId,
    RecipientId,
    Kind,
    LinkId,
    CollateralId,
    Channel,
    UserAgent,
    OccurredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Bounces {
    Table,
    Id,
    OutboxId,
    Email,
    Kind,
    Reason,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    UserId,
    Message,
    Url,
    CreatedAt,
    ReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Users::Table).add_column(ColumnDef::new(Users::HardBounces).integer().not_null().default(0)).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(ColumnDef::new(Settings::Key).string_len(100).not_null().primary_key())
                    .col(text(Settings::Value))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SpotlightTemplates::Table)
                    .col(id(SpotlightTemplates::Id))
                    .col(ColumnDef::new(SpotlightTemplates::Slug).string_len(80).not_null().unique_key())
                    .col(string(SpotlightTemplates::Name, 200))
                    .col(text(SpotlightTemplates::Description))
                    .col(text(SpotlightTemplates::Subject))
                    .col(text(SpotlightTemplates::HtmlBody))
                    .col(text(SpotlightTemplates::TextBody))
                    .col(flag(SpotlightTemplates::Builtin))
                    .col(int_null(SpotlightTemplates::UpdatedBy))
                    .col(time(SpotlightTemplates::CreatedAt))
                    .col(time(SpotlightTemplates::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DistributionLists::Table)
                    .col(id(DistributionLists::Id))
                    .col(ColumnDef::new(DistributionLists::Name).string_len(200).not_null().unique_key())
                    .col(text(DistributionLists::Description))
                    .col(int(DistributionLists::CreatedBy))
                    .col(time(DistributionLists::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DistributionListMembers::Table)
                    .col(id(DistributionListMembers::Id))
                    .col(int(DistributionListMembers::ListId))
                    .col(int(DistributionListMembers::UserId))
                    .col(time(DistributionListMembers::AddedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DistributionListMembers::Table, DistributionListMembers::ListId)
                            .to(DistributionLists::Table, DistributionLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(ForeignKey::create().from(DistributionListMembers::Table, DistributionListMembers::UserId).to(Users::Table, Users::Id))
                    .to_owned(),
            )
            .await?;
        use DistributionListMembers as M;
        manager.create_index(index("idx_list_members", M::Table, &[M::ListId, M::UserId], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Announcements::Table)
                    .col(id(Announcements::Id))
                    .col(string(Announcements::Title, 300))
                    .col(text(Announcements::Subject))
                    .col(int(Announcements::TemplateId))
                    .col(text(Announcements::Message))
                    .col(text(Announcements::Audience))
                    .col(string(Announcements::Status, 20))
                    .col(flag(Announcements::NotifyOnOpen))
                    .col(int(Announcements::CreatedBy))
                    .col(time_null(Announcements::ScheduledAt))
                    .col(time_null(Announcements::StartedAt))
                    .col(time_null(Announcements::CompletedAt))
                    .col(time(Announcements::CreatedAt))
                    .col(time(Announcements::UpdatedAt))
                    .foreign_key(ForeignKey::create().from(Announcements::Table, Announcements::TemplateId).to(SpotlightTemplates::Table, SpotlightTemplates::Id))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_announcements_status", Announcements::Table, &[Announcements::Status], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(AnnouncementItems::Table)
                    .col(id(AnnouncementItems::Id))
                    .col(int(AnnouncementItems::AnnouncementId))
                    .col(int(AnnouncementItems::Position))
                    .col(int(AnnouncementItems::CollateralId))
                    .col(int(AnnouncementItems::CollateralVersion))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AnnouncementItems::Table, AnnouncementItems::AnnouncementId)
                            .to(Announcements::Table, Announcements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        use AnnouncementItems as I;
        manager.create_index(index("idx_announcement_items", I::Table, &[I::AnnouncementId, I::CollateralId], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table(AnnouncementLinks::Table)
                    .col(id(AnnouncementLinks::Id))
                    .col(int(AnnouncementLinks::AnnouncementId))
                    .col(ColumnDef::new(AnnouncementLinks::Url).string_len(2000).not_null())
                    .col(int_null(AnnouncementLinks::CollateralId))
                    .to_owned(),
            )
            .await?;
        use AnnouncementLinks as L;
        manager.create_index(index("idx_announcement_links", L::Table, &[L::AnnouncementId, L::Url], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Recipients::Table)
                    .col(id(Recipients::Id))
                    .col(int(Recipients::AnnouncementId))
                    .col(int_null(Recipients::UserId))
                    .col(string(Recipients::Email, 320))
                    .col(string(Recipients::Name, 200))
                    .col(string(Recipients::Department, 200))
                    .col(string(Recipients::Location, 200))
                    .col(text_null(Recipients::SkipReason))
                    .col(time_null(Recipients::FirstOpenedAt))
                    .col(time_null(Recipients::FirstVisitedAt))
                    .col(time_null(Recipients::FirstClickedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Recipients::Table, Recipients::AnnouncementId)
                            .to(Announcements::Table, Announcements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        use Recipients as R;
        manager.create_index(index("idx_recipients_email", R::Table, &[R::AnnouncementId, R::Email], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(id(Outbox::Id))
                    .col(string(Outbox::Kind, 20))
                    .col(int_null(Outbox::AnnouncementId))
                    .col(ColumnDef::new(Outbox::RecipientId).integer().null().unique_key())
                    .col(string(Outbox::ToEmail, 320))
                    .col(string(Outbox::ToName, 200))
                    .col(text(Outbox::Subject))
                    .col(text(Outbox::TextBody))
                    .col(text(Outbox::HtmlBody))
                    .col(string(Outbox::Status, 20))
                    .col(int(Outbox::Attempts))
                    .col(time(Outbox::NextAttemptAt))
                    .col(ColumnDef::new(Outbox::LockedBy).string_len(64).null())
                    .col(time_null(Outbox::LockedUntil))
                    .col(string(Outbox::MessageId, 300))
                    .col(text_null(Outbox::LastReply))
                    .col(time_null(Outbox::SentAt))
                    .col(time(Outbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_outbox_due", Outbox::Table, &[Outbox::Status, Outbox::NextAttemptAt], false)).await?;
        manager.create_index(index("idx_outbox_announcement", Outbox::Table, &[Outbox::AnnouncementId, Outbox::Status], false)).await?;
        manager.create_index(index("idx_outbox_message_id", Outbox::Table, &[Outbox::MessageId], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(TrackingEvents::Table)
                    .col(ColumnDef::new(TrackingEvents::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(int(TrackingEvents::AnnouncementId))
                    .col(int_null(TrackingEvents::RecipientId))
                    .col(string(TrackingEvents::Kind, 20))
                    .col(int_null(TrackingEvents::LinkId))
                    .col(int_null(TrackingEvents::CollateralId))
                    .col(string(TrackingEvents::Channel, 40))
                    .col(string(TrackingEvents::UserAgent, 300))
                    .col(time(TrackingEvents::OccurredAt))
                    .to_owned(),
            )
            .await?;
        use TrackingEvents as E;
        manager.create_index(index("idx_events_announcement", E::Table, &[E::AnnouncementId, E::Kind], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Bounces::Table)
                    .col(id(Bounces::Id))
                    .col(int_null(Bounces::OutboxId))
                    .col(string(Bounces::Email, 320))
                    .col(string(Bounces::Kind, 10))
                    .col(text(Bounces::Reason))
                    .col(time(Bounces::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(id(Notifications::Id))
                    .col(int(Notifications::UserId))
                    .col(text(Notifications::Message))
                    .col(text(Notifications::Url))
                    .col(time(Notifications::CreatedAt))
                    .col(time_null(Notifications::ReadAt))
                    .foreign_key(ForeignKey::create().from(Notifications::Table, Notifications::UserId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_notifications_user", Notifications::Table, &[Notifications::UserId, Notifications::CreatedAt], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            Bounces::Table.into_iden(),
            TrackingEvents::Table.into_iden(),
            Outbox::Table.into_iden(),
            Recipients::Table.into_iden(),
            AnnouncementLinks::Table.into_iden(),
            AnnouncementItems::Table.into_iden(),
            Announcements::Table.into_iden(),
            DistributionListMembers::Table.into_iden(),
            DistributionLists::Table.into_iden(),
            SpotlightTemplates::Table.into_iden(),
            Settings::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Users::Table).drop_column(Users::HardBounces).to_owned()).await
    }
}
