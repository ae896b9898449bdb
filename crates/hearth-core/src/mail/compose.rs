//! Writing mail: new messages and replies (In-Reply-To and References set, "Re:" subject),
//! built with lettre's message builder so headers are encoded correctly.

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::Message;

use super::convert::ParsedMail;
use super::{MailAccount, MailError};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

impl Draft {
    /// A new message from the account's first address.
    pub fn new(account: &MailAccount, to: Vec<String>, subject: &str, body: &str) -> Draft {
        Draft {
            from: account.addresses.first().cloned().unwrap_or_default(),
            to,
            cc: vec![],
            subject: subject.to_owned(),
            body: body.to_owned(),
            in_reply_to: None,
            references: vec![],
        }
    }

    /// A reply to `original`: to its Reply-To (else From), or, when the original was our
    /// own, to its recipients again; from the address it was sent to when that is ours.
    pub fn reply(account: &MailAccount, original: &ParsedMail, body: &str) -> Draft {
        let ours = original.from.iter().any(|p| account.is_own(&p.address));
        let to: Vec<String> = if ours {
            original.to.iter().map(|p| p.address.clone()).collect()
        } else if !original.reply_to.is_empty() {
            original
                .reply_to
                .iter()
                .map(|p| p.address.clone())
                .collect()
        } else {
            original.from.iter().map(|p| p.address.clone()).collect()
        };
        let from = original
            .to
            .iter()
            .chain(&original.cc)
            .chain(&original.from)
            .find(|p| account.is_own(&p.address))
            .map(|p| p.address.clone())
            .or_else(|| account.addresses.first().cloned())
            .unwrap_or_default();
        let subject = original.subject.as_deref().unwrap_or("").trim();
        let subject = if subject.len() >= 3 && subject[..3].eq_ignore_ascii_case("re:") {
            subject.to_owned()
        } else {
            format!("Re: {subject}")
        };
        let mut references = original.references.clone();
        if let Some(id) = &original.message_id {
            references.push(id.clone());
        }
        Draft {
            from,
            to,
            cc: vec![],
            subject,
            body: body.to_owned(),
            in_reply_to: original.message_id.clone(),
            references,
        }
    }

    /// The message's bytes, with a fresh Message-ID in the sender's domain.
    pub fn build(&self) -> Result<Vec<u8>, MailError> {
        let mailbox = |a: &str| -> Result<Mailbox, MailError> {
            a.parse()
                .map_err(|e| MailError::Compose(format!("address {a:?}: {e}")))
        };
        if self.to.is_empty() {
            return Err(MailError::Compose("the message has no recipient".into()));
        }
        let domain = self
            .from
            .rsplit_once('@')
            .map_or("hearth.invalid", |(_, d)| d);
        let mut builder = Message::builder()
            .from(mailbox(&self.from)?)
            .subject(self.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", uuid::Uuid::new_v4())))
            .date_now();
        for to in &self.to {
            builder = builder.to(mailbox(to)?);
        }
        for cc in &self.cc {
            builder = builder.cc(mailbox(cc)?);
        }
        if let Some(id) = &self.in_reply_to {
            builder = builder.in_reply_to(format!("<{id}>"));
        }
        if !self.references.is_empty() {
            let refs: Vec<String> = self.references.iter().map(|r| format!("<{r}>")).collect();
            builder = builder.references(refs.join(" "));
        }
        let message = builder
            .header(ContentType::TEXT_PLAIN)
            .body(self.body.clone())
            .map_err(|e| MailError::Compose(e.to_string()))?;
        Ok(message.formatted())
    }

    /// The SMTP envelope: every To and Cc.
    pub fn envelope(&self) -> Result<lettre::address::Envelope, MailError> {
        let parse = |a: &str| {
            a.parse::<lettre::Address>()
                .map_err(|e| MailError::Compose(format!("address {a:?}: {e}")))
        };
        let to = self
            .to
            .iter()
            .chain(&self.cc)
            .map(|a| parse(a))
            .collect::<Result<Vec<_>, _>>()?;
        lettre::address::Envelope::new(Some(parse(&self.from)?), to)
            .map_err(|e| MailError::Compose(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::account::{Endpoint, Security};
    use crate::mail::convert::parse;

    fn account() -> MailAccount {
        MailAccount {
            id: 1,
            name: "Shop".into(),
            imap: Endpoint {
                host: "127.0.0.1".into(),
                port: 143,
                security: Security::Plain,
            },
            username: "owner".into(),
            addresses: vec!["shop@hearth.test".into(), "info@hearth.test".into()],
            ca_pem: None,
            smtp: None,
            extra_folders: vec![],
        }
    }

    #[test]
    fn a_reply_threads_and_reads_back() {
        let original = parse(
            b"From: Ana <ana@example.com>\r\nTo: info@hearth.test\r\nSubject: Quote\r\n\
Message-ID: <q1@example.com>\r\nReferences: <r0@example.com>\r\n\r\nHow much?",
        );
        let draft = Draft::reply(&account(), &original, "It is 40 \u{20ac}.");
        assert_eq!(draft.to, vec!["ana@example.com"]);
        assert_eq!(draft.from, "info@hearth.test");
        assert_eq!(draft.subject, "Re: Quote");
        let back = parse(&draft.build().unwrap());
        assert_eq!(back.in_reply_to, vec!["q1@example.com"]);
        assert_eq!(back.references, vec!["r0@example.com", "q1@example.com"]);
        assert_eq!(back.fallback_thread_key(), "r0@example.com");
        assert_eq!(
            back.text.as_deref().map(str::trim),
            Some("It is 40 \u{20ac}.")
        );
        assert!(back
            .message_id
            .as_deref()
            .unwrap()
            .ends_with("@hearth.test"));
        let again = Draft::reply(&account(), &back, "ok");
        assert_eq!(again.subject, "Re: Quote");
        assert_eq!(again.to, vec!["ana@example.com"]);
    }

    #[test]
    fn bad_addresses_are_refused() {
        let mut d = Draft::new(&account(), vec!["nobody".into()], "s", "b");
        assert!(d.build().is_err());
        d.to.clear();
        assert!(d.build().is_err());
    }
}
