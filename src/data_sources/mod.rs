//! The provider's data sources, one per file.

pub mod client_config;

use crate::framework::resource::DynDataSource;
use crate::provider::PcaData;
use std::sync::Arc;

/// Every data source type of the provider.
pub fn all() -> Vec<Arc<dyn DynDataSource<PcaData>>> {
    vec![Arc::new(client_config::ClientConfigDataSource)]
}
