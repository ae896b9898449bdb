//! Special functions the CLV models need: ln Γ, digamma and the Gauss hypergeometric 2F1.
//!
//! Written here rather than taken from a crate because hearth-core cannot grow dependencies
//! for one module, the three functions are small, and the models need only real arguments:
//! ln Γ and ψ for positive ones (likelihoods and their gradients), 2F1 for `z < 1` (the
//! BG/NBD expected purchases, which lifetimes computes with `scipy.special.hyp2f1`).
//!
//! ln Γ and ψ shift the argument up to 10 by recurrence, then use their Stirling series; both
//! are good to a few ulps of the result's magnitude. 2F1 sums its power series for
//! `0 <= z <= 0.9`, uses the `1 - z` connection formula (DLMF 15.8.4) above that, and maps
//! `z < 0` into `[0, 1)` with Pfaff's transformation. When `c - a - b` is within 1e-3 of an
//! integer the connection formula's gamma factors nearly cancel, so the series is summed to
//! the end instead (up to a million terms, enough for `z < 0.9999`), and beyond that the
//! connection formula is interpolated from shifted `c` (~1e-9 relative).

use std::f64::consts::PI;

/// Why 2F1 could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum SpecialError {
    /// An argument is NaN or infinite.
    #[error("2F1 argument is not finite")]
    NotFinite,
    /// `z >= 1`, where the series (and the models) are not defined.
    #[error("2F1 needs z < 1, got {0}")]
    OutOfDomain(f64),
    /// `c` is zero or a negative integer.
    #[error("2F1 has a pole at c = {0}")]
    Pole(f64),
    /// The result does not fit in a double.
    #[error("2F1 overflows a double")]
    Overflow,
    /// The series did not settle within its term budget.
    #[error("2F1 series did not converge in {0} terms")]
    NotConverged(usize),
}

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// Relative size of the last term (with the tail it bounds) at which a series stops.
const SERIES_EPS: f64 = 1e-17;
/// Above this z the `1 - z` connection formula replaces the direct series.
const CONNECTION_Z: f64 = 0.9;
/// Closer than this to an integer, `c - a - b` makes the connection formula cancel.
const DEGENERATE_GAP: f64 = 1e-3;
const DIRECT_TERMS: usize = 200_000;
const FALLBACK_TERMS: usize = 1_000_000;

/// ln Γ(x) for `x > 0`; NaN for `x <= 0` or NaN, +∞ for `x = +∞`.
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    let mut y = x;
    let mut product = 1.0;
    while y < 10.0 {
        product *= y;
        y += 1.0;
    }
    let inv = 1.0 / y;
    let inv2 = inv * inv;
    // Stirling's series: 1/12 - 1/360 y^-2 + 1/1260 y^-4 - ... (Bernoulli numbers).
    let series = inv
        * (1.0 / 12.0
            + inv2
                * (-1.0 / 360.0
                    + inv2
                        * (1.0 / 1260.0
                            + inv2
                                * (-1.0 / 1680.0
                                    + inv2
                                        * (1.0 / 1188.0
                                            + inv2 * (-691.0 / 360_360.0 + inv2 / 156.0))))));
    (y - 0.5) * y.ln() - y + LN_SQRT_2PI + series - product.ln()
}

/// Digamma ψ(x) = d/dx ln Γ(x) for `x > 0`; NaN for `x <= 0` or NaN.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    let mut y = x;
    let mut shift = 0.0;
    while y < 10.0 {
        shift += 1.0 / y;
        y += 1.0;
    }
    let inv2 = 1.0 / (y * y);
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0
                                    - inv2
                                        * (1.0 / 132.0
                                            - inv2 * (691.0 / 32_760.0 - inv2 / 12.0))))));
    y.ln() - 0.5 / y - series - shift
}

/// sin(πx), exact at integers and accurate near them.
fn sin_pi(x: f64) -> f64 {
    let r = x - 2.0 * (x / 2.0).round(); // r in [-1, 1]
    if r > 0.5 {
        (PI * (1.0 - r)).sin()
    } else if r < -0.5 {
        -(PI * (1.0 + r)).sin()
    } else {
        (PI * r).sin()
    }
}

/// (ln |Γ(x)|, sign of Γ(x)) for any real x; `None` at the poles 0, -1, -2, ….
fn ln_gamma_signed(x: f64) -> Option<(f64, f64)> {
    if x > 0.0 {
        return Some((ln_gamma(x), 1.0));
    }
    let s = sin_pi(x);
    if s == 0.0 {
        return None;
    }
    // Reflection: Γ(x) Γ(1 - x) = π / sin(πx), with Γ(1 - x) > 0 here.
    Some((PI.ln() - s.abs().ln() - ln_gamma(1.0 - x), s.signum()))
}

fn is_non_positive_integer(x: f64) -> bool {
    x <= 0.0 && x == x.round()
}

/// The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and `z < 1`.
///
/// Agrees with mpmath to ~1e-13 relative on the BG/NBD argument ranges (see the module tests).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, SpecialError> {
    let value = hyp2f1_minus_one(a, b, c, z)? + 1.0;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SpecialError::Overflow)
    }
}

/// 2F1(a, b; c; z) - 1, without the cancellation of subtracting 1 when z is small.
pub(super) fn hyp2f1_minus_one(a: f64, b: f64, c: f64, z: f64) -> Result<f64, SpecialError> {
    if !(a.is_finite() && b.is_finite() && c.is_finite() && z.is_finite()) {
        return Err(SpecialError::NotFinite);
    }
    if z >= 1.0 {
        return Err(SpecialError::OutOfDomain(z));
    }
    if is_non_positive_integer(c) {
        return Err(SpecialError::Pole(c));
    }
    let polynomial = is_non_positive_integer(a) || is_non_positive_integer(b);
    let value = if z == 0.0 || a == 0.0 || b == 0.0 {
        0.0
    } else if z < 0.0 {
        // Pfaff: 2F1(a, b; c; z) = (1 - z)^-a 2F1(a, c - b; c; z / (z - 1)).
        let inner = hyp2f1_minus_one(a, c - b, c, z / (z - 1.0))?;
        let ln_scale = -a * (-z).ln_1p();
        ln_scale.exp() * inner + ln_scale.exp_m1()
    } else if z <= CONNECTION_Z || polynomial {
        series_minus_one(a, b, c, z, DIRECT_TERMS)?
    } else {
        let m = c - a - b;
        if (m - m.round()).abs() >= DEGENERATE_GAP {
            connection(a, b, c, z, m)? - 1.0
        } else {
            match series_minus_one(a, b, c, z, FALLBACK_TERMS) {
                Err(SpecialError::NotConverged(_)) => interpolated_connection(a, b, c, z)? - 1.0,
                other => other?,
            }
        }
    };
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SpecialError::Overflow)
    }
}

/// Σ_{n>=1} (a)_n (b)_n / ((c)_n n!) z^n, for `0 <= z < 1`.
fn series_minus_one(a: f64, b: f64, c: f64, z: f64, max_terms: usize) -> Result<f64, SpecialError> {
    let mut term = 1.0;
    let mut sum = 0.0;
    for n in 0..max_terms {
        let k = n as f64;
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        term *= ratio;
        sum += term;
        if term == 0.0 {
            return Ok(sum); // a or b is a non-positive integer: the series ends
        }
        if !sum.is_finite() {
            return Err(SpecialError::Overflow);
        }
        // Later ratios stay below max(|ratio|, z), so the tail is at most term·ρ/(1-ρ).
        let rho = ratio.abs().max(z);
        let scale = sum.abs().max(1e-16 * (1.0 + sum).abs());
        if rho < 1.0 && term.abs() * rho <= SERIES_EPS * (1.0 - rho) * scale {
            return Ok(sum);
        }
    }
    Err(SpecialError::NotConverged(max_terms))
}

/// DLMF 15.8.4 for `0.9 < z < 1` and `c - a - b = m` not an integer:
/// 2F1(a,b;c;z) = Γ(c)Γ(m)/(Γ(c-a)Γ(c-b)) 2F1(a,b;1-m;1-z)
///              + (1-z)^m Γ(c)Γ(-m)/(Γ(a)Γ(b)) 2F1(c-a,c-b;1+m;1-z).
fn connection(a: f64, b: f64, c: f64, z: f64, m: f64) -> Result<f64, SpecialError> {
    let w = 1.0 - z;
    let mut value = 0.0;
    if let Some(coef) = gamma_ratio(&[c, m], &[c - a, c - b], 0.0) {
        value += coef * (1.0 + series_minus_one(a, b, 1.0 - m, w, DIRECT_TERMS)?);
    }
    if let Some(coef) = gamma_ratio(&[c, -m], &[a, b], m * w.ln()) {
        value += coef * (1.0 + series_minus_one(c - a, c - b, 1.0 + m, w, DIRECT_TERMS)?);
    }
    Ok(value)
}

/// The connection formula for `c - a - b = k + e` with `|e|` below [`DEGENERATE_GAP`], where
/// it cancels: evaluated with c shifted so that `c - a - b` is k ± h and k ± 2h (h = the gap,
/// far enough from k to be accurate), and interpolated back to `k + e` by the cubic through
/// the four points. The O(h⁴) error is ~1e-9 relative for moderate parameters.
fn interpolated_connection(a: f64, b: f64, c: f64, z: f64) -> Result<f64, SpecialError> {
    let m = c - a - b;
    let (k, e) = (m.round(), m - m.round());
    let h = DEGENERATE_GAP;
    let nodes = [-2.0 * h, -h, h, 2.0 * h];
    let mut value = 0.0;
    for (i, &node) in nodes.iter().enumerate() {
        let weight: f64 = nodes
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, &other)| (e - other) / (node - other))
            .product();
        value += weight * connection(a, b, c + (node - e), z, k + node)?;
    }
    Ok(value)
}

/// exp(ln_extra) · Π Γ(num) / Π Γ(den), evaluated in logs; `None` when a denominator gamma
/// is infinite (the term vanishes). Numerators are never at poles here (c is checked, m is
/// not an integer).
fn gamma_ratio(num: &[f64], den: &[f64], ln_extra: f64) -> Option<f64> {
    let mut ln = ln_extra;
    let mut sign = 1.0;
    for &x in num {
        let (l, s) = ln_gamma_signed(x)?;
        ln += l;
        sign *= s;
    }
    for &x in den {
        let (l, s) = ln_gamma_signed(x)?;
        ln -= l;
        sign *= s;
    }
    Some(sign * ln.exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, rel: f64) {
        let err = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
        assert!(
            err <= rel,
            "{actual} vs {expected}: relative error {err:e} > {rel:e}"
        );
    }

    #[test]
    fn ln_gamma_known_values() {
        close(ln_gamma(0.5), 0.572_364_942_924_700_1, 1e-14);
        close(ln_gamma(10.0), 362_880f64.ln(), 1e-15);
        close(ln_gamma(100.0), 359.134_205_369_575_4, 1e-15);
        close(ln_gamma(1e-8), 18.420_680_738_180_21, 1e-14);
        close(ln_gamma(3.7), 1.428_072_326_665_387_9, 1e-14);
        // Absolute accuracy is what the likelihoods need: a few 1e-15 near the zeros at 1 and 2.
        assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
        assert!(ln_gamma(0.0).is_nan() && ln_gamma(-1.5).is_nan());
    }

    #[test]
    fn ln_gamma_recurrence() {
        for &x in &[0.01, 0.3, 1.7, 6.2, 9.99, 25.0, 1e4] {
            close(ln_gamma(x + 1.0) - ln_gamma(x), x.ln(), 1e-12);
        }
    }

    #[test]
    fn ln_gamma_signed_reflection() {
        let (l, s) = ln_gamma_signed(-0.5).unwrap(); // Γ(-1/2) = -2√π
        close(l, (2.0 * PI.sqrt()).ln(), 1e-14);
        assert_eq!(s, -1.0);
        let (l, s) = ln_gamma_signed(-2.5).unwrap(); // Γ(-5/2) = -8√π/15
        assert!((l - (8.0 * PI.sqrt() / 15.0).ln()).abs() < 1e-14);
        assert_eq!(s, -1.0);
        assert!(ln_gamma_signed(-3.0).is_none() && ln_gamma_signed(0.0).is_none());
    }

    #[test]
    fn digamma_known_values() {
        let euler = 0.577_215_664_901_532_9;
        close(digamma(1.0), -euler, 1e-15);
        close(digamma(0.5), -euler - 2.0 * 2f64.ln(), 1e-15);
        close(digamma(10.0), 2.251_752_589_066_721, 1e-15);
        close(digamma(1e-6), -1_000_000.577_214_02, 1e-15);
        for &x in &[0.2, 3.3, 12.0, 400.0] {
            let h = 1e-5 * x;
            let numeric = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            close(digamma(x), numeric, 1e-8);
        }
    }

    #[test]
    fn hyp2f1_closed_forms() {
        for &z in &[-5.0, -0.7, 0.1, 0.5, 0.9, 0.95, 0.999, 0.999_999] {
            // 2F1(1, 1; 2; z) = -ln(1 - z) / z; c - a - b = 0, so past the series' term budget
            // (z = 0.999999) the extrapolated connection formula answers.
            let tol = if z > 0.9999 { 1e-8 } else { 1e-13 };
            close(hyp2f1(1.0, 1.0, 2.0, z).unwrap(), -(-z).ln_1p() / z, tol);
            // 2F1(a, b; b; z) = (1 - z)^-a
            close(
                hyp2f1(0.37, 2.2, 2.2, z).unwrap(),
                (1.0 - z).powf(-0.37),
                1e-13,
            );
        }
        for &x in &[0.1, 0.5, 0.9, 0.99] {
            // 2F1(1/2, 1/2; 3/2; x²) = asin(x) / x
            close(hyp2f1(0.5, 0.5, 1.5, x * x).unwrap(), x.asin() / x, 1e-13);
        }
        // Polynomial: 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z²/(c(c+1))
        let (b, c, z) = (1.5, 2.5, 0.97);
        let poly = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        close(hyp2f1(-2.0, b, c, z).unwrap(), poly, 1e-14);
        assert_eq!(hyp2f1(3.0, 4.0, 5.0, 0.0), Ok(1.0));
    }

    #[test]
    fn hyp2f1_small_z_keeps_relative_accuracy_of_f_minus_one() {
        // 2F1(1,1;2;z) - 1 = -ln(1-z)/z - 1 ≈ z/2 for tiny z.
        let z = 1e-12;
        close(
            hyp2f1_minus_one(1.0, 1.0, 2.0, z).unwrap(),
            z / 2.0 + z * z / 3.0,
            1e-12,
        );
    }

    #[test]
    fn hyp2f1_degenerate_connection_falls_back_to_the_series() {
        // c - a - b = 1 and z near 1: 2F1(1, 1; 3; z) = 2[(1-z)ln(1-z) + z] / z².
        let z: f64 = 0.99;
        let exact = 2.0 * ((1.0 - z) * (1.0 - z).ln() + z) / (z * z);
        close(hyp2f1(1.0, 1.0, 3.0, z).unwrap(), exact, 1e-13);
    }

    #[test]
    fn hyp2f1_errors() {
        assert_eq!(
            hyp2f1(1.0, 1.0, 2.0, 1.0),
            Err(SpecialError::OutOfDomain(1.0))
        );
        assert_eq!(hyp2f1(1.0, 1.0, -2.0, 0.5), Err(SpecialError::Pole(-2.0)));
        assert_eq!(
            hyp2f1(f64::NAN, 1.0, 2.0, 0.5),
            Err(SpecialError::NotFinite)
        );
        assert_eq!(hyp2f1(400.0, 402.0, 3.0, 0.9), Err(SpecialError::Overflow));
    }
}
