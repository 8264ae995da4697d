//! Addresses of status pages that are not their route (decision 126), turned
//! into it before the router sees the request: `/status/{slug}.json` is the
//! page's JSON, and a request whose `Host` is a page's custom domain gets
//! that page at `/` (its JSON at `/status.json`, feeds at `/feed.atom` and
//! `/feed.rss`, and the site's static files). Nothing else of the app is
//! served on a custom domain: it is the page owner's name, not ours.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::status_pages::{Hostname, StatusPageService};

/// What the rewrite needs: the pages' host map and our own host.
#[derive(Clone)]
pub struct PublicHosts {
    pub pages: StatusPageService,
    /// The installation's own host: never looked up.
    pub own: Option<String>,
}

/// The middleware: rewrites the URI of a public page's other addresses.
pub async fn route(State(hosts): State<PublicHosts>, mut req: Request, next: Next) -> Response {
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(Hostname::of_header)
        .filter(|h| Some(h) != hosts.own.as_ref())
    else {
        return own_address(req, next).await;
    };
    let slug = match hosts.pages.slug_for_host(&host).await {
        Ok(Some(slug)) => slug,
        // Another name for this installation (an IP, localhost): as usual.
        Ok(None) => return own_address(req, next).await,
        Err(err) => {
            tracing::error!(error = %err, "custom domain lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    match on_custom_domain(req.uri().path(), &slug) {
        Some(target) => {
            // Served as plain HTML: the browser's address (`/`) is not the
            // route the app would hydrate (`/status/{slug}`).
            req.extensions_mut().insert(app::PlainPage);
            rewritten(req, &target, next).await
        }
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

/// A request to the installation's own address: only the JSON alias is
/// rewritten (on a custom domain, only that page's paths exist).
async fn own_address(req: Request, next: Next) -> Response {
    match json_alias(req.uri().path()) {
        Some(slug) => {
            let target = format!("/api/v1/public/status/{slug}");
            rewritten(req, &target, next).await
        }
        None => next.run(req).await,
    }
}

/// The slug of `/status/{slug}.json`.
fn json_alias(path: &str) -> Option<&str> {
    let slug = path.strip_prefix("/status/")?.strip_suffix(".json")?;
    (!slug.is_empty() && !slug.contains('/')).then_some(slug)
}

/// Where a path on the custom domain of page `slug` is served from.
fn on_custom_domain(path: &str, slug: &str) -> Option<String> {
    match path {
        "/" => Some(format!("/status/{slug}")),
        "/status.json" => Some(format!("/api/v1/public/status/{slug}")),
        "/feed.atom" | "/feed.rss" => Some(format!("/status/{slug}{path}")),
        "/favicon.svg" => Some(path.to_owned()),
        // The page's own routes under its usual address (its password form).
        _ if path
            .strip_prefix("/status/")
            .and_then(|p| p.strip_prefix(slug))
            .is_some_and(|rest| rest.starts_with('/')) =>
        {
            Some(path.to_owned())
        }
        _ if path.starts_with("/pkg/") => Some(path.to_owned()),
        _ => None,
    }
}

async fn rewritten(mut req: Request, path: &str, next: Next) -> Response {
    let target = match req.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    match target.parse::<Uri>() {
        Ok(uri) => {
            *req.uri_mut() = uri;
            next.run(req).await
        }
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_alias_names_one_slug() {
        assert_eq!(json_alias("/status/acme.json"), Some("acme"));
        assert_eq!(json_alias("/status/acme"), None);
        assert_eq!(json_alias("/status/a/b.json"), None);
        assert_eq!(json_alias("/status/.json"), None);
    }

    #[test]
    fn a_custom_domain_serves_its_page_and_nothing_else_of_the_app() {
        let at = |path| on_custom_domain(path, "acme");
        assert_eq!(at("/").as_deref(), Some("/status/acme"));
        assert_eq!(at("/status.json").as_deref(), Some("/api/v1/public/status/acme"));
        assert_eq!(at("/feed.atom").as_deref(), Some("/status/acme/feed.atom"));
        assert_eq!(at("/pkg/runstate.css").as_deref(), Some("/pkg/runstate.css"));
        assert_eq!(at("/status/acme/unlock").as_deref(), Some("/status/acme/unlock"));
        for app_path in [
            "/signin",
            "/dashboard",
            "/api/v1/monitors",
            "/rpc/x",
            "/status/other",
            "/status/acmex/unlock",
            "/status/acme",
        ] {
            assert_eq!(at(app_path), None, "{app_path}");
        }
    }
}
