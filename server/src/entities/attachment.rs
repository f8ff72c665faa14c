use sea_orm::entity::prelude::*;

/// An uploaded file. The bytes live in the data directory under their SHA-256;
/// `file_name` is only ever used, sanitised, in Content-Disposition.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub collateral_id: i32,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub extracted_text: String,
    /// Why the text was not read for search; `None` when it was.
    pub extraction_note: Option<String>,
    pub uploaded_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
