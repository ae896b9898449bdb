//! Currencies and money amounts as imports read them.
//!
//! Amounts are parsed exactly (`rust_decimal`, never through a float) into the currency's
//! minor units, using its ISO 4217 exponent: an amount that needs more decimals than the
//! currency has is refused rather than rounded, because a rounded total is a wrong total.

use std::str::FromStr;

use rust_decimal::Decimal;

/// ISO 4217 codes with their minor-unit exponents: the active national currencies and EUR,
/// XAF, XCD, XOF, XPF, plus codes withdrawn since 2020 (ANG, BGN, CUC, HRK, SLL, ZWL),
/// because imported orders are history and an old order keeps the currency it was paid
/// in. Fund codes (BOV, CLF, ...), metals (XAU, ...) and test codes (XTS, XXX) are left
/// out: no shop sells in them. Sorted by code, for binary search.
#[rustfmt::skip]
pub const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2),
    ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2),
    ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2),
    ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHF", 2),
    ("CLP", 0), ("CNY", 2), ("COP", 2), ("CRC", 2), ("CUC", 2), ("CUP", 2), ("CVE", 2),
    ("CZK", 2), ("DJF", 0), ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2),
    ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2),
    ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2),
    ("HRK", 2), ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3),
    ("IRR", 2), ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2),
    ("KHR", 2), ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2),
    ("LAK", 2), ("LBP", 2), ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2),
    ("MDL", 2), ("MGA", 2), ("MKD", 2), ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2),
    ("MUR", 2), ("MVR", 2), ("MWK", 2), ("MXN", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2),
    ("NGN", 2), ("NIO", 2), ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2),
    ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2),
    ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2),
    ("SDG", 2), ("SEK", 2), ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SLL", 2), ("SOS", 2),
    ("SRD", 2), ("SSP", 2), ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2),
    ("TJS", 2), ("TMT", 2), ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2),
    ("TZS", 2), ("UAH", 2), ("UGX", 0), ("USD", 2), ("UYU", 2), ("UZS", 2), ("VED", 2),
    ("VES", 2), ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2),
    ("XOF", 0), ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2), ("ZWL", 2),
];

/// The minor-unit exponent of an ISO 4217 code (upper case): 2 for USD (cents), 0 for JPY,
/// 3 for KWD; `None` for a code Hearth does not know.
pub fn currency_exponent(code: &str) -> Option<u32> {
    CURRENCIES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| CURRENCIES[i].1)
}

/// Checks a currency code as written ("usd", " EUR ") and returns it upper-cased.
pub fn parse_currency(input: &str) -> Option<String> {
    let code = input.trim().to_ascii_uppercase();
    currency_exponent(&code).map(|_| code)
}

/// Why an amount was refused, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    NotANumber,
    Negative,
    TooPrecise { currency: String, exponent: u32 },
    TooLarge,
}

impl std::fmt::Display for AmountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AmountError::NotANumber => f.write_str(
                "not an amount: write a plain number such as 1299.99 or 1,299.99 \
                 (a dot for decimals, no currency sign)",
            ),
            AmountError::Negative => f.write_str("a total cannot be negative"),
            AmountError::TooPrecise {
                currency,
                exponent: 0,
            } => {
                write!(
                    f,
                    "{currency} has no minor unit: the total must be a whole number"
                )
            }
            AmountError::TooPrecise { currency, exponent } => {
                write!(f, "{currency} has {exponent} decimals: this total has more")
            }
            AmountError::TooLarge => f.write_str("the total is too large"),
        }
    }
}

/// Parses a non-negative amount into minor units of a currency with `exponent` decimals.
///
/// Accepted: digits with an optional `.` and decimals (`1299.99`, `.5`, `12.`), optionally
/// grouped by commas in threes (`1,299.99`), with an optional leading `+`. Trailing zeros
/// beyond the exponent are fine (`1200.00` JPY is 1200); other extra decimals are not.
/// Not accepted: currency signs, spaces inside, exponents (`1e3`), a decimal comma.
pub fn parse_amount(input: &str, currency: &str, exponent: u32) -> Result<i64, AmountError> {
    let text = input.trim();
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = ungroup(unsigned).ok_or(AmountError::NotANumber)?;
    // Decided on the text, so that no decimal is ever rounded away before the checks.
    let fraction = fraction.trim_end_matches('0');
    if negative && !(whole.bytes().all(|b| b == b'0') && fraction.is_empty()) {
        return Err(AmountError::Negative);
    }
    if fraction.len() > exponent as usize {
        return Err(AmountError::TooPrecise {
            currency: currency.to_owned(),
            exponent,
        });
    }
    let whole = if whole.is_empty() {
        "0"
    } else {
        whole.as_str()
    };
    let value =
        Decimal::from_str(&format!("{whole}.{fraction}0")).map_err(|_| AmountError::TooLarge)?;
    let minor = value
        .checked_mul(Decimal::from(10_i64.pow(exponent)))
        .ok_or(AmountError::TooLarge)?
        .trunc();
    i64::try_from(minor).map_err(|_| AmountError::TooLarge)
}

/// Splits `1,299.99` into `("1299", "99")`; `None` unless the text is digits with
/// optional well-placed commas (every group after the first exactly three digits) and at
/// most one dot, with at least one digit somewhere.
fn ungroup(text: &str) -> Option<(String, &str)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    if !digits(first) || (whole.contains(',') && (first.is_empty() || first.len() > 3)) {
        return None;
    }
    let mut plain = first.to_owned();
    for group in groups {
        if group.len() != 3 || !digits(group) {
            return None;
        }
        plain.push_str(group);
    }
    Some((plain, fraction))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_unique_and_upper_case() {
        for pair in CURRENCIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?} before {:?}", pair[0], pair[1]);
        }
        for (code, exponent) in CURRENCIES {
            assert!(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(*exponent <= 3, "{code}");
        }
    }

    #[test]
    fn exponents_follow_iso_4217() {
        for (code, exponent) in [
            ("USD", 2),
            ("EUR", 2),
            ("ZAR", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("ISK", 0),
            ("BHD", 3),
            ("KWD", 3),
            ("OMR", 3),
            ("JOD", 3),
            ("TND", 3),
        ] {
            assert_eq!(currency_exponent(code), Some(exponent), "{code}");
        }
        assert_eq!(currency_exponent("usd"), None, "codes are upper case here");
        for unknown in ["XYZ", "US", "USDD", "XAU", "XXX", "$", ""] {
            assert_eq!(parse_currency(unknown), None, "{unknown}");
        }
        assert_eq!(parse_currency(" eur ").as_deref(), Some("EUR"));
    }

    #[test]
    fn amounts_become_exact_minor_units() {
        let usd = |s: &str| parse_amount(s, "USD", 2);
        assert_eq!(usd("1299.99"), Ok(129_999));
        assert_eq!(usd("1,299.99"), Ok(129_999));
        assert_eq!(usd("1,234,567"), Ok(123_456_700));
        assert_eq!(usd(" 12.5 "), Ok(1250));
        assert_eq!(usd("0.10"), Ok(10));
        assert_eq!(usd(".5"), Ok(50));
        assert_eq!(usd("12."), Ok(1200));
        assert_eq!(usd("+3"), Ok(300));
        assert_eq!(usd("0"), Ok(0));
        assert_eq!(usd("-0.00"), Ok(0), "minus zero is zero");
        assert_eq!(usd("12.340"), Ok(1234), "a trailing zero loses nothing");
        // 0.1 + 0.2 is exact here: no float is involved.
        assert_eq!(usd("0.3"), Ok(30));
        assert_eq!(parse_amount("1500", "JPY", 0), Ok(1500));
        assert_eq!(parse_amount("1500.00", "JPY", 0), Ok(1500));
        assert_eq!(parse_amount("1.234", "KWD", 3), Ok(1234));
    }

    #[test]
    fn bad_amounts_say_why() {
        let usd = |s: &str| parse_amount(s, "USD", 2);
        assert_eq!(usd("-12.00"), Err(AmountError::Negative));
        for bad in [
            "", " ", "abc", "$12", "12 USD", "1 299", "12,50", "1,2345", ",123", "1e3", "1.2.3",
            "--1", ".", "1,299,99", "NaN", "12,",
        ] {
            assert_eq!(usd(bad), Err(AmountError::NotANumber), "{bad:?}");
        }
        assert_eq!(
            parse_amount("1500.5", "JPY", 0),
            Err(AmountError::TooPrecise {
                currency: "JPY".into(),
                exponent: 0
            })
        );
        assert_eq!(
            parse_amount("1.2345", "BHD", 3).unwrap_err().to_string(),
            "BHD has 3 decimals: this total has more"
        );
        assert_eq!(
            usd("12.345").unwrap_err().to_string(),
            "USD has 2 decimals: this total has more"
        );
        assert_eq!(usd("99999999999999999999"), Err(AmountError::TooLarge));
    }
}
