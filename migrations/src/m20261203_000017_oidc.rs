//! Single sign-on (OpenID Connect): which identity-provider subject each
//! person is, the sign-ins on their way through the provider, and the
//! provider's status for the identity settings page.
//!
//! - `oidc_identities`: one row per person who signed in by SSO, so that a
//!   later change of email at the provider still finds them. No time: it
//!   would only repeat the session's.
//! - `oidc_logins`: one row per sign-in between the redirect to the provider
//!   and its answer (a few minutes at most), deleted when used: what makes a
//!   `state` single-use on every server. It names no person.
//! - `oidc_status`: one row about the provider, not about anyone.

use sea_orm_migration::prelude::*;

use crate::columns::{flag, id, index, int, string, text, text_null, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum OidcIdentities {
    Table,
    Id,
    UserId,
    Issuer,
    Subject,
}

#[derive(DeriveIden, Clone, Copy)]
enum OidcLogins {
    Table,
    StateHash,
    BrowserHash,
    Nonce,
    PkceVerifier,
    NextPath,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OidcStatus {
    Table,
    Id,
    DiscoveryReachable,
    DiscoveryCheckedAt,
    LastSignInAt,
    LastError,
    LastErrorAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OidcIdentities::Table)
                    .col(id(OidcIdentities::Id))
                    .col(int(OidcIdentities::UserId))
                    .col(text(OidcIdentities::Issuer))
                    .col(string(OidcIdentities::Subject, 255))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OidcIdentities::Table, OidcIdentities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("oidc_identities_user", OidcIdentities::Table, &[OidcIdentities::UserId], true)).await?;
        manager
            .create_index(index("oidc_identities_subject", OidcIdentities::Table, &[OidcIdentities::Issuer, OidcIdentities::Subject], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OidcLogins::Table)
                    .col(ColumnDef::new(OidcLogins::StateHash).string_len(64).not_null().primary_key())
                    .col(string(OidcLogins::BrowserHash, 64))
                    .col(text(OidcLogins::Nonce))
                    .col(text(OidcLogins::PkceVerifier))
                    .col(text(OidcLogins::NextPath))
                    .col(time(OidcLogins::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OidcStatus::Table)
                    .col(ColumnDef::new(OidcStatus::Id).integer().not_null().primary_key())
                    .col(flag(OidcStatus::DiscoveryReachable))
                    .col(time_null(OidcStatus::DiscoveryCheckedAt))
                    .col(time_null(OidcStatus::LastSignInAt))
                    .col(text_null(OidcStatus::LastError))
                    .col(time_null(OidcStatus::LastErrorAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OidcStatus::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OidcLogins::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OidcIdentities::Table).to_owned()).await?;
        Ok(())
    }
}
