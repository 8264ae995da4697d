//! Server functions of the pages, under `/rpc`. Each body only delegates to
//! `crate::server`, which calls the domain services directly (never HTTP).

pub mod account;
pub mod admin;
pub mod channels;
pub mod monitors;
pub mod page_incidents;
pub mod status;
pub mod status_pages;
