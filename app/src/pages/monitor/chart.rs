//! The response-time chart with its window selector and key figures.

use kinds::StatsWindow;
use leptos::prelude::*;

use crate::components::{ErrorBox, Loading};
use crate::dto::StatsData;
use crate::error::AppError;
use crate::platform::draw_response_chart;

/// The chart's element id.
const CHART_ID: &str = "response-chart";
/// The windows a user can pick.
pub const WINDOWS: [StatsWindow; 4] =
    [StatsWindow::Hour, StatsWindow::Day, StatsWindow::Week, StatsWindow::Month];

/// Response times over the chosen window, down periods marked in red.
#[component]
pub fn ResponseChart(
    window: RwSignal<StatsWindow>,
    stats: Resource<Result<StatsData, AppError>>,
) -> impl IntoView {
    // The chart is drawn in the browser whenever new statistics arrive; its
    // container stays in place so the drawing is updated, not rebuilt.
    Effect::new(move |_| {
        if let Some(Ok(data)) = stats.get() {
            draw_response_chart(CHART_ID, &data);
        }
    });
    view! {
        <section class="card chart-card" aria-labelledby="chart-title">
            <div class="section-head">
                <h2 id="chart-title">"Response time"</h2>
                <div class="segmented" role="group" aria-label="Window">
                    {WINDOWS
                        .into_iter()
                        .map(|w| {
                            view! {
                                <button
                                    type="button"
                                    aria-pressed=move || (window.get() == w).to_string()
                                    on:click=move |_| window.set(w)
                                >
                                    {w.as_str()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </div>
            <div id=CHART_ID class="chart" data-testid="response-chart" role="img"
                aria-label="Response time chart; the figures below give the same numbers"></div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(data) => view! { <Figures data/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Figures(data: StatsData) -> impl IntoView {
    if data.checks == 0 {
        return view! { <p class="muted" data-testid="chart-empty">"No checks in this window yet."</p> }
            .into_any();
    }
    let ms = |v: Option<u32>| v.map_or_else(|| "—".to_owned(), |v| format!("{v} ms"));
    let uptime = data.uptime_percent.map_or_else(|| "—".to_owned(), |p| format!("{p:.2} %"));
    view! {
        <dl class="figures">
            <div><dt>"Checks"</dt><dd>{data.checks}</dd></div>
            <div><dt>"Uptime"</dt><dd>{uptime}</dd></div>
            <div><dt>"p50"</dt><dd>{ms(data.p50_ms)}</dd></div>
            <div><dt>"p95"</dt><dd>{ms(data.p95_ms)}</dd></div>
            <div><dt>"Slowest"</dt><dd>{ms(data.max_ms)}</dd></div>
        </dl>
    }
    .into_any()
}
