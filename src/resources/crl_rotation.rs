//! `pca_crl_rotation`: regenerates a CA's CRL (Rotate CRL) when created, and again whenever
//! `triggers` changes.
//!
//! The operation has no state of its own: create runs it, read keeps the state while the CA
//! exists, destroy does nothing (a CRL cannot be "un-rotated"). Not importable. See
//! [`super::operation`] for the shared behaviour.

use super::operation::{self, Operation, OperationResource};
use crate::framework::schema::Schema;

/// The full type name.
pub const TYPE_NAME: &str = "pca_crl_rotation";

/// The `pca_crl_rotation` resource.
pub struct CrlRotationResource;

impl OperationResource for CrlRotationResource {
    const TYPE_NAME: &'static str = TYPE_NAME;
    const OPERATION: Operation = Operation::RotateCrl;

    fn schema(&self) -> Schema {
        operation::schema(
            "Regenerates a CA's CRL at once (Rotate CRL), so that it lists the latest revocations with a new `thisUpdate`/`nextUpdate` and a higher CRL number.\n\nCreating the resource rotates the CRL; changing `triggers` (or `ca_tag`) replaces the resource and rotates again, so tie `triggers` to whatever should cause a rotation. Destroying it does nothing: a rotation cannot be undone, and the CRL keeps renewing on the CA's own schedule (`pca_crl_config`). Not importable.\n\nWhich to use: on Terraform 1.14 and later, prefer the `pca_rotate_crl` action, which rotates when invoked (`terraform apply -invoke=action.pca_rotate_crl.<name>`) or triggered by another resource (`action_trigger`) and keeps nothing in state. This resource is for older Terraform, or when a rotation should follow a change of `triggers`.",
            "rotates the CRL",
        )
    }
}
