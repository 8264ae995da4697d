//! Badges of status pages, drawn: a figure from
//! `domain::status_pages::BadgeSubject` becomes a label, a message and a
//! colour (the thresholds are here, and in docs/status-pages.md#badges),
//! then an SVG (`svg`) or the JSON of Shields' endpoint badge. The routes
//! are `api::badges`.

pub mod svg;
pub mod width;

use domain::status_pages::{BadgeMetric, ComponentState, Figure};
use kinds::StatsWindow;
use serde::Serialize;

/// The most characters a `?label=` may have.
pub const MAX_LABEL: usize = 50;
/// The message of a badge with nothing to show.
pub const NOT_AVAILABLE: &str = "N/A";

/// A badge's colour: Shields' named colours, so its endpoint JSON and our
/// SVG agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    BrightGreen,
    Green,
    YellowGreen,
    Yellow,
    Orange,
    Red,
    Blue,
    LightGrey,
}

impl Color {
    /// The name Shields knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Self::BrightGreen => "brightgreen",
            Self::Green => "green",
            Self::YellowGreen => "yellowgreen",
            Self::Yellow => "yellow",
            Self::Orange => "orange",
            Self::Red => "red",
            Self::Blue => "blue",
            Self::LightGrey => "lightgrey",
        }
    }

    /// Its value in the SVG.
    pub fn hex(self) -> &'static str {
        match self {
            Self::BrightGreen => "#4c1",
            Self::Green => "#97ca00",
            Self::YellowGreen => "#a4a61d",
            Self::Yellow => "#dfb317",
            Self::Orange => "#fe7d37",
            Self::Red => "#e05d44",
            Self::Blue => "#007ec6",
            Self::LightGrey => "#9f9f9f",
        }
    }
}

/// A badge ready to draw: plain text (escaped when drawn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub label: String,
    pub message: String,
    pub color: Color,
}

impl Badge {
    /// The badge of `figure` for `metric` over `window`. The label is
    /// `label` when given (see [`clean_label`]), else the subject's `name`
    /// for a status badge and the metric's words otherwise; a badge with
    /// nothing to show never uses the name, so it reads the same whatever
    /// the reason.
    pub fn new(
        figure: Figure,
        metric: BadgeMetric,
        window: StatsWindow,
        label: Option<String>,
        name: Option<&str>,
    ) -> Self {
        let (message, color) = look(figure);
        let known = figure != Figure::NotAvailable;
        let label = label.unwrap_or_else(|| match (metric, name) {
            (BadgeMetric::Status, Some(name)) if known => {
                name.chars().take(MAX_LABEL).collect::<String>()
            }
            _ => default_label(metric, window),
        });
        Self { label, message, color }
    }

    /// Shields' endpoint JSON (schema version 1).
    pub fn shields(&self) -> Shields<'_> {
        Shields {
            schema_version: 1,
            label: &self.label,
            message: &self.message,
            color: self.color.name(),
        }
    }
}

/// The body of Shields' endpoint badge.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shields<'a> {
    pub schema_version: u8,
    pub label: &'a str,
    pub message: &'a str,
    pub color: &'static str,
}

/// The label a metric has unless one is asked for.
fn default_label(metric: BadgeMetric, window: StatsWindow) -> String {
    match metric {
        BadgeMetric::Status => "status".into(),
        BadgeMetric::Uptime => format!("uptime {window}"),
        BadgeMetric::P50 => format!("p50 {window}"),
        BadgeMetric::P95 => format!("p95 {window}"),
        BadgeMetric::Certificate => "certificate".into(),
    }
}

/// A `?label=` as drawn: control characters dropped, spaces at the ends
/// trimmed; `None` when it has more than [`MAX_LABEL`] characters.
pub fn clean_label(raw: &str) -> Option<String> {
    if raw.chars().count() > MAX_LABEL {
        return None;
    }
    Some(raw.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned())
}

/// The message and colour of a figure, by the thresholds below.
fn look(figure: Figure) -> (String, Color) {
    match figure {
        Figure::State(state) => state_look(state),
        Figure::Uptime(None) | Figure::Latency(None) => ("no data".into(), Color::LightGrey),
        Figure::Uptime(Some(percent)) => (format!("{}%", trimmed(percent)), uptime_color(percent)),
        Figure::Latency(Some(ms)) => (format!("{ms} ms"), latency_color(ms)),
        Figure::CertificateDays(days) => certificate_look(days),
        Figure::NotAvailable => (NOT_AVAILABLE.into(), Color::LightGrey),
    }
}

fn state_look(state: ComponentState) -> (String, Color) {
    let (words, color) = match state {
        ComponentState::Operational => ("operational", Color::BrightGreen),
        ComponentState::Degraded => ("degraded", Color::Yellow),
        ComponentState::PartialOutage => ("partial outage", Color::Orange),
        ComponentState::MajorOutage => ("major outage", Color::Red),
        ComponentState::Maintenance => ("maintenance", Color::Blue),
        ComponentState::NoData => ("no data", Color::LightGrey),
    };
    (words.into(), color)
}

/// At least 99.9 % bright green, 99 % green, 98 % yellow-green, 95 %
/// yellow, 90 % orange, below that red.
fn uptime_color(percent: f64) -> Color {
    match percent {
        p if p >= 99.9 => Color::BrightGreen,
        p if p >= 99.0 => Color::Green,
        p if p >= 98.0 => Color::YellowGreen,
        p if p >= 95.0 => Color::Yellow,
        p if p >= 90.0 => Color::Orange,
        _ => Color::Red,
    }
}

/// Under 200 ms bright green, 500 green, 1 s yellow-green, 2 s yellow,
/// 5 s orange, slower red.
fn latency_color(ms: u32) -> Color {
    match ms {
        0..200 => Color::BrightGreen,
        200..500 => Color::Green,
        500..1_000 => Color::YellowGreen,
        1_000..2_000 => Color::Yellow,
        2_000..5_000 => Color::Orange,
        _ => Color::Red,
    }
}

/// 30 days or more bright green, 14 yellow-green, 7 yellow, 1 orange;
/// the last day and expired red.
fn certificate_look(days: i64) -> (String, Color) {
    let color = match days {
        30.. => Color::BrightGreen,
        14..30 => Color::YellowGreen,
        7..14 => Color::Yellow,
        1..7 => Color::Orange,
        _ => Color::Red,
    };
    let message = match days {
        n if n < 0 => "expired".to_owned(),
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    };
    (message, color)
}

/// A percentage with at most two decimals and no trailing zeros (`99.5`,
/// `100`); the figure is already rounded down to 0.01.
fn trimmed(percent: f64) -> String {
    let text = format!("{percent:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look_of(figure: Figure) -> (String, Color) {
        look(figure)
    }

    #[test]
    fn figures_read_as_words_and_colours_by_threshold() {
        let pair = |m: &str, c| (m.to_owned(), c);
        assert_eq!(look_of(Figure::Uptime(Some(100.0))), pair("100%", Color::BrightGreen));
        assert_eq!(look_of(Figure::Uptime(Some(99.9))), pair("99.9%", Color::BrightGreen));
        assert_eq!(look_of(Figure::Uptime(Some(99.89))), pair("99.89%", Color::Green));
        assert_eq!(look_of(Figure::Uptime(Some(98.0))), pair("98%", Color::YellowGreen));
        assert_eq!(look_of(Figure::Uptime(Some(95.5))), pair("95.5%", Color::Yellow));
        assert_eq!(look_of(Figure::Uptime(Some(90.0))), pair("90%", Color::Orange));
        assert_eq!(look_of(Figure::Uptime(Some(0.0))), pair("0%", Color::Red));
        assert_eq!(look_of(Figure::Uptime(None)), pair("no data", Color::LightGrey));
        assert_eq!(look_of(Figure::Latency(Some(199))), pair("199 ms", Color::BrightGreen));
        assert_eq!(look_of(Figure::Latency(Some(200))), pair("200 ms", Color::Green));
        assert_eq!(look_of(Figure::Latency(Some(1_500))), pair("1500 ms", Color::Yellow));
        assert_eq!(look_of(Figure::Latency(Some(9_000))), pair("9000 ms", Color::Red));
        assert_eq!(look_of(Figure::CertificateDays(30)), pair("30 days", Color::BrightGreen));
        assert_eq!(look_of(Figure::CertificateDays(29)), pair("29 days", Color::YellowGreen));
        assert_eq!(look_of(Figure::CertificateDays(1)), pair("1 day", Color::Orange));
        assert_eq!(look_of(Figure::CertificateDays(0)), pair("0 days", Color::Red));
        assert_eq!(look_of(Figure::CertificateDays(-3)), pair("expired", Color::Red));
        let outage = Figure::State(ComponentState::PartialOutage);
        assert_eq!(look_of(outage), pair("partial outage", Color::Orange));
        assert_eq!(look_of(Figure::NotAvailable), pair("N/A", Color::LightGrey));
    }

    #[test]
    fn a_status_badge_is_labelled_with_its_subjects_name_unless_it_has_nothing_to_show() {
        let status = |figure, label: Option<&str>| {
            let label = label.map(str::to_owned);
            Badge::new(figure, BadgeMetric::Status, StatsWindow::Day, label, Some("API")).label
        };
        let up = Figure::State(ComponentState::Operational);
        assert_eq!(status(up, None), "API");
        assert_eq!(status(up, Some("Our API")), "Our API");
        assert_eq!(status(Figure::NotAvailable, None), "status");
        let uptime = Badge::new(up, BadgeMetric::Uptime, StatsWindow::Month, None, Some("API"));
        assert_eq!(uptime.label, "uptime 30d");
    }

    #[test]
    fn a_label_is_bounded_and_loses_its_control_characters() {
        assert_eq!(clean_label(" API\u{0}\n "), Some("API".to_owned()));
        assert_eq!(clean_label(&"x".repeat(MAX_LABEL)).map(|l| l.len()), Some(MAX_LABEL));
        assert_eq!(clean_label(&"x".repeat(MAX_LABEL + 1)), None);
    }
}
