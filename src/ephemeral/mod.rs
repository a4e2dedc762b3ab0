//! Ephemeral resources (Terraform 1.10+): values that live for one Terraform run and never
//! reach state or plan files. One type per file; key and CSR making is shared in
//! [`keygen`].

pub mod end_cert;
pub mod key_pair;
pub mod keygen;

use crate::framework::ephemeral::DynEphemeralResource;
use crate::provider::PcaData;
use std::sync::Arc;

/// Every ephemeral resource type of the provider.
pub fn all() -> Vec<Arc<dyn DynEphemeralResource<PcaData>>> {
    vec![
        Arc::new(key_pair::KeyPairEphemeral),
        Arc::new(end_cert::EndCertEphemeral),
    ]
}
