//! The people both providers talk to, and the sim's own accounts.
//!
//! One customer pool feeds Vapi calls, Telnyx texts and Telnyx call records, so the same
//! person shows up on several channels and the CRM's identity matching has something to do.
//! Numbers are fictional: US `555-01xx` style numbers (415, 212 and 646 first, more area codes
//! as the pool grows) and a few UK `07700 900xxx` drama numbers.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

const US_AREAS: [&str; 12] = [
    "415", "212", "646", "312", "617", "206", "512", "303", "718", "213", "404", "305",
];
const FIRST: [&str; 32] = [
    "Dana", "Marcus", "Priya", "Tom", "Aisha", "Luis", "Megan", "Sam", "Grace", "Omar", "Hannah",
    "Diego", "Chloe", "Ben", "Fatima", "Jake", "Nina", "Carlos", "Olivia", "Raj", "Emma", "Kevin",
    "Sofia", "Ethan", "Maya", "Noah", "Leah", "Victor", "Ruth", "Ian", "Zoe", "Pete",
];
const LAST: [&str; 24] = [
    "Reyes", "Chen", "Patel", "O'Brien", "Khan", "Garcia", "Walsh", "Kim", "Okafor", "Novak",
    "Murphy", "Silva", "Dubois", "Cohen", "Hughes", "Rossi", "Nguyen", "Baker", "Ali", "Fischer",
    "Moreau", "Singh", "Lopez", "Carter",
];

/// The name of the business the sim's assistant and texts speak for.
pub(crate) const BUSINESS: &str = "Brightside Plumbing & Heating";

/// One person in the pool.
#[derive(Clone, Debug)]
pub(crate) struct Customer {
    pub number: String,
    pub name: Option<String>,
}

impl Customer {
    pub(crate) fn first_name(&self) -> Option<&str> {
        self.name.as_deref().and_then(|n| n.split(' ').next())
    }
}

/// Builds `n` customers with distinct numbers; about one in 25 is British, about one in
/// seven has no name.
pub(crate) fn customers(rng: &mut ChaCha8Rng, n: usize) -> Vec<Customer> {
    let mut us = 0usize;
    let mut uk = 0usize;
    (0..n)
        .map(|i| {
            let is_uk = i % 25 == 24;
            let number = if is_uk {
                uk += 1;
                format!("+447700{:06}", 900_000 + uk)
            } else {
                // 415/212/646 first (their 100 `555-01xx` lines each), then the others.
                let (area, line) = if us < 300 {
                    (US_AREAS[us % 3], us / 3)
                } else {
                    let k = us - 300;
                    (
                        US_AREAS[3 + k % (US_AREAS.len() - 3)],
                        k / (US_AREAS.len() - 3),
                    )
                };
                us += 1;
                if line < 100 {
                    format!("+1{area}55501{line:02}")
                } else {
                    format!("+1{area}555{:04}", 200 + line)
                }
            };
            let name = (!rng.random_bool(0.14)).then(|| {
                let f = FIRST[rng.random_range(0..FIRST.len())];
                let l = LAST[rng.random_range(0..LAST.len())];
                format!("{f} {l}")
            });
            Customer { number, name }
        })
        .collect()
}

/// A Vapi phone-number resource.
#[derive(Clone, Debug)]
pub(crate) struct VapiNumber {
    pub id: Uuid,
    pub number: &'static str,
    pub name: &'static str,
    pub provider: &'static str,
}

/// The sim's fixed accounts: who "we" are on each provider.
#[derive(Clone, Debug)]
pub(crate) struct Accounts {
    pub vapi_org: Uuid,
    /// `[0]` is the number handed out by `Sim::our_vapi_phone_number_id`.
    pub vapi_numbers: [VapiNumber; 2],
    /// `[0]` is the main assistant, `[1]` the after-hours one.
    pub assistants: [Uuid; 2],
    /// The outbound campaign some generated calls belong to.
    pub campaign: Uuid,
    pub telnyx_number: &'static str,
    pub telnyx_org: Uuid,
    pub profile_id: Uuid,
    pub profile_name: &'static str,
    /// Set once at startup; Vapi answers these for `GET /phone-number`.
    pub created_at: i64,
}

pub(crate) fn random_uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

impl Accounts {
    pub(crate) fn new(rng: &mut ChaCha8Rng, created_at: i64) -> Self {
        Self {
            vapi_org: random_uuid(rng),
            vapi_numbers: [
                VapiNumber {
                    id: random_uuid(rng),
                    number: "+18445550002",
                    name: "Front desk",
                    provider: "telnyx",
                },
                VapiNumber {
                    id: random_uuid(rng),
                    number: "+18445550003",
                    name: "After hours",
                    provider: "vapi",
                },
            ],
            assistants: [random_uuid(rng), random_uuid(rng)],
            campaign: random_uuid(rng),
            telnyx_number: "+18445550001",
            telnyx_org: random_uuid(rng),
            profile_id: random_uuid(rng),
            profile_name: "CRM",
            created_at,
        }
    }
}

/// Whether `s` is an E.164 number: `+`, a non-zero digit, 7 to 15 digits in all.
pub(crate) fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::collections::HashSet;

    #[test]
    fn pool_numbers_are_distinct_e164() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let pool = customers(&mut rng, 3_000);
        let set: HashSet<_> = pool.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(set.len(), pool.len());
        assert!(pool.iter().all(|c| is_e164(&c.number)));
        assert!(pool.iter().any(|c| c.number.starts_with("+44")));
        assert_eq!(pool[0].number, "+14155550100");
    }

    #[test]
    fn e164_check() {
        assert!(is_e164("+14155550123"));
        assert!(!is_e164("4155550123"));
        assert!(!is_e164("+1 415 555 0123"));
        assert!(!is_e164("+0123456789"));
    }
}
