//! `pca_revoke_end_cert`: revokes one end-entity certificate (Revoke End Cert), when invoked.
//!
//! Revoking a certificate that is already revoked succeeds (the API answers as for any
//! revoke, and the result is the same). A `pca_end_cert` in state reads revocation from its
//! CA's CRL: once the CRL lists the certificate, its next refresh shows `revoked = true`
//! and it is then replaced.

use crate::api::model::{CaTag, SerialNo};
use crate::framework::action::{Action, Progress};
use crate::framework::diag::Diagnostics;
use crate::framework::path::AttrPath;
use crate::framework::resource::Ctx;
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate::Validator;
use crate::provider::PcaData;
use crate::resources::ca_user::ca_tag_validator;
use crate::resources::common::{api_error, canonical_serial, client};
use crate::resources::end_cert::revoke;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_revoke_end_cert";

/// The `pca_revoke_end_cert` action.
pub struct RevokeEndCertAction;

/// Its configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RevokeEndCertModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `serial_number`
    pub serial_number: Val<String>,
}

/// Serial numbers: hex digits, optionally colon-separated, at least one byte.
fn serial_validator() -> Validator {
    Validator::string(
        "hex digits, optionally colon-separated (for example 3a:1f:00:9c)",
        |s| {
            let hex: Vec<char> = s.chars().filter(|c| *c != ':').collect();
            if hex.is_empty() || !hex.iter().all(char::is_ascii_hexdigit) {
                Err(format!(
                    "must be a serial number in hex, optionally colon-separated; got {s:?}"
                ))
            } else {
                Ok(())
            }
        },
    )
}

#[async_trait]
impl Action for RevokeEndCertAction {
    type Model = RevokeEndCertModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Revokes an end-entity certificate (Revoke End Cert): the CA's CRL and OCSP responder then list it as revoked.\n\nAn action (Terraform 1.14 and later): run it with `terraform apply -invoke=action.pca_revoke_end_cert.<name>` to revoke a certificate at once, for example one whose key leaked, without destroying anything in Terraform. A `pca_end_cert` that tracks the certificate reads revocation from the CA's CRL: once the CRL lists the certificate, its next refresh shows `revoked = true` and plans a replacement. If the CA's CRL does not list it yet, `pca_rotate_crl` publishes a fresh CRL now. Destroying a `pca_end_cert` revokes it too (`revoke_on_destroy`).",
        )
        .attr(
            Attribute::string("ca_tag")
                .required()
                .validate(ca_tag_validator())
                .description("The `ca_tag` of the issuing CA."),
        )
        .attr(
            Attribute::string("serial_number")
                .required()
                .validate(serial_validator())
                .description("The certificate's serial number, hex, colon-separated or not (as `pca_end_cert.serial_number` gives it)."),
        )
    }

    async fn invoke(
        &self,
        ctx: &Ctx<PcaData>,
        config: RevokeEndCertModel,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        let serial = canonical_serial(config.serial_number.known().map_or("", String::as_str));
        progress
            .report(format!("Revoking certificate {serial} of CA {tag}"))
            .await;
        let result = revoke(
            ctx,
            client,
            &CaTag::from(tag.as_str()),
            &SerialNo::from(serial.as_str()),
            diags,
        )
        .await;
        match result {
            Ok(()) => progress.report(format!("Revoked certificate {serial}")).await,
            Err(e) if e.is_not_found() => diags.error_at(
                AttrPath::root("serial_number"),
                "Certificate Not Found",
                format!("CA {tag:?} has no certificate with serial number {serial}, or there is no such CA."),
            ),
            Err(e) => api_error(diags, "Unable to Revoke Certificate", &e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Value;

    #[test]
    fn serial_numbers_are_checked() {
        let v = serial_validator();
        for (s, ok) in [
            ("3a:1f:00", true),
            ("3A1F00", true),
            ("", false),
            ("zz:01", false),
            (":", false),
        ] {
            let mut d = Diagnostics::new();
            v.run(&Value::from(s), &AttrPath::root("serial_number"), &mut d);
            assert_eq!(!d.has_errors(), ok, "{s:?}");
        }
    }
}
