//! The settings page's state: mail accounts, the add-account form, connection tests and
//! the sync status panel.
//!
//! Pure: `hooks/use_settings.rs` makes the calls and dispatches what came back. Errors are
//! kept as the shell worded them, because they say exactly what failed (DNS, TLS trust,
//! login) and the user needs those words, not a paraphrase.

use std::collections::BTreeMap;
use std::rc::Rc;

use hearth_types::{MailAccountInput, MailAccountView, SourceStatus, SyncStatus};
use yew::Reducible;

/// The add-account form as typed: text, turned into a [`MailAccountInput`] on submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountForm {
    pub name: String,
    pub imap_host: String,
    pub imap_port: String,
    pub imap_security: String,
    pub username: String,
    /// The account's own addresses, separated by commas or new lines.
    pub addresses: String,
    pub password: String,
    pub ca_pem: String,
    pub smtp_host: String,
    pub smtp_port: String,
    pub smtp_security: String,
    /// Extra folders to sync besides INBOX and Sent, separated by commas.
    pub folders: String,
}

impl Default for AccountForm {
    fn default() -> AccountForm {
        AccountForm {
            name: String::new(),
            imap_host: String::new(),
            imap_port: String::new(),
            imap_security: "tls".into(),
            username: String::new(),
            addresses: String::new(),
            password: String::new(),
            ca_pem: String::new(),
            smtp_host: String::new(),
            smtp_port: String::new(),
            smtp_security: "tls".into(),
            folders: String::new(),
        }
    }
}

/// One field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    ImapHost,
    ImapPort,
    ImapSecurity,
    Username,
    Addresses,
    Password,
    CaPem,
    SmtpHost,
    SmtpPort,
    SmtpSecurity,
    Folders,
}

/// The usual port for a security mode, used when the port is left blank (and shown as
/// the field's placeholder).
pub fn default_port(security: &str, smtp: bool) -> u16 {
    match (smtp, security) {
        (false, "tls") => 993,
        (false, _) => 143,
        (true, "tls") => 465,
        (true, "starttls") => 587,
        (true, _) => 25,
    }
}

fn port(text: &str, security: &str, smtp: bool, what: &str) -> Result<u16, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(default_port(security, smtp));
    }
    match text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(format!(
            "the {what} port must be a number from 1 to 65535, not {text:?}"
        )),
    }
}

/// Items separated by commas or new lines, trimmed, blanks dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl AccountForm {
    pub fn set(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::Name => &mut self.name,
            Field::ImapHost => &mut self.imap_host,
            Field::ImapPort => &mut self.imap_port,
            Field::ImapSecurity => &mut self.imap_security,
            Field::Username => &mut self.username,
            Field::Addresses => &mut self.addresses,
            Field::Password => &mut self.password,
            Field::CaPem => &mut self.ca_pem,
            Field::SmtpHost => &mut self.smtp_host,
            Field::SmtpPort => &mut self.smtp_port,
            Field::SmtpSecurity => &mut self.smtp_security,
            Field::Folders => &mut self.folders,
        };
        *slot = value;
    }

    /// What the shell gets. Only what the typed request cannot carry is checked here
    /// (ports); names, hosts, addresses and certificates are checked by the core, whose
    /// messages are shown as they are.
    pub fn input(&self) -> Result<MailAccountInput, String> {
        let smtp_host = self.smtp_host.trim();
        let smtp = !smtp_host.is_empty();
        if !smtp && !self.smtp_port.trim().is_empty() {
            return Err("give the SMTP host too, or leave the SMTP port empty".into());
        }
        Ok(MailAccountInput {
            name: self.name.trim().to_owned(),
            imap_host: self.imap_host.trim().to_owned(),
            imap_port: port(&self.imap_port, &self.imap_security, false, "IMAP")?,
            imap_security: self.imap_security.clone(),
            username: self.username.trim().to_owned(),
            addresses: split_list(&self.addresses),
            ca_pem: (!self.ca_pem.trim().is_empty()).then(|| self.ca_pem.clone()),
            smtp_host: smtp.then(|| smtp_host.to_owned()),
            smtp_port: if smtp {
                Some(port(&self.smtp_port, &self.smtp_security, true, "SMTP")?)
            } else {
                None
            },
            smtp_security: smtp.then(|| self.smtp_security.clone()),
            folders: split_list(&self.folders),
            password: self.password.clone(),
        })
    }
}

/// A connection test of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Running,
    /// The shell's summary ("IMAP ok: will sync …").
    Passed(String),
    /// The error, verbatim.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsState {
    /// `None` until the first answer.
    pub accounts: Option<Vec<MailAccountView>>,
    pub accounts_error: Option<String>,
    /// `None` until the first answer.
    pub status: Option<SyncStatus>,
    pub status_error: Option<String>,
    pub form: AccountForm,
    /// Bumped when the form is cleared: the page draws it anew, because a `<select>` the
    /// user has touched no longer follows its options' `selected` attributes.
    pub form_generation: u32,
    pub saving: bool,
    /// Why the last submit failed, verbatim.
    pub form_error: Option<String>,
    /// What the last successful submit added.
    pub added: Option<String>,
    pub checks: BTreeMap<String, Check>,
    /// The account whose Remove asks for confirmation.
    pub confirm_remove: Option<String>,
    /// A remove that failed: the account and why.
    pub remove_error: Option<(String, String)>,
    /// A sync now or pause that failed.
    pub action_error: Option<String>,
    /// Pause (true) or resume asked for; the job obeys once the current pass ends, so
    /// until a status agrees the panel shows what was asked.
    pub pause_asked: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SettingsAction {
    AccountsLoaded(Result<Vec<MailAccountView>, String>),
    StatusLoaded(Result<SyncStatus, String>),
    Edit(Field, String),
    /// The form was refused before it was sent.
    Invalid(String),
    Saving,
    Saved(Result<MailAccountView, String>),
    Testing(String),
    Tested {
        name: String,
        result: Result<String, String>,
    },
    AskRemove(String),
    CancelRemove,
    Removed {
        name: String,
        result: Result<(), String>,
    },
    SyncAsked,
    PauseAsked(bool),
    ActionFailed(String),
}

/// One line of the sync status panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub source: String,
    pub account: String,
    /// Empty for an account none of whose folders is known yet.
    pub folder: String,
    /// "idle", "syncing", "error", "paused", or "waiting" (never synced yet).
    pub state: String,
    /// Done of total while syncing.
    pub progress: Option<(u64, u64)>,
    /// "N of M stored".
    pub stored: String,
    pub error: Option<String>,
    pub retry_at: Option<i64>,
    pub last_synced_at: Option<i64>,
}

fn row(s: &SourceStatus) -> StatusRow {
    let progress = match (s.state.as_str(), s.done, s.total) {
        ("syncing", Some(done), Some(total)) => Some((done, total)),
        _ => None,
    };
    let stored = match s.server_total {
        Some(total) => format!("{} of {total} stored", s.stored),
        None => format!("{} stored", s.stored),
    };
    StatusRow {
        source: s.source.clone(),
        account: s.account.clone(),
        folder: s.folder.clone(),
        state: s.state.clone(),
        progress,
        stored,
        error: (s.state == "error").then(|| s.last_error.clone()).flatten(),
        retry_at: (s.state == "error").then_some(s.retry_at).flatten(),
        last_synced_at: s.last_synced_at,
    }
}

impl SettingsState {
    /// Whether sync is paused, or asked to be.
    pub fn paused(&self) -> bool {
        self.pause_asked
            .unwrap_or_else(|| self.status.as_ref().is_some_and(|s| s.paused))
    }

    /// Whether a pause or resume was asked for and the job has not obeyed yet.
    pub fn pause_pending(&self) -> bool {
        match (self.pause_asked, &self.status) {
            (Some(asked), Some(status)) => asked != status.paused,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The panel's rows: every known folder, then a "waiting" row for each account none
    /// of whose folders is known yet (added a moment ago, or never able to log in).
    pub fn status_rows(&self) -> Vec<StatusRow> {
        let sources = self
            .status
            .as_ref()
            .map(|s| s.sources.as_slice())
            .unwrap_or_default();
        let mut rows: Vec<StatusRow> = sources.iter().map(row).collect();
        for account in self.accounts.iter().flatten() {
            if !sources.iter().any(|s| s.account == account.name) {
                rows.push(StatusRow {
                    source: "mail".into(),
                    account: account.name.clone(),
                    folder: String::new(),
                    state: if self.paused() { "paused" } else { "waiting" }.into(),
                    progress: None,
                    stored: "nothing stored yet".into(),
                    error: None,
                    retry_at: None,
                    last_synced_at: None,
                });
            }
        }
        rows
    }

    /// Whether nothing is connected at all (once both lists have loaded).
    pub fn nothing_connected(&self) -> bool {
        matches!(&self.accounts, Some(a) if a.is_empty())
            && matches!(&self.status, Some(s) if s.sources.is_empty())
    }
}

impl Reducible for SettingsState {
    type Action = SettingsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            SettingsAction::AccountsLoaded(Ok(accounts)) => {
                next.checks
                    .retain(|name, _| accounts.iter().any(|a| &a.name == name));
                next.accounts = Some(accounts);
                next.accounts_error = None;
            }
            SettingsAction::AccountsLoaded(Err(e)) => next.accounts_error = Some(e),
            SettingsAction::StatusLoaded(Ok(status)) => {
                let obeyed = next.pause_asked == Some(status.paused);
                if !obeyed && next.status.as_ref() == Some(&status) && next.status_error.is_none() {
                    // Polled every second: an unchanged answer redraws nothing.
                    return self;
                }
                if obeyed {
                    next.pause_asked = None;
                }
                next.status = Some(status);
                next.status_error = None;
            }
            SettingsAction::StatusLoaded(Err(e)) => next.status_error = Some(e),
            SettingsAction::Edit(field, value) => {
                next.form.set(field, value);
                next.added = None;
            }
            SettingsAction::Invalid(e) => {
                next.form_error = Some(e);
                next.added = None;
            }
            SettingsAction::Saving => {
                next.saving = true;
                next.form_error = None;
                next.added = None;
            }
            SettingsAction::Saved(Ok(account)) => {
                next.saving = false;
                next.form = AccountForm::default();
                next.form_generation = next.form_generation.wrapping_add(1);
                next.added = Some(format!(
                    "Added {}: the first sync starts now.",
                    account.name
                ));
                next.checks.remove(&account.name);
                let accounts = next.accounts.get_or_insert_with(Vec::new);
                if !accounts.iter().any(|a| a.name == account.name) {
                    accounts.push(account);
                }
            }
            SettingsAction::Saved(Err(e)) => {
                next.saving = false;
                next.form_error = Some(e);
            }
            SettingsAction::Testing(name) => {
                next.checks.insert(name, Check::Running);
            }
            SettingsAction::Tested { name, result } => {
                let check = match result {
                    Ok(summary) => Check::Passed(summary),
                    Err(e) => Check::Failed(e),
                };
                next.checks.insert(name, check);
            }
            SettingsAction::AskRemove(name) => {
                next.confirm_remove = Some(name);
                next.remove_error = None;
            }
            SettingsAction::CancelRemove => next.confirm_remove = None,
            SettingsAction::Removed { name, result } => {
                next.confirm_remove = None;
                match result {
                    Ok(()) => {
                        if let Some(accounts) = &mut next.accounts {
                            accounts.retain(|a| a.name != name);
                        }
                        if let Some(status) = &mut next.status {
                            status.sources.retain(|s| s.account != name);
                        }
                        next.checks.remove(&name);
                        next.remove_error = None;
                    }
                    Err(e) => next.remove_error = Some((name, e)),
                }
            }
            SettingsAction::SyncAsked => next.action_error = None,
            SettingsAction::PauseAsked(paused) => {
                next.pause_asked = Some(paused);
                next.action_error = None;
            }
            SettingsAction::ActionFailed(e) => {
                next.pause_asked = None;
                next.action_error = Some(e);
            }
        }
        Rc::new(next)
    }
}

/// The header's one-glance sync indicator: a state (for its colour) and a label, or
/// `None` when nothing is connected.
pub fn indicator(status: &SyncStatus) -> Option<(&'static str, String)> {
    if status.sources.is_empty() && status.outbox_pending + status.outbox_unknown == 0 {
        return None;
    }
    let errors = status.sources.iter().filter(|s| s.state == "error").count();
    let syncing: Vec<&SourceStatus> = status
        .sources
        .iter()
        .filter(|s| s.state == "syncing")
        .collect();
    Some(if status.paused {
        ("paused", "Sync paused".into())
    } else if errors > 0 {
        let noun = if errors == 1 { "folder" } else { "folders" };
        ("error", format!("Sync error ({errors} {noun})"))
    } else if !syncing.is_empty() {
        let done: u64 = syncing.iter().filter_map(|s| s.done).sum();
        let total: u64 = syncing.iter().filter_map(|s| s.total).sum();
        if total > 0 {
            ("syncing", format!("Syncing {done} / {total}"))
        } else {
            ("syncing", "Syncing…".into())
        }
    } else if status.outbox_pending > 0 {
        (
            "waiting",
            format!("{} waiting to send", status.outbox_pending),
        )
    } else {
        ("idle", "Up to date".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> AccountForm {
        let mut form = AccountForm::default();
        for (field, value) in [
            (Field::Name, " shop "),
            (Field::ImapHost, " 127.0.0.1 "),
            (Field::ImapSecurity, "plain"),
            (Field::Username, "owner@example.test"),
            (
                Field::Addresses,
                "owner@shop.test, owner@example.test\n\n sales@shop.test ,",
            ),
            (Field::Password, " secret "),
        ] {
            form.set(field, value.into());
        }
        form
    }

    fn source(account: &str, folder: &str, state: &str) -> SourceStatus {
        SourceStatus {
            source: "mail".into(),
            account: account.into(),
            folder: folder.into(),
            state: state.into(),
            stored: 10,
            server_total: Some(40),
            done: Some(3),
            total: Some(30),
            last_error: Some(
                "imap.example.com refused the login for ana: [AUTHENTICATIONFAILED]".into(),
            ),
            retry_at: Some(1_000),
            last_synced_at: None,
        }
    }

    fn account(name: &str) -> MailAccountView {
        MailAccountView {
            name: name.into(),
            imap: "127.0.0.1:143 (plain)".into(),
            username: "u".into(),
            addresses: vec!["u@x.test".into()],
            smtp: None,
            folders: Vec::new(),
        }
    }

    #[test]
    fn the_form_becomes_a_request_with_default_ports_and_split_addresses() {
        let input = filled().input().unwrap();
        assert_eq!(input.name, "shop");
        assert_eq!(input.imap_host, "127.0.0.1");
        assert_eq!(
            (input.imap_port, input.imap_security.as_str()),
            (143, "plain")
        );
        assert_eq!(
            input.addresses,
            ["owner@shop.test", "owner@example.test", "sales@shop.test"]
        );
        assert_eq!(input.password, " secret ", "passwords are taken as typed");
        assert_eq!(
            (input.smtp_host, input.smtp_port, input.smtp_security),
            (None, None, None)
        );
        assert_eq!(input.ca_pem, None);
        assert!(input.folders.is_empty());

        let mut form = filled();
        form.set(Field::ImapSecurity, "tls".into());
        form.set(Field::SmtpHost, "smtp.example.com".into());
        form.set(Field::SmtpSecurity, "starttls".into());
        form.set(Field::Folders, "Archive, Clients/2024".into());
        form.set(Field::CaPem, "-----BEGIN CERTIFICATE-----".into());
        let input = form.input().unwrap();
        assert_eq!(input.imap_port, 993);
        assert_eq!(input.smtp_host.as_deref(), Some("smtp.example.com"));
        assert_eq!(input.smtp_port, Some(587));
        assert_eq!(input.smtp_security.as_deref(), Some("starttls"));
        assert_eq!(input.folders, ["Archive", "Clients/2024"]);
        assert!(input.ca_pem.is_some());
        form.set(Field::SmtpPort, "2525".into());
        assert_eq!(form.input().unwrap().smtp_port, Some(2525));
    }

    #[test]
    fn ports_must_be_numbers_and_an_smtp_port_needs_a_host() {
        let mut form = filled();
        form.set(Field::ImapPort, "99999".into());
        assert!(form.input().unwrap_err().contains("IMAP port"));
        form.set(Field::ImapPort, "0".into());
        assert!(form.input().is_err());
        form.set(Field::ImapPort, "1143".into());
        assert_eq!(form.input().unwrap().imap_port, 1143);
        form.set(Field::SmtpPort, "25".into());
        assert!(form.input().unwrap_err().contains("SMTP host"));
    }

    #[test]
    fn saving_clears_the_form_and_the_password_and_lists_the_account() {
        let s = Rc::new(SettingsState {
            form: filled(),
            accounts: Some(Vec::new()),
            ..Default::default()
        });
        let s = s.reduce(SettingsAction::Saving);
        assert!(s.saving);
        let generation = s.form_generation;
        let s = s.reduce(SettingsAction::Saved(Ok(account("shop"))));
        assert!(!s.saving);
        assert_ne!(s.form_generation, generation, "the form is drawn anew");
        assert_eq!(s.form, AccountForm::default());
        assert!(s.form.password.is_empty());
        assert_eq!(s.accounts.as_ref().unwrap().len(), 1);
        assert!(s.added.as_deref().unwrap().starts_with("Added shop"));
        // Editing again hides the note.
        let s = s.reduce(SettingsAction::Edit(Field::Name, "x".into()));
        assert_eq!(s.added, None);
    }

    #[test]
    fn a_refused_account_keeps_the_form_and_says_why_verbatim() {
        let s = Rc::new(SettingsState {
            form: filled(),
            ..Default::default()
        });
        let s = s
            .reduce(SettingsAction::Saving)
            .reduce(SettingsAction::Saved(Err(
                "plain text is only allowed to this computer".into(),
            )));
        assert!(!s.saving);
        assert_eq!(s.form, filled());
        assert_eq!(
            s.form_error.as_deref(),
            Some("plain text is only allowed to this computer")
        );
        let s = s.reduce(SettingsAction::Saving);
        assert_eq!(s.form_error, None, "a new try clears the old error");
    }

    #[test]
    fn tests_are_kept_per_account_and_forgotten_with_it() {
        let s = Rc::new(SettingsState {
            accounts: Some(vec![account("a"), account("b")]),
            ..Default::default()
        });
        let s = s
            .reduce(SettingsAction::Testing("a".into()))
            .reduce(SettingsAction::Testing("b".into()));
        assert_eq!(s.checks["a"], Check::Running);
        let s = s.reduce(SettingsAction::Tested {
            name: "b".into(),
            result: Err("b refused the login".into()),
        });
        assert_eq!(s.checks["b"], Check::Failed("b refused the login".into()));
        let s = s.reduce(SettingsAction::AskRemove("b".into()));
        assert_eq!(s.confirm_remove.as_deref(), Some("b"));
        let s = s.reduce(SettingsAction::Removed {
            name: "b".into(),
            result: Ok(()),
        });
        assert_eq!(s.confirm_remove, None);
        assert!(!s.checks.contains_key("b"));
        assert_eq!(s.accounts.as_ref().unwrap().len(), 1);
        let s = s.reduce(SettingsAction::Removed {
            name: "a".into(),
            result: Err("the keyring is locked".into()),
        });
        assert_eq!(
            s.remove_error,
            Some(("a".into(), "the keyring is locked".into()))
        );
        assert_eq!(s.accounts.as_ref().unwrap().len(), 1);
    }

    #[test]
    fn rows_show_progress_only_while_syncing_and_errors_only_in_error() {
        let status = SyncStatus {
            running: true,
            sources: vec![
                source("shop", "INBOX", "syncing"),
                source("shop", "Sent", "error"),
                source("shop", "Archive", "idle"),
            ],
            ..Default::default()
        };
        let s = Rc::new(SettingsState {
            accounts: Some(vec![account("shop"), account("new")]),
            ..Default::default()
        })
        .reduce(SettingsAction::StatusLoaded(Ok(status)));
        let rows = s.status_rows();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].progress, Some((3, 30)));
        assert_eq!(rows[0].stored, "10 of 40 stored");
        assert_eq!(rows[0].error, None);
        assert_eq!(rows[1].progress, None);
        assert!(rows[1]
            .error
            .as_deref()
            .unwrap()
            .contains("refused the login"));
        assert_eq!(rows[1].retry_at, Some(1_000));
        assert_eq!((rows[2].error.clone(), rows[2].retry_at), (None, None));
        // An account with no folder yet still has a row.
        assert_eq!(
            (
                rows[3].account.as_str(),
                rows[3].folder.as_str(),
                rows[3].state.as_str()
            ),
            ("new", "", "waiting")
        );
        assert!(!s.nothing_connected());
        let empty = Rc::new(SettingsState {
            accounts: Some(Vec::new()),
            ..Default::default()
        })
        .reduce(SettingsAction::StatusLoaded(Ok(SyncStatus::default())));
        assert!(empty.nothing_connected());
        assert!(
            !SettingsState::default().nothing_connected(),
            "not while loading"
        );
    }

    #[test]
    fn pause_shows_what_was_asked_until_the_job_obeys() {
        let s = Rc::new(SettingsState::default())
            .reduce(SettingsAction::StatusLoaded(Ok(SyncStatus::default())));
        assert!(!s.paused());
        let s = s.reduce(SettingsAction::PauseAsked(true));
        assert!(s.paused() && s.pause_pending());
        // A status from before the job obeyed does not flip the button back.
        let s = s.reduce(SettingsAction::StatusLoaded(Ok(SyncStatus::default())));
        assert!(s.paused() && s.pause_pending());
        let s = s.reduce(SettingsAction::StatusLoaded(Ok(SyncStatus {
            paused: true,
            ..Default::default()
        })));
        assert!(s.paused() && !s.pause_pending());
        assert_eq!(s.pause_asked, None);
        let s = s
            .reduce(SettingsAction::PauseAsked(false))
            .reduce(SettingsAction::ActionFailed("no job".into()));
        assert!(s.paused(), "a failed resume leaves it paused");
    }

    #[test]
    fn the_indicator_says_the_most_pressing_thing() {
        let mut status = SyncStatus::default();
        assert_eq!(indicator(&status), None);
        status.sources = vec![source("shop", "INBOX", "idle")];
        assert_eq!(indicator(&status).unwrap().0, "idle");
        status.outbox_pending = 2;
        assert_eq!(indicator(&status).unwrap().1, "2 waiting to send");
        status.sources.push(source("shop", "Sent", "syncing"));
        assert_eq!(indicator(&status).unwrap().1, "Syncing 3 / 30");
        status.sources.push(source("shop", "Archive", "error"));
        assert_eq!(indicator(&status).unwrap().1, "Sync error (1 folder)");
        status.paused = true;
        assert_eq!(indicator(&status).unwrap().0, "paused");
    }
}
