use sea_orm::entity::prelude::*;

/// How a person confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The confirm page behind the personal link in the email.
    #[sea_orm(string_value = "email")]
    Email,
    /// Signed in, from the banner on the home page or the item.
    #[sea_orm(string_value = "portal")]
    Portal,
    /// `POST /api/v1/acknowledgements/{id}/confirm` with the person's token.
    #[sea_orm(string_value = "api")]
    Api,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Portal => "portal",
            Channel::Api => "api",
        }
    }
}

/// The evidence that one person confirmed one version. Append-only: the
/// database refuses to change or delete it (see the migration).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attestations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub collateral_id: i32,
    pub collateral_version: i32,
    pub text_sha256: String,
    pub channel: Channel,
    /// Their answer to the request's question; empty when none.
    pub answer: String,
    pub confirmed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
