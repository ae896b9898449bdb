//! `hearth import orders FILE`: a shop's orders brought in whole, or not at all.
//!
//! A refused file is an error (exit 2) whose message lists every problem, one line each,
//! so the person importing can fix the file in one go; with `--json` the same report goes
//! to stdout for scripts. Nothing is written unless the whole file is good.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use hearth_core::imports::{
    self, DateFormat, Field, FileFormat, ImportError, OrderImportOptions, OrderImportReport,
};
use serde::Serialize;

use super::open_store;
use crate::exit::BadInput;
use crate::{output, Ctx};

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Import orders from CSV or JSON: all of them, or none and a list of every bad row.
    Orders(OrdersArgs),
}

#[derive(Debug, Args)]
pub struct OrdersArgs {
    /// CSV with a header row, or JSON: a list of orders, {"orders": [...]}, or a
    /// sync_opencart_order request.
    file: PathBuf,
    /// The column (or JSON key) holding a field whose name is not recognized, e.g.
    /// --map "total=Grand Total". Fields: id, date, total, currency, status, email, phone,
    /// name, first_name, last_name, company, items.
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = parse_map)]
    map: Vec<(Field, String)>,
    /// The currency of rows without one [default: the business's most used, else USD].
    #[arg(long)]
    currency: Option<String>,
    /// The shop the orders come from; order ids are unique per source [default: csv for
    /// CSV files, opencart for JSON].
    #[arg(long)]
    source: Option<String>,
    /// Dates with slashes: iso refuses them as ambiguous, us reads MM/DD/YYYY, dmy
    /// DD/MM/YYYY. ISO dates (2024-01-15, 2024-01-15 10:30, RFC 3339) are always read.
    #[arg(long, default_value = "iso", value_parser = parse_date_format)]
    date_format: DateFormat,
    /// csv or json [default: from the extension, else from the content].
    #[arg(long, value_parser = parse_format)]
    format: Option<FileFormat>,
    /// Check the file and count what would change, but write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub async fn run(ctx: &Ctx, cmd: ImportCmd) -> anyhow::Result<()> {
    match cmd {
        ImportCmd::Orders(args) => orders(ctx, args).await,
    }
}

async fn orders(ctx: &Ctx, args: OrdersArgs) -> anyhow::Result<()> {
    let options = OrderImportOptions {
        map: args.map,
        currency: args.currency,
        source: args.source,
        date_format: args.date_format,
        format: args.format,
        dry_run: args.dry_run,
    };
    let store = open_store(ctx).await?;
    let result = imports::import_orders(&store, &args.file, &options).await;
    store.close().await;
    match result {
        Ok(report) => print_report(ctx, &report),
        Err(ImportError::Rejected(rejection)) if ctx.json => {
            output::json(&Tagged {
                status: "rejected",
                report: &rejection,
            })?;
            Err(BadInput(format!(
                "{} was not imported, nothing was written: {} problems, listed on stdout",
                rejection.file,
                rejection.problems.len()
            ))
            .into())
        }
        Err(err) => Err(err.into()),
    }
}

/// A report with what happened, for scripts: `imported`, `dry_run` or `rejected`.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    status: &'static str,
    #[serde(flatten)]
    report: &'a T,
}

fn print_report(ctx: &Ctx, report: &OrderImportReport) -> anyhow::Result<()> {
    if ctx.json {
        let status = if report.dry_run {
            "dry_run"
        } else {
            "imported"
        };
        return output::json(&Tagged { status, report });
    }
    let (orders, contacts) = (&report.counts.orders, &report.counts.contacts);
    if report.dry_run {
        outln!("Dry run, nothing was written.");
    }
    outln!(
        "{}: {} orders from source {:?}",
        report.file,
        report.rows,
        report.source
    );
    outln!(
        "  orders:   {} new, {} updated, {} unchanged",
        orders.new,
        orders.updated,
        orders.unchanged
    );
    outln!(
        "  contacts: {} created, {} matched, {} emails or phones added to matched contacts",
        contacts.created,
        contacts.matched,
        contacts.identities_added
    );
    Ok(())
}

fn parse_map(spec: &str) -> Result<(Field, String), String> {
    imports::parse_mapping(spec).map_err(|e| e.to_string())
}

fn parse_date_format(name: &str) -> Result<DateFormat, String> {
    DateFormat::parse(name)
        .ok_or_else(|| format!("unknown date format {name:?} (expected iso, us or dmy)"))
}

fn parse_format(name: &str) -> Result<FileFormat, String> {
    FileFormat::parse(name).ok_or_else(|| format!("unknown format {name:?} (expected csv or json)"))
}
