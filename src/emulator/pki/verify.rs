//! Signature verification with aws-lc-rs (certificates and CSRs, P-521 included) and the
//! Activate Sub CA check.

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use super::PkiError;
use super::key::{
    CaKey, OID_EC_PUBLIC_KEY, OID_ED25519, OID_P256, OID_P384, OID_P521, OID_RSA_ENCRYPTION,
    curve_of,
};
use super::pem::{self, LABEL_CERTIFICATE};

/// Why a signature could not be verified.
#[derive(Debug)]
pub(crate) enum SigError {
    /// The algorithm combination is not supported (message says which).
    Unsupported(String),
    /// The signature does not verify.
    Invalid,
}

/// Verifies `sig` over `msg` made by the key in `spki` with the algorithm `alg`.
///
/// Supported: `sha{256,384,512}WithRSAEncryption` (RSA 2048–8192 bits),
/// `ecdsa-with-SHA{256,384,512}` on P-256, P-384 and P-521, and Ed25519. SHA-1, RSASSA-PSS
/// and other algorithms → `SigError::Unsupported`.
pub(crate) fn verify_signature(
    spki: &SubjectPublicKeyInfo<'_>,
    alg: &AlgorithmIdentifier<'_>,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), SigError> {
    let sig_oid = alg.algorithm.to_id_string();
    let key_oid = spki.algorithm.algorithm.to_id_string();
    let mismatch = || {
        SigError::Unsupported(format!(
            "signature algorithm {sig_oid} with a {key_oid} key"
        ))
    };
    let algorithm: &'static dyn VerificationAlgorithm = match key_oid.as_str() {
        OID_RSA_ENCRYPTION => {
            let bits = match spki.parsed() {
                Ok(PublicKey::RSA(rsa)) => rsa.key_size(),
                _ => return Err(SigError::Unsupported("malformed RSA public key".into())),
            };
            if !(2048..=8192).contains(&bits) {
                return Err(SigError::Unsupported(format!(
                    "RSA key of {bits} bits (2048 to 8192 supported)"
                )));
            }
            match sig_oid.as_str() {
                "1.2.840.113549.1.1.11" => &signature::RSA_PKCS1_2048_8192_SHA256,
                "1.2.840.113549.1.1.12" => &signature::RSA_PKCS1_2048_8192_SHA384,
                "1.2.840.113549.1.1.13" => &signature::RSA_PKCS1_2048_8192_SHA512,
                _ => return Err(mismatch()),
            }
        }
        OID_EC_PUBLIC_KEY => {
            let curve = curve_of(spki).unwrap_or_default();
            match (curve.as_str(), sig_oid.as_str()) {
                (OID_P256, "1.2.840.10045.4.3.2") => &signature::ECDSA_P256_SHA256_ASN1,
                (OID_P256, "1.2.840.10045.4.3.3") => &signature::ECDSA_P256_SHA384_ASN1,
                (OID_P256, "1.2.840.10045.4.3.4") => &signature::ECDSA_P256_SHA512_ASN1,
                (OID_P384, "1.2.840.10045.4.3.2") => &signature::ECDSA_P384_SHA256_ASN1,
                (OID_P384, "1.2.840.10045.4.3.3") => &signature::ECDSA_P384_SHA384_ASN1,
                (OID_P384, "1.2.840.10045.4.3.4") => &signature::ECDSA_P384_SHA512_ASN1,
                (OID_P521, "1.2.840.10045.4.3.2") => &signature::ECDSA_P521_SHA256_ASN1,
                (OID_P521, "1.2.840.10045.4.3.3") => &signature::ECDSA_P521_SHA384_ASN1,
                (OID_P521, "1.2.840.10045.4.3.4") => &signature::ECDSA_P521_SHA512_ASN1,
                (OID_P256 | OID_P384 | OID_P521, _) => return Err(mismatch()),
                _ => {
                    return Err(SigError::Unsupported(format!(
                        "elliptic curve {}",
                        if curve.is_empty() {
                            "(unnamed)"
                        } else {
                            curve.as_str()
                        }
                    )));
                }
            }
        }
        OID_ED25519 if sig_oid == OID_ED25519 => &signature::ED25519,
        OID_ED25519 => return Err(mismatch()),
        _ => {
            return Err(SigError::Unsupported(format!(
                "public key algorithm {key_oid}"
            )));
        }
    };
    UnparsedPublicKey::new(algorithm, spki.subject_public_key.data.as_ref())
        .verify(msg, sig)
        .map_err(|_| SigError::Invalid)
}

/// Whether `cert` was signed by the key of `issuer` (signature check only).
fn signed_by(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> Result<(), SigError> {
    verify_signature(
        issuer.public_key(),
        &cert.signature_algorithm,
        cert.tbs_certificate.as_ref(),
        cert.signature_value.data.as_ref(),
    )
}

/// Whether two SPKIs carry the same key (algorithm OID, parameters and key bits).
pub(crate) fn same_key(a: &SubjectPublicKeyInfo<'_>, b: &SubjectPublicKeyInfo<'_>) -> bool {
    a.algorithm.algorithm == b.algorithm.algorithm
        && curve_of(a) == curve_of(b)
        && a.subject_public_key.data == b.subject_public_key.data
}

/// Whether the key pair is the key of the certificate.
pub(crate) fn key_matches(key: &CaKey, cert: &X509Certificate<'_>) -> Result<bool, PkiError> {
    let spki_der = key.spki_der();
    let (_, spki) = SubjectPublicKeyInfo::from_der(&spki_der)
        .map_err(|_| PkiError::Internal("cannot re-read own public key".into()))?;
    Ok(same_key(&spki, cert.public_key()))
}

/// Parses one DER certificate (no trailing data).
pub(crate) fn parse_cert(der: &[u8]) -> Result<X509Certificate<'_>, PkiError> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err(PkiError::BadPem(
            "trailing data after the certificate".into(),
        )),
        Err(e) => Err(PkiError::BadPem(format!("not an X.509 certificate ({e})"))),
    }
}

/// `basicConstraints`: `(cA, pathLenConstraint)`; absent → `(false, None)`.
pub(crate) fn basic_constraints(
    cert: &X509Certificate<'_>,
) -> Result<(bool, Option<u32>), PkiError> {
    match cert.basic_constraints() {
        Ok(Some(bc)) => Ok((bc.value.ca, bc.value.path_len_constraint)),
        Ok(None) => Ok((false, None)),
        Err(e) => Err(PkiError::BadCert(format!(
            "malformed basicConstraints ({e})"
        ))),
    }
}

/// Whether the certificate may sign certificates: `CA:TRUE` and, when `keyUsage` is present,
/// `keyCertSign`.
fn can_sign_certs(cert: &X509Certificate<'_>) -> Result<bool, PkiError> {
    let (ca, _) = basic_constraints(cert)?;
    let ku_ok = match cert.key_usage() {
        Ok(Some(ku)) => ku.value.key_cert_sign(),
        Ok(None) => true,
        Err(e) => return Err(PkiError::BadCert(format!("malformed keyUsage ({e})"))),
    };
    Ok(ca && ku_ok)
}

/// Whether a certificate is self-issued and verifies with its own key.
fn is_self_signed(cert: &X509Certificate<'_>) -> bool {
    cert.subject().as_raw() == cert.issuer().as_raw() && signed_by(cert, cert).is_ok()
}

/// The Activate Sub CA check (§2.10): `cert_pem` is a CA certificate for `ca_key`, and it
/// chains through the certificates of `chain_pem` (any order; extra certificates ignored) up
/// to a self-signed root contained in `chain_pem`.
///
/// Checks, in order:
/// 1. `cert_pem` is one certificate → else [`PkiError::BadPem`];
/// 2. its public key is `ca_key`'s → else [`PkiError::KeyMismatch`];
/// 3. it has `CA:TRUE` (and `keyCertSign` when `keyUsage` is present) → else
///    [`PkiError::BadCert`];
/// 4. `chain_pem` holds at least one certificate → else [`PkiError::ChainInvalid`] (or
///    [`PkiError::BadPem`] when unreadable);
/// 5. walking up by issuer name, each step's signature verifies with the next certificate's
///    key, every issuer is a CA allowed to sign certificates whose `pathLenConstraint` admits
///    the CAs below it, and the walk ends at a self-signed root → else
///    [`PkiError::ChainInvalid`].
///
/// Validity periods are not compared with the clock here (the emulator's clock is the
/// caller's); a certificate whose `notAfter` precedes its `notBefore` is rejected.
pub fn check_activation(ca_key: &CaKey, cert_pem: &str, chain_pem: &str) -> Result<(), PkiError> {
    let cert_der = pem::single_block(cert_pem, &[LABEL_CERTIFICATE])?;
    let cert = parse_cert(&cert_der)?;
    if !key_matches(ca_key, &cert)? {
        return Err(PkiError::KeyMismatch);
    }
    if !can_sign_certs(&cert)? {
        return Err(PkiError::BadCert(
            "not a CA certificate (needs basicConstraints CA:TRUE and keyCertSign)".into(),
        ));
    }
    if cert.validity().not_after < cert.validity().not_before {
        return Err(PkiError::BadCert("notAfter precedes notBefore".into()));
    }
    let chain_ders = pem::blocks_labelled(chain_pem, &[LABEL_CERTIFICATE])?;
    if chain_ders.is_empty() {
        return Err(PkiError::ChainInvalid(
            "the chain holds no certificate".into(),
        ));
    }
    let mut chain = Vec::with_capacity(chain_ders.len());
    for der in &chain_ders {
        chain.push(
            parse_cert(der)
                .map_err(|e| PkiError::ChainInvalid(format!("chain certificate: {e}")))?,
        );
    }
    walk_to_root(&cert, &chain)
}

/// Step 5 of [`check_activation`].
fn walk_to_root(
    start: &X509Certificate<'_>,
    chain: &[X509Certificate<'_>],
) -> Result<(), PkiError> {
    let mut current = start;
    // CA certificates below the issuer being examined (the activated CA counts: it will
    // issue leaves, so every issuer above it must admit it as an intermediate).
    if is_self_signed(start) {
        return Err(PkiError::ChainInvalid(
            "the certificate is self-signed: a sub CA must be signed by its parent".into(),
        ));
    }
    for cas_below in 1..=u32::try_from(chain.len())
        .unwrap_or(u32::MAX)
        .saturating_add(1)
    {
        let candidates: Vec<&X509Certificate<'_>> = chain
            .iter()
            .filter(|c| c.subject().as_raw() == current.issuer().as_raw())
            .collect();
        if candidates.is_empty() {
            return Err(PkiError::ChainInvalid(format!(
                "no certificate in the chain is named {:?}, the issuer of {:?}",
                current.issuer().to_string(),
                current.subject().to_string()
            )));
        }
        let Some(issuer) = candidates
            .into_iter()
            .find(|c| signed_by(current, c).is_ok())
        else {
            return Err(PkiError::ChainInvalid(format!(
                "the signature of {:?} does not verify with its issuer's key",
                current.subject().to_string()
            )));
        };
        if !can_sign_certs(issuer)? {
            return Err(PkiError::ChainInvalid(format!(
                "{:?} is not a CA allowed to sign certificates",
                issuer.subject().to_string()
            )));
        }
        if let (_, Some(limit)) = basic_constraints(issuer)?
            && limit < cas_below
        {
            return Err(PkiError::ChainInvalid(format!(
                "the pathLenConstraint {limit} of {:?} forbids the CAs below it",
                issuer.subject().to_string()
            )));
        }
        if is_self_signed(issuer) {
            return Ok(());
        }
        current = issuer;
    }
    Err(PkiError::ChainInvalid(
        "the chain does not end in a self-signed root".into(),
    ))
}
