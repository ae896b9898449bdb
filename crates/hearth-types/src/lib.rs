//! The vocabulary Hearth speaks across its boundaries: the enums of the domain (channels,
//! directions, statuses) and the DTOs that cross the Tauri IPC bridge to the wasm UI.
//!
//! This crate builds for both native and `wasm32-unknown-unknown`, so it depends on serde
//! alone. Times are UTC milliseconds since the Unix epoch (`i64`): the UI formats them in
//! the user's locale, the core converts at its edges. Money is in minor units (`i64`) or
//! micro-units for provider costs, never floating point.

mod campaign;
mod charts;
mod contact;
mod enums;
mod error;
mod general;
mod inbox;
mod intel;
mod mail;
mod providers;
mod timeline;

pub use campaign::{
    sms_parts, with_sms_opt_out, Audience, AudienceMember, AudiencePreview, CallContent,
    CampaignDetail, CampaignKind, CampaignResults, CampaignReview, CampaignSpec, CampaignStatus,
    CampaignSummary, EmailContent, Exclusion, MissingVariable, Pace, RecipientRow, RecipientStatus,
    Schedule, SendWindow, SmsContent, SmsEncoding, Step, StepChannel, StepPreview, SMS_OPT_OUT,
};
pub use charts::{ChannelWeeks, ContactSeries, Point, WeeklyActivity};
pub use contact::{
    ChannelCount, ContactEdit, ContactInput, ContactProfile, ContactSentiment, ContactSort,
    ContactsRequest, Deal, DuplicatePair, MergeResult, OrderStats, Task,
};
pub use enums::{Channel, ContactStatus, Direction, IdentityKind, ParseEnumError};
pub use error::CommandError;
pub use general::{
    BackupFile, ChangeDataDir, DataDirSource, GeneralSettings, RestoreBackup, SetGeneral,
};
pub use inbox::InboxEntry;
pub use intel::{
    ContactIntel, ContextTouch, CustomerContext, Engagement, HotLead, IntelSettings, LeadFactor,
    LeadWeights, LtvFigures, Stage, Tier,
};
pub use mail::{
    MailAccountInput, MailAccountView, SendReply, SendResult, SourceStatus, SyncStatus,
};
pub use providers::{ProviderInput, ProviderView, SendText, StartCall};
pub use timeline::{
    AppStatus, Business, ContactSummary, CreateBusiness, Identity, MessageHtml, TimelineCursor,
    TimelineItem, TimelinePage, TimelineRequest,
};
