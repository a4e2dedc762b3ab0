//! `pca_end_cert` (data source): one end-entity certificate of a CA (Get End Cert), with what
//! the certificate itself says (subject, SANs, key type) and whether the CA's CRL lists it as
//! revoked (the CRL is fetched at most once per CA and provider process, as the resource
//! does). A missing CA or certificate is an error on the attribute that named it.

use super::common::{ca_tag_attribute, no_ca, parse_serial, read_error, serial_validator};
use crate::api::model::{CaTag, GetEndCertData, SerialNo};
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::common::{
    api_error, canonical_serial, cert_summary, client, revoked_serials, rfc3339,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_end_cert";

/// The `pca_end_cert` data source.
pub struct EndCertDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndCertDataModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `serial_number`
    pub serial_number: Val<String>,
    /// `id`
    pub id: Val<String>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `issuer_pem`
    pub issuer_pem: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `common_name`
    pub common_name: Val<String>,
    /// `subject`
    pub subject: Val<crate::resources::common::Subject>,
    /// `alt_names`
    pub alt_names: Val<Vec<String>>,
    /// `ip_addresses`
    pub ip_addresses: Val<Vec<String>>,
    /// `key_type`
    pub key_type: Val<String>,
    /// `public_key_algorithm`
    pub public_key_algorithm: Val<String>,
    /// `signature_algorithm`
    pub signature_algorithm: Val<String>,
    /// `not_before`
    pub not_before: Val<String>,
    /// `not_after`
    pub not_after: Val<String>,
    /// `revoked`
    pub revoked: Val<bool>,
}

fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

#[async_trait]
impl DataSource for EndCertDataSource {
    type Model = EndCertDataModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "One end-entity certificate of a CA (Get End Cert): the certificate, its chain, what it says (subject, names, key type, validity) and whether the CA's CRL lists it as revoked. It never includes a private key. A CA or certificate that does not exist is an error.",
        )
        .attr(ca_tag_attribute("that issued the certificate"))
        .attr(
            Attribute::string("serial_number")
                .required()
                .validate(serial_validator())
                .description("The certificate's serial number: colon-separated hex as the API writes it (`3a:1f:…`, either case) or plain hex as `openssl x509 -serial` prints it."),
        )
        .attr(computed("id", "`<ca_tag>/<serial>`, the serial in lower-case colon hex (the import ID of the `pca_end_cert` resource)."))
        .attr(computed("certificate_pem", "The certificate, PEM."))
        .attr(computed("issuer_pem", "The issuing CA's certificate, PEM."))
        .attr(computed("chain_pem", "The chain from the issuing CA up to the root, PEM."))
        .attr(computed("common_name", "The subject's common name."))
        .attr(
            Attribute::nested(
                "subject",
                crate::framework::schema::Nesting::Single,
                super::ca::computed_subject_attributes(),
            )
            .computed()
            .description("The certificate's subject, read from the certificate."),
        )
        .attr(Attribute::list("alt_names", Type::String).computed().description("DNS and e-mail subject alternative names."))
        .attr(Attribute::list("ip_addresses", Type::String).computed().description("IP subject alternative names."))
        .attr(computed("key_type", "`RSA2048`, `RSA4096`, `EC256` or `EC521` (null for other keys)."))
        .attr(computed("public_key_algorithm", "The public key algorithm as the API reports it (for example `RSA` or `EC`)."))
        .attr(computed("signature_algorithm", "The signature algorithm as the API reports it (for example `SHA256WITHECDSA`)."))
        .attr(computed("not_before", "Start of validity, RFC 3339."))
        .attr(computed("not_after", "End of validity, RFC 3339."))
        .attr(Attribute::bool("revoked").computed().description("Whether the CA's current CRL lists the certificate."))
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: EndCertDataModel,
        diags: &mut Diagnostics,
    ) -> Option<EndCertDataModel> {
        let data = ctx.data(diags)?;
        let client = client(ctx, diags)?;
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        let given = config.serial_number.known().cloned().unwrap_or_default();
        let serial = parse_serial(&given).unwrap_or_else(|| canonical_serial(&given));
        let cert = match client
            .get_end_cert(&CaTag::from(tag.as_str()), &SerialNo::from(serial.as_str()))
            .await
        {
            Ok(c) => c,
            Err(e) if e.is_not_found() => {
                // Say which of the two is missing.
                let missing_ca = matches!(
                    client.get_ca(&CaTag::from(tag.as_str())).await,
                    Err(ref e) if e.is_not_found()
                );
                if missing_ca {
                    read_error(
                        diags,
                        &e,
                        "ca_tag",
                        no_ca(&tag),
                        "Unable to Read Certificate",
                    );
                } else {
                    read_error(
                        diags,
                        &e,
                        "serial_number",
                        format!("The CA {tag} has no certificate with serial number {given:?}."),
                        "Unable to Read Certificate",
                    );
                }
                return None;
            }
            Err(e) => {
                api_error(diags, "Unable to Read Certificate", &e);
                return None;
            }
        };
        let revoked = match revoked_serials(data, client, &tag).await {
            Ok(set) => set.contains(&serial),
            Err(e) => {
                api_error(diags, "Unable to Read the CA's CRL", &e);
                return None;
            }
        };
        Some(to_model(config, &tag, &serial, cert, revoked))
    }
}

/// The result for an API answer.
fn to_model(
    config: EndCertDataModel,
    tag: &str,
    serial: &str,
    cert: GetEndCertData,
    revoked: bool,
) -> EndCertDataModel {
    let pem = cert.cert_pem.clone().filter(|p| !p.trim().is_empty());
    let summary = pem.as_deref().and_then(cert_summary);
    let blocks = cert.ca_chain.map(|c| c.pem_blocks()).unwrap_or_default();
    let opt = |v: Option<String>| v.filter(|s| !s.is_empty()).map_or(Val::Null, Val::Known);
    let list = |v: Vec<String>| {
        if v.is_empty() {
            Val::Null
        } else {
            Val::Known(v)
        }
    };
    let (alt_names, ip_addresses) = summary
        .as_ref()
        .map(|s| (s.alt_names.clone(), s.ip_addresses.clone()))
        .unwrap_or_default();
    EndCertDataModel {
        id: Val::Known(format!("{tag}/{serial}")),
        certificate_pem: opt(pem),
        issuer_pem: opt(blocks.first().cloned()),
        chain_pem: opt(Some(blocks.join("\n"))),
        common_name: opt(cert.common_name.clone().or_else(|| {
            summary
                .as_ref()
                .and_then(|s| s.subject.common_name.known().cloned())
        })),
        subject: summary
            .as_ref()
            .map_or(Val::Null, |s| Val::Known(s.subject.clone())),
        alt_names: list(alt_names),
        ip_addresses: list(ip_addresses),
        key_type: opt(summary.as_ref().and_then(|s| s.key_type).map(str::to_owned)),
        public_key_algorithm: opt(cert.public_key_algorithm),
        signature_algorithm: opt(cert.signature_algorithm),
        not_before: cert
            .not_before_date
            .or(summary.as_ref().map(|s| s.not_before_ms))
            .map_or(Val::Null, |ms| Val::Known(rfc3339(ms))),
        not_after: cert
            .not_after_date
            .or(summary.as_ref().map(|s| s.not_after_ms))
            .map_or(Val::Null, |ms| Val::Known(rfc3339(ms))),
        revoked: Val::Known(revoked),
        ..config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_without_certificate_is_wholly_known() {
        let cert = GetEndCertData {
            common_name: Some("web".into()),
            not_before_date: Some(0),
            not_after_date: Some(86_400_000),
            public_key_algorithm: Some("EC".into()),
            ..GetEndCertData::default()
        };
        let config = EndCertDataModel {
            ca_tag: Val::Known("t".into()),
            serial_number: Val::Known("3A:1F".into()),
            ..EndCertDataModel::default()
        };
        let m = to_model(config, "t", "3a:1f", cert, true);
        assert_eq!(m.id, Val::Known("t/3a:1f".into()));
        assert_eq!(m.serial_number, Val::Known("3A:1F".into()), "input kept");
        assert_eq!(m.common_name, Val::Known("web".into()));
        assert_eq!(m.not_after, Val::Known("1970-01-02T00:00:00Z".into()));
        assert_eq!(m.revoked, Val::Known(true));
        assert_eq!(m.chain_pem, Val::Null);
        assert!(
            crate::framework::typed::to_value(&m)
                .map(|v| v.is_wholly_known())
                .unwrap_or(false)
        );
    }
}
