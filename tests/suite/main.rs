//! Herald's integration and end-to-end tests: one binary, one module per feature.
//!
//! Every test starts the real server on a random port with a fresh data
//! directory. With `HERALD_TEST_POSTGRES` set to a PostgreSQL URL whose user
//! may create databases, each test gets its own throw-away database there;
//! otherwise SQLite. `scripts/test` runs the suite both ways.

mod helpers;
mod smtp;

mod accessibility;
mod accounts;
mod admin_users;
mod acknowledgements;
mod acknowledgement_reminders;
mod analytics;
mod analytics_overview;
mod anonymity;
mod anonymity_storage;
mod api;
mod browser;
mod browser_acknowledgements;
mod browser_admin_users;
mod browser_analytics;
mod browser_comments;
mod browser_signin_links;
mod browser_spotlights;
mod browser_approval;
mod cli;
mod comments;
mod compression;
mod conformance;
mod crash;
mod dos;
mod import;
mod inbox;
mod reading;
mod roles;
mod safe_sending;
mod scim;
mod scim_compliance;
mod library;
mod min_group;
mod moderation;
mod oidc;
mod oidc_provider;
mod outage;
mod preflight;
mod privacy;
mod attachments;
mod backup;
mod bot_corpus;
mod shares;
mod signin_links;
mod spotlights;
mod tracking;
mod tracking_rules;
mod trend_topics;
mod trends;
mod transports;
mod webhooks;
mod xss;
