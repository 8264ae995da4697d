//! A published status page's feeds: `GET /status/{slug}/feed.atom` (Atom
//! 1.0, RFC 4287) and `/status/{slug}/feed.rss` (RSS 2.0) of its incident
//! updates, postmortems and maintenance, newest first, at most 50 entries
//! (`domain::status_pages::incidents::Feed`). Written with quick-xml's
//! writer, which escapes every text and attribute: an entry's HTML goes in
//! as escaped text (`type="html"` in Atom, `<description>` in RSS), never
//! as markup of the feed (decision 117). Links use the configured public
//! URL. No session; an unknown or unpublished slug is a 404.

use std::io;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, SecondsFormat, Utc};
use domain::status_pages::incidents::{Feed, FeedEntry, FeedEntryKind};
use domain::status_pages::PageError;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::state::AppState;

/// Feed readers poll; a minute is fresh enough and spares the database.
const CACHE_CONTROL: &str = "public, max-age=60";
const ATOM: &str = "application/atom+xml; charset=utf-8";
const RSS: &str = "application/rss+xml; charset=utf-8";

/// The two feed routes, merged into the app next to the other public routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/status/{slug}/feed.atom", get(atom))
        .route("/status/{slug}/feed.rss", get(rss))
}

async fn atom(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    serve(&state, &slug, ATOM, write_atom).await
}

async fn rss(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    serve(&state, &slug, RSS, write_rss).await
}

/// Where a feed's links point.
struct Links {
    page: String,
    feed: String,
    /// A tag URI's authority: the public URL's host.
    host: String,
}

type WriteFeed = fn(&Feed, &Links) -> io::Result<Vec<u8>>;

async fn serve(state: &AppState, slug: &str, content_type: &str, write: WriteFeed) -> Response {
    let feed = match Feed::load(&state.db, slug, Utc::now()).await {
        Ok(feed) => feed,
        Err(PageError::NotFound) => {
            return (StatusCode::NOT_FOUND, "no published status page has this address")
                .into_response()
        }
        Err(err) => {
            tracing::error!(slug, error = %err, "reading a status page feed failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the feed could not be read")
                .into_response();
        }
    };
    let base = state.config.public_url();
    let page = format!("{base}/status/{}", feed.slug);
    let extension = if content_type == ATOM { "atom" } else { "rss" };
    let host = base
        .parse::<axum::http::Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_owned))
        .unwrap_or_else(|| "localhost".into());
    let links = Links { feed: format!("{page}/feed.{extension}"), page, host };
    match write(&feed, &links) {
        Ok(body) => {
            let mut response = body.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type)
                    .unwrap_or(HeaderValue::from_static("application/xml")),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
            response
        }
        Err(err) => {
            tracing::error!(slug, error = %err, "writing a status page feed failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the feed could not be written").into_response()
        }
    }
}

/// A stable id: the update's (or, for a postmortem, the incident's) UUID;
/// a maintenance occurrence is a tag URI of its window and start.
fn entry_id(entry: &FeedEntry, links: &Links) -> String {
    match (entry.kind, entry.occurrence) {
        (FeedEntryKind::Maintenance, Some(start)) => {
            format!("tag:{},2026:maintenance:{}:{}", links.host, entry.id, start.timestamp())
        }
        _ => format!("urn:uuid:{}", entry.id),
    }
}

/// Where an entry points on the page.
fn entry_link(entry: &FeedEntry, links: &Links) -> String {
    let anchor = match entry.kind {
        FeedEntryKind::Maintenance => "maintenance",
        _ => "incident",
    };
    format!("{}#{anchor}-{}", links.page, entry.about)
}

/// Text without the characters XML 1.0 cannot hold (most C0 controls),
/// which escaping alone would leave in and make the feed invalid.
fn xml_text(text: &str) -> String {
    text.chars().filter(|&c| matches!(c, '\t' | '\n' | '\r') || c >= ' ').collect()
}

fn leaf(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(&xml_text(text)))?;
    Ok(())
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn write_atom(feed: &Feed, links: &Links) -> io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("feed")
        .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
        .write_inner_content(|w| {
            leaf(w, "title", &feed.title)?;
            if !feed.description.trim().is_empty() {
                leaf(w, "subtitle", &feed.description)?;
            }
            leaf(w, "id", &links.page)?;
            leaf(w, "updated", &rfc3339(feed.updated))?;
            w.create_element("link")
                .with_attributes([
                    ("rel", "alternate"),
                    ("type", "text/html"),
                    ("href", &links.page),
                ])
                .write_empty()?;
            w.create_element("link")
                .with_attributes([
                    ("rel", "self"),
                    ("type", "application/atom+xml"),
                    ("href", &links.feed),
                ])
                .write_empty()?;
            w.create_element("author").write_inner_content(|w| leaf(w, "name", &feed.title))?;
            leaf(w, "generator", "RunState")?;
            for entry in &feed.entries {
                w.create_element("entry").write_inner_content(|w| {
                    leaf(w, "id", &entry_id(entry, links))?;
                    leaf(w, "title", &entry.title)?;
                    leaf(w, "published", &rfc3339(entry.published))?;
                    leaf(w, "updated", &rfc3339(entry.updated))?;
                    let href = entry_link(entry, links);
                    w.create_element("link")
                        .with_attributes([
                            ("rel", "alternate"),
                            ("type", "text/html"),
                            ("href", &href),
                        ])
                        .write_empty()?;
                    w.create_element("content")
                        .with_attribute(("type", "html"))
                        .write_text_content(BytesText::new(&xml_text(&entry.html)))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn write_rss(feed: &Feed, links: &Links) -> io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("rss")
        .with_attributes([("version", "2.0"), ("xmlns:atom", "http://www.w3.org/2005/Atom")])
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                leaf(w, "title", &feed.title)?;
                leaf(w, "link", &links.page)?;
                let about = if feed.description.trim().is_empty() {
                    format!("Status of {}", feed.title)
                } else {
                    feed.description.clone()
                };
                leaf(w, "description", &about)?;
                w.create_element("atom:link")
                    .with_attributes([
                        ("href", links.feed.as_str()),
                        ("rel", "self"),
                        ("type", "application/rss+xml"),
                    ])
                    .write_empty()?;
                leaf(w, "lastBuildDate", &feed.updated.to_rfc2822())?;
                leaf(w, "generator", "RunState")?;
                for entry in &feed.entries {
                    w.create_element("item").write_inner_content(|w| {
                        leaf(w, "title", &entry.title)?;
                        leaf(w, "link", &entry_link(entry, links))?;
                        leaf(w, "description", &entry.html)?;
                        w.create_element("guid")
                            .with_attribute(("isPermaLink", "false"))
                            .write_text_content(BytesText::new(&entry_id(entry, links)))?;
                        leaf(w, "pubDate", &entry.published.to_rfc2822())?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(w.into_inner())
}
