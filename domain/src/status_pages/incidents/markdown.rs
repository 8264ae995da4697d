//! Markdown of public incident updates and postmortems, rendered to HTML
//! that is safe to put in a public page and a feed (decision 115). The text
//! comes from page owners, but the page is shown to anyone: so no HTML of
//! theirs passes (raw HTML, block or inline, is shown as text), a link
//! keeps only an `http`, `https` or `mailto` target and gets
//! `rel="nofollow noopener"` (any other target leaves its text alone), and
//! an image is never loaded: it becomes a link to it under its alt text.
//! pulldown-cmark parses; our event filter decides what reaches its writer.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// What a link or an image may point at.
const SCHEMES: &[&str] = &["http", "https", "mailto"];

/// `markdown` as safe HTML.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    // Whether each open link or image was kept (they close in order).
    let mut open: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            match allowed(&dest_url) {
                Some(href) => {
                    open.push(true);
                    Event::InlineHtml(CowStr::from(format!(
                        "<a href=\"{}\" rel=\"nofollow noopener\">",
                        escape(&href)
                    )))
                }
                None => {
                    open.push(false);
                    Event::Text(CowStr::Borrowed(""))
                }
            }
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            if open.pop().unwrap_or(false) {
                Event::InlineHtml(CowStr::Borrowed("</a>"))
            } else {
                Event::Text(CowStr::Borrowed(""))
            }
        }
        other => other,
    });
    html::push_html(&mut out, events);
    out
}

/// The link's target, normalised, when it is absolute and of an allowed
/// scheme; relative targets are refused too (the page has no base for them).
fn allowed(dest: &str) -> Option<String> {
    let url = url::Url::parse(dest.trim()).ok()?;
    SCHEMES.contains(&url.scheme()).then(|| url.to_string())
}

/// Plain text safe in HTML content and inside a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
