//! Pure UI state: reducers and decisions with no side effects, tested natively.

pub mod charts;
pub mod composer;
pub mod contact_form;
pub mod general;
pub mod keys;
pub mod providers;
pub mod settings;
pub mod timeline;
pub mod window;
pub mod wizard;
