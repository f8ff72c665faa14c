//! The collateral library: items, their versions, attachments, and the
//! change log that every Herald server follows to keep its search index in sync.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Collateral {
    Table,
    Id,
    Slug,
    Title,
    Summary,
    Body,
    Kind,
    Category,
    Tags,
    AudienceDepartments,
    AudienceLocations,
    OwnerId,
    Status,
    EffectiveDate,
    ReviewDate,
    ExternalUrl,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CollateralVersions {
    Table,
    Id,
    CollateralId,
    Version,
    Title,
    Summary,
    Body,
    Tags,
    Status,
    EditedBy,
    EditedAt,
    ChangeNote,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    CollateralId,
    Sha256,
    FileName,
    ContentType,
    Size,
    ExtractedText,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CollateralChanges {
    Table,
    Seq,
    CollateralId,
    ChangedAt,
}

fn fk(from: (CollateralVersions, CollateralVersions)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(Collateral::Table, Collateral::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Collateral::Table)
                    .col(ColumnDef::new(Collateral::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Collateral::Slug).string_len(120).not_null().unique_key())
                    .col(ColumnDef::new(Collateral::Title).string_len(300).not_null())
                    .col(ColumnDef::new(Collateral::Summary).text().not_null())
                    .col(ColumnDef::new(Collateral::Body).text().not_null())
                    .col(ColumnDef::new(Collateral::Kind).string_len(20).not_null())
                    .col(ColumnDef::new(Collateral::Category).string_len(100).not_null())
                    .col(ColumnDef::new(Collateral::Tags).text().not_null())
                    .col(ColumnDef::new(Collateral::AudienceDepartments).text().not_null())
                    .col(ColumnDef::new(Collateral::AudienceLocations).text().not_null())
                    .col(ColumnDef::new(Collateral::OwnerId).integer().not_null())
                    .col(ColumnDef::new(Collateral::Status).string_len(20).not_null())
                    .col(ColumnDef::new(Collateral::EffectiveDate).date().null())
                    .col(ColumnDef::new(Collateral::ReviewDate).date().null())
                    .col(ColumnDef::new(Collateral::ExternalUrl).text().null())
                    .col(ColumnDef::new(Collateral::Version).integer().not_null())
                    .col(ColumnDef::new(Collateral::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Collateral::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(ForeignKey::create().from(Collateral::Table, Collateral::OwnerId).to(Users::Table, Users::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_collateral_review").table(Collateral::Table).col(Collateral::OwnerId).col(Collateral::ReviewDate).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CollateralVersions::Table)
                    .col(ColumnDef::new(CollateralVersions::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(CollateralVersions::CollateralId).integer().not_null())
                    .col(ColumnDef::new(CollateralVersions::Version).integer().not_null())
                    .col(ColumnDef::new(CollateralVersions::Title).string_len(300).not_null())
                    .col(ColumnDef::new(CollateralVersions::Summary).text().not_null())
                    .col(ColumnDef::new(CollateralVersions::Body).text().not_null())
                    .col(ColumnDef::new(CollateralVersions::Tags).text().not_null())
                    .col(ColumnDef::new(CollateralVersions::Status).string_len(20).not_null())
                    .col(ColumnDef::new(CollateralVersions::EditedBy).integer().not_null())
                    .col(ColumnDef::new(CollateralVersions::EditedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(CollateralVersions::ChangeNote).string_len(500).not_null())
                    .foreign_key(&mut fk((CollateralVersions::Table, CollateralVersions::CollateralId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_collateral_versions_item")
                    .table(CollateralVersions::Table)
                    .col(CollateralVersions::CollateralId)
                    .col(CollateralVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(ColumnDef::new(Attachments::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Attachments::CollateralId).integer().not_null())
                    .col(ColumnDef::new(Attachments::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(Attachments::FileName).string_len(200).not_null())
                    .col(ColumnDef::new(Attachments::ContentType).string_len(120).not_null())
                    .col(ColumnDef::new(Attachments::Size).big_integer().not_null())
                    .col(ColumnDef::new(Attachments::ExtractedText).text().not_null())
                    .col(ColumnDef::new(Attachments::UploadedBy).integer().not_null())
                    .col(ColumnDef::new(Attachments::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attachments::Table, Attachments::CollateralId)
                            .to(Collateral::Table, Collateral::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_attachments_item").table(Attachments::Table).col(Attachments::CollateralId).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CollateralChanges::Table)
                    .col(ColumnDef::new(CollateralChanges::Seq).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(CollateralChanges::CollateralId).integer().not_null())
                    .col(ColumnDef::new(CollateralChanges::ChangedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CollateralChanges::Table.into_iden(),
            Attachments::Table.into_iden(),
            CollateralVersions::Table.into_iden(),
            Collateral::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
