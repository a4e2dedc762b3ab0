//! `pca_crl_config` (data source): a CA's CRL renewal interval (Get CRL Config). A CA whose
//! interval was never set reports the API default, 3 days.

use super::common::{ca_tag_attribute, no_ca, read_error};
use crate::api::model::{CaTag, CrlConfig};
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::common::client;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_crl_config";

/// The `pca_crl_config` data source.
pub struct CrlConfigDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrlConfigDataModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `expiry_days`
    pub expiry_days: Val<i64>,
}

#[async_trait]
impl DataSource for CrlConfigDataSource {
    type Model = CrlConfigDataModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "A CA's CRL renewal interval (Get CRL Config): every `expiry_days` days the CRL expires and a new one is published. A CA whose interval was never set reports the API default, 3 days. Manage it with the `pca_crl_config` resource.",
        )
        .attr(ca_tag_attribute("whose CRL configuration to read"))
        .attr(Attribute::number("expiry_days").computed().description("The CRL renewal interval in days (3 when never configured)."))
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: CrlConfigDataModel,
        diags: &mut Diagnostics,
    ) -> Option<CrlConfigDataModel> {
        let client = client(ctx, diags)?;
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        let crl = match client.get_crl_config(&CaTag::from(tag.as_str())).await {
            Ok(c) => c,
            Err(e) => {
                read_error(
                    diags,
                    &e,
                    "ca_tag",
                    no_ca(&tag),
                    "Unable to Read CRL Configuration",
                );
                return None;
            }
        };
        let Some(days) = expiry_days(crl.as_ref()) else {
            diags.error(
                "Unable to Read CRL Configuration",
                format!(
                    "The API reports the CRL interval {:?}, which is not a number of days.",
                    CrlConfig::effective_expiry(crl.as_ref())
                ),
            );
            return None;
        };
        Some(CrlConfigDataModel {
            expiry_days: Val::Known(days),
            ..config
        })
    }
}

/// The interval in effect, in days.
fn expiry_days(config: Option<&CrlConfig>) -> Option<i64> {
    CrlConfig::effective_expiry(config).trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval() {
        assert_eq!(expiry_days(None), Some(3));
        let five = CrlConfig {
            expiry: Some("5".into()),
        };
        assert_eq!(expiry_days(Some(&five)), Some(5));
        let bad = CrlConfig {
            expiry: Some("soon".into()),
        };
        assert_eq!(expiry_days(Some(&bad)), None);
    }
}
