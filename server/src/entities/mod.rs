//! sea-orm entities, one file per table.

pub mod announcement;
pub mod announcement_item;
pub mod announcement_link;
pub mod api_token;
pub mod attachment;
pub mod bounce;
pub mod collateral;
pub mod collateral_change;
pub mod collateral_version;
pub mod distribution_list;
pub mod distribution_list_member;
pub mod login_failure;
pub mod notification;
pub mod outbox;
pub mod portal_view;
pub mod recipient;
pub mod session;
pub mod setting;
pub mod short_link;
pub mod social_post;
pub mod spotlight_template;
pub mod tracking_event;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
