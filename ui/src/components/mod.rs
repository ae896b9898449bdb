//! What is drawn.

pub mod app;
pub mod first_start;
pub mod timeline;
