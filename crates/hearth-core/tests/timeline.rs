//! The timeline against a brute-force reading of the same business: every filter, every
//! page boundary, and search, on a seeded demo business in a real file.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use hearth_core::demo::{self, DemoOptions};
use hearth_core::Store;
use hearth_types::{Channel, TimelineItem, TimelineRequest};

/// Which items a request should return, decided item by item.
type Keep = Box<dyn Fn(&TimelineItem) -> bool>;

const AS_OF: i64 = 1_763_683_200_000; // 2025-11-21

async fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("demo.sqlite"))
        .await
        .unwrap();
    let options = DemoOptions {
        contacts: 60,
        interactions: 2_500,
        seed: 11,
        as_of: AS_OF,
    };
    demo::seed(&store, &options, |_, _| {}).await.unwrap();
    (dir, store)
}

/// Follows `next` cursors to the end.
async fn all_pages(store: &Store, mut request: TimelineRequest, page: u32) -> Vec<TimelineItem> {
    request.limit = Some(page);
    let mut items = Vec::new();
    loop {
        let got = store.timeline(&request).await.unwrap();
        assert!(got.items.len() <= page as usize);
        items.extend(got.items);
        match got.next {
            Some(next) => request.after = Some(next),
            None => return items,
        }
    }
}

fn words(item: &TimelineItem) -> Vec<String> {
    [&item.subject, &item.body, &item.summary]
        .into_iter()
        .flatten()
        .flat_map(|t| {
            t.split(|c: char| !c.is_alphanumeric())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn ids(items: &[TimelineItem]) -> Vec<i64> {
    items.iter().map(|i| i.id).collect()
}

#[tokio::test]
async fn paging_visits_every_interaction_once_newest_first() {
    let (_dir, store) = seeded().await;
    let everything = all_pages(&store, TimelineRequest::default(), 37).await;
    assert_eq!(
        everything.len() as i64,
        store.count_interactions().await.unwrap()
    );
    let mut unique = ids(&everything);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), everything.len(), "no item twice");
    assert!(
        everything
            .windows(2)
            .all(|w| w[0].occurred_at >= w[1].occurred_at),
        "newest first"
    );
    assert!(
        everything.iter().all(|i| i.occurred_at <= AS_OF),
        "nothing in the future"
    );
}

#[tokio::test]
async fn every_filter_agrees_with_brute_force() {
    let (_dir, store) = seeded().await;
    let everything = all_pages(&store, TimelineRequest::default(), 500).await;
    let contact = everything[0].contact_id;
    let since = AS_OF - 200 * 86_400_000;
    let until = AS_OF - 20 * 86_400_000;
    let cases: Vec<(TimelineRequest, Keep)> = vec![
        (
            TimelineRequest {
                channels: vec![Channel::Sms, Channel::VoiceAi],
                ..Default::default()
            },
            Box::new(|i| matches!(i.channel, Channel::Sms | Channel::VoiceAi)),
        ),
        (
            TimelineRequest {
                contact_id: contact,
                ..Default::default()
            },
            Box::new(move |i| i.contact_id == contact),
        ),
        (
            TimelineRequest {
                since: Some(since),
                until: Some(until),
                ..Default::default()
            },
            Box::new(move |i| (since..until).contains(&i.occurred_at)),
        ),
        (
            TimelineRequest {
                search: Some("refund ".into()),
                ..Default::default()
            },
            Box::new(|i| words(i).iter().any(|w| w == "refund")),
        ),
        (
            // A prefix while typing, plus a channel and a date range, through FTS.
            TimelineRequest {
                search: Some("Water heat".into()),
                channels: vec![Channel::Email],
                since: Some(since),
                ..Default::default()
            },
            Box::new(move |i| {
                let w = words(i);
                i.channel == Channel::Email
                    && i.occurred_at >= since
                    && w.iter().any(|x| x == "water")
                    && w.iter().any(|x| x.starts_with("heat"))
            }),
        ),
    ];
    for (request, keep) in cases {
        let expected: Vec<i64> = everything
            .iter()
            .filter(|i| keep(i))
            .map(|i| i.id)
            .collect();
        assert!(
            !expected.is_empty(),
            "a case that matches nothing proves nothing: {request:?}"
        );
        for page in [7, 50] {
            let got = all_pages(&store, request.clone(), page).await;
            assert_eq!(ids(&got), expected, "{request:?} with pages of {page}");
        }
    }
}

#[tokio::test]
async fn hostile_search_text_is_just_text() {
    let (_dir, store) = seeded().await;
    for text in [
        "\"",
        "AND",
        "NEAR(",
        "*",
        "col:refund",
        "refund OR",
        "'; DROP TABLE interactions; --",
        "😀",
        "",
    ] {
        let request = TimelineRequest {
            search: Some(text.into()),
            ..Default::default()
        };
        store
            .timeline(&request)
            .await
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    assert!(store.count_interactions().await.unwrap() > 0);
}
