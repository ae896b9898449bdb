//! Mail accounts: where the servers are, how to reach them safely, and which addresses are
//! the business's own (they tell inbound from outbound and never become contacts).

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::MailError;
use crate::domain::normalize_email;

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain greeting, then STARTTLS before anything else is said.
    Starttls,
    /// No encryption at all: allowed only to a loopback address.
    Plain,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::Plain => "plain",
        }
    }

    pub fn parse(s: &str) -> Result<Security, MailError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tls" | "ssl" | "imaps" | "smtps" => Ok(Security::Tls),
            "starttls" => Ok(Security::Starttls),
            "plain" | "none" => Ok(Security::Plain),
            other => Err(MailError::InvalidAccount(format!(
                "security must be tls, starttls or plain, not {other:?}"
            ))),
        }
    }
}

/// A server address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl Endpoint {
    fn check(&self, what: &str) -> Result<(), MailError> {
        if self.host.trim().is_empty() {
            return Err(MailError::InvalidAccount(format!("{what} host is empty")));
        }
        if self.port == 0 {
            return Err(MailError::InvalidAccount(format!("{what} port is 0")));
        }
        if self.security == Security::Plain && !is_loopback(&self.host) {
            return Err(MailError::InvalidAccount(format!(
                "{what} without encryption is only allowed to this computer (127.0.0.1, ::1 or \
                 localhost), not {}; use tls or starttls",
                self.host
            )));
        }
        Ok(())
    }
}

/// Whether a host name or address is this machine.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An account as the user describes it; checked by [`NewMailAccount::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMailAccount {
    pub name: String,
    pub imap: Endpoint,
    pub username: String,
    pub addresses: Vec<String>,
    /// An extra trusted CA (PEM) for a self-hosted server.
    pub ca_pem: Option<String>,
    pub smtp: Option<Endpoint>,
    /// Folders to sync besides INBOX and Sent.
    pub extra_folders: Vec<String>,
}

impl NewMailAccount {
    /// Checks every field and normalizes the addresses; the error says which field is wrong.
    pub fn validate(mut self) -> Result<NewMailAccount, MailError> {
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() || self.name.contains('/') {
            return Err(MailError::InvalidAccount(
                "the account needs a name without '/'".into(),
            ));
        }
        self.imap.check("IMAP")?;
        if let Some(smtp) = &self.smtp {
            smtp.check("SMTP")?;
        }
        if self.username.trim().is_empty() {
            return Err(MailError::InvalidAccount("the user name is empty".into()));
        }
        if self.addresses.is_empty() {
            return Err(MailError::InvalidAccount(
                "give at least one of the account's own addresses".into(),
            ));
        }
        let mut addresses = Vec::with_capacity(self.addresses.len());
        for raw in &self.addresses {
            let address = normalize_email(raw)
                .map_err(|e| MailError::InvalidAccount(format!("address {raw:?}: {e}")))?;
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
        self.addresses = addresses;
        if let Some(pem) = &self.ca_pem {
            super::tls::parse_pem_certs(pem)?;
        }
        self.extra_folders.retain(|f| !f.trim().is_empty());
        Ok(self)
    }
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAccount {
    pub id: i64,
    pub name: String,
    pub imap: Endpoint,
    pub username: String,
    pub addresses: Vec<String>,
    pub ca_pem: Option<String>,
    pub smtp: Option<Endpoint>,
    pub extra_folders: Vec<String>,
}

impl MailAccount {
    /// Whether an address (any case) is one of the account's own.
    pub fn is_own(&self, address: &str) -> bool {
        self.addresses
            .iter()
            .any(|own| own.eq_ignore_ascii_case(address.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(host: &str, security: Security) -> NewMailAccount {
        NewMailAccount {
            name: "Shop".into(),
            imap: Endpoint {
                host: host.into(),
                port: 143,
                security,
            },
            username: "owner".into(),
            addresses: vec!["Owner@Example.com".into()],
            ca_pem: None,
            smtp: None,
            extra_folders: vec![],
        }
    }

    #[test]
    fn plain_is_only_allowed_to_loopback() {
        for host in ["127.0.0.1", "127.5.0.1", "localhost", "::1", "[::1]"] {
            assert!(account(host, Security::Plain).validate().is_ok(), "{host}");
        }
        for host in ["10.0.0.1", "mail.example.com", "192.168.1.1"] {
            let err = account(host, Security::Plain).validate().unwrap_err();
            assert!(err.to_string().contains("only allowed"), "{err}");
            assert!(account(host, Security::Tls).validate().is_ok());
        }
    }

    #[test]
    fn addresses_are_normalized_and_checked() {
        let ok = account("mail.example.com", Security::Tls)
            .validate()
            .unwrap();
        assert_eq!(ok.addresses, vec!["owner@example.com"]);
        let mut bad = account("mail.example.com", Security::Tls);
        bad.addresses = vec!["not an address".into()];
        assert!(bad.validate().is_err());
        let mut none = account("mail.example.com", Security::Tls);
        none.addresses.clear();
        assert!(none.validate().is_err());
    }

    #[test]
    fn a_bad_ca_file_is_refused() {
        let mut bad = account("mail.example.com", Security::Tls);
        bad.ca_pem = Some("-----BEGIN CERTIFICATE-----\nnot base64\n".into());
        assert!(bad.validate().is_err());
    }
}
