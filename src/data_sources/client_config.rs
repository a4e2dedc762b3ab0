//! `pca_client_config`: which API, account key and retry policy the provider is configured
//! with, after the environment and `~/.ncloud/configure` fallbacks. It calls no API; it
//! answers "which credentials is this CI job using?" without exposing the secret.

use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_client_config";

/// The `pca_client_config` data source.
pub struct ClientConfigDataSource;

/// Its model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientConfigModel {
    /// `site`
    pub site: Val<String>,
    /// `api_url`
    pub api_url: Val<String>,
    /// `access_key`
    pub access_key: Val<String>,
    /// `credential_source`
    pub credential_source: Val<String>,
    /// `max_retries`
    pub max_retries: Val<i64>,
    /// `credential_origin`
    pub credential_origin: Val<String>,
    /// `api_url_source`
    pub api_url_source: Val<String>,
}

#[async_trait]
impl DataSource for ClientConfigDataSource {
    type Model = ClientConfigModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "The provider's effective connection settings, after the environment and `~/.ncloud/configure` fallbacks. Calls no API. Useful to check which API and access key a pipeline uses; the secret key is never exposed.",
        )
        .attr(Attribute::string("site").computed().description("The NCP site: `public`, `gov` or `fin`."))
        .attr(Attribute::string("api_url").computed().description("The API base URL requests go to, including `/api/v1` (the `endpoint` override when set)."))
        .attr(Attribute::string("access_key").computed().description("The access key ID in use (not secret)."))
        .attr(Attribute::string("credential_source").computed().description("Where the access key came from: `provider` (the provider block), `environment`, or `cli_file` (`~/.ncloud/configure`)."))
        .attr(Attribute::number("max_retries").computed().description("How many times an idempotent request is retried."))
        .attr(Attribute::string("credential_origin").computed().description("Where each key came from, in the words authentication errors use: `the provider block (access_key, secret_key)`, `the environment variables NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY`, `/home/me/.ncloud/configure (profile DEFAULT)`, or both origins when the two keys came from different places."))
        .attr(Attribute::string("api_url_source").computed().description("Where `api_url` came from, in the words connection errors use: `` `endpoint` in the provider block``, `the PCA_ENDPOINT environment variable`, or the site and where it was set (e.g. `site \"public\" (the default)`)."))
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        _config: ClientConfigModel,
        diags: &mut Diagnostics,
    ) -> Option<ClientConfigModel> {
        let settings = match &ctx.data(diags)?.settings {
            Ok(s) => s,
            Err(why) => {
                diags.error("Provider Configuration Not Ready", why.clone());
                return None;
            }
        };
        Some(ClientConfigModel {
            site: Val::Known(settings.site.name().to_owned()),
            api_url: Val::Known(format!("{}/api/v1", settings.base_url)),
            access_key: Val::Known(settings.credentials.access_key.clone()),
            credential_source: Val::Known(settings.credential_source.name().to_owned()),
            max_retries: Val::Known(i64::from(settings.max_retries)),
            credential_origin: Val::Known(settings.credential_origin.to_string()),
            api_url_source: Val::Known(settings.endpoint_origin.to_string()),
        })
    }
}
