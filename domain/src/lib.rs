//! RunState's domain: the entities and the services that the server, the
//! workers and the UI's server side share. Nothing here knows about HTTP.

pub mod accounts;
pub mod assertions;
pub mod channels;
pub mod clock;
pub mod db;
pub mod dns;
pub mod entities;
pub mod errors;
pub mod heartbeats;
pub mod history;
pub mod integrations;
pub mod maintenance;
pub mod monitors;
pub mod pipeline;
pub mod probe;
pub mod quotas;
pub mod ratelimit;
pub mod registrations;
pub mod rollups;
pub mod runners;
pub mod status_pages;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;
pub mod tls;

pub use sea_orm::DatabaseConnection;
