//! Which rows of a long list to put in the page: the ones on screen and a few either side.
//!
//! Every row is `row` pixels tall except the one whose details are open, which is measured.
//! The rows above and below the slice are stood in for by padding, so the scroll bar, the
//! scroll position and `scrollIntoView` behave as if every row were there.

/// Lists up to this long are rendered whole: a few hundred rows cost nothing, and the
/// browser's own find-in-page then sees all of them.
pub const WINDOW_FROM: usize = 200;
/// Rows rendered beyond each edge of the screen, so `j`/`k` and fast scrolling never meet a
/// blank.
pub const OVERSCAN: usize = 12;
/// A collapsed row's height until one has been measured (px).
pub const ROW_GUESS: f64 = 41.0;
/// Scrolled to within this many rows of the last loaded one, the next page is fetched.
pub const LOAD_AHEAD: usize = 60;

/// How tall the rows are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heights {
    /// A collapsed row (px, > 0).
    pub row: f64,
    /// The open row: its index and its measured height.
    pub open: Option<(usize, f64)>,
}

/// The rows to render, `start..end`, and the space that stands in for the others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slice {
    pub start: usize,
    pub end: usize,
    pub pad_top: f64,
    pub pad_bottom: f64,
}

impl Heights {
    fn row(&self) -> f64 {
        if self.row.is_finite() && self.row > 0.0 {
            self.row
        } else {
            ROW_GUESS
        }
    }

    /// The extra height of the open row over a collapsed one.
    fn extra(&self, count: usize) -> Option<(usize, f64)> {
        self.open
            .filter(|(at, _)| *at < count)
            .map(|(at, h)| (at, (h - self.row()).max(0.0)))
    }

    /// The top of row `i` (px from the top of the list).
    pub fn top(&self, i: usize, count: usize) -> f64 {
        let extra = match self.extra(count) {
            Some((at, extra)) if at < i => extra,
            _ => 0.0,
        };
        i as f64 * self.row() + extra
    }

    /// The index of the row at `y` px from the top of the list (clamped to the list).
    pub fn index_at(&self, y: f64, count: usize) -> usize {
        if count == 0 || y <= 0.0 {
            return 0;
        }
        let row = self.row();
        let plain = (y / row).floor() as usize;
        let at = match self.extra(count) {
            // Past the open row: take its extra height off first.
            Some((at, extra)) if plain > at => {
                let open_bottom = self.top(at, count) + row + extra;
                if y < open_bottom {
                    at
                } else {
                    ((y - extra) / row).floor() as usize
                }
            }
            _ => plain,
        };
        at.min(count - 1)
    }

    /// The whole list's height.
    pub fn total(&self, count: usize) -> f64 {
        self.top(count, count)
    }
}

/// The slice of a `count`-row list to render when the screen shows `view_top..view_bottom`
/// (px from the top of the list; either may lie outside it).
pub fn slice(count: usize, heights: Heights, view_top: f64, view_bottom: f64) -> Slice {
    if count <= WINDOW_FROM {
        return Slice {
            start: 0,
            end: count,
            pad_top: 0.0,
            pad_bottom: 0.0,
        };
    }
    let (top, bottom) = if view_bottom >= view_top {
        (view_top, view_bottom)
    } else {
        (view_bottom, view_top)
    };
    let first = heights.index_at(top, count);
    let last = heights.index_at(bottom, count);
    let start = first.saturating_sub(OVERSCAN);
    let end = (last + 1 + OVERSCAN).min(count);
    Slice {
        start,
        end,
        pad_top: heights.top(start, count),
        pad_bottom: heights.total(count) - heights.top(end, count),
    }
}

/// Whether the screen has come close enough to the last loaded row to fetch more.
pub fn wants_more(count: usize, heights: Heights, view_bottom: f64) -> bool {
    let near = count.saturating_sub(LOAD_AHEAD);
    view_bottom >= heights.top(near, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Heights = Heights {
        row: 40.0,
        open: None,
    };

    #[test]
    fn a_short_list_is_rendered_whole() {
        let s = slice(150, H, 4000.0, 4600.0);
        assert_eq!(
            (s.start, s.end, s.pad_top, s.pad_bottom),
            (0, 150, 0.0, 0.0)
        );
    }

    #[test]
    fn a_long_list_renders_the_screen_and_the_overscan_only() {
        // 10,000 rows of 40 px; the screen shows 800 px from row 5,000 down.
        let s = slice(10_000, H, 200_000.0, 200_800.0);
        assert_eq!(s.start, 5_000 - OVERSCAN);
        assert_eq!(s.end, 5_020 + 1 + OVERSCAN);
        assert_eq!(s.pad_top, s.start as f64 * 40.0);
        // Padding and rows always add up to the whole list.
        let rows = (s.end - s.start) as f64 * 40.0;
        assert_eq!(s.pad_top + rows + s.pad_bottom, 400_000.0);
    }

    #[test]
    fn the_edges_clamp() {
        let top = slice(1_000, H, -500.0, 300.0);
        assert_eq!((top.start, top.pad_top), (0, 0.0));
        let bottom = slice(1_000, H, 39_800.0, 41_000.0);
        assert_eq!((bottom.end, bottom.pad_bottom), (1_000, 0.0));
        // Scrolled far past the list (a stale position after a filter): still a valid slice.
        let past = slice(300, H, 1e9, 1e9 + 800.0);
        assert!(past.start <= past.end && past.end == 300);
    }

    #[test]
    fn an_open_row_pushes_the_rows_below_it_down() {
        let h = Heights {
            row: 40.0,
            open: Some((10, 440.0)),
        };
        assert_eq!(h.top(10, 1_000), 400.0);
        assert_eq!(h.top(11, 1_000), 840.0);
        assert_eq!(h.total(1_000), 40_400.0);
        // Inside the open row, and just below it.
        assert_eq!(h.index_at(500.0, 1_000), 10);
        assert_eq!(h.index_at(839.0, 1_000), 10);
        assert_eq!(h.index_at(840.0, 1_000), 11);
        assert_eq!(h.index_at(399.0, 1_000), 9);
        let s = slice(1_000, h, 20_400.0, 21_200.0);
        assert_eq!(s.start, 500 - OVERSCAN);
        let rows: f64 = (s.start..s.end)
            .map(|i| if i == 10 { 440.0 } else { 40.0 })
            .sum();
        assert_eq!(s.pad_top + rows + s.pad_bottom, h.total(1_000));
    }

    #[test]
    fn an_open_row_beyond_the_list_or_a_bad_measure_changes_nothing() {
        let h = Heights {
            row: f64::NAN,
            open: Some((5_000, 900.0)),
        };
        assert_eq!(h.total(300), 300.0 * ROW_GUESS);
    }

    #[test]
    fn more_is_wanted_near_the_end_only() {
        assert!(!wants_more(1_000, H, 10_000.0));
        assert!(wants_more(1_000, H, (1_000 - LOAD_AHEAD) as f64 * 40.0));
        assert!(wants_more(10, H, 0.0), "a list shorter than the look-ahead");
    }
}
