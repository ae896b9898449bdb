//! Issue 3, end to end: create a contact with several emails and phones in the real app,
//! edit it, and see an identity that belongs to someone else refused word for word with
//! nothing changed, checked against the core reading the same file.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::Locator;
use hearth_core::store::ContactFilter;
use hearth_e2e::demo_business;
use hearth_e2e::desktop::Desktop;
use hearth_types::{ContactSummary, IdentityKind};

/// Waits until the form has at least `n + 1` inputs of `class`, and returns the `n`th.
async fn row(desktop: &Desktop, class: &str, n: usize) -> Element {
    let started = Instant::now();
    loop {
        let rows = desktop
            .client
            .find_all(Locator::Css(&format!("#contact-form .{class}")))
            .await
            .unwrap();
        if let Some(input) = rows.into_iter().nth(n) {
            return input;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "row {n} of .{class} never appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Values of the form's inputs of `class`, in order.
async fn values(desktop: &Desktop, class: &str) -> Vec<String> {
    let value = desktop
        .js(&format!(
            "return Array.from(document.querySelectorAll('#contact-form .{class}')).map(e => e.value);"
        ))
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

fn sorted(c: &ContactSummary, kind: IdentityKind) -> Vec<String> {
    let mut v: Vec<String> = c
        .identities
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.value.clone())
        .collect();
    v.sort();
    v
}

/// What the profile shows: its id, name and identity values, once loaded.
async fn profile_shows(desktop: &Desktop, name: &str) -> (i64, Vec<String>) {
    let text = desktop
        .wait_for_text("#profile[data-loading='false'] #profile-name", |t| {
            t == name
        })
        .await
        .unwrap();
    assert_eq!(text, name);
    let value = desktop
        .js("const p = document.getElementById('profile');
             return [Number(p.dataset.id),
               Array.from(p.querySelectorAll('.identities li')).map(li => li.lastChild.textContent)];")
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_3_create_and_edit_a_contact_with_several_emails_and_phones() {
    let data = tempfile::tempdir().unwrap();
    let store = demo_business(data.path(), "Contacts Inc", 30, 300, 11).await;
    // Someone else's email, for the refusal at the end.
    let others = store
        .list_contacts(&ContactFilter {
            limit: Some(100),
            ..Default::default()
        })
        .await
        .unwrap();
    let (other_id, taken) = others
        .iter()
        .find_map(|c| {
            c.identities
                .iter()
                .find(|i| i.kind == IdentityKind::Email)
                .map(|i| (c.id, i.value.clone()))
        })
        .unwrap();

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.click("#nav-contacts").await.unwrap();
    desktop.click("#contact-new").await.unwrap();
    desktop.wait_for("#contact-form").await.unwrap();

    // A new contact: two emails, two phones, one of them in national format.
    let name = "Marisol Okafor";
    desktop
        .wait_for("#contact-name")
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    desktop
        .wait_for("#contact-company")
        .await
        .unwrap()
        .send_keys("Okafor Bakery")
        .await
        .unwrap();
    desktop
        .click("#contact-status option[value='vip']")
        .await
        .unwrap();
    row(&desktop, "contact-email", 0)
        .await
        .send_keys("marisol@okafor-bakery.example")
        .await
        .unwrap();
    desktop.click("#contact-add-email").await.unwrap();
    row(&desktop, "contact-email", 1)
        .await
        .send_keys("m.okafor@mail.example")
        .await
        .unwrap();
    row(&desktop, "contact-phone", 0)
        .await
        .send_keys("(415) 555-0199")
        .await
        .unwrap();
    desktop.click("#contact-add-phone").await.unwrap();
    row(&desktop, "contact-phone", 1)
        .await
        .send_keys("+44 20 7946 0958")
        .await
        .unwrap();
    desktop
        .wait_for("#contact-notes")
        .await
        .unwrap()
        .send_keys("Wholesale bread, Tuesdays.")
        .await
        .unwrap();
    // The page paints the last keys a moment after WebDriver sends them.
    let started = Instant::now();
    while desktop
        .js("return document.getElementById('contact-notes').value;")
        .await
        .unwrap()
        != "Wholesale bread, Tuesdays."
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "notes never filled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    desktop.screenshot("16-contact-new").await.unwrap();
    desktop.click("#contact-save").await.unwrap();

    let (id, shown) = profile_shows(&desktop, name).await;
    let created = store.contact(id).await.unwrap();
    assert_eq!(created.name, name);
    assert_eq!(created.company.as_deref(), Some("Okafor Bakery"));
    assert_eq!(created.status.as_str(), "vip");
    assert_eq!(
        sorted(&created, IdentityKind::Email),
        ["m.okafor@mail.example", "marisol@okafor-bakery.example"]
    );
    assert_eq!(
        sorted(&created, IdentityKind::Phone),
        ["+14155550199", "+442079460958"],
        "the national number took the business's region"
    );
    for value in [
        "marisol@okafor-bakery.example",
        "+14155550199",
        "+442079460958",
    ] {
        assert!(shown.iter().any(|s| s == value), "{value} not in {shown:?}");
    }
    desktop
        .wait_for(&format!("#contacts .contact-row[data-id='{id}']"))
        .await
        .unwrap();

    // Edit: rename, a third email, one phone fewer.
    desktop.click("#contact-edit").await.unwrap();
    desktop.wait_for("#contact-form").await.unwrap();
    assert_eq!(values(&desktop, "contact-phone").await.len(), 2);
    let renamed = "Marisol Okafor-Reyes";
    let name_input = desktop.wait_for("#contact-name").await.unwrap();
    name_input.clear().await.unwrap();
    name_input.send_keys(renamed).await.unwrap();
    desktop.click("#contact-add-email").await.unwrap();
    row(&desktop, "contact-email", 2)
        .await
        .send_keys("orders@okafor-bakery.example")
        .await
        .unwrap();
    desktop
        .js(
            "const input = Array.from(document.querySelectorAll('#contact-form .contact-phone'))
               .find(e => e.value === '+442079460958');
             input.parentElement.querySelector('.remove-row').click();",
        )
        .await
        .unwrap();
    assert_eq!(values(&desktop, "contact-phone").await, ["+14155550199"]);
    desktop.click("#contact-save").await.unwrap();

    let (_, shown) = profile_shows(&desktop, renamed).await;
    let edited = store.contact(id).await.unwrap();
    assert_eq!(edited.name, renamed);
    assert_eq!(
        sorted(&edited, IdentityKind::Email),
        [
            "m.okafor@mail.example",
            "marisol@okafor-bakery.example",
            "orders@okafor-bakery.example"
        ]
    );
    assert_eq!(sorted(&edited, IdentityKind::Phone), ["+14155550199"]);
    assert!(shown.iter().any(|s| s == "orders@okafor-bakery.example"));
    assert!(!shown.iter().any(|s| s == "+442079460958"));
    desktop
        .wait_for_text(
            &format!("#contacts .contact-row[data-id='{id}'] .name"),
            |t| t == renamed,
        )
        .await
        .unwrap();

    // Someone else's email is refused in the core's words, and nothing changes.
    desktop.click("#contact-edit").await.unwrap();
    desktop.wait_for("#contact-form").await.unwrap();
    let name_input = desktop.wait_for("#contact-name").await.unwrap();
    name_input.clear().await.unwrap();
    name_input.send_keys("Should Not Stick").await.unwrap();
    desktop.click("#contact-add-email").await.unwrap();
    row(&desktop, "contact-email", 3)
        .await
        .send_keys(&taken)
        .await
        .unwrap();
    desktop.click("#contact-save").await.unwrap();
    let expected = format!("email {taken} already belongs to contact {other_id}");
    let error = desktop
        .wait_for_text("#contact-form-error", |t| !t.is_empty())
        .await
        .unwrap();
    assert_eq!(error, expected);
    // The typed input stays for the user to fix.
    assert_eq!(values(&desktop, "contact-email").await[3], taken);
    let still = desktop
        .wait_for("#contact-name")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(still.as_deref(), Some("Should Not Stick"));
    desktop.screenshot("17-contact-edit-error").await.unwrap();
    let after = store.contact(id).await.unwrap();
    assert_eq!(
        after.name, renamed,
        "all or nothing: the rename did not stick"
    );
    assert_eq!(after.identities, edited.identities);
    assert_eq!(after.updated_at, edited.updated_at);
    assert_eq!(store.contact(other_id).await.unwrap().identities.len(), {
        others
            .iter()
            .find(|c| c.id == other_id)
            .unwrap()
            .identities
            .len()
    });

    desktop.close().await.unwrap();
}
