//! `pca_ca` (data source): one CA, found by `ca_tag` (Get CA) or by `alias` (Get CA List, all
//! pages, then Get CA). Returns what the `pca_ca` resource computes, plus the CA's arguments
//! as the API reports them, its `status` and `signing_count`. Exactly one of `ca_tag` and
//! `alias` must be set; a CA that does not exist is an error on the attribute that named it.
//! A CA scheduled for deletion is returned (with status `DESTROYING`).

use super::common::{no_ca, read_error};
use crate::api::model::{CaRecord, CaStatus, CaTag};
use crate::client::Client;
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::path::AttrPath;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::ca::{CaModel, alias_validator, from_record};
use crate::resources::ca_user::ca_tag_validator;
use crate::resources::common::{Subject, api_error, client};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca";

/// The `pca_ca` data source.
pub struct CaDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaDataModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `alias`
    pub alias: Val<String>,
    /// `id`
    pub id: Val<String>,
    /// `ca_type`
    pub ca_type: Val<String>,
    /// `key_type`
    pub key_type: Val<String>,
    /// `subject`
    pub subject: Val<Subject>,
    /// `alt_names`
    pub alt_names: Val<Vec<String>>,
    /// `ip_addresses`
    pub ip_addresses: Val<Vec<String>>,
    /// `memo`
    pub memo: Val<String>,
    /// `status`
    pub status: Val<String>,
    /// `signing_count`
    pub signing_count: Val<i64>,
    /// `ca_id`
    pub ca_id: Val<i64>,
    /// `nrn`
    pub nrn: Val<String>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `csr_pem`
    pub csr_pem: Val<String>,
    /// `serial_number`
    pub serial_number: Val<String>,
    /// `not_before`
    pub not_before: Val<String>,
    /// `not_after`
    pub not_after: Val<String>,
    /// `crl_urls`
    pub crl_urls: Val<Vec<String>>,
    /// `ca_urls`
    pub ca_urls: Val<Vec<String>>,
}

fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

/// The `subject` attributes, all computed.
pub fn computed_subject_attributes() -> Vec<Attribute> {
    vec![
        computed("common_name", "Common name (CN)."),
        computed("country", "Country (C)."),
        computed("state_province", "State or province (ST)."),
        computed("locality", "Locality (L)."),
        computed("organization", "Organization (O)."),
        computed("organizational_unit", "Organizational unit (OU)."),
    ]
}

#[async_trait]
impl DataSource for CaDataSource {
    type Model = CaDataModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "One CA of the account, by `ca_tag` or by `alias` (exactly one of them). Returns what the `pca_ca` resource computes, the CA's settings as the API reports them, its `status` and how many certificates it has signed. A CA that does not exist is an error.",
        )
        .attr(
            Attribute::string("ca_tag")
                .optional_computed()
                .validate(ca_tag_validator())
                .description("The CA's tag. Set this or `alias`."),
        )
        .attr(
            Attribute::string("alias")
                .optional_computed()
                .validate(alias_validator())
                .description("The CA's alias (unique in the account). Set this or `ca_tag`."),
        )
        .attr(computed("id", "The CA tag (same as `ca_tag`)."))
        .attr(computed("ca_type", "`PRIVATE_ROOT` or `PRIVATE_SUB`."))
        .attr(computed("key_type", "Key algorithm of the CA certificate: `RSA2048`, `RSA4096`, `EC256` or `EC521` (null while `PENDING`)."))
        .attr(
            Attribute::nested("subject", Nesting::Single, computed_subject_attributes())
                .computed()
                .description("The CA certificate's subject (null while `PENDING`)."),
        )
        .attr(Attribute::list("alt_names", Type::String).computed().description("DNS and e-mail subject alternative names of the CA certificate."))
        .attr(Attribute::list("ip_addresses", Type::String).computed().description("IP subject alternative names of the CA certificate."))
        .attr(computed("memo", "The CA's memo."))
        .attr(computed("status", "`ACTIVE`, `PENDING` (a sub CA awaiting activation), `DEACTIVATED` or `DESTROYING`."))
        .attr(Attribute::number("signing_count").computed().description("How many certificates the CA has signed."))
        .attr(Attribute::number("ca_id").computed().description("The CA's numeric identifier."))
        .attr(computed("nrn", "The CA's NCP resource name."))
        .attr(computed("certificate_pem", "The CA certificate, PEM (null while `PENDING`)."))
        .attr(computed("chain_pem", "The CA's chain (this certificate and its issuers), PEM."))
        .attr(computed("csr_pem", "The CSR of a sub CA awaiting activation (`PENDING`), PEM; null otherwise."))
        .attr(computed("serial_number", "The CA certificate's serial number, colon-separated hex."))
        .attr(computed("not_before", "Start of the CA certificate's validity, RFC 3339."))
        .attr(computed("not_after", "End of the CA certificate's validity, RFC 3339."))
        .attr(Attribute::list("crl_urls", Type::String).computed().description("CRL distribution URLs."))
        .attr(Attribute::list("ca_urls", Type::String).computed().description("URLs where the CA certificate is published."))
    }

    fn validate(&self, c: &CaDataModel, diags: &mut Diagnostics) {
        match (c.ca_tag.is_null(), c.alias.is_null()) {
            (true, true) => diags.error_at(
                AttrPath::root("ca_tag"),
                "Missing Attribute",
                "Set ca_tag or alias to say which CA to read.",
            ),
            (false, false) => diags.error_at(
                AttrPath::root("alias"),
                "Conflicting Attributes",
                "Set either ca_tag or alias, not both.",
            ),
            _ => {}
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: CaDataModel,
        diags: &mut Diagnostics,
    ) -> Option<CaDataModel> {
        let client = client(ctx, diags)?;
        let tag = match (config.ca_tag.known(), config.alias.known()) {
            (Some(tag), _) => CaTag::from(tag.as_str()),
            (None, Some(alias)) => match client.find_ca_by_alias(alias).await {
                Ok(Some(r)) => match r.ca_info.and_then(|i| i.ca_tag) {
                    Some(t) => t,
                    None => {
                        diags.error(
                            "Unable to Read CA",
                            format!("The API lists the CA {alias:?} without a caTag."),
                        );
                        return None;
                    }
                },
                Ok(None) => {
                    diags.error_at(
                        AttrPath::root("alias"),
                        "Not Found",
                        format!("There is no CA with alias {alias:?} in this account (aliases are case-sensitive)."),
                    );
                    return None;
                }
                Err(e) => {
                    api_error(diags, "Unable to List CAs", &e);
                    return None;
                }
            },
            (None, None) => {
                diags.error_at(
                    AttrPath::root("ca_tag"),
                    "Missing Attribute",
                    "Set ca_tag or alias to say which CA to read.",
                );
                return None;
            }
        };
        let record = match client.get_ca(&tag).await {
            Ok(r) => r,
            Err(e) => {
                let attr = if config.ca_tag.is_known() {
                    "ca_tag"
                } else {
                    "alias"
                };
                read_error(diags, &e, attr, no_ca(tag.as_str()), "Unable to Read CA");
                return None;
            }
        };
        let (chain, csr) = extras(client, &tag, &record, diags).await?;
        Some(to_model(&record, chain, csr))
    }
}

/// The chain (when the CA has a certificate) and the CSR (while `PENDING`).
async fn extras(
    client: &Client,
    tag: &CaTag,
    record: &CaRecord,
    diags: &mut Diagnostics,
) -> Option<(Option<String>, Option<String>)> {
    let has_cert = record
        .ca_cert_info
        .as_ref()
        .and_then(|c| c.cert_pem.as_ref())
        .is_some_and(|p| !p.trim().is_empty());
    let chain = if has_cert {
        match client.get_ca_chain(tag).await {
            Ok(c) => Some(c),
            Err(e) => {
                api_error(diags, "Unable to Read CA Chain", &e);
                return None;
            }
        }
    } else {
        None
    };
    let pending =
        record.ca_info.as_ref().and_then(|i| i.status.as_ref()) == Some(&CaStatus::Pending);
    let csr = if pending {
        match client.get_sub_csr(tag).await {
            Ok(d) => d.csr_pem,
            Err(e) => {
                api_error(diags, "Unable to Read the Sub CA's CSR", &e);
                return None;
            }
        }
    } else {
        None
    };
    Some((chain, csr))
}

/// The data source's result for an API record, mapped as the `pca_ca` resource maps an
/// imported CA.
fn to_model(record: &CaRecord, chain: Option<String>, csr: Option<String>) -> CaDataModel {
    let r: CaModel = from_record(CaModel::default(), record, chain, csr);
    let info = record.ca_info.clone().unwrap_or_default();
    CaDataModel {
        ca_tag: r.ca_tag,
        alias: r.alias,
        id: r.id,
        ca_type: r.ca_type,
        key_type: r.key_type,
        subject: r.subject,
        alt_names: r.alt_names,
        ip_addresses: r.ip_addresses,
        memo: r.memo,
        status: r.status,
        signing_count: Val::Known(info.signing_count.unwrap_or(0)),
        ca_id: r.ca_id,
        nrn: r.nrn,
        certificate_pem: r.certificate_pem,
        chain_pem: r.chain_pem,
        csr_pem: r.csr_pem,
        serial_number: r.serial_number,
        not_before: r.not_before,
        not_after: r.not_after,
        crl_urls: r.crl_urls,
        ca_urls: r.ca_urls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{CaCertInfo, CaInfo, CaType, UrlInfo};

    #[test]
    fn exactly_one_of_ca_tag_and_alias() {
        let mut d = Diagnostics::new();
        CaDataSource.validate(&CaDataModel::default(), &mut d);
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("ca_tag"))
        );
        let mut d = Diagnostics::new();
        let both = CaDataModel {
            ca_tag: Val::Known("t".into()),
            alias: Val::Unknown,
            ..CaDataModel::default()
        };
        CaDataSource.validate(&both, &mut d);
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("alias"))
        );
        let mut d = Diagnostics::new();
        let one = CaDataModel {
            alias: Val::Known("root".into()),
            ..CaDataModel::default()
        };
        CaDataSource.validate(&one, &mut d);
        assert!(d.is_empty());
    }

    #[test]
    fn record_mapping_is_wholly_known() {
        let record = CaRecord {
            ca_info: Some(CaInfo {
                ca_tag: Some(CaTag::from("aaaa-bbbb")),
                alias: Some("root".into()),
                ca_type: Some(CaType::PrivateRoot),
                status: Some(CaStatus::Active),
                signing_count: Some(3),
                ca_id: Some(7),
                url_info: Some(UrlInfo {
                    crl: vec!["http://x/crl".into()],
                    ..UrlInfo::default()
                }),
                ..CaInfo::default()
            }),
            ca_cert_info: Some(CaCertInfo {
                not_before_date: Some(0),
                not_after_date: Some(86_400_000),
                ..CaCertInfo::default()
            }),
        };
        let m = to_model(&record, None, None);
        assert_eq!(m.ca_tag, Val::Known("aaaa-bbbb".into()));
        assert_eq!(m.id, Val::Known("aaaa-bbbb".into()));
        assert_eq!(m.alias, Val::Known("root".into()));
        assert_eq!(m.ca_type, Val::Known("PRIVATE_ROOT".into()));
        assert_eq!(m.status, Val::Known("ACTIVE".into()));
        assert_eq!(m.signing_count, Val::Known(3));
        assert_eq!(m.not_after, Val::Known("1970-01-02T00:00:00Z".into()));
        assert_eq!(m.crl_urls, Val::Known(vec!["http://x/crl".into()]));
        assert_eq!(m.certificate_pem, Val::Null);
        assert!(
            crate::framework::typed::to_value(&m)
                .map(|v| v.is_wholly_known())
                .unwrap_or(false)
        );
    }
}
