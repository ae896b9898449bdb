//! Keyboard shortcuts, decided by a pure function: `/` focuses search, `g` then `i`, `t`,
//! `c`, `m` or `s` switches to the inbox, timeline, contacts, campaigns or settings, `j` / `k` move down and
//! up the current list (Enter opens), `Esc` closes details and leaves a field.

/// What a key press means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    FocusSearch,
    /// `g` was pressed: wait for the view key.
    StartGo,
    GoInbox,
    GoTimeline,
    GoContacts,
    GoCampaigns,
    GoSettings,
    /// `j`: the next item of the current list.
    Next,
    /// `k`: the previous item.
    Previous,
    Escape,
    Nothing,
}

/// Maps a key to an action. `typing` is true while a text field has focus (only `Esc`
/// counts then); `after_g` is true right after a `g`.
pub fn key_action(key: &str, typing: bool, after_g: bool, modifiers: bool) -> KeyAction {
    if key == "Escape" {
        return KeyAction::Escape;
    }
    if typing || modifiers {
        return KeyAction::Nothing;
    }
    match (after_g, key) {
        (true, "i") => KeyAction::GoInbox,
        (true, "t") => KeyAction::GoTimeline,
        (true, "c") => KeyAction::GoContacts,
        (true, "m") => KeyAction::GoCampaigns,
        (true, "s") => KeyAction::GoSettings,
        (_, "/") => KeyAction::FocusSearch,
        (false, "j") => KeyAction::Next,
        (false, "k") => KeyAction::Previous,
        (_, "g") => KeyAction::StartGo,
        _ => KeyAction::Nothing,
    }
}

/// Where `j` / `k` go in a list of `len` items from `current` (the focused one, if any):
/// the first item when nothing is focused yet, and no further than either end.
pub fn step(current: Option<usize>, len: usize, forward: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match (current, forward) {
        (None, _) => 0,
        (Some(i), true) => (i + 1).min(len - 1),
        (Some(i), false) => i.saturating_sub(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn j_and_k_walk_the_list_and_stop_at_its_ends() {
        assert_eq!(key_action("j", false, false, false), KeyAction::Next);
        assert_eq!(key_action("k", false, false, false), KeyAction::Previous);
        assert_eq!(
            key_action("j", true, false, false),
            KeyAction::Nothing,
            "typing j"
        );
        assert_eq!(step(None, 3, true), Some(0));
        assert_eq!(step(None, 3, false), Some(0));
        assert_eq!(step(Some(0), 3, true), Some(1));
        assert_eq!(step(Some(2), 3, true), Some(2));
        assert_eq!(step(Some(0), 3, false), Some(0));
        assert_eq!(step(Some(2), 3, false), Some(1));
        assert_eq!(step(None, 0, true), None);
    }

    #[test]
    fn shortcuts_work_outside_fields_only() {
        assert_eq!(key_action("/", false, false, false), KeyAction::FocusSearch);
        assert_eq!(key_action("g", false, false, false), KeyAction::StartGo);
        assert_eq!(key_action("i", false, true, false), KeyAction::GoInbox);
        assert_eq!(key_action("t", false, true, false), KeyAction::GoTimeline);
        assert_eq!(key_action("c", false, true, false), KeyAction::GoContacts);
        assert_eq!(key_action("s", false, true, false), KeyAction::GoSettings);
        assert_eq!(key_action("m", false, true, false), KeyAction::GoCampaigns);
        assert_eq!(
            key_action("s", true, true, false),
            KeyAction::Nothing,
            "typing g then s in a field"
        );
        assert_eq!(
            key_action("c", false, false, false),
            KeyAction::Nothing,
            "c alone"
        );
        assert_eq!(
            key_action("/", true, false, false),
            KeyAction::Nothing,
            "typing a slash"
        );
        assert_eq!(
            key_action("/", false, false, true),
            KeyAction::Nothing,
            "ctrl-/"
        );
        assert_eq!(key_action("Escape", true, false, false), KeyAction::Escape);
    }
}
