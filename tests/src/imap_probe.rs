//! A deliberately dumb IMAP client over a raw `TcpStream`, for tests to check what the real
//! server holds (message counts, UIDVALIDITY, flags, what landed in Sent) independently of
//! the IMAP code under test. Plain IMAP on 127.0.0.1 only; every read has a 10 s timeout so
//! a wrong expectation fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::Duration;

use anyhow::{bail, Context, Result};

/// One connection, tagged commands `p1`, `p2`, ...
pub struct ImapProbe {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    next_tag: u32,
}

/// What SELECT (or EXAMINE) reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    pub exists: u32,
    pub uidvalidity: u32,
    pub uidnext: u32,
}

fn number_after(response: &str, key: &str) -> Option<u32> {
    let rest = &response[response.find(key)? + key.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

impl ImapProbe {
    /// Connects to 127.0.0.1:`port` and reads the `* OK` greeting.
    pub fn connect(port: u16) -> Result<ImapProbe> {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
            .with_context(|| format!("cannot connect to IMAP on 127.0.0.1:{port}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut probe = ImapProbe {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            next_tag: 1,
        };
        let greeting = probe.read_response()?;
        if !greeting.starts_with("* OK") {
            bail!("unexpected IMAP greeting {greeting:?}");
        }
        Ok(probe)
    }

    /// Connects and logs in with `LOGIN`.
    pub fn login(port: u16, user: &str, password: &str) -> Result<ImapProbe> {
        let mut probe = ImapProbe::connect(port)?;
        probe.command(&format!("LOGIN \"{user}\" \"{password}\""))?;
        Ok(probe)
    }

    /// Reads one response: a line, with any `{n}` literals it announces read in full and
    /// inlined (so one FETCH response is one string). CRLFs are kept inside, not at the end.
    pub fn read_response(&mut self) -> Result<String> {
        let mut response = String::new();
        loop {
            let mut line = Vec::new();
            self.reader
                .read_until(b'\n', &mut line)
                .context("reading from the IMAP server")?;
            if line.is_empty() {
                bail!("the IMAP server closed the connection; so far: {response:?}");
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            let trimmed = text.trim_end_matches(['\r', '\n']);
            let literal = trimmed
                .strip_suffix('}')
                .and_then(|s| s.rsplit_once('{'))
                .and_then(|(_, n)| n.trim_end_matches('+').parse::<usize>().ok());
            match literal {
                Some(n) => {
                    response.push_str(&text);
                    let mut data = vec![0u8; n];
                    self.reader.read_exact(&mut data)?;
                    response.push_str(&String::from_utf8_lossy(&data));
                }
                None => {
                    response.push_str(trimmed);
                    return Ok(response);
                }
            }
        }
    }

    /// Sends one raw line (CRLF added), e.g. `DONE` to end IDLE.
    pub fn send_line(&mut self, line: &str) -> Result<()> {
        self.writer.write_all(format!("{line}\r\n").as_bytes())?;
        Ok(())
    }

    /// Sends a tagged command and returns every response up to and including the tagged
    /// one; fails unless the tagged one is OK.
    pub fn command(&mut self, command: &str) -> Result<Vec<String>> {
        let tag = format!("p{}", self.next_tag);
        self.next_tag += 1;
        self.send_line(&format!("{tag} {command}"))?;
        let mut responses = Vec::new();
        loop {
            let response = self
                .read_response()
                .with_context(|| format!("IMAP {command:?}, after {responses:#?}"))?;
            let done = response.starts_with(&format!("{tag} "));
            responses.push(response);
            if done {
                break;
            }
        }
        let last = responses.last().map(String::as_str).unwrap_or_default();
        if !last.starts_with(&format!("{tag} OK")) {
            bail!("IMAP {command:?} failed: {responses:#?}");
        }
        Ok(responses)
    }

    /// SELECTs `folder` and returns EXISTS, UIDVALIDITY and UIDNEXT.
    pub fn select(&mut self, folder: &str) -> Result<Selected> {
        let responses = self.command(&format!("SELECT \"{folder}\""))?;
        let find = |key: &str| {
            responses
                .iter()
                .find_map(|r| number_after(r, key))
                .with_context(|| format!("no {key} in {responses:#?}"))
        };
        let exists = responses
            .iter()
            .find_map(|r| {
                r.strip_prefix("* ")?
                    .strip_suffix(" EXISTS")?
                    .parse::<u32>()
                    .ok()
            })
            .with_context(|| format!("no EXISTS in {responses:#?}"))?;
        Ok(Selected {
            exists,
            uidvalidity: find("UIDVALIDITY")?,
            uidnext: find("UIDNEXT")?,
        })
    }

    /// Logs out (best effort).
    pub fn logout(mut self) {
        let _ = self.command("LOGOUT");
    }
}
