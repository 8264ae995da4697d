//! The response-time chart, drawn by ECharts through charming's
//! `WasmRenderer` (browser build only). The global `echarts` comes from
//! `/echarts.min.js`; when a client-side navigation got here before that
//! script ran, drawing waits for its `load` event. One chart exists at a
//! time: drawing into a new element disposes the previous instance.

use std::cell::{Cell, RefCell};

use charming::component::{Axis, Grid, Legend};
use charming::datatype::DataPoint;
use charming::element::{
    AreaStyle, AxisType, ItemStyle, LineStyle, MarkArea, MarkAreaData, Tooltip, Trigger,
};
use charming::series::{Line, Scatter};
use charming::{Chart, Echarts, WasmRenderer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::dto::{PhaseTimes, StatsData};

const ECHARTS_SRC: &str = "/echarts.min.js";
const DOWN_COLOUR: &str = "#cf222e";

#[wasm_bindgen]
extern "C" {
    /// Frees a chart instance (`echarts.dispose`).
    #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
    fn dispose(chart: &JsValue);
}

thread_local! {
    /// The chart on the page, the element it draws in, and whether it has phase series.
    static CHART: RefCell<Option<(web_sys::Element, Echarts, bool)>> = const { RefCell::new(None) };
    /// Whether the window's resize listener is installed (once per page load).
    static RESIZING: Cell<bool> = const { Cell::new(false) };
}

/// Draws `stats` into the element with id `id` (replacing what was drawn),
/// and records the number of points drawn in its `data-points` attribute
/// (and of buckets with phase times in `data-phases`).
pub fn draw_response_chart(id: &'static str, stats: &StatsData) {
    let stats = stats.clone();
    when_echarts_loaded(move || {
        if let Err(err) = draw(id, &stats) {
            leptos::logging::warn!("response chart: {err}");
        }
    });
}

/// Why a chart could not be drawn (logged; the page works without it).
#[derive(Debug, thiserror::Error)]
enum ChartError {
    #[error("the page has no document")]
    NoDocument,
    #[error("echarts refused the chart: {0}")]
    Echarts(String),
    #[error("the chart's element refused its data-points attribute")]
    Attribute,
}

fn draw(id: &str, stats: &StatsData) -> Result<(), ChartError> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or(ChartError::NoDocument)?;
    // The page may have moved on while echarts loaded.
    let Some(element) = document.get_element_by_id(id) else { return Ok(()) };
    let chart = response_chart(stats);
    let phased = stats.phases.iter().any(Option::is_some);
    // Merging replaces series only when they are the same ones in the same
    // order; a chart that gains or loses the phase series is drawn anew.
    let same = |(drawn_in, _, had): &(web_sys::Element, Echarts, bool)| {
        drawn_in.is_same_node(Some(&element)) && *had == phased
    };
    let existing = CHART.with_borrow(|current| current.as_ref().is_some_and(same));
    if existing {
        CHART.with_borrow(|current| {
            if let Some((_, echarts, _)) = current {
                WasmRenderer::update(echarts, &chart);
            }
        });
    } else {
        if let Some((_, old, _)) = CHART.take() {
            dispose(&old);
        }
        let echarts = WasmRenderer::new_opt(None, None)
            .render(id, &chart)
            .map_err(|e| ChartError::Echarts(format!("{e:?}")))?;
        CHART.set(Some((element.clone(), echarts, phased)));
        resize_with_window();
    }
    let points = stats.latency_ms.iter().filter(|v| v.is_some()).count();
    let phases = stats.phases.iter().filter(|p| p.is_some()).count();
    element.set_attribute("data-phases", &phases.to_string()).map_err(|_| ChartError::Attribute)?;
    element.set_attribute("data-points", &points.to_string()).map_err(|_| ChartError::Attribute)
}

/// Response time per bucket as a line, down buckets as red points on a red
/// band. No animation: updates every few seconds must not flicker.
fn response_chart(stats: &StatsData) -> Chart {
    let missing = || DataPoint::from("-");
    let latency: Vec<DataPoint> = stats
        .latency_ms
        .iter()
        .map(|v| v.map_or_else(missing, |ms| DataPoint::from(i64::from(ms))))
        .collect();
    let down: Vec<DataPoint> = stats
        .down
        .iter()
        .zip(&stats.latency_ms)
        .map(
            |(down, ms)| {
                if *down {
                    DataPoint::from(i64::from(ms.unwrap_or(0)))
                } else {
                    missing()
                }
            },
        )
        .collect();
    let bands: Vec<(MarkAreaData, MarkAreaData)> = down_ranges(&stats.down)
        .into_iter()
        .filter_map(|(from, to)| {
            let end = (to + 1).min(stats.labels.len().saturating_sub(1));
            Some((
                MarkAreaData::new().x_axis(stats.labels.get(from)?.clone()),
                MarkAreaData::new().x_axis(stats.labels.get(end)?.clone()),
            ))
        })
        .collect();
    let chart = Chart::new()
        .animation(false)
        .grid(Grid::new().left(56).right(16).top(28).bottom(28))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .x_axis(Axis::new().type_(AxisType::Category).data(stats.labels.clone()))
        .y_axis(Axis::new().type_(AxisType::Value).name("ms"))
        .series(
            Line::new()
                .name("Response time (ms)")
                .show_symbol(true)
                .connect_nulls(false)
                .data(latency)
                .mark_area(
                    MarkArea::new()
                        .silent(true)
                        .item_style(ItemStyle::new().color("rgba(207, 34, 46, 0.15)"))
                        .data(bands),
                ),
        )
        .series(
            Scatter::new().name("Down").item_style(ItemStyle::new().color(DOWN_COLOUR)).data(down),
        );
    with_phases(chart, stats)
}

/// HTTP monitors: the mean time of each phase per bucket, stacked (the
/// stack's top is about the response time plus the body transfer), so a
/// slow TLS handshake or a slow server shows as the band that grew.
fn with_phases(mut chart: Chart, stats: &StatsData) -> Chart {
    if stats.phases.iter().all(Option::is_none) {
        return chart;
    }
    for (i, name) in PhaseTimes::default().named().iter().map(|(n, _)| *n).enumerate() {
        let data: Vec<DataPoint> = stats
            .phases
            .iter()
            .map(|p| {
                p.map_or_else(
                    || DataPoint::from("-"),
                    |p| DataPoint::from(i64::from(p.named()[i].1)),
                )
            })
            .collect();
        chart = chart.series(
            Line::new()
                .name(name)
                .stack("phases")
                .show_symbol(false)
                .area_style(AreaStyle::new().opacity(0.35))
                .line_style(LineStyle::new().width(0.5))
                .data(data),
        );
    }
    chart.legend(Legend::new().top(0)).grid(Grid::new().left(56).right(16).top(44).bottom(28))
}

/// Runs of consecutive `true`s, as inclusive index ranges.
fn down_ranges(down: &[bool]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, _) in down.iter().enumerate().filter(|(_, d)| **d) {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => ranges.push((i, i)),
        }
    }
    ranges
}

/// Resizes the chart with the window (one listener for the page's life).
fn resize_with_window() {
    if RESIZING.replace(true) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let resize = Closure::<dyn Fn()>::new(|| {
        CHART.with_borrow(|current| {
            if let Some((_, echarts, _)) = current {
                echarts.resize(JsValue::UNDEFINED);
            }
        });
    });
    let _ = window.add_event_listener_with_callback("resize", resize.as_ref().unchecked_ref());
    resize.forget();
}

fn echarts_loaded() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("echarts"))
        .is_ok_and(|v| !v.is_undefined())
}

/// Calls `draw` now if echarts is loaded, else once its script has loaded
/// (adding the script when no one has yet).
fn when_echarts_loaded(draw: impl FnOnce() + 'static) {
    if echarts_loaded() {
        draw();
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let selector = format!("script[src='{ECHARTS_SRC}']");
    let script = match document.query_selector(&selector).ok().flatten() {
        Some(script) => script,
        None => {
            let Ok(script) = document.create_element("script") else { return };
            let _ = script.set_attribute("src", ECHARTS_SRC);
            let Some(root) = document.document_element() else { return };
            if root.append_child(&script).is_err() {
                return;
            }
            script
        }
    };
    let on_load = Closure::once_into_js(draw);
    let _ = script.add_event_listener_with_callback("load", on_load.unchecked_ref());
}
