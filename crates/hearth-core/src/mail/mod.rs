//! Mail. For now: making message HTML safe to show. IMAP sync and SMTP send build on this.

pub mod html;
