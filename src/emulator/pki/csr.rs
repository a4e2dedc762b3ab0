//! PKCS#10 CSRs: parsing and self-signature verification with aws-lc-rs.
//!
//! rcgen's own CSR reader rejects P-521 signatures and CSRs with extensions other than
//! SAN/KU/EKU/basicConstraints, so CSRs are read with x509-parser and verified here.

use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use super::PkiError;
use super::key::{OID_RSA_ENCRYPTION, csr_key_params, key_type_of};
use super::names::{Sans, Subject, dn_from_x509};
use super::pem::{self, LABEL_CSR, LABEL_NEW_CSR};
use super::verify::{SigError, verify_signature};
use crate::api::model::KeyType;

/// OID (dotted) of `subjectAltName`.
const OID_SUBJECT_ALT_NAME: &str = "2.5.29.17";

/// What a verified CSR asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrInfo {
    /// The well-known subject attributes (first value of each).
    pub subject: Subject,
    /// The requested SANs (from the `extensionRequest` attribute).
    pub sans: Sans,
    /// The key's API type; `None` for other keys this engine still signs (RSA sizes other
    /// than 2048/4096, P-384, Ed25519).
    pub key_type: Option<KeyType>,
    /// The `keyType` / `keyBits` pair naming the key in a sign request (`RSA` + modulus
    /// bits, `ECDSA` + curve bits); `None` for other keys (e.g. Ed25519).
    pub key_params: Option<(&'static str, u32)>,
    /// The DER `SubjectPublicKeyInfo`.
    pub spki_der: Vec<u8>,
}

/// A CSR read for signing.
pub(crate) struct ReadCsr {
    /// The public summary.
    pub(crate) info: CsrInfo,
    /// The exact subject, for the certificate.
    pub(crate) dn: rcgen::DistinguishedName,
    /// Whether the key is RSA.
    pub(crate) is_rsa: bool,
}

/// Parses a CSR (one `CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST` PEM block) and
/// verifies its self-signature with aws-lc-rs: RSA PKCS#1 v1.5 with SHA-256/384/512 (2048 to
/// 8192 bits), ECDSA with SHA-256/384/512 on P-256, P-384 and P-521, Ed25519.
///
/// Errors: [`PkiError::BadPem`] (not a CSR PEM), [`PkiError::BadCsr`] (malformed, bad
/// signature, neither subject nor SANs, unreadable SAN extension), [`PkiError::Unsupported`]
/// (signature algorithm, key, or a SAN type other than DNS/e-mail/IP/URI).
pub fn parse_csr(pem_text: &str) -> Result<CsrInfo, PkiError> {
    read_csr_info(pem_text).map(|(info, _)| info)
}

/// [`parse_csr`] plus what signing needs.
pub(crate) fn read_csr(pem_text: &str) -> Result<ReadCsr, PkiError> {
    let (info, der) = read_csr_info(pem_text)?;
    let (_, csr) = X509CertificationRequest::from_der(&der)
        .map_err(|e| PkiError::BadCsr(format!("malformed ({e})")))?;
    let req = &csr.certification_request_info;
    let dn = dn_from_x509(&req.subject, "CSR subject")?;
    let is_rsa = req.subject_pki.algorithm.algorithm.to_id_string() == OID_RSA_ENCRYPTION;
    Ok(ReadCsr { info, dn, is_rsa })
}

/// The verified summary and the CSR's DER.
fn read_csr_info(pem_text: &str) -> Result<(CsrInfo, Vec<u8>), PkiError> {
    let der = pem::single_block(pem_text, &[LABEL_CSR, LABEL_NEW_CSR])?;
    let info = {
        let csr = match X509CertificationRequest::from_der(&der) {
            Ok(([], csr)) => csr,
            Ok(_) => return Err(PkiError::BadCsr("trailing data after the CSR".into())),
            Err(e) => return Err(PkiError::BadCsr(format!("malformed ({e})"))),
        };
        let req = &csr.certification_request_info;
        match verify_signature(
            &req.subject_pki,
            &csr.signature_algorithm,
            req.raw,
            csr.signature_value.data.as_ref(),
        ) {
            Ok(()) => {}
            Err(SigError::Invalid) => {
                return Err(PkiError::BadCsr("the signature does not verify".into()));
            }
            Err(SigError::Unsupported(m)) => return Err(PkiError::Unsupported(m)),
        }
        let mut sans = Sans::default();
        for attr in req.iter_attributes() {
            let ParsedCriAttribute::ExtensionRequest(request) = attr.parsed_attribute() else {
                continue;
            };
            for ext in &request.extensions {
                if ext.oid.to_id_string() != OID_SUBJECT_ALT_NAME {
                    continue; // policy decides every other extension
                }
                match ext.parsed_extension() {
                    ParsedExtension::SubjectAlternativeName(san) => {
                        sans = Sans::from_general_names(&san.general_names)?;
                    }
                    _ => {
                        return Err(PkiError::BadCsr(
                            "unreadable subjectAltName extension".into(),
                        ));
                    }
                }
            }
        }
        let subject = Subject::from_x509_name(&req.subject);
        if req.subject.iter().next().is_none() && sans.is_empty() {
            return Err(PkiError::BadCsr(
                "the CSR has neither a subject nor subject alternative names".into(),
            ));
        }
        CsrInfo {
            subject,
            sans,
            key_type: key_type_of(&req.subject_pki),
            key_params: csr_key_params(&req.subject_pki),
            spki_der: req.subject_pki.raw.to_vec(),
        }
    };
    Ok((info, der))
}
