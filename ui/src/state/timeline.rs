//! The timeline view's state: filters, loaded pages, and which request is current.
//!
//! Every filter change bumps `generation`; a page that arrives for an older generation is
//! dropped, so a slow answer to an old search never overwrites a newer one.

use std::rc::Rc;

use hearth_types::{Channel, TimelineCursor, TimelineItem, TimelinePage, TimelineRequest};
use yew::Reducible;

/// The first page: what fills a screen or two, fast.
pub const PAGE: u32 = 50;
/// Later pages, fetched as the list is scrolled (the core's largest page).
pub const MORE: u32 = 500;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineState {
    /// One contact's timeline, or the whole business's.
    pub contact_id: Option<i64>,
    /// Selected channels; empty means all.
    pub channels: Vec<Channel>,
    pub search: String,
    /// Inclusive start and exclusive end, UTC ms.
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Shared, so the state's copies on every action and the rows' props cost a count,
    /// not a deep copy of 10,000 items.
    pub items: Vec<Rc<TimelineItem>>,
    pub next: Option<TimelineCursor>,
    pub loading: bool,
    pub error: Option<String>,
    pub generation: u32,
    /// The item whose details are open.
    pub expanded: Option<i64>,
    /// Bumped to fetch the first page again in place (new activity, list at its start).
    pub refresh: u32,
    /// New activity arrived while more than the first page was loaded: offered, not forced,
    /// so the reader's place is kept.
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TimelineAction {
    ToggleChannel(Channel),
    AllChannels,
    Search(String),
    /// A date range; `None` ends are open.
    Range {
        since: Option<i64>,
        until: Option<i64>,
    },
    /// A fetch started for this generation.
    Loading {
        generation: u32,
    },
    /// A page arrived: the first (`after = None`) or the one after that cursor.
    Loaded {
        generation: u32,
        page: TimelinePage,
        after: Option<TimelineCursor>,
    },
    Failed {
        generation: u32,
        error: String,
    },
    ToggleDetails(i64),
    CloseDetails,
    /// The core stored new interactions (a sync, a send).
    Changed,
    /// Start over with the same filters (after `Changed` was offered).
    Reload,
    /// The business changed: start over.
    Reset,
}

impl TimelineState {
    /// The request for the first page (`after = None`) or the next one.
    pub fn request(&self, after: Option<TimelineCursor>) -> TimelineRequest {
        let search = self.search.trim();
        TimelineRequest {
            contact_id: self.contact_id,
            channels: self.channels.clone(),
            search: (!search.is_empty()).then(|| search.to_owned()),
            since: self.since,
            until: self.until,
            limit: Some(if after.is_some() { MORE } else { PAGE }),
            after,
        }
    }

    fn refiltered(&self) -> TimelineState {
        TimelineState {
            contact_id: self.contact_id,
            channels: self.channels.clone(),
            search: self.search.clone(),
            since: self.since,
            until: self.until,
            generation: self.generation.wrapping_add(1),
            loading: true,
            refresh: self.refresh,
            ..TimelineState::default()
        }
    }
}

impl Reducible for TimelineState {
    type Action = TimelineAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let next = match action {
            TimelineAction::ToggleChannel(channel) => {
                let mut state = self.refiltered();
                match state.channels.iter().position(|c| *c == channel) {
                    Some(at) => {
                        state.channels.remove(at);
                    }
                    None => {
                        state.channels.push(channel);
                        state.channels.sort();
                    }
                }
                state
            }
            TimelineAction::AllChannels => {
                let mut state = self.refiltered();
                state.channels.clear();
                state
            }
            TimelineAction::Search(text) => {
                if text == self.search {
                    return self;
                }
                let mut state = self.refiltered();
                state.search = text;
                state
            }
            TimelineAction::Range { since, until } => {
                if (since, until) == (self.since, self.until) {
                    return self;
                }
                let mut state = self.refiltered();
                state.since = since;
                state.until = until;
                // An empty or reversed range would be refused by the core: show nothing.
                if let (Some(s), Some(u)) = (since, until) {
                    if s >= u {
                        state.loading = false;
                        state.error = Some("The start date must be before the end date.".into());
                    }
                }
                state
            }
            TimelineAction::Changed
                if self.items.len() <= PAGE as usize && self.expanded.is_none() =>
            {
                TimelineState {
                    refresh: self.refresh.wrapping_add(1),
                    ..(*self).clone()
                }
            }
            TimelineAction::Changed if self.stale => return self,
            TimelineAction::Changed => TimelineState {
                stale: true,
                ..(*self).clone()
            },
            TimelineAction::Reload => self.refiltered(),
            TimelineAction::Reset => TimelineState {
                contact_id: self.contact_id,
                refresh: self.refresh,
                generation: self.generation.wrapping_add(1),
                loading: true,
                ..TimelineState::default()
            },
            TimelineAction::Loading { generation } if generation == self.generation => {
                TimelineState {
                    loading: true,
                    error: None,
                    ..(*self).clone()
                }
            }
            // A page after a cursor that is no longer the end (asked for twice, by a scroll
            // and a click at once) would repeat rows: drop it.
            TimelineAction::Loaded { after, .. } if after.is_some() && after != self.next => {
                return self;
            }
            TimelineAction::Loaded {
                generation,
                page,
                after,
            } if generation == self.generation => {
                let mut items = if after.is_some() {
                    self.items.clone()
                } else {
                    Vec::new()
                };
                items.extend(page.items.into_iter().map(Rc::new));
                TimelineState {
                    items,
                    next: page.next,
                    loading: false,
                    error: None,
                    stale: self.stale && after.is_some(),
                    ..(*self).clone()
                }
            }
            TimelineAction::Failed { generation, error } if generation == self.generation => {
                TimelineState {
                    loading: false,
                    error: Some(error),
                    ..(*self).clone()
                }
            }
            TimelineAction::CloseDetails if self.expanded.is_none() => return self,
            TimelineAction::CloseDetails => TimelineState {
                expanded: None,
                ..(*self).clone()
            },
            TimelineAction::ToggleDetails(id) => {
                let expanded = if self.expanded == Some(id) {
                    None
                } else {
                    Some(id)
                };
                TimelineState {
                    expanded,
                    ..(*self).clone()
                }
            }
            // An answer for an older generation: ignore it.
            TimelineAction::Loading { .. }
            | TimelineAction::Loaded { .. }
            | TimelineAction::Failed { .. } => return self,
        };
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use hearth_types::Direction;

    use super::*;

    fn item(id: i64) -> TimelineItem {
        TimelineItem {
            id,
            contact_id: None,
            contact_name: None,
            channel: Channel::Sms,
            direction: Direction::Inbound,
            occurred_at: 1_000 - id,
            subject: None,
            body: Some(format!("body {id}")),
            has_html: false,
            summary: None,
            sentiment: None,
            thread_key: None,
            duration_ms: None,
            cost_micros: None,
            source: "test".into(),
            metadata: serde_json::json!({}),
        }
    }

    fn page(ids: &[i64], more: bool) -> TimelinePage {
        let items: Vec<_> = ids.iter().map(|id| item(*id)).collect();
        let next = more.then(|| TimelineCursor {
            key: items.last().unwrap().id,
        });
        TimelinePage { items, next }
    }

    #[test]
    fn filters_start_a_new_generation_and_drop_loaded_items() {
        let s = Rc::new(TimelineState::default());
        let g0 = s.generation;
        let s = s.reduce(TimelineAction::Loaded {
            generation: g0,
            page: page(&[1, 2], true),
            after: None,
        });
        assert_eq!(s.items.len(), 2);
        let s = s.reduce(TimelineAction::ToggleChannel(Channel::Email));
        assert_eq!(s.generation, g0 + 1);
        assert!(s.items.is_empty() && s.loading);
        assert_eq!(s.request(None).channels, vec![Channel::Email]);
        let s = s.reduce(TimelineAction::ToggleChannel(Channel::Email));
        assert!(s.channels.is_empty());
    }

    #[test]
    fn a_stale_answer_never_overwrites_a_newer_search() {
        let s = Rc::new(TimelineState::default());
        let old = s.generation;
        let s = s.reduce(TimelineAction::Search("leak".into()));
        let s = s.reduce(TimelineAction::Loaded {
            generation: old,
            page: page(&[9], false),
            after: None,
        });
        assert!(s.items.is_empty(), "stale page ignored");
        let current = s.generation;
        let s = s.reduce(TimelineAction::Loaded {
            generation: current,
            page: page(&[3], false),
            after: None,
        });
        assert_eq!(s.items[0].id, 3);
        assert!(!s.loading);
    }

    #[test]
    fn more_pages_append_and_the_cursor_advances() {
        let s = Rc::new(TimelineState::default());
        let g = s.generation;
        let s = s.reduce(TimelineAction::Loaded {
            generation: g,
            page: page(&[1, 2], true),
            after: None,
        });
        let cursor = s.next;
        assert_eq!(s.request(cursor).after, cursor);
        assert_eq!(
            s.request(cursor).limit,
            Some(MORE),
            "later pages are larger"
        );
        let s = s.reduce(TimelineAction::Loaded {
            generation: g,
            page: page(&[3], false),
            after: cursor,
        });
        assert_eq!(s.items.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(s.next, None);
        // The same page again (a scroll and a click asked at once) adds nothing.
        let again = s.clone().reduce(TimelineAction::Loaded {
            generation: g,
            page: page(&[3], false),
            after: cursor,
        });
        assert_eq!(again.items.len(), 3);
    }

    #[test]
    fn a_contact_timeline_keeps_its_contact_through_filters() {
        let s = Rc::new(TimelineState {
            contact_id: Some(7),
            ..Default::default()
        });
        let s = s.reduce(TimelineAction::ToggleChannel(Channel::Sms));
        let s = s.reduce(TimelineAction::Search("leak".into()));
        let s = s.reduce(TimelineAction::Reset);
        assert_eq!(s.request(None).contact_id, Some(7));
    }

    #[test]
    fn a_date_range_filters_and_a_reversed_one_says_why() {
        let s = Rc::new(TimelineState::default());
        let s = s.reduce(TimelineAction::Range {
            since: Some(10),
            until: Some(20),
        });
        let request = s.request(None);
        assert_eq!((request.since, request.until), (Some(10), Some(20)));
        let g = s.generation;
        let s = s.reduce(TimelineAction::Range {
            since: Some(30),
            until: Some(20),
        });
        assert_eq!(s.generation, g + 1);
        assert!(s.error.is_some() && !s.loading);
    }

    #[test]
    fn new_activity_refreshes_a_first_page_in_place_and_is_offered_deeper_down() {
        let s = Rc::new(TimelineState::default());
        let g = s.generation;
        let s = s.reduce(TimelineAction::Loaded {
            generation: g,
            page: page(&[5, 4], true),
            after: None,
        });
        let s = s.reduce(TimelineAction::Changed);
        assert_eq!(
            (s.refresh, s.stale, s.generation),
            (1, false, g),
            "same filters, same items until the page comes"
        );
        assert_eq!(s.items.len(), 2);
        let s = s.reduce(TimelineAction::Loaded {
            generation: g,
            page: page(&[6, 5, 4], true),
            after: None,
        });
        assert_eq!(s.items[0].id, 6);
        // Deep in a long list: offered instead.
        let cursor = s.next;
        let many: Vec<i64> = (100..700).rev().collect();
        let s = s.reduce(TimelineAction::Loaded {
            generation: g,
            page: page(&many, true),
            after: cursor,
        });
        let s = s.reduce(TimelineAction::Changed);
        assert!(s.stale && s.refresh == 1);
        let s = s.reduce(TimelineAction::Reload);
        assert!(s.items.is_empty() && s.loading && s.generation == g + 1 && !s.stale);
        // An open item is not pulled from under the reader either.
        let s = Rc::new(TimelineState {
            expanded: Some(3),
            ..TimelineState::default()
        })
        .reduce(TimelineAction::Changed);
        assert!(s.stale);
    }

    #[test]
    fn blank_search_is_no_search_and_errors_are_kept() {
        let s = Rc::new(TimelineState::default()).reduce(TimelineAction::Search("   ".into()));
        assert_eq!(s.request(None).search, None);
        let g = s.generation;
        let s = s.reduce(TimelineAction::Failed {
            generation: g,
            error: "database locked".into(),
        });
        assert_eq!(s.error.as_deref(), Some("database locked"));
        assert!(!s.loading);
    }
}
