//! A throwaway certificate authority for the IMAPS test server, made with the `openssl` CLI.
//!
//! Why a CA and not one self-signed certificate: rustls (webpki) rejects an end-entity
//! certificate used as its own trust anchor, so a client configured with "trust this PEM"
//! needs a real chain: CA (trusted by the test) → server certificate (presented by Dovecot)
//! with SAN `DNS:localhost` and `IP:127.0.0.1`. A second CA that signed nothing gives the
//! "certificate not trusted" case. P-256 keys: generated in milliseconds, accepted by rustls,
//! OpenSSL (Dovecot, mbsync) alike.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::process::run;

/// The files of a generated test PKI.
pub struct TestCa {
    /// The CA certificate that signed `server_cert` (what a client should trust).
    pub ca_pem: PathBuf,
    /// A CA certificate that signed nothing (trusting only it must fail the handshake).
    pub untrusted_ca_pem: PathBuf,
    /// The server certificate, signed by `ca_pem`.
    pub server_cert: PathBuf,
    /// The server's private key (PEM, unencrypted).
    pub server_key: PathBuf,
}

fn ec_key_args() -> [&'static str; 4] {
    ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
}

fn make_ca(dir: &Path, name: &str, common_name: &str) -> Result<(PathBuf, PathBuf)> {
    let cert = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}.key"));
    run(Command::new("openssl")
        .args(["req", "-x509", "-nodes", "-days", "30"])
        .args(ec_key_args())
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .args(["-subj", &format!("/CN={common_name}")])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]))
    .with_context(|| format!("cannot make the test CA {name}"))?;
    Ok((cert, key))
}

impl TestCa {
    /// Generates the CA, the untrusted CA and a server certificate in `dir`.
    pub fn generate(dir: &Path) -> Result<TestCa> {
        std::fs::create_dir_all(dir)?;
        let (ca_pem, ca_key) = make_ca(dir, "ca", "Hearth Test CA")?;
        let (untrusted_ca_pem, _) = make_ca(dir, "untrusted-ca", "Hearth Untrusted CA")?;

        let server_key = dir.join("server.key");
        let csr = dir.join("server.csr");
        run(Command::new("openssl")
            .args(["req", "-new", "-nodes"])
            .args(ec_key_args())
            .arg("-keyout")
            .arg(&server_key)
            .arg("-out")
            .arg(&csr)
            .args(["-subj", "/CN=localhost"]))
        .context("cannot make the server key")?;

        let ext = dir.join("server.ext");
        std::fs::write(
            &ext,
            "basicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth\n\
             subjectAltName=DNS:localhost,IP:127.0.0.1\n\
             subjectKeyIdentifier=hash\n\
             authorityKeyIdentifier=keyid\n",
        )?;
        let server_cert = dir.join("server.pem");
        run(Command::new("openssl")
            .args(["x509", "-req", "-days", "30", "-CAcreateserial"])
            .arg("-in")
            .arg(&csr)
            .arg("-CA")
            .arg(&ca_pem)
            .arg("-CAkey")
            .arg(&ca_key)
            .arg("-extfile")
            .arg(&ext)
            .arg("-out")
            .arg(&server_cert))
        .context("cannot sign the server certificate")?;

        Ok(TestCa {
            ca_pem,
            untrusted_ca_pem,
            server_cert,
            server_key,
        })
    }
}
