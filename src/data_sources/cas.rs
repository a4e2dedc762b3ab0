//! `pca_cas`: every CA of the account (Get CA List, all pages), optionally filtered by
//! `ca_type` and `status`, in the API's order. One call per page; nothing per CA (use the
//! `pca_ca` data source for a CA's chain or CSR).

use crate::api::model::CaRecord;
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::typed::Val;
use crate::framework::validate;
use crate::provider::PcaData;
use crate::resources::common::{api_error, cert_summary, client, rfc3339};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_cas";

/// The `pca_cas` data source.
pub struct CasDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CasModel {
    /// `ca_type`
    pub ca_type: Val<String>,
    /// `status`
    pub status: Val<String>,
    /// `ca_tags`
    pub ca_tags: Val<Vec<String>>,
    /// `cas`
    pub cas: Val<Vec<CaItem>>,
}

/// One CA of the list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaItem {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `alias`
    pub alias: Val<String>,
    /// `ca_type`
    pub ca_type: Val<String>,
    /// `status`
    pub status: Val<String>,
    /// `memo`
    pub memo: Val<String>,
    /// `ca_id`
    pub ca_id: Val<i64>,
    /// `nrn`
    pub nrn: Val<String>,
    /// `signing_count`
    pub signing_count: Val<i64>,
    /// `key_type`
    pub key_type: Val<String>,
    /// `common_name`
    pub common_name: Val<String>,
    /// `serial_number`
    pub serial_number: Val<String>,
    /// `not_before`
    pub not_before: Val<String>,
    /// `not_after`
    pub not_after: Val<String>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `crl_urls`
    pub crl_urls: Val<Vec<String>>,
    /// `ca_urls`
    pub ca_urls: Val<Vec<String>>,
}

/// The CA types the API knows.
const CA_TYPES: [&str; 2] = ["PRIVATE_ROOT", "PRIVATE_SUB"];
/// The CA statuses the API reports.
const STATUSES: [&str; 4] = ["ACTIVE", "PENDING", "DEACTIVATED", "DESTROYING"];

fn text(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

#[async_trait]
impl DataSource for CasDataSource {
    type Model = CasModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let item = vec![
            text("ca_tag", "The CA's tag."),
            text("alias", "The CA's alias."),
            text("ca_type", "`PRIVATE_ROOT` or `PRIVATE_SUB`."),
            text(
                "status",
                "`ACTIVE`, `PENDING`, `DEACTIVATED` or `DESTROYING`.",
            ),
            text("memo", "The CA's memo (null when empty)."),
            Attribute::number("ca_id")
                .computed()
                .description("The CA's numeric identifier."),
            text("nrn", "The CA's NCP resource name."),
            Attribute::number("signing_count")
                .computed()
                .description("How many certificates the CA has signed."),
            text(
                "key_type",
                "`RSA2048`, `RSA4096`, `EC256` or `EC521` (null while `PENDING`).",
            ),
            text("common_name", "The CA certificate's common name."),
            text(
                "serial_number",
                "The CA certificate's serial number, colon-separated hex.",
            ),
            text(
                "not_before",
                "Start of the CA certificate's validity, RFC 3339.",
            ),
            text(
                "not_after",
                "End of the CA certificate's validity, RFC 3339.",
            ),
            text(
                "certificate_pem",
                "The CA certificate, PEM (null while `PENDING`).",
            ),
            Attribute::list("crl_urls", Type::String)
                .computed()
                .description("CRL distribution URLs."),
            Attribute::list("ca_urls", Type::String)
                .computed()
                .description("URLs where the CA certificate is published."),
        ];
        Schema::new(
            "Every CA of the account (all pages of Get CA List), optionally only those of one `ca_type` and/or `status`, in the API's order.",
        )
        .attr(
            Attribute::string("ca_type")
                .optional()
                .validate(validate::one_of(&CA_TYPES))
                .description("Only CAs of this type: `PRIVATE_ROOT` or `PRIVATE_SUB`."),
        )
        .attr(
            Attribute::string("status")
                .optional()
                .validate(validate::one_of(&STATUSES))
                .description("Only CAs in this status: `ACTIVE`, `PENDING`, `DEACTIVATED` or `DESTROYING`."),
        )
        .attr(
            Attribute::list("ca_tags", Type::String)
                .computed()
                .description("The tags of the CAs found, in the order of `cas`."),
        )
        .attr(
            Attribute::nested("cas", Nesting::List, item)
                .computed()
                .description("The CAs found."),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: CasModel,
        diags: &mut Diagnostics,
    ) -> Option<CasModel> {
        let client = client(ctx, diags)?;
        let records = match client.get_ca_list_all().await {
            Ok(r) => r,
            Err(e) => {
                api_error(diags, "Unable to List CAs", &e);
                return None;
            }
        };
        Some(to_model(config, &records))
    }
}

/// The result for the configured filters.
fn to_model(config: CasModel, records: &[CaRecord]) -> CasModel {
    let cas: Vec<CaItem> = records
        .iter()
        .map(to_item)
        .filter(|i| matches(&config.ca_type, &i.ca_type) && matches(&config.status, &i.status))
        .collect();
    CasModel {
        ca_tags: Val::Known(
            cas.iter()
                .filter_map(|c| c.ca_tag.known().cloned())
                .collect(),
        ),
        cas: Val::Known(cas),
        ..config
    }
}

/// Whether a value passes a filter (an unset filter passes everything).
fn matches(filter: &Val<String>, value: &Val<String>) -> bool {
    match filter.known() {
        Some(f) => value.known() == Some(f),
        None => true,
    }
}

/// One list item.
fn to_item(r: &CaRecord) -> CaItem {
    let info = r.ca_info.clone().unwrap_or_default();
    let cert = r.ca_cert_info.clone().unwrap_or_default();
    let pem = cert.cert_pem.clone().filter(|p| !p.trim().is_empty());
    let summary = pem.as_deref().and_then(cert_summary);
    let opt = |v: Option<String>| v.filter(|s| !s.is_empty()).map_or(Val::Null, Val::Known);
    let urls = info.url_info.clone().unwrap_or_default();
    CaItem {
        ca_tag: opt(info.ca_tag.map(|t| t.to_string())),
        alias: opt(info.alias),
        ca_type: opt(info.ca_type.map(|t| t.as_str().to_owned())),
        status: opt(info.status.map(|s| s.as_str().to_owned())),
        memo: opt(info.memo),
        ca_id: info.ca_id.map_or(Val::Null, Val::Known),
        nrn: opt(info.nrn),
        signing_count: Val::Known(info.signing_count.unwrap_or(0)),
        key_type: opt(summary.as_ref().and_then(|s| s.key_type).map(str::to_owned)),
        common_name: opt(cert.common_name.clone().or_else(|| {
            summary
                .as_ref()
                .and_then(|s| s.subject.common_name.known().cloned())
        })),
        serial_number: opt(cert.serial_no.map(|s| s.to_string())),
        not_before: cert
            .not_before_date
            .or(summary.as_ref().map(|s| s.not_before_ms))
            .map_or(Val::Null, |ms| Val::Known(rfc3339(ms))),
        not_after: cert
            .not_after_date
            .or(summary.as_ref().map(|s| s.not_after_ms))
            .map_or(Val::Null, |ms| Val::Known(rfc3339(ms))),
        certificate_pem: opt(pem),
        crl_urls: Val::Known(urls.crl),
        ca_urls: Val::Known(urls.ca),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{CaInfo, CaStatus, CaTag, CaType};

    fn record(tag: &str, ca_type: CaType, status: CaStatus) -> CaRecord {
        CaRecord {
            ca_info: Some(CaInfo {
                ca_tag: Some(CaTag::from(tag)),
                alias: Some(format!("ca-{tag}")),
                ca_type: Some(ca_type),
                status: Some(status),
                memo: Some(String::new()),
                ..CaInfo::default()
            }),
            ca_cert_info: None,
        }
    }

    #[test]
    fn filters_and_mapping() {
        let records = vec![
            record("a", CaType::PrivateRoot, CaStatus::Active),
            record("b", CaType::PrivateSub, CaStatus::Pending),
            record("c", CaType::PrivateSub, CaStatus::Active),
        ];
        let all = to_model(CasModel::default(), &records);
        assert_eq!(
            all.ca_tags,
            Val::Known(vec!["a".into(), "b".into(), "c".into()])
        );
        let subs = to_model(
            CasModel {
                ca_type: Val::Known("PRIVATE_SUB".into()),
                ..CasModel::default()
            },
            &records,
        );
        assert_eq!(subs.ca_tags, Val::Known(vec!["b".into(), "c".into()]));
        let active_subs = to_model(
            CasModel {
                ca_type: Val::Known("PRIVATE_SUB".into()),
                status: Val::Known("ACTIVE".into()),
                ..CasModel::default()
            },
            &records,
        );
        assert_eq!(active_subs.ca_tags, Val::Known(vec!["c".into()]));
        let item = &all.cas.known().cloned().unwrap_or_default()[1];
        assert_eq!(item.alias, Val::Known("ca-b".into()));
        assert_eq!(item.memo, Val::Null, "empty memo is null");
        assert_eq!(item.certificate_pem, Val::Null);
        assert_eq!(item.signing_count, Val::Known(0));
        assert!(
            crate::framework::typed::to_value(&all)
                .map(|v| v.is_wholly_known())
                .unwrap_or(false)
        );
    }
}
