//! The provider trait: the provider block's schema, its configuration into typed data, and
//! the lists of resources and data sources.

use super::action::DynAction;
use super::diag::Diagnostics;
use super::ephemeral::DynEphemeralResource;
use super::function::Function;
use super::list::DynListResource;
use super::resource::{DynDataSource, DynResource};
use super::schema::Schema;
use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// A Terraform provider.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What `configure` produces and every resource receives through its context (for
    /// example an API client). Typed: no runtime downcasts.
    type Data: Send + Sync + 'static;
    /// The provider block's model (mirrors [`Provider::schema`]).
    type Config: Serialize + DeserializeOwned + Send + Sync;

    /// The provider's type name: the prefix of every resource type name.
    fn type_name(&self) -> &'static str;

    /// The provider's version (`0.1.0`).
    fn version(&self) -> &'static str;

    /// The provider block's schema.
    fn schema(&self) -> Schema;

    /// Checks of the provider block beyond attribute validators. Values may be unknown (a
    /// provider block fed by another resource); skip those. Must not call any API.
    fn validate(&self, _config: &Self::Config, _diags: &mut Diagnostics) {}

    /// Builds the provider data from the provider block. Values may still be unknown during
    /// plan; return data that can serve what it can, or an error diagnostic.
    async fn configure(
        &self,
        config: Self::Config,
        terraform_version: &str,
        diags: &mut Diagnostics,
    ) -> Option<Self::Data>;

    /// Every resource type.
    fn resources(&self) -> Vec<Arc<dyn DynResource<Self::Data>>>;

    /// Every data source type.
    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<Self::Data>>>;

    /// Every provider function (Terraform 1.8+). None by default.
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    /// Every ephemeral resource type (Terraform 1.10+). None by default.
    fn ephemeral_resources(&self) -> Vec<Arc<dyn DynEphemeralResource<Self::Data>>> {
        Vec::new()
    }

    /// Every action type (Terraform 1.14+). None by default.
    fn actions(&self) -> Vec<Arc<dyn DynAction<Self::Data>>> {
        Vec::new()
    }

    /// Every list resource type (Terraform 1.14+, `terraform query`). None by default.
    fn list_resources(&self) -> Vec<Arc<dyn DynListResource<Self::Data>>> {
        Vec::new()
    }
}
