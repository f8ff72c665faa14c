use sea_orm::entity::prelude::*;

/// What a sign-in link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum Purpose {
    /// Asked for on the sign-in page ("Email me a sign-in link").
    #[sea_orm(string_value = "sign_in")]
    SignIn,
    /// Sent by an administrator; lives longer.
    #[sea_orm(string_value = "invitation")]
    Invitation,
    /// "Forgot password?": leads to a form for a new password.
    #[sea_orm(string_value = "password_reset")]
    PasswordReset,
}

/// One emailed link. Only the SHA-256 of its secret is stored (see the migration).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub purpose: Purpose,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// Where to go once signed in (a same-site path).
    pub next: Option<String>,
    /// The Message-ID of the outbox message that carries the link.
    pub message_id: Option<String>,
    pub batch_id: Option<i32>,
    pub used: bool,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
