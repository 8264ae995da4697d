//! Every integration test of `domain`, in one binary (one link instead of one per file).

mod abuse;
mod admins;
mod api_tokens;
mod badges;
mod certificates;
mod channels;
mod heartbeats;
mod history;
mod indexes;
mod monitor_secrets;
mod pipeline;
mod public_incidents;
mod registrations;
mod rollups;
mod runners;
mod schema;
mod sessions;
mod status_pages;
mod subscribers;
mod words;
