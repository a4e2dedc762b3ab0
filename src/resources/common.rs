//! What every resource and data source shares: getting the client, turning client errors
//! into diagnostics, PEM comparison by content, timestamps, certificate inspection, and the
//! subject/SAN attributes of CAs and certificates.

use crate::api::catalogue::Row;
use crate::client::{Client, ClientError};
use crate::framework::Value;
use crate::framework::diag::Diagnostics;
use crate::framework::path::AttrPath;
use crate::framework::resource::Ctx;
use crate::framework::schema::{Attribute, Nesting};
use crate::framework::typed::Val;
use crate::framework::validate::{self, Validator};
use crate::provider::PcaData;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The API client, or an error diagnostic saying why there is none.
pub fn client<'a>(ctx: &'a Ctx<PcaData>, diags: &mut Diagnostics) -> Option<&'a Client> {
    match &ctx.data(diags)?.client {
        Ok(c) => Some(c),
        Err(why) => {
            diags.error("Provider Not Ready", why.clone());
            None
        }
    }
}

/// Records a failed API call as an error: what failed, the API's code and message, the
/// request id, and what to do next.
pub fn api_error(diags: &mut Diagnostics, summary: &str, err: &ClientError) {
    diags.error(summary, api_error_detail(err));
}

/// [`api_error`] on the attribute that caused the refusal.
pub fn api_error_at(diags: &mut Diagnostics, path: AttrPath, summary: &str, err: &ClientError) {
    diags.error_at(path, summary, api_error_detail(err));
}

/// The attribute a catalogue row (§1.7.1) is about, when the resource has it (`attrs`: its
/// argument names).
pub fn row_attribute(row: Row, attrs: &[&str]) -> Option<AttrPath> {
    let (root, nested) = match row {
        Row::CommonNameMissing | Row::CommonNameTooLong => ("subject", Some("common_name")),
        Row::OrganizationTooLong => ("subject", Some("organization")),
        Row::OrganizationUnitTooLong => ("subject", Some("organizational_unit")),
        Row::StateProvinceTooLong => ("subject", Some("state_province")),
        Row::LocalityTooLong => ("subject", Some("locality")),
        Row::StreetAddressTooLong => ("subject", Some("street_address")),
        Row::InvalidKeyType => ("key_type", None),
        Row::InvalidIp => ("ip_addresses", None),
        Row::InvalidPeriodValue | Row::CaValidityExceeded => ("validity_days", None),
        Row::CsrMissing
        | Row::KeyBitsMissing
        | Row::UnsupportedKeyBits
        | Row::InvalidKeyTypeCsr
        | Row::InvalidCsr
        | Row::KeyBitsMismatch
        | Row::KeyTypeMismatch => ("csr_pem", None),
        Row::CertMissing | Row::InvalidCertificateValue | Row::InvalidCert | Row::ExpiredCert => {
            ("certificate_pem", None)
        }
        Row::ChainMissing | Row::InvalidCaChain => ("chain_pem", None),
        Row::ExpiryMissing => ("expiry_days", None),
        Row::OcspServersMissing => ("ocsp_url", None),
        Row::InvalidCaStatus | Row::IssuanceLimit | Row::CaNotFound | Row::InvalidCa => {
            ("ca_tag", None)
        }
        _ => return None,
    };
    if !attrs.contains(&root) {
        return None;
    }
    let path = AttrPath::root(root);
    Some(match nested {
        Some(n) => path.attr(n),
        None => path,
    })
}

/// [`api_error`], on the attribute the refusal is about when its catalogue row names one
/// that the resource has ([`row_attribute`]).
pub fn request_error(diags: &mut Diagnostics, summary: &str, err: &ClientError, attrs: &[&str]) {
    match err
        .catalogue_row()
        .and_then(|row| row_attribute(row, attrs))
    {
        Some(path) => api_error_at(diags, path, summary, err),
        None => api_error(diags, summary, err),
    }
}

/// What a catalogue row (§1.7.1) means for the user, when the message alone does not say.
pub fn catalogue_hint(row: Row) -> Option<&'static str> {
    Some(match row {
        Row::NcloudInstanceNoMissing => {
            "The account has no Private CA subscription (no ncloudInstanceNo): subscribe to Private CA for this account in the NAVER Cloud console (on the same site as the provider's `site`), then run again."
        }
        Row::CaLimit => {
            "Every CA of the account counts toward the limit of 10, whatever its type and status: roots and intermediates, PENDING intermediates waiting for activation, DEACTIVATED CAs, and CAs being deleted (DESTROYING, removed 72 hours later; Delete CA removes them at once). Delete CAs you no longer need, or ask NAVER Cloud support to raise the limit."
        }
        Row::IssuanceLimit => {
            "Every certificate the CA ever signed counts toward its 30,000: end certificates (CA-generated keys and signed CSRs) and intermediate CA certificates, revoked, expired and trimmed ones included. Issue from another CA (for example a new intermediate), or contact the NAVER Cloud customer center."
        }
        Row::InvalidCaStatus => {
            "The CA's status does not allow this operation: signing needs an ACTIVE CA, activation a PENDING intermediate (see the CA's `status`)."
        }
        Row::InvalidIssuerCaStatus => {
            "The issuing CA (`issuer_ca_tag`) must be ACTIVE to sign a new intermediate."
        }
        Row::CaValidityExceeded => {
            "A certificate cannot outlive the CA that signs it: lower `validity_days`, or leave it unset to end with the CA."
        }
        _ => return None,
    })
}

fn api_error_detail(err: &ClientError) -> String {
    let mut detail = err.to_string();
    if let Some(hint) = err.catalogue_row().and_then(catalogue_hint) {
        detail.push_str("\n\n");
        detail.push_str(hint);
    }
    // The error already says what to check (clock, credentials, permission, endpoint);
    // throttling is mentioned only when the service throttled or was unavailable.
    if matches!(err.status(), Some(429 | 503)) {
        detail.push_str("\n\nThe API is throttling or briefly unavailable; run the command again, or raise max_retries in the provider block.");
    }
    detail
}

/// A PEM document reduced to what matters: each block's label and base64 body, without
/// line breaks, carriage returns or surrounding whitespace.
pub fn pem_content(pem: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut label: Option<String> = None;
    let mut body = String::new();
    for line in pem.lines().map(str::trim) {
        if let Some(l) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            label = Some(l.to_owned());
            body.clear();
        } else if let Some(l) = line
            .strip_prefix("-----END ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            if label.as_deref() == Some(l) {
                out.push((l.to_owned(), std::mem::take(&mut body)));
            }
            label = None;
        } else if label.is_some() {
            body.push_str(line);
        }
    }
    out
}

/// True when two PEM documents hold the same blocks (whitespace and line endings aside).
pub fn pem_eq(a: &str, b: &str) -> bool {
    pem_content(a) == pem_content(b)
}

/// `new` unless it has the same content as `old`, in which case `old` is kept: PEM from the
/// API never causes a diff through formatting alone.
pub fn keep_pem(old: &Val<String>, new: Option<String>) -> Val<String> {
    match (old, new) {
        (Val::Known(o), Some(n)) if pem_eq(o, &n) => Val::Known(o.clone()),
        (_, Some(n)) if !n.trim().is_empty() => Val::Known(n),
        _ => Val::Null,
    }
}

/// For `requires_replace_if` on a PEM attribute: a change forces replacement unless only
/// the formatting changed (a new value that is still unknown counts as a change).
pub fn pem_changed(prior: &Value, planned: &Value) -> bool {
    match (prior, planned) {
        (Value::String(a), Value::String(b)) => !pem_eq(a, b),
        _ => true,
    }
}

/// PEM blocks as one bundle in a stable form: each block trimmed, one after the other, each
/// ending in a newline. Every PEM this provider computes goes through it, so a value read
/// back after import has the same text as the value written at create.
pub fn pem_bundle<S: AsRef<str>>(blocks: &[S]) -> String {
    let mut out = String::new();
    for b in blocks
        .iter()
        .flat_map(|b| crate::api::model::split_pem_blocks(b.as_ref()))
    {
        out.push_str(b.trim());
        out.push('\n');
    }
    out
}

/// Validates that a string holds at least one PEM block with one of `labels` (e.g.
/// `CERTIFICATE`); `what` names it in the error.
pub fn pem_validator(what: &'static str, labels: &'static [&'static str]) -> Validator {
    Validator::string(format!("a PEM {what}"), move |s| {
        if pem_content(s)
            .iter()
            .any(|(l, _)| labels.contains(&l.as_str()))
        {
            Ok(())
        } else {
            Err(format!(
                "must be a PEM {what} (-----BEGIN {}-----)",
                labels.first().copied().unwrap_or_default()
            ))
        }
    })
}

/// PEM labels of a PKCS#10 CSR.
pub const CSR_LABELS: &[&str] = &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

/// The `keyType` and `keyBits` a sign request (Sign End Csr, Sign Sub Csr) sends for a CSR
/// (A8): `RSA` + modulus bits or `ECDSA` + curve bits, derived from the CSR's public key.
/// Errors say why the service would refuse it: not a readable CSR (row 39, `Invalid csr.`)
/// or a key the service does not sign (row 36, `Unsupported keyBits.`; supported:
/// [`limits::CSR_KEY_TYPES`](crate::api::limits::CSR_KEY_TYPES)).
pub fn csr_key_params(pem: &str) -> Result<(String, String), String> {
    use base64::Engine as _;
    use x509_parser::prelude::{FromDer as _, X509CertificationRequest};
    use x509_parser::public_key::PublicKey;
    const RSA: &str = "1.2.840.113549.1.1.1";
    const EC: &str = "1.2.840.10045.2.1";
    let unreadable = "it is not a readable PKCS#10 certificate signing request (the service answers `Invalid csr.`)";
    let (_, body) = pem_content(pem)
        .into_iter()
        .find(|(l, _)| CSR_LABELS.contains(&l.as_str()))
        .ok_or_else(|| unreadable.to_owned())?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| unreadable.to_owned())?;
    let Ok((_, csr)) = X509CertificationRequest::from_der(&der) else {
        return Err(unreadable.to_owned());
    };
    let spki = &csr.certification_request_info.subject_pki;
    let algorithm = spki.algorithm.algorithm.to_id_string();
    let (key_type, bits, name) = match algorithm.as_str() {
        RSA => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => {
                let bits = u32::try_from(rsa.key_size()).unwrap_or(0);
                ("RSA", bits, format!("an RSA-{bits} key"))
            }
            _ => return Err(unreadable.to_owned()),
        },
        EC => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            let bits = match curve.as_str() {
                "1.2.840.10045.3.1.7" => 256,
                "1.3.132.0.34" => 384,
                "1.3.132.0.35" => 521,
                _ => 0,
            };
            ("ECDSA", bits, format!("an EC key on curve {curve}"))
        }
        other => ("", 0, format!("a key of algorithm {other}")),
    };
    if crate::api::limits::csr_key_supported(key_type, bits) {
        Ok((key_type.to_owned(), bits.to_string()))
    } else {
        Err(format!(
            "the CSR holds {name}, which the service does not sign (`Unsupported keyBits.`): use RSA 2048, 3072 or 4096 bits, or ECDSA on P-256, P-384 or P-521"
        ))
    }
}

/// Validates a CSR attribute: a PEM CSR that the service can sign ([`csr_key_params`]).
pub fn csr_validator() -> Validator {
    Validator::string(
        "a PEM PKCS#10 CSR with an RSA (2048/3072/4096) or ECDSA (P-256/P-384/P-521) key",
        |s| {
            if !pem_content(s)
                .iter()
                .any(|(l, _)| CSR_LABELS.contains(&l.as_str()))
            {
                return Err(
                    "must be a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)"
                        .to_owned(),
                );
            }
            csr_key_params(s).map(|_| ())
        },
    )
}

/// Epoch milliseconds as an RFC 3339 UTC timestamp (`2026-11-28T21:37:14Z`).
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// What the provider reads out of a certificate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CertSummary {
    /// `RSA2048`, `RSA4096`, `EC256`, `EC521`, or `None` for other keys.
    pub key_type: Option<&'static str>,
    /// Subject attributes.
    pub subject: Subject,
    /// DNS and e-mail SANs, in order.
    pub alt_names: Vec<String>,
    /// IP SANs, in order.
    pub ip_addresses: Vec<String>,
    /// URI SANs, in order.
    pub uri_sans: Vec<String>,
    /// Other-name SANs with a string value, in order.
    pub other_names: Vec<crate::api::profile::OtherName>,
    /// Key usages, Terraform names ([`key_usage_name`]), in bit order.
    pub key_usages: Vec<String>,
    /// Extended key usages, Terraform names ([`extended_key_usage_name`]) or dotted OIDs.
    pub extended_key_usages: Vec<String>,
    /// Subject `street` (2.5.4.9).
    pub street_address: Option<String>,
    /// Subject `postalCode` (2.5.4.17).
    pub postal_code: Option<String>,
    /// Validity, epoch ms.
    pub not_before_ms: i64,
    /// Validity, epoch ms.
    pub not_after_ms: i64,
}

/// Reads the first certificate of a PEM document.
pub fn cert_summary(pem: &str) -> Option<CertSummary> {
    use x509_parser::prelude::*;
    let der = pem_content(pem)
        .into_iter()
        .find(|(l, _)| l == "CERTIFICATE")
        .and_then(|(_, b)| base64_decode(&b))?;
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    let attr = |oid: &x509_parser::der_parser::oid::Oid<'_>| -> Val<String> {
        cert.subject()
            .iter_attributes()
            .find(|a| a.attr_type() == oid)
            .and_then(|a| a.as_str().ok())
            .map_or(Val::Null, |s| Val::Known(s.to_owned()))
    };
    use x509_parser::oid_registry as o;
    let subject = Subject {
        common_name: attr(&o::OID_X509_COMMON_NAME),
        country: attr(&o::OID_X509_COUNTRY_NAME),
        state_province: attr(&o::OID_X509_STATE_OR_PROVINCE_NAME),
        locality: attr(&o::OID_X509_LOCALITY_NAME),
        organization: attr(&o::OID_X509_ORGANIZATION_NAME),
        organizational_unit: attr(&o::OID_X509_ORGANIZATIONAL_UNIT),
    };
    let mut alt_names = Vec::new();
    let mut ip_addresses = Vec::new();
    let mut uri_sans = Vec::new();
    let mut other_names = Vec::new();
    let (key_usages, extended_key_usages) = usage_names(&cert);
    let by_oid = |dotted: &str| -> Option<String> {
        cert.subject()
            .iter_attributes()
            .find(|a| a.attr_type().to_id_string() == dotted)
            .and_then(|a| a.as_str().ok())
            .map(str::to_owned)
    };
    let street_address = by_oid("2.5.4.9");
    let postal_code = by_oid("2.5.4.17");
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => alt_names.push((*d).to_owned()),
                GeneralName::RFC822Name(e) => alt_names.push((*e).to_owned()),
                GeneralName::IPAddress(b) => {
                    let ip = match b.len() {
                        4 => <[u8; 4]>::try_from(*b)
                            .ok()
                            .map(|a| IpAddr::from(a).to_string()),
                        16 => <[u8; 16]>::try_from(*b)
                            .ok()
                            .map(|a| IpAddr::from(a).to_string()),
                        _ => None,
                    };
                    ip_addresses.extend(ip);
                }
                GeneralName::URI(u) => uri_sans.push((*u).to_owned()),
                GeneralName::OtherName(oid, v) => {
                    if let Some(value) = other_name_text(v) {
                        other_names.push(crate::api::profile::OtherName {
                            oid: oid.to_id_string(),
                            value,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    let key_type = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(r)) => match r.key_size() {
            2048 => Some("RSA2048"),
            4096 => Some("RSA4096"),
            _ => None,
        },
        Ok(x509_parser::public_key::PublicKey::EC(_)) => {
            let curve = cert
                .public_key()
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok());
            match curve {
                Some(c) if c == o::OID_EC_P256 => Some("EC256"),
                Some(c) if c == o::OID_NIST_EC_P521 => Some("EC521"),
                _ => None,
            }
        }
        _ => None,
    };
    Some(CertSummary {
        key_type,
        subject,
        alt_names,
        ip_addresses,
        uri_sans,
        other_names,
        key_usages,
        extended_key_usages,
        street_address,
        postal_code,
        not_before_ms: cert.validity().not_before.timestamp() * 1000,
        not_after_ms: cert.validity().not_after.timestamp() * 1000,
    })
}

/// The Terraform name of a key usage, as the `tls` provider spells it.
pub fn key_usage_name(k: crate::api::profile::KeyUsage) -> &'static str {
    use crate::api::profile::KeyUsage::*;
    match k {
        DigitalSignature => "digital_signature",
        ContentCommitment => "content_commitment",
        KeyEncipherment => "key_encipherment",
        DataEncipherment => "data_encipherment",
        KeyAgreement => "key_agreement",
        KeyCertSign => "cert_signing",
        CrlSign => "crl_signing",
        EncipherOnly => "encipher_only",
        DecipherOnly => "decipher_only",
    }
}

/// The Terraform name of an extended key usage, as the `tls` provider spells it (except
/// `time_stamping`, spelled like the other two-word purposes).
pub fn extended_key_usage_name(e: crate::api::profile::ExtendedKeyUsage) -> &'static str {
    use crate::api::profile::ExtendedKeyUsage::*;
    match e {
        ServerAuth => "server_auth",
        ClientAuth => "client_auth",
        CodeSigning => "code_signing",
        EmailProtection => "email_protection",
        TimeStamping => "time_stamping",
        OcspSigning => "ocsp_signing",
        Any => "any_extended",
    }
}

/// A certificate's key usages and extended key usages, Terraform names (other purposes as
/// dotted OIDs); empty when the extension is absent.
pub fn usage_names(
    cert: &x509_parser::certificate::X509Certificate<'_>,
) -> (Vec<String>, Vec<String>) {
    use crate::api::profile::{ExtendedKeyUsage as E, KeyUsage as K};
    let mut ku = Vec::new();
    if let Ok(Some(k)) = cert.key_usage() {
        let k = k.value;
        for (on, u) in [
            (k.digital_signature(), K::DigitalSignature),
            (k.non_repudiation(), K::ContentCommitment),
            (k.key_encipherment(), K::KeyEncipherment),
            (k.data_encipherment(), K::DataEncipherment),
            (k.key_agreement(), K::KeyAgreement),
            (k.key_cert_sign(), K::KeyCertSign),
            (k.crl_sign(), K::CrlSign),
            (k.encipher_only(), K::EncipherOnly),
            (k.decipher_only(), K::DecipherOnly),
        ] {
            if on {
                ku.push(key_usage_name(u).to_owned());
            }
        }
    }
    let mut eku = Vec::new();
    if let Ok(Some(e)) = cert.extended_key_usage() {
        let e = e.value;
        for (on, u) in [
            (e.server_auth, E::ServerAuth),
            (e.client_auth, E::ClientAuth),
            (e.code_signing, E::CodeSigning),
            (e.email_protection, E::EmailProtection),
            (e.time_stamping, E::TimeStamping),
            (e.ocsp_signing, E::OcspSigning),
            (e.any, E::Any),
        ] {
            if on {
                eku.push(extended_key_usage_name(u).to_owned());
            }
        }
        eku.extend(e.other.iter().map(|o| o.to_id_string()));
    }
    (ku, eku)
}

/// The text of an other-name SAN value (`[0] EXPLICIT` string), `None` for non-strings.
pub fn other_name_text(explicit: &[u8]) -> Option<String> {
    use x509_parser::der_parser::asn1_rs::{Any, FromDer, Tag};
    let (_, outer) = Any::from_der(explicit).ok()?;
    let (_, inner) = Any::from_der(outer.data).ok()?;
    match inner.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            std::str::from_utf8(inner.data).ok().map(str::to_owned)
        }
        _ => None,
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// The subject of a CA or certificate (`subject = { ... }`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// `common_name`
    pub common_name: Val<String>,
    /// `country`
    pub country: Val<String>,
    /// `state_province`
    pub state_province: Val<String>,
    /// `locality`
    pub locality: Val<String>,
    /// `organization`
    pub organization: Val<String>,
    /// `organizational_unit`
    pub organizational_unit: Val<String>,
}

/// The `subject` attributes shared by CAs and certificates.
pub fn subject_attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("common_name")
            .required()
            .validate(validate::length_between(1, 64))
            .description("Common name (CN), 1 to 64 characters."),
        Attribute::string("country")
            .optional()
            .validate(country())
            .description("Country (C): a two-letter ISO 3166-1 code such as `KR`."),
        Attribute::string("state_province")
            .optional()
            .validate(validate::length_between(0, 128))
            .description("State or province (ST), up to 128 characters."),
        Attribute::string("locality")
            .optional()
            .validate(validate::length_between(0, 128))
            .description("Locality (L), up to 128 characters."),
        Attribute::string("organization")
            .optional()
            .validate(validate::length_between(0, 64))
            .description("Organization (O), up to 64 characters."),
        Attribute::string("organizational_unit")
            .optional()
            .validate(validate::length_between(0, 128))
            .description("Organizational unit (OU), up to 128 characters."),
    ]
}

/// Checks a `subject` map (of an end certificate): known keys only, each value valid as the
/// matching attribute of [`subject_attributes`] (plus `street_address` and `postal_code`), no null values,
/// and a `common_name`. Errors name the key (`subject["country"]`).
pub fn subject_map_validator() -> Validator {
    Validator::new(
        "keys common_name (required), country, state_province, locality, organization, organizational_unit, street_address, postal_code",
        |v, path, diags| {
            let Value::Map(map) = v else {
                return;
            };
            let rules: [(&str, Validator); 8] = [
                ("common_name", validate::length_between(1, 64)),
                ("country", country()),
                ("state_province", validate::length_between(0, 128)),
                ("locality", validate::length_between(0, 128)),
                ("organization", validate::length_between(0, 64)),
                ("organizational_unit", validate::length_between(0, 128)),
                ("street_address", validate::length_between(0, 128)),
                ("postal_code", validate::length_between(0, 128)),
            ];
            for (key, value) in map {
                let at = path.key(key.clone());
                match rules.iter().find(|(name, _)| name == key) {
                    Some(_) if value.is_null() => diags.error_at(
                        at,
                        "Invalid Attribute Value",
                        format!("Attribute {path} key {key:?} is null: leave the key out instead."),
                    ),
                    Some((_, rule)) => rule.run(value, &at, diags),
                    None => diags.error_at(
                        at,
                        "Invalid Attribute Value",
                        format!(
                            "Attribute {path} has no key {key:?}: the keys are {}.",
                            rules.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                        ),
                    ),
                }
            }
            if !map.contains_key("common_name") {
                diags.error_at(
                    path.clone(),
                    "Missing Attribute Value",
                    format!("Attribute {path} needs a common_name."),
                );
            }
        },
    )
}

/// A required, replace-forcing `subject` nested attribute.
pub fn subject_attribute(extra: Vec<Attribute>, what: &str) -> Attribute {
    let mut attrs = subject_attributes();
    attrs.extend(extra);
    Attribute::nested("subject", Nesting::Single, attrs)
        .required()
        .requires_replace()
        .description(format!(
            "The {what}'s subject distinguished name. Changing it forces a new {what}."
        ))
}

fn country() -> Validator {
    Validator::string("a two-letter country code", |s| {
        if s.len() == 2 && s.bytes().all(|c| c.is_ascii_uppercase()) {
            Ok(())
        } else {
            Err(format!(
                "must be a two-letter ISO 3166-1 country code in upper case, such as \"KR\"; got {s:?}"
            ))
        }
    })
}

/// Every element must be a DNS name (wildcards allowed) or an e-mail address.
pub fn alt_name_validator() -> Validator {
    validate::each(Validator::string("a DNS name or an e-mail address", |s| {
        let ok = if let Some((local, domain)) = s.split_once('@') {
            !local.is_empty() && is_dns_name(domain)
        } else {
            is_dns_name(s.strip_prefix("*.").unwrap_or(s))
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "must be a DNS name or an e-mail address; got {s:?}"
            ))
        }
    }))
}

fn is_dns_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        })
}

/// Every element must be an IPv4 or IPv6 address.
pub fn ip_validator() -> Validator {
    validate::each(Validator::string("an IP address", |s| {
        s.parse::<IpAddr>()
            .map(|_| ())
            .map_err(|_| format!("must be an IPv4 or IPv6 address; got {s:?}"))
    }))
}

/// A list joined with commas, as the API takes several SANs in one string (`None` if empty).
pub fn join_list(v: &Val<Vec<String>>) -> Option<String> {
    v.known().filter(|l| !l.is_empty()).map(|l| l.join(","))
}

/// The `validity_days` attribute: optional, 1 to 3650, replace-forcing; omitted = the
/// maximum the API allows.
pub fn validity_days_attribute(what: &str) -> Attribute {
    Attribute::number("validity_days")
        .optional_computed()
        .requires_replace()
        .validate(validate::int_between(1, 3650))
        .description(format!(
            "Validity in days, 1 to 3650. Omitted: the longest validity the API allows (`MAX`; never beyond the issuing CA's own validity); the computed value is then the actual number of days. Changing it forces a new {what}."
        ))
}

/// Days between two instants, rounded to the nearest day.
pub fn days_between(from_ms: i64, to_ms: i64) -> i64 {
    (to_ms - from_ms + 43_200_000).div_euclid(86_400_000)
}

/// The revoked serials of a CA (lower-case colon hex), from its CRL, fetched at most once
/// per CA and provider process (single-flight per CA; a failed fetch is not kept, nor is a
/// CRL that cannot be read, which is an error).
pub async fn revoked_serials(
    data: &PcaData,
    client: &Client,
    ca_tag: &str,
) -> Result<std::sync::Arc<std::collections::HashSet<String>>, ClientError> {
    let cell = data
        .revoked_cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(ca_tag.to_owned())
        .or_default()
        .clone();
    cell.get_or_try_init(|| async {
        let crl = client
            .get_ca_crl(&crate::api::model::CaTag::from(ca_tag))
            .await?;
        // A CRL that cannot be read is an error, never "nothing revoked".
        let info = parse_crl(&crl).ok_or_else(|| ClientError::Decode {
            operation: "Get CA CRL",
            status: 200,
            message: format!("the CRL returned for the CA {ca_tag} is not a PEM X.509 CRL"),
            request_id: None,
        })?;
        Ok(std::sync::Arc::new(info.revoked.into_iter().collect()))
    })
    .await
    .cloned()
}

/// What a CRL says.
#[derive(Debug, Clone, PartialEq)]
pub struct CrlInfo {
    /// `thisUpdate`, epoch ms.
    pub this_update_ms: i64,
    /// `nextUpdate`, epoch ms.
    pub next_update_ms: Option<i64>,
    /// Revoked serials, canonical colon hex, sorted, without duplicates.
    pub revoked: Vec<String>,
}

/// Parses a PEM CRL (`None` when it is not one).
pub fn parse_crl(pem: &str) -> Option<CrlInfo> {
    use x509_parser::prelude::FromDer as _;
    let der = pem_content(pem)
        .into_iter()
        .find(|(l, _)| l == "X509 CRL")
        .and_then(|(_, b)| base64_decode(&b))?;
    let (_, crl) = x509_parser::revocation_list::CertificateRevocationList::from_der(&der).ok()?;
    let mut revoked: Vec<String> = crl
        .iter_revoked_certificates()
        .map(|r| colon_hex(r.raw_serial()))
        .collect();
    revoked.sort();
    revoked.dedup();
    Some(CrlInfo {
        this_update_ms: crl.last_update().timestamp() * 1000,
        next_update_ms: crl.next_update().map(|t| t.timestamp() * 1000),
        revoked,
    })
}

/// Bytes as lower-case colon hex, without leading zero octets (the API's serial form).
pub fn colon_hex(bytes: &[u8]) -> String {
    let start = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    bytes[start..]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A serial number in the canonical form of [`colon_hex`] (for comparisons).
pub fn canonical_serial(s: &str) -> String {
    let hex: String = s
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_ascii_lowercase();
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    colon_hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr_with(alg: &'static rcgen::SignatureAlgorithm) -> String {
        let key = rcgen::KeyPair::generate_for(alg).expect("key");
        rcgen::CertificateParams::new(vec!["svc.example".to_owned()])
            .expect("params")
            .serialize_request(&key)
            .expect("csr")
            .pem()
            .expect("pem")
    }

    #[test]
    fn csr_key_params_name_the_key_as_naver_issuer_does() {
        let p = |alg| csr_key_params(&csr_with(alg));
        assert_eq!(
            p(&rcgen::PKCS_ECDSA_P256_SHA256),
            Ok(("ECDSA".to_owned(), "256".to_owned()))
        );
        assert_eq!(
            p(&rcgen::PKCS_ECDSA_P384_SHA384),
            Ok(("ECDSA".to_owned(), "384".to_owned()))
        );
        let ed = p(&rcgen::PKCS_ED25519).unwrap_err();
        assert!(ed.contains("Unsupported keyBits."), "{ed}");
        let bad = csr_key_params(
            "-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----",
        )
        .unwrap_err();
        assert!(bad.contains("Invalid csr."), "{bad}");
    }

    #[test]
    fn pem_compares_by_content() {
        let a = "-----BEGIN CERTIFICATE-----\nAAAA\nBBBB\n-----END CERTIFICATE-----\n";
        let b = "-----BEGIN CERTIFICATE-----\r\nAAAABBBB\r\n-----END CERTIFICATE-----";
        assert!(pem_eq(a, b));
        assert!(!pem_eq(
            a,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"
        ));
        assert_eq!(
            keep_pem(&Val::Known(a.into()), Some(b.into())),
            Val::Known(a.into())
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_721_105_212_000), "2024-07-16T04:46:52Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(days_between(0, 3650 * 86_400_000), 3650);
    }
}
