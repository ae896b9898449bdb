//! Lifetime value for a business: its completed orders up to a date, summarized per contact
//! (same-day orders merged, days as the time unit), BG/NBD and Gamma-Gamma fitted by maximum
//! likelihood, and per contact P(alive), expected purchases over the next 39 and 52 weeks,
//! expected spend per order and the discounted 12-month CLV.
//!
//! One currency is modelled at a time: the business's most used one unless asked; orders
//! in other currencies are counted and left out (converting would invent exchange rates).
//! Amounts stay in the currency's minor units.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone};
use serde::Serialize;

use super::clv::{self, BgNbd, ClvError, ClvHorizon, FitOptions, GammaGamma, Period, Rfm};
use crate::store::{Store, StoreError};

/// Why a fit could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LtvError {
    #[error("no completed orders with a contact up to {as_of}; import orders first (hearth import orders FILE)")]
    NoOrders { as_of: NaiveDate },
    #[error("no orders in {currency} up to {as_of}")]
    NoOrdersInCurrency { currency: String, as_of: NaiveDate },
    #[error("the lifetime-value model cannot be fitted to these orders: {0}")]
    Model(#[from] ClvError),
    #[error("the model fit stopped unexpectedly: {0}")]
    Worker(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A fitted model's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ModelFit<P> {
    pub params: P,
    pub log_likelihood: f64,
    pub customers: usize,
    pub iterations: usize,
    pub converged: bool,
}

/// One contact's predictions.
#[derive(Debug, Clone, Serialize)]
pub struct ContactLtv {
    pub contact_id: i64,
    pub name: String,
    /// Repeat purchase days, days from first to last purchase, days since the first.
    pub frequency: f64,
    pub recency_days: f64,
    pub age_days: f64,
    /// Historic: every completed order in this currency, minor units.
    pub historic_minor: i64,
    pub orders: usize,
    pub p_alive: f64,
    pub expected_purchases_39w: f64,
    pub expected_purchases_52w: f64,
    /// Expected spend per future order (Gamma-Gamma), minor units.
    pub expected_spend_minor: Option<f64>,
    /// Discounted 12-month value, minor units.
    pub clv_12m_minor: Option<f64>,
}

/// Everything `hearth ltv fit` prints.
#[derive(Debug, Clone, Serialize)]
pub struct LtvReport {
    pub as_of: NaiveDate,
    pub currency: String,
    pub orders_used: usize,
    /// Orders left out because they are in another currency.
    pub orders_other_currency: usize,
    pub monthly_discount_rate: f64,
    pub bgnbd: ModelFit<BgNbd>,
    /// `None` with the reason when nobody bought twice.
    pub gamma_gamma: Result<ModelFit<GammaGamma>, String>,
    pub contacts: Vec<ContactLtv>,
}

/// Fits on orders placed up to the end of `as_of` (UTC), by plain maximum likelihood.
pub async fn fit(
    store: &Store,
    as_of: NaiveDate,
    currency: Option<&str>,
    monthly_discount_rate: f64,
) -> Result<LtvReport, LtvError> {
    fit_with(
        store,
        as_of,
        currency,
        monthly_discount_rate,
        FitOptions::default(),
    )
    .await
}

/// [`fit`] with other fit options (a penalizer for small order books).
pub async fn fit_with(
    store: &Store,
    as_of: NaiveDate,
    currency: Option<&str>,
    monthly_discount_rate: f64,
    options: FitOptions,
) -> Result<LtvReport, LtvError> {
    let end = as_of
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| chrono::Utc.from_utc_datetime(&t).timestamp_millis() - 1)
        .unwrap_or(i64::MAX);
    let rows = store.orders_for_ltv(end).await?;
    if rows.is_empty() {
        return Err(LtvError::NoOrders { as_of });
    }
    let currency = match currency {
        Some(c) => c.to_ascii_uppercase(),
        None => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for r in &rows {
                *counts.entry(r.4.as_str()).or_default() += 1;
            }
            counts
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .map(|(c, _)| c.to_owned())
                .unwrap_or_default()
        }
    };
    let total = rows.len();
    let rows: Vec<_> = rows.into_iter().filter(|r| r.4 == currency).collect();
    if rows.is_empty() {
        return Err(LtvError::NoOrdersInCurrency { currency, as_of });
    }
    let used = rows.len();
    let (report_rows, names, historic) = tokio::task::spawn_blocking(move || {
        let mut names = BTreeMap::new();
        let mut historic: BTreeMap<i64, (i64, usize)> = BTreeMap::new();
        let tx: Vec<(i64, NaiveDate, f64)> = rows
            .iter()
            .map(|(id, name, at, minor, _)| {
                names.entry(*id).or_insert_with(|| name.clone());
                let h = historic.entry(*id).or_default();
                h.0 += minor;
                h.1 += 1;
                let day = chrono::DateTime::from_timestamp_millis(*at)
                    .map(|t| t.date_naive())
                    .unwrap_or(as_of);
                (*id, day, *minor as f64)
            })
            .collect();
        (clv::summarize(&tx, as_of), names, historic)
    })
    .await
    .map_err(|e| LtvError::Worker(e.to_string()))?;
    let summaries: Vec<Rfm> = report_rows.iter().map(|(_, r)| *r).collect();
    let fits = tokio::task::spawn_blocking(move || {
        let bg = BgNbd::fit(&summaries, &options)?;
        let gg = GammaGamma::fit(&summaries, &options);
        Ok::<_, ClvError>((bg, gg))
    })
    .await
    .map_err(|e| LtvError::Worker(e.to_string()))??;
    let (bg, gg) = fits;
    let horizon = ClvHorizon {
        months: 12,
        monthly_discount_rate,
        period: Period::Day,
    };
    let mut contacts = Vec::with_capacity(report_rows.len());
    for (id, r) in &report_rows {
        let model = &bg.params;
        let p_alive = model.conditional_probability_alive(r.frequency, r.recency, r.age)?;
        let e39 = model.conditional_expected_number_of_purchases_up_to_time(
            273.0,
            r.frequency,
            r.recency,
            r.age,
        )?;
        let e52 = model.conditional_expected_number_of_purchases_up_to_time(
            364.0,
            r.frequency,
            r.recency,
            r.age,
        )?;
        let (spend, value) = match &gg {
            Ok(g) => (
                g.params
                    .conditional_expected_average_profit(r.frequency, r.monetary_value)
                    .ok(),
                g.params.customer_lifetime_value(model, r, &horizon).ok(),
            ),
            Err(_) => (None, None),
        };
        let (hist, n) = historic.get(id).copied().unwrap_or_default();
        contacts.push(ContactLtv {
            contact_id: *id,
            name: names.get(id).cloned().unwrap_or_default(),
            frequency: r.frequency,
            recency_days: r.recency,
            age_days: r.age,
            historic_minor: hist,
            orders: n,
            p_alive,
            expected_purchases_39w: e39,
            expected_purchases_52w: e52,
            expected_spend_minor: spend,
            clv_12m_minor: value,
        });
    }
    contacts.sort_by(|a, b| {
        b.clv_12m_minor
            .unwrap_or(0.0)
            .total_cmp(&a.clv_12m_minor.unwrap_or(0.0))
            .then(a.contact_id.cmp(&b.contact_id))
    });
    let fit_of = |f: &clv::FitReport<BgNbd>| ModelFit {
        params: f.params,
        log_likelihood: f.log_likelihood,
        customers: f.customers,
        iterations: f.iterations,
        converged: f.converged,
    };
    Ok(LtvReport {
        as_of,
        currency,
        orders_used: used,
        orders_other_currency: total - used,
        monthly_discount_rate,
        bgnbd: fit_of(&bg),
        gamma_gamma: gg
            .map(|f| ModelFit {
                params: f.params,
                log_likelihood: f.log_likelihood,
                customers: f.customers,
                iterations: f.iterations,
                converged: f.converged,
            })
            .map_err(|e| e.to_string()),
        contacts,
    })
}
