//! `pca_end_cert` (ephemeral): a short-lived certificate with a CA-made key, issued when
//! Terraform opens it (Issue End Cert) and revoked when Terraform closes it at the end of the
//! run (Revoke End Cert), unless `revoke_on_close = false`. Neither the certificate nor its key
//! ever reaches state or a plan file.
//!
//! Private data carries `ca_tag` and the serial number from open to close. There is no renewal:
//! an ephemeral result cannot change during a run (Renew only extends what open made), and the
//! smallest validity, one day, outlasts any run, so open asks for none.

use super::key_pair::{sans, subject};
use crate::api::model::{CaTag, IssueEndCertRequest, KeyType, Period, SerialNo};
use crate::framework::diag::Diagnostics;
use crate::framework::ephemeral::{EphemeralResource, Opened};
use crate::framework::resource::Ctx;
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate;
use crate::provider::PcaData;
use crate::resources::ca::KEY_TYPES;
use crate::resources::common::{api_error, canonical_serial, cert_summary, client, rfc3339};
use crate::resources::end_cert::{EndSubjectFlat, computed, issue, revoke, subject_parameters};
use crate::resources::snapshot;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_end_cert";

/// The default key type (cheap to make, accepted everywhere TLS is).
pub const DEFAULT_KEY_TYPE: &str = "EC256";

/// The default validity: one day, the smallest the API counts in.
pub const DEFAULT_VALIDITY_DAYS: i64 = 1;

/// The `pca_end_cert` ephemeral resource.
pub struct EndCertEphemeral;

/// Configuration and result of an ephemeral `pca_end_cert`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EphemeralEndCertModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `key_type`
    pub key_type: Val<String>,
    /// `subject`
    pub subject: Val<EndSubjectFlat>,
    /// `alt_names`
    pub alt_names: Val<Vec<String>>,
    /// `ip_addresses`
    pub ip_addresses: Val<Vec<String>>,
    /// `validity_days`
    pub validity_days: Val<i64>,
    /// `revoke_on_close`
    pub revoke_on_close: Val<bool>,
    /// `serial_number`
    pub serial_number: Val<String>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `private_key_pem`
    pub private_key_pem: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `not_before`
    pub not_before: Val<String>,
    /// `not_after`
    pub not_after: Val<String>,
}

/// What close needs: the certificate to revoke.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToRevoke {
    /// The issuing CA.
    pub ca_tag: String,
    /// The certificate's serial number (colon hex).
    pub serial_number: String,
}

#[async_trait]
impl EphemeralResource for EndCertEphemeral {
    type Model = EphemeralEndCertModel;
    type Private = ToRevoke;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let [alt_names, ip_addresses] = sans();
        Schema::new(
            "A short-lived end-entity certificate with a key the CA generates, for the length of one Terraform run: issued when Terraform opens it, revoked when Terraform closes it at the end of the run (unless `revoke_on_close = false`). Requires Terraform 1.10 or later.\n\nBeing ephemeral, the certificate and its key are never written to state or to a plan file. Typical use: mTLS credentials for another provider's configuration, or a certificate handed to a write-only argument. Terraform opens ephemeral resources at every plan and apply, so each run issues (and, by default, revokes) one certificate: every one counts toward the CA's 30,000 issuances.\n\nThere is no renewal: an ephemeral result cannot change during a run, and the shortest validity (one day, the default) outlasts any run. For a certificate that must outlive the run, use the `pca_end_cert` resource.",
        )
        .attr(
            Attribute::string("ca_tag")
                .required()
                .validate(validate::length_between(1, 128))
                .description("The issuing CA's `ca_tag`."),
        )
        .attr(
            Attribute::string("key_type")
                .default(DEFAULT_KEY_TYPE)
                .validate(validate::one_of(&KEY_TYPES))
                .description("The key the CA generates: `EC256`, `EC521`, `RSA2048` or `RSA4096`."),
        )
        .attr(subject("certificate"))
        .attr(alt_names)
        .attr(ip_addresses)
        .attr(
            Attribute::number("validity_days")
                .default(DEFAULT_VALIDITY_DAYS)
                .validate(validate::int_between(1, 3650))
                .description("Validity in days, 1 to 3650 (never beyond the issuing CA's own); the certificate is meant for this run only."),
        )
        .attr(
            Attribute::bool("revoke_on_close")
                .default(true)
                .description("Whether to revoke the certificate when Terraform closes it at the end of the run. Set false to let it expire instead (it is then still valid after the run, and no longer anywhere Terraform can see)."),
        )
        .attr(computed("serial_number", "The certificate's serial number, colon-separated hex."))
        .attr(computed("certificate_pem", "The certificate, PEM."))
        .attr(
            Attribute::string("private_key_pem")
                .computed()
                .sensitive()
                .description("The private key the CA generated, PEM as the API returns it (the traditional `EC PRIVATE KEY` / `RSA PRIVATE KEY` form in the API's example)."),
        )
        .attr(computed("chain_pem", "The chain from the issuing CA (first) up to the root, PEM: the trust bundle a peer needs."))
        .attr(computed("not_before", "Start of validity, RFC 3339."))
        .attr(computed("not_after", "End of validity, RFC 3339."))
    }

    async fn open(
        &self,
        ctx: &Ctx<PcaData>,
        config: EphemeralEndCertModel,
        diags: &mut Diagnostics,
    ) -> Option<Opened<EphemeralEndCertModel, ToRevoke>> {
        let client = client(ctx, diags)?;
        let ca_tag = config.ca_tag.known().cloned().unwrap_or_default();
        let key_type = config
            .key_type
            .known()
            .cloned()
            .unwrap_or_else(|| DEFAULT_KEY_TYPE.to_owned());
        let days = config
            .validity_days
            .known()
            .copied()
            .unwrap_or(DEFAULT_VALIDITY_DAYS);
        let req = IssueEndCertRequest {
            key_type: Some(KeyType::from_wire(&key_type)),
            period: Some(Period::Days(u32::try_from(days).unwrap_or(1))),
            x509_parameters: subject_parameters(
                &config.subject,
                &config.alt_names,
                &config.ip_addresses,
            ),
        };
        let out = issue(client, &CaTag::from(ca_tag.clone()), &req, diags).await?;
        let (Some(serial), Some(cert), Some(key)) =
            (out.serial_no, out.certificate, out.private_key)
        else {
            diags.error(
                "Unable to Issue Certificate",
                "The API answered without a serial number, certificate or private key.",
            );
            return None;
        };
        let serial = canonical_serial(serial.as_str());
        if let Some(data) = ctx.data(diags) {
            snapshot::note_created(data, &ca_tag, &serial);
        }
        let (not_before, not_after) = cert_summary(&cert).map_or((Val::Null, Val::Null), |s| {
            (
                Val::Known(rfc3339(s.not_before_ms)),
                Val::Known(rfc3339(s.not_after_ms)),
            )
        });
        let revoke = config.revoke_on_close.known() != Some(&false);
        Some(Opened {
            result: EphemeralEndCertModel {
                key_type: Val::Known(key_type),
                validity_days: Val::Known(days),
                revoke_on_close: Val::Known(revoke),
                serial_number: Val::Known(serial.clone()),
                certificate_pem: Val::Known(cert),
                private_key_pem: Val::Known(key),
                chain_pem: out
                    .ca_chain
                    .map_or(Val::Null, |c| Val::Known(c.concatenated())),
                not_before,
                not_after,
                ..config
            },
            private: revoke.then_some(ToRevoke {
                ca_tag,
                serial_number: serial,
            }),
            renew_at: None,
        })
    }

    async fn close(&self, ctx: &Ctx<PcaData>, private: Option<ToRevoke>, diags: &mut Diagnostics) {
        let Some(p) = private else { return };
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let result = revoke(
            ctx,
            client,
            &CaTag::from(p.ca_tag.clone()),
            &SerialNo::from(p.serial_number.clone()),
            diags,
        )
        .await;
        match result {
            Ok(()) => {}
            // Already gone (revoked, or its CA deleted, during the run): nothing to undo.
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error(
                diags,
                &format!(
                    "Unable to Revoke Certificate {} of CA {}",
                    p.serial_number, p.ca_tag
                ),
                &e,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_carry_subject_and_names_only_when_set() {
        let c = EphemeralEndCertModel {
            subject: Val::Known(EndSubjectFlat {
                common_name: Val::Known("svc".into()),
                organization: Val::Known("Example".into()),
                ..EndSubjectFlat::default()
            }),
            alt_names: Val::Known(vec!["a.example".into(), "b.example".into()]),
            ip_addresses: Val::Known(Vec::new()),
            ..EphemeralEndCertModel::default()
        };
        let p = subject_parameters(&c.subject, &c.alt_names, &c.ip_addresses);
        assert_eq!(p.common_name, "svc");
        assert_eq!(p.organization.as_deref(), Some("Example"));
        assert_eq!(p.alt_name.as_deref(), Some("a.example,b.example"));
        assert_eq!(p.ip, None);
        assert_eq!(p.country, None);
    }

    #[test]
    fn schema_is_clean_and_keeps_the_key_sensitive() {
        let s = EphemeralResource::schema(&EndCertEphemeral);
        assert!(s.block.lint().is_empty(), "{:?}", s.block.lint());
        assert!(
            s.block
                .attribute("private_key_pem")
                .is_some_and(|a| a.sensitive)
        );
    }
}
