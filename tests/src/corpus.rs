//! A realistic generated mailbox for the mail tests and the sync benchmark: customers
//! writing to a small business and the owner answering, in threads, with
//! multipart/alternative bodies, attachments, RFC 2047 headers in several charsets, and
//! the usual breakage (missing Message-ID, unreadable dates, raw 8-bit headers, a reused
//! Message-ID). Deterministic for a given seed, so failures reproduce.

use std::fmt::Write as _;

/// The business's own address in every generated message.
pub const OWNER: &str = "owner@shop.test";

/// One generated message and where it belongs.
#[derive(Debug, Clone)]
pub struct Generated {
    pub raw: Vec<u8>,
    /// "INBOX" for customers' mail, "Sent" for the owner's answers.
    pub folder: &'static str,
    pub customer: String,
}

const FIRST: [&str; 12] = [
    "Ana", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farah", "Grzegorz", "Hana", "Ijeoma", "José",
    "Kai", "Léa",
];
const LAST: [&str; 8] = [
    "García", "Müller", "O'Brien", "Nguyen", "Kowalski", "Smith", "Dupré", "Tanaka",
];
const TOPICS: [(&str, &str); 6] = [
    (
        "Quote for a new water heater",
        "Could you send me a price for a 50 gallon tank, installed?",
    ),
    (
        "Delivery date",
        "When will my order arrive? I need it before Friday.",
    ),
    (
        "Invoice question",
        "The invoice shows two service fees; is that right?",
    ),
    (
        "Thank you!",
        "The repair went perfectly, thanks to your team.",
    ),
    (
        "Broken part",
        "The valve you installed is leaking again. Please help.",
    ),
    (
        "Booking next visit",
        "Can we book the yearly maintenance for next month?",
    ),
];

/// A small deterministic generator (xorshift), so the corpus needs no RNG crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn rfc2047_q(text: &str) -> String {
    let mut out = String::from("=?UTF-8?Q?");
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => out.push(b as char),
            b' ' => out.push('_'),
            _ => {
                let _ = write!(out, "={b:02X}");
            }
        }
    }
    out.push_str("?=");
    out
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for j in 0..4 {
            if j <= chunk.len() {
                out.push(T[((n >> (18 - 6 * j)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `count` messages (plus the owner's answers), seeded.
pub fn mailbox(count: usize, seed: u64) -> Vec<Generated> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = Vec::with_capacity(count);
    let base = 1_790_000_000i64; // Sept 2026, in seconds
    let mut i = 0usize;
    while out.len() < count {
        i += 1;
        let first = *rng.pick(&FIRST);
        let last = *rng.pick(&LAST);
        let customer = format!("{}.{}{}@example.com", ascii(first), ascii(last), i % 97);
        let (subject, body) = *rng.pick(&TOPICS);
        let when = base + (i as i64) * 517;
        let date = chrono_like(when);
        let id = format!("m{i}.{seed}@example.com");
        let kind = i % 10;
        // A mailer that reuses the previous message's Message-ID for a different mail (8).
        let header_id = if kind == 8 {
            format!("m{}.{seed}@example.com", i - 1)
        } else {
            id.clone()
        };
        let from_header = format!("{} <{customer}>", rfc2047_q(&format!("{first} {last}")));
        let mut raw = String::new();
        let _ = write!(
            raw,
            "Return-Path: <{customer}>\r\nFrom: {from_header}\r\nTo: Shop <{OWNER}>\r\n"
        );
        match kind {
            // A message without Message-ID and with a date nobody can read.
            7 => {
                let _ = write!(
                    raw,
                    "Subject: {subject} #{i}\r\nDate: sometime last week\r\n"
                );
            }
            8 => {
                let _ = write!(raw, "Subject: {subject} again #{i}\r\nDate: {date}\r\nMessage-ID: <{header_id}>\r\n");
            }
            _ => {
                let _ = write!(
                    raw,
                    "Subject: {} #{i}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\n",
                    rfc2047_q(subject)
                );
            }
        }
        raw.push_str("MIME-Version: 1.0\r\n");
        match kind {
            1 | 4 => {
                let _ = write!(
                    raw,
                    "Content-Type: multipart/alternative; boundary=\"alt{i}\"\r\n\r\n\
--alt{i}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
{body}\r\n\r\n-- \r\n{first}\r\n--alt{i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<html><body><p>{body}</p><img src=\"https://tracker.example.com/p.gif?{i}\"><script>alert(1)</script></body></html>\r\n\
--alt{i}--\r\n"
                );
            }
            2 => {
                let attachment: Vec<u8> = (0..2048u32).map(|n| (n * 7 + i as u32) as u8).collect();
                let _ = write!(
                    raw,
                    "Content-Type: multipart/mixed; boundary=\"mix{i}\"\r\n\r\n\
--mix{i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body} Photo attached.\r\n\
--mix{i}\r\nContent-Type: image/jpeg; name=\"leak.jpg\"\r\nContent-Disposition: attachment; filename*=UTF-8''leak%C3%A9.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--mix{i}--\r\n",
                    base64(&attachment)
                );
            }
            3 => {
                // Latin-1 body, quoted-printable.
                let _ = write!(
                    raw,
                    "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
{body} Merci beaucoup, tr=E8s bien.\r\n"
                );
            }
            5 => {
                // KOI8-R body, base64.
                let koi8: &[u8] = &[0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]; // "Привет"
                let _ = write!(
                    raw,
                    "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                    base64(&[koi8, b" ", body.as_bytes()].concat())
                );
            }
            _ => {
                let _ = write!(
                    raw,
                    "Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
                );
            }
        }
        let mut bytes = raw.into_bytes();
        if kind == 6 {
            // A raw 8-bit (Latin-1) header, as old mailers send.
            let mut with_header = b"X-Note: caf\xe9\r\nKeywords: r\xe9sum\xe9\r\n".to_vec();
            with_header.extend_from_slice(&bytes);
            bytes = with_header;
        }
        out.push(Generated {
            raw: bytes,
            folder: "INBOX",
            customer: customer.clone(),
        });
        // Every third customer gets an answer (in Sent), threaded to their message.
        if i.is_multiple_of(3) && kind != 7 && out.len() < count {
            let reply = format!(
                "From: Shop <{OWNER}>\r\nTo: {from_header}\r\nSubject: Re: {subject} #{i}\r\n\
Date: {}\r\nMessage-ID: <r{i}.{seed}@shop.test>\r\nIn-Reply-To: <{header_id}>\r\nReferences: <{header_id}>\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThanks {first}, we are on it.\r\n\r\n\
> {body}\r\n",
                chrono_like(when + 3600)
            );
            out.push(Generated {
                raw: reply.into_bytes(),
                folder: "Sent",
                customer,
            });
        }
    }
    out
}

fn ascii(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'ö' | 'ø' => Some('o'),
            'é' | 'è' => Some('e'),
            'ü' => Some('u'),
            'í' => Some('i'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// An RFC 5322 date for a Unix time (UTC).
pub fn chrono_like(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{}, {} {} {} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A message with one attachment of `size` bytes.
pub fn with_attachment(size: usize, id: &str) -> Vec<u8> {
    let data: Vec<u8> = (0..size).map(|n| (n % 251) as u8).collect();
    format!(
        "From: Big Sender <big@example.com>\r\nTo: {OWNER}\r\nSubject: Plans (large)\r\n\
Date: Mon, 2 Nov 2026 09:00:00 +0000\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
The drawings are attached.\r\n--b\r\nContent-Type: application/pdf; name=\"plans.pdf\"\r\n\
Content-Disposition: attachment; filename=\"plans.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        base64(&data)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_base64_are_right() {
        assert_eq!(chrono_like(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        assert_eq!(chrono_like(1_793_696_400), "Tue, 3 Nov 2026 09:00:00 +0000");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn the_mailbox_is_deterministic_and_mixed() {
        let a = mailbox(40, 7);
        let b = mailbox(40, 7);
        assert_eq!(a.len(), 40);
        assert!(a.iter().zip(&b).all(|(x, y)| x.raw == y.raw));
        assert!(a.iter().any(|m| m.folder == "Sent"));
    }
}
