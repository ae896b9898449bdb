//! What is drawn.

pub mod app;
pub mod business_menu;
pub mod campaigns;
pub mod charts;
pub mod contact_form;
pub mod contacts;
pub mod duplicates;
pub mod first_start;
pub mod format;
pub mod general_settings;
pub mod inbox;
pub mod intel_settings;
pub mod providers;
pub mod settings;
pub mod sync_panel;
pub mod timeline;
