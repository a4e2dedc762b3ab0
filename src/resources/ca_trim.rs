//! `pca_ca_trim`: cleans up a CA (Trim CA: expired certificates leave its certificate list and
//! CRL) when created, and again whenever `triggers` changes.
//!
//! The operation has no state of its own: create runs it, read keeps the state while the CA
//! exists, destroy does nothing (what was trimmed stays trimmed). Not importable. See
//! [`super::operation`] for the shared behaviour.

use super::operation::{self, Operation, OperationModel};
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, Resource};
use crate::framework::schema::Schema;
use crate::provider::PcaData;
use async_trait::async_trait;

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca_trim";

/// The `pca_ca_trim` resource.
pub struct CaTrimResource;

#[async_trait]
impl Resource for CaTrimResource {
    type Model = OperationModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        operation::schema(
            "Cleans up a CA (Trim CA): certificates that have expired are deleted, so they leave the CA's certificate list and its CRL, which is then regenerated.\n\nCreating the resource trims the CA; changing `triggers` (or `ca_tag`) replaces the resource and trims again, for example `triggers = { month = formatdate(\"YYYY-MM\", plantimestamp()) }` on Terraform 1.5 and later. Destroying it does nothing: what was trimmed stays trimmed. Not importable.",
            "trims the CA",
        )
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: OperationModel,
        diags: &mut Diagnostics,
    ) -> Option<OperationModel> {
        operation::create(Operation::TrimCa, ctx, plan, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: OperationModel,
        diags: &mut Diagnostics,
    ) -> Option<OperationModel> {
        operation::read(ctx, state, diags).await
    }

    async fn update(
        &self,
        _ctx: &Ctx<PcaData>,
        _prior: OperationModel,
        plan: OperationModel,
        _diags: &mut Diagnostics,
    ) -> Option<OperationModel> {
        // Every argument forces replacement, so nothing reaches here but a no-op.
        Some(plan)
    }

    async fn delete(&self, _ctx: &Ctx<PcaData>, _state: OperationModel, _diags: &mut Diagnostics) {
        // A trim cannot be undone: destroy only forgets it.
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        _id: &str,
        diags: &mut Diagnostics,
    ) -> Option<OperationModel> {
        operation::import_error(TYPE_NAME, diags);
        None
    }
}
