//! Order records from JSON, shaped like the OpenCart order sync (`sync_opencart_order`):
//! `order_id`, `customer_name`, `customer_email`, `customer_phone`, `order_status`,
//! `order_total`, `currency`, `items` (or `products`), `order_date`.
//!
//! Accepted shapes: a list of records; `{"orders": [...]}`; one sync request
//! `{"action": "sync_opencart_order", "data": {...}}` or webhook `{"type":
//! "opencart_order", "data": {...}}`, alone or in a list; or a single record. Keys are
//! recognized like CSV headers (and mapped the same way); keys Hearth does not keep
//! (`customer_id`, `payment_method`, `shipping_address`, ...) are ignored. A number is
//! read from its JSON text, so `1299.99` stays exactly 1299.99.

use serde_json::{Map, Value};

use super::orders::{match_columns, Cell, Field, RawRecord, RowProblem};

/// Why a JSON document is not a set of orders at all.
pub(super) const SHAPES: &str = "expected a list of orders, {\"orders\": [...]}, or a \
     {\"action\": \"sync_opencart_order\", \"data\": {...}} request";

/// Reads a parsed JSON document into records; `Err` when its shape holds no orders.
pub(super) fn read_json(doc: Value, map: &[(Field, String)]) -> Result<Vec<RawRecord>, String> {
    let list = match doc {
        Value::Array(list) => list,
        Value::Object(mut object) => match object.remove("orders") {
            Some(Value::Array(list)) => list,
            Some(_) => return Err("\"orders\" is not a list".into()),
            None => vec![Value::Object(object)],
        },
        _ => return Err(SHAPES.into()),
    };
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(index, value)| record(index + 1, value, map))
        .collect())
}

fn record(row: usize, value: Value, map: &[(Field, String)]) -> RawRecord {
    let mut raw = RawRecord {
        row,
        ..RawRecord::default()
    };
    let object = match unwrap_request(value) {
        Ok(object) => object,
        Err(reason) => {
            raw.problems.push(RowProblem::new(row, "", "", reason));
            raw.unreadable = true;
            return raw;
        }
    };
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let columns = match_columns(&keys, map);
    for (&field, &index) in &columns.found {
        let key = keys[index];
        let (text, json) = match &object[key] {
            Value::Null => continue,
            Value::String(s) if s.trim().is_empty() => continue,
            Value::String(s) => (s.trim().to_owned(), None),
            Value::Number(n) => (n.to_string(), None),
            Value::Bool(b) => (b.to_string(), None),
            structured => (structured.to_string(), Some(structured.clone())),
        };
        raw.cells.insert(
            field,
            Cell {
                column: key.to_owned(),
                text,
                json,
            },
        );
    }
    raw
}

/// The order inside a sync request or webhook, or the record itself.
fn unwrap_request(value: Value) -> Result<Map<String, Value>, String> {
    let mut object = match value {
        Value::Object(object) => object,
        Value::Array(_) => return Err("expected an order object, found a list".into()),
        other => return Err(format!("expected an order object, found {other}")),
    };
    let kind = ["action", "type"]
        .iter()
        .find_map(|key| object.get(*key).and_then(Value::as_str).map(str::to_owned));
    match (kind.as_deref(), object.remove("data")) {
        (Some("sync_opencart_order" | "opencart_order"), Some(Value::Object(data))) => Ok(data),
        (Some(other), Some(_)) => Err(format!(
            "{other:?} is not an order: expected the action sync_opencart_order"
        )),
        (_, Some(data)) => {
            // Not a request after all: put the key back and read the object as a record.
            object.insert("data".into(), data);
            Ok(object)
        }
        (_, None) => Ok(object),
    }
}
