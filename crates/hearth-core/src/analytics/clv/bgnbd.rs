//! The BG/NBD model (Fader, Hardie & Lee 2005): how many purchases, and is the customer alive.
//!
//! While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
//! purchase they drop out with probability p ~ Beta(a, b). The fit maximizes exactly lifetimes'
//! `BetaGeoFitter._negative_log_likelihood`: time is first rescaled so the oldest customer's
//! `T` is 1 (which is what the penalizer sees), the objective is the mean negative
//! log-likelihood plus `penalizer_coef · Σ param²`, the A₄ term counts only for repeat
//! customers, and the search runs over log-parameters from lifetimes' start `ln p = 0.1`.
//! Identical customers are collapsed into weights first, which changes nothing but speed.
//!
//! The expected-purchases formula (FHL eq. 10) needs 2F1(r+x, b+x; a+b+x-1; z) with
//! `z = t/(α+T+t)`, which overflows a double for heavy buyers (lifetimes then retries with
//! Euler's transformation). Here Euler's form is used throughout: multiplied by
//! `((α+T)/(α+T+t))^(r+x)`, the term becomes `(1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)`,
//! whose upper parameters do not grow with x, so it never overflows and converges faster.

use serde::{Deserialize, Serialize};

use super::optimize::bfgs;
use super::special::{digamma, hyp2f1_minus_one, ln_gamma};
use super::{check_customer, finish, ClvError, FitOptions, FitReport, InputProblem, Model, Rfm};

const MODEL: Model = Model::BgNbd;

/// BG/NBD parameters: `r`, `alpha` (Gamma purchase rates, alpha in the data's time unit) and
/// `a`, `b` (Beta drop-out probability).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    /// Shape of the purchase-rate Gamma.
    pub r: f64,
    /// Scale of the purchase-rate Gamma, in the time unit of the data fitted.
    pub alpha: f64,
    /// First Beta shape of the drop-out probability.
    pub a: f64,
    /// Second Beta shape of the drop-out probability.
    pub b: f64,
}

impl BgNbd {
    /// Parameters from known values (e.g. a stored fit); each must be finite and > 0.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self, ClvError> {
        let params = BgNbd { r, alpha, a, b };
        params.validate()?;
        Ok(params)
    }

    fn validate(&self) -> Result<(), ClvError> {
        for (name, value) in [
            ("r", self.r),
            ("alpha", self.alpha),
            ("a", self.a),
            ("b", self.b),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ClvError::InvalidParameter {
                    model: MODEL,
                    name,
                    value,
                });
            }
        }
        Ok(())
    }

    /// Fits the model to customers' summaries by maximum likelihood, like lifetimes'
    /// `BetaGeoFitter(penalizer_coef).fit(frequency, recency, T, tol=tolerance)`.
    pub fn fit<'a>(
        data: impl IntoIterator<Item = &'a Rfm>,
        options: &FitOptions,
    ) -> Result<FitReport<BgNbd>, ClvError> {
        options.validate()?;
        let customers = validated(data)?;
        let n = customers.len();
        if n == 0 {
            return Err(ClvError::NoCustomers { model: MODEL });
        }
        let max_age = customers.iter().fold(0.0, |m: f64, c| m.max(c.2));
        if max_age <= 0.0 {
            return Err(ClvError::NoObservationTime { model: MODEL });
        }
        if customers.iter().all(|c| c.0 == 0.0) {
            return Err(ClvError::NoRepeatPurchases { model: MODEL });
        }
        let scale = 1.0 / max_age;
        let likelihood = Likelihood::new(customers, scale);
        let penalizer = options.penalizer_coef;
        let total = likelihood.total_weight;

        let objective = |theta: &[f64; 4], grad: &mut [f64; 4]| {
            let p = theta.map(f64::exp);
            let params = BgNbd {
                r: p[0],
                alpha: p[1],
                a: p[2],
                b: p[3],
            };
            let mut g = [0.0; 4];
            let ll = likelihood.evaluate(&params, Some(&mut g));
            for i in 0..4 {
                grad[i] = p[i] * (-g[i] / total + 2.0 * penalizer * p[i]);
            }
            -ll / total + penalizer * p.iter().map(|v| v * v).sum::<f64>()
        };
        let minimum = bfgs(
            objective,
            [0.1; 4],
            options.tolerance,
            options.max_iterations,
        );
        finish(MODEL, minimum, options, |m| {
            let p = m.x.map(f64::exp);
            let params = BgNbd::new(p[0], p[1] / scale, p[2], p[3])?;
            let scaled = BgNbd {
                alpha: p[1],
                ..params
            };
            // ll on the data's own time unit = ll on rescaled time + Σ x·ln(scale).
            let log_likelihood = likelihood.evaluate(&scaled, None) + likelihood.sum_x * scale.ln();
            Ok(FitReport {
                params,
                log_likelihood,
                objective: m.f,
                customers: n,
                iterations: m.iterations,
                evaluations: m.evaluations,
                gradient_norm: m.gradient_norm,
                converged: m.converged,
            })
        })
    }

    /// Log-likelihood of the customers under these parameters, summed (FHL's −9582.4 figure).
    pub fn log_likelihood<'a>(
        &self,
        data: impl IntoIterator<Item = &'a Rfm>,
    ) -> Result<f64, ClvError> {
        self.validate()?;
        let ll = Likelihood::new(validated(data)?, 1.0).evaluate(self, None);
        if ll.is_finite() {
            Ok(ll)
        } else {
            Err(ClvError::NotFinite {
                model: MODEL,
                what: "log-likelihood",
            })
        }
    }

    /// Expected repeat purchases in the next `t` time units of a customer with history
    /// (`frequency`, `recency`, `age` = T): FHL eq. 10, lifetimes'
    /// `conditional_expected_number_of_purchases_up_to_time`.
    pub fn conditional_expected_number_of_purchases_up_to_time(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        age: f64,
    ) -> Result<f64, ClvError> {
        self.validate()?;
        check_prediction(t, frequency, recency, age)?;
        Ok(self.expected_if_alive(t, frequency, age)? * self.alive(frequency, recency, age))
    }

    /// Probability that a customer with this history has not dropped out (Hardie's note 021),
    /// lifetimes' `conditional_probability_alive`: 1 for customers without repeat purchases.
    pub fn conditional_probability_alive(
        &self,
        frequency: f64,
        recency: f64,
        age: f64,
    ) -> Result<f64, ClvError> {
        self.validate()?;
        check_prediction(0.0, frequency, recency, age)?;
        Ok(self.alive(frequency, recency, age))
    }

    /// Expected repeat purchases in `t` time units of a new customer: FHL eq. 9, lifetimes'
    /// `expected_number_of_purchases_up_to_time`.
    pub fn expected_number_of_purchases_up_to_time(&self, t: f64) -> Result<f64, ClvError> {
        self.validate()?;
        check_prediction(t, 0.0, 0.0, 0.0)?;
        self.expected_if_alive(t, 0.0, 0.0)
    }

    fn alive(&self, x: f64, recency: f64, age: f64) -> f64 {
        if x == 0.0 {
            return 1.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let log_div = (r + x) * ((alpha + age) / (alpha + recency)).ln() + (a / (b + x - 1.0)).ln();
        1.0 / (1.0 + log_div.exp())
    }

    /// (a+b+x-1)/(a-1) · (1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)), z = t/(α+T+t).
    fn expected_if_alive(&self, t: f64, x: f64, age: f64) -> Result<f64, ClvError> {
        if t == 0.0 {
            return Ok(0.0);
        }
        let BgNbd { r, alpha, a, b } = *self;
        let z = t / (alpha + age + t);
        let ln_one_minus_z = -(t / (alpha + age)).ln_1p();
        let f_minus_one =
            hyp2f1_minus_one(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z).map_err(|source| {
                ClvError::Hypergeometric {
                    model: MODEL,
                    source,
                }
            })?;
        // 1 - G with G = (1-z)^(a-1) (1 + f_minus_one), kept accurate when G is near 1.
        let l = (a - 1.0) * ln_one_minus_z;
        let one_minus_g = -l.exp_m1() - l.exp() * f_minus_one;
        let value = (a + b + x - 1.0) / (a - 1.0) * one_minus_g;
        if value.is_finite() {
            Ok(value)
        } else {
            Err(ClvError::NotFinite {
                model: MODEL,
                what: "expected number of purchases",
            })
        }
    }
}

fn check_prediction(t: f64, frequency: f64, recency: f64, age: f64) -> Result<(), ClvError> {
    let problem = if !t.is_finite() {
        Some(InputProblem::NotFinite)
    } else if t < 0.0 {
        Some(InputProblem::NegativeHorizon)
    } else {
        check_customer(&Rfm {
            frequency,
            recency,
            age,
            monetary_value: 0.0,
        })
        .err()
    };
    match problem {
        Some(problem) => Err(ClvError::InvalidInput {
            model: MODEL,
            problem,
        }),
        None => Ok(()),
    }
}

/// (frequency, recency, age) of each customer, validated.
fn validated<'a>(
    data: impl IntoIterator<Item = &'a Rfm>,
) -> Result<Vec<(f64, f64, f64)>, ClvError> {
    data.into_iter()
        .enumerate()
        .map(|(index, c)| match check_customer(c) {
            Ok(()) => Ok((c.frequency, c.recency, c.age)),
            Err(problem) => Err(ClvError::InvalidCustomer {
                model: MODEL,
                index,
                problem,
            }),
        })
        .collect()
}

/// Customers collapsed into distinct (x, t_x, T) patterns with weights, grouped by x so the
/// gamma-function terms are computed once per distinct frequency.
struct Likelihood {
    groups: Vec<Group>,
    recency: Vec<f64>,
    age: Vec<f64>,
    weight: Vec<f64>,
    total_weight: f64,
    /// Σ weight·x, for moving the log-likelihood between time scales.
    sum_x: f64,
}

struct Group {
    x: f64,
    weight: f64,
    range: std::ops::Range<usize>,
}

impl Likelihood {
    fn new(mut customers: Vec<(f64, f64, f64)>, scale: f64) -> Self {
        for c in &mut customers {
            c.1 *= scale;
            c.2 *= scale;
        }
        customers.sort_by(|p, q| {
            p.0.total_cmp(&q.0)
                .then(p.1.total_cmp(&q.1))
                .then(p.2.total_cmp(&q.2))
        });
        let mut this = Likelihood {
            groups: Vec::new(),
            recency: Vec::new(),
            age: Vec::new(),
            weight: Vec::new(),
            total_weight: customers.len() as f64,
            sum_x: customers.iter().map(|c| c.0).sum(),
        };
        let mut previous: Option<(f64, f64, f64)> = None;
        for c in customers {
            if previous == Some(c) {
                if let Some(w) = this.weight.last_mut() {
                    *w += 1.0;
                }
            } else {
                this.recency.push(c.1);
                this.age.push(c.2);
                this.weight.push(1.0);
            }
            let end = this.weight.len();
            match this.groups.last_mut() {
                Some(g) if g.x == c.0 => {
                    g.range.end = end;
                    g.weight += 1.0;
                }
                _ => this.groups.push(Group {
                    x: c.0,
                    weight: 1.0,
                    range: end - 1..end,
                }),
            }
            previous = Some(c);
        }
        this
    }

    /// Σ weight · log-likelihood; with `grad`, also its derivatives in (r, alpha, a, b).
    fn evaluate(&self, params: &BgNbd, grad: Option<&mut [f64; 4]>) -> f64 {
        let BgNbd { r, alpha, a, b } = *params;
        let ln_alpha = alpha.ln();
        let ln_a = a.ln();
        let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        for group in &self.groups {
            let x = group.x;
            let rx = r + x;
            let a1 = ln_gamma(rx) - lg_r + r * ln_alpha;
            let a2 = lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x);
            ll += group.weight * (a1 + a2);
            if grad.is_some() {
                let (dg_ab, dg_abx) = (digamma(a + b), digamma(a + b + x));
                g[0] += group.weight * (digamma(rx) - digamma(r) + ln_alpha);
                g[1] += group.weight * r / alpha;
                g[2] += group.weight * (dg_ab - dg_abx);
                g[3] += group.weight * (dg_ab + digamma(b + x) - digamma(b) - dg_abx);
            }
            let range = group.range.clone();
            let rows = self.recency[range.clone()]
                .iter()
                .zip(&self.age[range.clone()])
                .zip(&self.weight[range]);
            if x == 0.0 {
                // No repeat purchase: only A₃ (lifetimes multiplies exp(A₄) by freq > 0).
                for ((_, &age), &w) in rows {
                    let l3 = (alpha + age).ln();
                    ll -= w * rx * l3;
                    g[0] -= w * l3;
                    g[1] -= w * rx / (alpha + age);
                }
                continue;
            }
            let ln_a_over_b = ln_a - (b + x - 1.0).ln();
            for ((&recency, &age), &w) in rows {
                let (l3, l4) = ((alpha + age).ln(), (alpha + recency).ln());
                let (a3, a4) = (-rx * l3, ln_a_over_b - rx * l4);
                // ln(e^A₃ + e^A₄) and the two terms' shares of it.
                let (high, e) = if a3 >= a4 {
                    (a3, (a4 - a3).exp())
                } else {
                    (a4, (a3 - a4).exp())
                };
                ll += w * (high + e.ln_1p());
                let (w3, w4) = if a3 >= a4 {
                    (1.0 / (1.0 + e), e / (1.0 + e))
                } else {
                    (e / (1.0 + e), 1.0 / (1.0 + e))
                };
                g[0] -= w * (w3 * l3 + w4 * l4);
                g[1] -= w * rx * (w3 / (alpha + age) + w4 / (alpha + recency));
                g[2] += w * w4 / a;
                g[3] -= w * w4 / (b + x - 1.0);
            }
        }
        if let Some(out) = grad {
            *out = g;
        }
        ll
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfm(frequency: f64, recency: f64, age: f64) -> Rfm {
        Rfm {
            frequency,
            recency,
            age,
            monetary_value: 0.0,
        }
    }

    fn sample() -> Vec<Rfm> {
        vec![
            rfm(2.0, 30.43, 38.86),
            rfm(1.0, 1.71, 38.86),
            rfm(0.0, 0.0, 38.86),
            rfm(0.0, 0.0, 38.86),
            rfm(0.0, 0.0, 38.86),
            rfm(7.0, 29.43, 38.86),
            rfm(1.0, 5.0, 38.86),
            rfm(0.0, 0.0, 38.86),
            rfm(2.0, 35.71, 38.86),
            rfm(0.0, 0.0, 38.86),
            rfm(5.0, 24.43, 38.86),
            rfm(0.0, 0.0, 38.86),
        ]
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let lik = Likelihood::new(validated(&sample()).unwrap(), 1.0 / 38.86);
        let p = BgNbd {
            r: 0.3,
            alpha: 0.2,
            a: 0.8,
            b: 2.1,
        };
        let mut g = [0.0; 4];
        lik.evaluate(&p, Some(&mut g));
        let arr = [p.r, p.alpha, p.a, p.b];
        for i in 0..4 {
            let h = 1e-6 * arr[i];
            let shifted = |d: f64| {
                let mut q = arr;
                q[i] += d;
                lik.evaluate(
                    &BgNbd {
                        r: q[0],
                        alpha: q[1],
                        a: q[2],
                        b: q[3],
                    },
                    None,
                )
            };
            let numeric = (shifted(h) - shifted(-h)) / (2.0 * h);
            assert!(
                (g[i] - numeric).abs() < 1e-6 * numeric.abs().max(1.0),
                "{i}: {g:?} {numeric}"
            );
        }
    }

    #[test]
    fn duplicates_collapse_without_changing_the_likelihood() {
        let data = sample();
        let lik = Likelihood::new(validated(&data).unwrap(), 1.0);
        assert_eq!(lik.weight.iter().sum::<f64>(), data.len() as f64);
        assert!(lik.weight.len() < data.len());
        let p = BgNbd::new(0.24, 4.4, 0.79, 2.4).unwrap();
        let one_by_one: f64 = data.iter().map(|c| p.log_likelihood([c]).unwrap()).sum();
        assert!((p.log_likelihood(&data).unwrap() - one_by_one).abs() < 1e-9);
    }

    #[test]
    fn fit_errors() {
        let opts = FitOptions::default();
        assert!(matches!(
            BgNbd::fit(&[], &opts),
            Err(ClvError::NoCustomers { .. })
        ));
        let zeros = vec![rfm(0.0, 0.0, 10.0); 5];
        assert!(matches!(
            BgNbd::fit(&zeros, &opts),
            Err(ClvError::NoRepeatPurchases { .. })
        ));
        let newborn = vec![rfm(0.0, 0.0, 0.0); 3];
        assert!(matches!(
            BgNbd::fit(&newborn, &opts),
            Err(ClvError::NoObservationTime { .. })
        ));
        let bad = [rfm(1.0, 2.0, 3.0), rfm(1.5, 2.0, 3.0)];
        assert!(matches!(
            BgNbd::fit(&bad, &opts),
            Err(ClvError::InvalidCustomer {
                index: 1,
                problem: InputProblem::BadFrequency,
                ..
            })
        ));
        let late = [rfm(1.0, 4.0, 3.0)];
        assert!(matches!(
            BgNbd::fit(&late, &opts),
            Err(ClvError::InvalidCustomer {
                problem: InputProblem::RecencyAfterAge,
                ..
            })
        ));
        let orphan = [rfm(0.0, 1.0, 3.0)];
        assert!(matches!(
            BgNbd::fit(&orphan, &opts),
            Err(ClvError::InvalidCustomer {
                problem: InputProblem::RecencyWithoutRepeat,
                ..
            })
        ));
        let nan = [rfm(1.0, f64::NAN, 3.0)];
        assert!(matches!(
            BgNbd::fit(&nan, &opts),
            Err(ClvError::InvalidCustomer {
                problem: InputProblem::NotFinite,
                ..
            })
        ));
        let no_time = FitOptions {
            tolerance: 0.0,
            ..opts
        };
        assert!(matches!(
            BgNbd::fit(&sample(), &no_time),
            Err(ClvError::InvalidOption { .. })
        ));
    }

    #[test]
    fn iteration_cap_is_an_error_unless_lenient() {
        let capped = FitOptions {
            max_iterations: 2,
            ..FitOptions::default()
        };
        assert!(matches!(
            BgNbd::fit(&sample(), &capped),
            Err(ClvError::NotConverged { iterations: 2, .. })
        ));
        let lenient = FitOptions {
            strict: false,
            ..capped
        };
        let report = BgNbd::fit(&sample(), &lenient).unwrap();
        assert!(!report.converged && report.params.r.is_finite());
    }

    #[test]
    fn predictions_reject_bad_input() {
        let p = BgNbd::new(0.24, 4.4, 0.79, 2.4).unwrap();
        assert!(matches!(
            p.conditional_expected_number_of_purchases_up_to_time(-1.0, 1.0, 1.0, 2.0),
            Err(ClvError::InvalidInput {
                problem: InputProblem::NegativeHorizon,
                ..
            })
        ));
        assert!(p.conditional_probability_alive(1.0, 3.0, 2.0).is_err());
        assert!(p
            .expected_number_of_purchases_up_to_time(f64::INFINITY)
            .is_err());
        assert!(BgNbd::new(0.24, -4.4, 0.79, 2.4).is_err());
        let bogus = BgNbd { r: f64::NAN, ..p };
        assert!(bogus.expected_number_of_purchases_up_to_time(1.0).is_err());
        assert_eq!(
            p.conditional_expected_number_of_purchases_up_to_time(0.0, 3.0, 1.0, 2.0)
                .unwrap(),
            0.0
        );
    }

    #[test]
    fn degenerate_and_random_data_give_finite_params_or_an_error() {
        // Everyone bought at the very end: nobody looks dead, the MLE runs off to a -> 0.
        let immortal: Vec<Rfm> = (1..20)
            .map(|i| rfm(f64::from(i % 4 + 1), 30.0, 30.0))
            .collect();
        // Small pseudo-random panels (xorshift, fixed seed). Most have no interior maximum
        // (parameters run off to a boundary), which must end in NotConverged, not NaN.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut panels = vec![immortal];
        let options = FitOptions {
            max_iterations: 200,
            ..FitOptions::default()
        };
        for _ in 0..40 {
            let n = 1 + (next() * 30.0) as usize;
            let panel = (0..n)
                .map(|_| {
                    let age = (next() * 52.0).floor();
                    let x = (next() * 6.0).floor();
                    let recency = if x == 0.0 {
                        0.0
                    } else {
                        (next() * age).floor()
                    };
                    rfm(x, recency, age)
                })
                .collect();
            panels.push(panel);
        }
        for panel in &panels {
            match BgNbd::fit(panel, &options) {
                Ok(fit) => {
                    let p = fit.params;
                    assert!([p.r, p.alpha, p.a, p.b]
                        .iter()
                        .all(|v| v.is_finite() && *v > 0.0));
                    assert!(fit.log_likelihood.is_finite() && fit.converged);
                }
                Err(
                    ClvError::NoRepeatPurchases { .. }
                    | ClvError::NoObservationTime { .. }
                    | ClvError::NotConverged { .. }
                    | ClvError::NotFinite { .. }
                    | ClvError::InvalidParameter { .. },
                ) => {}
                Err(other) => panic!("unexpected error {other} for {panel:?}"),
            }
        }
    }
}
