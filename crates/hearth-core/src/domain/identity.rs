//! Identity normalization: the same person written two ways must be one identity.
//!
//! Emails are trimmed and lower-cased whole (providers treat the local part
//! case-insensitively in practice, and duplicates hurt more than the rare exception).
//! Phones are parsed by the `phonenumber` crate (libphonenumber's metadata) against the
//! business's default region and stored as E.164.

use std::str::FromStr;

use hearth_types::IdentityKind;
use phonenumber::country;

use super::DomainError;

/// A country whose numbering plan applies to phone numbers written without `+`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region(country::Id);

impl Region {
    /// The ISO 3166 alpha-2 code, e.g. "US".
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }
}

impl Default for Region {
    fn default() -> Self {
        Region(country::Id::US)
    }
}

/// Parses a two-letter region code ("us", "GB").
pub fn parse_region(code: &str) -> Result<Region, DomainError> {
    country::Id::from_str(&code.trim().to_ascii_uppercase())
        .map(Region)
        .map_err(|_| DomainError::InvalidRegion(code.to_owned()))
}

/// Lower-cases and checks the shape `local@domain`, where the domain has no spaces and
/// no empty labels. Display names ("Ann <ann@x.com>") are not accepted here.
pub fn normalize_email(input: &str) -> Result<String, DomainError> {
    let email = input.trim().to_lowercase();
    let bad = || DomainError::InvalidEmail(input.to_owned());
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let valid_local = !local.is_empty()
        && local.len() <= 64
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',');
    let valid_domain = !domain.is_empty()
        && !domain.contains('@')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if valid_local && valid_domain && email.len() <= 254 {
        Ok(email)
    } else {
        Err(bad())
    }
}

/// Parses a phone number written in any common way and returns it as E.164 (`+14155550123`).
pub fn normalize_phone(input: &str, region: Region) -> Result<String, DomainError> {
    let bad = |reason: &str| DomainError::InvalidPhone {
        input: input.to_owned(),
        region: region.code().to_owned(),
        reason: reason.to_owned(),
    };
    if input.trim().is_empty() {
        return Err(bad("it is empty"));
    }
    let number = phonenumber::parse(Some(region.0), input).map_err(|e| bad(&e.to_string()))?;
    if !phonenumber::is_valid(&number) {
        return Err(bad("not a valid number in its country's numbering plan"));
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Normalizes a value of the given kind.
pub fn normalize_identity(
    kind: IdentityKind,
    input: &str,
    region: Region,
) -> Result<String, DomainError> {
    match kind {
        IdentityKind::Email => normalize_email(input),
        IdentityKind::Phone => normalize_phone(input, region),
        IdentityKind::Handle => {
            let handle = input.trim();
            if handle.is_empty() {
                Err(DomainError::InvalidHandle(input.to_owned()))
            } else {
                Ok(handle.to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            normalize_email("  Ann.Lee@Example.COM ").unwrap(),
            "ann.lee@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "a b@x.com",
            "ann@x..com",
            "ann@-x.com",
            "a@b@c",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phones_become_e164_in_the_default_region() {
        let us = Region::default();
        for written in [
            "(415) 555-0132",
            "415.555.0132",
            "+1 415 555 0132",
            "1-415-555-0132",
        ] {
            assert_eq!(
                normalize_phone(written, us).unwrap(),
                "+14155550132",
                "{written}"
            );
        }
        let gb = parse_region("gb").unwrap();
        assert_eq!(
            normalize_phone("020 7946 0958", gb).unwrap(),
            "+442079460958"
        );
        // A number with its own country code ignores the default region.
        assert_eq!(
            normalize_phone("+44 20 7946 0958", us).unwrap(),
            "+442079460958"
        );
    }

    #[test]
    fn bad_phones_and_regions_are_refused_with_reasons() {
        let us = Region::default();
        for bad in ["", "12", "hello", "+1 000 000 0000"] {
            let err = normalize_phone(bad, us).unwrap_err();
            assert!(
                matches!(err, DomainError::InvalidPhone { .. }),
                "{bad:?}: {err}"
            );
        }
        assert_eq!(
            parse_region("XX"),
            Err(DomainError::InvalidRegion("XX".into()))
        );
    }
}
