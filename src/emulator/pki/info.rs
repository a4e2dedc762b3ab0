//! What the API reports about a certificate (`caCertInfo` §1.9.2, Get End Cert §2.14).

use x509_parser::certificate::X509Certificate;

use super::PkiError;
use super::key::{key_type_of, public_key_algorithm_name};
use super::names::{Sans, Subject, dn_string};
use super::pem::{self, LABEL_CERTIFICATE};
use super::serial::format_serial;
use super::verify::{basic_constraints, parse_cert};
use crate::api::model::KeyType;

/// The fields of a certificate the API's `caCertInfo` and Get End Cert carry, plus a few the
/// emulator needs for its own checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// `serialNo`: canonical colon hex (lower case, no leading zero octet).
    pub serial: String,
    /// Subject attributes (`commonName`, `country`, … of `caCertInfo`).
    pub subject: Subject,
    /// The subject DN as text, e.g. `CN=Corp Root CA, O=Corp, C=KR`.
    pub subject_dn: String,
    /// The issuer DN as text (same form).
    pub issuer_dn: String,
    /// The issuer's common name, if any (one reading of `issuerName`, §1.9.2).
    pub issuer_cn: Option<String>,
    /// `notBeforeDate`, epoch ms.
    pub not_before_ms: i64,
    /// `notAfterDate`, epoch ms.
    pub not_after_ms: i64,
    /// The key's API type; `None` for keys outside the four API types.
    pub key_type: Option<KeyType>,
    /// `publicKeyAlgorithm`: `RSA` or `EC` (`Ed25519` or the OID for anything else).
    pub public_key_algorithm: String,
    /// `signatureAlgorithm`: `SHA256WITHRSA`, `SHA384WITHRSA`, `SHA512WITHRSA`,
    /// `SHA256WITHECDSA`, `SHA384WITHECDSA`, `SHA512WITHECDSA`, `ED25519`, or the OID.
    pub signature_algorithm: String,
    /// `basicConstraints` `cA`.
    pub is_ca: bool,
    /// `pathLenConstraint`, if any.
    pub path_len: Option<u32>,
    /// Whether subject and issuer names are equal (a root).
    pub self_issued: bool,
    /// Subject alternative names (SAN types other than DNS/e-mail/IP/URI are skipped).
    pub sans: Sans,
    /// The DER `SubjectPublicKeyInfo`.
    pub spki_der: Vec<u8>,
}

/// Reads a certificate (the first `CERTIFICATE` block of `pem_text`; other blocks after it
/// are ignored, so a chain's first element can be inspected directly).
pub fn cert_info(pem_text: &str) -> Result<CertInfo, PkiError> {
    let blocks = pem::blocks_labelled(pem_text, &[LABEL_CERTIFICATE])?;
    let Some(der) = blocks.first() else {
        return Err(PkiError::BadPem("no CERTIFICATE PEM block".into()));
    };
    let cert = parse_cert(der)?;
    info_of(&cert)
}

/// [`cert_info`] of a parsed certificate.
pub(crate) fn info_of(cert: &X509Certificate<'_>) -> Result<CertInfo, PkiError> {
    let (is_ca, path_len) = basic_constraints(cert)?;
    let sans = match cert.subject_alternative_name() {
        Ok(Some(ext)) => {
            let usable: Vec<_> = ext
                .value
                .general_names
                .iter()
                .filter(|g| {
                    use x509_parser::extensions::GeneralName as G;
                    match g {
                        G::DNSName(_) | G::RFC822Name(_) | G::URI(_) => true,
                        G::IPAddress(b) => b.len() == 4 || b.len() == 16,
                        _ => false,
                    }
                })
                .cloned()
                .collect();
            Sans::from_general_names(&usable).unwrap_or_default()
        }
        _ => Sans::default(),
    };
    let spki = cert.public_key();
    Ok(CertInfo {
        serial: format_serial(cert.raw_serial()),
        subject: Subject::from_x509_name(cert.subject()),
        subject_dn: dn_string(cert.subject()),
        issuer_dn: dn_string(cert.issuer()),
        issuer_cn: Subject::from_x509_name(cert.issuer()).common_name,
        not_before_ms: cert.validity().not_before.timestamp().saturating_mul(1000),
        not_after_ms: cert.validity().not_after.timestamp().saturating_mul(1000),
        key_type: key_type_of(spki),
        public_key_algorithm: public_key_algorithm_name(spki),
        signature_algorithm: signature_algorithm_name(
            &cert.signature_algorithm.algorithm.to_id_string(),
        ),
        is_ca,
        path_len,
        self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
        sans,
        spki_der: spki.raw.to_vec(),
    })
}

/// The API's `signatureAlgorithm` spelling of a signature OID.
fn signature_algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.11" => "SHA256WITHRSA",
        "1.2.840.113549.1.1.12" => "SHA384WITHRSA",
        "1.2.840.113549.1.1.13" => "SHA512WITHRSA",
        "1.2.840.10045.4.3.2" => "SHA256WITHECDSA",
        "1.2.840.10045.4.3.3" => "SHA384WITHECDSA",
        "1.2.840.10045.4.3.4" => "SHA512WITHECDSA",
        "1.3.101.112" => "ED25519",
        other => other,
    }
    .to_owned()
}
