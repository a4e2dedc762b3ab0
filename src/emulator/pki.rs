//! The emulator's PKI engine: real X.509 for the Private CA operations, pure and synchronous.
//!
//! Every function is CPU-bound and blocking (RSA-4096 key generation can take seconds): call
//! them from `tokio::task::spawn_blocking`. Nothing here touches the clock, the disk or the
//! network; times come in as epoch milliseconds (the API's unit), randomness from aws-lc-rs
//! (`SystemRandom`, via [`new_serial`] and key generation).
//!
//! Crates: rcgen (aws-lc-rs backend) builds and signs certificates, CSRs and CRLs;
//! x509-parser reads them; aws-lc-rs verifies signatures (CSRs, chains) and hashes; x509-ocsp
//! with x509-cert/der encodes OCSP.
//!
//! | API operation | function |
//! |---------------|----------|
//! | Create CA `PRIVATE_ROOT` (§2.1) | [`CaKey::generate`], [`new_serial`], [`self_signed_root`] |
//! | Create CA `PRIVATE_SUB` + `issuerTag` | [`CaKey::generate`], [`sub_ca_csr`], then [`sign_sub_ca`] with the parent as [`Issuer`] |
//! | Create CA `PRIVATE_SUB`, Get Sub CSR (§2.8) | [`CaKey::generate`]; [`sub_ca_csr`] |
//! | Sign Sub Csr (§2.9) | [`sign_sub_ca`] |
//! | Activate Sub CA (§2.10) | [`check_activation`], then [`cert_info`] |
//! | Issue End Cert (§2.11) | [`CaKey::generate`], [`issue_end_cert_with`] (requested [`Usages`]) |
//! | Sign End Csr (§2.12) | [`sign_end_csr`] ([`parse_csr`] to inspect first) |
//! | Get CA / Get End Cert (§2.3, §2.14) | [`cert_info`], [`chain_pem`] |
//! | Get CA CRL, Rotate CRL, Trim CA (§2.7, §2.23, §2.24) | [`crl`] |
//! | `/ext/{caTag}/ocsp` (§2.19) | [`ocsp_respond`], [`ocsp_request_from_get`] |
//!
//! # Formats
//!
//! - **Serials** (§1.9): 20 random bytes, first byte `0x01..=0x7f`, lower-case colon hex
//!   (`5d:0e:…:11`), from [`new_serial`]. Inputs are accepted in either case;
//!   [`canonical_serial`] normalises. Everything this module reports (certificates, OCSP
//!   lookups) uses the canonical form.
//! - **SANs** (§1.8): `altName`, `ip`, `uri` and `other` are comma-separated lists, see
//!   [`Sans::parse`] and [`Sans::from_end_cert_parameters`].
//! - **Times**: epoch milliseconds in, whole seconds in certificates (`notBefore` = `now_ms`
//!   truncated); [`Issued`] reports the values actually encoded.
//! - **PEM** out: 64-column base64, `\n` line ends, trailing `\n`. Keys: PKCS#8
//!   `PRIVATE KEY`.
//!
//! # Certificate profiles
//!
//! `KU` = keyUsage (always critical); basicConstraints is always critical.
//!
//! | kind | basicConstraints | KU | EKU | other extensions |
//! |------|------------------|----|-----|------------------|
//! | root ([`self_signed_root`]) | `CA:TRUE` | keyCertSign, cRLSign, digitalSignature | — | SKI, AKI (= SKI), SANs if any |
//! | sub CA ([`sign_sub_ca`]) | `CA:TRUE`, pathlen = parent's − 1 (none when the parent has none) | keyCertSign, cRLSign, digitalSignature | — | SKI, AKI, SANs of the CSR, CRL DP, AIA (OCSP, caIssuers) from [`Urls`] |
//! | end entity ([`issue_end_cert`], [`sign_end_csr`]) | `CA:FALSE` | digitalSignature (+ keyEncipherment for RSA keys), or exactly the requested `keyUsage` | serverAuth, clientAuth, or exactly the requested `extendedKeyUsage` | SKI, AKI, SANs (DNS, e-mail, IP, URI, UTF-8 other names), CRL DP, AIA (OCSP once configured, caIssuers) from [`Urls`] |
//!
//! SKI = truncated SHA-256 of the public key; AKI = the issuer certificate's SKI (so CAs
//! signed elsewhere and activated here chain correctly). Sub-CA pathlen is inherited rather
//! than fixed at 0 because the API lets a sub CA be the `issuerTag` of another sub CA. CSRs
//! only contribute their subject (kept byte for byte), SANs and key: the profile decides
//! every extension. Validity is `days` from now, capped at the issuer's `notAfter`.
//!
//! Signatures: RSA keys sign with SHA-256 (PKCS#1 v1.5), P-256 with ECDSA-SHA256, P-521 with
//! ECDSA-SHA512. CRLs are v2 with cRLNumber and AKI; OCSP responses are signed by the CA
//! itself (no delegated responder).
//!
//! # Errors
//!
//! [`PkiError`] never carries key material; [`PkiError::api_code`] gives the default API
//! error code for each variant.

mod crl;
mod csr;
mod error;
mod info;
mod issue;
mod key;
mod names;
mod ocsp;
mod pem;
mod serial;
mod time;
mod verify;

pub use crl::{Revoked, crl};
pub use csr::{CsrInfo, parse_csr};
pub use error::PkiError;
pub use info::{CertInfo, cert_info};
pub use issue::{
    Issued, Issuer, Urls, Usages, issue_end_cert, issue_end_cert_with, self_signed_root,
    sign_end_csr, sign_sub_ca, sub_ca_csr,
};
pub use key::CaKey;
pub use names::{Sans, Subject};
pub use ocsp::{OcspStatus, ocsp_request_from_get, ocsp_respond};
pub use pem::{chain_pem, pem_to_der};
pub use serial::{SERIAL_LEN, canonical_serial, new_serial};
pub use verify::check_activation;

#[cfg(test)]
mod tests;
