//! Property tests (fuzzing) of the raw message → ParsedMail conversion: whatever bytes a
//! server hands over, parsing never panics, always yields a usable key, keeps what it can
//! read, and gives the same key to the same message whatever its line endings.
//! `PROPTEST_CASES=100000 cargo test -p hearth-core --test mail_convert_props --release`
//! runs a long session.

use hearth_core::mail::convert::parse;
use proptest::prelude::*;

fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,60}",                                           // printable ASCII
        "\\PC{0,40}",                                            // any Unicode
        "=\\?(UTF-8|ISO-8859-1|bogus)\\?[QB]\\?[ -~]{0,30}\\?=", // encoded words, often broken
    ]
}

fn message() -> impl Strategy<Value = (Vec<u8>, Option<String>)> {
    (
        proptest::option::of("[a-z0-9]{1,12}@[a-z]{1,8}\\.test"),
        header_text(),
        header_text(),
        prop_oneof![
            Just("Tue, 3 Nov 2026 10:00:00 +0100".to_owned()),
            "[ -~]{0,40}",
        ],
        prop_oneof![
            Just("text/plain; charset=utf-8".to_owned()),
            Just("text/html; charset=iso-8859-1".to_owned()),
            Just("multipart/alternative; boundary=\"b\"".to_owned()),
            Just("multipart/mixed; boundary=\"\"".to_owned()),
            "[ -~]{0,30}",
        ],
        proptest::collection::vec(any::<u8>(), 0..400),
        any::<bool>(),
    )
        .prop_map(|(id, from, subject, date, ctype, body, crlf)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut raw = String::new();
            raw.push_str(&format!(
                "From: {from} <a@example.com>{eol}Subject: {subject}{eol}"
            ));
            raw.push_str(&format!("Date: {date}{eol}Content-Type: {ctype}{eol}"));
            if let Some(id) = &id {
                raw.push_str(&format!("Message-ID: <{id}>{eol}"));
            }
            raw.push_str(eol);
            let mut bytes = raw.into_bytes();
            bytes.extend_from_slice(&body);
            (bytes, id)
        })
}

proptest! {
    #[test]
    fn any_bytes_parse_without_panic(raw in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let m = parse(&raw);
        prop_assert_eq!(m.message_key.len(), 32);
        prop_assert!(m.message_key.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn messages_keep_their_id_and_key(
        (raw, id) in message(),
        cut in 0usize..2000,
    ) {
        let m = parse(&raw);
        prop_assert_eq!(m.message_key.len(), 32);
        if let Some(id) = id {
            prop_assert_eq!(m.message_id.as_deref(), Some(id.as_str()));
        } else {
            prop_assert!(m.notes.iter().any(|n| n.contains("Message-ID")));
        }
        // The same message, cut short anywhere (a dropped connection), still parses.
        let truncated = &raw[..cut.min(raw.len())];
        prop_assert_eq!(parse(truncated).message_key.len(), 32);
        // Served over IMAP, LF comes back as CRLF: same message, same key.
        let text = String::from_utf8_lossy(&raw).replace("\r\n", "\n");
        let crlf = text.replace('\n', "\r\n");
        prop_assert_eq!(parse(text.as_bytes()).message_key, parse(crlf.as_bytes()).message_key);
    }
}
