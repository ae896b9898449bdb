//! Keyboard shortcuts, decided by a pure function: `/` focuses search, `g` then `i`, `t`,
//! `c` or `s` switches to the inbox, timeline, contacts or settings, `Esc` closes details
//! and leaves a field.

/// What a key press means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    FocusSearch,
    /// `g` was pressed: wait for the view key.
    StartGo,
    GoInbox,
    GoTimeline,
    GoContacts,
    GoSettings,
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
        (true, "s") => KeyAction::GoSettings,
        (_, "/") => KeyAction::FocusSearch,
        (_, "g") => KeyAction::StartGo,
        _ => KeyAction::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_work_outside_fields_only() {
        assert_eq!(key_action("/", false, false, false), KeyAction::FocusSearch);
        assert_eq!(key_action("g", false, false, false), KeyAction::StartGo);
        assert_eq!(key_action("i", false, true, false), KeyAction::GoInbox);
        assert_eq!(key_action("t", false, true, false), KeyAction::GoTimeline);
        assert_eq!(key_action("c", false, true, false), KeyAction::GoContacts);
        assert_eq!(key_action("s", false, true, false), KeyAction::GoSettings);
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
