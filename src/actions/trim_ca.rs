//! `pca_trim_ca`: cleans up a CA (Trim CA), when invoked.

use super::CaOperationAction;
use crate::resources::operation::Operation;

/// The full type name.
pub const TYPE_NAME: &str = "pca_trim_ca";

/// The `pca_trim_ca` action.
pub struct TrimCaAction;

impl CaOperationAction for TrimCaAction {
    const TYPE_NAME: &'static str = TYPE_NAME;
    const OPERATION: Operation = Operation::TrimCa;

    fn description(&self) -> &'static str {
        "Cleans up a CA (Trim CA): certificates that have expired are deleted, so they leave the CA's certificate list and its CRL, which is then regenerated.\n\nAn action (Terraform 1.14 and later): run it with `terraform apply -invoke=action.pca_trim_ca.<name>` whenever a clean-up is due, or from an `action_trigger`. It keeps no state. On older Terraform use the `pca_ca_trim` resource, which trims when it is created and whenever its `triggers` change."
    }
}
