//! The typed bridge to the desktop shell: one function per Tauri command.

use hearth_types::{
    AppStatus, BackupFile, ChangeDataDir, CommandError, ContactEdit, ContactInput, ContactProfile,
    ContactSummary, ContactsRequest, CreateBusiness, GeneralSettings, InboxEntry, IntelSettings,
    MailAccountInput, MailAccountView, MessageHtml, ProviderInput, ProviderView, RestoreBackup,
    SendReply, SendResult, SetGeneral, StartCall, SyncStatus, TimelinePage, TimelineRequest,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// The same `invoke`, not awaited: for the panic hook, which cannot wait.
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    fn tauri_invoke_now(cmd: &str, args: JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "event"], js_name = listen)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// Calls `on_id` with the contact id each time the shell asks to open a contact (a
/// notification's or the tray's "open"), including an ask made before the page was
/// ready. Listens for the page's lifetime.
pub fn on_open_contact(on_id: yew::Callback<i64>) {
    let take = {
        let on_id = on_id.clone();
        move || {
            let on_id = on_id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(Some(id)) =
                    invoke::<_, Option<i64>>("take_open_contact", &NoArgs {}).await
                {
                    on_id.emit(id);
                }
            });
        }
    };
    let on_event = take.clone();
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| on_event());
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = tauri_listen("open-contact", &handler).await {
            web_sys::console::warn_1(&e);
        }
        // The listener lives as long as the page.
        handler.forget();
        // An ask that came before we listened.
        take();
    });
}

/// Sends a failure of the UI itself (a panic) to the app's log, without waiting: after a
/// panic the page's Rust state cannot be trusted to run a future.
pub fn report_ui_error(message: &str) {
    let args = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&args, &"message".into(), &message.into());
    if let Err(e) = tauri_invoke_now("ui_error", args.into()) {
        web_sys::console::error_1(&e);
    }
}

/// Listens to `core-event`; the answer is the function that stops listening.
pub async fn listen_core_events(
    handler: &Closure<dyn FnMut(JsValue)>,
) -> Result<js_sys::Function, JsValue> {
    tauri_listen("core-event", handler)
        .await?
        .dyn_into::<js_sys::Function>()
}

async fn invoke<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, CommandError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|e| CommandError::Internal(format!("cannot encode the request: {e}")))?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| CommandError::Internal(format!("unexpected answer to {cmd}: {e}"))),
        Err(error) => Err(
            serde_wasm_bindgen::from_value::<CommandError>(error.clone()).unwrap_or_else(|_| {
                CommandError::Internal(error.as_string().unwrap_or_else(|| format!("{error:?}")))
            }),
        ),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct Request<'a, T> {
    request: &'a T,
}

#[derive(Serialize)]
struct Id<'a> {
    id: &'a str,
}

pub async fn app_status() -> Result<AppStatus, CommandError> {
    invoke("app_status", &NoArgs {}).await
}

pub async fn create_business(request: &CreateBusiness) -> Result<AppStatus, CommandError> {
    invoke("create_business", &Request { request }).await
}

pub async fn open_business(id: &str) -> Result<AppStatus, CommandError> {
    invoke("open_business", &Id { id }).await
}

pub async fn timeline(request: &TimelineRequest) -> Result<TimelinePage, CommandError> {
    invoke("timeline", &Request { request }).await
}

pub async fn contacts(request: &ContactsRequest) -> Result<Vec<ContactSummary>, CommandError> {
    invoke("contacts", &Request { request }).await
}

#[derive(Serialize)]
struct ContactId {
    id: i64,
}

pub async fn contact_profile(id: i64) -> Result<ContactProfile, CommandError> {
    invoke("contact_profile", &ContactId { id }).await
}

#[derive(Serialize)]
struct NewContact<'a> {
    input: &'a ContactInput,
}

/// Creates a contact with its emails and phones; the core refuses any already taken.
pub async fn create_contact(input: &ContactInput) -> Result<ContactSummary, CommandError> {
    invoke("create_contact", &NewContact { input }).await
}

#[derive(Serialize)]
struct Edit<'a> {
    edit: &'a ContactEdit,
}

/// Edits a contact: all of the changes, or none.
pub async fn update_contact(edit: &ContactEdit) -> Result<ContactSummary, CommandError> {
    invoke("update_contact", &Edit { edit }).await
}

pub async fn inbox() -> Result<Vec<InboxEntry>, CommandError> {
    invoke("inbox", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Done {
    contact_id: i64,
    through: i64,
}

pub async fn inbox_done(contact_id: i64, through: i64) -> Result<(), CommandError> {
    invoke(
        "inbox_done",
        &Done {
            contact_id,
            through,
        },
    )
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Snooze {
    contact_id: i64,
    hours: u32,
}

pub async fn inbox_snooze(contact_id: i64, hours: u32) -> Result<(), CommandError> {
    invoke("inbox_snooze", &Snooze { contact_id, hours }).await
}

#[derive(Serialize)]
struct Rename<'a> {
    id: &'a str,
    name: &'a str,
}

pub async fn rename_business(id: &str, name: &str) -> Result<AppStatus, CommandError> {
    invoke("rename_business", &Rename { id, name }).await
}

#[derive(Serialize)]
struct View<'a> {
    view: &'a str,
}

/// Tells the shell the first view is on screen; the answer is ms since the app started.
pub async fn first_paint(view: &str) -> Result<u64, CommandError> {
    invoke("first_paint", &View { view }).await
}

/// The data folder, phone region and mail interval.
pub async fn general_settings() -> Result<GeneralSettings, CommandError> {
    invoke("general_settings", &NoArgs {}).await
}

#[derive(Serialize)]
struct General<'a> {
    settings: &'a SetGeneral,
}

pub async fn set_general(settings: &SetGeneral) -> Result<GeneralSettings, CommandError> {
    invoke("set_general", &General { settings }).await
}

#[derive(Serialize)]
struct Change<'a> {
    change: &'a ChangeDataDir,
}

/// Chooses the data folder for the next start (copying the businesses there if asked).
pub async fn change_data_dir(change: &ChangeDataDir) -> Result<GeneralSettings, CommandError> {
    invoke("change_data_dir", &Change { change }).await
}

/// Restarts the app.
pub async fn restart_app() -> Result<(), CommandError> {
    invoke("restart_app", &NoArgs {}).await
}

/// The backups in the data folder, newest first.
pub async fn backups() -> Result<Vec<BackupFile>, CommandError> {
    invoke("backups", &NoArgs {}).await
}

#[derive(Serialize)]
struct Restore<'a> {
    restore: &'a RestoreBackup,
}

/// Restores a backup as a new business and opens it.
pub async fn restore_backup(restore: &RestoreBackup) -> Result<AppStatus, CommandError> {
    invoke("restore_backup", &Restore { restore }).await
}

/// Backs up the open business; the answer is the backup file's path.
pub async fn backup_business() -> Result<String, CommandError> {
    invoke("backup_business", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HtmlRequest {
    id: i64,
    allow_remote_images: bool,
}

pub async fn message_html(
    id: i64,
    allow_remote_images: bool,
) -> Result<Option<MessageHtml>, CommandError> {
    invoke(
        "message_html",
        &HtmlRequest {
            id,
            allow_remote_images,
        },
    )
    .await
}

pub async fn mail_accounts() -> Result<Vec<MailAccountView>, CommandError> {
    invoke("mail_accounts", &NoArgs {}).await
}

#[derive(Serialize)]
struct AccountInput<'a> {
    input: &'a MailAccountInput,
}

/// Adds a mail account; the shell puts the password in the OS keyring and starts syncing.
pub async fn add_mail_account(input: &MailAccountInput) -> Result<MailAccountView, CommandError> {
    invoke("add_mail_account", &AccountInput { input }).await
}

#[derive(Serialize)]
struct Name<'a> {
    name: &'a str,
}

pub async fn remove_mail_account(name: &str) -> Result<(), CommandError> {
    invoke("remove_mail_account", &Name { name }).await
}

/// Logs in to the account's servers: a summary, or an error saying exactly what failed.
pub async fn test_mail_account(name: &str) -> Result<String, CommandError> {
    invoke("test_mail_account", &Name { name }).await
}

pub async fn sync_status() -> Result<SyncStatus, CommandError> {
    invoke("sync_status", &NoArgs {}).await
}

pub async fn sync_now() -> Result<(), CommandError> {
    invoke("sync_now", &NoArgs {}).await
}

#[derive(Serialize)]
struct Pause {
    paused: bool,
}

pub async fn pause_sync(paused: bool) -> Result<(), CommandError> {
    invoke("pause_sync", &Pause { paused }).await
}

/// Replies to a stored email; offline, the reply waits in the outbox.
pub async fn send_reply(request: &SendReply) -> Result<SendResult, CommandError> {
    invoke("send_reply", &Request { request }).await
}

pub async fn providers() -> Result<Vec<ProviderView>, CommandError> {
    invoke("providers", &NoArgs {}).await
}

#[derive(Serialize)]
struct ProviderArgs<'a> {
    input: &'a ProviderInput,
}

/// Saves VAPI or Telnyx settings; the shell puts the key in the OS keyring and polls.
pub async fn set_provider(input: &ProviderInput) -> Result<ProviderView, CommandError> {
    invoke("set_provider", &ProviderArgs { input }).await
}

/// Places an AI call through VAPI (queued in the outbox first).
pub async fn start_call(request: &StartCall) -> Result<SendResult, CommandError> {
    invoke("start_call", &Request { request }).await
}

pub async fn intel_settings() -> Result<IntelSettings, CommandError> {
    invoke("intel_settings", &NoArgs {}).await
}

#[derive(Serialize)]
struct Settings<'a> {
    settings: &'a IntelSettings,
}

pub async fn set_intel_settings(settings: &IntelSettings) -> Result<IntelSettings, CommandError> {
    invoke("set_intel_settings", &Settings { settings }).await
}

pub async fn duplicates() -> Result<Vec<hearth_types::DuplicatePair>, CommandError> {
    invoke("duplicates", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Merge {
    keep: i64,
    other: i64,
}

pub async fn merge_contacts(
    keep: i64,
    other: i64,
) -> Result<hearth_types::MergeResult, CommandError> {
    invoke("merge_contacts", &Merge { keep, other }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Undo {
    merge_id: i64,
}

pub async fn undo_merge(merge_id: i64) -> Result<ContactSummary, CommandError> {
    invoke("undo_merge", &Undo { merge_id }).await
}

#[derive(Serialize)]
struct Spec<'a> {
    spec: &'a hearth_types::CampaignSpec,
}

#[derive(Serialize)]
struct SaveCampaign<'a> {
    id: Option<i64>,
    spec: &'a hearth_types::CampaignSpec,
}

#[derive(Serialize)]
struct CampaignId {
    id: i64,
}

#[derive(Serialize)]
struct Control<'a> {
    id: i64,
    action: &'a str,
}

#[derive(Serialize)]
struct Preview<'a> {
    spec: &'a hearth_types::CampaignSpec,
    contact: i64,
}

pub async fn campaigns() -> Result<Vec<hearth_types::CampaignSummary>, CommandError> {
    invoke("campaigns", &NoArgs {}).await
}

/// The wizard's live review: audience count and sample, previews, warnings, errors.
pub async fn campaign_review(
    spec: &hearth_types::CampaignSpec,
) -> Result<hearth_types::CampaignReview, CommandError> {
    invoke("campaign_review", &Spec { spec }).await
}

pub async fn campaign_preview(
    spec: &hearth_types::CampaignSpec,
    contact: i64,
) -> Result<Vec<hearth_types::StepPreview>, CommandError> {
    invoke("campaign_preview", &Preview { spec, contact }).await
}

pub async fn save_campaign(
    id: Option<i64>,
    spec: &hearth_types::CampaignSpec,
) -> Result<i64, CommandError> {
    invoke("save_campaign", &SaveCampaign { id, spec }).await
}

pub async fn launch_campaign(id: i64) -> Result<hearth_types::CampaignDetail, CommandError> {
    invoke("launch_campaign", &CampaignId { id }).await
}

/// "pause", "resume" or "stop".
pub async fn control_campaign(
    id: i64,
    action: &str,
) -> Result<hearth_types::CampaignStatus, CommandError> {
    invoke("control_campaign", &Control { id, action }).await
}

pub async fn campaign_detail(id: i64) -> Result<hearth_types::CampaignDetail, CommandError> {
    invoke("campaign_detail", &CampaignId { id }).await
}

pub async fn campaign_recipients(id: i64) -> Result<Vec<hearth_types::RecipientRow>, CommandError> {
    invoke("campaign_recipients", &CampaignId { id }).await
}

/// Writes the results CSV into the data folder; its path.
pub async fn export_campaign(id: i64) -> Result<String, CommandError> {
    invoke("export_campaign", &CampaignId { id }).await
}

pub async fn contact_series(id: i64) -> Result<hearth_types::ContactSeries, CommandError> {
    invoke("contact_series", &CampaignId { id }).await
}

pub async fn weekly_activity() -> Result<hearth_types::WeeklyActivity, CommandError> {
    invoke("weekly_activity", &NoArgs {}).await
}
