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
                println!(
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
    println!("#{} {}", c.id, c.name);
    println!("  status:   {}", c.status);
    if let Some(company) = &c.company {
        println!("  company:  {company}");
    }
    for i in &c.identities {
        println!("  {:<8}  {}", format!("{}:", i.kind), i.value);
    }
    Ok(())
}
