//! Imports: the records a business already keeps elsewhere (shop exports, spreadsheets,
//! an OpenCart sync feed) brought into its Hearth file.
//!
//! An import is all or nothing per file. The whole file is read and every row checked
//! before anything is written, and every problem is kept with where it is (the row and
//! column a spreadsheet shows, or the JSON record and key), so one attempt tells the
//! person importing everything there is to fix. A file with any problem is refused whole
//! as a [`Rejection`] and the business is left untouched; a file without problems is
//! written in one transaction. Importing the same file again changes nothing: orders are
//! keyed by `(source, order id)`.
//!
//! What is accepted is fixed and documented rather than guessed per row: the date forms
//! in [`parse_date`], amounts in [`parse_amount`] (exact, never rounded), the currencies in
//! [`CURRENCIES`], the status words in [`parse_status`], and the column names under
//! [`Field`] (any other column can be mapped explicitly with [`parse_mapping`]).

mod currency;
mod error;
mod json_file;
mod orders;
mod table;
mod values;

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

pub use currency::{currency_exponent, parse_amount, parse_currency, AmountError, CURRENCIES};
pub use error::ImportError;
pub use orders::{parse_mapping, Customer, Field, OrderRecord, RowProblem};
pub use values::{parse_date, parse_status, DateError, DateFormat, STATUSES};

use crate::domain::Region;
use crate::store::OrderImportCounts;
use crate::Store;

/// The two kinds of order file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Json,
}

impl FileFormat {
    /// `csv` or `json`.
    pub fn parse(name: &str) -> Option<FileFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(FileFormat::Csv),
            "json" => Some(FileFormat::Json),
            _ => None,
        }
    }

    /// By the file's extension (`.csv`, `.tsv`, `.txt`, `.json`), else by its first
    /// character: `[` or `{` is JSON, anything else CSV.
    pub fn detect(path: &Path, bytes: &[u8]) -> FileFormat {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("csv" | "tsv" | "txt") => FileFormat::Csv,
            Some("json") => FileFormat::Json,
            _ => {
                let first = strip_bom(bytes).iter().find(|b| !b.is_ascii_whitespace());
                match first {
                    Some(b'[' | b'{') => FileFormat::Json,
                    _ => FileFormat::Csv,
                }
            }
        }
    }

    /// The source orders are filed under when none is given.
    pub fn default_source(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Json => "opencart",
        }
    }

    /// What a report calls a row and a column of this kind of file.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            FileFormat::Csv => ("row", "column"),
            FileFormat::Json => ("record", "field"),
        }
    }
}

/// How to read an order file. The defaults suit a file whose columns have common names.
#[derive(Debug, Clone, Default)]
pub struct OrderImportOptions {
    /// Explicit columns: `(Field::Total, "Grand Total")`; see [`parse_mapping`].
    pub map: Vec<(Field, String)>,
    /// For rows without a currency; the business's most used order currency (or USD)
    /// when `None`.
    pub currency: Option<String>,
    /// The shop the orders come from; order ids are unique per source. Defaults to
    /// [`FileFormat::default_source`].
    pub source: Option<String>,
    pub date_format: DateFormat,
    /// Detected by [`FileFormat::detect`] when `None`.
    pub format: Option<FileFormat>,
    /// Check and count everything, then write nothing.
    pub dry_run: bool,
}

/// A file refused whole: every problem in it. Its `Display` is one summary line, then
/// one line per problem (`row 7, column total: -12.00: a total cannot be negative`).
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    pub file: String,
    pub format: FileFormat,
    /// Orders (rows or records) in the file.
    pub rows: usize,
    pub problems: Vec<RowProblem>,
}

impl Rejection {
    /// How many distinct rows have a problem.
    pub fn bad_rows(&self) -> usize {
        self.problems
            .iter()
            .map(|p| p.row)
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// One line per problem.
    pub fn lines(&self) -> Vec<String> {
        let (row_word, column_word) = self.format.words();
        self.problems
            .iter()
            .map(|p| {
                let mut line = format!("{row_word} {}", p.row);
                if !p.column.is_empty() {
                    line.push_str(&format!(", {column_word} {}", p.column));
                }
                if !p.value.is_empty() {
                    line.push_str(&format!(": {}", p.value));
                }
                line.push_str(&format!(": {}", p.reason));
                line
            })
            .collect()
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (row_word, _) = self.format.words();
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{} was not imported, nothing was written: {} in {}",
            self.file,
            plural(self.problems.len(), "problem"),
            plural(self.bad_rows(), row_word),
        )?;
        for line in self.lines() {
            write!(f, "\n{line}")?;
        }
        Ok(())
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct OrderImportReport {
    pub file: String,
    pub format: FileFormat,
    pub source: String,
    pub dry_run: bool,
    /// Orders (rows or records) in the file.
    pub rows: usize,
    #[serde(flatten)]
    pub counts: OrderImportCounts,
}

/// A file's orders, read and checked, not yet stored.
#[derive(Debug, Clone)]
pub struct CheckedOrders {
    pub format: FileFormat,
    pub source: String,
    pub orders: Vec<OrderRecord>,
}

/// What checking needs from the business besides the options.
#[derive(Debug, Clone)]
pub struct CheckContext {
    pub default_currency: String,
    /// For phone numbers written without `+`.
    pub region: Region,
    /// Dates after this (plus a day) are refused as in the future.
    pub now: i64,
}

/// Imports the orders in `path` into `store`: all of them, or none with
/// [`ImportError::Rejected`] listing every problem.
pub async fn import_orders(
    store: &Store,
    path: &Path,
    options: &OrderImportOptions,
) -> Result<OrderImportReport, ImportError> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|source| ImportError::Read {
            path: path.to_owned(),
            source,
        })?;
    let default_currency = match &options.currency {
        Some(code) => code.clone(),
        None => store
            .main_order_currency()
            .await?
            .unwrap_or_else(|| "USD".to_owned()),
    };
    let context = CheckContext {
        default_currency,
        region: store.region(),
        now: crate::now_ms(),
    };
    let checked = check_orders(path, &bytes, options, &context)?;
    let counts = store
        .import_orders(&checked.orders, options.dry_run)
        .await?;
    tracing::info!(
        file = %path.display(),
        source = %checked.source,
        rows = checked.orders.len(),
        dry_run = options.dry_run,
        ?counts,
        "imported orders"
    );
    Ok(OrderImportReport {
        file: path.display().to_string(),
        format: checked.format,
        source: checked.source,
        dry_run: options.dry_run,
        rows: checked.orders.len(),
        counts,
    })
}

/// Reads and checks an order file's bytes without touching any business.
pub fn check_orders(
    path: &Path,
    bytes: &[u8],
    options: &OrderImportOptions,
    context: &CheckContext,
) -> Result<CheckedOrders, ImportError> {
    let default_currency =
        parse_currency(&context.default_currency).ok_or_else(|| ImportError::InvalidOption {
            option: "currency",
            value: context.default_currency.clone(),
            expected: "an ISO 4217 code such as USD, EUR or ZAR".into(),
        })?;
    let format = options
        .format
        .unwrap_or_else(|| FileFormat::detect(path, bytes));
    let source = match options.source.as_deref().map(str::trim) {
        Some("") => {
            return Err(ImportError::InvalidOption {
                option: "source",
                value: String::new(),
                expected: "a name for the shop the orders come from".into(),
            })
        }
        Some(source) => source.to_owned(),
        None => format.default_source().to_owned(),
    };
    let no_orders = |reason: &str| ImportError::NoOrders {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let (records, mut problems, absent) = match format {
        FileFormat::Csv => {
            let sheet =
                table::read_csv(bytes, &options.map).map_err(|source| ImportError::Csv {
                    path: path.to_owned(),
                    source,
                })?;
            (sheet.records, sheet.header_problems, sheet.absent)
        }
        FileFormat::Json => {
            let doc =
                serde_json::from_slice(strip_bom(bytes)).map_err(|source| ImportError::Json {
                    path: path.to_owned(),
                    source,
                })?;
            let records = json_file::read_json(doc, &options.map).map_err(|r| no_orders(&r))?;
            (records, Vec::new(), Vec::new())
        }
    };
    if records.is_empty() && problems.is_empty() {
        return Err(no_orders("it has no rows or records"));
    }
    let rules = orders::Rules {
        source: source.clone(),
        default_currency,
        date_format: options.date_format,
        region: context.region,
        now: context.now,
        absent,
        unit: format.words().0,
    };
    let rows = records.len();
    match orders::check_records(records, &rules) {
        Ok(orders) if problems.is_empty() => Ok(CheckedOrders {
            format,
            source,
            orders,
        }),
        result => {
            problems.extend(result.err().unwrap_or_default());
            Err(ImportError::Rejected(Rejection {
                file: path.display().to_string(),
                format,
                rows,
                problems,
            }))
        }
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests;
