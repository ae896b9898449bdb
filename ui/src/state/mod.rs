//! Pure UI state: reducers and decisions with no side effects, tested natively.

pub mod keys;
pub mod timeline;
