//! `pca_end_certs`: the serial numbers of every end-entity certificate of a CA (Get End Cert
//! List, all pages), revoked ones included, in the API's order.

use super::common::{ca_tag_attribute, no_ca, read_error};
use crate::api::model::{CaTag, SerialNo};
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::common::{canonical_serial, client};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_end_certs";

/// The `pca_end_certs` data source.
pub struct EndCertsDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndCertsModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `serial_numbers`
    pub serial_numbers: Val<Vec<String>>,
}

#[async_trait]
impl DataSource for EndCertsDataSource {
    type Model = EndCertsModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "The serial numbers of every end-entity certificate a CA has issued (all pages of Get End Cert List), revoked ones included; certificates removed by Trim CA are not listed. Read one with the `pca_end_cert` data source.",
        )
        .attr(ca_tag_attribute("whose certificates to list"))
        .attr(
            Attribute::list("serial_numbers", Type::String)
                .computed()
                .description("The serial numbers, lower-case colon-separated hex, in the API's order."),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: EndCertsModel,
        diags: &mut Diagnostics,
    ) -> Option<EndCertsModel> {
        let client = client(ctx, diags)?;
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        match client
            .get_end_cert_list_all(&CaTag::from(tag.as_str()))
            .await
        {
            Ok(serials) => Some(to_model(config, &serials)),
            Err(e) => {
                read_error(
                    diags,
                    &e,
                    "ca_tag",
                    no_ca(&tag),
                    "Unable to List Certificates",
                );
                None
            }
        }
    }
}

/// The result for the listed serials.
fn to_model(config: EndCertsModel, serials: &[SerialNo]) -> EndCertsModel {
    let mut out: Vec<String> = Vec::with_capacity(serials.len());
    for s in serials.iter().map(|s| canonical_serial(s.as_str())) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    EndCertsModel {
        serial_numbers: Val::Known(out),
        ..config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_canonical_and_unique() {
        let m = to_model(
            EndCertsModel::default(),
            &[
                SerialNo::from("3A:1F"),
                SerialNo::from("00:7f"),
                SerialNo::from("3a:1f"),
            ],
        );
        assert_eq!(
            m.serial_numbers,
            Val::Known(vec!["3a:1f".into(), "7f".into()])
        );
    }
}
