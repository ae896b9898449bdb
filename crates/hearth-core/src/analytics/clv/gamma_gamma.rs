//! The Gamma-Gamma spend model and the customer lifetime value built on it.
//!
//! Each purchase's value is Gamma(p, ν) with the customer's ν ~ Gamma(q, v); what is observed
//! is a repeat customer's mean spend m over x purchases. As in lifetimes'
//! `GammaGammaFitter`, the fit maximizes the likelihood of the mean (Hardie's note 025, eq. 1a)
//! over customers with x > 0 — here those are picked out of the data, where lifetimes expects
//! the caller to filter — with the same mean-plus-penalty objective over log-parameters.
//!
//! The lifetime value is lifetimes' `customer_lifetime_value` to the letter: month by month,
//! the BG/NBD purchases expected in that month times the Gamma-Gamma expected spend, discounted
//! by `(1 + monthly rate)^month`. A "month" is a fixed number of the data's time units
//! ([`Period`]): 30 days, 4.345 weeks, 720 hours, as lifetimes has it.

use serde::{Deserialize, Serialize};

use super::optimize::bfgs;
use super::special::{digamma, ln_gamma};
use super::{finish, BgNbd, ClvError, FitOptions, FitReport, InputProblem, Model, Rfm};

const MODEL: Model = Model::GammaGamma;

/// Gamma-Gamma parameters: `p` (shape of a purchase's value), `q` and `v` (shape and scale
/// of the customers' spend rates).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Shape of the per-purchase value Gamma.
    pub p: f64,
    /// Shape of the spend-rate Gamma across customers.
    pub q: f64,
    /// Scale of the spend-rate Gamma across customers (γ in Hardie's note).
    pub v: f64,
}

/// The time unit of the data behind a [`BgNbd`] fit, as lifetimes' `freq` argument.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Period {
    /// Hours: 720 per month.
    Hour,
    /// Days: 30 per month ([`super::summarize`] produces days).
    Day,
    /// Weeks: 4.345 per month (Hardie's CDNOW summaries are in weeks).
    Week,
    /// Months.
    Month,
    /// Any other unit, given as how many of it make a month.
    PerMonth(f64),
}

impl Period {
    /// Time units per month, lifetimes' `factor`.
    pub fn per_month(self) -> f64 {
        match self {
            Period::Hour => 720.0,
            Period::Day => 30.0,
            Period::Week => 4.345,
            Period::Month => 1.0,
            Period::PerMonth(n) => n,
        }
    }
}

/// How far ahead and how steeply to discount a lifetime value; defaults are lifetimes'.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClvHorizon {
    /// Months ahead (lifetimes' `time`, default 12).
    pub months: u32,
    /// Discount rate per month (default 0.01).
    pub monthly_discount_rate: f64,
    /// Time unit of the customer summaries and of the BG/NBD fit (default days).
    pub period: Period,
}

impl Default for ClvHorizon {
    fn default() -> Self {
        ClvHorizon {
            months: 12,
            monthly_discount_rate: 0.01,
            period: Period::Day,
        }
    }
}

impl GammaGamma {
    /// Parameters from known values; each must be finite and > 0.
    pub fn new(p: f64, q: f64, v: f64) -> Result<Self, ClvError> {
        let params = GammaGamma { p, q, v };
        params.validate()?;
        Ok(params)
    }

    fn validate(&self) -> Result<(), ClvError> {
        for (name, value) in [("p", self.p), ("q", self.q), ("v", self.v)] {
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

    /// Fits the model to the repeat customers (frequency > 0) among `data`, like lifetimes'
    /// `GammaGammaFitter(penalizer_coef).fit(frequency, monetary_value)` on them.
    pub fn fit<'a>(
        data: impl IntoIterator<Item = &'a Rfm>,
        options: &FitOptions,
    ) -> Result<FitReport<GammaGamma>, ClvError> {
        options.validate()?;
        let (spend, seen) = Spend::new(data)?;
        if spend.customers == 0 {
            return Err(if seen == 0 {
                ClvError::NoCustomers { model: MODEL }
            } else {
                ClvError::NoRepeatPurchases { model: MODEL }
            });
        }
        let total = spend.customers as f64;
        let penalizer = options.penalizer_coef;
        let objective = |theta: &[f64; 3], grad: &mut [f64; 3]| {
            let p = theta.map(f64::exp);
            let mut g = [0.0; 3];
            let ll = spend.evaluate(
                &GammaGamma {
                    p: p[0],
                    q: p[1],
                    v: p[2],
                },
                Some(&mut g),
            );
            for i in 0..3 {
                grad[i] = p[i] * (-g[i] / total + 2.0 * penalizer * p[i]);
            }
            -ll / total + penalizer * p.iter().map(|v| v * v).sum::<f64>()
        };
        let minimum = bfgs(
            objective,
            [0.1; 3],
            options.tolerance,
            options.max_iterations,
        );
        finish(MODEL, minimum, options, |m| {
            let p = m.x.map(f64::exp);
            let params = GammaGamma::new(p[0], p[1], p[2])?;
            Ok(FitReport {
                params,
                log_likelihood: spend.evaluate(&params, None),
                objective: m.f,
                customers: spend.customers,
                iterations: m.iterations,
                evaluations: m.evaluations,
                gradient_norm: m.gradient_norm,
                converged: m.converged,
            })
        })
    }

    /// Log-likelihood of the repeat customers among `data`, summed (lifetimes' objective
    /// times −n, without penalty).
    pub fn log_likelihood<'a>(
        &self,
        data: impl IntoIterator<Item = &'a Rfm>,
    ) -> Result<f64, ClvError> {
        self.validate()?;
        let ll = Spend::new(data)?.0.evaluate(self, None);
        if ll.is_finite() {
            Ok(ll)
        } else {
            Err(ClvError::NotFinite {
                model: MODEL,
                what: "log-likelihood",
            })
        }
    }

    /// Expected spend per future purchase of a customer with this history: a weighted mean of
    /// their own mean spend and the population's (note 025, eq. 5).
    pub fn conditional_expected_average_profit(
        &self,
        frequency: f64,
        monetary_value: f64,
    ) -> Result<f64, ClvError> {
        self.validate()?;
        if !(frequency.is_finite() && monetary_value.is_finite()) {
            return Err(ClvError::InvalidInput {
                model: MODEL,
                problem: InputProblem::NotFinite,
            });
        }
        if frequency < 0.0 || frequency.fract() != 0.0 {
            return Err(ClvError::InvalidInput {
                model: MODEL,
                problem: InputProblem::BadFrequency,
            });
        }
        let GammaGamma { p, q, v } = *self;
        let individual_weight = p * frequency / (p * frequency + q - 1.0);
        let population_mean = v * p / (q - 1.0);
        let value =
            (1.0 - individual_weight) * population_mean + individual_weight * monetary_value;
        if value.is_finite() {
            Ok(value)
        } else {
            Err(ClvError::NotFinite {
                model: MODEL,
                what: "expected average profit",
            })
        }
    }

    /// Discounted value of a customer's purchases over the horizon (lifetimes'
    /// `customer_lifetime_value(bgf, frequency, recency, T, monetary_value, time,
    /// discount_rate, freq)`), in the currency of `monetary_value`.
    pub fn customer_lifetime_value(
        &self,
        purchases: &BgNbd,
        customer: &Rfm,
        horizon: &ClvHorizon,
    ) -> Result<f64, ClvError> {
        let rate = horizon.monthly_discount_rate;
        if !(rate.is_finite() && rate > -1.0) {
            return Err(ClvError::InvalidInput {
                model: MODEL,
                problem: InputProblem::BadDiscountRate,
            });
        }
        let factor = horizon.period.per_month();
        if !(factor.is_finite() && factor > 0.0) {
            return Err(ClvError::InvalidOption {
                name: "period",
                value: factor,
            });
        }
        let profit =
            self.conditional_expected_average_profit(customer.frequency, customer.monetary_value)?;
        let Rfm {
            frequency,
            recency,
            age,
            ..
        } = *customer;
        let mut clv = 0.0;
        for step in 1..=horizon.months {
            let i = f64::from(step) * factor;
            let expected = purchases
                .conditional_expected_number_of_purchases_up_to_time(i, frequency, recency, age)?
                - purchases.conditional_expected_number_of_purchases_up_to_time(
                    i - factor,
                    frequency,
                    recency,
                    age,
                )?;
            clv += profit * expected / (1.0 + rate).powf(i / factor);
        }
        Ok(clv)
    }
}

/// Repeat customers' (x, m), grouped by x so the gamma-function terms are computed once per
/// distinct frequency.
struct Spend {
    groups: Vec<SpendGroup>,
    customers: usize,
}

struct SpendGroup {
    x: f64,
    count: f64,
    /// x · m per customer.
    xm: Vec<f64>,
    sum_ln_m: f64,
}

impl Spend {
    /// The repeat customers of `data`, and how many customers `data` had in all.
    fn new<'a>(data: impl IntoIterator<Item = &'a Rfm>) -> Result<(Self, usize), ClvError> {
        let mut rows = Vec::new();
        let mut seen = 0;
        for (index, c) in data.into_iter().enumerate() {
            seen += 1;
            let invalid = |problem| ClvError::InvalidCustomer {
                model: MODEL,
                index,
                problem,
            };
            if !c.frequency.is_finite() {
                return Err(invalid(InputProblem::NotFinite));
            }
            if c.frequency < 0.0 || c.frequency.fract() != 0.0 {
                return Err(invalid(InputProblem::BadFrequency));
            }
            if c.frequency == 0.0 {
                continue;
            }
            if !c.monetary_value.is_finite() {
                return Err(invalid(InputProblem::NotFinite));
            }
            if c.monetary_value <= 0.0 {
                return Err(invalid(InputProblem::NonPositiveMonetaryValue));
            }
            rows.push((c.frequency, c.monetary_value));
        }
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let customers = rows.len();
        let mut groups: Vec<SpendGroup> = Vec::new();
        for (x, m) in rows {
            match groups.last_mut() {
                Some(g) if g.x == x => {
                    g.count += 1.0;
                    g.xm.push(x * m);
                    g.sum_ln_m += m.ln();
                }
                _ => groups.push(SpendGroup {
                    x,
                    count: 1.0,
                    xm: vec![x * m],
                    sum_ln_m: m.ln(),
                }),
            }
        }
        Ok((Spend { groups, customers }, seen))
    }

    /// Σ log-likelihood; with `grad`, also its derivatives in (p, q, v).
    fn evaluate(&self, params: &GammaGamma, grad: Option<&mut [f64; 3]>) -> f64 {
        let GammaGamma { p, q, v } = *params;
        let (lg_q, ln_v) = (ln_gamma(q), v.ln());
        let mut ll = 0.0;
        let mut g = [0.0; 3];
        for group in &self.groups {
            let x = group.x;
            let px = p * x;
            let ln_x = x.ln();
            let (mut sum_ln, mut sum_inv) = (0.0, 0.0);
            for &xm in &group.xm {
                sum_ln += (xm + v).ln();
                sum_inv += 1.0 / (xm + v);
            }
            ll += group.count * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v + px * ln_x)
                + (px - 1.0) * group.sum_ln_m
                - (px + q) * sum_ln;
            if grad.is_some() {
                let dg_pxq = digamma(px + q);
                g[0] += x * (group.count * (dg_pxq - digamma(px) + ln_x) + group.sum_ln_m - sum_ln);
                g[1] += group.count * (dg_pxq - digamma(q) + ln_v) - sum_ln;
                g[2] += group.count * q / v - (px + q) * sum_inv;
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

    fn rfm(frequency: f64, monetary_value: f64) -> Rfm {
        Rfm {
            frequency,
            recency: frequency,
            age: 40.0,
            monetary_value,
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let data = [
            rfm(1.0, 10.0),
            rfm(2.0, 35.5),
            rfm(2.0, 12.0),
            rfm(5.0, 20.0),
            rfm(0.0, 0.0),
        ];
        let (spend, _) = Spend::new(&data).unwrap();
        let arr = [3.0, 2.5, 11.0];
        let mut g = [0.0; 3];
        spend.evaluate(
            &GammaGamma {
                p: arr[0],
                q: arr[1],
                v: arr[2],
            },
            Some(&mut g),
        );
        for i in 0..3 {
            let h = 1e-6 * arr[i];
            let at = |d: f64| {
                let mut a = arr;
                a[i] += d;
                spend.evaluate(
                    &GammaGamma {
                        p: a[0],
                        q: a[1],
                        v: a[2],
                    },
                    None,
                )
            };
            let numeric = (at(h) - at(-h)) / (2.0 * h);
            assert!(
                (g[i] - numeric).abs() < 1e-6 * numeric.abs().max(1.0),
                "{i}: {g:?} {numeric}"
            );
        }
    }

    #[test]
    fn fit_errors() {
        let opts = FitOptions::default();
        assert!(matches!(
            GammaGamma::fit(&[], &opts),
            Err(ClvError::NoCustomers { .. })
        ));
        let one_timers = [rfm(0.0, 0.0), rfm(0.0, 0.0)];
        assert!(matches!(
            GammaGamma::fit(&one_timers, &opts),
            Err(ClvError::NoRepeatPurchases { .. })
        ));
        let free = [rfm(1.0, 5.0), rfm(2.0, 0.0)];
        assert!(matches!(
            GammaGamma::fit(&free, &opts),
            Err(ClvError::InvalidCustomer {
                index: 1,
                problem: InputProblem::NonPositiveMonetaryValue,
                ..
            })
        ));
    }

    #[test]
    fn clv_inputs_are_checked() {
        let gg = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
        let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
        let c = Rfm {
            frequency: 2.0,
            recency: 30.43,
            age: 38.86,
            monetary_value: 22.35,
        };
        let bad_rate = ClvHorizon {
            monthly_discount_rate: -1.0,
            ..ClvHorizon::default()
        };
        assert!(gg.customer_lifetime_value(&bg, &c, &bad_rate).is_err());
        let bad_period = ClvHorizon {
            period: Period::PerMonth(0.0),
            ..ClvHorizon::default()
        };
        assert!(gg.customer_lifetime_value(&bg, &c, &bad_period).is_err());
        let none = ClvHorizon {
            months: 0,
            ..ClvHorizon::default()
        };
        assert_eq!(gg.customer_lifetime_value(&bg, &c, &none).unwrap(), 0.0);
        assert!(gg.conditional_expected_average_profit(1.5, 3.0).is_err());
        // One-time buyers get the population mean whatever their monetary value says.
        let mean = gg.conditional_expected_average_profit(0.0, 0.0).unwrap();
        assert!((mean - 15.44 * 6.25 / 2.74).abs() < 1e-12);
    }
}
