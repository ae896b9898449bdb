//! A small BFGS minimizer for the CLV likelihoods.
//!
//! lifetimes minimizes with `scipy.optimize.minimize(method=None)`, which is BFGS with the
//! (autograd) gradient and stops when the largest gradient component is below `tol`. This is
//! the same algorithm, written out because hearth-core cannot take an optimization crate for
//! one module (argmin, the obvious one, brings its own math and RNG stack) and because the
//! problems are tiny (3 or 4 parameters, smooth, analytic gradients), where a hand-written
//! BFGS is ~100 lines and easy to test. The line search backtracks (Armijo, with quadratic
//! interpolation) and treats a NaN or infinite objective as "too far", so a wild first step
//! that overflows `exp(log_param)` is shortened rather than poisoning the fit. The inverse
//! Hessian is rescaled after the first step (Nocedal & Wright, eq. 6.20) and the update is
//! skipped when the curvature condition fails.

/// Where the minimizer stopped.
#[derive(Debug, Clone, Copy)]
pub(super) struct Minimum<const N: usize> {
    pub x: [f64; N],
    pub f: f64,
    /// max |∂f/∂x_i| at `x`.
    pub gradient_norm: f64,
    pub iterations: usize,
    pub evaluations: usize,
    /// The gradient tolerance was met.
    pub converged: bool,
}

/// Armijo sufficient-decrease constant.
const C1: f64 = 1e-4;
/// Give up a line search after this many shortenings (step ~ 1e-30 of the first).
const MAX_BACKTRACKS: usize = 100;

/// Minimizes `f` from `x0`. `f(x, grad)` returns the objective and writes its gradient; a
/// non-finite return means "outside the domain".
pub(super) fn bfgs<const N: usize, F>(
    mut f: F,
    x0: [f64; N],
    gradient_tolerance: f64,
    max_iterations: usize,
) -> Option<Minimum<N>>
where
    F: FnMut(&[f64; N], &mut [f64; N]) -> f64,
{
    let mut x = x0;
    let mut g = [0.0; N];
    let mut fx = f(&x, &mut g);
    let mut evaluations = 1;
    if !fx.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut h = identity::<N>();
    let mut first_step = true;
    let mut iterations = 0;
    let done = |x: [f64; N], f: f64, g: &[f64; N], iterations, evaluations, converged| Minimum {
        x,
        f,
        gradient_norm: inf_norm(g),
        iterations,
        evaluations,
        converged,
    };

    while iterations < max_iterations {
        if inf_norm(&g) <= gradient_tolerance {
            return Some(done(x, fx, &g, iterations, evaluations, true));
        }
        let mut p = mat_vec(&h, &g).map(|v| -v);
        let mut slope = dot(&p, &g);
        if slope >= 0.0 || !slope.is_finite() {
            // Lost positive definiteness: restart from steepest descent.
            h = identity::<N>();
            p = g.map(|v| -v);
            slope = dot(&p, &g);
        }

        let mut step = 1.0;
        let mut accepted = None;
        let mut g_new = [0.0; N];
        for _ in 0..MAX_BACKTRACKS {
            let x_new = add_scaled(&x, step, &p);
            let f_new = f(&x_new, &mut g_new);
            evaluations += 1;
            if f_new.is_finite()
                && g_new.iter().all(|v| v.is_finite())
                && f_new <= fx + C1 * step * slope
            {
                accepted = Some((x_new, f_new));
                break;
            }
            // Minimizer of the quadratic through f(0), f'(0) and f(step), kept in [0.1, 0.5]·step.
            let shrink = if f_new.is_finite() {
                let q = -slope * step / (2.0 * (f_new - fx - slope * step));
                if q.is_finite() {
                    q.clamp(0.1, 0.5)
                } else {
                    0.5
                }
            } else {
                0.1
            };
            step *= shrink;
        }
        let Some((x_new, f_new)) = accepted else {
            // No decrease along a descent direction: we are at the objective's noise floor.
            return Some(done(x, fx, &g, iterations, evaluations, false));
        };
        iterations += 1;

        let s: [f64; N] = std::array::from_fn(|i| x_new[i] - x[i]);
        let y: [f64; N] = std::array::from_fn(|i| g_new[i] - g[i]);
        let sy = dot(&s, &y);
        if sy > 1e-12 * norm2(&s) * norm2(&y) {
            if first_step {
                let scale = sy / dot(&y, &y);
                h = identity::<N>().map(|row| row.map(|v| v * scale));
            }
            bfgs_update(&mut h, &s, &y, sy);
            first_step = false;
        }
        x = x_new;
        fx = f_new;
        g = g_new;
    }
    let converged = inf_norm(&g) <= gradient_tolerance;
    Some(done(x, fx, &g, iterations, evaluations, converged))
}

/// H ← (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ with ρ = 1 / (yᵀ s).
fn bfgs_update<const N: usize>(h: &mut [[f64; N]; N], s: &[f64; N], y: &[f64; N], sy: f64) {
    let rho = 1.0 / sy;
    let hy = mat_vec(h, y);
    let yhy = dot(y, &hy);
    for i in 0..N {
        for j in 0..N {
            h[i][j] += rho * ((1.0 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]);
        }
    }
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    std::array::from_fn(|i| std::array::from_fn(|j| if i == j { 1.0 } else { 0.0 }))
}

fn mat_vec<const N: usize>(m: &[[f64; N]; N], v: &[f64; N]) -> [f64; N] {
    std::array::from_fn(|i| dot(&m[i], v))
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm2<const N: usize>(v: &[f64; N]) -> f64 {
    dot(v, v).sqrt()
}

fn inf_norm<const N: usize>(v: &[f64; N]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn add_scaled<const N: usize>(x: &[f64; N], step: f64, p: &[f64; N]) -> [f64; N] {
    std::array::from_fn(|i| x[i] + step * p[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64; 2], g: &mut [f64; 2]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn minimizes_rosenbrock() {
        let m = bfgs(rosenbrock, [-1.2, 1.0], 1e-9, 500).unwrap();
        assert!(m.converged, "{m:?}");
        assert!(
            (m.x[0] - 1.0).abs() < 1e-7 && (m.x[1] - 1.0).abs() < 1e-7,
            "{m:?}"
        );
        assert!(m.iterations < 100, "{m:?}");
    }

    #[test]
    fn minimizes_an_ill_conditioned_quadratic() {
        let scales = [1.0, 1e3, 1e-2, 50.0];
        let f = |x: &[f64; 4], g: &mut [f64; 4]| {
            let mut v = 0.0;
            for i in 0..4 {
                let d = x[i] - i as f64;
                g[i] = 2.0 * scales[i] * d;
                v += scales[i] * d * d;
            }
            v
        };
        let m = bfgs(f, [5.0; 4], 1e-10, 200).unwrap();
        assert!(m.converged);
        for (i, xi) in m.x.iter().enumerate() {
            assert!((xi - i as f64).abs() < 1e-8, "{m:?}");
        }
    }

    #[test]
    fn shortens_steps_into_a_nan_region() {
        // exp(x) overflows for big steps; the minimum of e^x - 3x is at ln 3.
        let f = |x: &[f64; 1], g: &mut [f64; 1]| {
            let e = (x[0] * 1e3).exp();
            g[0] = 1e3 * e - 3.0;
            if e.is_finite() {
                e - 3.0 * x[0]
            } else {
                f64::NAN
            }
        };
        let m = bfgs(f, [-0.5], 1e-9, 200).unwrap();
        assert!(m.converged, "{m:?}");
        assert!((m.x[0] - (3e-3f64).ln() / 1e3).abs() < 1e-9, "{m:?}");
    }

    #[test]
    fn reports_an_iteration_cap() {
        let m = bfgs(rosenbrock, [-1.2, 1.0], 1e-9, 3).unwrap();
        assert!(!m.converged);
        assert_eq!(m.iterations, 3);
    }

    #[test]
    fn refuses_a_non_finite_start() {
        let f = |_: &[f64; 1], g: &mut [f64; 1]| {
            g[0] = 0.0;
            f64::INFINITY
        };
        assert!(bfgs(f, [0.0], 1e-9, 10).is_none());
    }
}
