//! Pure UI state: reducers with no side effects, tested natively.

pub mod timeline;
