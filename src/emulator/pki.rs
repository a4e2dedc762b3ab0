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
//! | Issue End Cert (§2.11) | [`CaKey::generate`], [`issue_end_cert`] |
//! | Sign End Csr (§2.12) | [`sign_end_csr`] ([`parse_csr`] to inspect first) |
//! | Get CA / Get End Cert (§2.3, §2.14) | [`cert_info`], [`chain_pem`] |
//! | Get CA CRL, Rotate CRL, Trim CA (§2.7, §2.23, §2.24) | [`crl`] |
//! | `/ext/{caTag}/ocsp` (§2.19) | [`ocsp_respond`], [`ocsp_request_from_get`] |
//!
//! Serial numbers are the API's colon hex (§1.9), lower case: see [`new_serial`]. The
//! certificate profiles are described in [`self_signed_root`]'s module notes below and in
//! `issue.rs`: roots `CA:TRUE` + keyCertSign/cRLSign/digitalSignature + SKI; sub CAs the
//! same with pathlen inherited from the parent, AKI, CRL DP and AIA; end certificates
//! `CA:FALSE`, digitalSignature (+ keyEncipherment for RSA), EKU serverAuth + clientAuth,
//! SANs, SKI/AKI, CRL DP and AIA (OCSP once configured).

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
    Issued, Issuer, Urls, issue_end_cert, self_signed_root, sign_end_csr, sign_sub_ca, sub_ca_csr,
};
pub use key::CaKey;
pub use names::{Sans, Subject};
pub use ocsp::{OcspStatus, ocsp_request_from_get, ocsp_respond};
pub use pem::{chain_pem, pem_to_der};
pub use serial::{SERIAL_LEN, canonical_serial, new_serial};
pub use verify::check_activation;

#[cfg(test)]
mod tests;
