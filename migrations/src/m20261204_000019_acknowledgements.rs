//! Read-and-acknowledge (issue 21): requests that people confirm they read
//! one version of a library item by a date, the people each request asks,
//! their attestations, and the reminders sent to them.
//!
//! - `acknowledgement_requests`: one per request; it names the item's
//!   version and the SHA-256 of that version's stored text, and the
//!   announcement that carried it.
//! - `acknowledgement_people`: who a request asks, as they were when it was
//!   sent (name, department, location, manager), with the recipient row that
//!   signs their personal email link.
//! - `attestations`: the evidence. Append-only: triggers refuse every UPDATE
//!   and DELETE, whoever asks (admins and the application included).
//! - `acknowledgement_reminders`: one row per person and reminder step; the
//!   unique index is what makes each reminder go out once across servers.
//!
//! Attestation is by nature not anonymous: these tables name people.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::{flag, id, index, int, int_null, string, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AcknowledgementRequests {
    Table,
    Id,
    CollateralId,
    CollateralVersion,
    TextSha256,
    AnnouncementId,
    Audience,
    DueDate,
    Statement,
    Question,
    Status,
    SupersedesId,
    RemindEveryDays,
    RemindDaysBefore,
    EscalateToManager,
    CreatedBy,
    CreatedAt,
    SentAt,
    ClosedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AcknowledgementPeople {
    Table,
    Id,
    RequestId,
    UserId,
    RecipientId,
    Name,
    Email,
    Department,
    Location,
    ManagerEmail,
}

#[derive(DeriveIden, Clone, Copy)]
enum Attestations {
    Table,
    Id,
    RequestId,
    UserId,
    Name,
    Email,
    CollateralId,
    CollateralVersion,
    TextSha256,
    Channel,
    Answer,
    ConfirmedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AcknowledgementReminders {
    Table,
    Id,
    RequestId,
    UserId,
    Step,
    ToEmail,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AcknowledgementRequests as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(id(R::Id))
                    .col(int(R::CollateralId))
                    .col(int(R::CollateralVersion))
                    .col(string(R::TextSha256, 64))
                    .col(int_null(R::AnnouncementId))
                    .col(text(R::Audience))
                    .col(ColumnDef::new(R::DueDate).date().not_null())
                    .col(text(R::Statement))
                    .col(text(R::Question))
                    .col(string(R::Status, 20))
                    .col(int_null(R::SupersedesId))
                    .col(int(R::RemindEveryDays))
                    .col(int(R::RemindDaysBefore))
                    .col(flag(R::EscalateToManager))
                    .col(int(R::CreatedBy))
                    .col(time(R::CreatedAt))
                    .col(time_null(R::SentAt))
                    .col(time_null(R::ClosedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("acknowledgement_requests_status", R::Table, &[R::Status], false)).await?;
        manager.create_index(index("acknowledgement_requests_collateral", R::Table, &[R::CollateralId], false)).await?;
        manager.create_index(index("acknowledgement_requests_announcement", R::Table, &[R::AnnouncementId], false)).await?;

        use AcknowledgementPeople as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(int(P::RequestId))
                    .col(int(P::UserId))
                    .col(int(P::RecipientId))
                    .col(text(P::Name))
                    .col(text(P::Email))
                    .col(text(P::Department))
                    .col(text(P::Location))
                    .col(ColumnDef::new(P::ManagerEmail).text().null())
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("acknowledgement_people_person", P::Table, &[P::RequestId, P::UserId], true)).await?;
        manager.create_index(index("acknowledgement_people_recipient", P::Table, &[P::RecipientId], true)).await?;
        manager.create_index(index("acknowledgement_people_user", P::Table, &[P::UserId], false)).await?;

        use Attestations as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(id(A::Id))
                    .col(int(A::RequestId))
                    .col(int(A::UserId))
                    .col(text(A::Name))
                    .col(text(A::Email))
                    .col(int(A::CollateralId))
                    .col(int(A::CollateralVersion))
                    .col(string(A::TextSha256, 64))
                    .col(string(A::Channel, 10))
                    .col(text(A::Answer))
                    .col(time(A::ConfirmedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("attestations_person", A::Table, &[A::RequestId, A::UserId], true)).await?;
        manager.create_index(index("attestations_user", A::Table, &[A::UserId], false)).await?;
        append_only(manager).await?;

        use AcknowledgementReminders as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(id(M::Id))
                    .col(int(M::RequestId))
                    .col(int(M::UserId))
                    .col(string(M::Step, 30))
                    .col(text(M::ToEmail))
                    .col(time(M::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("acknowledgement_reminders_step", M::Table, &[M::RequestId, M::UserId, M::Step], true)).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AcknowledgementReminders::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Attestations::Table).to_owned()).await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP FUNCTION IF EXISTS attestations_refuse_change()").await?;
        }
        manager.drop_table(Table::drop().table(AcknowledgementPeople::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AcknowledgementRequests::Table).to_owned()).await?;
        Ok(())
    }
}

/// Evidence is never changed or removed: the database itself refuses.
async fn append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION attestations_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'attestations cannot be changed or deleted'; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER attestations_append_only BEFORE UPDATE OR DELETE ON attestations \
                 FOR EACH ROW EXECUTE FUNCTION attestations_refuse_change()",
            )
            .await?;
        }
        _ => {
            for (name, action) in [("attestations_no_update", "UPDATE"), ("attestations_no_delete", "DELETE")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {name} BEFORE {action} ON attestations \
                     BEGIN SELECT RAISE(ABORT, 'attestations cannot be changed or deleted'); END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}
