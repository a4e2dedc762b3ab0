//! The error type of the PKI engine.

use std::fmt;

use crate::api::ErrorCode;

/// Why a certificate operation failed.
///
/// Messages never contain key material: they name the problem (and at most an OID, a key
/// size or the offending SAN text the caller sent).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PkiError {
    /// The text is not PEM of the expected kind (no block, wrong label, bad base64, DER that
    /// does not parse as the expected structure).
    BadPem(String),
    /// The CSR does not parse, or its self-signature does not verify.
    BadCsr(String),
    /// A certificate is unusable for the operation (an issuer that is not a CA, a sub-CA
    /// certificate without `CA:TRUE`, …).
    BadCert(String),
    /// A caller-supplied value is invalid (a SAN, serial, URL, revocation reason or period).
    BadInput(String),
    /// An IP SAN does not parse as an IPv4 or IPv6 address.
    BadIp(String),
    /// The private key does not belong to the certificate.
    KeyMismatch,
    /// The certificate does not chain up to a self-signed root through the supplied chain.
    ChainInvalid(String),
    /// The issuing CA's certificate has already expired, so nothing it signs can be valid.
    IssuerExpired,
    /// Valid input this engine does not support (a key type, a signature algorithm, a SAN
    /// type, a multi-valued RDN, …).
    Unsupported(String),
    /// A failure inside the crypto or encoding libraries.
    Internal(String),
}

impl PkiError {
    /// The API error code (§1.7.2) the emulator should answer for this error by default.
    /// Handlers may pick a more specific code from context (e.g. `EMPTY_CSR`).
    pub fn api_code(&self) -> ErrorCode {
        match self {
            PkiError::BadPem(_) | PkiError::BadCsr(_) | PkiError::BadInput(_) => {
                ErrorCode::InvalidInput
            }
            PkiError::Unsupported(_) => ErrorCode::InvalidInput,
            PkiError::BadIp(_) => ErrorCode::InvalidX509Ip,
            PkiError::BadCert(_) | PkiError::KeyMismatch => ErrorCode::InvalidInputCert,
            PkiError::ChainInvalid(_) => ErrorCode::InvalidInputCaChain,
            PkiError::IssuerExpired => ErrorCode::ExceedExpiryDate,
            PkiError::Internal(_) => ErrorCode::InternalServerError,
        }
    }
}

impl fmt::Display for PkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PkiError::BadPem(m) => write!(f, "invalid PEM: {m}"),
            PkiError::BadCsr(m) => write!(f, "invalid CSR: {m}"),
            PkiError::BadCert(m) => write!(f, "unusable certificate: {m}"),
            PkiError::BadInput(m) => write!(f, "invalid input: {m}"),
            PkiError::BadIp(m) => write!(f, "invalid IP address: {m}"),
            PkiError::KeyMismatch => {
                f.write_str("the certificate's public key does not match the CA key")
            }
            PkiError::ChainInvalid(m) => write!(f, "invalid CA chain: {m}"),
            PkiError::IssuerExpired => f.write_str("the issuing CA's certificate has expired"),
            PkiError::Unsupported(m) => write!(f, "unsupported: {m}"),
            PkiError::Internal(m) => write!(f, "internal PKI error: {m}"),
        }
    }
}

impl std::error::Error for PkiError {}

/// Maps an rcgen error to [`PkiError::Internal`] with a short context.
pub(crate) fn rcgen_err(context: &'static str) -> impl Fn(rcgen::Error) -> PkiError {
    move |e| PkiError::Internal(format!("{context}: {e}"))
}

/// Maps a `der` error to [`PkiError::Internal`] with a short context.
pub(crate) fn der_err(context: &'static str) -> impl Fn(der::Error) -> PkiError {
    move |e| PkiError::Internal(format!("{context}: {e}"))
}
