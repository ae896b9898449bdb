//! Campaign templates: `{variable}` placeholders filled per recipient, the check that lists
//! who lacks a value, SMS length in GSM-7 or UCS-2 parts, and the opt-out lines every
//! message carries.

use std::collections::BTreeMap;

/// Variables every recipient can have, besides the campaign's own (`{promotion}`, ...).
pub const CONTACT_FIELDS: &[&str] = &[
    "customer_name",
    "name",
    "first_name",
    "last_name",
    "company",
    "email",
    "phone",
    "status",
];

/// Names a template uses, in order of first use. `{{` and `}}` are literal braces.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    scan(template, |piece| {
        if let Piece::Var(name) = piece {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    });
    names
}

enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

fn scan<'a>(template: &'a str, mut f: impl FnMut(Piece<'a>)) {
    let bytes = template.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                f(Piece::Text(&template[start..=i]));
                i += 2;
                start = i;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                f(Piece::Text(&template[start..=i]));
                i += 2;
                start = i;
            }
            b'{' => {
                let rest = &template[i + 1..];
                let end = rest.find('}');
                match end {
                    Some(end) if is_name(&rest[..end]) => {
                        f(Piece::Text(&template[start..i]));
                        f(Piece::Var(&rest[..end]));
                        i += end + 2;
                        start = i;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    f(Piece::Text(&template[start..]));
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.as_bytes()[0].is_ascii_digit()
}

/// Placeholders that are neither contact fields nor campaign variables.
pub fn unknown_names(template: &str, variables: &BTreeMap<String, String>) -> Vec<String> {
    placeholders(template)
        .into_iter()
        .filter(|n| !CONTACT_FIELDS.contains(&n.as_str()) && !variables.contains_key(n))
        .collect()
}

/// The template filled from `values`; names without a (non-empty) value are returned and
/// left out of the text.
pub fn render(template: &str, values: &BTreeMap<String, String>) -> (String, Vec<String>) {
    let mut out = String::with_capacity(template.len() + 32);
    let mut missing: Vec<String> = Vec::new();
    scan(template, |piece| match piece {
        Piece::Text(t) => out.push_str(t),
        Piece::Var(name) => match values.get(name).filter(|v| !v.trim().is_empty()) {
            Some(v) => out.push_str(v),
            None => {
                if !missing.iter().any(|m| m == name) {
                    missing.push(name.to_owned());
                }
            }
        },
    });
    (out, missing)
}

/// A contact's values for templates.
pub fn contact_values(
    name: &str,
    company: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    status: &str,
) -> BTreeMap<String, String> {
    let name = name.trim();
    let mut parts = name.split_whitespace();
    let first = parts.next().unwrap_or("");
    let last = name[first.len()..].trim();
    let mut v = BTreeMap::new();
    for (k, val) in [
        ("customer_name", name),
        ("name", name),
        ("first_name", first),
        ("last_name", last),
        ("company", company.unwrap_or("")),
        ("email", email.unwrap_or("")),
        ("phone", phone.unwrap_or("")),
        ("status", status),
    ] {
        if !val.is_empty() {
            v.insert(k.to_owned(), val.to_owned());
        }
    }
    v
}

pub use hearth_types::{sms_parts, SmsEncoding};

pub use hearth_types::{with_sms_opt_out, SMS_OPT_OUT};

/// The visible unsubscribe line of a campaign email.
pub fn email_unsubscribe_line(business_address: &str) -> String {
    format!(
        "Don't want these emails? Reply with \"unsubscribe\" (or write to {business_address}) and we will stop."
    )
}

/// Whether an inbound message asks to stop: its subject or first line is one of the usual
/// words ("unsubscribe", "stop", "remove me", ...), alone or nearly.
pub fn asks_to_stop(subject: Option<&str>, body: Option<&str>) -> bool {
    const WORDS: &[&str] = &[
        "unsubscribe",
        "stop",
        "stopall",
        "stop all",
        "cancel",
        "end",
        "quit",
        "remove me",
        "opt out",
        "opt-out",
        "optout",
    ];
    let first_line = |s: &str| -> String {
        s.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .trim_end_matches(['.', '!'])
            .to_ascii_lowercase()
    };
    let subject = subject.map(|s| {
        let s = s.trim();
        let s = s
            .strip_prefix("Re:")
            .or_else(|| s.strip_prefix("RE:"))
            .unwrap_or(s);
        first_line(s)
    });
    let body = body.map(first_line);
    [subject, body]
        .into_iter()
        .flatten()
        .any(|l| WORDS.contains(&l.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn placeholders_fill_and_missing_ones_are_reported() {
        let t = "Hi {first_name}, {promotion} at {business_name}. {{literal}} {not a var}";
        assert_eq!(
            placeholders(t),
            vec!["first_name", "promotion", "business_name"]
        );
        let (text, missing) = render(
            t,
            &vars(&[("first_name", "Ana"), ("business_name", "Tea Co")]),
        );
        assert_eq!(text, "Hi Ana,  at Tea Co. {literal} {not a var}");
        assert_eq!(missing, vec!["promotion"]);
        let known = vars(&[("promotion", "10% off"), ("business_name", "x")]);
        assert!(unknown_names(t, &known).is_empty());
        assert_eq!(
            unknown_names("{favourite_tea}", &known),
            vec!["favourite_tea"]
        );
    }

    #[test]
    fn contact_values_split_the_name() {
        let v = contact_values("Ana María López", None, Some("a@x.com"), None, "customer");
        assert_eq!(v["first_name"], "Ana");
        assert_eq!(v["last_name"], "María López");
        assert!(!v.contains_key("company"));
        let (_, missing) = render("{company}", &v);
        assert_eq!(missing, vec!["company"]);
    }

    #[test]
    fn sms_parts_follow_gsm7_and_ucs2() {
        assert_eq!(sms_parts(&"a".repeat(160)), (SmsEncoding::Gsm7, 160, 1));
        assert_eq!(sms_parts(&"a".repeat(161)), (SmsEncoding::Gsm7, 161, 2));
        assert_eq!(sms_parts(&"a".repeat(306)), (SmsEncoding::Gsm7, 306, 2));
        assert_eq!(sms_parts(&"a".repeat(307)), (SmsEncoding::Gsm7, 307, 3));
        // € and [ take two septets.
        assert_eq!(sms_parts("€[").1, 4);
        assert_eq!(sms_parts(&"é".repeat(70)), (SmsEncoding::Gsm7, 70, 1));
        assert_eq!(sms_parts(&"ł".repeat(70)), (SmsEncoding::Ucs2, 70, 1));
        assert_eq!(sms_parts(&"ł".repeat(71)), (SmsEncoding::Ucs2, 71, 2));
        // An emoji is two UTF-16 units.
        assert_eq!(sms_parts("hi 🙂"), (SmsEncoding::Ucs2, 5, 1));
    }

    #[test]
    fn opt_out_lines() {
        assert_eq!(
            with_sms_opt_out("See you soon"),
            "See you soon\nReply STOP to opt out."
        );
        assert_eq!(with_sms_opt_out("Text STOP to end"), "Text STOP to end");
        assert!(asks_to_stop(Some("Re: unsubscribe"), None));
        assert!(asks_to_stop(None, Some("\n  STOP\n\n> quoted")));
        assert!(asks_to_stop(None, Some("Remove me.")));
        assert!(!asks_to_stop(
            Some("Re: spring sale"),
            Some("Please don't stop, I love these")
        ));
    }
}
