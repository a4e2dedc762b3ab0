//! The provider's resources, one per file, each in the same order: module doc, type name,
//! resource struct, model, schema, validation, plan hook, create, read, update, delete,
//! import, mapping, tests.

pub mod ca;
pub mod ca_trim;
pub mod ca_user;
pub mod common;
pub mod crl_config;
pub mod crl_rotation;
pub mod end_cert;
pub mod ocsp;
pub mod operation;
pub mod snapshot;
pub mod sub_ca_activation;
pub mod sub_ca_cert;

use crate::framework::resource::DynResource;
use crate::provider::PcaData;
use std::sync::Arc;

/// Every resource type of the provider.
pub fn all() -> Vec<Arc<dyn DynResource<PcaData>>> {
    vec![
        Arc::new(ca::CaResource),
        Arc::new(end_cert::EndCertResource),
        Arc::new(sub_ca_cert::SubCaCertResource),
        Arc::new(sub_ca_activation::SubCaActivationResource),
        Arc::new(ocsp::OcspResource),
        Arc::new(crl_config::CrlConfigResource),
        Arc::new(ca_user::CaUserResource),
        Arc::new(crl_rotation::CrlRotationResource),
        Arc::new(ca_trim::CaTrimResource),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::identity::ResolvedIdentity;

    #[test]
    fn every_importable_resource_has_an_identity_that_fits_its_schema() {
        // Operation resources record that something ran: nothing to import or identify.
        let stateless = [crl_rotation::TYPE_NAME, ca_trim::TYPE_NAME];
        for r in all() {
            let name = r.type_name();
            match r.identity() {
                Some(id) => {
                    assert!(!stateless.contains(&name), "{name} has an identity");
                    if let Err(e) = ResolvedIdentity::resolve(&id, &r.schema()) {
                        panic!("{name}: {e}");
                    }
                }
                None => assert!(stateless.contains(&name), "{name} has no identity"),
            }
        }
    }
}
