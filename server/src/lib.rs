//! Herald: a self-hosted HR spotlight service.
#![forbid(unsafe_code)]

pub mod acknowledgements;
pub mod analytics;
pub mod api;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod comments;
pub mod config;
pub mod db;
pub mod delivery;
pub mod entities;
pub mod error;
pub mod library;
pub mod notifications;
pub mod outbound;
pub mod sandbox;
pub mod scim;
pub mod search;
pub mod sentiment;
pub mod sharing;
pub mod sign_in_links;
pub mod spotlights;
pub mod startup;
pub mod state;
pub mod tracking;
pub mod users;
pub mod web;
pub mod webhooks;

#[cfg(test)]
mod property_tests;
