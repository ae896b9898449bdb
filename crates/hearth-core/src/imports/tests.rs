//! Reading and checking order files, without a store.

use std::path::Path;

use serde_json::json;

use super::*;

/// 2025-11-21T00:00:00Z: files' dates are checked against this "now".
const NOW: i64 = 1_763_683_200_000;

fn context() -> CheckContext {
    CheckContext {
        default_currency: "USD".into(),
        region: Region::default(),
        now: NOW,
    }
}

fn check(
    name: &str,
    text: &str,
    options: &OrderImportOptions,
) -> Result<CheckedOrders, ImportError> {
    check_orders(Path::new(name), text.as_bytes(), options, &context())
}

fn orders(name: &str, text: &str) -> Vec<OrderRecord> {
    match check(name, text, &OrderImportOptions::default()) {
        Ok(checked) => checked.orders,
        Err(e) => panic!("{e}"),
    }
}

fn rejected(name: &str, text: &str, options: &OrderImportOptions) -> Rejection {
    match check(name, text, options) {
        Err(ImportError::Rejected(rejection)) => rejection,
        other => panic!("not rejected: {other:?}"),
    }
}

/// (row, column) of every problem.
fn places(rejection: &Rejection) -> Vec<(usize, &str)> {
    rejection
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_str()))
        .collect()
}

fn ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

#[test]
fn a_csv_with_common_headers_is_read_whole() {
    let csv = "\
Order ID,Order Date,Total,Currency,Status,Email,Phone,First Name,Last Name,Company,Items
1001,2024-01-15 10:30:00,1299.99,ZAR,Complete,Ann@Example.com,(415) 555-0132,Ann,Lee,Lee Bakery,Mixer
1002,2024-01-16,1500,jpy,shipped,,415.555.0199,,,,\"[{\"\"name\"\":\"\"Tea\"\",\"\"qty\"\":2}]\"
1003,2024-01-17T08:00:00Z,\"1,250.50\",,on hold,bo@example.com,,,,,
";
    let found = orders("o.csv", csv);
    assert_eq!(found.len(), 3);
    let ann = &found[0];
    assert_eq!(ann.row, 2, "the header is row 1");
    assert_eq!(ann.order.external_id, "1001");
    assert_eq!(ann.order.source, "csv");
    assert_eq!(ann.order.placed_at, ms("2024-01-15T10:30:00Z"));
    assert_eq!(
        (ann.order.total_minor, ann.order.currency.as_str()),
        (129_999, "ZAR")
    );
    assert_eq!(ann.order.status, "completed");
    assert_eq!(ann.order.items, json!([{ "name": "Mixer" }]));
    assert_eq!(
        ann.customer,
        Customer {
            email: Some("ann@example.com".into()),
            phone: Some("+14155550132".into()),
            name: Some("Ann Lee".into()),
            company: Some("Lee Bakery".into()),
        }
    );
    let tea = &found[1].order;
    assert_eq!((tea.total_minor, tea.currency.as_str()), (1500, "JPY"));
    assert_eq!(tea.items, json!([{ "name": "Tea", "qty": 2 }]));
    assert_eq!(found[1].customer.phone.as_deref(), Some("+14155550199"));
    assert_eq!(found[1].customer.name, None);
    let bo = &found[2].order;
    assert_eq!(
        (bo.total_minor, bo.currency.as_str()),
        (125_050, "USD"),
        "the default"
    );
    assert_eq!(bo.status, "pending");
    assert_eq!(bo.items, json!([]));
}

#[test]
fn other_spellings_semicolons_and_a_bom_are_recognized() {
    let csv = "\u{feff}Order #;Created At;Grand Total;Customer;E-mail;State\r\n\
               A-1;2024-03-01;10.00;Dana Reyes;dana@example.com;paid\r\n\
               \r\n\
               A-2;2024-03-02;20;Dana Reyes;dana@example.com;refunded\r\n";
    let found = orders("o.csv", csv);
    assert_eq!(found.len(), 2, "the blank row is skipped");
    assert_eq!(found[1].row, 4, "rows keep their spreadsheet numbers");
    assert_eq!(found[0].order.external_id, "A-1");
    assert_eq!(found[0].customer.name.as_deref(), Some("Dana Reyes"));
    assert_eq!(found[1].order.status, "refunded");
    assert_eq!(found[1].order.total_minor, 2000);
}

#[test]
fn rows_are_numbered_as_a_spreadsheet_shows_them() {
    let csv = "id,date,total,email,items\n\
               1,2024-01-01,1,a@example.com,\"two\nlines\"\n\
               \n\
               2,2024-01-01,-1,a@example.com,\n\
               3,2024-01-01,-1,a@example.com,\n";
    let rejection = rejected("o.csv", csv, &OrderImportOptions::default());
    // Row 2 spans two lines, row 3 is blank.
    assert_eq!(places(&rejection), [(4, "total"), (5, "total")]);
}

#[test]
fn explicit_mappings_win_and_a_missing_one_is_reported() {
    let csv = "Ref,When,Amount Paid,Total,Buyer Mail\nR1,2024-05-01,12.50,999,x@example.com\n";
    let options = OrderImportOptions {
        map: vec![
            (Field::OrderId, "Ref".into()),
            (Field::Date, "when".into()),
            (Field::Total, "Amount Paid".into()),
            (Field::Email, "buyer_mail".into()),
        ],
        source: Some("shopify".into()),
        ..OrderImportOptions::default()
    };
    let checked = check("o.csv", csv, &options).unwrap();
    let order = &checked.orders[0].order;
    assert_eq!(checked.source, "shopify");
    assert_eq!(
        (order.source.as_str(), order.total_minor),
        ("shopify", 1250)
    );
    assert_eq!(
        checked.orders[0].customer.email.as_deref(),
        Some("x@example.com")
    );

    let mut wrong = options.clone();
    wrong.map[2] = (Field::Total, "Grand Total".into());
    let rejection = rejected("o.csv", csv, &wrong);
    assert_eq!(places(&rejection), [(1, "total")]);
    assert_eq!(rejection.problems[0].value, "Grand Total");
    assert!(rejection.problems[0]
        .reason
        .contains("Ref, When, Amount Paid, Total"));
}

#[test]
fn missing_columns_are_reported_once_on_the_header() {
    let csv = "Reference Code,Notes\nx,1\ny,2\n";
    let rejection = rejected("o.csv", csv, &OrderImportOptions::default());
    assert_eq!(
        places(&rejection),
        [(1, "id"), (1, "date"), (1, "total"), (1, "")],
        "{rejection}"
    );
    assert!(rejection.problems[2].reason.contains("total=HEADER"));
}

#[test]
fn every_bad_row_is_reported_with_its_row_and_column() {
    let csv = "\
id,date,total,currency,status,email,phone,name,items
1,2024-01-15,10.00,USD,paid,a@example.com,,,
2,2024-02-30,10.00,USD,paid,b@example.com,,,
3,2024-01-15,-12.00,USD,paid,c@example.com,,,
4,2024-01-15,10.00,XYZ,paid,d@example.com,,,
5,2024-01-15,1500.5,JPY,paid,e@example.com,,,
1,2024-01-15,10.00,USD,paid,f@example.com,,,
7,2024-01-15,10.00,USD,lost,g@example.com,,,
8,2024-01-15,10.00,USD,paid,not-an-email,,,
9,2024-01-15,10.00,USD,paid,,12,,
10,2024-01-15,10.00,USD,paid,,,,
11,,,USD,paid,,,Kim,[oops
12,01/02/2024,10.00,USD,paid,,,Kim,
13,2024-01-15,10.00,USD,paid,,,Kim,,surplus
14,2099-01-01,$5,USD,paid,,,Kim,
";
    let rejection = rejected("bad.csv", csv, &OrderImportOptions::default());
    assert_eq!(
        places(&rejection),
        [
            (3, "date"),
            (4, "total"),
            (5, "currency"),
            (6, "total"),
            (7, "id"),
            (8, "status"),
            (9, "email"),
            (10, "phone"),
            (11, ""),
            (12, "date"),
            (12, "total"),
            (12, "items"),
            (13, "date"),
            (14, ""),
            (15, "date"),
            (15, "total"),
        ],
        "{rejection}"
    );
    assert_eq!(rejection.rows, 14);
    assert_eq!(rejection.bad_rows(), 13, "only row 2 is good");
    let reason = |row: usize, column: &str| {
        rejection
            .problems
            .iter()
            .find(|p| p.row == row && p.column == column)
            .map(|p| p.reason.as_str())
            .unwrap()
    };
    assert!(reason(3, "date").starts_with("not a date"));
    assert_eq!(reason(4, "total"), "a total cannot be negative");
    assert!(reason(5, "currency").starts_with("unknown currency"));
    assert!(reason(6, "total").contains("JPY has no minor unit"));
    assert_eq!(reason(7, "id"), "order id 1 is also on row 2");
    assert!(reason(8, "status").contains("completed, pending, refunded, cancelled or failed"));
    assert!(
        reason(9, "email").starts_with("invalid email address"),
        "the domain's words"
    );
    assert!(reason(10, "phone").starts_with("invalid phone number"));
    assert!(reason(11, "").starts_with("no customer"));
    assert_eq!(reason(12, "date"), "a date is required");
    assert_eq!(reason(12, "total"), "a total is required");
    assert!(reason(13, "date").contains("month-first or day-first"));
    assert!(reason(14, "").contains("has 10 cells but the header has 9"));
    assert!(reason(15, "date").contains("future"));
    assert!(reason(15, "total").starts_with("not an amount"));

    let lines = rejection.lines();
    assert_eq!(
        lines[1],
        "row 4, column total: -12.00: a total cannot be negative"
    );
    assert_eq!(
        lines[8],
        "row 11: no customer: a row needs an email, a phone or a name"
    );
    let text = rejection.to_string();
    assert!(
        text.starts_with("bad.csv was not imported, nothing was written: 16 problems in 13 rows\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 17);
}

#[test]
fn slashed_dates_follow_the_chosen_order() {
    let csv = "id,date,total,email\n1,01/02/2024,1,a@example.com\n2,13/02/2024,1,a@example.com\n";
    let day_first = OrderImportOptions {
        date_format: DateFormat::DayFirst,
        ..OrderImportOptions::default()
    };
    let found = check("o.csv", csv, &day_first).unwrap().orders;
    assert_eq!(found[0].order.placed_at, ms("2024-02-01T00:00:00Z"));
    assert_eq!(found[1].order.placed_at, ms("2024-02-13T00:00:00Z"));
    let us = OrderImportOptions {
        date_format: DateFormat::MonthFirst,
        ..OrderImportOptions::default()
    };
    assert_eq!(places(&rejected("o.csv", csv, &us)), [(3, "date")]);
}

#[test]
fn currencies_set_the_decimals_a_total_may_have() {
    let csv = "id,date,total,currency,email
1,2024-01-01,1500,JPY,a@example.com
2,2024-01-01,1.234,KWD,a@example.com
3,2024-01-01,1.234,BHD,a@example.com
4,2024-01-01,9.99,eur,a@example.com
";
    let found = orders("o.csv", csv);
    let totals: Vec<(i64, &str)> = found
        .iter()
        .map(|o| (o.order.total_minor, o.order.currency.as_str()))
        .collect();
    assert_eq!(
        totals,
        [(1500, "JPY"), (1234, "KWD"), (1234, "BHD"), (999, "EUR")]
    );
    let too_fine = "id,date,total,currency,email\n1,2024-01-01,1.2345,OMR,a@example.com\n\
                    2,2024-01-01,0.001,USD,a@example.com\n";
    let rejection = rejected("o.csv", too_fine, &OrderImportOptions::default());
    assert_eq!(places(&rejection), [(2, "total"), (3, "total")]);
    assert_eq!(
        rejection.problems[0].reason,
        "OMR has 3 decimals: this total has more"
    );
}

#[test]
fn the_default_currency_is_checked_before_reading() {
    let csv = "id,date,total,email\n1,2024-01-01,1,a@example.com\n";
    let mut context = context();
    context.default_currency = "eur".into();
    let found = check_orders(
        Path::new("o.csv"),
        csv.as_bytes(),
        &OrderImportOptions::default(),
        &context,
    )
    .unwrap();
    assert_eq!(found.orders[0].order.currency, "EUR");
    context.default_currency = "Euro".into();
    let err = check_orders(
        Path::new("o.csv"),
        csv.as_bytes(),
        &OrderImportOptions::default(),
        &context,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::InvalidOption {
                option: "currency",
                ..
            }
        ),
        "{err}"
    );
}

/// The order in seed 004's `sync_opencart_order` example, with real items and a phone
/// number that exists (the seed's +27123456789 is not a valid South African number).
fn seed_record() -> serde_json::Value {
    json!({
        "order_id": 12345,
        "customer_id": 67890,
        "customer_name": "John Doe",
        "customer_email": "john@example.com",
        "customer_phone": "+27 21 555 0123",
        "order_status": "Complete",
        "order_total": 1299.99,
        "currency": "ZAR",
        "payment_method": "Credit Card",
        "shipping_method": "Standard Shipping",
        "items": [{ "name": "Kettle", "quantity": 1, "price": 1299.99 }],
        "shipping_address": { "city": "Pretoria" },
        "order_date": "2024-01-15T10:30:00Z"
    })
}

#[test]
fn json_records_shaped_like_the_opencart_sync_are_read() {
    let check_json = |doc: serde_json::Value| orders("feed.json", &doc.to_string());
    let request = json!({ "action": "sync_opencart_order", "data": seed_record() });
    let webhook = json!({ "type": "opencart_order", "data": seed_record() });
    for doc in [
        json!([seed_record()]),
        json!({ "orders": [seed_record()] }),
        request.clone(),
        json!([request]),
        webhook,
        seed_record(),
    ] {
        let found = check_json(doc.clone());
        assert_eq!(found.len(), 1, "{doc}");
        let record = &found[0];
        assert_eq!(record.row, 1);
        assert_eq!(record.order.external_id, "12345", "not the customer_id");
        assert_eq!(record.order.source, "opencart");
        assert_eq!(
            record.order.total_minor, 129_999,
            "exactly, through the JSON text"
        );
        assert_eq!(record.order.currency, "ZAR");
        assert_eq!(record.order.status, "completed");
        assert_eq!(record.order.placed_at, ms("2024-01-15T10:30:00Z"));
        assert_eq!(
            record.order.items,
            json!([{ "name": "Kettle", "quantity": 1, "price": 1299.99 }])
        );
        assert_eq!(record.customer.email.as_deref(), Some("john@example.com"));
        assert_eq!(record.customer.phone.as_deref(), Some("+27215550123"));
        assert_eq!(record.customer.name.as_deref(), Some("John Doe"));
    }
    // Strings work as well as numbers; products stand for items.
    let strings = json!([{
        "order_id": "A7", "customer_email": "a@example.com", "order_total": "15.00",
        "order_date": "2024-01-15", "products": [{ "name": "Tea" }]
    }]);
    let found = check_json(strings);
    assert_eq!(
        (found[0].order.total_minor, found[0].order.currency.as_str()),
        (1500, "USD")
    );
    assert_eq!(found[0].order.items, json!([{ "name": "Tea" }]));
}

#[test]
fn json_problems_name_the_record_and_key() {
    let doc = json!([
        seed_record(),
        { "action": "sync_social_interaction", "data": { "platform": "x" } },
        "just text",
        { "order_id": 12345, "order_total": -3, "order_date": "2024-01-15",
          "customer_email": { "nested": true }, "currency": "ZAR" },
        { "order_id": 7, "order_total": 1e21, "order_date": "yesterday", "customer_name": "Al" },
    ]);
    let rejection = rejected(
        "feed.json",
        &doc.to_string(),
        &OrderImportOptions::default(),
    );
    assert_eq!(
        places(&rejection),
        [
            (2, ""),
            (3, ""),
            (4, "customer_email"),
            (4, "order_total"),
            (4, "order_id"),
            (5, "order_date"),
            (5, "order_total"),
        ],
        "{rejection}"
    );
    let lines = rejection.lines();
    assert!(lines[0].starts_with("record 2: \"sync_social_interaction\" is not an order"));
    assert_eq!(
        lines[3],
        "record 4, field order_total: -3: a total cannot be negative"
    );
    assert_eq!(
        lines[4],
        "record 4, field order_id: 12345: order id 12345 is also on record 1"
    );
}

#[test]
fn files_that_hold_no_orders_are_errors() {
    let none = OrderImportOptions::default();
    assert!(matches!(
        check("o.csv", "", &none),
        Err(ImportError::NoOrders { .. })
    ));
    assert!(matches!(
        check("o.csv", "id,date,total,email\n", &none),
        Err(ImportError::NoOrders { .. })
    ));
    assert!(matches!(
        check("o.json", "[]", &none),
        Err(ImportError::NoOrders { .. })
    ));
    assert!(matches!(
        check("o.json", "42", &none),
        Err(ImportError::NoOrders { .. })
    ));
    assert!(matches!(
        check("o.json", "[{", &none),
        Err(ImportError::Json { .. })
    ));
    let empty_source = OrderImportOptions {
        source: Some(" ".into()),
        ..OrderImportOptions::default()
    };
    assert!(matches!(
        check("o.json", "[]", &empty_source),
        Err(ImportError::InvalidOption {
            option: "source",
            ..
        })
    ));
}

#[test]
fn the_format_comes_from_the_extension_or_the_content() {
    let detect = |name: &str, text: &str| FileFormat::detect(Path::new(name), text.as_bytes());
    assert_eq!(detect("a.csv", "[not json"), FileFormat::Csv);
    assert_eq!(detect("a.JSON", "id,date"), FileFormat::Json);
    assert_eq!(detect("export", "  [{}]"), FileFormat::Json);
    assert_eq!(
        detect("export", "\u{feff}{\"orders\": []}"),
        FileFormat::Json
    );
    assert_eq!(detect("export.dat", "id,date"), FileFormat::Csv);
    assert_eq!(FileFormat::parse("JSON"), Some(FileFormat::Json));
    assert_eq!(FileFormat::parse("xlsx"), None);
}

#[test]
fn mappings_are_parsed_with_clear_errors() {
    assert_eq!(
        parse_mapping("total=Grand Total").unwrap(),
        (Field::Total, "Grand Total".into())
    );
    assert_eq!(
        parse_mapping("order_id= Ref ").unwrap(),
        (Field::OrderId, "Ref".into())
    );
    assert_eq!(
        parse_mapping("First Name=Given").unwrap().0,
        Field::FirstName
    );
    for bad in ["total", "price=Total", "total=", "=Total"] {
        let err = parse_mapping(bad).unwrap_err();
        assert!(
            matches!(err, ImportError::InvalidOption { .. }),
            "{bad}: {err}"
        );
    }
    assert!(parse_mapping("price=x")
        .unwrap_err()
        .to_string()
        .contains("id, date, total, currency, status, email, phone, name"));
}
