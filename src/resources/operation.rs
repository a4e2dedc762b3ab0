//! What `pca_crl_rotation` and `pca_ca_trim` share: resources for API operations that have no
//! state of their own (Rotate CRL, Trim CA).
//!
//! Create runs the operation and records when (`last_run`); any change of `ca_tag` or
//! `triggers` forces a new resource, so the operation runs again. Read keeps the state as long
//! as the CA exists (a CA that is gone, or scheduled for deletion, makes the resource gone, so
//! the next plan runs the operation again on a re-created CA). Destroy does nothing: the
//! operation cannot be undone. There is nothing to import.

use super::ca_user::ca_tag_validator;
use super::common::{api_error, client, now_ms, rfc3339};
use crate::api::model::{CaStatus, CaTag};
use crate::client::{Client, ClientError};
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, Resource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The state and configuration of an operation resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationModel {
    /// `id` (= `<ca_tag>/<last_run>`)
    pub id: Val<String>,
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `triggers`
    pub triggers: Val<BTreeMap<String, String>>,
    /// `last_run`
    pub last_run: Val<String>,
}

/// One of the stateless CA operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Rotate CRL (§2.23).
    RotateCrl,
    /// Trim CA (§2.24).
    TrimCa,
}

impl Operation {
    /// The operation's name, as the API documentation spells it.
    pub fn name(self) -> &'static str {
        match self {
            Operation::RotateCrl => "Rotate CRL",
            Operation::TrimCa => "Trim CA",
        }
    }

    /// Runs the operation on the CA `tag`, then drops what the process has cached of the
    /// CA that the operation changes, whether or not the answer arrived: the CA's CRL
    /// (both), and the list of its certificates (Trim CA).
    pub async fn run(
        self,
        data: &PcaData,
        client: &Client,
        tag: &CaTag,
    ) -> Result<(), ClientError> {
        let result = match self {
            Operation::RotateCrl => client.rotate_crl(tag).await,
            Operation::TrimCa => client.trim_ca(tag).await,
        };
        match self {
            Operation::RotateCrl => super::snapshot::note_crl_changed(data, tag.as_str()).await,
            Operation::TrimCa => super::snapshot::note_trimmed(data, tag.as_str()).await,
        }
        result
    }
}

/// An operation resource: its type name, the operation it runs and its schema (built with
/// [`schema`]). Everything else is shared: create runs the operation, read keeps the state
/// while the CA exists, and the framework's defaults make update a no-op (every argument
/// forces replacement), delete forget-only and import unsupported.
pub trait OperationResource: Send + Sync + 'static {
    /// The full type name.
    const TYPE_NAME: &'static str;
    /// The operation that create runs.
    const OPERATION: Operation;
    /// The schema (see [`schema`]).
    fn schema(&self) -> Schema;
}

#[async_trait]
impl<T: OperationResource> Resource for T {
    type Model = OperationModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        OperationResource::schema(self)
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: OperationModel,
        diags: &mut Diagnostics,
    ) -> Option<OperationModel> {
        create(T::OPERATION, ctx, plan, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: OperationModel,
        diags: &mut Diagnostics,
    ) -> Option<OperationModel> {
        read(ctx, state, diags).await
    }
}

/// The schema of an operation resource: `description` first, then the shared attributes.
pub fn schema(description: &str, runs: &str) -> Schema {
    Schema::new(description)
        .attr(
            Attribute::string("id")
                .computed()
                .use_state_for_unknown()
                .description("`<ca_tag>/<last_run>`."),
        )
        .attr(
            Attribute::string("ca_tag")
                .required()
                .requires_replace()
                .validate(ca_tag_validator())
                .description(format!("The CA's `ca_tag`. Changing it {runs} on the new CA.")),
        )
        .attr(
            Attribute::map("triggers", Type::String)
                .optional()
                .requires_replace()
                .description(format!("Arbitrary values; any change {runs} again (for example `{{ revoked = join(\",\", ...) }}` or a timestamp).")),
        )
        .attr(
            Attribute::string("last_run")
                .computed()
                .use_state_for_unknown()
                .description("When this resource last ran the operation, RFC 3339 (UTC)."),
        )
}

/// Create: runs the operation and records when.
async fn create(
    op: Operation,
    ctx: &Ctx<PcaData>,
    plan: OperationModel,
    diags: &mut Diagnostics,
) -> Option<OperationModel> {
    let client = client(ctx, diags)?;
    let data = ctx.data(diags)?;
    let tag = plan.ca_tag.known().cloned().unwrap_or_default();
    if let Err(e) = op.run(data, client, &CaTag::from(tag.as_str())).await {
        api_error(diags, &format!("Unable to Run {}", op.name()), &e);
        return None;
    }
    Some(ran(plan, now_ms()))
}

/// The state after a run at `at_ms`.
fn ran(plan: OperationModel, at_ms: i64) -> OperationModel {
    let tag = plan.ca_tag.known().cloned().unwrap_or_default();
    let last_run = rfc3339(at_ms);
    OperationModel {
        id: Val::Known(format!("{tag}/{last_run}")),
        last_run: Val::Known(last_run),
        triggers: match plan.triggers {
            Val::Unknown => Val::Null,
            t => t,
        },
        ca_tag: plan.ca_tag,
    }
}

/// Read: the state stays while the CA exists.
async fn read(
    ctx: &Ctx<PcaData>,
    state: OperationModel,
    diags: &mut Diagnostics,
) -> Option<OperationModel> {
    let client = client(ctx, diags)?;
    let data = ctx.data(diags)?;
    let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
    // From the CA list when it lists the status, else from Get CA.
    let record = super::snapshot::ca_record(data, client, tag.as_str(), |r| {
        r.ca_info.as_ref().is_some_and(|i| i.status.is_some())
    })
    .await;
    match record {
        Ok(r)
            if r.ca_info.as_ref().and_then(|i| i.status.as_ref())
                == Some(&CaStatus::Destroying) =>
        {
            None
        }
        Ok(_) => Some(state),
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            api_error(diags, "Unable to Read CA", &e);
            Some(state)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_recorded() {
        let plan = OperationModel {
            id: Val::Unknown,
            ca_tag: Val::Known("aaaa-bbbb".into()),
            triggers: Val::Known(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
            last_run: Val::Unknown,
        };
        let s = ran(plan, 1_721_105_212_000);
        assert_eq!(s.last_run, Val::Known("2024-07-16T04:46:52Z".into()));
        assert_eq!(s.id, Val::Known("aaaa-bbbb/2024-07-16T04:46:52Z".into()));
        assert!(s.triggers.is_known());
        let s = ran(
            OperationModel {
                triggers: Val::Unknown,
                ..OperationModel::default()
            },
            0,
        );
        assert_eq!(s.triggers, Val::Null);
    }

    #[test]
    fn schema_is_complete() {
        let s = schema("d", "runs it");
        assert!(s.block.lint().is_empty(), "{:?}", s.block.lint());
    }
}
