//! Sign-in links by email (issue 20): one row per link, for signing in,
//! accepting an invitation or resetting a password, and one row per
//! invitation request an administrator makes.
//!
//! A link's secret is never stored: `token_hash` is its SHA-256. A link
//! queued for delivery carries a placeholder hash until the outbox writes the
//! message (`message_id` names it); only then is the secret drawn, put in the
//! message and its hash stored. A used link keeps its row (with `used` set,
//! and no time of use) so that Herald can say "this link was already used"
//! and knows who has signed in by link.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SignInLinks {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    Next,
    MessageId,
    BatchId,
    Used,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InvitationBatches {
    Table,
    Id,
    CreatedBy,
    Requested,
    Queued,
    AlreadyInvited,
    NotInvitable,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InvitationBatches::Table)
                    .col(id(InvitationBatches::Id))
                    .col(int_null(InvitationBatches::CreatedBy))
                    .col(int(InvitationBatches::Requested))
                    .col(int(InvitationBatches::Queued))
                    .col(int(InvitationBatches::AlreadyInvited))
                    .col(int(InvitationBatches::NotInvitable))
                    .col(time(InvitationBatches::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInLinks::Table)
                    .col(id(SignInLinks::Id))
                    .col(int(SignInLinks::UserId))
                    .col(string(SignInLinks::Purpose, 20))
                    .col(string(SignInLinks::TokenHash, 64))
                    .col(text_null(SignInLinks::Next))
                    .col(ColumnDef::new(SignInLinks::MessageId).string_len(300).null())
                    .col(int_null(SignInLinks::BatchId))
                    .col(flag(SignInLinks::Used))
                    .col(time(SignInLinks::ExpiresAt))
                    .col(time(SignInLinks::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("sign_in_links_token_hash", SignInLinks::Table, &[SignInLinks::TokenHash], true)).await?;
        manager.create_index(index("sign_in_links_message_id", SignInLinks::Table, &[SignInLinks::MessageId], true)).await?;
        manager.create_index(index("sign_in_links_user", SignInLinks::Table, &[SignInLinks::UserId, SignInLinks::Purpose], false)).await?;
        manager.create_index(index("sign_in_links_batch", SignInLinks::Table, &[SignInLinks::BatchId], false)).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SignInLinks::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(InvitationBatches::Table).to_owned()).await?;
        Ok(())
    }
}
