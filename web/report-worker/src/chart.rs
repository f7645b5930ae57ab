//! Sessions per day as an inline SVG, drawn here (no chart library): stacked bars of
//! successful (bottom) and failed (top) sessions, a `<title>` per day for screen readers
//! and hovering, three grid lines with counts and at most [`MAX_X_LABELS`] day labels.

use crate::DayRow;
use crate::render::{esc, thousands};
use std::fmt::Write;

/// The drawing's size in user units (it scales to the page's width).
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 220.0;
const LEFT: f64 = 76.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;
/// At most this many day labels under the bars.
pub const MAX_X_LABELS: usize = 7;

/// One day's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub ok_y: f64,
    pub ok_height: f64,
    pub failed_y: f64,
    pub failed_height: f64,
    /// What a screen reader (and a hover) says about the day.
    pub title: String,
}

/// The chart's geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub bars: Vec<Bar>,
    /// (y, label) of the grid lines, bottom first.
    pub y_ticks: Vec<(f64, String)>,
    /// (x of the centre, label) of the days named under the bars.
    pub x_labels: Vec<(f64, String)>,
}

/// The smallest 1, 2 or 5 times a power of ten at least `n` (and at least 1).
pub fn nice_max(n: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            let v = step.saturating_mul(m);
            if v >= n || v == u64::MAX {
                return v;
            }
        }
        step = step.saturating_mul(10);
    }
}

pub fn layout(days: &[DayRow]) -> Layout {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let top = nice_max(
        days.iter()
            .map(|d| d.successful.saturating_add(d.failed))
            .max()
            .unwrap_or(0),
    );
    let scale = |n: u64| n as f64 / top as f64 * plot_h;
    let slot = plot_w / days.len().max(1) as f64;
    let width = (slot * 0.8).max(1.0).min(slot);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let ok_height = scale(d.successful);
            let failed_height = scale(d.failed);
            let ok_y = TOP + plot_h - ok_height;
            Bar {
                x: LEFT + slot * i as f64 + (slot - width) / 2.0,
                width,
                ok_y,
                ok_height,
                failed_y: ok_y - failed_height,
                failed_height,
                title: format!(
                    "{}: {} successful, {} failed sessions",
                    d.day,
                    thousands(d.successful),
                    thousands(d.failed)
                ),
            }
        })
        .collect();
    let y_ticks = [0, top / 2, top]
        .into_iter()
        .map(|n| (TOP + plot_h - scale(n), thousands(n)))
        .collect();
    let step = days.len().div_ceil(MAX_X_LABELS).max(1);
    let x_labels = days
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
        // `MM-DD`; the years are in the caption.
        .map(|(i, d)| {
            (
                LEFT + slot * (i as f64 + 0.5),
                d.day.get(5..).unwrap_or(&d.day).to_string(),
            )
        })
        .collect();
    Layout {
        bars,
        y_ticks,
        x_labels,
    }
}

/// Append the chart (nothing without days).
pub fn render(out: &mut String, days: &[DayRow]) {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return;
    };
    let chart = layout(days);
    let _ = write!(
        out,
        "<figure class=\"chart\"><figcaption id=\"chart-title\">Sessions per day, {} to {} (UTC)\
         <span class=\"legend\"><span class=\"key key-ok\" aria-hidden=\"true\"></span>successful\
         <span class=\"key key-failed\" aria-hidden=\"true\"></span>failed</span></figcaption>\
         <svg data-testid=\"reports-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"group\" \
         aria-labelledby=\"chart-title\" preserveAspectRatio=\"xMidYMid meet\">",
        esc(&first.day),
        esc(&last.day)
    );
    for (y, label) in &chart.y_ticks {
        let _ = write!(
            out,
            "<g class=\"tick\"><line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text></g>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    for b in &chart.bars {
        let title = esc(&b.title);
        let _ = write!(
            out,
            "<g class=\"bar\" role=\"img\" aria-label=\"{title}\"><title>{title}</title>\
             <rect class=\"bar-hit\" x=\"{x:.1}\" y=\"{TOP}\" width=\"{w:.1}\" height=\"{h:.1}\"/>\
             <rect class=\"bar-ok\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/>\
             <rect class=\"bar-failed\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/></g>",
            b.ok_y,
            b.ok_height,
            b.failed_y,
            b.failed_height,
            x = b.x,
            w = b.width,
            h = HEIGHT - TOP - BOTTOM,
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>",
        WIDTH - RIGHT,
        HEIGHT - BOTTOM,
        HEIGHT - BOTTOM
    );
    for (x, label) in &chart.x_labels {
        let _ = write!(
            out,
            "<text class=\"day-label\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            HEIGHT - 8.0,
            esc(label)
        );
    }
    out.push_str("</svg></figure>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32, ok: u64, failed: u64) -> DayRow {
        DayRow {
            day: format!("2026-01-{d:02}"),
            successful: ok,
            failed,
        }
    }

    #[test]
    fn nice_maxima() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(180), 200);
        assert_eq!(nice_max(201), 500);
        assert_eq!(nice_max(u64::MAX), u64::MAX);
    }

    #[test]
    fn bars_stack_failed_on_successful() {
        let chart = layout(&[day(1, 80, 20), day(2, 0, 0), day(3, 50, 0)]);
        assert_eq!(chart.bars.len(), 3);
        let b = &chart.bars[0];
        let plot_h = HEIGHT - TOP - BOTTOM;
        assert!(
            (b.ok_height + b.failed_height - plot_h).abs() < 1e-9,
            "100 of 100 fills the plot"
        );
        assert!((b.failed_y + b.failed_height - b.ok_y).abs() < 1e-9);
        assert_eq!(chart.bars[1].ok_height, 0.0);
        assert!(chart.bars[0].x < chart.bars[1].x);
        assert_eq!(b.title, "2026-01-01: 80 successful, 20 failed sessions");
        assert_eq!(chart.y_ticks.last().map(|t| t.1.as_str()), Some("100"));
        assert_eq!(chart.x_labels[0].1, "01-01");
    }

    #[test]
    fn many_days_get_few_labels() {
        let days: Vec<DayRow> = (1..=31).map(|d| day(d, 999_997, 3)).collect();
        let chart = layout(&days);
        assert!(chart.x_labels.len() <= MAX_X_LABELS);
        assert_eq!(chart.y_ticks[2].1, "1,000,000");
        assert!(
            chart
                .bars
                .iter()
                .all(|b| b.x >= LEFT && b.x + b.width <= WIDTH - RIGHT + 1e-9)
        );
        assert!(layout(&[]).bars.is_empty());
        let mut out = String::new();
        render(&mut out, &days);
        assert_eq!(out.matches("<title>").count(), 31);
        assert!(out.starts_with("<figure") && out.ends_with("</figure>"));
    }
}
