//! The new/edit contact form: fields as typed, and what to send on save.
//!
//! Pure: `hooks/use_save_contact.rs` makes the call and dispatches how it ended. Every email
//! and phone is an input row; on edit, rows start with the contact's identities and saving
//! sends the difference (rows gone or changed are removed, new text is added). The core
//! checks everything at once, and its refusal is kept word for word beside the form while
//! the typed input stays.

use std::rc::Rc;

use hearth_types::{
    ContactEdit, ContactInput, ContactProfile, ContactStatus, Identity, IdentityKind,
};
use yew::Reducible;

/// What the form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    New,
    /// Editing the contact with this id; `original` are its emails and phones as loaded.
    Edit {
        id: i64,
        original: Vec<Identity>,
    },
}

/// A text field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Company,
    Notes,
}

/// One of the two lists of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Emails,
    Phones,
}

/// What can happen to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAction {
    Set(Field, String),
    SetStatus(ContactStatus),
    SetRow(List, usize, String),
    AddRow(List),
    RemoveRow(List, usize),
    Saving,
    /// The core refused; the message is shown as it came.
    Failed(String),
}

/// What saving sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Save {
    Create(ContactInput),
    Update(ContactEdit),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactForm {
    pub mode: Mode,
    pub name: String,
    pub company: String,
    pub status: ContactStatus,
    pub notes: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub saving: bool,
    pub error: Option<String>,
}

impl ContactForm {
    /// An empty form with one email row and one phone row.
    pub fn new_contact() -> ContactForm {
        ContactForm {
            mode: Mode::New,
            name: String::new(),
            company: String::new(),
            status: ContactStatus::Lead,
            notes: String::new(),
            emails: vec![String::new()],
            phones: vec![String::new()],
            saving: false,
            error: None,
        }
    }

    /// The form filled with a contact as its profile shows it. Handles are not edited here
    /// and stay as they are.
    pub fn edit(profile: &ContactProfile) -> ContactForm {
        let c = &profile.contact;
        let of = |kind: IdentityKind| -> Vec<String> {
            c.identities
                .iter()
                .filter(|i| i.kind == kind)
                .map(|i| i.value.clone())
                .collect()
        };
        let original = c
            .identities
            .iter()
            .filter(|i| matches!(i.kind, IdentityKind::Email | IdentityKind::Phone))
            .cloned()
            .collect();
        ContactForm {
            mode: Mode::Edit { id: c.id, original },
            name: c.name.clone(),
            company: c.company.clone().unwrap_or_default(),
            status: c.status,
            notes: profile.notes.clone(),
            emails: of(IdentityKind::Email),
            phones: of(IdentityKind::Phone),
            saving: false,
            error: None,
        }
    }

    fn rows(&mut self, list: List) -> &mut Vec<String> {
        match list {
            List::Emails => &mut self.emails,
            List::Phones => &mut self.phones,
        }
    }

    /// What to send: a new contact, or the changes to the one being edited.
    pub fn save(&self) -> Save {
        let filled = |rows: &[String]| -> Vec<String> {
            rows.iter()
                .map(|r| r.trim())
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let (emails, phones) = (filled(&self.emails), filled(&self.phones));
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        match &self.mode {
            Mode::New => Save::Create(ContactInput {
                name: self.name.trim().to_owned(),
                company: optional(&self.company),
                status: Some(self.status),
                notes: optional(&self.notes),
                emails,
                phones,
            }),
            Mode::Edit { id, original } => {
                let kept = |kind: IdentityKind, value: &str| match kind {
                    IdentityKind::Email => emails.iter().any(|e| e == value),
                    _ => phones.iter().any(|p| p == value),
                };
                let is_original = |kind: IdentityKind, value: &str| {
                    original.iter().any(|i| i.kind == kind && i.value == value)
                };
                let new = |kind: IdentityKind, rows: &[String]| -> Vec<String> {
                    rows.iter()
                        .filter(|r| !is_original(kind, r))
                        .cloned()
                        .collect()
                };
                Save::Update(ContactEdit {
                    id: *id,
                    name: Some(self.name.trim().to_owned()),
                    company: Some(self.company.trim().to_owned()),
                    status: Some(self.status),
                    notes: Some(self.notes.clone()),
                    add_emails: new(IdentityKind::Email, &emails),
                    add_phones: new(IdentityKind::Phone, &phones),
                    remove: original
                        .iter()
                        .filter(|i| !kept(i.kind, &i.value))
                        .cloned()
                        .collect(),
                })
            }
        }
    }
}

impl Reducible for ContactForm {
    type Action = FormAction;

    fn reduce(self: Rc<Self>, action: FormAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FormAction::Set(Field::Name, v) => next.name = v,
            FormAction::Set(Field::Company, v) => next.company = v,
            FormAction::Set(Field::Notes, v) => next.notes = v,
            FormAction::SetStatus(s) => next.status = s,
            FormAction::SetRow(list, i, v) => {
                if let Some(row) = next.rows(list).get_mut(i) {
                    *row = v;
                }
            }
            FormAction::AddRow(list) => next.rows(list).push(String::new()),
            FormAction::RemoveRow(list, i) => {
                let rows = next.rows(list);
                if i < rows.len() {
                    rows.remove(i);
                }
            }
            FormAction::Saving => {
                next.saving = true;
                next.error = None;
            }
            FormAction::Failed(e) => {
                next.saving = false;
                next.error = Some(e);
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use hearth_types::ContactSummary;

    use super::*;

    fn run(form: ContactForm, actions: Vec<FormAction>) -> ContactForm {
        let mut state = Rc::new(form);
        for a in actions {
            state = state.reduce(a);
        }
        (*state).clone()
    }

    fn id(kind: IdentityKind, value: &str) -> Identity {
        Identity {
            kind,
            value: value.into(),
        }
    }

    fn profile() -> ContactProfile {
        ContactProfile {
            contact: ContactSummary {
                id: 7,
                name: "Ana García".into(),
                company: Some("Casa".into()),
                status: ContactStatus::Customer,
                identities: vec![
                    id(IdentityKind::Email, "ana@example.com"),
                    id(IdentityKind::Phone, "+14155550199"),
                    id(IdentityKind::Phone, "+14155550100"),
                    id(IdentityKind::Handle, "@ana"),
                ],
                created_at: 0,
                updated_at: 0,
                last_contact_at: None,
                lifetime_value_minor: 0,
                score: None,
                tier: None,
                attention: None,
            },
            notes: "likes mornings".into(),
            deals: vec![],
            open_tasks: vec![],
            orders: vec![],
            channels: vec![],
            first_contact_at: None,
            last_contact_at: None,
            sentiment: None,
            intel: None,
        }
    }

    #[test]
    fn a_new_contact_sends_filled_rows_as_typed() {
        use FormAction::*;
        let form = run(
            ContactForm::new_contact(),
            vec![
                Set(Field::Name, " Ana ".into()),
                SetRow(List::Emails, 0, "ana@example.com".into()),
                AddRow(List::Emails),
                AddRow(List::Emails),
                SetRow(List::Emails, 2, "ana@work.example".into()),
                SetRow(List::Phones, 0, "(415) 555-0199".into()),
                SetStatus(ContactStatus::Vip),
            ],
        );
        assert_eq!(form.emails.len(), 3);
        assert_eq!(
            form.save(),
            Save::Create(ContactInput {
                name: "Ana".into(),
                company: None,
                status: Some(ContactStatus::Vip),
                notes: None,
                emails: vec!["ana@example.com".into(), "ana@work.example".into()],
                phones: vec!["(415) 555-0199".into()],
            })
        );
    }

    #[test]
    fn rows_are_added_and_removed_by_position() {
        use FormAction::*;
        let form = run(
            ContactForm::new_contact(),
            vec![
                SetRow(List::Phones, 0, "1".into()),
                AddRow(List::Phones),
                SetRow(List::Phones, 1, "2".into()),
                RemoveRow(List::Phones, 0),
                RemoveRow(List::Phones, 9),
                SetRow(List::Phones, 5, "ignored".into()),
            ],
        );
        assert_eq!(form.phones, vec!["2".to_owned()]);
    }

    #[test]
    fn an_edit_sends_the_difference_and_keeps_handles() {
        use FormAction::*;
        let start = ContactForm::edit(&profile());
        assert_eq!(start.phones, vec!["+14155550199", "+14155550100"]);
        assert_eq!(start.company, "Casa");
        let form = run(
            start,
            vec![
                Set(Field::Name, "Ana G.".into()),
                RemoveRow(List::Phones, 1),
                AddRow(List::Emails),
                SetRow(List::Emails, 1, "ana@new.example".into()),
                Set(Field::Company, "".into()),
            ],
        );
        let Save::Update(edit) = form.save() else {
            panic!("an edit saves an update");
        };
        assert_eq!(edit.id, 7);
        assert_eq!(edit.name.as_deref(), Some("Ana G."));
        assert_eq!(edit.company.as_deref(), Some(""), "clears the company");
        assert_eq!(edit.add_emails, vec!["ana@new.example".to_owned()]);
        assert!(edit.add_phones.is_empty());
        assert_eq!(edit.remove, vec![id(IdentityKind::Phone, "+14155550100")]);
    }

    #[test]
    fn a_changed_row_removes_the_old_value_and_adds_the_new() {
        let form = run(
            ContactForm::edit(&profile()),
            vec![FormAction::SetRow(
                List::Emails,
                0,
                "ana@other.example".into(),
            )],
        );
        let Save::Update(edit) = form.save() else {
            panic!("an edit saves an update");
        };
        assert_eq!(edit.add_emails, vec!["ana@other.example".to_owned()]);
        assert_eq!(
            edit.remove,
            vec![id(IdentityKind::Email, "ana@example.com")]
        );
    }

    #[test]
    fn a_refusal_is_kept_verbatim_with_the_typed_input() {
        use FormAction::*;
        let form = run(
            ContactForm::new_contact(),
            vec![
                Set(Field::Name, "Ana".into()),
                Saving,
                Failed("email ana@example.com already belongs to contact 12".into()),
            ],
        );
        assert!(!form.saving);
        assert_eq!(form.name, "Ana");
        assert_eq!(
            form.error.as_deref(),
            Some("email ana@example.com already belongs to contact 12")
        );
        let again = run(form, vec![Saving]);
        assert!(again.saving);
        assert_eq!(again.error, None);
    }
}
