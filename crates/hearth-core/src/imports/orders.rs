//! Orders as files carry them, checked row by row into records the store can take.
//!
//! CSV rows and JSON records become the same [`RawRecord`]: the cells of the fields Hearth
//! knows, found by the column's (or key's) name — common names are recognized, any other
//! can be mapped explicitly. Every cell is then checked on its own and every problem kept,
//! so one pass over a file tells the person importing it everything there is to fix.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{json, Value};

use super::currency::{currency_exponent, parse_amount, AmountError};
use super::values::{parse_date, parse_status, DateFormat, UNKNOWN_STATUS};
use super::ImportError;
use crate::domain::{normalize_email, normalize_phone, NewOrder, Region};

/// What a column (or JSON key) of an order file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    OrderId,
    Date,
    Total,
    Currency,
    Status,
    Email,
    Phone,
    Name,
    FirstName,
    LastName,
    Company,
    Items,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::OrderId,
        Field::Date,
        Field::Total,
        Field::Currency,
        Field::Status,
        Field::Email,
        Field::Phone,
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::Company,
        Field::Items,
    ];

    /// The name used in a mapping (`total=Grand Total`) and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::OrderId => "id",
            Field::Date => "date",
            Field::Total => "total",
            Field::Currency => "currency",
            Field::Status => "status",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Company => "company",
            Field::Items => "items",
        }
    }

    /// A field by its mapping name, or a plain alias of it (`order_id`, `amount`).
    pub fn parse(name: &str) -> Option<Field> {
        let key = normalize_name(name);
        let field = match key.as_str() {
            "id" | "orderid" | "order" | "number" | "ordernumber" => Field::OrderId,
            "date" | "orderdate" | "created" | "placedat" => Field::Date,
            "total" | "amount" | "ordertotal" => Field::Total,
            "currency" => Field::Currency,
            "status" | "orderstatus" => Field::Status,
            "email" => Field::Email,
            "phone" => Field::Phone,
            "name" | "customer" | "customername" => Field::Name,
            "firstname" | "first" => Field::FirstName,
            "lastname" | "last" => Field::LastName,
            "company" => Field::Company,
            "items" | "products" => Field::Items,
            _ => return None,
        };
        Some(field)
    }

    /// Column names recognized without a mapping, normalized by [`normalize_name`], best
    /// first. No name appears under two fields.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::OrderId => &[
                "orderid",
                "ordernumber",
                "orderno",
                "ordernum",
                "order",
                "orderref",
                "orderreference",
                "id",
                "number",
                "reference",
                "externalid",
            ],
            Field::Date => &[
                "orderdate",
                "date",
                "dateadded",
                "createdat",
                "created",
                "datecreated",
                "createddate",
                "placedat",
                "dateplaced",
                "orderedat",
                "purchasedate",
                "orderdatetime",
            ],
            Field::Total => &[
                "ordertotal",
                "total",
                "grandtotal",
                "totalamount",
                "amount",
                "totalprice",
                "ordertotalamount",
                "ordertotalinctax",
            ],
            Field::Currency => &["currency", "currencycode", "ordercurrency"],
            Field::Status => &[
                "orderstatus",
                "status",
                "state",
                "financialstatus",
                "paymentstatus",
            ],
            Field::Email => &[
                "customeremail",
                "email",
                "emailaddress",
                "billingemail",
                "buyeremail",
                "mail",
            ],
            Field::Phone => &[
                "customerphone",
                "phone",
                "phonenumber",
                "telephone",
                "tel",
                "mobile",
                "billingphone",
                "mobilephone",
                "cellphone",
            ],
            Field::Name => &[
                "customername",
                "customer",
                "name",
                "fullname",
                "billingname",
                "clientname",
                "client",
                "buyername",
                "buyer",
                "contactname",
            ],
            Field::FirstName => &[
                "firstname",
                "first",
                "givenname",
                "billingfirstname",
                "customerfirstname",
            ],
            Field::LastName => &[
                "lastname",
                "last",
                "surname",
                "familyname",
                "billinglastname",
                "customerlastname",
            ],
            Field::Company => &[
                "company",
                "companyname",
                "billingcompany",
                "organization",
                "organisation",
                "business",
            ],
            Field::Items => &[
                "items",
                "products",
                "lineitems",
                "orderitems",
                "product",
                "item",
            ],
        }
    }

    /// What the field is, in a sentence.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Field::OrderId => "the order id",
            Field::Date => "the order date",
            Field::Total => "the order total",
            _ => self.as_str(),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lower-case letters and digits only: "Order #", "order_id" and "OrderID" become one.
pub(super) fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses `FIELD=HEADER` (`total=Grand Total`): the column or JSON key named HEADER holds
/// FIELD.
pub fn parse_mapping(spec: &str) -> Result<(Field, String), ImportError> {
    let invalid = |expected: String| ImportError::InvalidOption {
        option: "column mapping",
        value: spec.to_owned(),
        expected,
    };
    let (field, header) = spec
        .split_once('=')
        .ok_or_else(|| invalid("FIELD=HEADER, e.g. total=Grand Total".into()))?;
    let field = Field::parse(field).ok_or_else(|| {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        invalid(format!("one of the fields {}", names.join(", ")))
    })?;
    let header = header.trim();
    if header.is_empty() {
        return Err(invalid("a column name after =".into()));
    }
    Ok((field, header.to_owned()))
}

/// Where each field is among a file's column names (or one JSON record's keys).
#[derive(Debug, Default)]
pub(super) struct Columns {
    pub found: BTreeMap<Field, usize>,
    /// Explicit mappings whose column is not there.
    pub unmatched: Vec<(Field, String)>,
}

/// Finds the fields among `headers`: explicit mappings first (exact name, then ignoring
/// case, then ignoring punctuation), then the recognized names for every field left.
pub(super) fn match_columns(headers: &[&str], map: &[(Field, String)]) -> Columns {
    let mut columns = Columns::default();
    let mut claimed = vec![false; headers.len()];
    for (field, wanted) in map {
        let tries: [&dyn Fn(&str) -> bool; 3] = [
            &|h| h.trim() == wanted,
            &|h| h.trim().eq_ignore_ascii_case(wanted),
            &|h| normalize_name(h) == normalize_name(wanted),
        ];
        let hit = tries
            .iter()
            .find_map(|matches| (0..headers.len()).find(|&i| !claimed[i] && matches(headers[i])));
        match hit {
            Some(i) => {
                claimed[i] = true;
                columns.found.insert(*field, i);
            }
            None => columns.unmatched.push((*field, wanted.clone())),
        }
    }
    let names: Vec<String> = headers.iter().map(|h| normalize_name(h)).collect();
    for field in Field::ALL {
        if map.iter().any(|(mapped, _)| *mapped == field) {
            continue;
        }
        let best = field
            .synonyms()
            .iter()
            .find_map(|synonym| (0..names.len()).find(|&i| !claimed[i] && names[i] == *synonym));
        if let Some(i) = best {
            claimed[i] = true;
            columns.found.insert(field, i);
        }
    }
    columns
}

/// One problem in a file: where, what was there, and why it cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// 1-based: a CSV row as a spreadsheet numbers it (the header is row 1), or a JSON
    /// record's place in its list.
    pub row: usize,
    /// The column (CSV) or key (JSON) as written in the file, or the field's name when
    /// the file has none for it; empty for a problem with the row as a whole.
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl RowProblem {
    pub(super) fn new(
        row: usize,
        column: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> RowProblem {
        RowProblem {
            row,
            column: column.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}

/// A value as a file holds it: text, or JSON structure (a JSON file's items).
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub column: String,
    pub text: String,
    pub json: Option<Value>,
}

/// One row or record before checking: its cells by field (empty cells left out), and any
/// problems found while reading it.
#[derive(Debug, Clone, Default)]
pub(super) struct RawRecord {
    pub row: usize,
    pub cells: BTreeMap<Field, Cell>,
    pub problems: Vec<RowProblem>,
    /// Not an order at all (its problem says why): its fields are not checked.
    pub unreadable: bool,
}

/// The customer an order names; identities already normalized.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Customer {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub company: Option<String>,
}

/// A checked order, ready for the store; `order.contact_id` is found there.
#[derive(Debug, Clone)]
pub struct OrderRecord {
    pub row: usize,
    pub order: NewOrder,
    pub customer: Customer,
}

/// What every row is checked against.
#[derive(Debug, Clone)]
pub(super) struct Rules {
    pub source: String,
    pub default_currency: String,
    pub date_format: DateFormat,
    pub region: Region,
    pub now: i64,
    /// Fields the file has no column for at all, reported once rather than on every row.
    pub absent: Vec<Field>,
    /// What a row is called in reports: "row" (CSV) or "record" (JSON).
    pub unit: &'static str,
}

/// Checks every record; the orders, or every problem found (duplicate ids included).
pub(super) fn check_records(
    records: Vec<RawRecord>,
    rules: &Rules,
) -> Result<Vec<OrderRecord>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut orders = Vec::with_capacity(records.len());
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for record in records {
        let row = record.row;
        let id_cell = record.cells.get(&Field::OrderId).cloned();
        let mut found = record.problems.clone();
        let checked = if record.unreadable {
            None
        } else {
            check_record(&record, rules, &mut found)
        };
        if let Some(cell) = id_cell {
            match first_row.get(&cell.text) {
                Some(&first) => found.push(RowProblem::new(
                    row,
                    &cell.column,
                    &cell.text,
                    format!("order id {} is also on {} {first}", cell.text, rules.unit),
                )),
                None => {
                    first_row.insert(cell.text.clone(), row);
                }
            }
        }
        match checked {
            Some(order) if found.is_empty() => orders.push(order),
            _ => problems.extend(found),
        }
    }
    if problems.is_empty() {
        Ok(orders)
    } else {
        Err(problems)
    }
}

fn check_record(
    record: &RawRecord,
    rules: &Rules,
    problems: &mut Vec<RowProblem>,
) -> Option<OrderRecord> {
    let row = record.row;
    let cell = |field: Field| record.cells.get(&field);
    let at = |field: Field, reason: String| {
        let (column, value) = match cell(field) {
            Some(cell) => (cell.column.clone(), cell.text.clone()),
            None => (field.as_str().to_owned(), String::new()),
        };
        RowProblem::new(row, column, value, reason)
    };
    // A field the file has no column for is reported once, not on every row.
    let missing = |field: Field| cell(field).is_none() && !rules.absent.contains(&field);
    // Structure (a JSON list or object) only belongs in items.
    for (field, c) in &record.cells {
        if *field != Field::Items && c.json.is_some() {
            problems.push(at(
                *field,
                "expected text or a number, not a list or object".into(),
            ));
        }
    }
    let text = |field: Field| {
        cell(field)
            .filter(|c| c.json.is_none())
            .map(|c| c.text.as_str())
    };

    let external_id = text(Field::OrderId).map(str::to_owned);
    if missing(Field::OrderId) {
        problems.push(at(Field::OrderId, "an order id is required".into()));
    }

    let placed_at = text(Field::Date).and_then(|date| {
        parse_date(date, rules.date_format, rules.now)
            .map_err(|e| problems.push(at(Field::Date, e.to_string())))
            .ok()
    });
    if missing(Field::Date) {
        problems.push(at(Field::Date, "a date is required".into()));
    }

    let currency = match text(Field::Currency) {
        None => Some(rules.default_currency.clone()),
        Some(code) => {
            let upper = code.trim().to_ascii_uppercase();
            if currency_exponent(&upper).is_some() {
                Some(upper)
            } else {
                problems.push(at(
                    Field::Currency,
                    "unknown currency: use an ISO 4217 code such as USD, EUR or ZAR".into(),
                ));
                None
            }
        }
    };

    let total_minor = text(Field::Total).and_then(|total| match &currency {
        Some(code) => {
            let exponent = currency_exponent(code).unwrap_or(2);
            parse_amount(total, code, exponent)
                .map_err(|e| problems.push(at(Field::Total, e.to_string())))
                .ok()
        }
        // Without a known currency the decimals cannot be judged; the rest can.
        None => {
            if let Err(e @ (AmountError::NotANumber | AmountError::Negative)) =
                parse_amount(total, "", 3)
            {
                problems.push(at(Field::Total, e.to_string()));
            }
            None
        }
    });
    if missing(Field::Total) {
        problems.push(at(Field::Total, "a total is required".into()));
    }

    let status = match text(Field::Status) {
        None => Some("completed"),
        Some(word) => {
            let status = parse_status(word);
            if status.is_none() {
                problems.push(at(Field::Status, UNKNOWN_STATUS.into()));
            }
            status
        }
    };

    let email = text(Field::Email).and_then(|raw| {
        normalize_email(raw)
            .map_err(|e| problems.push(at(Field::Email, e.to_string())))
            .ok()
    });
    let phone = text(Field::Phone).and_then(|raw| {
        normalize_phone(raw, rules.region)
            .map_err(|e| problems.push(at(Field::Phone, e.to_string())))
            .ok()
    });
    let name = text(Field::Name).map(str::to_owned).or_else(|| {
        let parts: Vec<&str> = [text(Field::FirstName), text(Field::LastName)]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    // A bad email or phone is reported as such, not also as a missing customer; a file
    // with no column for the customer at all is reported once, on its header.
    let people = [
        Field::Email,
        Field::Phone,
        Field::Name,
        Field::FirstName,
        Field::LastName,
    ];
    let identified = people.iter().any(|f| cell(*f).is_some());
    if !identified && !people.iter().all(|f| rules.absent.contains(f)) {
        problems.push(RowProblem::new(
            row,
            "",
            "",
            "no customer: a row needs an email, a phone or a name",
        ));
    }

    let items = items(cell(Field::Items))
        .map_err(|reason| problems.push(at(Field::Items, reason.into())))
        .ok();

    Some(OrderRecord {
        row,
        order: NewOrder {
            contact_id: None,
            source: rules.source.clone(),
            external_id: external_id?,
            placed_at: placed_at?,
            total_minor: total_minor?,
            currency: currency?,
            status: status?.to_owned(),
            items: items?,
        },
        customer: Customer {
            email,
            phone,
            name,
            company: text(Field::Company).map(str::to_owned),
        },
    })
}

/// Line items: a JSON list as given (one object becomes a list of one), a cell holding a
/// JSON list, or any other text kept as one item's name.
fn items(cell: Option<&Cell>) -> Result<Value, &'static str> {
    let Some(cell) = cell else {
        return Ok(json!([]));
    };
    match &cell.json {
        Some(Value::Array(items)) => Ok(Value::Array(items.clone())),
        Some(object @ Value::Object(_)) => Ok(json!([object])),
        Some(_) => Err("items must be a list"),
        None if cell.text.trim_start().starts_with('[') => {
            match serde_json::from_str::<Value>(&cell.text) {
                Ok(list @ Value::Array(_)) => Ok(list),
                _ => Err("starts like a JSON list but is not one"),
            }
        }
        None => Ok(json!([{ "name": cell.text }])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognized_names_belong_to_one_field_each() {
        let mut seen = HashMap::new();
        for field in Field::ALL {
            for name in field.synonyms() {
                assert_eq!(normalize_name(name), *name, "{name} is normalized");
                if let Some(other) = seen.insert(*name, field) {
                    panic!("{name} is under both {other} and {field}");
                }
            }
            assert_eq!(Field::parse(field.as_str()), Some(field));
        }
    }

    #[test]
    fn headers_match_by_preference_and_claim_their_column() {
        let headers = ["Email", "Customer Email", "Total", "Order Total", "id"];
        let columns = match_columns(&headers, &[]);
        assert_eq!(
            columns.found[&Field::Email],
            1,
            "customer email is preferred"
        );
        assert_eq!(columns.found[&Field::Total], 3);
        assert_eq!(columns.found[&Field::OrderId], 4);
        let mapped = match_columns(&headers, &[(Field::Email, "email".into())]);
        assert_eq!(mapped.found[&Field::Email], 0);
        // A column claimed by a mapping is not also recognized for another field.
        let claimed = match_columns(&headers, &[(Field::Name, "Total".into())]);
        assert_eq!(claimed.found[&Field::Name], 2);
        assert_eq!(claimed.found[&Field::Total], 3);
    }
}
