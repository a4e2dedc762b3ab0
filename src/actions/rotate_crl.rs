//! `pca_rotate_crl`: regenerates a CA's CRL now (Rotate CRL), when invoked.

use super::CaOperationAction;
use crate::resources::operation::Operation;

/// The full type name.
pub const TYPE_NAME: &str = "pca_rotate_crl";

/// The `pca_rotate_crl` action.
pub struct RotateCrlAction;

impl CaOperationAction for RotateCrlAction {
    const TYPE_NAME: &'static str = TYPE_NAME;
    const OPERATION: Operation = Operation::RotateCrl;

    fn description(&self) -> &'static str {
        "Regenerates a CA's CRL at once (Rotate CRL), so that it lists the latest revocations with a new `thisUpdate`/`nextUpdate` and a higher CRL number.\n\nAn action (Terraform 1.14 and later): run it with `terraform apply -invoke=action.pca_rotate_crl.<name>`, or from an `action_trigger` in a resource's `lifecycle` (for example after revoking certificates). It keeps no state. On older Terraform use the `pca_crl_rotation` resource, which rotates when it is created and whenever its `triggers` change."
    }
}
