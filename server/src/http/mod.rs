//! The HTTP server: the router's layers and a hyper server that drops slow
//! clients and shuts down gracefully; the status pages' feeds (`feeds`).

mod compress;
pub mod feeds;
mod layers;
pub mod public_hosts;
mod serve;

pub use layers::{apply_layers, BODY_LIMIT};
pub use serve::{serve, ServeOptions};
