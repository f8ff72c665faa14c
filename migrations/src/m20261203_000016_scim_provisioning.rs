//! SCIM provisioning: the bearer tokens an identity provider uses, the link
//! between a SCIM resource and a Herald person or distribution list (with the
//! attributes the provider sent), and the log of provisioning events.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ScimTokens {
    Table,
    Id,
    Name,
    TokenHash,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ScimUsers {
    Table,
    Id,
    UserId,
    UserNameKey,
    ExternalId,
    Attributes,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ScimGroups {
    Table,
    Id,
    ListId,
    ExternalId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProvisioningEvents {
    Table,
    Id,
    At,
    Source,
    Action,
    SubjectKind,
    SubjectId,
    SubjectName,
    Detail,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DistributionLists {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScimTokens::Table)
                    .col(id(ScimTokens::Id))
                    .col(string(ScimTokens::Name, 100))
                    .col(ColumnDef::new(ScimTokens::TokenHash).string_len(64).not_null().unique_key())
                    .col(int_null(ScimTokens::CreatedBy))
                    .col(time(ScimTokens::CreatedAt))
                    .col(time_null(ScimTokens::LastUsedAt))
                    .col(time_null(ScimTokens::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScimUsers::Table)
                    .col(id(ScimUsers::Id))
                    .col(ColumnDef::new(ScimUsers::UserId).integer().not_null().unique_key())
                    // userName is unique regardless of case (RFC 7643 caseExact false): the lower-cased form.
                    .col(ColumnDef::new(ScimUsers::UserNameKey).string_len(300).not_null().unique_key())
                    .col(text_null(ScimUsers::ExternalId))
                    .col(text(ScimUsers::Attributes))
                    .col(int(ScimUsers::Version))
                    .col(time(ScimUsers::CreatedAt))
                    .col(time(ScimUsers::UpdatedAt))
                    .foreign_key(ForeignKey::create().from(ScimUsers::Table, ScimUsers::UserId).to(Users::Table, Users::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScimGroups::Table)
                    .col(id(ScimGroups::Id))
                    .col(ColumnDef::new(ScimGroups::ListId).integer().not_null().unique_key())
                    .col(text_null(ScimGroups::ExternalId))
                    .col(int(ScimGroups::Version))
                    .col(time(ScimGroups::CreatedAt))
                    .col(time(ScimGroups::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ScimGroups::Table, ScimGroups::ListId)
                            .to(DistributionLists::Table, DistributionLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProvisioningEvents::Table)
                    .col(id(ProvisioningEvents::Id))
                    .col(time(ProvisioningEvents::At))
                    .col(string(ProvisioningEvents::Source, 20))
                    .col(string(ProvisioningEvents::Action, 30))
                    .col(string(ProvisioningEvents::SubjectKind, 10))
                    .col(int_null(ProvisioningEvents::SubjectId))
                    .col(text(ProvisioningEvents::SubjectName))
                    .col(text(ProvisioningEvents::Detail))
                    .to_owned(),
            )
            .await?;
        use ProvisioningEvents as P;
        manager.create_index(index("idx_provisioning_events_at", P::Table, &[P::At], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ProvisioningEvents::Table.into_iden(), ScimGroups::Table.into_iden(), ScimUsers::Table.into_iden(), ScimTokens::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
