//! The benchmark chart: generation time and crate build time against number of operations, as
//! an SVG drawn by plotters (SVG backend only: text is left to the viewer's fonts).

use std::path::Path;

use plotters::prelude::*;

/// One measured spec: its operations and a value.
pub type Point = (f64, f64);

/// Two panels: generation time (ms) and build time (s), log-scaled operations on x.
pub fn draw(
    path: &Path,
    generation: &[Point],
    builds: &[(&str, Vec<Point>)],
) -> Result<(), String> {
    let root = SVGBackend::new(path, (900, 720)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (top, bottom) = root.split_vertically(360);
    panel(
        &top,
        "generation time (ms, best of 3)",
        &[("cargo xtask gen", generation.to_vec())],
    )?;
    panel(
        &bottom,
        "generated crate build time (s, cold, deps prebuilt)",
        builds,
    )?;
    root.present().map_err(|e| e.to_string())
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &[(&str, Vec<Point>)],
) -> Result<(), String> {
    let points = series.iter().flat_map(|(_, points)| points.iter());
    let max_x = points.clone().map(|p| p.0).fold(10.0, f64::max) * 1.5;
    let max_y = points.map(|p| p.1).fold(1.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d((1.0..max_x).log_scale(), 0.0..max_y)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("operations (log scale)")
        .draw()
        .map_err(|e| e.to_string())?;
    let colors = [BLUE, RED, GREEN, MAGENTA];
    for (index, (label, points)) in series.iter().enumerate() {
        let color = colors[index % colors.len()];
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(*label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))
            .map_err(|e| e.to_string())?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}
