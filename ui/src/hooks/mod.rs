//! Side effects: the only code that calls the shell.

mod use_load;
mod use_shortcuts;
mod use_timeline;

pub use use_load::{use_load, Load};
pub use use_shortcuts::use_shortcuts;
pub use use_timeline::use_timeline;
