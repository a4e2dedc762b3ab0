//! `pca_ca_crl`: a CA's current CRL (Get CA CRL) and what it says: `this_update`,
//! `next_update` and the revoked serial numbers, read from the CRL itself.

use super::common::{ca_tag_attribute, no_ca, read_error};
use crate::api::model::CaTag;
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::common::{client, parse_crl, rfc3339};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca_crl";

/// The `pca_ca_crl` data source.
pub struct CaCrlDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaCrlModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `crl_pem`
    pub crl_pem: Val<String>,
    /// `this_update`
    pub this_update: Val<String>,
    /// `next_update`
    pub next_update: Val<String>,
    /// `revoked_serials`
    pub revoked_serials: Val<Vec<String>>,
}

#[async_trait]
impl DataSource for CaCrlDataSource {
    type Model = CaCrlModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "A CA's current certificate revocation list (Get CA CRL), with its validity and the serial numbers it lists, read from the CRL itself. `pca_crl_rotation` publishes a new CRL at once.",
        )
        .attr(ca_tag_attribute("whose CRL to read"))
        .attr(Attribute::string("crl_pem").computed().description("The CRL, PEM (`-----BEGIN X509 CRL-----`)."))
        .attr(Attribute::string("this_update").computed().description("When the CRL was issued, RFC 3339."))
        .attr(Attribute::string("next_update").computed().description("When the next CRL is due, RFC 3339 (null if the CRL does not say)."))
        .attr(
            Attribute::list("revoked_serials", Type::String)
                .computed()
                .description("Serial numbers of the revoked certificates the CRL lists, lower-case colon-separated hex (the form of `serial_number` elsewhere), sorted."),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: CaCrlModel,
        diags: &mut Diagnostics,
    ) -> Option<CaCrlModel> {
        let client = client(ctx, diags)?;
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        let pem = match client.get_ca_crl(&CaTag::from(tag.as_str())).await {
            Ok(p) => p,
            Err(e) => {
                read_error(
                    diags,
                    &e,
                    "ca_tag",
                    no_ca(&tag),
                    "Unable to Read the CA's CRL",
                );
                return None;
            }
        };
        match parse_crl(&pem) {
            Some(info) => Some(CaCrlModel {
                crl_pem: Val::Known(pem),
                this_update: Val::Known(rfc3339(info.this_update_ms)),
                next_update: info
                    .next_update_ms
                    .map_or(Val::Null, |ms| Val::Known(rfc3339(ms))),
                revoked_serials: Val::Known(info.revoked),
                ..config
            }),
            None => {
                diags.error(
                    "Unable to Read the CA's CRL",
                    format!("The API returned a CRL for {tag} that is not a PEM X.509 CRL."),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::common::CrlInfo;

    #[test]
    fn crl_parsing() {
        use rcgen::{
            CertificateParams, CertificateRevocationListParams, IsCa, KeyIdMethod, KeyPair,
            KeyUsagePurpose, RevokedCertParams, SerialNumber, date_time_ymd,
        };
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let issuer = rcgen::Issuer::new(params, &key);
        let revoked = |serial: &[u8]| RevokedCertParams {
            serial_number: SerialNumber::from_slice(serial),
            revocation_time: date_time_ymd(2024, 1, 1),
            reason_code: None,
            invalidity_date: None,
        };
        let crl = CertificateRevocationListParams {
            this_update: date_time_ymd(2024, 7, 16),
            next_update: date_time_ymd(2024, 7, 19),
            crl_number: SerialNumber::from(5u64),
            issuing_distribution_point: None,
            revoked_certs: vec![revoked(&[0x7f, 0x01]), revoked(&[0x3a, 0x1f])],
            key_identifier_method: KeyIdMethod::Sha256,
        }
        .signed_by(&issuer)
        .expect("crl");
        let pem = crl.pem().expect("pem");
        assert_eq!(
            parse_crl(&pem),
            Some(CrlInfo {
                this_update_ms: 1_721_088_000_000,
                next_update_ms: Some(1_721_347_200_000),
                revoked: vec!["3a:1f".into(), "7f:01".into()],
            })
        );
        assert_eq!(parse_crl("not a crl"), None);
    }
}
