//! Order history → RFM summary, the input of every CLV model.
//!
//! Mirrors lifetimes' `summary_data_from_transaction_data(freq='D', monetary_value_col=…,
//! observation_period_end=as_of)` so that figures computed in Hearth and in a notebook agree:
//! - orders after `as_of` are ignored, as are customers with no order on or before it;
//! - a customer's orders on one calendar day are one purchase, their amounts summed;
//! - `frequency` counts purchase days after the first, `recency` and `age` (lifetimes' `T`)
//!   are days from the first purchase day to the last one and to `as_of`;
//! - `monetary_value` is the mean of the repeat days' sums (the first day is excluded, as
//!   lifetimes does unless `include_first_transaction`), 0 for one-time buyers. A NaN amount
//!   counts as 0, as pandas' `sum` skips it.
//!
//! Output is ordered by customer key, like lifetimes' (sorted) customer index.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One customer's recency-frequency-monetary summary, in the units of its time axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rfm {
    /// Repeat purchases (purchase periods after the first): `x` in the literature.
    pub frequency: f64,
    /// Time from the first to the last purchase: `t_x`.
    pub recency: f64,
    /// Time from the first purchase to the end of observation: `T`.
    pub age: f64,
    /// Mean spend of the repeat purchases, 0 without any: `m` (`zbar` in Hardie's data).
    pub monetary_value: f64,
}

/// Summarizes `(customer, order day, amount)` rows as of `as_of`, in days (see module docs).
pub fn summarize<K: Ord + Clone>(
    transactions: &[(K, NaiveDate, f64)],
    as_of: NaiveDate,
) -> Vec<(K, Rfm)> {
    let mut rows: Vec<&(K, NaiveDate, f64)> = transactions
        .iter()
        .filter(|(_, day, _)| *day <= as_of)
        .collect();
    // Same order as lifetimes' sort_values([customer, date, amount]), so same-day sums add up
    // in the same order.
    rows.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.total_cmp(&y.2)));

    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let customer = &rows[i].0;
        let first_day = rows[i].1;
        let mut last_day = first_day;
        let mut repeat_days = 0u32;
        let mut repeat_total = 0.0;
        while i < rows.len() && rows[i].0 == *customer {
            let day = rows[i].1;
            let mut day_total = 0.0;
            while i < rows.len() && rows[i].0 == *customer && rows[i].1 == day {
                if !rows[i].2.is_nan() {
                    day_total += rows[i].2;
                }
                i += 1;
            }
            if day != first_day {
                repeat_days += 1;
                repeat_total += day_total;
                last_day = day;
            }
        }
        let frequency = f64::from(repeat_days);
        out.push((
            customer.clone(),
            Rfm {
                frequency,
                recency: days_between(first_day, last_day),
                age: days_between(first_day, as_of),
                monetary_value: if repeat_days == 0 {
                    0.0
                } else {
                    repeat_total / frequency
                },
            },
        ));
    }
    out
}

fn days_between(from: NaiveDate, to: NaiveDate) -> f64 {
    // Day counts fit an f64 exactly (|days| < 2^53).
    (to - from).num_days() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn merges_same_day_orders_and_averages_repeat_days() {
        let tx = vec![
            (7, day("2024-01-01"), 10.0),
            (7, day("2024-01-01"), 5.0), // same day as the first: still the first purchase
            (7, day("2024-01-11"), 20.0),
            (7, day("2024-01-11"), 2.0),
            (7, day("2024-01-31"), 8.0),
        ];
        let s = summarize(&tx, day("2024-02-10"));
        assert_eq!(
            s,
            vec![(
                7,
                Rfm {
                    frequency: 2.0,
                    recency: 30.0,
                    age: 40.0,
                    monetary_value: 15.0
                }
            )]
        );
    }

    #[test]
    fn ignores_orders_after_as_of() {
        let tx = vec![
            ("b", day("2024-03-05"), 1.0),
            ("a", day("2024-03-01"), 4.0),
            ("a", day("2024-03-03"), 6.0),
            ("a", day("2024-03-09"), 100.0), // after as_of
            ("c", day("2024-03-09"), 3.0),   // only after as_of: not a customer yet
        ];
        let s = summarize(&tx, day("2024-03-05"));
        assert_eq!(
            s,
            vec![
                (
                    "a",
                    Rfm {
                        frequency: 1.0,
                        recency: 2.0,
                        age: 4.0,
                        monetary_value: 6.0
                    }
                ),
                (
                    "b",
                    Rfm {
                        frequency: 0.0,
                        recency: 0.0,
                        age: 0.0,
                        monetary_value: 0.0
                    }
                ),
            ]
        );
    }

    #[test]
    fn one_time_buyers_and_nan_amounts() {
        let tx = vec![
            (1, day("2024-01-01"), 9.0),
            (2, day("2024-01-01"), 1.0),
            (2, day("2024-01-02"), f64::NAN),
            (2, day("2024-01-03"), 4.0),
        ];
        let s = summarize(&tx, day("2024-01-03"));
        assert_eq!(
            s[0].1,
            Rfm {
                frequency: 0.0,
                recency: 0.0,
                age: 2.0,
                monetary_value: 0.0
            }
        );
        assert_eq!(
            s[1].1,
            Rfm {
                frequency: 2.0,
                recency: 2.0,
                age: 2.0,
                monetary_value: 2.0
            }
        );
    }

    #[test]
    fn empty_input_gives_no_customers() {
        assert!(summarize::<u32>(&[], day("2024-01-01")).is_empty());
    }
}
