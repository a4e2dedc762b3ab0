//! Certificate revocation lists (Get CA CRL §2.7, CRL config §2.21–2.22, Rotate CRL §2.23,
//! Trim CA §2.24).

use rcgen::{
    CertificateRevocationListParams, KeyIdMethod, RevocationReason, RevokedCertParams, SerialNumber,
};

use super::PkiError;
use super::error::rcgen_err;
use super::issue::{Issuer, load_issuer, subject_key_id};
use super::pem::{self, LABEL_CRL};
use super::serial::parse_serial;
use super::time::to_datetime;
use super::verify::parse_cert;

/// One revoked certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// Its serial (colon hex, any case).
    pub serial: String,
    /// When it was revoked, epoch ms (the CRL keeps whole seconds).
    pub revoked_at_ms: i64,
    /// RFC 5280 `CRLReason` code (0–6, 8–10); `None` (the API's Revoke End Cert, which has
    /// no reason parameter) leaves the reasonCode entry extension out.
    pub reason: Option<u8>,
}

/// Maps a reason code to rcgen's enum.
pub(crate) fn reason_of(code: u8) -> Result<RevocationReason, PkiError> {
    Ok(match code {
        0 => RevocationReason::Unspecified,
        1 => RevocationReason::KeyCompromise,
        2 => RevocationReason::CaCompromise,
        3 => RevocationReason::AffiliationChanged,
        4 => RevocationReason::Superseded,
        5 => RevocationReason::CessationOfOperation,
        6 => RevocationReason::CertificateHold,
        8 => RevocationReason::RemoveFromCrl,
        9 => RevocationReason::PrivilegeWithdrawn,
        10 => RevocationReason::AaCompromise,
        n => return Err(PkiError::BadInput(format!("revocation reason {n}"))),
    })
}

/// A v2 CRL signed by the CA, as PEM (`-----BEGIN X509 CRL-----`).
///
/// Holds `thisUpdate`/`nextUpdate` as given (whole seconds; the emulator passes now and now +
/// the CRL config's `expiry` days), the `cRLNumber` (callers increase it on every new CRL:
/// revoke, rotate, trim), an authorityKeyIdentifier equal to the CA certificate's SKI, and one
/// entry per `revoked` item (callers leave out expired certificates after Trim CA). Use
/// [`pem_to_der`](super::pem_to_der) to serve it as DER.
///
/// Errors: `next_update_ms` not after `this_update_ms` or a bad serial/reason →
/// [`PkiError::BadInput`]; issuer problems as for signing.
pub fn crl(
    issuer: &Issuer<'_>,
    revoked: &[Revoked],
    crl_number: u64,
    this_update_ms: i64,
    next_update_ms: i64,
) -> Result<String, PkiError> {
    let loaded = load_issuer(issuer)?;
    if next_update_ms.div_euclid(1000) <= this_update_ms.div_euclid(1000) {
        return Err(PkiError::BadInput(
            "nextUpdate must follow thisUpdate".into(),
        ));
    }
    let ski = subject_key_id(&parse_cert(&loaded.cert_der)?);
    let mut revoked_certs = Vec::with_capacity(revoked.len());
    for r in revoked {
        revoked_certs.push(RevokedCertParams {
            serial_number: SerialNumber::from_slice(&parse_serial(&r.serial)?),
            revocation_time: to_datetime(r.revoked_at_ms)?,
            reason_code: r.reason.map(reason_of).transpose()?,
            invalidity_date: None,
        });
    }
    let params = CertificateRevocationListParams {
        this_update: to_datetime(this_update_ms)?,
        next_update: to_datetime(next_update_ms)?,
        crl_number: SerialNumber::from_slice(&crl_number.to_be_bytes()),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: match ski {
            Some(ski) => KeyIdMethod::PreSpecified(ski),
            None => KeyIdMethod::Sha256,
        },
    };
    let list = params.signed_by(&loaded.rc).map_err(|e| match e {
        rcgen::Error::IssuerNotCrlSigner => {
            PkiError::BadCert("the CA certificate's keyUsage lacks cRLSign".into())
        }
        other => rcgen_err("signing the CRL")(other),
    })?;
    Ok(pem::encode(LABEL_CRL, list.der()))
}
