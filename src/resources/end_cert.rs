//! `pca_end_cert`: an end-entity certificate, issued by a CA either with a key the CA
//! generates (Issue End Cert; the private key is returned once and kept in state, sensitive)
//! or from the user's CSR (Sign End Csr; the key never leaves the user).
//!
//! Certificates are immutable: every input except `revoke_on_destroy` and
//! `early_renewal_hours` forces a new certificate. Refresh asks only what can change: whether
//! the certificate still exists (the CA's list, one paged snapshot per CA per provider
//! process, see [`super::snapshot`]; Get End Cert only after import or when the state lacks
//! its certificate) and whether it is revoked (the CA's CRL, once per CA per provider
//! process): a certificate revoked outside Terraform gets
//! `revoked = true` and the next plan replaces it; so does one within `early_renewal_hours` of
//! its end (`ready_for_renewal`). Destroy revokes the certificate unless
//! `revoke_on_destroy = false`, which only forgets it. Import by `<ca_tag>/<serial_number>`.
//!
//! State stays small: the issuing chain belongs to the CA (`pca_ca.chain_pem`), so
//! `chain_pem` is kept here only with `include_chain = true`; there is no `issuer_pem` (the
//! chain's first certificate, and the issuing CA's `certificate_pem`), no `not_before` (the
//! certificate says it) and no `id` (it only repeated `<ca_tag>/<serial_number>`). Schema
//! version 4; [`upgrade_v0`] to [`upgrade_v3`] bring older states there.

use super::ca::KEY_TYPES;
use super::common::{
    Subject, alt_name_validator, api_error, canonical_serial, cert_summary, client, csr_key_params,
    days_between, ip_validator, join_list, keep_pem, now_ms, request_error, revoked_serials,
    rfc3339, subject_map_validator, validity_days_attribute,
};
use super::common::{extended_key_usage_name, key_usage_name};
use super::snapshot;
use crate::api::model::{
    CaTag, IssueEndCertData, IssueEndCertRequest, KeyType, Period, SerialNo, SignEndCsrQuery,
    SignEndCsrRequest, X509EndCertParameters,
};
use crate::api::profile::{self, ExtendedKeyUsage, KeyUsage, OtherName};
use crate::client::{Client, ClientError};
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::identity::Identity;
use crate::framework::path::AttrPath;
use crate::framework::resource::{Ctx, PlanRequest, Resource};
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::typed::Val;
use crate::framework::validate::{self, Validator};
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_end_cert";

/// The `pca_end_cert` resource.
pub struct EndCertResource;

/// The state and configuration of a `pca_end_cert`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndCertModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `csr_pem`
    pub csr_pem: Val<String>,
    /// `csr_pem_wo` (write-only: null in every state and plan)
    #[serde(default)]
    pub csr_pem_wo: Val<String>,
    /// `csr_pem_wo_version`
    #[serde(default)]
    pub csr_pem_wo_version: Val<i64>,
    /// `key_type`
    pub key_type: Val<String>,
    /// `subject`
    pub subject: Val<EndSubjectFlat>,
    /// `alt_names`
    pub alt_names: Val<Vec<String>>,
    /// `ip_addresses`
    pub ip_addresses: Val<Vec<String>>,
    /// `uri_sans`
    pub uri_sans: Val<Vec<String>>,
    /// `other_names`
    pub other_names: Val<Vec<OtherNameFlat>>,
    /// `key_usages`
    pub key_usages: Val<Vec<String>>,
    /// `extended_key_usages`
    pub extended_key_usages: Val<Vec<String>>,
    /// `validity_days`
    pub validity_days: Val<i64>,
    /// `revoke_on_destroy`
    pub revoke_on_destroy: Val<bool>,
    /// `early_renewal_hours`
    pub early_renewal_hours: Val<i64>,
    /// `include_chain`
    pub include_chain: Val<bool>,
    /// `serial_number`
    pub serial_number: Val<String>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `private_key_pem`
    pub private_key_pem: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `not_after`
    pub not_after: Val<String>,
    /// `ready_for_renewal`
    pub ready_for_renewal: Val<bool>,
    /// `revoked`
    pub revoked: Val<bool>,
}

/// The `subject` of an end certificate, key by key (flattening does not mix with unknown
/// values, so the fields are spelled out). In state it is a map holding only the keys that
/// are set: an object type would store every absent key as `null` in every certificate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndSubjectFlat {
    /// `common_name`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub common_name: Val<String>,
    /// `country`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub country: Val<String>,
    /// `state_province`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub state_province: Val<String>,
    /// `locality`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub locality: Val<String>,
    /// `organization`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub organization: Val<String>,
    /// `organizational_unit`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub organizational_unit: Val<String>,
    /// `street_address`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub street_address: Val<String>,
    /// `postal_code`
    #[serde(default, skip_serializing_if = "Val::is_null")]
    pub postal_code: Val<String>,
}

/// One element of `other_names`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OtherNameFlat {
    /// `oid`
    pub oid: Val<String>,
    /// `value`
    pub value: Val<String>,
}

/// The end-entity key usages a configuration may ask for (Terraform names).
pub const END_KEY_USAGES: [&str; 7] = [
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "encipher_only",
    "decipher_only",
];

/// The extended key usages a configuration may ask for (Terraform names).
pub const END_EXTENDED_KEY_USAGES: [&str; 6] = [
    "server_auth",
    "client_auth",
    "code_signing",
    "email_protection",
    "time_stamping",
    "ocsp_signing",
];

/// The wire name of a Terraform key-usage name (see `api::profile` for the choice).
fn key_usage_wire(name: &str) -> Option<&'static str> {
    KeyUsage::ALL
        .into_iter()
        .find(|k| key_usage_name(*k) == name)
        .map(KeyUsage::wire)
}

/// The wire name of a Terraform extended-key-usage name.
fn extended_key_usage_wire(name: &str) -> Option<&'static str> {
    ExtendedKeyUsage::ALL
        .into_iter()
        .find(|e| extended_key_usage_name(*e) == name)
        .map(ExtendedKeyUsage::wire)
}

impl From<Subject> for EndSubjectFlat {
    fn from(s: Subject) -> Self {
        EndSubjectFlat {
            common_name: s.common_name,
            country: s.country,
            state_province: s.state_province,
            locality: s.locality,
            organization: s.organization,
            organizational_unit: s.organizational_unit,
            street_address: Val::Null,
            postal_code: Val::Null,
        }
    }
}

pub(crate) fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name)
        .computed()
        .use_state_for_unknown()
        .description(description)
}

/// The default key type when the CA generates the key.
pub const DEFAULT_KEY_TYPE: &str = "RSA2048";

/// The schema version: 1 since `issuer_pem`/`chain_pem` are kept only with
/// `include_chain`, 2 since `subject` is a map of the keys that are set, 3 since there is no
/// `issuer_pem`, 4 since there is no `not_before`.
pub const SCHEMA_VERSION: i64 = 4;

/// Version 3 → 4: `not_before` only repeated what `certificate_pem` says (and
/// `provider::pca::parse_certificate` reads); it is dropped.
pub fn upgrade_v3(mut state: serde_json::Value) -> serde_json::Value {
    if let Some(obj) = state.as_object_mut() {
        obj.remove("not_before");
    }
    state
}

/// Version 2 → 3: `issuer_pem` repeated the first certificate of `chain_pem` (and the
/// issuing CA's `certificate_pem`); it is dropped.
pub fn upgrade_v2(mut state: serde_json::Value) -> serde_json::Value {
    if let Some(obj) = state.as_object_mut() {
        obj.remove("issuer_pem");
    }
    state
}

/// Version 1 → 2: `subject` was an object with every key; it is now a map without the
/// keys that were null.
pub fn upgrade_v1(mut state: serde_json::Value) -> serde_json::Value {
    if let Some(serde_json::Value::Object(subject)) = state.get_mut("subject") {
        subject.retain(|_, v| !v.is_null());
    }
    state
}

/// Version 0 → 1: version 0 kept the issuer and the chain in every certificate, and an
/// `id` repeating `<ca_tag>/<serial_number>`. They are dropped (`include_chain = false`, the
/// default), so an upgraded state plans no change; configurations that want the chain set
/// `include_chain = true` (an in-place update).
pub fn upgrade_v0(mut state: serde_json::Value) -> serde_json::Value {
    if let Some(obj) = state.as_object_mut() {
        obj.remove("id");
        obj.insert("chain_pem".into(), serde_json::Value::Null);
        obj.insert("include_chain".into(), serde_json::Value::Bool(false));
    }
    state
}

/// True when the model asks for the chain (`include_chain = true`).
fn wants_chain(m: &EndCertModel) -> bool {
    m.include_chain.known() == Some(&true)
}

#[async_trait]
impl Resource for EndCertResource {
    type Model = EndCertModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "An end-entity (leaf) certificate. Unless `key_usages` / `extended_key_usages` say otherwise, it is for server and client authentication (digital signature, plus key encipherment for RSA keys).\n\nWorkload identity and smart cards: `uri_sans` carries SPIFFE IDs (`spiffe://corp.example/ns/prod/sa/api`), `other_names` other-name SANs such as the Windows UPN (`1.3.6.1.4.1.311.20.2.3`), and `extended_key_usages = [\"client_auth\"]` makes a client-only certificate. The API does not document the value names of `keyUsage` / `extendedKeyUsage`: the provider sends the Go/Vault spellings (`DigitalSignature`, `KeyEncipherment`, `ServerAuth`, `ClientAuth`, `OCSPSigning`, …) because the API's other-name syntax (`{OID};UTF8:{value}`) is Vault's, and only when the attribute is set. With `csr_pem` and after import, these attributes are read from the certificate itself; with a CA-made key they hold what you set (null when unset, keeping state small). When a certificate issued here lacks a configured name or usage, apply warns.\n\nEither the CA generates the key (`key_type`, `subject`, `alt_names`, `ip_addresses`; the key is returned once, kept in state as the sensitive `private_key_pem`), or the CA signs your CSR (`csr_pem`; the key never leaves you, and the certificate keeps the CSR's subject and names). Prefer the CSR path when the key must not be in Terraform state; with Terraform 1.11 or later, `csr_pem_wo` (write-only) keeps the CSR out of state and plan too, so that a key made by the ephemeral `pca_key_pair` exists only in memory during the run and in the secret store it is handed to (see the example).\n\nCertificates are immutable: changing an input forces a new certificate. A certificate revoked outside Terraform (seen in the CA's CRL at refresh) is replaced at the next apply, and so is one within `early_renewal_hours` of its end. Destroy revokes the certificate unless `revoke_on_destroy = false`.\n\nThe issuing chain is not repeated in every certificate's state: build a full chain from the issuing CA (`pca_ca.chain_pem` or `data \"pca_ca_chain\"`), or set `include_chain = true` to get `chain_pem` here (its first certificate is the issuing CA's).",
        )
        .version(SCHEMA_VERSION)
        .attr(
            Attribute::string("ca_tag")
                .required()
                .requires_replace()
                .description("The issuing CA's `ca_tag`. Changing it forces a new certificate."),
        )
        .attr(
            Attribute::string("csr_pem")
                .optional()
                .requires_replace_if(
                    "the CSR's content changed (formatting alone only updates the state)",
                    super::common::pem_changed,
                )
                .validate(super::common::csr_validator())
                .description("A PKCS#10 CSR (PEM) for the CA to sign: its key must be RSA (2048, 3072 or 4096 bits) or ECDSA (P-256, P-384 or P-521), which the provider sends as `keyType`/`keyBits` (an unreadable CSR or another key is a plan-time error). Conflicts with `key_type`, `subject`, `alt_names` and `ip_addresses`: the certificate keeps the CSR's subject and names. Compared by content: another CSR forces a new certificate; a change of formatting alone only updates the state. The CSR is kept in state; to keep it out, use `csr_pem_wo`."),
        )
        .attr(
            // Not marked sensitive: a write-only value is never stored or shown anyway
            // (plans print "write-only attribute"), a CSR holds no secret, and the mark would
            // cost every certificate a `sensitive_attributes` entry (43 bytes) in state.
            Attribute::string("csr_pem_wo")
                .optional()
                .write_only()
                .validate(super::common::csr_validator())
                .description("Write-only (Terraform 1.11 or later): a PKCS#10 CSR (PEM) for the CA to sign, like `csr_pem`, that is sent to Sign End Csr at create and kept in neither state nor plan. Meant for `ephemeral.pca_key_pair.<name>.csr_pem`: the key and its CSR then exist only in memory during the run, and the private key goes straight to a secret store through that store's own write-only argument. Checked at plan time like `csr_pem` (when known then). Conflicts with `csr_pem`, `key_type`, `subject`, `alt_names` and `ip_addresses`. Since Terraform keeps no trace of it, a new CSR alone changes nothing: change `csr_pem_wo_version` to have the certificate re-issued from the CSR of that apply. Terraform 1.10 and older refuse it at validate (they would store it); use `csr_pem` there."),
        )
        .attr(
            Attribute::number("csr_pem_wo_version")
                .optional()
                .requires_replace()
                .description("Any number, kept in state, that stands for the write-only `csr_pem_wo`: changing it forces a new certificate, signed from the CSR `csr_pem_wo` holds at that apply (typically a new key from `ephemeral.pca_key_pair`). Only with `csr_pem_wo`."),
        )
        .attr(
            Attribute::string("key_type")
                .optional_computed()
                .requires_replace()
                .validate(validate::one_of(&KEY_TYPES))
                .description("When the CA generates the key: `RSA2048` (default), `RSA4096`, `EC256` or `EC521`. With `csr_pem`, the CSR's key type (computed)."),
        )
        .attr(
            Attribute::map("subject", Type::String)
                .optional()
                .requires_replace()
                .validate(subject_map_validator())
                .description("The certificate's subject, a map with the keys `common_name` (CN, required, 1 to 64 characters), `country` (C, a two-letter ISO 3166-1 code such as `KR`), `state_province` (ST), `locality` (L), `organizational_unit` (OU), `street_address` (up to 128 characters each) and `organization` (O, up to 64); required unless `csr_pem` is set. Only the keys you set are stored. Changing it forces a new certificate."),
        )
        .attr(
            Attribute::list("alt_names", Type::String)
                .optional()
                .requires_replace()
                .validate(alt_name_validator())
                .description("Subject alternative names: DNS names (wildcards allowed) and e-mail addresses."),
        )
        .attr(
            Attribute::list("ip_addresses", Type::String)
                .optional()
                .requires_replace()
                .validate(ip_validator())
                .description("Subject alternative names: IPv4 and IPv6 addresses."),
        )
        .attr(
            Attribute::list("uri_sans", Type::String)
                .optional_computed()
                .requires_replace()
                .validate(validate::each(Validator::string("an absolute URI; a SPIFFE ID for spiffe://", |u| {
                    profile::uri_problem(u).map_or(Ok(()), |p| Err(format!("must be an absolute URI (a SPIFFE ID when the scheme is spiffe): {p}")))
                })))
                .description("Subject alternative names: URIs, such as a SPIFFE ID (`spiffe://corp.example/ns/prod/sa/api`). Each must be an absolute URI without commas or spaces; `spiffe://` URIs must follow the SPIFFE ID rules (lower-case trust domain without port or user info, path segments of letters, digits, `.`, `-`, `_`, no query or fragment). Sent as `x509Parameters.uri`. Read from the certificate with `csr_pem` and after import; null when left unset with a CA-made key. Changing it forces a new certificate."),
        )
        .attr(
            Attribute::nested(
                "other_names",
                Nesting::List,
                vec![
                    Attribute::string("oid")
                        .required()
                        .validate(Validator::string("a dotted OID", |o| {
                            if profile::is_dotted_oid(o) { Ok(()) } else { Err(format!("must be a dotted object identifier such as 1.3.6.1.4.1.311.20.2.3; got {o:?}")) }
                        }))
                        .description("The other name's type, a dotted OID: `1.3.6.1.4.1.311.20.2.3` is the Microsoft user principal name (UPN) of smart-card logon."),
                    Attribute::string("value")
                        .required()
                        .validate(Validator::string("a UTF-8 value without commas", |v| {
                            OtherName { oid: "1.2".into(), value: v.to_owned() }.problem().map_or(Ok(()), Err)
                        }))
                        .description("The value, written as a UTF8String (no commas: the API separates other names with commas)."),
                ],
            )
            .optional_computed()
            .requires_replace()
            .description("Subject alternative names of type otherName with a UTF-8 value, sent as `x509Parameters.other` (`{OID};UTF8:{value}`, comma-separated). Read from the certificate with `csr_pem` and after import; null when left unset with a CA-made key. Changing it forces a new certificate."),
        )
        .attr(
            Attribute::set("key_usages", Type::String)
                .optional_computed()
                .requires_replace()
                .validate(validate::each(validate::one_of(&END_KEY_USAGES)))
                .description("Key usages, named as the `tls` provider names them: `digital_signature`, `content_commitment`, `key_encipherment`, `data_encipherment`, `key_agreement`, `encipher_only`, `decipher_only`. Unset: the service's default (`digital_signature`, plus `key_encipherment` for RSA keys), and nothing is sent. Set: sent as `x509Parameters.keyUsage` with Go/Vault-style names (`DigitalSignature`, `KeyAgreement`, …; the API's value names are not documented, see the guide). Read from the certificate with `csr_pem` and after import; null when left unset with a CA-made key. Changing it forces a new certificate."),
        )
        .attr(
            Attribute::set("extended_key_usages", Type::String)
                .optional_computed()
                .requires_replace()
                .validate(validate::each(validate::one_of(&END_EXTENDED_KEY_USAGES)))
                .description("Extended key usages: `server_auth`, `client_auth`, `code_signing`, `email_protection`, `time_stamping`, `ocsp_signing`. Unset: server and client authentication (today's certificate), and nothing is sent. Set: exactly these, sent as `x509Parameters.extendedKeyUsage` (`ServerAuth`, `ClientAuth`, `CodeSigning`, `EmailProtection`, `TimeStamping`, `OCSPSigning`). Read from the certificate with `csr_pem` and after import; null when left unset with a CA-made key. Changing it forces a new certificate."),
        )
        .attr(validity_days_attribute("certificate"))
        .attr(
            Attribute::bool("revoke_on_destroy")
                .default(true)
                .description("Whether destroy revokes the certificate (the CRL and OCSP then list it as revoked). When false, destroy only removes it from state."),
        )
        .attr(
            Attribute::number("early_renewal_hours")
                .default(0)
                .validate(validate::int_between(0, 87_600))
                .description("Replace the certificate once it is within this many hours of `not_after`. 0 replaces it only once expired."),
        )
        .attr(
            Attribute::bool("include_chain")
                .default(false)
                .description("Whether to keep the issuing chain (`chain_pem`, the issuing CA's certificate first) in this certificate's state. Default false: the chain is the CA's, available once from `pca_ca.chain_pem` or `data \"pca_ca_chain\"`, and repeating it in every certificate would more than double the state. Changing it updates in place."),
        )
        .attr(computed("serial_number", "The certificate's serial number, colon-separated hex."))
        .attr(computed("certificate_pem", "The certificate, PEM."))
        .attr(
            Attribute::string("private_key_pem")
                .computed()
                .sensitive()
                .use_state_for_unknown()
                .description("The private key, PEM as the API returns it (the traditional `EC PRIVATE KEY` / `RSA PRIVATE KEY` form in the API's example), when the CA generated it; null with `csr_pem` and after import. The API returns it only once."),
        )
        .attr(computed("chain_pem", "The chain from the issuing CA (first) up to the root, PEM, with `include_chain = true`; null otherwise (use the issuing `pca_ca`'s `chain_pem`, or `data \"pca_ca_chain\"`)."))
        .attr(computed("not_after", "End of validity, RFC 3339. The start of validity is not kept in every certificate's state: `provider::pca::parse_certificate(certificate_pem).not_before` reads it (Terraform 1.8+)."))
        .attr(
            Attribute::bool("ready_for_renewal")
                .computed()
                .description("True once the certificate is within `early_renewal_hours` of its end (or expired): the next plan replaces it."),
        )
        .attr(
            Attribute::bool("revoked")
                .computed()
                .description("True when the CA's CRL lists the certificate (revoked outside Terraform): the next plan replaces it."),
        )
    }

    fn read_on_import(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        Some(
            Identity::new()
                .attr("ca_tag", "The issuing CA's `ca_tag`.")
                .attr(
                    "serial_number",
                    "The certificate's serial number (colon-separated hex).",
                ),
        )
    }

    fn validate(&self, c: &EndCertModel, diags: &mut Diagnostics) {
        if !c.csr_pem.is_null() && !c.csr_pem_wo.is_null() {
            diags.error_at(
                AttrPath::root("csr_pem"),
                "Conflicting Attributes",
                "csr_pem cannot be set together with csr_pem_wo: give the CSR once, in csr_pem_wo to keep it out of state, or in csr_pem.",
            );
        }
        if c.csr_pem_wo.is_null() && !c.csr_pem_wo_version.is_null() {
            diags.error_at(
                AttrPath::root("csr_pem_wo_version"),
                "Missing csr_pem_wo",
                "csr_pem_wo_version only stands for the write-only csr_pem_wo, which is not set: set csr_pem_wo, or remove csr_pem_wo_version.",
            );
        }
        let csr_attr = if c.csr_pem_wo.is_null() {
            "csr_pem"
        } else {
            "csr_pem_wo"
        };
        if !c.csr_pem.is_null() || !c.csr_pem_wo.is_null() {
            for (name, set) in [
                ("key_type", !c.key_type.is_null()),
                ("subject", !c.subject.is_null()),
                ("alt_names", !c.alt_names.is_null()),
                ("ip_addresses", !c.ip_addresses.is_null()),
                ("uri_sans", !c.uri_sans.is_null()),
                ("other_names", !c.other_names.is_null()),
                ("key_usages", !c.key_usages.is_null()),
                ("extended_key_usages", !c.extended_key_usages.is_null()),
            ] {
                if set {
                    diags.error_at(
                        AttrPath::root(name),
                        "Conflicting Attributes",
                        format!("{name} cannot be set together with {csr_attr}: a CSR brings its own key, subject and names."),
                    );
                }
            }
        } else if c.subject.is_null() {
            diags.error_at(
                AttrPath::root("subject"),
                "Missing Subject",
                "subject is required unless csr_pem or csr_pem_wo is set (the CA needs a subject for the key it generates).",
            );
        }
    }

    async fn modify_plan(
        &self,
        _ctx: &Ctx<PcaData>,
        req: PlanRequest<'_, EndCertModel>,
        planned: &mut EndCertModel,
        replace: &mut Vec<AttrPath>,
        diags: &mut Diagnostics,
    ) {
        plan_chain(req.prior, planned);
        // The write-only CSR is only in the configuration: check its key now (as the
        // validator does for csr_pem), so that a CSR the API would refuse costs no request.
        if req.prior.is_none()
            && let Some(csr) = req.config.csr_pem_wo.known()
            && let Err(why) = csr_key_params(csr)
        {
            diags.error_at(AttrPath::root("csr_pem_wo"), "Unsupported CSR", why);
        }
        match req.prior {
            None => {
                if req.config.csr_pem.is_null() && req.config.csr_pem_wo.is_null() {
                    // The CA-generated key: the default key type is known at plan time, and
                    // profile attributes left unset stay null (nothing is sent, the service
                    // makes its default server + client certificate): reading them back
                    // would only repeat that default in every certificate's state.
                    if req.config.key_type.is_null() {
                        planned.key_type = Val::Known(DEFAULT_KEY_TYPE.to_owned());
                    }
                    null_if_unset(&req.config.uri_sans, &mut planned.uri_sans);
                    null_if_unset(&req.config.other_names, &mut planned.other_names);
                    null_if_unset(&req.config.key_usages, &mut planned.key_usages);
                    null_if_unset(
                        &req.config.extended_key_usages,
                        &mut planned.extended_key_usages,
                    );
                }
            }
            Some(prior) => {
                if prior.revoked.known() == Some(&true) {
                    planned.revoked = Val::Unknown;
                    replace.push(AttrPath::root("revoked"));
                }
                if renewal_due(
                    prior.not_after.known(),
                    planned.early_renewal_hours.known().copied().unwrap_or(0),
                ) {
                    planned.ready_for_renewal = Val::Unknown;
                    replace.push(AttrPath::root("ready_for_renewal"));
                }
            }
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: EndCertModel,
        diags: &mut Diagnostics,
    ) -> Option<EndCertModel> {
        let client = client(ctx, diags)?;
        let tag = CaTag::from(plan.ca_tag.known().cloned().unwrap_or_default());
        let period = plan.validity_days.known().map_or(Period::Max, |d| {
            Period::Days(u32::try_from(*d).unwrap_or(0))
        });
        let mut s = plan.clone();
        // The write-only CSR reaches create from the configuration (null in the plan).
        let (csr, csr_attr) = match plan.csr_pem_wo.known() {
            Some(csr) => (Some(csr), "csr_pem_wo"),
            None => (plan.csr_pem.known(), "csr_pem"),
        };
        if let Some(csr) = csr {
            let query = SignEndCsrQuery {
                period: Some(period.clone()),
            };
            // A8: the service checks keyType/keyBits against the CSR (rows 15, 36, 49, 50).
            let (key_type, key_bits) = match csr_key_params(csr) {
                Ok((t, b)) => (Some(t), Some(b)),
                Err(why) => {
                    diags.error_at(AttrPath::root(csr_attr), "Unsupported CSR", why);
                    return None;
                }
            };
            let req = SignEndCsrRequest {
                csr_pem: csr.clone(),
                period: Some(period),
                key_type,
                key_bits,
                ..SignEndCsrRequest::default()
            };
            let out = match client.sign_end_csr(&tag, &query, &req).await {
                Ok(o) => o,
                Err(e) => {
                    request_error(
                        diags,
                        "Unable to Sign the CSR",
                        &e,
                        &["ca_tag", csr_attr, "validity_days"],
                    );
                    return None;
                }
            };
            s.serial_number = out
                .serial_no
                .map_or(Val::Null, |n| Val::Known(canonical_serial(n.as_str())));
            s.certificate_pem = out.certificate.map_or(Val::Null, Val::Known);
            s.chain_pem = out
                .ca_chain
                .map_or(Val::Null, |c| Val::Known(c.concatenated()));
            s.private_key_pem = Val::Null;
        } else {
            let req = IssueEndCertRequest {
                key_type: Some(KeyType::from_wire(
                    plan.key_type
                        .known()
                        .map_or(DEFAULT_KEY_TYPE, String::as_str),
                )),
                period: Some(period),
                x509_parameters: to_parameters(&plan),
            };
            let out = issue(client, &tag, &req, diags).await?;
            s.serial_number = out
                .serial_no
                .clone()
                .map_or(Val::Null, |n| Val::Known(canonical_serial(n.as_str())));
            s.certificate_pem = out.certificate.clone().map_or(Val::Null, Val::Known);
            s.private_key_pem = out.private_key.clone().map_or(Val::Null, Val::Known);
            s.chain_pem = out
                .ca_chain
                .map_or(Val::Null, |c| Val::Known(c.concatenated()));
        }
        let Some(serial) = s.serial_number.known() else {
            diags.error(
                "Unable to Issue Certificate",
                "The API answered without a serial number.",
            );
            return None;
        };
        if let Some(data) = ctx.data(diags) {
            snapshot::note_created(data, tag.as_str(), serial);
        }
        s.revoked = Val::Known(false);
        if !wants_chain(&s) {
            s.chain_pem = Val::Null;
        }
        if let Some(sum) = s.certificate_pem.known().and_then(|p| cert_summary(p)) {
            warn_profile_mismatch(&s, &sum, diags);
        }
        Some(finish(s))
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: EndCertModel,
        diags: &mut Diagnostics,
    ) -> Option<EndCertModel> {
        let data = ctx.data(diags)?;
        let client = client(ctx, diags)?;
        if state.certificate_pem.is_known() && (!wants_chain(&state) || state.chain_pem.is_known())
        {
            // The state holds everything but existence and revocation: the paged reader.
            return read_listed(data, client, state, diags).await;
        }
        // Import, or a state without its certificate or wanted chain: Get End Cert.
        let tag = state.ca_tag.known().cloned().unwrap_or_default();
        let serial = state.serial_number.known().cloned().unwrap_or_default();
        let cert = match client
            .get_end_cert(&CaTag::from(tag.as_str()), &SerialNo::from(serial.as_str()))
            .await
        {
            Ok(c) => c,
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                api_error(diags, "Unable to Read Certificate", &e);
                return Some(state);
            }
        };
        let mut s = state;
        let imported = s.certificate_pem.is_null();
        s.certificate_pem = keep_pem(&s.certificate_pem, cert.cert_pem.clone());
        if wants_chain(&s)
            && let Some(chain) = cert.ca_chain
        {
            set_chain(&mut s, &chain);
        }
        if imported && let Some(sum) = s.certificate_pem.known().and_then(|p| cert_summary(p)) {
            s.key_type = sum.key_type.map_or(Val::Null, |k| Val::Known(k.to_owned()));
            let mut subject = EndSubjectFlat::from(sum.subject.clone());
            subject.street_address = sum.street_address.clone().map_or(Val::Null, Val::Known);
            subject.postal_code = sum.postal_code.clone().map_or(Val::Null, Val::Known);
            s.subject = Val::Known(subject);
            s.alt_names = if sum.alt_names.is_empty() {
                Val::Null
            } else {
                Val::Known(sum.alt_names)
            };
            s.ip_addresses = if sum.ip_addresses.is_empty() {
                Val::Null
            } else {
                Val::Known(sum.ip_addresses)
            };
            // Read back by `finish`, from the certificate.
            s.uri_sans = Val::Unknown;
            s.other_names = Val::Unknown;
            s.key_usages = Val::Unknown;
            s.extended_key_usages = Val::Unknown;
        }
        match revoked_serials(data, client, &tag).await {
            Ok(set) => s.revoked = Val::Known(set.contains(&canonical_serial(&serial))),
            Err(e) => api_error(diags, "Unable to Read the CA's CRL", &e),
        }
        Some(finish(s))
    }

    async fn update(
        &self,
        ctx: &Ctx<PcaData>,
        prior: EndCertModel,
        plan: EndCertModel,
        diags: &mut Diagnostics,
    ) -> Option<EndCertModel> {
        // Only revoke_on_destroy, early_renewal_hours, include_chain and the formatting of
        // csr_pem change in place: nothing to send, except a read of the chain when
        // include_chain turns true.
        let mut s = prior.clone();
        s.csr_pem = plan.csr_pem;
        s.csr_pem_wo_version = plan.csr_pem_wo_version;
        s.revoke_on_destroy = plan.revoke_on_destroy;
        s.early_renewal_hours = plan.early_renewal_hours;
        s.include_chain = plan.include_chain;
        if !wants_chain(&s) {
            s.chain_pem = Val::Null;
        } else if !s.chain_pem.is_known() {
            let client = client(ctx, diags)?;
            let tag = CaTag::from(s.ca_tag.known().cloned().unwrap_or_default());
            let serial = SerialNo::from(s.serial_number.known().cloned().unwrap_or_default());
            match client.get_end_cert(&tag, &serial).await {
                Ok(cert) => {
                    if let Some(chain) = cert.ca_chain {
                        set_chain(&mut s, &chain);
                    }
                }
                Err(e) => {
                    api_error(diags, "Unable to Read the Certificate's Chain", &e);
                    return Some(prior);
                }
            }
        }
        Some(finish(s))
    }

    async fn delete(&self, ctx: &Ctx<PcaData>, state: EndCertModel, diags: &mut Diagnostics) {
        if state.revoke_on_destroy.known() == Some(&false) {
            return;
        }
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
        let serial = SerialNo::from(state.serial_number.known().cloned().unwrap_or_default());
        match revoke(ctx, client, &tag, &serial, diags).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error(diags, "Unable to Revoke Certificate", &e),
        }
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<EndCertModel> {
        let Some((tag, serial)) = id
            .trim()
            .split_once('/')
            .filter(|(t, s)| !t.is_empty() && !s.is_empty())
        else {
            diags.error(
                "Invalid Import ID",
                format!("Import a pca_end_cert as <ca_tag>/<serial_number>, for example 1a2b3c4d-5e6f7a8b/3a:1f:...; got {id:?}."),
            );
            return None;
        };
        let serial = canonical_serial(serial);
        Some(EndCertModel {
            ca_tag: Val::Known(tag.to_owned()),
            serial_number: Val::Known(serial),
            revoke_on_destroy: Val::Known(true),
            early_renewal_hours: Val::Known(0),
            include_chain: Val::Known(false),
            ..EndCertModel::default()
        })
    }

    fn upgrade(
        &self,
        version: i64,
        state: serde_json::Value,
        diags: &mut Diagnostics,
    ) -> Option<serde_json::Value> {
        match version {
            0 => Some(upgrade_v3(upgrade_v2(upgrade_v1(upgrade_v0(state))))),
            1 => Some(upgrade_v3(upgrade_v2(upgrade_v1(state)))),
            2 => Some(upgrade_v3(upgrade_v2(state))),
            3 => Some(upgrade_v3(state)),
            SCHEMA_VERSION => Some(state),
            _ => {
                diags.error(
                    "Unable to Upgrade Resource State",
                    format!("The state of this pca_end_cert was written with schema version {version}, and this provider reads versions 0 to {SCHEMA_VERSION}."),
                );
                None
            }
        }
    }
}

/// Refresh from the CA's snapshot ([`snapshot`]): gone when the CA is gone, or when the
/// certificate is missing from the CA's list and Get End Cert confirms it (a list that
/// leaves some certificates out costs one request each, never a false "gone"); revoked when
/// the CA's CRL lists it. Everything else a certificate holds cannot change.
async fn read_listed(
    data: &PcaData,
    client: &Client,
    state: EndCertModel,
    diags: &mut Diagnostics,
) -> Option<EndCertModel> {
    let tag = state.ca_tag.known().cloned().unwrap_or_default();
    let serial = state.serial_number.known().cloned().unwrap_or_default();
    let (listing, revoked) = tokio::join!(
        snapshot::cert_listing(data, client, &tag),
        revoked_serials(data, client, &tag)
    );
    let listing = match listing {
        Ok(l) => l,
        Err(e) => {
            api_error(diags, "Unable to List the CA's Certificates", &e);
            return Some(state);
        }
    };
    if listing.ca_gone {
        return None;
    }
    if !listing.contains(&serial) {
        match client
            .get_end_cert(&CaTag::from(tag.as_str()), &SerialNo::from(serial.as_str()))
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                api_error(diags, "Unable to Read Certificate", &e);
                return Some(state);
            }
        }
    }
    let mut s = state;
    match revoked {
        Ok(set) => s.revoked = Val::Known(set.contains(&canonical_serial(&serial))),
        Err(e) => api_error(diags, "Unable to Read the CA's CRL", &e),
    }
    Some(finish(s))
}

/// Plans null for an attribute the configuration leaves null.
fn null_if_unset<T>(config: &Val<T>, planned: &mut Val<T>) {
    if config.is_null() {
        *planned = Val::Null;
    }
}

/// Plans `chain_pem`: null without `include_chain`; with it, the prior values
/// when the state has them, else unknown (create or update fills them).
fn plan_chain(prior: Option<&EndCertModel>, planned: &mut EndCertModel) {
    match planned.include_chain {
        Val::Known(false) => {
            planned.chain_pem = Val::Null;
        }
        Val::Known(true) => {
            let have = prior.is_some_and(|p| p.chain_pem.is_known());
            if !have {
                planned.chain_pem = Val::Unknown;
            }
        }
        _ => {
            planned.chain_pem = Val::Unknown;
        }
    }
}

/// Issue End Cert (a CA-made key), for the resource and the ephemeral `pca_end_cert`: a
/// failure is reported on the arguments the request came from. The caller tells the CA's
/// snapshot about the new serial ([`snapshot::note_created`]) once it has it.
pub async fn issue(
    client: &Client,
    tag: &CaTag,
    req: &IssueEndCertRequest,
    diags: &mut Diagnostics,
) -> Option<IssueEndCertData> {
    match client.issue_end_cert(tag, req).await {
        Ok(o) => Some(o),
        Err(e) => {
            request_error(
                diags,
                "Unable to Issue Certificate",
                &e,
                &[
                    "ca_tag",
                    "subject",
                    "key_type",
                    "ip_addresses",
                    "validity_days",
                ],
            );
            None
        }
    }
}

/// Revoke End Cert, then drops the CA's cached CRL ([`snapshot::note_crl_changed`]) whatever
/// the answer, so a later read in this process sees the revocation; the caller decides what
/// an error means (a certificate already gone is fine on destroy, not for an action).
pub async fn revoke(
    ctx: &Ctx<PcaData>,
    client: &Client,
    tag: &CaTag,
    serial: &SerialNo,
    diags: &mut Diagnostics,
) -> Result<(), ClientError> {
    let result = client.revoke_end_cert(tag, serial).await;
    if let Some(data) = ctx.data(diags) {
        snapshot::note_crl_changed(data, tag.as_str()).await;
    }
    result
}

/// The subject and DNS/e-mail/IP names of Issue End Cert's `x509Parameters`; shared with the
/// ephemeral `pca_end_cert`.
pub fn subject_parameters(
    subject: &Val<EndSubjectFlat>,
    alt_names: &Val<Vec<String>>,
    ip_addresses: &Val<Vec<String>>,
) -> X509EndCertParameters {
    let subject = subject.known().cloned().unwrap_or_default();
    let text = |v: &Val<String>| v.known().cloned();
    X509EndCertParameters {
        common_name: subject.common_name.known().cloned().unwrap_or_default(),
        alt_name: join_list(alt_names),
        ip: join_list(ip_addresses),
        organization: text(&subject.organization),
        organization_unit: text(&subject.organizational_unit),
        postal_code: text(&subject.postal_code),
        locality: text(&subject.locality),
        state_province: text(&subject.state_province),
        street_address: text(&subject.street_address),
        country: text(&subject.country),
        ..X509EndCertParameters::default()
    }
}

/// The end certificate parameters of a plan: subject and names, then the profile.
fn to_parameters(plan: &EndCertModel) -> X509EndCertParameters {
    X509EndCertParameters {
        uri: join_list(&plan.uri_sans),
        other: plan.other_names.known().and_then(|l| {
            profile::other_names_to_wire(
                &l.iter()
                    .filter_map(|o| {
                        Some(OtherName {
                            oid: o.oid.known()?.clone(),
                            value: o.value.known()?.clone(),
                        })
                    })
                    .collect::<Vec<_>>(),
            )
        }),
        key_usage: plan.key_usages.known().map(|l| {
            l.iter()
                .filter_map(|n| key_usage_wire(n))
                .map(str::to_owned)
                .collect()
        }),
        extended_key_usage: plan.extended_key_usages.known().map(|l| {
            l.iter()
                .filter_map(|n| extended_key_usage_wire(n))
                .map(str::to_owned)
                .collect()
        }),
        ..subject_parameters(&plan.subject, &plan.alt_names, &plan.ip_addresses)
    }
}

/// Sets `chain_pem` from the API's chain, keeping the state's text when only the formatting
/// differs.
fn set_chain(s: &mut EndCertModel, chain: &crate::api::model::CaChain) {
    let blocks = chain.pem_blocks();
    s.chain_pem = keep_pem(&s.chain_pem, Some(blocks.join("\n")));
}

/// True when `now` is within `hours` of `not_after` (or past it).
fn renewal_due(not_after: Option<&String>, hours: i64) -> bool {
    let Some(end) = not_after.and_then(|t| parse_rfc3339(t)) else {
        return false;
    };
    now_ms() >= end.saturating_sub(hours.saturating_mul(3_600_000))
}

/// Parses the `YYYY-MM-DDTHH:MM:SSZ` timestamps this provider writes.
fn parse_rfc3339(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<i64>().ok());
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400) + hh * 3600 + mm * 60 + ss) * 1000)
}

/// Warns when the issued certificate lacks a configured URI, other name or usage (the
/// API's usage value names are unconfirmed: a service that ignores them is said so, with
/// what the certificate holds).
fn warn_profile_mismatch(
    s: &EndCertModel,
    sum: &super::common::CertSummary,
    diags: &mut Diagnostics,
) {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        v
    };
    let checks = [
        ("uri_sans", s.uri_sans.known(), &sum.uri_sans),
        ("key_usages", s.key_usages.known(), &sum.key_usages),
        (
            "extended_key_usages",
            s.extended_key_usages.known(),
            &sum.extended_key_usages,
        ),
    ];
    for (name, asked, got) in checks {
        if let Some(asked) = asked
            && sorted(asked) != sorted(got)
        {
            diags.warning_at(
                AttrPath::root(name),
                "Certificate Differs from Configuration",
                format!("{name} asked for {asked:?}, but the issued certificate holds {got:?}. The API may not honour this member; check the certificate before relying on it."),
            );
        }
    }
    if let Some(asked) = s.other_names.known() {
        let got: Vec<(String, String)> = sum
            .other_names
            .iter()
            .map(|o| (o.oid.clone(), o.value.clone()))
            .collect();
        let want: Vec<(String, String)> = asked
            .iter()
            .filter_map(|o| Some((o.oid.known()?.clone(), o.value.known()?.clone())))
            .collect();
        if want != got {
            diags.warning_at(
                AttrPath::root("other_names"),
                "Certificate Differs from Configuration",
                format!(
                    "other_names asked for {want:?}, but the issued certificate holds {got:?}."
                ),
            );
        }
    }
}

/// Fills the profile attributes still unknown (planned unknown on the CSR path, set unknown
/// by an import's first read) from the certificate: URI and other-name SANs, key usages and extended key
/// usages; an absent list is null.
fn read_back_profile(s: &mut EndCertModel, sum: &super::common::CertSummary) {
    fn list<T: Clone>(v: &mut Val<Vec<T>>, from: &[T]) {
        if v.is_unknown() {
            *v = if from.is_empty() {
                Val::Null
            } else {
                Val::Known(from.to_vec())
            };
        }
    }
    list(&mut s.uri_sans, &sum.uri_sans);
    list(&mut s.key_usages, &sum.key_usages);
    list(&mut s.extended_key_usages, &sum.extended_key_usages);
    let others: Vec<OtherNameFlat> = sum
        .other_names
        .iter()
        .map(|o| OtherNameFlat {
            oid: Val::Known(o.oid.clone()),
            value: Val::Known(o.value.clone()),
        })
        .collect();
    list(&mut s.other_names, &others);
}

/// Fills what the certificate itself says (validity, key type) and the renewal flag, and
/// turns anything still unknown into null.
fn finish(mut s: EndCertModel) -> EndCertModel {
    if let Some(sum) = s.certificate_pem.known().and_then(|p| cert_summary(p)) {
        s.not_after = Val::Known(rfc3339(sum.not_after_ms));
        if !s.key_type.is_known() {
            s.key_type = sum.key_type.map_or(Val::Null, |k| Val::Known(k.to_owned()));
        }
        if !s.validity_days.is_known() {
            s.validity_days = Val::Known(days_between(sum.not_before_ms, sum.not_after_ms));
        }
        read_back_profile(&mut s, &sum);
    }
    s.ready_for_renewal = Val::Known(renewal_due(
        s.not_after.known(),
        s.early_renewal_hours.known().copied().unwrap_or(0),
    ));
    fn f<T>(v: &mut Val<T>) {
        if v.is_unknown() {
            *v = Val::Null;
        }
    }
    f(&mut s.key_type);
    f(&mut s.validity_days);
    f(&mut s.serial_number);
    f(&mut s.certificate_pem);
    f(&mut s.private_key_pem);
    f(&mut s.chain_pem);
    f(&mut s.not_after);
    if s.revoked.is_unknown() {
        s.revoked = Val::Known(false);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        for ms in [0_i64, 1_721_105_212_000, 951_782_400_000, 4_102_444_800_000] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
        assert_eq!(parse_rfc3339("nope"), None);
    }

    #[test]
    fn renewal_window() {
        let soon = rfc3339(now_ms() + 2 * 3_600_000);
        assert!(renewal_due(Some(&soon), 3));
        assert!(!renewal_due(Some(&soon), 1));
        assert!(renewal_due(Some(&rfc3339(now_ms() - 1000)), 0));
    }

    #[test]
    fn upgrade_from_version_0_drops_the_chain() {
        let v0 = serde_json::json!({
            "id": "t/01",
            "ca_tag": "t", "serial_number": "01",
            "certificate_pem": "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n",
            "issuer_pem": "-----BEGIN CERTIFICATE-----\nBB\n-----END CERTIFICATE-----\n",
            "chain_pem": "-----BEGIN CERTIFICATE-----\nBB\n-----END CERTIFICATE-----\n",
        });
        let mut d = Diagnostics::new();
        let up = EndCertResource.upgrade(0, v0, &mut d).expect("upgraded");
        assert!(!d.has_errors());
        assert!(up.get("issuer_pem").is_none());
        assert_eq!(up["chain_pem"], serde_json::Value::Null);
        assert_eq!(up["include_chain"], serde_json::Value::Bool(false));
        assert!(up.get("id").is_none());
        assert_eq!(
            up["certificate_pem"].as_str().map(|c| c.contains("AA")),
            Some(true)
        );
        assert!(EndCertResource.upgrade(7, up, &mut d).is_none());
        assert!(d.has_errors());
    }

    #[test]
    fn upgrade_from_version_1_keeps_only_the_subject_keys_set() {
        let v1 = serde_json::json!({
            "ca_tag": "t",
            "subject": {"common_name": "a", "country": null, "organization": "O"},
        });
        let mut d = Diagnostics::new();
        let up = EndCertResource.upgrade(1, v1, &mut d).expect("upgraded");
        assert_eq!(
            up["subject"],
            serde_json::json!({"common_name": "a", "organization": "O"})
        );
        let v0 =
            serde_json::json!({"id": "t/01", "subject": {"common_name": "a", "locality": null}});
        let up = EndCertResource.upgrade(0, v0, &mut d).expect("upgraded");
        assert_eq!(up["subject"], serde_json::json!({"common_name": "a"}));
        assert!(!d.has_errors());
    }

    #[test]
    fn subject_map_names_the_bad_key() {
        use crate::framework::Value;
        let v = Value::Map(
            [
                ("common_name".to_owned(), Value::String(String::new())),
                ("country".to_owned(), Value::String("Korea".into())),
                ("colour".to_owned(), Value::String("x".into())),
            ]
            .into_iter()
            .collect(),
        );
        let mut d = Diagnostics::new();
        subject_map_validator().run(&v, &AttrPath::root("subject"), &mut d);
        let paths: Vec<_> = d.iter().filter_map(|x| x.path.clone()).collect();
        assert_eq!(paths.len(), 3, "{paths:?}");
        for key in ["common_name", "country", "colour"] {
            assert!(
                paths.contains(&AttrPath::root("subject").key(key)),
                "{key}: {paths:?}"
            );
        }
        let missing = Value::Map(
            [("country".to_owned(), Value::String("KR".into()))]
                .into_iter()
                .collect(),
        );
        let mut d = Diagnostics::new();
        subject_map_validator().run(&missing, &AttrPath::root("subject"), &mut d);
        assert!(d.has_errors());
    }

    #[test]
    fn subject_stores_only_the_keys_set() {
        let m = EndSubjectFlat {
            common_name: Val::Known("a".into()),
            ..EndSubjectFlat::default()
        };
        let json = serde_json::to_value(&m).expect("json");
        assert_eq!(json, serde_json::json!({"common_name": "a"}));
    }

    #[test]
    fn chain_is_planned_only_when_asked_for() {
        let mut planned = EndCertModel {
            include_chain: Val::Known(false),
            chain_pem: Val::Unknown,
            ..EndCertModel::default()
        };
        plan_chain(None, &mut planned);
        assert_eq!(planned.chain_pem, Val::Null);
        planned.include_chain = Val::Known(true);
        let prior = planned.clone();
        plan_chain(Some(&prior), &mut planned);
        assert!(planned.chain_pem.is_unknown());
        let prior = EndCertModel {
            chain_pem: Val::Known("c".into()),
            ..prior
        };
        let mut planned = prior.clone();
        plan_chain(Some(&prior), &mut planned);
        assert_eq!(planned.chain_pem, Val::Known("c".into()));
    }

    #[test]
    fn csr_conflicts_and_missing_subject_name_the_attribute() {
        let mut d = Diagnostics::new();
        let m = EndCertModel {
            csr_pem: Val::Known(
                "-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----".into(),
            ),
            key_type: Val::Known("EC256".into()),
            ..EndCertModel::default()
        };
        EndCertResource.validate(&m, &mut d);
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("key_type"))
        );
        let mut d = Diagnostics::new();
        EndCertResource.validate(&EndCertModel::default(), &mut d);
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("subject"))
        );
    }

    #[test]
    fn profile_members_are_sent_only_when_set() {
        let plain = EndCertModel {
            subject: Val::Known(EndSubjectFlat {
                common_name: Val::Known("api".into()),
                ..EndSubjectFlat::default()
            }),
            ..EndCertModel::default()
        };
        let p = to_parameters(&plain);
        assert_eq!(
            (
                p.uri,
                p.other,
                p.key_usage,
                p.extended_key_usage,
                p.postal_code
            ),
            (None, None, None, None, None)
        );
        let m = EndCertModel {
            uri_sans: Val::Known(vec!["spiffe://corp.example/a".into()]),
            other_names: Val::Known(vec![OtherNameFlat {
                oid: Val::Known("1.3.6.1.4.1.311.20.2.3".into()),
                value: Val::Known("alice@corp.example".into()),
            }]),
            key_usages: Val::Known(vec!["digital_signature".into(), "key_agreement".into()]),
            extended_key_usages: Val::Known(vec!["client_auth".into(), "ocsp_signing".into()]),
            ..plain
        };
        let p = to_parameters(&m);
        assert_eq!(p.uri.as_deref(), Some("spiffe://corp.example/a"));
        assert_eq!(
            p.other.as_deref(),
            Some("1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example")
        );
        assert_eq!(
            p.key_usage,
            Some(vec!["DigitalSignature".into(), "KeyAgreement".into()])
        );
        assert_eq!(
            p.extended_key_usage,
            Some(vec!["ClientAuth".into(), "OCSPSigning".into()])
        );
        for n in END_KEY_USAGES {
            assert!(key_usage_wire(n).is_some(), "{n}");
        }
        for n in END_EXTENDED_KEY_USAGES {
            assert!(extended_key_usage_wire(n).is_some(), "{n}");
        }
    }

    #[test]
    fn profile_members_conflict_with_csr() {
        let mut d = Diagnostics::new();
        let m = EndCertModel {
            csr_pem: Val::Known(
                "-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----".into(),
            ),
            uri_sans: Val::Known(vec!["spiffe://x/y".into()]),
            ..EndCertModel::default()
        };
        EndCertResource.validate(&m, &mut d);
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("uri_sans"))
        );
    }
}
