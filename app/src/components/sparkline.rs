//! A tiny response-time chart as inline SVG: no script needed, so it is
//! there in the server render already.

use leptos::prelude::*;

const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;

/// The `points` of an SVG polyline for `values` in a `width` × `height` box
/// (the slowest at the top), and the x positions of failed checks.
fn sparkline_points(values: &[Option<u32>], width: f64, height: f64) -> (String, Vec<f64>) {
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    let step = if values.len() > 1 { width / (values.len() - 1) as f64 } else { 0.0 };
    let mut line = Vec::new();
    let mut failures = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let x = i as f64 * step;
        match value {
            Some(ms) => {
                let y = height - 2.0 - f64::from(*ms) / f64::from(max) * (height - 4.0);
                line.push(format!("{x:.1},{y:.1}"));
            }
            None => failures.push(x),
        }
    }
    (line.join(" "), failures)
}

/// Latest response times; failed checks are red ticks.
#[component]
pub fn Sparkline(values: Vec<Option<u32>>) -> impl IntoView {
    let (line, failures) = sparkline_points(&values, WIDTH, HEIGHT);
    let label = match values.iter().flatten().max() {
        Some(max) => format!("Response times of the last {} checks, up to {max} ms", values.len()),
        None => "No response times yet".to_owned(),
    };
    view! {
        <svg
            class="sparkline"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            width=WIDTH
            height=HEIGHT
            role="img"
            aria-label=label
        >
            <polyline points=line fill="none" stroke="currentColor" stroke-width="1.5"/>
            {failures
                .into_iter()
                .map(|x| {
                    view! {
                        <line x1=x x2=x y1="2" y2=HEIGHT - 2.0 class="spark-fail" stroke-width="2"/>
                    }
                })
                .collect_view()}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_point_is_at_the_top_and_failures_are_ticks() {
        let (line, failures) = sparkline_points(&[Some(50), None, Some(100)], 100.0, 24.0);
        assert_eq!(line, "0.0,12.0 100.0,2.0");
        assert_eq!(failures, vec![50.0]);
    }

    #[test]
    fn no_values_draw_nothing() {
        assert_eq!(sparkline_points(&[], 100.0, 24.0), (String::new(), vec![]));
    }
}
