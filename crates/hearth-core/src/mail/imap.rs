//! IMAP with async-imap over tokio: connecting (implicit TLS, STARTTLS or loopback plain),
//! logging in, finding folders and fetching messages by UID. Every network step has a
//! timeout and maps its failure to a [`MailError`] that says which step failed.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::types::{Fetch, NameAttribute};
use futures::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::account::{Endpoint, MailAccount, Security};
use super::{tls, MailError};

/// How long one network step may take before the connection counts as stalled.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// A TCP stream, with or without TLS.
#[derive(Debug)]
pub enum MailStream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_flush(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

pub type Session = async_imap::Session<MailStream>;

/// Runs one network step with the step timeout.
pub(crate) async fn step<T>(
    host: &str,
    action: &'static str,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, MailError> {
    tokio::time::timeout(STEP_TIMEOUT, fut)
        .await
        .map_err(|_| MailError::Timeout {
            host: host.to_owned(),
            action,
            seconds: STEP_TIMEOUT.as_secs(),
        })
}

fn imap_error(host: &str, action: impl Into<String>, e: async_imap::error::Error) -> MailError {
    MailError::Imap {
        host: host.to_owned(),
        action: action.into(),
        detail: server_words(&e),
    }
}

/// The server's own words from a NO/BAD answer: async-imap formats them as
/// `code: Some(..), info: Some("...")`; people want only the text (with its [CODE]).
pub(crate) fn server_words(e: &async_imap::error::Error) -> String {
    let raw = match e {
        async_imap::error::Error::No(said) | async_imap::error::Error::Bad(said) => said.as_str(),
        other => return other.to_string(),
    };
    match raw.find("info: Some(\"") {
        Some(start) => {
            let rest = &raw[start + "info: Some(\"".len()..];
            rest.rfind("\")")
                .map_or(rest, |end| &rest[..end])
                .replace("\\\"", "\"")
        }
        None => raw.to_owned(),
    }
}

/// Resolves and connects over TCP, telling a DNS failure from a refused connection.
pub(crate) async fn connect_tcp(endpoint: &Endpoint) -> Result<TcpStream, MailError> {
    let host = endpoint.host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<_> = step(
        &endpoint.host,
        "resolving the host",
        tokio::net::lookup_host((host, endpoint.port)),
    )
    .await?
    .map_err(|source| MailError::Dns {
        host: endpoint.host.clone(),
        source,
    })?
    .collect();
    let mut last = None;
    for addr in addrs {
        match step(&endpoint.host, "connecting", TcpStream::connect(addr)).await? {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(MailError::Tcp {
        host: endpoint.host.clone(),
        port: endpoint.port,
        source: last.unwrap_or_else(|| std::io::Error::other("the host has no address")),
    })
}

async fn wrap_tls(
    endpoint: &Endpoint,
    ca_pem: Option<&str>,
    tcp: TcpStream,
) -> Result<MailStream, MailError> {
    let connector = tokio_rustls::TlsConnector::from(tls::client_config(ca_pem)?);
    let name = tls::server_name(&endpoint.host)?;
    let stream = step(
        &endpoint.host,
        "negotiating TLS",
        connector.connect(name, tcp),
    )
    .await?
    .map_err(|e| tls::describe(&endpoint.host, &e))?;
    Ok(MailStream::Tls(Box::new(stream)))
}

/// Connects and reads the greeting; after STARTTLS the session is encrypted.
async fn connect(account: &MailAccount) -> Result<async_imap::Client<MailStream>, MailError> {
    let endpoint = &account.imap;
    let host = &endpoint.host;
    let tcp = connect_tcp(endpoint).await?;
    let stream = match endpoint.security {
        Security::Tls => wrap_tls(endpoint, account.ca_pem.as_deref(), tcp).await?,
        Security::Plain | Security::Starttls => MailStream::Plain(tcp),
    };
    let mut client = async_imap::Client::new(stream);
    let greeting = step(host, "reading the greeting", client.read_response())
        .await?
        .map_err(|e| MailError::Imap {
            host: host.clone(),
            action: "greeting".into(),
            detail: e.to_string(),
        })?;
    if greeting.is_none() {
        return Err(MailError::Imap {
            host: host.clone(),
            action: "greeting".into(),
            detail: "the server closed the connection before greeting".into(),
        });
    }
    if endpoint.security != Security::Starttls {
        return Ok(client);
    }
    step(
        host,
        "starting TLS",
        client.run_command_and_check_ok("STARTTLS", None),
    )
    .await?
    .map_err(|_| MailError::Capability {
        host: host.clone(),
        capability: "STARTTLS".into(),
    })?;
    let MailStream::Plain(tcp) = client.into_inner() else {
        unreachable!("STARTTLS starts from a plain stream")
    };
    let stream = wrap_tls(endpoint, account.ca_pem.as_deref(), tcp).await?;
    Ok(async_imap::Client::new(stream))
}

/// Connects and logs in.
pub async fn login(account: &MailAccount, password: &str) -> Result<Session, MailError> {
    let host = &account.imap.host;
    let client = connect(account).await?;
    let mut session = step(
        host,
        "logging in",
        client.login(&account.username, password),
    )
    .await?
    .map_err(|(e, _)| MailError::Login {
        host: host.clone(),
        user: account.username.clone(),
        server_said: server_words(&e),
    })?;
    let caps = step(host, "reading capabilities", session.capabilities())
        .await?
        .map_err(|e| imap_error(host, "CAPABILITY", e))?;
    if !caps.has_str("IMAP4rev1") && !caps.has_str("IMAP4rev2") {
        return Err(MailError::Capability {
            host: host.clone(),
            capability: "IMAP4rev1".into(),
        });
    }
    Ok(session)
}

/// A folder as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFolder {
    pub name: String,
    pub is_sent: bool,
}

/// Every selectable folder, with the SPECIAL-USE `\Sent` flag.
pub async fn list_folders(
    session: &mut Session,
    host: &str,
) -> Result<Vec<ServerFolder>, MailError> {
    let names: Vec<_> = step(host, "listing folders", async {
        session
            .list(Some(""), Some("*"))
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?
    .map_err(|e| imap_error(host, "LIST", e))?;
    Ok(names
        .iter()
        .filter(|n| !n.attributes().contains(&NameAttribute::NoSelect))
        .map(|n| ServerFolder {
            name: n.name().to_owned(),
            is_sent: n.attributes().contains(&NameAttribute::Sent),
        })
        .collect())
}

/// Names tried, in order, when no folder carries `\Sent`.
const SENT_NAMES: [&str; 6] = [
    "Sent",
    "Sent Items",
    "Sent Messages",
    "Sent Mail",
    "INBOX.Sent",
    "[Gmail]/Sent Mail",
];

/// The Sent folder: SPECIAL-USE first, then the common names (any case).
pub fn find_sent(folders: &[ServerFolder]) -> Option<&ServerFolder> {
    folders.iter().find(|f| f.is_sent).or_else(|| {
        SENT_NAMES
            .iter()
            .find_map(|want| folders.iter().find(|f| f.name.eq_ignore_ascii_case(want)))
    })
}

/// What EXAMINE says about a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderStatus {
    pub uid_validity: u32,
    pub exists: u32,
}

/// Opens a folder read-only.
pub async fn examine(
    session: &mut Session,
    host: &str,
    folder: &str,
) -> Result<FolderStatus, MailError> {
    let mailbox = step(host, "opening a folder", session.examine(folder))
        .await?
        .map_err(|e| match e {
            async_imap::error::Error::No(_) => MailError::NoFolder {
                host: host.to_owned(),
                folder: folder.to_owned(),
            },
            e => imap_error(host, format!("EXAMINE {folder}"), e),
        })?;
    Ok(FolderStatus {
        // A server without UIDVALIDITY breaks RFC 3501; 0 makes every sync a full one.
        uid_validity: mailbox.uid_validity.unwrap_or(0),
        exists: mailbox.exists,
    })
}

/// Whether the open folder holds a message with this Message-ID (`UID SEARCH HEADER`):
/// the evidence that a send whose answer was lost did go out.
pub async fn has_message_id(
    session: &mut Session,
    host: &str,
    message_id: &str,
) -> Result<bool, MailError> {
    let id: String = message_id
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '\r' | '\n'))
        .collect();
    let query = format!("HEADER Message-ID \"{id}\"");
    let found = step(host, "searching a folder", session.uid_search(&query))
        .await?
        .map_err(|e| imap_error(host, "UID SEARCH", e))?;
    Ok(!found.is_empty())
}

/// UIDs above `after` with their sizes, ascending.
pub async fn new_uids(
    session: &mut Session,
    host: &str,
    after: u32,
) -> Result<Vec<(u32, u32)>, MailError> {
    let query = format!("{}:*", after.saturating_add(1));
    let fetches: Vec<Fetch> = step(host, "listing new messages", async {
        session
            .uid_fetch(&query, "(UID RFC822.SIZE)")
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?
    .map_err(|e| imap_error(host, "UID FETCH (sizes)", e))?;
    // "n:*" always includes the highest UID, even when it is below n.
    let mut uids: Vec<(u32, u32)> = fetches
        .iter()
        .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
        .filter(|(uid, _)| *uid > after)
        .collect();
    uids.sort_unstable();
    uids.dedup_by_key(|(uid, _)| *uid);
    Ok(uids)
}

/// A message as fetched.
#[derive(Debug)]
pub struct FetchedMessage {
    pub uid: u32,
    pub raw: Vec<u8>,
    /// INTERNALDATE in UTC milliseconds.
    pub internal_date: Option<i64>,
}

/// Fetches whole messages (without setting \Seen). A UID the server no longer has is
/// simply absent from the result.
pub async fn fetch_messages(
    session: &mut Session,
    host: &str,
    uids: &[u32],
) -> Result<Vec<FetchedMessage>, MailError> {
    let set = uid_set(uids);
    let fetches: Vec<Fetch> = step(host, "fetching messages", async {
        session
            .uid_fetch(&set, "(UID INTERNALDATE BODY.PEEK[])")
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?
    .map_err(|e| imap_error(host, "UID FETCH", e))?;
    Ok(fetches
        .into_iter()
        .filter_map(|f| {
            let uid = f.uid?;
            Some(FetchedMessage {
                uid,
                raw: f.body().unwrap_or_default().to_vec(),
                internal_date: f.internal_date().map(|d| d.timestamp_millis()),
            })
        })
        .collect())
}

/// Appends a message to a folder, flagged \Seen.
pub async fn append(
    session: &mut Session,
    host: &str,
    folder: &str,
    raw: &[u8],
) -> Result<(), MailError> {
    step(
        host,
        "appending to a folder",
        session.append(folder, Some("(\\Seen)"), None, raw),
    )
    .await?
    .map_err(|e| imap_error(host, format!("APPEND {folder}"), e))
}

/// A compact UID set: "1:5,7,9:12".
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_words_are_kept() {
        let e = async_imap::error::Error::No(
            r#"code: None, info: Some("[AUTHENTICATIONFAILED] Authentication failed.")"#.into(),
        );
        assert_eq!(
            server_words(&e),
            "[AUTHENTICATIONFAILED] Authentication failed."
        );
        let plain = async_imap::error::Error::No("Mailbox doesn't exist".into());
        assert_eq!(server_words(&plain), "Mailbox doesn't exist");
    }

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[42]), "42");
        assert_eq!(uid_set(&[]), "");
    }

    #[test]
    fn sent_is_found_by_flag_then_name() {
        let f = |name: &str, is_sent| ServerFolder {
            name: name.into(),
            is_sent,
        };
        let flagged = [
            f("INBOX", false),
            f("Sent Items", false),
            f("Outgoing", true),
        ];
        assert_eq!(find_sent(&flagged).unwrap().name, "Outgoing");
        let named = [f("INBOX", false), f("sent items", false)];
        assert_eq!(find_sent(&named).unwrap().name, "sent items");
        assert!(find_sent(&[f("INBOX", false)]).is_none());
    }
}
