//! Order rows from CSV: the header names the columns, each later row is one order.
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1 (when no blank
//! line precedes it), blank lines count, and a quoted value spanning lines is still one
//! row. The delimiter is the one of `,` `;` and tab that the
//! header uses most, so a spreadsheet saved with semicolons (as in much of Europe) reads
//! the same. Blank rows are skipped. A row with more non-empty cells than the header has
//! columns is refused: it is nearly always an unquoted comma that shifted every column.

use super::orders::{match_columns, Cell, Field, RawRecord, RowProblem};

/// A CSV file read into records, with the problems its header has.
#[derive(Debug, Default)]
pub(super) struct Sheet {
    pub records: Vec<RawRecord>,
    pub header_problems: Vec<RowProblem>,
    /// Fields with no column; a required one is a header problem already.
    pub absent: Vec<Field>,
}

/// Reads CSV bytes (UTF-8, with or without a byte-order mark).
pub(super) fn read_csv(bytes: &[u8], map: &[(Field, String)]) -> Result<Sheet, csv::Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(bytes))
        .from_reader(bytes);
    let mut rows = reader.byte_records();
    let Some(header) = rows.next().transpose()? else {
        return Ok(Sheet::default());
    };
    let headers: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_owned())
        .collect();
    let names: Vec<&str> = headers.iter().map(String::as_str).collect();
    let columns = match_columns(&names, map);
    let mut rows_of = SpreadsheetRows::default();
    let header_row = rows_of.row(bytes, &header);

    let mut sheet = Sheet::default();
    for (field, wanted) in &columns.unmatched {
        sheet.header_problems.push(RowProblem::new(
            header_row,
            field.as_str(),
            wanted.as_str(),
            format!(
                "no column is named so; the columns are {}",
                headers.join(", ")
            ),
        ));
    }
    sheet.absent = Field::ALL
        .into_iter()
        .filter(|f| !columns.found.contains_key(f))
        .collect();
    for field in [Field::OrderId, Field::Date, Field::Total] {
        if sheet.absent.contains(&field) && !columns.unmatched.iter().any(|(f, _)| *f == field) {
            sheet.header_problems.push(RowProblem::new(
                header_row,
                field.as_str(),
                "",
                format!(
                    "no column holds {}: name one with the mapping {}=HEADER",
                    field.describe(),
                    field.as_str()
                ),
            ));
        }
    }
    let people = [
        Field::Email,
        Field::Phone,
        Field::Name,
        Field::FirstName,
        Field::LastName,
    ];
    if people.iter().all(|f| sheet.absent.contains(f)) {
        sheet.header_problems.push(RowProblem::new(
            header_row,
            "",
            "",
            "no column names the customer: map an email, phone or name column \
             (email=HEADER, phone=HEADER, name=HEADER)",
        ));
    }

    for record in rows {
        let record = record?;
        let row = rows_of.row(bytes, &record);
        if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
            continue;
        }
        let mut raw = RawRecord {
            row,
            ..RawRecord::default()
        };
        let extra = record
            .iter()
            .skip(headers.len())
            .any(|cell| !cell.trim_ascii().is_empty());
        if extra {
            raw.problems.push(RowProblem::new(
                row,
                "",
                "",
                format!(
                    "this row has {} cells but the header has {} columns: a value holding \
                     the delimiter must be quoted",
                    record.len(),
                    headers.len()
                ),
            ));
        }
        for (&field, &index) in &columns.found {
            let Some(bytes) = record.get(index) else {
                continue;
            };
            match std::str::from_utf8(bytes) {
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => {
                    raw.cells.insert(
                        field,
                        Cell {
                            column: headers[index].clone(),
                            text: text.trim().to_owned(),
                            json: None,
                        },
                    );
                }
                Err(_) => raw.problems.push(RowProblem::new(
                    row,
                    headers[index].as_str(),
                    String::from_utf8_lossy(bytes),
                    "not UTF-8 text: save the file as CSV UTF-8",
                )),
            }
        }
        sheet.records.push(raw);
    }
    Ok(sheet)
}

/// Spreadsheet row numbers from the reader's positions. The reader skips blank lines (a
/// spreadsheet shows them as rows) and reports a record's position from before the blank
/// lines it skipped; its line count includes the line breaks inside quoted values.
#[derive(Debug, Default)]
struct SpreadsheetRows {
    /// Line breaks inside the values of the records read so far.
    inner_breaks: u64,
}

impl SpreadsheetRows {
    fn row(&mut self, bytes: &[u8], record: &csv::ByteRecord) -> usize {
        let (line, byte) = record.position().map_or((1, 0), |p| (p.line(), p.byte()));
        let skipped = bytes
            .get(usize::try_from(byte).unwrap_or(usize::MAX)..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let row = (line + skipped).saturating_sub(self.inner_breaks);
        self.inner_breaks += record
            .iter()
            .map(|value| value.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum::<u64>();
        usize::try_from(row).unwrap_or(usize::MAX)
    }
}

/// The delimiter the header line uses most, outside quotes; `,` when it uses none.
fn delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(count) = counts.iter_mut().find(|(d, _)| *d == b) {
                    count.1 += 1;
                }
            }
            _ => {}
        }
    }
    // max_by_key keeps the last of equals; the reversed order makes `,` win ties.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(d, _)| *d)
}
