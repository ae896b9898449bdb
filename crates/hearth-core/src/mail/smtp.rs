//! SMTP with lettre, one phase at a time, because the phase decides what a failure means:
//! a failure while connecting, securing or logging in means the message certainly did not
//! go; a 4xx answer may be retried and a 5xx will not change; but a broken connection after
//! the message data went out may or may not have delivered it — that one is "unknown" and
//! is never re-sent blindly.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use super::account::{Endpoint, MailAccount, Security};
use super::MailError;

const TIMEOUT: Duration = Duration::from_secs(60);

/// How a send failed.
#[derive(Debug)]
pub enum SendFailure {
    /// Not accepted; the same message may be sent again.
    NotSent(MailError),
    /// The server refused this message for good (5xx).
    Refused(MailError),
    /// The data may have been delivered.
    Unknown(MailError),
}

fn smtp_error(
    endpoint: &Endpoint,
    e: &lettre::transport::smtp::Error,
    transient: bool,
) -> MailError {
    MailError::Smtp {
        host: endpoint.host.clone(),
        port: endpoint.port,
        detail: e.to_string(),
        transient,
    }
}

fn tls_parameters(endpoint: &Endpoint, ca_pem: Option<&str>) -> Result<TlsParameters, MailError> {
    let mut builder = TlsParameters::builder(endpoint.host.clone());
    if let Some(pem) = ca_pem {
        let cert = Certificate::from_pem(pem.as_bytes())
            .map_err(|e| MailError::InvalidAccount(format!("CA file: {e}")))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build_rustls().map_err(|e| MailError::Tls {
        host: endpoint.host.clone(),
        reason: e.to_string(),
    })
}

/// Connects, secures and logs in.
pub async fn connect(
    account: &MailAccount,
    password: &str,
) -> Result<(AsyncSmtpConnection, Endpoint), MailError> {
    let endpoint = account.smtp.clone().ok_or_else(|| MailError::NoSmtp {
        account: account.name.clone(),
    })?;
    let hello = ClientId::default();
    let wrapper = match endpoint.security {
        Security::Tls => Some(tls_parameters(&endpoint, account.ca_pem.as_deref())?),
        _ => None,
    };
    let host = endpoint
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let mut conn = AsyncSmtpConnection::connect_tokio1(
        (host.as_str(), endpoint.port),
        Some(TIMEOUT),
        &hello,
        wrapper,
        None,
    )
    .await
    .map_err(|e| {
        if e.is_tls() {
            MailError::Tls {
                host: endpoint.host.clone(),
                reason: e.to_string(),
            }
        } else {
            smtp_error(&endpoint, &e, true)
        }
    })?;
    if endpoint.security == Security::Starttls {
        if !conn.can_starttls() {
            return Err(MailError::Capability {
                host: endpoint.host.clone(),
                capability: "STARTTLS".into(),
            });
        }
        let params = tls_parameters(&endpoint, account.ca_pem.as_deref())?;
        conn.starttls(params, &hello)
            .await
            .map_err(|e| MailError::Tls {
                host: endpoint.host.clone(),
                reason: e.to_string(),
            })?;
    }
    let credentials = Credentials::new(account.username.clone(), password.to_owned());
    conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
        .await
        .map_err(|e| MailError::Login {
            host: endpoint.host.clone(),
            user: account.username.clone(),
            server_said: e.to_string(),
        })?;
    Ok((conn, endpoint))
}

/// Sends raw message bytes to the envelope's recipients.
pub async fn send(
    account: &MailAccount,
    password: &str,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<(), SendFailure> {
    let (mut conn, endpoint) = connect(account, password)
        .await
        .map_err(SendFailure::NotSent)?;
    // Until the data goes out, any failure means the server has not taken the message.
    let classify = |e: lettre::transport::smtp::Error| {
        if e.is_permanent() {
            SendFailure::Refused(smtp_error(&endpoint, &e, false))
        } else {
            SendFailure::NotSent(smtp_error(&endpoint, &e, true))
        }
    };
    let mut options = Vec::new();
    if !raw.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), options))
        .await
        .map_err(classify)?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), vec![]))
            .await
            .map_err(classify)?;
    }
    conn.command(Data).await.map_err(classify)?;
    match conn.message(raw).await {
        Ok(_) => {
            let _ = conn.quit().await;
            Ok(())
        }
        Err(e) if e.is_permanent() => Err(SendFailure::Refused(smtp_error(&endpoint, &e, false))),
        Err(e) if e.is_transient() => Err(SendFailure::NotSent(smtp_error(&endpoint, &e, true))),
        Err(e) => Err(SendFailure::Unknown(smtp_error(&endpoint, &e, false))),
    }
}
