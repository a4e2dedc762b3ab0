//! The provider's data sources, one per file.

pub mod ca;
pub mod ca_chain;
pub mod ca_crl;
pub mod ca_users;
pub mod cas;
pub mod client_config;
pub mod common;
pub mod crl_config;
pub mod end_cert;
pub mod end_certs;

use crate::framework::resource::DynDataSource;
use crate::provider::PcaData;
use std::sync::Arc;

/// Every data source type of the provider.
pub fn all() -> Vec<Arc<dyn DynDataSource<PcaData>>> {
    vec![
        Arc::new(client_config::ClientConfigDataSource),
        Arc::new(ca::CaDataSource),
        Arc::new(cas::CasDataSource),
        Arc::new(ca_chain::CaChainDataSource),
        Arc::new(ca_crl::CaCrlDataSource),
        Arc::new(crl_config::CrlConfigDataSource),
        Arc::new(end_cert::EndCertDataSource),
        Arc::new(end_certs::EndCertsDataSource),
        Arc::new(ca_users::CaUsersDataSource),
    ]
}
