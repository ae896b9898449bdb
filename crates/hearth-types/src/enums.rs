//! Closed sets of values. Each has one lower-case wire name, used in SQLite `CHECK`
//! constraints, in JSON and on the command line alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value that is not one of an enum's wire names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    /// What was being parsed ("channel", "direction", ...).
    pub what: &'static str,
    /// The rejected input.
    pub input: String,
    /// The accepted names, for the error message.
    pub expected: &'static [&'static str],
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?} (expected one of: {})",
            self.what,
            self.input,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for ParseEnumError {}

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const NAMES: &'static [&'static str] = &[$($wire),+];

            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let lower = s.trim().to_ascii_lowercase();
                match lower.as_str() {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(ParseEnumError { what: $what, input: s.to_owned(), expected: Self::NAMES }),
                }
            }
        }
    };
}

wire_enum!(
    /// Where an interaction happened.
    Channel, "channel", {
        Email => "email",
        Sms => "sms",
        /// A phone call through a carrier (Telnyx call records).
        Call => "call",
        /// A call handled by the voice-AI agent (VAPI).
        VoiceAi => "voice_ai",
        Chat => "chat",
        Order => "order",
        Note => "note",
        Social => "social",
    }
);

wire_enum!(
    /// Who spoke first: the customer (inbound), the business (outbound), or nobody outside
    /// the business (internal, e.g. a note).
    Direction, "direction", {
        Inbound => "inbound",
        Outbound => "outbound",
        Internal => "internal",
    }
);

wire_enum!(
    /// Where a contact stands with the business.
    ContactStatus, "status", {
        Lead => "lead",
        Customer => "customer",
        Inactive => "inactive",
        Vip => "vip",
        Blocked => "blocked",
    }
);

wire_enum!(
    /// The kind of a contact identity; each normalized value is unique per kind.
    IdentityKind, "identity kind", {
        Email => "email",
        Phone => "phone",
        Handle => "handle",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_str_and_json() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(" SMS ".parse::<Channel>(), Ok(Channel::Sms));
    }

    #[test]
    fn unknown_name_lists_the_accepted_ones() {
        let err = "fax".parse::<Channel>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("unknown channel \"fax\""), "{msg}");
        assert!(msg.contains("voice_ai"), "{msg}");
    }
}
