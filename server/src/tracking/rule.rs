//! The rule that classified a tracking event, stored with it
//! (`tracking_events.rule`) so HR can see how many events each rule kept
//! out of the human figures. An event no rule matched has none.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A `HEAD` request: link checkers, never a person following a link.
    #[sea_orm(string_value = "head-request")]
    HeadRequest,
    /// A `Purpose`/`Sec-Purpose: prefetch` header: the browser fetched ahead.
    #[sea_orm(string_value = "prefetch-header")]
    PrefetchHeader,
    #[sea_orm(string_value = "no-user-agent")]
    NoUserAgent,
    /// Herald's own list: mail scanners, Office link checks, previews.
    #[sea_orm(string_value = "herald-list")]
    HeraldList,
    /// The vendored isbot pattern list.
    #[sea_orm(string_value = "isbot-list")]
    IsbotList,
    /// An open through a mail provider's image proxy: an approximate open,
    /// neither a bot nor a certain read.
    #[sea_orm(string_value = "image-proxy")]
    ImageProxy,
    /// An image proxy or a bare `Mozilla/5.0` fetching the pixel right
    /// after delivery (Apple Mail Privacy Protection and the like).
    #[sea_orm(string_value = "privacy-prefetch")]
    PrivacyPrefetch,
    /// A click within seconds of delivery: no one reads that fast.
    #[sea_orm(string_value = "soon-after-delivery")]
    SoonAfterDelivery,
    /// One link hit again within seconds, near delivery.
    #[sea_orm(string_value = "repeat-hit")]
    RepeatHit,
    /// Several links of one message hit within seconds, near delivery.
    #[sea_orm(string_value = "link-burst")]
    LinkBurst,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::HeadRequest => "head-request",
            Rule::PrefetchHeader => "prefetch-header",
            Rule::NoUserAgent => "no-user-agent",
            Rule::HeraldList => "herald-list",
            Rule::IsbotList => "isbot-list",
            Rule::ImageProxy => "image-proxy",
            Rule::PrivacyPrefetch => "privacy-prefetch",
            Rule::SoonAfterDelivery => "soon-after-delivery",
            Rule::RepeatHit => "repeat-hit",
            Rule::LinkBurst => "link-burst",
        }
    }

    /// What the rule catches, in HR's words.
    pub fn explanation(self) -> &'static str {
        match self {
            Rule::HeadRequest => "HEAD requests (link checkers)",
            Rule::PrefetchHeader => "browser prefetches announced by a header",
            Rule::NoUserAgent => "requests without a user agent",
            Rule::HeraldList => "mail scanners, Office link checks and link previews (Herald's list)",
            Rule::IsbotList => "crawlers, previews, monitors and scripts (the isbot list)",
            Rule::ImageProxy => "opens through a mail provider's image proxy (approximate opens)",
            Rule::PrivacyPrefetch => "privacy prefetches of the open image right after delivery",
            Rule::SoonAfterDelivery => "clicks within seconds of delivery",
            Rule::RepeatHit => "one link hit again within seconds, near delivery",
            Rule::LinkBurst => "several links hit within seconds, near delivery",
        }
    }

    /// Rules judged on timing, which may reclassify events already stored.
    pub fn is_timing(self) -> bool {
        matches!(self, Rule::SoonAfterDelivery | Rule::RepeatHit | Rule::LinkBurst)
    }
}

/// Counts an event as an approximate open: not automated, but through a proxy.
pub fn is_approximate(automated: bool, rule: Option<Rule>) -> bool {
    !automated && rule == Some(Rule::ImageProxy)
}
