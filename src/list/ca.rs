//! `pca_ca` list resource: every CA of the account (all pages of Get CA List), except CAs
//! scheduled for deletion.

use crate::api::model::CaStatus;
use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListResource, Listed};
use crate::framework::resource::Ctx;
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate;
use crate::provider::PcaData;
use crate::resources::ca::CaModel;
use crate::resources::common::{api_error, client};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The `pca_ca` list resource.
pub struct CaList;

/// Its `config` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaListConfig {
    /// `ca_type`
    pub ca_type: Val<String>,
}

#[async_trait]
impl ListResource for CaList {
    type Config = CaListConfig;
    type Model = CaModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        crate::resources::ca::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new("Finds every CA of the account (CAs scheduled for deletion are left out), for `terraform query`. Each result is identified by its `ca_tag`; `-generate-config-out` writes a `pca_ca` block and an `import` block for it.")
            .attr(
                Attribute::string("ca_type")
                    .optional()
                    .validate(validate::one_of(&["PRIVATE_ROOT", "PRIVATE_SUB"]))
                    .description("Only CAs of this type (`PRIVATE_ROOT` or `PRIVATE_SUB`); all when unset."),
            )
    }

    async fn list(
        &self,
        ctx: &Ctx<PcaData>,
        config: CaListConfig,
        limit: usize,
        diags: &mut Diagnostics,
    ) -> Vec<Listed<CaModel>> {
        let Some(client) = client(ctx, diags) else {
            return Vec::new();
        };
        let records = match client.get_ca_list_all().await {
            Ok(r) => r,
            Err(e) => {
                api_error(diags, "Unable to List CAs", &e);
                return Vec::new();
            }
        };
        let want = config.ca_type.known().cloned();
        records
            .into_iter()
            .filter_map(|r| r.ca_info)
            .filter(|i| i.status != Some(CaStatus::Destroying))
            .filter(|i| {
                want.as_ref().is_none_or(|w| {
                    i.ca_type.as_ref().is_some_and(|t| {
                        serde_json::to_value(t)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .as_deref()
                            == Some(w.as_str())
                    })
                })
            })
            .filter_map(|i| {
                let tag = i.ca_tag?.as_str().to_owned();
                let alias = i.alias.unwrap_or_default();
                Some(Listed {
                    display_name: format!("{alias} ({tag})"),
                    state: CaModel {
                        id: Val::Known(tag.clone()),
                        ca_tag: Val::Known(tag),
                        ..CaModel::default()
                    },
                })
            })
            .take(limit)
            .collect()
    }
}
