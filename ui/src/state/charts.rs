//! Chart geometry, pure and tested: points to SVG paths, stacked weekly bars, axis ticks.
//! The components in `components/charts.rs` only draw what these return.

/// The drawing area inside the SVG's viewBox.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    pub const fn new(left: f64, top: f64, width: f64, height: f64) -> Frame {
        Frame {
            left,
            top,
            width,
            height,
        }
    }

    /// x for time `at` in `[from, to]`.
    pub fn x(&self, at: i64, from: i64, to: i64) -> f64 {
        let span = (to - from).max(1) as f64;
        self.left + (at - from) as f64 / span * self.width
    }

    /// y for `value` in `[lo, hi]` (higher values higher up).
    pub fn y(&self, value: f64, lo: f64, hi: f64) -> f64 {
        let span = (hi - lo).max(f64::EPSILON);
        self.top + (1.0 - (value - lo) / span) * self.height
    }
}

/// An SVG path through `(at, value)` points, oldest first; empty without points.
pub fn line(points: &[(i64, f64)], frame: Frame, lo: f64, hi: f64) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return String::new();
    };
    let (from, to) = (first.0, last.0.max(first.0 + 1));
    points
        .iter()
        .enumerate()
        .map(|(i, (at, v))| {
            format!(
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { " L" },
                frame.x(*at, from, to),
                frame.y(v.clamp(lo, hi), lo, hi)
            )
        })
        .collect()
}

/// Running totals: each order adds to what came before.
pub fn cumulative(points: &[(i64, f64)]) -> Vec<(i64, f64)> {
    let mut total = 0.0;
    points
        .iter()
        .map(|(at, v)| {
            total += v;
            (*at, total)
        })
        .collect()
}

/// The mean of each point and the `window - 1` before it: a trend line through noisy
/// scores.
pub fn rolling_mean(points: &[(i64, f64)], window: usize) -> Vec<(i64, f64)> {
    let window = window.max(1);
    points
        .iter()
        .enumerate()
        .map(|(i, (at, _))| {
            let from = (i + 1).saturating_sub(window);
            let slice = &points[from..=i];
            (
                *at,
                slice.iter().map(|p| p.1).sum::<f64>() / slice.len() as f64,
            )
        })
        .collect()
}

/// A stacked bar segment: which series, where, how tall.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub series: usize,
    pub week: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub count: u32,
}

/// Stacked bars, one per week, `series[s][week]` counts stacked bottom up; the tallest
/// week fills the frame. Returns the segments and that largest total.
pub fn stacked(series: &[Vec<u32>], frame: Frame) -> (Vec<Segment>, u32) {
    let weeks = series.iter().map(Vec::len).max().unwrap_or(0);
    if weeks == 0 {
        return (Vec::new(), 0);
    }
    let totals: Vec<u32> = (0..weeks)
        .map(|w| series.iter().map(|s| s.get(w).copied().unwrap_or(0)).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let slot = frame.width / weeks as f64;
    let width = (slot * 0.7).max(1.0);
    let mut out = Vec::new();
    for w in 0..weeks {
        let mut base = frame.top + frame.height;
        for (s, counts) in series.iter().enumerate() {
            let count = counts.get(w).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let height = f64::from(count) / f64::from(max) * frame.height;
            base -= height;
            out.push(Segment {
                series: s,
                week: w,
                x: frame.left + w as f64 * slot + (slot - width) / 2.0,
                y: base,
                width,
                height,
                count,
            });
        }
    }
    (out, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = Frame::new(10.0, 5.0, 100.0, 50.0);

    #[test]
    fn lines_span_the_frame() {
        let path = line(&[(0, -1.0), (50, 0.0), (100, 1.0)], FRAME, -1.0, 1.0);
        assert_eq!(path, "M10.0 55.0 L60.0 30.0 L110.0 5.0");
        assert_eq!(line(&[], FRAME, 0.0, 1.0), "");
        // One point: drawn at the left, clamped into range.
        assert_eq!(line(&[(7, 5.0)], FRAME, 0.0, 1.0), "M10.0 5.0");
    }

    #[test]
    fn rolling_means() {
        assert_eq!(
            rolling_mean(&[(1, 1.0), (2, -1.0), (3, 0.0), (4, 1.0)], 2),
            vec![(1, 1.0), (2, 0.0), (3, -0.5), (4, 0.5)]
        );
    }

    #[test]
    fn running_totals() {
        assert_eq!(
            cumulative(&[(1, 10.0), (2, 5.0), (3, 0.5)]),
            vec![(1, 10.0), (2, 15.0), (3, 15.5)]
        );
    }

    #[test]
    fn bars_stack_and_the_tallest_week_fills_the_frame() {
        let (segments, max) = stacked(&[vec![2, 0, 1], vec![2, 1, 0]], FRAME);
        assert_eq!(max, 4);
        let week0: Vec<&Segment> = segments.iter().filter(|s| s.week == 0).collect();
        assert_eq!(week0.len(), 2);
        assert!((week0[0].height - 25.0).abs() < 1e-9);
        assert!(
            (week0[1].y - 5.0).abs() < 1e-9,
            "the top of the tallest bar"
        );
        assert_eq!(segments.iter().filter(|s| s.week == 1).count(), 1);
        assert_eq!(stacked(&[], FRAME), (vec![], 0));
    }
}
