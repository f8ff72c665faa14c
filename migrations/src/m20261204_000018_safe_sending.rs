//! Safe sending (issue 23).
//!
//! - `announcements.review`: where the spotlight stands with its approver
//!   (`none`, `pending`, `approved`, `returned`); any change resets it.
//! - `announcements.countdown_until`: set while "Send" is in its undo window
//!   (the spotlight is `scheduled` for that moment and can still be called off).
//! - `announcements.send_window`: when each recipient gets it (JSON: now, a
//!   local time, or working hours); empty: at once.
//! - `announcement_audit`: who submitted, approved, sent back, changed, sent
//!   or cancelled a spotlight, and when. It names HR staff, never recipients.
//! - `location_hours`: the time zone and working hours of a directory location.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::columns::{id, index, int, int_null, string, text, text_null, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AnnouncementAudit {
    Table,
    Id,
    AnnouncementId,
    ActorId,
    Action,
    Comment,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum LocationHours {
    Table,
    Id,
    Location,
    TimeZone,
    StartMinute,
    EndMinute,
    Weekdays,
}

#[derive(DeriveIden)]
enum Announcements {
    Table,
    Id,
    Review,
    CountdownUntil,
    SendWindow,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds only one at a time.
        for column in [
            ColumnDef::new(Announcements::Review).string_len(16).not_null().default("none").to_owned(),
            time_null(Announcements::CountdownUntil),
            text_null(Announcements::SendWindow),
        ] {
            manager.alter_table(Table::alter().table(Announcements::Table).add_column(column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AnnouncementAudit::Table)
                    .col(id(AnnouncementAudit::Id))
                    .col(int(AnnouncementAudit::AnnouncementId))
                    .col(int_null(AnnouncementAudit::ActorId))
                    .col(string(AnnouncementAudit::Action, 32))
                    .col(text(AnnouncementAudit::Comment))
                    .col(time(AnnouncementAudit::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AnnouncementAudit::Table, AnnouncementAudit::AnnouncementId)
                            .to(Announcements::Table, Announcements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AnnouncementAudit::Table, AnnouncementAudit::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("announcement_audit_announcement", AnnouncementAudit::Table, &[AnnouncementAudit::AnnouncementId, AnnouncementAudit::Id], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LocationHours::Table)
                    .col(id(LocationHours::Id))
                    .col(string(LocationHours::Location, 255))
                    .col(string(LocationHours::TimeZone, 64))
                    .col(int(LocationHours::StartMinute))
                    .col(int(LocationHours::EndMinute))
                    .col(string(LocationHours::Weekdays, 7))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("location_hours_location", LocationHours::Table, &[LocationHours::Location], true)).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LocationHours::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AnnouncementAudit::Table).to_owned()).await?;
        let db = manager.get_connection();
        for column in ["send_window", "countdown_until", "review"] {
            db.execute_unprepared(&format!("ALTER TABLE announcements DROP COLUMN {column}")).await?;
        }
        Ok(())
    }
}
