//! TLS for IMAP (rustls through tokio-rustls): the OS's trusted roots plus the account's
//! own extra CA, if it has one. There is no "accept any certificate" switch.

use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::RootCertStore;

use super::MailError;

/// Certificates in a PEM text; an error when there are none or one is malformed.
pub fn parse_pem_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, MailError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| MailError::InvalidAccount(format!("CA file: {e}")))?;
    if certs.is_empty() {
        return Err(MailError::InvalidAccount(
            "CA file holds no PEM certificate".into(),
        ));
    }
    Ok(certs)
}

/// The OS's trusted roots, loaded once per process.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        for error in &found.errors {
            tracing::warn!(%error, "skipping an unreadable system certificate");
        }
        found.certs
    })
}

/// A client configuration trusting the system roots and `extra_ca`.
pub fn client_config(extra_ca: Option<&str>) -> Result<Arc<rustls::ClientConfig>, MailError> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(system_roots().iter().cloned());
    if let Some(pem) = extra_ca {
        for cert in parse_pem_certs(pem)? {
            roots
                .add(cert)
                .map_err(|e| MailError::InvalidAccount(format!("CA file: {e}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailError::InvalidAccount(format!("TLS set-up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The name the server's certificate must carry.
pub fn server_name(host: &str) -> Result<ServerName<'static>, MailError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare.to_owned())
        .map_err(|e| MailError::InvalidAccount(format!("host {host:?}: {e}")))
}

/// Puts a rustls failure in words a person can act on.
pub fn describe(host: &str, error: &std::io::Error) -> MailError {
    let reason = match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(cert)) => format!(
            "the server's certificate is not trusted ({cert:?}); if the server uses its own \
             certificate authority, add its CA file to the account"
        ),
        Some(other) => other.to_string(),
        None => error.to_string(),
    };
    MailError::Tls {
        host: host.to_owned(),
        reason,
    }
}
