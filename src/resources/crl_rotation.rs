//! `pca_crl_rotation`: regenerates a CA's CRL (Rotate CRL) when created, and again whenever
//! `triggers` changes.
//!
//! The operation has no state of its own: create runs it, read keeps the state while the CA
//! exists, destroy does nothing (a CRL cannot be "un-rotated"). Not importable. See
//! [`super::operation`] for the shared behaviour.

use super::operation::{self, Operation, OperationModel};
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, Resource};
use crate::framework::schema::Schema;
use crate::provider::PcaData;
use async_trait::async_trait;

/// The full type name.
pub const TYPE_NAME: &str = "pca_crl_rotation";

/// The `pca_crl_rotation` resource.
pub struct CrlRotationResource;

#[async_trait]
impl Resource for CrlRotationResource {
    type Model = OperationModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        operation::schema(
            "Regenerates a CA's CRL at once (Rotate CRL), so that it lists the latest revocations with a new `thisUpdate`/`nextUpdate` and a higher CRL number.\n\nCreating the resource rotates the CRL; changing `triggers` (or `ca_tag`) replaces the resource and rotates again, so tie `triggers` to whatever should cause a rotation. Destroying it does nothing: a rotation cannot be undone, and the CRL keeps renewing on the CA's own schedule (`pca_crl_config`). Not importable.",
            "rotates the CRL",
        )
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: OperationModel,
        diags: &mut Diagnostics,
    ) -> Option<OperationModel> {
        operation::create(Operation::RotateCrl, ctx, plan, diags).await
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
        // A rotation cannot be undone: destroy only forgets it.
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
