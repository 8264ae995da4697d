//! The words the server and the browser share. Only serde: this crate is
//! compiled to wasm with the UI and natively with the domain, so one
//! definition serves both sides (no copies to keep in step).

mod error;

pub use error::ErrorKind;
