//! The OpenAPI document's frame, and the answers every route shares.
//!
//! Each route's `#[utoipa::path]` states what its handler answers. What the
//! shared machinery answers is stated once, here, from the same facts that
//! make it answer: a route behind `Auth` can answer 401, a path parameter
//! that does not parse is a 400 (`extract::Path`), a query string that does
//! not parse is a 400 (`extract::Query`), a JSON body is a 400 when malformed
//! and a 413 over the limit (`extract::Json`, `http::layers`). Every error
//! answer is the `ErrorBody` envelope as `application/problem+json`.

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use super::error;

/// The content type of every error answer (`ApiError::into_response`).
pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(OpenApi)]
#[openapi(
    info(title = "RunState API", description = "RunState's REST API: the RunState v1 contract and its superset."),
    servers((url = "/api/v1")),
    components(schemas(error::ErrorBody)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme the routes refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
    }
}

/// Completes the document of the routes: the shared answers, and error
/// bodies as problem+json. Runs after the routes are collected (a modifier
/// of `ApiDoc` would run before they exist).
pub fn complete(mut doc: Document) -> Document {
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        for operation in operations(item) {
            add_shared_answers(operation, has_path_params);
            errors_are_problems(operation);
        }
    }
    doc
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.patch.as_mut(),
        item.delete.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// The answers of the extractors and layers a route uses; an answer the
/// route's own annotation describes keeps that description.
fn add_shared_answers(operation: &mut Operation, has_path_params: bool) {
    let authenticated = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_query = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query)));
    let has_json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|b| matches!(b, RefOr::T(b) if b.content.contains_key("application/json")));
    let mut shared: Vec<(&str, &str)> = Vec::new();
    if authenticated {
        shared.push(("401", "No valid access token: missing, malformed, expired or revoked."));
    }
    if has_path_params {
        shared.push(("400", "A path parameter does not parse (e.g. an id that is not a UUID)."));
    }
    if has_query {
        shared.push(("400", "The query string does not parse (e.g. a number out of its type)."));
    }
    if has_json_body {
        shared.push(("400", "Malformed JSON, another content type, or a field of the wrong type."));
        shared.push(("413", "The body is larger than 2 MiB."));
    }
    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(Response::new(description)));
    }
}

/// Every 4xx and 5xx answer is the error envelope as problem+json.
fn errors_are_problems(operation: &mut Operation) {
    for (status, response) in operation.responses.responses.iter_mut() {
        let is_error = status.parse::<u16>().is_ok_and(|code| code >= 400);
        if let (true, RefOr::T(response)) = (is_error, response) {
            response.content.clear();
            response.content.insert(
                PROBLEM_JSON.to_owned(),
                RefOr::T(Content::new(Some(Ref::from_schema_name("ErrorBody")))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Document {
        crate::api::openapi()
    }

    /// The whole document, so that a change to the API shows in review as
    /// a diff of `snapshots/server__api__doc__tests__openapi.snap`. Accept an
    /// intended change with `INSTA_UPDATE=always cargo test -p server --lib api::doc`.
    #[test]
    fn the_document_is_the_reviewed_one() {
        let json = serde_json::to_string_pretty(&document()).expect("the document as JSON");
        insta::assert_snapshot!("openapi", json);
    }

    #[test]
    fn every_path_parameter_is_declared() {
        let doc = document();
        for (path, mut item) in doc.paths.paths {
            let names: Vec<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for operation in operations(&mut item) {
                for name in &names {
                    let declared = operation.parameters.iter().flatten().any(|p| {
                        matches!(p, RefOr::T(p)
                            if p.name == *name && matches!(p.parameter_in, ParameterIn::Path))
                    });
                    assert!(declared, "{path}: path parameter `{name}` is not declared");
                }
            }
        }
    }

    /// A query parameter declared `in: path` on a path without its
    /// placeholder is never sent: a fuzzer's out-of-range `limit` vanished
    /// from the URL and the default list answered (decision 67).
    #[test]
    fn every_path_parameter_names_a_placeholder() {
        let doc = document();
        for (path, mut item) in doc.paths.paths {
            for operation in operations(&mut item) {
                for p in operation.parameters.iter().flatten() {
                    let RefOr::T(p) = p else { continue };
                    if matches!(p.parameter_in, ParameterIn::Path) {
                        let placeholder = format!("{{{}}}", p.name);
                        assert!(
                            path.contains(&placeholder),
                            "{path}: `{}` is no path parameter",
                            p.name
                        );
                    }
                }
            }
        }
    }

    /// OpenAPI requires operation ids to be unique: generators name client
    /// methods after them, and two `list`s would collide.
    #[test]
    fn every_operation_id_is_unique() {
        let doc = document();
        let mut seen = std::collections::HashMap::new();
        for (path, mut item) in doc.paths.paths {
            for operation in operations(&mut item) {
                let id = operation.operation_id.clone().unwrap_or_default();
                assert!(!id.is_empty(), "{path}: no operation id");
                if let Some(other) = seen.insert(id.clone(), path.clone()) {
                    panic!("operation id `{id}` on both {other} and {path}");
                }
            }
        }
    }

    /// The conformance run's settings name operations by id; a renamed
    /// operation would silently fall out of its rule (it happened once).
    #[test]
    fn the_conformance_settings_name_operations_that_exist() {
        let doc = document();
        let mut ids = std::collections::HashSet::new();
        for (_, mut item) in doc.paths.paths {
            for operation in operations(&mut item) {
                ids.extend(operation.operation_id.clone());
            }
        }
        let settings = include_str!("../../../scripts/schemathesis.toml");
        let script = include_str!("../../../scripts/schemathesis.sh");
        let mut named = Vec::new();
        for line in settings.lines().filter(|l| l.starts_with("include-operation-id-regex")) {
            let inner = line.split("^(").nth(1).and_then(|r| r.split(")$").next());
            named.extend(inner.expect("a ^(a|b)$ regex").split('|'));
        }
        named.extend(
            script
                .split("--exclude-operation-id ")
                .skip(1)
                .filter_map(|r| r.split_whitespace().next()),
        );
        assert!(!named.is_empty(), "no operation named in scripts/schemathesis.*");
        for id in named {
            assert!(ids.contains(id), "scripts/schemathesis.* name `{id}`, which no operation has");
        }
    }

    #[test]
    fn every_error_answer_is_problem_json_and_every_success_has_a_body() {
        let doc = document();
        for (path, mut item) in doc.paths.paths {
            for operation in operations(&mut item) {
                for (status, response) in &operation.responses.responses {
                    let RefOr::T(response) = response else { continue };
                    let types: Vec<&String> = response.content.keys().collect();
                    if status.starts_with('4') || status.starts_with('5') {
                        assert_eq!(types, [PROBLEM_JSON], "{path} {status}");
                    } else if status != "304" {
                        // A 304 has no body by definition (RFC 9110).
                        assert!(!types.is_empty(), "{path} {status}: no body described");
                    }
                }
            }
        }
    }

    #[test]
    fn authenticated_routes_document_401_and_json_bodies_400_and_413() {
        let doc = document();
        let monitors = doc.paths.paths.get("/monitors").expect("/monitors");
        let create = monitors.post.as_ref().expect("POST /monitors");
        for status in ["400", "401", "413"] {
            assert!(create.responses.responses.contains_key(status), "POST /monitors {status}");
        }
        let health = doc.paths.paths.get("/health").and_then(|p| p.get.as_ref()).expect("health");
        assert!(!health.responses.responses.contains_key("401"), "health needs no token");
    }
}
