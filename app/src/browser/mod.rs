//! Browser-only code (the `hydrate` build): charts. The rest of the app calls
//! it through [`crate::platform`], which has a no-op fallback on the server.

pub mod chart;
