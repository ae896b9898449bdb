//! Looking inside a running sim: counts, ids, records as served, what was sent, the
//! request log.
//!
//! Tests compare what a client stored against these, so they render records through the
//! same code the HTTP handlers use.

use serde_json::Value;
use uuid::Uuid;

use crate::sim::Sim;
use crate::state::RequestLog;
use crate::time::now_ms;
use crate::vapi::call::CallType;
use crate::{telnyx, vapi};

impl Sim {
    /// How many Vapi calls exist.
    pub fn vapi_call_count(&self) -> usize {
        self.shared.state().vapi.calls.len()
    }

    /// How many Telnyx records of a `filter[record_type]` exist (`messaging`,
    /// `call-control`; `messaging_optouts` counts opt-out rows; anything else is 0).
    pub fn telnyx_record_count(&self, record_type: &str) -> usize {
        let st = self.shared.state();
        match record_type {
            "messaging" => st.telnyx.mdrs.len(),
            "call-control" => st.telnyx.cdrs.len(),
            "messaging_optouts" => st.telnyx.optouts.len(),
            _ => 0,
        }
    }

    /// Numbers currently opted out (blocked from our profile).
    pub fn optouts(&self) -> Vec<String> {
        let st = self.shared.state();
        st.telnyx.optouts.iter().map(|o| o.to.clone()).collect()
    }

    /// Request bodies of accepted `POST /v2/messages`, oldest first.
    pub fn sent_messages(&self) -> Vec<Value> {
        self.shared.state().sent_messages.clone()
    }

    /// Request bodies of accepted `POST /call`, oldest first.
    pub fn created_calls(&self) -> Vec<Value> {
        self.shared.state().created_calls.clone()
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RequestLog> {
        self.shared.log().clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.log().clear();
    }

    /// Ids of every Vapi phone call (`inboundPhoneCall` / `outboundPhoneCall`, not web
    /// calls): what a client that keeps phone calls only should end up with.
    pub fn vapi_phone_call_ids(&self) -> Vec<String> {
        let st = self.shared.state();
        st.vapi
            .calls
            .iter()
            .filter(|c| c.kind != CallType::Web)
            .map(|c| c.id.to_string())
            .collect()
    }

    /// One call as `GET /call/{id}` would return it now.
    pub fn vapi_call(&self, id: &str) -> Option<Value> {
        let id: Uuid = id.parse().ok()?;
        let call = {
            let st = self.shared.state();
            st.vapi.calls.get(*st.vapi.by_id.get(&id)?)?.clone()
        };
        let ctx = vapi::call::Ctx {
            accounts: &self.shared.accounts,
            pool: &self.shared.pool,
            now: now_ms(),
            nonce: self.shared.nonce(),
        };
        Some(call.render(&ctx))
    }

    /// Ids of every Telnyx record of a `filter[record_type]` (`messaging`: MDR uuids,
    /// `call-control`: CDR ids), oldest first.
    pub fn telnyx_ids(&self, record_type: &str) -> Vec<String> {
        let st = self.shared.state();
        match record_type {
            "messaging" => st.telnyx.mdrs.iter().map(|m| m.uuid.to_string()).collect(),
            "call-control" => st.telnyx.cdrs.iter().map(|c| c.id.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    /// One MDR (by uuid) or voice CDR (by id) as `GET /detail_records` would return it.
    pub fn telnyx_record(&self, id: &str) -> Option<Value> {
        let id: Uuid = id.parse().ok()?;
        let ctx = telnyx::render::Ctx {
            accounts: &self.shared.accounts,
            pool: &self.shared.pool,
        };
        let st = self.shared.state();
        if let Some(m) = st.telnyx.find_mdr(id) {
            return Some(ctx.mdr(m));
        }
        st.telnyx
            .cdrs
            .iter()
            .find(|c| c.id == id)
            .map(|c| ctx.cdr(c))
    }
}
