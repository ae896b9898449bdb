//! Orders from an import file, written in one transaction.
//!
//! Each order's customer is the contact owning its email, else its phone, else (a row
//! with a name only) the contact its order is already filed under or one created earlier
//! in the same file, else a new contact. A matched contact gains the row's email or phone
//! when nobody owns it yet. Orders are upserted on `(source, external_id)` and counted as
//! new, updated or unchanged, so importing a file a second time writes nothing.
//!
//! Each new or changed order is also a timeline item (channel `order`, from the customer),
//! keyed `order:<external id>` under the order's source, so a changed order updates its
//! item instead of adding one. An unchanged order that has no item yet (imported by an
//! older Hearth) gets one, so importing the file again fills in the timeline.
//!
//! Set-based where it is easy: lookups and the order upsert are one statement each over
//! JSON arrays (`json_each`), as in the mail batch; only new contacts cost statements per
//! row.

use std::collections::{HashMap, HashSet};

use hearth_types::{Channel, ContactStatus, Direction, IdentityKind};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::{Sqlite, Transaction};

use super::contacts::{add_contact_tx, insert_identity_tx};
use super::interactions::upsert_interactions_tx;
use super::{Store, StoreError};
use crate::domain::{NewContact, NewInteraction, NewOrder};
use crate::imports::{currency_exponent, OrderRecord};
use crate::now_ms;

/// Orders by what an import did to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OrderCounts {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Contacts by how an import found them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ContactCounts {
    pub created: u64,
    /// Contacts that existed before the import and have orders in it.
    pub matched: u64,
    /// Emails and phones added to matched contacts.
    pub identities_added: u64,
}

/// What an order import wrote (or, in a dry run, would have written).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OrderImportCounts {
    pub orders: OrderCounts,
    pub contacts: ContactCounts,
}

impl Store {
    /// Stores checked orders and their customers in one transaction; with `dry_run` the
    /// transaction is rolled back, so the counts say what an import would do.
    pub async fn import_orders(
        &self,
        records: &[OrderRecord],
        dry_run: bool,
    ) -> Result<OrderImportCounts, StoreError> {
        let mut tx = self.begin("import orders").await?;
        let counts = import_orders_tx(&mut tx, records).await?;
        if dry_run {
            tx.rollback()
                .await
                .map_err(StoreError::query("roll back a dry run"))?;
        } else {
            tx.commit()
                .await
                .map_err(StoreError::query("commit imported orders"))?;
        }
        Ok(counts)
    }

    /// The currency most of the business's orders are in, if it has any.
    pub async fn main_order_currency(&self) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar!(
            "SELECT currency FROM orders GROUP BY currency ORDER BY COUNT(*) DESC, currency \
             LIMIT 1"
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("find the main order currency"))
    }
}

/// An order as stored, to tell an update from a repeat.
struct Stored {
    contact_id: Option<i64>,
    placed_at: i64,
    total_minor: i64,
    currency: String,
    status: String,
    items: Option<Value>,
}

/// [`Store::import_orders`] inside a caller's transaction.
pub(crate) async fn import_orders_tx(
    tx: &mut Transaction<'static, Sqlite>,
    records: &[OrderRecord],
) -> Result<OrderImportCounts, StoreError> {
    let mut counts = OrderImportCounts::default();
    let stored = stored_orders_tx(tx, records).await?;
    let on_timeline = order_items_tx(tx, records).await?;
    let (mut emails, mut phones) = identity_owners_tx(tx, records).await?;

    let mut created: HashSet<i64> = HashSet::new();
    let mut matched: HashSet<i64> = HashSet::new();
    let mut by_name: HashMap<String, i64> = HashMap::new();
    let mut writes = Vec::new();
    let mut timeline = Vec::new();
    for record in records {
        let customer = &record.customer;
        let order = &record.order;
        let key = (order.source.clone(), order.external_id.clone());
        let owner = customer
            .email
            .as_ref()
            .and_then(|e| emails.get(e))
            .or_else(|| customer.phone.as_ref().and_then(|p| phones.get(p)))
            .copied();
        let named_only = customer.email.is_none() && customer.phone.is_none();
        let earlier = if named_only {
            stored.get(&key).and_then(|s| s.contact_id).or_else(|| {
                customer
                    .name
                    .as_ref()
                    .and_then(|n| by_name.get(&n.to_lowercase()))
                    .copied()
            })
        } else {
            None
        };
        let contact_id = match owner.or(earlier) {
            Some(id) => {
                if let Some(email) = customer.email.as_ref().filter(|e| !emails.contains_key(*e)) {
                    insert_identity_tx(tx, id, IdentityKind::Email, email).await?;
                    emails.insert(email.clone(), id);
                    counts.contacts.identities_added += 1;
                }
                if let Some(phone) = customer.phone.as_ref().filter(|p| !phones.contains_key(*p)) {
                    insert_identity_tx(tx, id, IdentityKind::Phone, phone).await?;
                    phones.insert(phone.clone(), id);
                    counts.contacts.identities_added += 1;
                }
                id
            }
            None => {
                let mut identities = Vec::new();
                if let Some(email) = &customer.email {
                    identities.push((IdentityKind::Email, email.clone()));
                }
                if let Some(phone) = &customer.phone {
                    identities.push((IdentityKind::Phone, phone.clone()));
                }
                let name = customer
                    .name
                    .clone()
                    .or_else(|| customer.email.clone())
                    .or_else(|| customer.phone.clone())
                    .unwrap_or_default();
                let new = NewContact {
                    name: name.clone(),
                    company: customer.company.clone(),
                    status: Some(ContactStatus::Customer),
                    ..NewContact::default()
                };
                let id = add_contact_tx(tx, &new, &name, &identities).await?;
                for (kind, value) in identities {
                    match kind {
                        IdentityKind::Email => emails.insert(value, id),
                        _ => phones.insert(value, id),
                    };
                }
                if named_only {
                    by_name.insert(name.to_lowercase(), id);
                }
                created.insert(id);
                id
            }
        };
        if !created.contains(&contact_id) {
            matched.insert(contact_id);
        }

        let same = stored.get(&key).is_some_and(|s| {
            s.contact_id == Some(contact_id)
                && s.placed_at == order.placed_at
                && s.total_minor == order.total_minor
                && s.currency == order.currency
                && s.status == order.status
                && s.items.as_ref() == Some(&order.items)
        });
        if same {
            counts.orders.unchanged += 1;
            if !on_timeline.contains(&(order.source.clone(), order_item_id(order))) {
                timeline.push(order_item(contact_id, order));
            }
            continue;
        }
        timeline.push(order_item(contact_id, order));
        if stored.contains_key(&key) {
            counts.orders.updated += 1;
        } else {
            counts.orders.new += 1;
        }
        writes.push(json!({
            "contact_id": contact_id,
            "source": order.source,
            "external_id": order.external_id,
            "placed_at": order.placed_at,
            "total_minor": order.total_minor,
            "currency": order.currency,
            "status": order.status,
            "items": order.items.to_string(),
        }));
    }
    counts.contacts.created = created.len() as u64;
    counts.contacts.matched = matched.len() as u64;

    if !writes.is_empty() {
        let rows = Value::Array(writes).to_string();
        let now = now_ms();
        // `WHERE true` tells SQLite's parser the ON CONFLICT belongs to the INSERT.
        sqlx::query!(
            "INSERT INTO orders (contact_id, source, external_id, placed_at, total_minor, \
                 currency, status, items, created_at, updated_at) \
             SELECT json_extract(value, '$.contact_id'), json_extract(value, '$.source'), \
                 json_extract(value, '$.external_id'), json_extract(value, '$.placed_at'), \
                 json_extract(value, '$.total_minor'), json_extract(value, '$.currency'), \
                 json_extract(value, '$.status'), json_extract(value, '$.items'), ?2, ?2 \
             FROM json_each(?1) WHERE true \
             ON CONFLICT (source, external_id) DO UPDATE SET \
                 contact_id = excluded.contact_id, placed_at = excluded.placed_at, \
                 total_minor = excluded.total_minor, currency = excluded.currency, \
                 status = excluded.status, items = excluded.items, \
                 updated_at = excluded.updated_at",
            rows,
            now
        )
        .execute(&mut **tx)
        .await
        .map_err(StoreError::query("write imported orders"))?;
    }
    if !timeline.is_empty() {
        upsert_interactions_tx(tx, &timeline).await?;
    }
    Ok(counts)
}

/// The timeline key of an order's item, under the order's source.
fn order_item_id(order: &NewOrder) -> String {
    format!("order:{}", order.external_id)
}

/// An order as a timeline item: "Order 1042: Water heater and 2 more", its total and
/// status, and the order's lines for the item's details.
fn order_item(contact_id: i64, order: &NewOrder) -> NewInteraction {
    // Files name a line's product in different ways; the first name found is used.
    let names: Vec<&str> = order
        .items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|line| {
            ["name", "title", "product", "description", "sku"]
                .iter()
                .find_map(|key| line.get(*key).and_then(Value::as_str))
        })
        .collect();
    let what = match names.as_slice() {
        [] => String::new(),
        [one] => format!(": {one}"),
        [first, rest @ ..] => format!(": {first} and {} more", rest.len()),
    };
    let places = currency_exponent(&order.currency).unwrap_or(2);
    let total = order.total_minor as f64 / 10f64.powi(places as i32);
    NewInteraction {
        contact_id: Some(contact_id),
        subject: Some(format!("Order {}{what}", order.external_id)),
        body: Some(format!(
            "{total:.prec$} {} ({})",
            order.currency,
            order.status,
            prec = places as usize
        )),
        metadata: json!({
            "order_id": order.external_id,
            "total_minor": order.total_minor,
            "currency": order.currency,
            "status": order.status,
            "items": order.items,
        }),
        ..NewInteraction::new(
            Channel::Order,
            Direction::Inbound,
            order.placed_at,
            order.source.clone(),
            order_item_id(order),
        )
    }
}

/// Which of the records' orders already have a timeline item: (source, item key).
async fn order_items_tx(
    tx: &mut Transaction<'static, Sqlite>,
    records: &[OrderRecord],
) -> Result<HashSet<(String, String)>, StoreError> {
    let ids: Vec<String> = records.iter().map(|r| order_item_id(&r.order)).collect();
    let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    let rows = sqlx::query!(
        r#"SELECT source, source_id FROM interactions
           WHERE channel = 'order' AND source_account = ''
             AND source_id IN (SELECT value FROM json_each(?1))"#,
        ids
    )
    .fetch_all(&mut **tx)
    .await
    .map_err(StoreError::query("look up imported orders' timeline items"))?;
    Ok(rows.into_iter().map(|r| (r.source, r.source_id)).collect())
}

/// The stored orders with the same `(source, external_id)` as the records.
async fn stored_orders_tx(
    tx: &mut Transaction<'static, Sqlite>,
    records: &[OrderRecord],
) -> Result<HashMap<(String, String), Stored>, StoreError> {
    let keys: Vec<[&str; 2]> = records
        .iter()
        .map(|r| [r.order.source.as_str(), r.order.external_id.as_str()])
        .collect();
    let keys = serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into());
    let rows = sqlx::query!(
        "SELECT o.source, o.external_id, o.contact_id, o.placed_at, o.total_minor, o.currency, \
             o.status, o.items \
         FROM json_each(?1) k JOIN orders o \
           ON o.source = json_extract(k.value, '$[0]') \
          AND o.external_id = json_extract(k.value, '$[1]')",
        keys
    )
    .fetch_all(&mut **tx)
    .await
    .map_err(StoreError::query("look up imported orders"))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let stored = Stored {
                contact_id: r.contact_id,
                placed_at: r.placed_at,
                total_minor: r.total_minor,
                currency: r.currency,
                status: r.status,
                items: serde_json::from_str(&r.items).ok(),
            };
            ((r.source, r.external_id), stored)
        })
        .collect())
}

/// Who owns the records' emails and phones: two maps, value → contact.
async fn identity_owners_tx(
    tx: &mut Transaction<'static, Sqlite>,
    records: &[OrderRecord],
) -> Result<(HashMap<String, i64>, HashMap<String, i64>), StoreError> {
    let emails: Vec<&str> = records
        .iter()
        .filter_map(|r| r.customer.email.as_deref())
        .collect();
    let phones: Vec<&str> = records
        .iter()
        .filter_map(|r| r.customer.phone.as_deref())
        .collect();
    let emails = serde_json::to_string(&emails).unwrap_or_else(|_| "[]".into());
    let phones = serde_json::to_string(&phones).unwrap_or_else(|_| "[]".into());
    let rows = sqlx::query!(
        r#"SELECT kind, value, contact_id FROM contact_identities
           WHERE (kind = 'email' AND value IN (SELECT value FROM json_each(?1)))
              OR (kind = 'phone' AND value IN (SELECT value FROM json_each(?2)))"#,
        emails,
        phones
    )
    .fetch_all(&mut **tx)
    .await
    .map_err(StoreError::query("look up the customers' identities"))?;
    let (mut by_email, mut by_phone) = (HashMap::new(), HashMap::new());
    for row in rows {
        match row.kind.as_str() {
            "email" => by_email.insert(row.value, row.contact_id),
            _ => by_phone.insert(row.value, row.contact_id),
        };
    }
    Ok((by_email, by_phone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NewOrder;
    use crate::imports::Customer;

    fn record(
        id: &str,
        email: Option<&str>,
        phone: Option<&str>,
        name: Option<&str>,
    ) -> OrderRecord {
        OrderRecord {
            row: 2,
            order: NewOrder {
                contact_id: None,
                source: "shop".into(),
                external_id: id.into(),
                placed_at: 1_700_000_000_000,
                total_minor: 1250,
                currency: "USD".into(),
                status: "completed".into(),
                items: json!([{ "name": "Tea" }]),
            },
            customer: Customer {
                email: email.map(Into::into),
                phone: phone.map(Into::into),
                name: name.map(Into::into),
                company: None,
            },
        }
    }

    async fn owner(store: &Store, id: &str) -> i64 {
        // Runtime-checked: test queries stay out of the committed `.sqlx/` data.
        sqlx::query_scalar("SELECT contact_id FROM orders WHERE external_id = ?")
            .bind(id)
            .fetch_one(&store.pool)
            .await
            .unwrap()
    }

    async fn seeded() -> (Store, i64, i64) {
        let store = Store::open_in_memory().await.unwrap();
        let add = |name: &str, identities: Vec<(IdentityKind, &str)>| NewContact {
            name: name.into(),
            identities: identities
                .into_iter()
                .map(|(k, v)| (k, v.to_owned()))
                .collect(),
            ..NewContact::default()
        };
        let ids = store
            .add_contacts(&[
                add(
                    "Ann",
                    vec![
                        (IdentityKind::Email, "ann@example.com"),
                        (IdentityKind::Phone, "+14155550132"),
                    ],
                ),
                add("Bob", vec![(IdentityKind::Phone, "+14155550199")]),
            ])
            .await
            .unwrap();
        (store, ids[0], ids[1])
    }

    fn file() -> Vec<OrderRecord> {
        vec![
            record("1", Some("ann@example.com"), Some("+14155550111"), None),
            record(
                "2",
                Some("bob@example.com"),
                Some("+14155550199"),
                Some("Robert"),
            ),
            record("3", Some("cy@example.com"), None, Some("Cy")),
            record("4", Some("cy@example.com"), None, None),
            record("5", None, None, Some("Dee")),
            record("6", None, None, Some("dee")),
        ]
    }

    async fn order_items(store: &Store) -> Vec<hearth_types::TimelineItem> {
        let request = hearth_types::TimelineRequest {
            channels: vec![Channel::Order],
            limit: Some(500),
            ..Default::default()
        };
        store.timeline(&request).await.unwrap().items
    }

    #[tokio::test]
    async fn orders_are_timeline_items_kept_in_step_with_the_order() {
        let (store, ann, _) = seeded().await;
        let mut records = vec![record("1", Some("ann@example.com"), None, None)];
        records[0].order.items = json!([
            { "title": "Green tea", "quantity": 2, "price": "4.50" },
            { "title": "Teapot", "quantity": 1, "price": "3.50" }
        ]);
        store.import_orders(&records, false).await.unwrap();
        let items = order_items(&store).await;
        assert_eq!(items.len(), 1);
        let item = &items[0];
        assert_eq!(
            (item.contact_id, item.direction, item.occurred_at),
            (Some(ann), Direction::Inbound, 1_700_000_000_000)
        );
        assert_eq!(
            item.subject.as_deref(),
            Some("Order 1: Green tea and 1 more")
        );
        assert_eq!(item.body.as_deref(), Some("12.50 USD (completed)"));
        assert_eq!(item.metadata["items"], records[0].order.items);
        assert_eq!(item.metadata["total_minor"], 1250);

        // The same file again: nothing new. A changed order updates its item.
        store.import_orders(&records, false).await.unwrap();
        assert_eq!(order_items(&store).await.len(), 1);
        records[0].order.status = "refunded".into();
        let counts = store.import_orders(&records, false).await.unwrap();
        assert_eq!(counts.orders.updated, 1);
        let items = order_items(&store).await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].body.as_deref(), Some("12.50 USD (refunded)"));

        // A dry run writes no item.
        let other = vec![record("9", Some("ann@example.com"), None, None)];
        store.import_orders(&other, true).await.unwrap();
        assert_eq!(order_items(&store).await.len(), 1);

        // An order stored without an item (an older Hearth's import) gets one when its
        // file is imported again, though the order itself is unchanged.
        sqlx::query("DELETE FROM interactions WHERE channel = 'order'")
            .execute(&store.pool)
            .await
            .unwrap();
        let counts = store.import_orders(&records, false).await.unwrap();
        assert_eq!(counts.orders.unchanged, 1);
        assert_eq!(order_items(&store).await.len(), 1);
    }

    #[tokio::test]
    async fn customers_are_matched_by_email_then_phone_or_created_once() {
        let (store, ann, bob) = seeded().await;
        let counts = store.import_orders(&file(), false).await.unwrap();
        assert_eq!(
            counts,
            OrderImportCounts {
                orders: OrderCounts {
                    new: 6,
                    updated: 0,
                    unchanged: 0
                },
                contacts: ContactCounts {
                    created: 2,
                    matched: 2,
                    identities_added: 2
                },
            }
        );
        assert_eq!(owner(&store, "1").await, ann);
        assert_eq!(owner(&store, "2").await, bob, "by phone");
        let cy = owner(&store, "3").await;
        assert_eq!(owner(&store, "4").await, cy, "one contact per new email");
        let dee = owner(&store, "5").await;
        assert_eq!(
            owner(&store, "6").await,
            dee,
            "one contact per name in a file"
        );
        // Matched contacts gain the identities nobody had; new ones are customers.
        assert_eq!(store.find_contact("+14155550111").await.unwrap().id, ann);
        assert_eq!(store.find_contact("bob@example.com").await.unwrap().id, bob);
        let cy = store.contact(cy).await.unwrap();
        assert_eq!(
            (cy.name.as_str(), cy.status),
            ("Cy", ContactStatus::Customer)
        );
        assert_eq!(store.contact(ann).await.unwrap().lifetime_value_minor, 1250);
    }

    #[tokio::test]
    async fn importing_again_changes_nothing_and_a_change_is_an_update() {
        let (store, _, _) = seeded().await;
        store.import_orders(&file(), false).await.unwrap();
        let contacts = |store: &Store| {
            let pool = store.pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM contacts")
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let before = contacts(&store).await;
        let again = store.import_orders(&file(), false).await.unwrap();
        assert_eq!(
            again.orders,
            OrderCounts {
                new: 0,
                updated: 0,
                unchanged: 6
            }
        );
        assert_eq!(
            again.contacts,
            ContactCounts {
                created: 0,
                matched: 4,
                identities_added: 0
            },
            "name-only rows find the contact their order is filed under"
        );
        assert_eq!(contacts(&store).await, before);

        let mut changed = file();
        changed[0].order.total_minor = 999;
        changed[1].order.status = "refunded".into();
        let counts = store.import_orders(&changed, false).await.unwrap();
        assert_eq!(
            counts.orders,
            OrderCounts {
                new: 0,
                updated: 2,
                unchanged: 4
            }
        );
        let total: i64 =
            sqlx::query_scalar("SELECT total_minor FROM orders WHERE external_id = '1'")
                .fetch_one(&store.pool)
                .await
                .unwrap();
        assert_eq!(total, 999);
    }

    #[tokio::test]
    async fn a_dry_run_counts_and_writes_nothing() {
        let (store, _, _) = seeded().await;
        let dry = store.import_orders(&file(), true).await.unwrap();
        assert_eq!(dry.orders.new, 6);
        assert_eq!(dry.contacts.created, 2);
        let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(orders, 0);
        assert!(store.find_contact("cy@example.com").await.is_err());
        assert_eq!(store.main_order_currency().await.unwrap(), None);
        store.import_orders(&file(), false).await.unwrap();
        assert_eq!(
            store.main_order_currency().await.unwrap().as_deref(),
            Some("USD")
        );
    }
}
