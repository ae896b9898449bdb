//! Python's string and float semantics, as `vaderSentiment` relies on them.
//!
//! Why: `str.split()`, `str.strip()`, `str.isupper()`, `string.punctuation` and `round()` differ
//! from their nearest Rust counterparts (Python's whitespace includes U+001C..U+001F, its case
//! tables are CPython 3.11's Unicode 14, `round` is correctly rounded on the binary value), and
//! each difference changes some score. All-ASCII text, the common case, gets byte-level paths.

/// `str.strip()`: Python whitespace off both ends, bytewise for ASCII text.
pub(super) fn py_strip(text: &str) -> &str {
    if !text.is_ascii() {
        return text.trim_matches(is_py_space);
    }
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_ascii_py_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ascii_py_space(b))
        .map_or(start, |e| e + 1);
    text.get(start..end).unwrap_or("")
}

/// Python's `str.isspace()` (CPython 3.11): Rust's White_Space plus the four C0 separators.
pub(super) fn is_py_space(c: char) -> bool {
    if c.is_ascii() {
        is_ascii_py_space(c as u8)
    } else {
        c.is_whitespace()
    }
}

/// `"n't" in word` (a plain loop: short words made `memchr` and `str::contains` the slower way).
pub(super) fn contains_nt(word: &str) -> bool {
    word.as_bytes().windows(3).any(|w| w == b"n't")
}

/// `str.split()` without arguments: the maximal runs of non-whitespace, in Python's sense.
/// Runs of ASCII are scanned byte by byte; only non-ASCII characters are decoded.
pub(super) struct PySplit<'t>(pub(super) &'t str);

/// Byte classes, looked up rather than computed in the per-byte loops.
const SPACE: u8 = 1;
const PUNCTUATION: u8 = 2;
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0u8;
    while b < 128 {
        if matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ') {
            table[b as usize] = SPACE;
        }
        // `string.punctuation` is exactly ASCII punctuation.
        if b.is_ascii_punctuation() {
            table[b as usize] = PUNCTUATION;
        }
        b += 1;
    }
    table
};

/// A byte of an ASCII character Python's `str.isspace()` accepts.
fn is_ascii_py_space(b: u8) -> bool {
    BYTE_CLASS[usize::from(b)] == SPACE
}

fn is_punctuation(b: u8) -> bool {
    BYTE_CLASS[usize::from(b)] == PUNCTUATION
}

impl<'t> Iterator for PySplit<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let text = self.0;
        let bytes = text.as_bytes();
        let wide_char_at = |i: usize| match bytes.get(i) {
            Some(b) if !b.is_ascii() => text.get(i..).and_then(|rest| rest.chars().next()),
            _ => None,
        };
        let mut i = 0;
        loop {
            let rest = bytes.get(i..).unwrap_or_default();
            i += rest
                .iter()
                .position(|&b| !is_ascii_py_space(b))
                .unwrap_or(rest.len());
            match wide_char_at(i) {
                Some(c) if is_py_space(c) => i += c.len_utf8(),
                _ => break,
            }
        }
        let start = i;
        loop {
            let rest = bytes.get(i..).unwrap_or_default();
            i += rest
                .iter()
                .position(|&b| !b.is_ascii() || is_ascii_py_space(b))
                .unwrap_or(rest.len());
            match wide_char_at(i) {
                Some(c) if !is_py_space(c) => i += c.len_utf8(),
                _ => break,
            }
        }
        self.0 = text.get(i..).unwrap_or("");
        text.get(start..i).filter(|word| !word.is_empty())
    }
}

/// [`PySplit`] and [`strip_punc_if_word`] fused for an all-ASCII text, the common case: calls
/// `f(token, has_upper)` for each token.
pub(super) fn for_each_ascii_token<'t>(text: &'t str, mut f: impl FnMut(&'t str, bool)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    loop {
        while i < n && is_ascii_py_space(bytes[i]) {
            i += 1;
        }
        if i == n {
            return;
        }
        let raw_start = i;
        let mut has_upper = false;
        while i < n && !is_ascii_py_space(bytes[i]) {
            has_upper |= bytes[i].is_ascii_uppercase();
            i += 1;
        }
        let (mut start, mut end) = (raw_start, i);
        while start < end && is_punctuation(bytes[start]) {
            start += 1;
        }
        while end > start && is_punctuation(bytes[end - 1]) {
            end -= 1;
        }
        if end - start <= 2 {
            (start, end) = (raw_start, i);
        }
        // Punctuation is never upper case, so `has_upper` holds for the stripped token too.
        f(text.get(start..end).unwrap_or(""), has_upper);
    }
}

/// `SentiText._strip_punc_if_word`: `string.punctuation` is exactly ASCII punctuation, and the
/// length test counts code points.
pub(super) fn strip_punc_if_word(token: &str) -> &str {
    // ASCII bytes never occur inside a multi-byte character, so trimming bytes is safe.
    let bytes = token.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_punctuation(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_punctuation(b))
        .map_or(start, |e| e + 1);
    let stripped = token.get(start..end).unwrap_or(token);
    if stripped.len() <= 2 || (!stripped.is_ascii() && stripped.chars().nth(2).is_none()) {
        token
    } else {
        stripped
    }
}

/// Code points that CPython 3.11 (Unicode 14) treats as uncased but Rust's newer Unicode tables
/// give a case; U+0295 is the reverse (lower-case in 3.11, uncased since Unicode 16).
const PY311_UNCASED: [(u32, u32); 14] = [
    (0x10fc, 0x10fc),
    (0x1c89, 0x1c8a),
    (0xa7cb, 0xa7cf),
    (0xa7d2, 0xa7d2),
    (0xa7d4, 0xa7d4),
    (0xa7da, 0xa7dc),
    (0xa7f1, 0xa7f4),
    (0xab69, 0xab69),
    (0x10d50, 0x10d65),
    (0x10d70, 0x10d85),
    (0x16ea0, 0x16eb8),
    (0x16ebb, 0x16ed3),
    (0x1df25, 0x1df2a),
    (0x1e030, 0x1e06c),
];

/// General category Lt, which Rust's std does not expose.
fn is_titlecase(c: char) -> bool {
    matches!(c as u32, 0x1c5 | 0x1c8 | 0x1cb | 0x1f2 | 0x1f88..=0x1f8f | 0x1f98..=0x1f9f
        | 0x1fa8..=0x1faf | 0x1fbc | 0x1fcc | 0x1ffc)
}

/// Python's `str.isupper()`: at least one cased character and no lower- or title-case one.
pub(super) fn py_isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_ascii() {
            if c.is_ascii_lowercase() {
                return false;
            }
            cased |= c.is_ascii_uppercase();
            continue;
        }
        let cp = c as u32;
        if cp == 0x295 {
            return false;
        }
        if cp >= 0x10fc
            && PY311_UNCASED
                .iter()
                .any(|&(lo, hi)| (lo..=hi).contains(&cp))
        {
            continue;
        }
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// Python's `round(x, ndigits)` for small `ndigits`: round the exact binary value to the nearest
/// decimal (ties to even), then take the nearest double, keeping the sign of a zero result.
pub(super) fn py_round(x: f64, ndigits: usize) -> f64 {
    const POWERS_OF_TEN: [f64; 9] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
    let scale = POWERS_OF_TEN.get(ndigits).copied().unwrap_or(f64::INFINITY);
    let y = x * scale;
    if y.abs() < 1e9 {
        // `y` is within 1e-7 of the exact product here, so away from a tie the nearest integer
        // is certain, and k / 10^n is the correctly rounded double of the decimal k·10^-n.
        // Truncation is exact below 2^53, and avoids a libm call on baseline x86-64.
        let truncated = y as i64 as f64;
        let floor = if truncated > y {
            truncated - 1.0
        } else {
            truncated
        };
        let frac = y - floor;
        if (frac - 0.5).abs() > 1e-6 {
            let k = if frac < 0.5 { floor } else { floor + 1.0 };
            return if k == 0.0 {
                0.0f64.copysign(x)
            } else {
                k / scale
            };
        }
    }
    // Near a tie: Rust formats the exact binary value with ties to even, like Python's dtoa.
    format!("{x:.ndigits$}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_round_semantics() {
        assert_eq!(py_round(0.0625, 3), 0.062); // exact binary tie: to even
        assert_eq!(py_round(0.1875, 3), 0.188);
        assert_eq!(py_round(0.03125, 4), 0.0312);
        assert_eq!(py_round(0.09375, 4), 0.0938);
        assert_eq!(py_round(0.12345, 4), 0.1235); // binary value is just above the tie
        assert!(py_round(-0.00001, 4).is_sign_negative());
        assert!(py_round(0.00001, 4).is_sign_positive());
        assert_eq!(py_round(-0.99995, 4), -1.0); // binary value is just beyond the tie
    }

    #[test]
    fn python_string_predicates() {
        assert!(py_isupper("GOOD!"));
        assert!(!py_isupper("Good"));
        assert!(!py_isupper("123"));
        assert!(!py_isupper("ǅ")); // title case
        assert!(!py_isupper("ABʕ")); // lower-case in Unicode 14
        assert!(!py_isupper("\u{10d50}")); // Garay capital: uncased in Unicode 14
        assert!(is_py_space('\u{1c}') && is_py_space('\u{a0}') && !is_py_space('\u{200b}'));
        assert_eq!(strip_punc_if_word("good!!!"), "good");
        assert_eq!(strip_punc_if_word(":)"), ":)");
        assert_eq!(strip_punc_if_word("é!"), "é!");
    }
}
