//! Plots as SVG text, without dependencies: training curves from a [`History`] and a confusion
//! matrix from a [`ClassReport`]. Write the string to a `.svg` file and open it in a browser.

use super::history::History;
use super::metrics::ClassReport;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const MARGIN: f64 = 48.0;

/// One curve: its name, colour and values per epoch.
struct Curve {
    name: String,
    colour: &'static str,
    values: Vec<f64>,
}

/// A panel of curves over the epochs, with its y range from the values, at vertical offset
/// `top`.
fn panel(svg: &mut String, title: &str, top: f64, curves: &[Curve]) {
    let all = curves
        .iter()
        .flat_map(|c| c.values.iter().copied())
        .filter(|v| v.is_finite());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (lo, hi) = if lo < hi {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let epochs = curves.iter().map(|c| c.values.len()).max().unwrap_or(0);
    let (plot_w, plot_h) = (WIDTH - 2.0 * MARGIN, HEIGHT - 2.0 * MARGIN);
    let x = |e: usize| MARGIN + plot_w * e as f64 / (epochs.max(2) - 1) as f64;
    let y = |v: f64| top + MARGIN + plot_h * (hi - v) / (hi - lo);
    let _ = write!(
        svg,
        r##"<text x="{MARGIN}" y="{:.1}" font-size="14">{title}</text><rect x="{MARGIN}" y="{:.1}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>"##,
        top + MARGIN - 10.0,
        top + MARGIN
    );
    let _ = write!(
        svg,
        r#"<text x="4" y="{:.1}" font-size="10">{hi:.4}</text><text x="4" y="{:.1}" font-size="10">{lo:.4}</text><text x="{:.1}" y="{:.1}" font-size="10">epoch {}</text>"#,
        top + MARGIN + 4.0,
        top + MARGIN + plot_h,
        WIDTH - MARGIN - 40.0,
        top + HEIGHT - MARGIN + 14.0,
        epochs
    );
    for (k, curve) in curves.iter().enumerate() {
        let points: Vec<String> = curve
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(e, &v)| format!("{:.1},{:.1}", x(e), y(v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"><title>{}</title></polyline><text x="{:.1}" y="{:.1}" font-size="11" fill="{}">{}: {}</text>"#,
            curve.colour,
            points.join(" "),
            curve.name,
            MARGIN + 8.0 + 150.0 * k as f64,
            top + MARGIN + 14.0,
            curve.colour,
            curve.name,
            curve
                .values
                .last()
                .map_or(String::new(), |v| format!("{v:.4}"))
        );
    }
}

/// The loss and every compiled metric per epoch, training and (when there was validation)
/// validation, as an SVG document of one panel each; the legend holds each curve's last value.
///
/// ```
/// use stratanet::prelude::*;
/// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0)
///     .compile(Mse, Sgd::new(0.1))
///     .metrics(stratanet::metric::Mae::default());
/// let history = model.fit(&[0.0, 1.0, 2.0, 3.0], &[1.0, 3.0, 5.0, 7.0], Fit::epochs(5).validation_split(0.25).silent())?;
/// let svg = stratanet::train::plot::training_curves(&history);
/// assert!(svg.starts_with("<svg") && svg.contains("val_loss") && svg.contains("val_mae"));
/// # Ok::<(), stratanet::Error>(())
/// ```
#[must_use]
pub fn training_curves(history: &History) -> String {
    let names: Vec<&str> = history
        .epochs
        .first()
        .map(|s| s.metrics.iter().map(|m| m.name).collect())
        .unwrap_or_default();
    let curves = |name: &str,
                  train: &dyn Fn(&super::EpochStats) -> Option<f64>,
                  val: &dyn Fn(&super::EpochStats) -> Option<f64>| {
        let series = |f: &dyn Fn(&super::EpochStats) -> Option<f64>| -> Vec<f64> {
            history.epochs.iter().filter_map(f).collect()
        };
        let both = [
            Curve {
                name: name.into(),
                colour: "#1f77b4",
                values: series(train),
            },
            Curve {
                name: format!("val_{name}"),
                colour: "#ff7f0e",
                values: series(val),
            },
        ];
        both.into_iter()
            .filter(|c| !c.values.is_empty())
            .collect::<Vec<_>>()
    };
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{}" font-family="sans-serif">"#,
        (1 + names.len()) as f64 * HEIGHT
    );
    let loss = curves("loss", &|s| Some(s.loss), &|s| s.val_loss);
    panel(&mut svg, "loss", 0.0, &loss);
    for (k, name) in names.iter().enumerate() {
        let metric = curves(name, &|s| s.metric(name).ok(), &|s| s.val_metric(name).ok());
        panel(&mut svg, name, (k + 1) as f64 * HEIGHT, &metric);
    }
    svg.push_str("</svg>\n");
    svg
}

/// The confusion matrix of `report` as an SVG document: a cell per (actual, predicted) pair
/// holding its count, shaded by its share of the actual class, with each class's recall.
///
/// ```
/// use stratanet::train::ClassReport;
/// let report = ClassReport::new(2, vec![5, 1, 2, 8]); // rows: actual, columns: predicted
/// let svg = stratanet::train::plot::confusion_matrix(&report);
/// assert!(svg.contains(">8</text>") && svg.contains("recall 0.80"));
/// ```
#[must_use]
pub fn confusion_matrix(report: &ClassReport) -> String {
    let n = report.classes();
    let cell = (420.0 / n.max(1) as f64).clamp(16.0, 60.0);
    let side = 80.0 + cell * n as f64;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" font-family="sans-serif"><text x="80" y="20" font-size="13">predicted →</text><text x="4" y="50" font-size="13">actual ↓</text>"#,
        side + 120.0,
        side + 20.0
    );
    for actual in 0..n {
        let row_total: usize = (0..n).map(|p| report.count(actual, p)).sum();
        for predicted in 0..n {
            let count = report.count(actual, predicted);
            let share = count as f64 / row_total.max(1) as f64;
            let (x, y) = (80.0 + cell * predicted as f64, 60.0 + cell * actual as f64);
            let light = (255.0 - 200.0 * share) as u8;
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{cell:.1}" height="{cell:.1}" fill="rgb({light},{light},255)" stroke="#fff"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{count}</text>"##,
                x + cell / 2.0,
                y + cell / 2.0 + 4.0
            );
        }
        let y = 60.0 + cell * actual as f64 + cell / 2.0 + 4.0;
        let _ = write!(
            svg,
            r#"<text x="60" y="{y:.1}" font-size="11" text-anchor="end">{actual}</text><text x="{:.1}" y="{y:.1}" font-size="11">recall {:.2}</text>"#,
            80.0 + cell * n as f64 + 8.0,
            report.recall(actual)
        );
    }
    for predicted in 0..n {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="54" font-size="11" text-anchor="middle">{predicted}</text>"#,
            80.0 + cell * predicted as f64 + cell / 2.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}
