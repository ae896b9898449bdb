//! The general settings form: what was typed, checked before it is sent.

use hearth_types::{GeneralSettings, SetGeneral};

/// The typed fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeneralForm {
    pub region: String,
    pub mail_poll_secs: String,
}

impl GeneralForm {
    pub fn from_settings(settings: &GeneralSettings) -> GeneralForm {
        GeneralForm {
            region: settings.default_region.clone(),
            mail_poll_secs: settings.mail_poll_secs.to_string(),
        }
    }

    /// What to send, or why it cannot be sent (the core checks the region's code itself).
    pub fn input(&self) -> Result<SetGeneral, String> {
        let region = self.region.trim().to_ascii_uppercase();
        if region.len() != 2 || !region.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err("The phone region is a two-letter country code, such as US or GB.".into());
        }
        let secs: u64 = self
            .mail_poll_secs
            .trim()
            .parse()
            .map_err(|_| "Check mail every: a whole number of seconds.".to_owned())?;
        if !(30..=86_400).contains(&secs) {
            return Err("Check mail every 30 to 86400 seconds (30 s to a day).".into());
        }
        Ok(SetGeneral {
            default_region: region,
            mail_poll_secs: secs,
        })
    }
}

/// A data folder must be an absolute path.
pub fn check_folder(path: &str) -> Result<String, String> {
    let path = path.trim();
    if path.starts_with('/') && path.len() > 1 {
        Ok(path.to_owned())
    } else {
        Err("Give the full path of the folder, starting with /.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_form_becomes_a_request() {
        let form = GeneralForm {
            region: " gb ".into(),
            mail_poll_secs: "120".into(),
        };
        assert_eq!(
            form.input().unwrap(),
            SetGeneral {
                default_region: "GB".into(),
                mail_poll_secs: 120
            }
        );
    }

    #[test]
    fn bad_fields_say_why() {
        let bad = |region: &str, secs: &str| {
            GeneralForm {
                region: region.into(),
                mail_poll_secs: secs.into(),
            }
            .input()
            .unwrap_err()
        };
        assert!(bad("USA", "300").contains("two-letter"));
        assert!(bad("U1", "300").contains("two-letter"));
        assert!(bad("US", "five").contains("whole number"));
        assert!(bad("US", "10").contains("30 to 86400"));
        assert!(bad("US", "100000").contains("30 to 86400"));
    }

    #[test]
    fn folders_are_absolute() {
        assert_eq!(
            check_folder(" /mnt/sync/hearth ").unwrap(),
            "/mnt/sync/hearth"
        );
        assert!(check_folder("hearth").is_err());
        assert!(check_folder("/").is_err());
        assert!(check_folder("").is_err());
    }
}
