//! Which contacts are probably the same person. Stored identities are unique, so two
//! contacts never share an exact email or E.164 number; duplicates hide behind addresses
//! that deliver to the same mailbox (Gmail ignores dots, most providers ignore "+tags"),
//! the same national number under another country code, and the same or a similar name
//! (Jaro-Winkler, compared within blocks of names sharing their surname's first letters, so
//! 100k contacts take well under a second). Each pair carries its reasons and a score; a
//! name alone ranks lowest, since two people can share one.

use std::collections::HashMap;

/// A contact as the finder sees it.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
}

/// A probable duplicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The lower id first.
    pub a: i64,
    pub b: i64,
    /// 0–1, higher is surer.
    pub score: f64,
    pub reasons: Vec<String>,
}

/// Names this similar (Jaro-Winkler) are "similar".
const SIMILAR: f64 = 0.93;

/// The mailbox an address delivers to: lower case, "+tag" dropped, and for Gmail the dots
/// of the local part too.
pub fn mailbox(email: &str) -> String {
    let email = email.trim().to_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return email;
    };
    let local = local.split('+').next().unwrap_or(local);
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    let local = if domain == "gmail.com" {
        local.replace('.', "")
    } else {
        local.to_owned()
    };
    format!("{local}@{domain}")
}

/// A name reduced for comparing: lower case letters and digits, words in order, single
/// spaces; a name that is really an email or a number is no name.
pub fn comparable_name(name: &str) -> Option<String> {
    let t = name.trim();
    if t.is_empty()
        || t.contains('@')
        || t.trim_start_matches('+')
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return None;
    }
    let words: Vec<String> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// An E.164 number's (country code, national number), per libphonenumber's metadata.
fn national(phone: &str) -> Option<(u16, u64)> {
    let n = phonenumber::parse(None, phone).ok()?;
    let national = n.national().value();
    // Short national numbers collide across countries by chance.
    (national >= 10_000_000).then(|| (n.code().value(), national))
}

/// Probable duplicates, surest first.
pub fn find(contacts: &[Candidate]) -> Vec<Pair> {
    let mut pairs: HashMap<(i64, i64), (f64, Vec<String>)> = HashMap::new();
    let mut add = |x: i64, y: i64, score: f64, reason: String| {
        if x == y {
            return;
        }
        let key = (x.min(y), x.max(y));
        let e = pairs.entry(key).or_insert((0.0, Vec::new()));
        // Independent reasons add up: 1 - Π(1 - s).
        e.0 = 1.0 - (1.0 - e.0) * (1.0 - score);
        if !e.1.contains(&reason) {
            e.1.push(reason);
        }
    };
    // Same mailbox.
    let mut by_mailbox: HashMap<String, Vec<(i64, &str)>> = HashMap::new();
    for c in contacts {
        for e in &c.emails {
            by_mailbox.entry(mailbox(e)).or_default().push((c.id, e));
        }
    }
    for list in by_mailbox.values() {
        for (i, (x, ex)) in list.iter().enumerate() {
            for (y, ey) in &list[i + 1..] {
                add(*x, *y, 0.9, format!("same mailbox: {ex} and {ey}"));
            }
        }
    }
    // The same national number under another country code (a number typed without its
    // country code and read in the wrong region).
    let mut by_number: HashMap<u64, Vec<(i64, u16, &str)>> = HashMap::new();
    for c in contacts {
        for p in &c.phones {
            if let Some((code, n)) = national(p) {
                by_number.entry(n).or_default().push((c.id, code, p));
            }
        }
    }
    for list in by_number.values() {
        for (i, (x, cx, px)) in list.iter().enumerate() {
            for (y, cy, py) in &list[i + 1..] {
                if cx != cy {
                    add(
                        *x,
                        *y,
                        0.6,
                        format!("same number under another country code: {px} and {py}"),
                    );
                }
            }
        }
    }
    // Names, in blocks by the surname's first three letters.
    let named: Vec<(&Candidate, String)> = contacts
        .iter()
        .filter_map(|c| comparable_name(&c.name).map(|n| (c, n)))
        .collect();
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, n)) in named.iter().enumerate() {
        let last = n.rsplit(' ').next().unwrap_or(n);
        blocks
            .entry(last.chars().take(3).collect())
            .or_default()
            .push(i);
    }
    for members in blocks.values() {
        for (k, &i) in members.iter().enumerate() {
            for &j in &members[k + 1..] {
                let ((ci, ni), (cj, nj)) = (&named[i], &named[j]);
                let same_company = ci.company.is_some() && ci.company == cj.company;
                let (score, reason) = if ni == nj {
                    (0.5, format!("same name: {}", ci.name))
                } else {
                    let sim = strsim::jaro_winkler(ni, nj);
                    if sim < SIMILAR {
                        continue;
                    }
                    (0.4, format!("similar names: {} and {}", ci.name, cj.name))
                };
                add(ci.id, cj.id, score, reason);
                if same_company {
                    add(
                        ci.id,
                        cj.id,
                        0.4,
                        format!("both at {}", ci.company.as_deref().unwrap_or("")),
                    );
                }
            }
        }
    }
    let mut out: Vec<Pair> = pairs
        .into_iter()
        .map(|((a, b), (score, reasons))| Pair {
            a,
            b,
            score,
            reasons,
        })
        .collect();
    out.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(
        id: i64,
        name: &str,
        emails: &[&str],
        phones: &[&str],
        company: Option<&str>,
    ) -> Candidate {
        Candidate {
            id,
            name: name.into(),
            company: company.map(Into::into),
            emails: emails.iter().map(|s| (*s).to_owned()).collect(),
            phones: phones.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn mailboxes_follow_the_providers_rules() {
        assert_eq!(mailbox("Ann.Lee+shop@GMail.com"), "annlee@gmail.com");
        assert_eq!(mailbox("ann.lee@googlemail.com"), "annlee@gmail.com");
        assert_eq!(mailbox("ann.lee+x@example.com"), "ann.lee@example.com");
        assert_eq!(mailbox("not-an-email"), "not-an-email");
    }

    #[test]
    fn names_compare_without_case_punctuation_or_fake_names() {
        assert_eq!(
            comparable_name("  O'Brien,  Dana "),
            Some("o brien dana".into())
        );
        assert_eq!(comparable_name("+1 415 555 0100"), None);
        assert_eq!(comparable_name("ann@x.com"), None);
        assert_eq!(comparable_name(""), None);
    }

    #[test]
    fn finds_the_same_person_and_ranks_surer_pairs_first() {
        let list = [
            c(1, "Ann Lee", &["ann.lee@gmail.com"], &[], None),
            c(2, "Annie Lee", &["annlee+shop@gmail.com"], &[], None),
            c(3, "Bo Chen", &[], &["+14155550100"], Some("Acme")),
            c(4, "Bo Chen", &[], &["+442079460958"], Some("Acme")),
            c(5, "Jonathan Smith", &["js@a.com"], &[], None),
            c(6, "Jonathon Smith", &["jsmith@b.com"], &[], None),
            c(7, "Carla Diaz", &["carla@x.com"], &[], None),
            c(8, "+14155550199", &[], &["+14155550199"], None),
        ];
        let pairs = find(&list);
        let ids: Vec<(i64, i64)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(ids, [(1, 2), (3, 4), (5, 6)], "{pairs:#?}");
        assert!(pairs[0].reasons[0].starts_with("same mailbox"));
        assert!(pairs[1].reasons.iter().any(|r| r == "same name: Bo Chen"));
        assert!(pairs[1].reasons.iter().any(|r| r == "both at Acme"));
        assert!(pairs[2].reasons[0].starts_with("similar names"));
        assert!(pairs[0].score > pairs[2].score);
        // Different numbers, different names: nothing; the same digits in two US area
        // codes are different numbers.
        assert!(find(&list[6..]).is_empty());
        let us = [
            c(1, "A", &[], &["+12122010000"], None),
            c(2, "B", &[], &["+15122010000"], None),
        ];
        assert!(find(&us).is_empty());
        let moved = [
            c(1, "A", &[], &["+442079460958"], None),
            c(2, "B", &[], &["+12079460958"], None),
        ];
        let p = find(&moved);
        assert_eq!(p.len(), 1);
        assert!(p[0].reasons[0].starts_with("same number under another country code"));
    }
}
