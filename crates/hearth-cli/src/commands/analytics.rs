//! `hearth sentiment`, `hearth rescore`, `hearth ltv fit`: the intelligence models from
//! the command line — VADER scores for lines on stdin (comparable with Python's
//! vaderSentiment), a rescoring pass over a business, and the lifetime-value fit.

use std::io::{BufRead, Write};

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use hearth_core::analytics::{ltv, rescore, vader};

use super::open_store;
use crate::exit::BadInput;
use crate::{output, Ctx};

#[derive(Debug, Subcommand)]
pub enum LtvCmd {
    /// Fit BG/NBD + Gamma-Gamma on the completed orders up to a date and predict per contact.
    Fit(FitArgs),
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// Fit on orders placed up to this day (YYYY-MM-DD, UTC); today unless given.
    #[arg(long)]
    as_of: Option<String>,
    /// The currency to model; the business's most used one unless given.
    #[arg(long)]
    currency: Option<String>,
    /// Monthly discount rate for the 12-month CLV.
    #[arg(long, default_value_t = 0.01)]
    discount_rate: f64,
    /// Contacts listed (highest CLV first); all with --json.
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

#[derive(Debug, Args)]
pub struct RescoreArgs {
    /// Recompute every score, not only missing ones.
    #[arg(long)]
    all: bool,
}

/// Python's `repr` of a float rounded to 4 places, so the output diffs cleanly against
/// vaderSentiment's.
fn py_float(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

pub fn sentiment() -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        writeln!(out, "{}", py_float(vader::polarity_scores(&line).compound))?;
    }
    out.flush()?;
    Ok(())
}

pub async fn rescore(ctx: &Ctx, args: RescoreArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = rescore::rescore_sentiment(&store, args.all, &|n| eprintln!("{n} scanned")).await;
    store.close().await;
    let report = result?;
    if ctx.json {
        return output::json(&report);
    }
    outln!(
        "sentiment: {} interactions scanned, {} changed, in {:.2} s",
        report.scanned,
        report.changed,
        report.seconds
    );
    Ok(())
}

pub fn money(minor: f64, currency: &str) -> String {
    let exp = hearth_core::imports::currency_exponent(currency).unwrap_or(2) as i32;
    format!("{:.*} {currency}", exp as usize, minor / 10f64.powi(exp))
}

pub async fn ltv(ctx: &Ctx, cmd: LtvCmd) -> anyhow::Result<()> {
    let LtvCmd::Fit(a) = cmd;
    let as_of = match &a.as_of {
        Some(d) => NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| BadInput(format!("invalid date {d:?}: use YYYY-MM-DD")))?,
        None => chrono::Utc::now().date_naive(),
    };
    if !(a.discount_rate.is_finite() && a.discount_rate > -1.0 && a.discount_rate < 1.0) {
        return Err(BadInput(format!(
            "--discount-rate {} is not a monthly rate",
            a.discount_rate
        ))
        .into());
    }
    let store = open_store(ctx).await?;
    let result = ltv::fit(&store, as_of, a.currency.as_deref(), a.discount_rate).await;
    store.close().await;
    let report = result?;
    if ctx.json {
        return output::json(&report);
    }
    let bg = &report.bgnbd;
    outln!(
        "as of {}, {} orders in {} ({} in other currencies left out), {} customers",
        report.as_of,
        report.orders_used,
        report.currency,
        report.orders_other_currency,
        bg.customers
    );
    outln!(
        "BG/NBD       r={:.6} alpha={:.6} a={:.6} b={:.6}  log-likelihood {:.4}  ({} iterations{})",
        bg.params.r,
        bg.params.alpha,
        bg.params.a,
        bg.params.b,
        bg.log_likelihood,
        bg.iterations,
        if bg.converged { "" } else { ", NOT converged" }
    );
    match &report.gamma_gamma {
        Ok(gg) => outln!(
            "Gamma-Gamma  p={:.6} q={:.6} v={:.6}  log-likelihood {:.4}  ({} repeat customers)",
            gg.params.p,
            gg.params.q,
            gg.params.v,
            gg.log_likelihood,
            gg.customers
        ),
        Err(why) => outln!("Gamma-Gamma  not fitted: {why}"),
    }
    outln!(
        "\n{:<6} {:<24} {:>6} {:>8} {:>9} {:>9} {:>16} {:>16}",
        "id",
        "contact",
        "orders",
        "P(alive)",
        "E[39 wk]",
        "E[52 wk]",
        "E[spend/order]",
        "CLV 12 months"
    );
    for c in report.contacts.iter().take(a.limit) {
        outln!(
            "{:<6} {:<24} {:>6} {:>8.3} {:>9.3} {:>9.3} {:>16} {:>16}",
            c.contact_id,
            output::one_line(&c.name, 24),
            c.orders,
            c.p_alive,
            c.expected_purchases_39w,
            c.expected_purchases_52w,
            c.expected_spend_minor
                .map(|m| money(m, &report.currency))
                .unwrap_or_else(|| "-".into()),
            c.clv_12m_minor
                .map(|m| money(m, &report.currency))
                .unwrap_or_else(|| "-".into()),
        );
    }
    Ok(())
}
