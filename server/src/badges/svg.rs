//! A badge as SVG in the flat style: a grey label box and a coloured message
//! box, 20 px high, each as wide as its text (`width`) plus 5 px either
//! side; without a label, the message box alone. Every text is escaped.

use std::fmt::Write;

use super::width::text_width;
use super::Badge;

/// Space either side of a text.
const PAD: u32 = 5;
const HEIGHT: u32 = 20;
const LABEL_FILL: &str = "#555";
const FONT: &str = "Verdana,Geneva,DejaVu Sans,sans-serif";

/// The badge as an SVG document.
pub fn render(badge: &Badge) -> String {
    let (label, message) = (escape(&badge.label), escape(&badge.message));
    let label_w = if badge.label.is_empty() { 0 } else { text_width(&badge.label) + 2 * PAD };
    let message_w = text_width(&badge.message) + 2 * PAD;
    let width = label_w + message_w;
    let title =
        if badge.label.is_empty() { message.clone() } else { format!("{label}: {message}") };
    let mut svg = String::with_capacity(1_200);
    // `write!` into a String cannot fail.
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" role="img" aria-label="{title}"><title>{title}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{width}" height="{HEIGHT}" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{label_w}" height="{HEIGHT}" fill="{LABEL_FILL}"/><rect x="{label_w}" width="{message_w}" height="{HEIGHT}" fill="{color}"/><rect width="{width}" height="{HEIGHT}" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="{FONT}" font-size="11">"##,
        color = badge.color.hex(),
    );
    if label_w > 0 {
        text(&mut svg, label_w / 2, &label);
    }
    text(&mut svg, label_w + message_w / 2, &message);
    svg.push_str("</g></svg>");
    svg
}

/// One text with its shadow, centred on `x`.
fn text(svg: &mut String, x: u32, escaped: &str) {
    let _ = write!(
        svg,
        r##"<text x="{x}" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">{escaped}</text><text x="{x}" y="14">{escaped}</text>"##
    );
}

/// `text` safe inside an element and inside a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badges::Color;

    fn badge(label: &str, message: &str) -> Badge {
        Badge { label: label.into(), message: message.into(), color: Color::BrightGreen }
    }

    /// The visible texts (not the shadows), in order.
    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        doc.descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("aria-hidden").is_none())
            .map(|n| n.text().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn a_badge_is_svg_with_its_label_and_message_in_boxes_that_fit_them() {
        let svg = render(&badge("uptime 30d", "99.95%"));
        assert_eq!(texts(&svg), ["uptime 30d", "99.95%"]);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
        let root = doc.root_element();
        let label_w = text_width("uptime 30d") + 10;
        let width = label_w + text_width("99.95%") + 10;
        assert_eq!(root.attribute("width"), Some(width.to_string().as_str()));
        let message_box = doc
            .descendants()
            .find(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#4c1"))
            .expect("the message box");
        assert_eq!(message_box.attribute("x"), Some(label_w.to_string().as_str()));
        assert_eq!(root.attribute("aria-label"), Some("uptime 30d: 99.95%"));
    }

    #[test]
    fn markup_in_a_label_is_text() {
        let svg = render(&badge("<script>alert(\"x\")</script>&'", "up"));
        assert!(!svg.contains("<script"), "{svg}");
        assert_eq!(texts(&svg), ["<script>alert(\"x\")</script>&'", "up"]);
    }

    #[test]
    fn without_a_label_only_the_message_is_drawn() {
        let svg = render(&badge("", "operational"));
        assert_eq!(texts(&svg), ["operational"]);
    }
}
