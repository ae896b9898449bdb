//! One raw message in, one readable [`ParsedMail`] out — never a panic, never nothing.
//!
//! MIME, RFC 2047 headers and charsets are decoded by `mail-parser`. What could not be read
//! is listed in `notes` (no Message-ID, an unreadable date, a body that is not MIME at all)
//! and the message is still stored with what could be read; the raw bytes are kept beside
//! it so a better parser can re-read them later.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::normalize_email;

/// A person in an address header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: Option<String>,
    /// Normalized (lower-cased, checked) address.
    pub address: String,
}

/// An attachment's metadata; the bytes stay in the raw message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: Option<String>,
    pub content_type: String,
    pub size: u64,
}

/// What Hearth reads out of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedMail {
    /// Identifies the message across folders and copies (see [`message_key`]).
    pub message_key: String,
    pub message_id: Option<String>,
    pub from: Vec<Party>,
    pub to: Vec<Party>,
    pub cc: Vec<Party>,
    pub reply_to: Vec<Party>,
    pub subject: Option<String>,
    /// The Date header in UTC milliseconds, when it is readable and plausible.
    pub date: Option<i64>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// What could not be read.
    pub notes: Vec<String>,
}

impl ParsedMail {
    /// Message-IDs this message answers, nearest first: In-Reply-To, then References from
    /// the newest back to the root.
    pub fn ancestors(&self) -> impl Iterator<Item = &String> {
        self.in_reply_to.iter().chain(self.references.iter().rev())
    }

    /// The thread key when no ancestor is known locally: the References root, else the
    /// message answered, else the message itself.
    pub fn fallback_thread_key(&self) -> String {
        self.references
            .first()
            .or(self.in_reply_to.first())
            .or(self.message_id.as_ref())
            .cloned()
            .unwrap_or_else(|| self.message_key.clone())
    }
}

/// Bodies longer than this are cut for the timeline and search (the raw message keeps all).
const MAX_TEXT: usize = 256 * 1024;

/// Bare LF line ends as CRLF, the form IMAP serves and SMTP sends: the parser then reads
/// a message the same way whichever form it came in (a fuzz test found it does not).
fn crlf(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let bare = raw
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\n' && (i == 0 || raw[i - 1] != b'\r'));
    if !bare {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    for (i, b) in raw.iter().enumerate() {
        if *b == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(*b);
    }
    std::borrow::Cow::Owned(out)
}

/// Reads a raw message.
pub fn parse(raw: &[u8]) -> ParsedMail {
    let raw = &*crlf(raw);
    let mut notes = Vec::new();
    let Some(message) = MessageParser::default().parse(raw) else {
        notes.push("not a readable message; kept as raw text".to_owned());
        let text = clip(String::from_utf8_lossy(raw).into_owned());
        let mut parsed = empty(notes);
        parsed.text = Some(text);
        parsed.message_key = message_key(&parsed);
        return parsed;
    };
    let message_id = message
        .message_id()
        .map(clean_id)
        .filter(|id| !id.is_empty());
    if message_id.is_none() {
        notes.push("no Message-ID".to_owned());
    }
    let date = match message.date() {
        Some(d) if d.is_valid() && plausible(d.to_timestamp()) => Some(d.to_timestamp() * 1000),
        Some(_) => {
            notes.push("unreadable or implausible Date header".to_owned());
            None
        }
        None => {
            notes.push("no Date header".to_owned());
            None
        }
    };
    let html = message
        .html_part(0)
        .filter(|part| part.is_text_html())
        .and_then(|_| message.body_html(0))
        .map(|h| clip(h.into_owned()));
    let text = message
        .body_text(0)
        .map(|t| clip(t.into_owned()))
        .filter(|t| !t.trim().is_empty());
    let attachments = message
        .attachments()
        .map(|part| Attachment {
            name: part.attachment_name().map(str::to_owned),
            content_type: part
                .content_type()
                .map(|ct| match &ct.c_subtype {
                    Some(sub) => format!("{}/{}", ct.c_type, sub),
                    None => ct.c_type.to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
            size: part.contents().len() as u64,
        })
        .collect();
    let mut parsed = ParsedMail {
        message_key: String::new(),
        message_id,
        from: parties(message.from(), &mut notes),
        to: parties(message.to(), &mut notes),
        cc: parties(message.cc(), &mut notes),
        reply_to: parties(message.reply_to(), &mut notes),
        subject: message
            .subject()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        date,
        text,
        html,
        attachments,
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        notes,
    };
    parsed.message_key = message_key(&parsed);
    parsed
}

fn empty(notes: Vec<String>) -> ParsedMail {
    ParsedMail {
        message_key: String::new(),
        message_id: None,
        from: vec![],
        to: vec![],
        cc: vec![],
        reply_to: vec![],
        subject: None,
        date: None,
        text: None,
        html: None,
        attachments: vec![],
        in_reply_to: vec![],
        references: vec![],
        notes,
    }
}

/// Dates before 1990 or more than two days ahead are broken clocks or broken headers.
fn plausible(seconds: i64) -> bool {
    let max = crate::now_ms() / 1000 + 2 * 86_400;
    (631_152_000..=max).contains(&seconds)
}

fn clip(mut s: String) -> String {
    if s.len() > MAX_TEXT {
        let mut cut = MAX_TEXT;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_owned()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<String> = match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => vec![],
    };
    raw.iter()
        .flat_map(|t| t.split_whitespace())
        .map(clean_id)
        .filter(|id| !id.is_empty())
        .collect()
}

fn parties(address: Option<&Address<'_>>, notes: &mut Vec<String>) -> Vec<Party> {
    let Some(address) = address else {
        return vec![];
    };
    let mut out: Vec<Party> = Vec::new();
    for addr in address.iter() {
        let Some(raw) = addr.address() else { continue };
        match normalize_email(raw) {
            Ok(address) if !out.iter().any(|p| p.address == address) => out.push(Party {
                name: addr
                    .name()
                    .map(|n| n.trim().trim_matches('"').trim().to_owned())
                    .filter(|n| !n.is_empty()),
                address,
            }),
            Ok(_) => {}
            Err(_) => notes.push(format!("unreadable address {raw:?}")),
        }
    }
    out
}

/// The identity of a message across folders and copies. A delivered copy gains Received
/// headers and a Sent copy may lose Bcc, but both keep Message-ID, From, Date and Subject;
/// hashing those (not only the Message-ID) keeps two different messages that reuse one
/// Message-ID apart. Without a Message-ID, the recipients and the text stand in for it.
pub fn message_key(parsed: &ParsedMail) -> String {
    let mut hash = Sha256::new();
    let mut field = |value: &str| {
        hash.update(value.as_bytes());
        hash.update([0x1f]);
    };
    field(parsed.message_id.as_deref().unwrap_or(""));
    field(
        &parsed
            .from
            .iter()
            .map(|p| p.address.as_str())
            .collect::<Vec<_>>()
            .join(","),
    );
    field(&parsed.date.map(|d| d.to_string()).unwrap_or_default());
    field(parsed.subject.as_deref().unwrap_or(""));
    if parsed.message_id.is_none() {
        field(
            &parsed
                .to
                .iter()
                .map(|p| p.address.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
        // Line endings and wrapping differ between a file and what IMAP serves (CRLF).
        let text = parsed.text.as_deref().unwrap_or("");
        field(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let digest = hash.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIMPLE: &[u8] = b"From: =?UTF-8?Q?Ren=C3=A9e_Dupr=C3=A9?= <Renee@Example.COM>\r\n\
To: shop@hearth.test\r\n\
Subject: =?ISO-8859-1?Q?Caf=E9_order?=\r\n\
Date: Tue, 3 Nov 2026 10:00:00 +0100\r\n\
Message-ID: <abc@example.com>\r\n\
In-Reply-To: <parent@hearth.test>\r\n\
References: <root@hearth.test> <parent@hearth.test>\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\n\
Un caf=E9, s'il vous pla=EEt.\r\n";

    #[test]
    fn headers_charsets_and_threads_are_decoded() {
        let m = parse(SIMPLE);
        assert_eq!(m.from[0].name.as_deref(), Some("Renée Dupré"));
        assert_eq!(m.from[0].address, "renee@example.com");
        assert_eq!(m.subject.as_deref(), Some("Café order"));
        assert_eq!(
            m.text.as_deref().map(str::trim),
            Some("Un café, s'il vous plaît.")
        );
        assert_eq!(m.date, Some(1_793_696_400_000));
        assert_eq!(m.message_id.as_deref(), Some("abc@example.com"));
        assert_eq!(m.in_reply_to, vec!["parent@hearth.test"]);
        assert_eq!(m.fallback_thread_key(), "root@hearth.test");
        assert_eq!(
            m.ancestors().cloned().collect::<Vec<_>>(),
            vec![
                "parent@hearth.test",
                "parent@hearth.test",
                "root@hearth.test"
            ]
        );
        assert!(m.notes.is_empty(), "{:?}", m.notes);
    }

    #[test]
    fn a_delivered_copy_has_the_same_key() {
        let mut delivered = b"Received: from mx by hearth; Tue, 3 Nov 2026 10:00:01 +0100\r\n\
Delivered-To: shop@hearth.test\r\n"
            .to_vec();
        delivered.extend_from_slice(SIMPLE);
        assert_eq!(parse(&delivered).message_key, parse(SIMPLE).message_key);
        let other = String::from_utf8_lossy(SIMPLE).replace("Caf=E9_order", "Other");
        assert_ne!(
            parse(other.as_bytes()).message_key,
            parse(SIMPLE).message_key
        );
    }

    #[test]
    fn broken_messages_still_give_something_readable() {
        let m = parse(b"Subject: no id\r\nDate: the day after tomorrow\r\n\r\nbody");
        assert!(m.notes.iter().any(|n| n.contains("Message-ID")));
        assert!(m.notes.iter().any(|n| n.contains("Date")));
        assert_eq!(m.text.as_deref(), Some("body"));
        assert_eq!(m.message_key.len(), 32);
        let garbage = parse(&[0xff, 0xfe, 0x00, 0x10]);
        assert_eq!(garbage.message_key.len(), 32);
        let empty = parse(b"");
        assert_eq!(empty.message_key.len(), 32);
        // Served over IMAP, an LF file comes back with CRLF: the same message.
        let lf = parse(b"Subject: no id\nFrom: a@example.com\n\nline one\nline two\n");
        let crlf = parse(b"Subject: no id\r\nFrom: a@example.com\r\n\r\nline one\r\nline two\r\n");
        assert_eq!(lf.message_key, crlf.message_key);
    }
}
