//! `pca_ca_chain`: a CA's certificate chain (Get CA Chain), the CA's certificate first and
//! then each issuer up to the root, as one PEM document.

use super::common::{ca_tag_attribute, no_ca, read_error};
use crate::api::model::CaTag;
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::common::{client, pem_content};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca_chain";

/// The `pca_ca_chain` data source.
pub struct CaChainDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaChainModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `certificate_count`
    pub certificate_count: Val<i64>,
}

#[async_trait]
impl DataSource for CaChainDataSource {
    type Model = CaChainModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "A CA's certificate chain (Get CA Chain): the CA certificate first, then each issuer up to the root, as one PEM document. Use it as a trust bundle or to build full chains for servers.",
        )
        .attr(ca_tag_attribute("whose chain to read"))
        .attr(Attribute::string("chain_pem").computed().description("The chain, PEM: the CA certificate first, the root last."))
        .attr(Attribute::number("certificate_count").computed().description("How many certificates `chain_pem` holds."))
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: CaChainModel,
        diags: &mut Diagnostics,
    ) -> Option<CaChainModel> {
        let client = client(ctx, diags)?;
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        match client.get_ca_chain(&CaTag::from(tag.as_str())).await {
            Ok(chain) => Some(to_model(config, &chain)),
            Err(e) => {
                read_error(diags, &e, "ca_tag", no_ca(&tag), "Unable to Read CA Chain");
                None
            }
        }
    }
}

/// The result for a chain as the API returns it (line endings normalised to `\n`, one
/// trailing newline).
fn to_model(config: CaChainModel, chain: &str) -> CaChainModel {
    let count = pem_content(chain)
        .iter()
        .filter(|(l, _)| l == "CERTIFICATE")
        .count();
    let mut pem = chain.replace("\r\n", "\n").trim().to_owned();
    pem.push('\n');
    CaChainModel {
        chain_pem: Val::Known(pem),
        certificate_count: Val::Known(i64::try_from(count).unwrap_or(i64::MAX)),
        ..config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_mapping() {
        let chain = "-----BEGIN CERTIFICATE-----\r\nAA\r\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBB\n-----END CERTIFICATE-----";
        let m = to_model(
            CaChainModel {
                ca_tag: Val::Known("t".into()),
                ..CaChainModel::default()
            },
            chain,
        );
        assert_eq!(m.certificate_count, Val::Known(2));
        assert_eq!(m.ca_tag, Val::Known("t".into()));
        let pem = m.chain_pem.known().cloned().unwrap_or_default();
        assert!(!pem.contains('\r') && pem.ends_with("-----END CERTIFICATE-----\n"));
    }
}
