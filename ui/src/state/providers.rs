//! The VAPI and Telnyx settings forms: which fields each provider has, the form's values,
//! and the request they make. The API key is write-only: it is sent to be stored in the
//! OS keyring and never shown again.

use std::rc::Rc;

use hearth_types::{ProviderInput, ProviderView};
use yew::Reducible;

/// One field of a provider form: (name, label, hint).
pub type FieldSpec = (&'static str, &'static str, &'static str);

/// The fields of a provider's form, in order.
pub fn fields(provider: &str) -> &'static [FieldSpec] {
    match provider {
        "vapi" => &[
            (
                "key",
                "Private API key",
                "from the VAPI dashboard; kept in the OS keyring",
            ),
            (
                "assistant_id",
                "Assistant id",
                "the assistant that places AI calls",
            ),
            (
                "phone_number_id",
                "Phone number id",
                "the VAPI number calls go out from",
            ),
            ("base_url", "API address", "https://api.vapi.ai"),
            ("poll_secs", "Check every (seconds)", "120"),
        ],
        _ => &[
            (
                "key",
                "API key (v2)",
                "from the Telnyx portal; kept in the OS keyring",
            ),
            ("from_number", "Sending number", "+18445550001"),
            (
                "messaging_profile_id",
                "Messaging profile id",
                "only when sending needs one",
            ),
            ("base_url", "API address", "https://api.telnyx.com/v2"),
            ("poll_secs", "Check every (seconds)", "120"),
        ],
    }
}

/// A provider form's values and what its last save said.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderForm {
    pub provider: String,
    pub configured: bool,
    pub values: Vec<(String, String)>,
    pub saving: bool,
    /// (ok, words) of the last save.
    pub message: Option<(bool, String)>,
}

pub enum ProviderAction {
    /// The stored settings arrived (or the provider is not set up).
    Loaded(Option<ProviderView>),
    Set(String, String),
    Saving,
    Saved(Result<ProviderView, String>),
}

impl ProviderForm {
    pub fn new(provider: &str) -> ProviderForm {
        ProviderForm {
            provider: provider.into(),
            values: fields(provider)
                .iter()
                .map(|(name, _, _)| ((*name).to_owned(), String::new()))
                .collect(),
            ..ProviderForm::default()
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn set(&mut self, name: &str, value: String) {
        if let Some(slot) = self.values.iter_mut().find(|(n, _)| n == name) {
            slot.1 = value;
        }
    }

    fn fill(&mut self, view: &ProviderView) {
        let base = if view.base_url == default_base(&self.provider) {
            String::new()
        } else {
            view.base_url.clone()
        };
        self.set("base_url", base);
        self.set(
            "assistant_id",
            view.assistant_id.clone().unwrap_or_default(),
        );
        self.set(
            "phone_number_id",
            view.phone_number_id.clone().unwrap_or_default(),
        );
        self.set("from_number", view.from_number.clone().unwrap_or_default());
        self.set(
            "messaging_profile_id",
            view.messaging_profile_id.clone().unwrap_or_default(),
        );
        self.set("poll_secs", view.poll_secs.to_string());
        self.set("key", String::new());
        self.configured = true;
    }

    /// The request this form makes, or what is wrong with it.
    pub fn input(&self) -> Result<ProviderInput, String> {
        let opt = |name: &str| Some(self.value(name).trim().to_owned()).filter(|v| !v.is_empty());
        let key = opt("key");
        if key.is_none() && !self.configured {
            return Err("Enter the API key.".into());
        }
        let poll_secs = match opt("poll_secs") {
            Some(p) => Some(
                p.parse::<u64>()
                    .ok()
                    .filter(|s| *s >= 10)
                    .ok_or("Check every 10 seconds or more.")?,
            ),
            None => None,
        };
        Ok(ProviderInput {
            provider: self.provider.clone(),
            base_url: opt("base_url"),
            key,
            assistant_id: opt("assistant_id"),
            phone_number_id: opt("phone_number_id"),
            from_number: opt("from_number"),
            messaging_profile_id: opt("messaging_profile_id"),
            poll_secs,
        })
    }
}

fn default_base(provider: &str) -> &'static str {
    if provider == "vapi" {
        "https://api.vapi.ai"
    } else {
        "https://api.telnyx.com/v2"
    }
}

impl Reducible for ProviderForm {
    type Action = ProviderAction;

    fn reduce(self: Rc<Self>, action: ProviderAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ProviderAction::Loaded(Some(view)) => next.fill(&view),
            ProviderAction::Loaded(None) => {}
            ProviderAction::Set(name, value) => {
                next.set(&name, value);
                next.message = None;
            }
            ProviderAction::Saving => {
                next.saving = true;
                next.message = None;
            }
            ProviderAction::Saved(Ok(view)) => {
                next.saving = false;
                next.fill(&view);
                next.message = Some((
                    true,
                    format!("Saved; {} is being checked now.", view.provider),
                ));
            }
            ProviderAction::Saved(Err(e)) => {
                next.saving = false;
                next.message = Some((false, e));
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> ProviderView {
        ProviderView {
            provider: "telnyx".into(),
            base_url: "https://api.telnyx.com/v2".into(),
            assistant_id: None,
            phone_number_id: None,
            from_number: Some("+18445550001".into()),
            messaging_profile_id: None,
            poll_secs: 120,
            last_sync_at: None,
            last_error: None,
            retry_at: None,
        }
    }

    #[test]
    fn a_new_provider_needs_its_key_and_a_sane_interval() {
        let form = Rc::new(ProviderForm::new("telnyx"));
        assert_eq!(form.input().unwrap_err(), "Enter the API key.");
        let form = form.reduce(ProviderAction::Set("key".into(), " KEY ".into()));
        let form = form.reduce(ProviderAction::Set("poll_secs".into(), "5".into()));
        assert!(form.input().unwrap_err().contains("10 seconds"));
        let form = form.reduce(ProviderAction::Set("poll_secs".into(), "60".into()));
        let input = form.input().unwrap();
        assert_eq!(input.key.as_deref(), Some("KEY"));
        assert_eq!(input.poll_secs, Some(60));
        assert_eq!(input.base_url, None, "empty means the real API");
    }

    #[test]
    fn a_saved_provider_fills_the_form_but_never_the_key() {
        let form =
            Rc::new(ProviderForm::new("telnyx")).reduce(ProviderAction::Loaded(Some(view())));
        assert!(form.configured);
        assert_eq!(form.value("from_number"), "+18445550001");
        assert_eq!(
            form.value("base_url"),
            "",
            "the default address is not repeated"
        );
        assert_eq!(form.value("key"), "");
        let input = form.input().unwrap();
        assert_eq!(input.key, None, "no key: the stored one is kept");
        let failed = form.reduce(ProviderAction::Saved(Err(
            "telnyx refused the API key".into()
        )));
        assert_eq!(
            failed.message,
            Some((false, "telnyx refused the API key".into()))
        );
    }
}
