//! Formatting for people: times in the user's locale, money in minor units.

/// A UTC millisecond timestamp in the user's locale.
pub fn time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(date.to_locale_string("en-US", &wasm_bindgen::JsValue::UNDEFINED))
}

/// A UTC millisecond timestamp as the local time of day, `HH:MM`.
pub fn clock(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// The start of a local calendar day given as `YYYY-MM-DD`, plus `add_days`, in UTC ms;
/// `None` for an empty or unreadable value.
pub fn local_day_start(day: &str, add_days: u32) -> Option<i64> {
    let mut parts = day.split('-').map(|p| p.parse::<u32>().ok());
    let (year, month, date) = (parts.next()??, parts.next()??, parts.next()??);
    let start =
        js_sys::Date::new_with_year_month_day(year, month as i32 - 1, (date + add_days) as i32);
    let ms = start.get_time();
    ms.is_finite().then_some(ms as i64)
}

/// Minor units as money: `$1,234.50`, `€12.00`, `CHF 5.00`.
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let places = decimal_places(currency);
    let unit = 10u64.pow(places);
    let major = (abs / unit).to_string();
    let mut grouped = String::new();
    for (n, digit) in major.chars().enumerate() {
        if n > 0 && (major.len() - n).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let symbol = match currency {
        "USD" => "$".to_owned(),
        "EUR" => "€".to_owned(),
        "GBP" => "£".to_owned(),
        other => format!("{other} "),
    };
    if places == 0 {
        format!("{sign}{symbol}{grouped}")
    } else {
        let fraction = abs % unit;
        format!(
            "{sign}{symbol}{grouped}.{fraction:0width$}",
            width = places as usize
        )
    }
}

/// Digits after the point in a currency's amounts (ISO 4217's minor unit): most have 2.
fn decimal_places(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// One line of an order as shops' files give it: (product, quantity, price). The product
/// is the first of `name`, `title`, `product`, `description`, `sku`; the quantity `qty` or
/// `quantity`; the price `price_minor` (cents) or `price` as written ("4.50" or 4.5).
pub fn order_line(line: &serde_json::Value, currency: &str) -> (String, String, String) {
    let text = |keys: &[&str]| {
        keys.iter().find_map(|key| match line.get(*key)? {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let name = text(&["name", "title", "product", "description", "sku"])
        .unwrap_or_else(|| "(no name)".to_owned());
    let qty = text(&["qty", "quantity"]).unwrap_or_default();
    let price = match line.get("price_minor").and_then(|p| p.as_i64()) {
        Some(minor) => money(minor, currency),
        None => text(&["price"])
            .and_then(|p| p.replace(',', "").parse::<f64>().ok())
            .map(|major| {
                let unit = 10f64.powi(decimal_places(currency) as i32);
                money((major * unit).round() as i64, currency)
            })
            .unwrap_or_default(),
    };
    (name, qty, price)
}

/// A size for people: 2.0 KB, 20.0 MB.
pub fn bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KB", n as f64 / 1024.0),
        _ => format!("{:.1} MB", n as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_cents() {
        assert_eq!(money(123_456_789, "USD"), "$1,234,567.89");
        assert_eq!(money(5, "EUR"), "€0.05");
        assert_eq!(money(-1_000, "CHF"), "-CHF 10.00");
        assert_eq!(money(100_000, "GBP"), "£1,000.00");
        assert_eq!(money(1_500, "JPY"), "JPY 1,500", "no minor unit");
        assert_eq!(money(-12_345, "KWD"), "-KWD 12.345", "three places");
    }

    #[test]
    fn order_lines_read_the_names_shops_use() {
        let ours = serde_json::json!({ "name": "Tea", "qty": 2, "price_minor": 450 });
        assert_eq!(
            order_line(&ours, "USD"),
            ("Tea".into(), "2".into(), "$4.50".into())
        );
        let shop = serde_json::json!({ "title": "Teapot", "quantity": "1", "price": "1,234.5" });
        assert_eq!(
            order_line(&shop, "EUR"),
            ("Teapot".into(), "1".into(), "€1,234.50".into())
        );
        let bare = serde_json::json!({ "sku": 1042, "price": 3 });
        assert_eq!(
            order_line(&bare, "GBP"),
            ("1042".into(), String::new(), "£3.00".into())
        );
        let empty = serde_json::json!({ "name": " " });
        assert_eq!(
            order_line(&empty, "USD"),
            ("(no name)".into(), String::new(), String::new())
        );
    }

    #[test]
    fn sizes_read_like_a_person_would_say_them() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(2048), "2.0 KB");
        assert_eq!(bytes(20 << 20), "20.0 MB");
    }
}
