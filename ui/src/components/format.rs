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
    let major = (abs / 100).to_string();
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
    format!("{sign}{symbol}{grouped}.{:02}", abs % 100)
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
    }

    #[test]
    fn sizes_read_like_a_person_would_say_them() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(2048), "2.0 KB");
        assert_eq!(bytes(20 << 20), "20.0 MB");
    }
}
