//! Gzip for what the public reads (decision 130): the status pages, their
//! JSON, feeds and badges (`/status/…`, `/api/v1/public/…`, and a custom
//! domain's paths, rewritten to those before this runs) and the static
//! bundle (`/pkg/…`). A page of 50 components is about 600 KB of HTML, a
//! few tens of KB gzipped, and it is what an outage's visitors all fetch.
//! Signed-in pages and the rest of the API are left as they are: their
//! answers carry a user's data, and compressing secrets beside text an
//! attacker can inject is what BREACH measures.

use axum::extract::Request;
use axum::http::Extensions;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::CompressionLevel;

/// Set on the answers that may be compressed.
#[derive(Debug, Clone, Copy)]
struct Public;

/// Whether `path` is one of the public reads.
fn is_public(path: &str) -> bool {
    ["/status/", "/api/v1/public/", "/pkg/"].iter().any(|prefix| path.starts_with(prefix))
}

/// Marks the answers to public paths (runs inside [`layer`]).
pub(super) async fn mark_public(req: Request, next: Next) -> Response {
    let public = is_public(req.uri().path());
    let mut response = next.run(req).await;
    if public {
        response.extensions_mut().insert(Public);
    }
    response
}

/// Gzip, when the client accepts it, for marked answers that the default
/// rules would compress (not tiny, not images other than SVG, not streams
/// of events). At the fastest level: the page is rendered for every visitor,
/// and its repetitive HTML shrinks nearly as much at level 1 for a fraction
/// of the CPU that an outage's spike would spend at the default level.
pub(super) fn layer() -> CompressionLayer<impl Predicate> {
    let marked = |_, _, _: &_, extensions: &Extensions| extensions.get::<Public>().is_some();
    CompressionLayer::new()
        .quality(CompressionLevel::Fastest)
        .compress_when(DefaultPredicate::new().and(marked))
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_the_public_reads_are_compressed() {
        for path in [
            "/status/acme",
            "/status/acme/feed.atom",
            "/api/v1/public/status/acme",
            "/pkg/runstate.css",
        ] {
            assert!(is_public(path), "{path}");
        }
        for path in ["/dashboard", "/api/v1/monitors", "/rpc/status_pages", "/status", "/statusx/a"]
        {
            assert!(!is_public(path), "{path}");
        }
    }
}
