//! The provider's list resources (Terraform 1.14+, `terraform query`), one per file, named
//! like the managed resource they find: module doc, list struct, config model, schema,
//! validation, list, tests.
//!
//! A list resource only enumerates identities; the framework completes each result the way an
//! import by identity would (the resource's own import and read), so `terraform query
//! -generate-config-out` writes configuration that imports with an empty plan.

pub mod ca;
pub mod end_cert;

use crate::framework::list::DynListResource;
use crate::provider::PcaData;
use std::sync::Arc;

/// Every list resource type of the provider.
pub fn all() -> Vec<Arc<dyn DynListResource<PcaData>>> {
    vec![Arc::new(ca::CaList), Arc::new(end_cert::EndCertList)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_resource_lists_an_identified_resource() {
        let resources = crate::resources::all();
        for l in all() {
            assert!(l.schema().block.lint().is_empty(), "{}", l.type_name());
            let r = resources
                .iter()
                .find(|r| r.type_name() == l.type_name())
                .unwrap_or_else(|| panic!("{} lists no resource", l.type_name()));
            assert!(r.identity().is_some(), "{} has no identity", l.type_name());
        }
    }
}
