//! Sending through the durable outbox: a message is stored (and shown as queued) before
//! any network work, sent once when the server is reachable, appended to the Sent folder,
//! and retried with backoff only when the server certainly did not take it.

use super::compose::Draft;
use super::smtp::{self, SendFailure};
use super::{imap, password, prepare, MailError};
use crate::events::EventSink;
use crate::now_ms;
use crate::secrets::SecretStore;
use crate::store::{OutboxItem, SendOutcome, Store};

/// Queues a draft from an account; it goes out on the next [`process_outbox`].
pub async fn queue(
    store: &Store,
    account_name: &str,
    draft: &Draft,
) -> Result<OutboxItem, MailError> {
    let account = store.mail_account(account_name).await?;
    if account.smtp.is_none() {
        return Err(MailError::NoSmtp {
            account: account.name,
        });
    }
    draft.envelope()?;
    let raw = draft.build()?;
    let mail = prepare(&raw, None, Some(now_ms()));
    Ok(store.queue_email(&account, &mail, &raw).await?)
}

/// A reply to a stored email, queued.
pub async fn queue_reply(
    store: &Store,
    account_name: &str,
    interaction_id: i64,
    body: &str,
) -> Result<OutboxItem, MailError> {
    let account = store.mail_account(account_name).await?;
    let original = super::convert::parse(&store.raw_message(interaction_id).await?);
    queue(
        store,
        account_name,
        &Draft::reply(&account, &original, body),
    )
    .await
}

pub use crate::outbox::{backoff_ms, OutboxReport};

/// Sends every due email in the outbox.
pub async fn process_outbox(
    store: &Store,
    secrets: &dyn SecretStore,
    events: &dyn EventSink,
) -> Result<OutboxReport, MailError> {
    Ok(
        crate::outbox::process(store, events, &["email"], |item| async move {
            send_one(store, secrets, &item).await
        })
        .await?,
    )
}

async fn send_one(store: &Store, secrets: &dyn SecretStore, item: &OutboxItem) -> SendOutcome {
    let retry = |e: MailError| SendOutcome::Retry {
        error: e.to_string(),
        at: now_ms() + backoff_ms(item.attempts),
    };
    let account = match store.mail_account(&item.account).await {
        Ok(a) => a,
        Err(e) => {
            return SendOutcome::Failed {
                error: e.to_string(),
            }
        }
    };
    let password = match password(store, secrets, &account).await {
        Ok(p) => p,
        Err(e) => return retry(e),
    };
    let parsed = super::convert::parse(&item.payload);
    // A Bcc (campaigns copy the business's own mailbox) is in the stored message but is
    // an envelope recipient only: it never travels in the headers.
    let (bcc, wire) = split_bcc(&item.payload);
    // A Bcc to our own address puts the copy in the mailbox already (campaigns do this).
    let copied = bcc.iter().any(|a| account.is_own(a));
    let draft = Draft {
        from: parsed
            .from
            .first()
            .map(|p| p.address.clone())
            .unwrap_or_default(),
        to: parsed.to.iter().map(|p| p.address.clone()).collect(),
        cc: parsed
            .cc
            .iter()
            .map(|p| p.address.clone())
            .chain(bcc)
            .collect(),
        subject: String::new(),
        body: String::new(),
        in_reply_to: None,
        references: vec![],
    };
    let envelope = match draft.envelope() {
        Ok(e) => e,
        Err(e) => {
            return SendOutcome::Failed {
                error: e.to_string(),
            }
        }
    };
    match smtp::send(&account, &password, &envelope, &wire).await {
        Ok(()) if copied => SendOutcome::Sent,
        Ok(()) => {
            if let Err(e) = append_to_sent(&account, &password, &item.payload).await {
                // Sent is a convenience copy; the message itself went out.
                tracing::warn!(error = %e, "could not append the sent message to Sent");
            }
            SendOutcome::Sent
        }
        Err(SendFailure::NotSent(e)) => retry(e),
        Err(SendFailure::Refused(e)) => SendOutcome::Failed {
            error: e.to_string(),
        },
        Err(SendFailure::Unknown(e)) => SendOutcome::Unknown {
            error: format!(
                "{e}; it may have been delivered, so Hearth will not resend it on its own"
            ),
        },
    }
}

async fn append_to_sent(
    account: &super::MailAccount,
    password: &str,
    raw: &[u8],
) -> Result<(), MailError> {
    let host = &account.imap.host;
    let mut session = imap::login(account, password).await?;
    let folders = imap::list_folders(&mut session, host).await?;
    let sent = imap::find_sent(&folders).ok_or_else(|| MailError::NoFolder {
        host: host.clone(),
        folder: "Sent".into(),
    })?;
    let result = imap::append(&mut session, host, &sent.name, raw).await;
    let _ = imap::step(host, "logging out", session.logout()).await;
    result
}

/// The Bcc addresses of a stored message, and its bytes without the Bcc header.
pub fn split_bcc(raw: &[u8]) -> (Vec<String>, Vec<u8>) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 2)
        .unwrap_or(raw.len());
    let (head, body) = raw.split_at(end);
    let mut kept: Vec<u8> = Vec::with_capacity(raw.len());
    let mut bcc_value = String::new();
    let mut in_bcc = false;
    for line in head.split_inclusive(|b| *b == b'\n') {
        let folded = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !folded {
            in_bcc = line.len() > 4 && line[..4].eq_ignore_ascii_case(b"bcc:");
            if in_bcc {
                bcc_value.push_str(&String::from_utf8_lossy(&line[4..]));
                continue;
            }
        } else if in_bcc {
            bcc_value.push_str(&String::from_utf8_lossy(line));
            continue;
        }
        kept.extend_from_slice(line);
    }
    kept.extend_from_slice(body);
    if bcc_value.trim().is_empty() {
        return (Vec::new(), raw.to_vec());
    }
    let header = format!("Bcc: {}\r\n\r\n", bcc_value.trim());
    let parsed = mail_parser::MessageParser::default().parse(header.as_bytes());
    let addresses = parsed
        .and_then(|m| {
            m.bcc().map(|a| {
                a.iter()
                    .filter_map(|addr| addr.address().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
        })
        .unwrap_or_default();
    (addresses, kept)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bcc_is_an_envelope_recipient_only() {
        let raw = b"From: a@x.test\r\nTo: b@y.test\r\nBcc: shop@x.test,\r\n copy@x.test\r\nSubject: Hi\r\n\r\nBcc: in the body stays\r\n";
        let (bcc, wire) = super::split_bcc(raw);
        assert_eq!(bcc, vec!["shop@x.test", "copy@x.test"]);
        let wire = String::from_utf8(wire).unwrap();
        assert_eq!(
            wire,
            "From: a@x.test\r\nTo: b@y.test\r\nSubject: Hi\r\n\r\nBcc: in the body stays\r\n"
        );
        let plain = b"From: a@x.test\r\nTo: b@y.test\r\n\r\nhi";
        assert_eq!(super::split_bcc(plain), (vec![], plain.to_vec()));
    }
}
