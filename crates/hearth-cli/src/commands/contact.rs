//! `hearth contact ...`

use clap::Subcommand;
use hearth_core::domain::NewContact;
use hearth_core::store::ContactFilter;
use hearth_types::{ContactSort, ContactStatus, ContactSummary, IdentityKind};

use super::open_store;
use crate::{output, Ctx};

#[derive(Debug, Subcommand)]
pub enum ContactCmd {
    /// Add a contact with any number of emails and phones.
    Add {
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long = "email")]
        emails: Vec<String>,
        #[arg(long = "phone")]
        phones: Vec<String>,
        #[arg(long)]
        company: Option<String>,
        /// lead, customer, inactive, vip or blocked.
        #[arg(long)]
        status: Option<ContactStatus>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// List contacts by name.
    List {
        /// Match name, company, email or phone.
        #[arg(long, short)]
        search: Option<String>,
        #[arg(long)]
        status: Option<ContactStatus>,
        /// name, recent (newest conversation first) or top-ltv.
        #[arg(long, default_value = "name", value_parser = parse_sort)]
        sort: ContactSort,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show one contact: by id, email or phone.
    Show { contact: String },
    /// Probable duplicates (same mailbox, same national number, same or similar names),
    /// surest first, with the reasons.
    Duplicates {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Merge OTHER into KEEP: identities, interactions, orders, deals and tasks move to
    /// KEEP. Prints the merge id that `contact unmerge` takes.
    Merge { keep: String, other: String },
    /// Undo a merge by its id.
    Unmerge { merge_id: i64 },
    /// Tag a contact (KEY: id, email or phone), or remove tags with --remove; without
    /// tags, list the contact's tags (or, without KEY, every tag in use).
    Tag {
        key: Option<String>,
        tags: Vec<String>,
        #[arg(long)]
        remove: bool,
    },
}

pub async fn run(ctx: &Ctx, cmd: ContactCmd) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = run_on(ctx, &store, cmd).await;
    store.close().await;
    result
}

async fn run_on(ctx: &Ctx, store: &hearth_core::Store, cmd: ContactCmd) -> anyhow::Result<()> {
    match cmd {
        ContactCmd::Add {
            name,
            emails,
            phones,
            company,
            status,
            notes,
        } => {
            let identities = emails
                .into_iter()
                .map(|e| (IdentityKind::Email, e))
                .chain(phones.into_iter().map(|p| (IdentityKind::Phone, p)))
                .collect();
            let contact = store
                .add_contact(&NewContact {
                    name,
                    company,
                    status,
                    notes,
                    identities,
                })
                .await?;
            print_one(ctx, &contact)
        }
        ContactCmd::List {
            search,
            status,
            sort,
            limit,
        } => {
            let filter = ContactFilter {
                search,
                status,
                sort,
                limit: Some(limit),
                offset: None,
            };
            let contacts = store.list_contacts(&filter).await?;
            if ctx.json {
                return output::json(&contacts);
            }
            for c in &contacts {
                outln!(
                    "{:>7}  {}  {}  {}",
                    c.id,
                    output::cell(&c.name, 24),
                    output::cell(c.status.as_str(), 8),
                    identities(c)
                );
            }
            Ok(())
        }
        ContactCmd::Show { contact } => print_one(ctx, &store.find_contact(&contact).await?),
        ContactCmd::Duplicates { limit } => {
            let pairs = store.find_duplicates(limit).await?;
            if ctx.json {
                return output::json(&pairs);
            }
            if pairs.is_empty() {
                outln!("no probable duplicates");
            }
            for p in &pairs {
                outln!(
                    "{:.2}  #{} {}  ~  #{} {}",
                    p.score,
                    p.a.id,
                    p.a.name,
                    p.b.id,
                    p.b.name
                );
                for r in &p.reasons {
                    outln!("        {r}");
                }
            }
            Ok(())
        }
        ContactCmd::Merge { keep, other } => {
            let keep = store.find_contact(&keep).await?.id;
            let other = store.find_contact(&other).await?.id;
            let m = store.merge_contacts(keep, other).await?;
            if ctx.json {
                return output::json(&m);
            }
            outln!(
                "merged #{} into #{} {}: {} identities, {} interactions, {} orders, {} deals, {} tasks moved (undo: hearth contact unmerge {})",
                m.merged_id, m.kept.id, m.kept.name, m.identities, m.interactions, m.orders, m.deals, m.tasks, m.merge_id
            );
            Ok(())
        }
        ContactCmd::Tag { key: None, .. } => {
            let tags = store.tags().await?;
            if ctx.json {
                return output::json(&tags);
            }
            for (tag, n) in tags {
                outln!("{tag:<24} {n}");
            }
            Ok(())
        }
        ContactCmd::Tag {
            key: Some(key),
            tags,
            remove,
        } => {
            let id = store.find_contact(&key).await?.id;
            if remove {
                for t in &tags {
                    store.untag_contact(id, t).await?;
                }
            } else if !tags.is_empty() {
                let pairs: Vec<(i64, String)> = tags.iter().map(|t| (id, t.clone())).collect();
                store.tag_contacts(&pairs).await?;
            }
            let now = store.contact_tags(id).await?;
            if ctx.json {
                return output::json(&now);
            }
            outln!("{}", now.join(", "));
            Ok(())
        }
        ContactCmd::Unmerge { merge_id } => {
            let c = store.undo_merge(merge_id).await?;
            if ctx.json {
                return output::json(&c);
            }
            outln!(
                "merge {merge_id} undone: #{} {} stands on its own again",
                c.id,
                c.name
            );
            Ok(())
        }
    }
}

fn parse_sort(s: &str) -> Result<ContactSort, String> {
    match s {
        "name" => Ok(ContactSort::Name),
        "recent" => Ok(ContactSort::Recent),
        "top-ltv" | "top_ltv" => Ok(ContactSort::TopLtv),
        other => Err(format!(
            "unknown sort {other:?} (expected name, recent or top-ltv)"
        )),
    }
}

fn identities(c: &ContactSummary) -> String {
    c.identities
        .iter()
        .map(|i| i.value.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_one(ctx: &Ctx, c: &ContactSummary) -> anyhow::Result<()> {
    if ctx.json {
        return output::json(c);
    }
    outln!("#{} {}", c.id, c.name);
    outln!("  status:   {}", c.status);
    if let Some(company) = &c.company {
        outln!("  company:  {company}");
    }
    for i in &c.identities {
        outln!("  {:<8}  {}", format!("{}:", i.kind), i.value);
    }
    Ok(())
}
