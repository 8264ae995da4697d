use super::to_html;

/// No tag in `html` but the ones markdown itself writes.
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|rest| rest.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""))
        .map(|name| name.trim_start_matches('/').to_ascii_lowercase())
        .collect()
}

const SAFE: &[&str] = &[
    "p",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
    "del",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

fn assert_only_safe_tags(html: &str) {
    for tag in tags(html) {
        assert!(SAFE.contains(&tag.as_str()), "unexpected <{tag}> in {html}");
    }
}

#[test]
fn plain_markdown_renders() {
    let html = to_html("We are **looking** into it.\n\n- one\n- `two`");
    assert!(html.contains("<strong>looking</strong>"), "{html}");
    assert!(html.contains("<li><code>two</code></li>"), "{html}");
}

#[test]
fn a_script_tag_is_shown_as_text() {
    let html = to_html("Hello <script>alert(1)</script> world");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert_only_safe_tags(&html);
}

#[test]
fn a_raw_html_block_is_shown_as_text() {
    let html = to_html(
        "<div onclick=\"steal()\">\n<iframe src=\"https://evil.example\"></iframe>\n</div>\n\ntext",
    );
    assert!(!html.contains("<div"), "{html}");
    assert!(!html.contains("<iframe"), "{html}");
    assert!(html.contains("&lt;iframe"), "{html}");
    assert_only_safe_tags(&html);
}

#[test]
fn javascript_and_data_links_lose_their_target_but_keep_their_text() {
    for target in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "/relative/path",
        "//evil.example/x",
    ] {
        let html = to_html(&format!("[click]({target})"));
        assert!(!html.contains("href"), "{target}: {html}");
        assert!(html.contains("click"), "{target}: {html}");
        assert!(!html.to_ascii_lowercase().contains("javascript:"), "{target}: {html}");
    }
    let auto = to_html("<javascript:alert(1)>");
    assert!(!auto.contains("href"), "{auto}");
}

#[test]
fn allowed_links_get_nofollow_noopener() {
    let html = to_html("[status](https://example.org/a?b=1&c=2) and <mailto:ops@example.org>");
    assert!(
        html.contains(
            "<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow noopener\">status</a>"
        ),
        "{html}"
    );
    assert!(html.contains("href=\"mailto:ops@example.org\" rel=\"nofollow noopener\""), "{html}");
    assert_eq!(html.matches("<a ").count(), html.matches("rel=\"nofollow noopener\"").count());
}

/// The inside of every tag in `html` (between `<` and `>`).
fn tag_insides(html: &str) -> Vec<&str> {
    html.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or("")).collect()
}

#[test]
fn an_attribute_cannot_be_injected_through_a_link_or_its_title() {
    let html = to_html(
        "[x](https://example.org/\"onmouseover=\"alert(1) \"title\" onfocus=alert(2)\")\n\n[y](<https://example.org/\" onclick=\"alert(3)>)\n\n[z](https://example.org/ 'a\" onclick=\"alert(4)')",
    );
    for inside in tag_insides(&html) {
        if inside.starts_with("a ") {
            let rest = inside.strip_prefix("a href=\"").expect("href first");
            let (href, tail) = rest.split_once('"').expect("a closed href");
            assert!(!href.contains(['"', '<', '>']), "{html}");
            assert_eq!(tail, " rel=\"nofollow noopener\"", "{html}");
        } else {
            assert!(!inside.contains('='), "an attribute in <{inside}>: {html}");
        }
    }
    assert_only_safe_tags(&html);
}

#[test]
fn an_image_is_a_link_never_loaded() {
    let html = to_html("![the graph](https://example.org/graph.png)");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains(
            "<a href=\"https://example.org/graph.png\" rel=\"nofollow noopener\">the graph</a>"
        ),
        "{html}"
    );
    let hostile = to_html("![x](javascript:alert(1))");
    assert!(!hostile.contains("<img") && !hostile.contains("href"), "{hostile}");
}

#[test]
fn code_keeps_angle_brackets_as_text() {
    let html = to_html("```html\n<script>alert(1)</script>\n```\n\n`<b>`");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert_only_safe_tags(&html);
}

#[test]
fn entities_and_comments_do_not_smuggle_markup() {
    let html = to_html("&lt;script&gt; <!-- <script>x</script> --> <img src=x onerror=alert(1)>");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<!--"), "{html}");
    assert_only_safe_tags(&html);
}
