//! New records on their way into the store.

use hearth_types::{Channel, ContactEdit, ContactInput, ContactStatus, Direction, IdentityKind};

/// A contact to create. Identities are raw here and normalized by the store with the
/// business's default region.
#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub name: String,
    pub company: Option<String>,
    pub status: Option<ContactStatus>,
    pub notes: Option<String>,
    pub identities: Vec<(IdentityKind, String)>,
}

/// An interaction as a sync or import produces it. `(source, source_account, source_id)`
/// identifies it: upserting the same key again updates the row instead of duplicating it.
#[derive(Debug, Clone)]
pub struct NewInteraction {
    pub contact_id: Option<i64>,
    pub channel: Channel,
    pub direction: Direction,
    pub occurred_at: i64,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// The message's HTML as received; sanitized whenever it is shown.
    pub body_html: Option<String>,
    pub summary: Option<String>,
    pub sentiment: Option<f64>,
    pub source: String,
    pub source_account: String,
    pub source_id: String,
    pub thread_key: Option<String>,
    pub duration_ms: Option<i64>,
    pub cost_micros: Option<i64>,
    pub metadata: serde_json::Value,
}

impl NewInteraction {
    /// A minimal interaction; fill the optional fields with struct update syntax.
    pub fn new(
        channel: Channel,
        direction: Direction,
        occurred_at: i64,
        source: impl Into<String>,
        source_id: impl Into<String>,
    ) -> Self {
        NewInteraction {
            contact_id: None,
            channel,
            direction,
            occurred_at,
            subject: None,
            body: None,
            body_html: None,
            summary: None,
            sentiment: None,
            source: source.into(),
            source_account: String::new(),
            source_id: source_id.into(),
            thread_key: None,
            duration_ms: None,
            cost_micros: None,
            metadata: serde_json::Value::Object(Default::default()),
        }
    }
}

/// An order from a shop, an import or the demo; `(source, external_id)` identifies it.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub contact_id: Option<i64>,
    pub source: String,
    pub external_id: String,
    pub placed_at: i64,
    pub total_minor: i64,
    /// ISO 4217 code, e.g. "USD".
    pub currency: String,
    pub status: String,
    /// Line items as JSON (`[{"name":..,"qty":..,"price_minor":..}]`).
    pub items: serde_json::Value,
}

/// A deal (an opportunity) with a contact.
#[derive(Debug, Clone)]
pub struct NewDeal {
    pub contact_id: i64,
    pub title: String,
    pub value_minor: i64,
    pub currency: String,
    /// new, qualified, proposal, negotiation, won or lost.
    pub stage: String,
    pub probability: i64,
    pub expected_close: Option<i64>,
}

/// A follow-up task.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub contact_id: i64,
    pub title: String,
    pub due_at: Option<i64>,
    /// low, normal, high or urgent.
    pub priority: String,
}

/// Changes to a contact; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub name: Option<String>,
    /// `Some("")` removes the company.
    pub company: Option<String>,
    pub status: Option<ContactStatus>,
    pub notes: Option<String>,
    pub add_identities: Vec<(IdentityKind, String)>,
    /// Normalized values (as shown) to remove.
    pub remove_identities: Vec<(IdentityKind, String)>,
}

/// Emails first, then phones, each as typed.
fn typed_identities(emails: Vec<String>, phones: Vec<String>) -> Vec<(IdentityKind, String)> {
    let emails = emails.into_iter().map(|e| (IdentityKind::Email, e));
    let phones = phones.into_iter().map(|p| (IdentityKind::Phone, p));
    emails.chain(phones).collect()
}

impl From<ContactInput> for NewContact {
    fn from(input: ContactInput) -> Self {
        NewContact {
            name: input.name,
            company: input.company,
            status: input.status,
            notes: input.notes,
            identities: typed_identities(input.emails, input.phones),
        }
    }
}

/// The contact's id stays with the caller.
impl From<ContactEdit> for ContactChanges {
    fn from(edit: ContactEdit) -> Self {
        ContactChanges {
            name: edit.name,
            company: edit.company,
            status: edit.status,
            notes: edit.notes,
            add_identities: typed_identities(edit.add_emails, edit.add_phones),
            remove_identities: edit.remove.into_iter().map(|i| (i.kind, i.value)).collect(),
        }
    }
}
