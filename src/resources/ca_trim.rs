//! `pca_ca_trim`: cleans up a CA (Trim CA: expired certificates leave its certificate list and
//! CRL) when created, and again whenever `triggers` changes.
//!
//! The operation has no state of its own: create runs it, read keeps the state while the CA
//! exists, destroy does nothing (what was trimmed stays trimmed). Not importable. See
//! [`super::operation`] for the shared behaviour.

use super::operation::{self, Operation, OperationResource};
use crate::framework::schema::Schema;

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca_trim";

/// The `pca_ca_trim` resource.
pub struct CaTrimResource;

impl OperationResource for CaTrimResource {
    const TYPE_NAME: &'static str = TYPE_NAME;
    const OPERATION: Operation = Operation::TrimCa;

    fn schema(&self) -> Schema {
        operation::schema(
            "Cleans up a CA (Trim CA): certificates that have expired are deleted, so they leave the CA's certificate list and its CRL, which is then regenerated.\n\nCreating the resource trims the CA; changing `triggers` (or `ca_tag`) replaces the resource and trims again, for example `triggers = { month = formatdate(\"YYYY-MM\", plantimestamp()) }` on Terraform 1.5 and later. Destroying it does nothing: what was trimmed stays trimmed. Not importable.\n\nWhich to use: on Terraform 1.14 and later, prefer the `pca_trim_ca` action, which trims when invoked (`terraform apply -invoke=action.pca_trim_ca.<name>`) or triggered (`action_trigger`) and keeps nothing in state. This resource is for older Terraform, or when a trim should follow a change of `triggers`.",
            "trims the CA",
        )
    }
}
