//! `pca_key_pair` (ephemeral): a private key made in the provider's memory and a CSR for it.
//! Neither ever reaches state or a plan file; hand them to write-only arguments.

use super::keygen::{CsrRequest, key_and_csr};
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::ephemeral::{EphemeralResource, Opened};
use crate::framework::resource::Ctx;
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::typed::Val;
use crate::framework::validate;
use crate::provider::PcaData;
use crate::resources::ca::KEY_TYPES;
use crate::resources::common::{alt_name_validator, ip_validator, subject_attributes};
use crate::resources::end_cert::EndSubjectFlat;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_key_pair";

/// The default key type.
pub const DEFAULT_KEY_TYPE: &str = "RSA2048";

/// The `pca_key_pair` ephemeral resource.
pub struct KeyPairEphemeral;

/// Configuration and result of a `pca_key_pair`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KeyPairModel {
    /// `key_type`
    pub key_type: Val<String>,
    /// `subject`
    pub subject: Val<EndSubjectFlat>,
    /// `alt_names`
    pub alt_names: Val<Vec<String>>,
    /// `ip_addresses`
    pub ip_addresses: Val<Vec<String>>,
    /// `private_key_pem`
    pub private_key_pem: Val<String>,
    /// `public_key_pem`
    pub public_key_pem: Val<String>,
    /// `csr_pem`
    pub csr_pem: Val<String>,
}

/// The `subject` attribute of ephemeral keys and certificates (`street_address` included).
pub(crate) fn subject(what: &str) -> Attribute {
    let mut attrs = subject_attributes();
    attrs.push(
        Attribute::string("street_address")
            .optional()
            .validate(validate::length_between(0, 128))
            .description("Street address, up to 128 characters."),
    );
    Attribute::nested("subject", Nesting::Single, attrs)
        .required()
        .description(format!("The subject of the {what}."))
}

/// The `key_type` attribute.
pub(crate) fn key_type(default: &str) -> Attribute {
    Attribute::string("key_type")
        .default(default)
        .validate(validate::one_of(&KEY_TYPES))
        .description("`RSA2048`, `RSA4096`, `EC256` or `EC521`.")
}

/// The `alt_names` and `ip_addresses` attributes.
pub(crate) fn sans() -> [Attribute; 2] {
    [
        Attribute::list("alt_names", Type::String)
            .optional()
            .validate(alt_name_validator())
            .description(
                "Subject alternative names: DNS names (wildcards allowed) and e-mail addresses.",
            ),
        Attribute::list("ip_addresses", Type::String)
            .optional()
            .validate(ip_validator())
            .description("Subject alternative names: IPv4 and IPv6 addresses."),
    ]
}

/// The request a configuration makes.
pub(crate) fn csr_request(
    subject: &Val<EndSubjectFlat>,
    alt_names: &Val<Vec<String>>,
    ip_addresses: &Val<Vec<String>>,
) -> CsrRequest {
    CsrRequest {
        subject: subject.known().cloned().unwrap_or_default(),
        alt_names: alt_names.known().cloned().unwrap_or_default(),
        ip_addresses: ip_addresses.known().cloned().unwrap_or_default(),
    }
}

#[async_trait]
impl EphemeralResource for KeyPairEphemeral {
    type Model = KeyPairModel;
    type Private = ();
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let [alt_names, ip_addresses] = sans();
        Schema::new(
            "A private key made in the provider's memory, with a PKCS#10 CSR for it. Requires Terraform 1.10 or later.\n\nBeing ephemeral, the key and the CSR are never written to state or to a plan file: Terraform makes a new key at every plan and apply. Hand `private_key_pem` and `csr_pem` only to write-only arguments of other providers (a secret store, say), to provisioners or to other ephemeral resources, so that they exist only there. No API call is made.",
        )
        .attr(key_type(DEFAULT_KEY_TYPE))
        .attr(subject("CSR"))
        .attr(alt_names)
        .attr(ip_addresses)
        .attr(
            Attribute::string("private_key_pem")
                .computed()
                .sensitive()
                .description("The private key, PKCS#8 PEM."),
        )
        .attr(
            Attribute::string("public_key_pem")
                .computed()
                .description("The public key, PEM (SubjectPublicKeyInfo)."),
        )
        .attr(
            Attribute::string("csr_pem")
                .computed()
                .description("A CSR for the key, with the subject and names above, PEM."),
        )
    }

    async fn open(
        &self,
        _ctx: &Ctx<PcaData>,
        config: KeyPairModel,
        diags: &mut Diagnostics,
    ) -> Option<Opened<KeyPairModel, ()>> {
        let kt = config
            .key_type
            .known()
            .cloned()
            .unwrap_or_else(|| DEFAULT_KEY_TYPE.to_owned());
        let req = csr_request(&config.subject, &config.alt_names, &config.ip_addresses);
        match key_and_csr(&kt, req).await {
            Ok(k) => Some(Opened {
                result: KeyPairModel {
                    key_type: Val::Known(kt),
                    private_key_pem: Val::Known(k.private_key_pem),
                    public_key_pem: Val::Known(k.public_key_pem),
                    csr_pem: Val::Known(k.csr_pem),
                    ..config
                },
                private: None,
                renew_at: None,
            }),
            Err(e) => {
                diags.error("Unable to Make the Key", e);
                None
            }
        }
    }
}
