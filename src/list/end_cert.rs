//! `pca_end_cert` list resource: the end-entity certificates of one CA (all pages of Get End
//! Cert List), revoked ones left out unless asked for.

use crate::api::model::CaTag;
use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListResource, Listed};
use crate::framework::path::AttrPath;
use crate::framework::resource::Ctx;
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::ca_user::ca_tag_validator;
use crate::resources::common::{api_error, canonical_serial, client, revoked_serials};
use crate::resources::end_cert::EndCertModel;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The `pca_end_cert` list resource.
pub struct EndCertList;

/// Its `config` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndCertListConfig {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `include_revoked`
    pub include_revoked: Val<bool>,
}

#[async_trait]
impl ListResource for EndCertList {
    type Config = EndCertListConfig;
    type Model = EndCertModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        crate::resources::end_cert::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new("Finds the end-entity certificates of one CA, for `terraform query`. Each result is identified by `ca_tag` and `serial_number`; `-generate-config-out` writes a `pca_end_cert` block and an `import` block for it. Revoked certificates are left out (importing one would plan its replacement) unless `include_revoked` is true.")
            .attr(
                Attribute::string("ca_tag")
                    .required()
                    .validate(ca_tag_validator())
                    .description("The `ca_tag` of the CA whose certificates to find."),
            )
            .attr(
                Attribute::bool("include_revoked")
                    .optional()
                    .description("Also find revoked certificates (default false)."),
            )
    }

    async fn list(
        &self,
        ctx: &Ctx<PcaData>,
        config: EndCertListConfig,
        limit: usize,
        diags: &mut Diagnostics,
    ) -> Vec<Listed<EndCertModel>> {
        let (Some(client), Some(data)) = (client(ctx, diags).cloned(), ctx.data(diags)) else {
            return Vec::new();
        };
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        let serials = match client
            .get_end_cert_list_all(&CaTag::from(tag.as_str()))
            .await
        {
            Ok(s) => s,
            Err(e) if e.is_not_found() => {
                diags.error_at(
                    AttrPath::root("ca_tag"),
                    "CA Not Found",
                    format!("There is no CA with ca_tag {tag:?} in this account."),
                );
                return Vec::new();
            }
            Err(e) => {
                api_error(diags, "Unable to List Certificates", &e);
                return Vec::new();
            }
        };
        let revoked = if config.include_revoked.known() == Some(&true) {
            None
        } else {
            match revoked_serials(data, &client, &tag).await {
                Ok(set) => Some(set),
                Err(e) => {
                    api_error(diags, "Unable to Read the CRL", &e);
                    return Vec::new();
                }
            }
        };
        let mut out: Vec<Listed<EndCertModel>> = Vec::new();
        for serial in serials.iter().map(|s| canonical_serial(s.as_str())) {
            if out.len() >= limit {
                break;
            }
            if revoked.as_ref().is_some_and(|r| r.contains(&serial))
                || out
                    .iter()
                    .any(|l| l.state.serial_number.known() == Some(&serial))
            {
                continue;
            }
            out.push(Listed {
                display_name: serial.clone(),
                state: EndCertModel {
                    ca_tag: Val::Known(tag.clone()),
                    serial_number: Val::Known(serial),
                    ..EndCertModel::default()
                },
            });
        }
        out
    }
}
