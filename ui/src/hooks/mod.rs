//! Side effects: the only code that calls the shell.

mod use_timeline;

pub use use_timeline::use_timeline;
