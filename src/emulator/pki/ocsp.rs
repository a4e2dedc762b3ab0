//! The OCSP responder (RFC 6960) behind `/ext/{caTag}/ocsp`, signed directly by the CA.

use aws_lc_rs::digest::{self, Algorithm};
use base64::Engine as _;
use der::asn1::{BitString, GeneralizedTime, Null, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::CrlReason;
use x509_ocsp::{
    BasicOcspResponse, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse,
    OcspResponseStatus, ResponderId, ResponseData, RevokedInfo, SingleResponse, Version,
};

use super::PkiError;
use super::issue::{Issuer, LoadedIssuer, load_issuer};
use super::serial::format_serial;
use super::time::to_unix_duration;

/// The status the emulator reports for one serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspStatus {
    /// Issued by this CA and not revoked.
    Good,
    /// Revoked at `at_ms` (epoch ms), with an optional RFC 5280 reason code.
    Revoked {
        /// Revocation time, epoch ms.
        at_ms: i64,
        /// `CRLReason` code (0–6, 8–10); other values are left out.
        reason: Option<u8>,
    },
    /// Not issued by this CA (or forgotten after Trim CA).
    Unknown,
}

/// Answers a DER `OCSPRequest` (the POST body, or the decoded GET path, see
/// [`ocsp_request_from_get`]) with a DER `OCSPResponse` (`application/ocsp-response`).
///
/// - malformed DER or an empty request list → `malformedRequest`;
/// - no request names this CA (issuer name and key hashes, SHA-1/256/384/512 `CertID`s) →
///   `unauthorized`;
/// - otherwise `successful`: a `BasicOCSPResponse` signed by the CA key (responder ID by key
///   hash, `producedAt` = `thisUpdate` = `now_ms`, no `nextUpdate`), one `SingleResponse` per
///   request echoing its `CertID` — `lookup(serial)` for this CA's certificates (serial in the
///   canonical colon hex of [`new_serial`](super::new_serial)), `unknown` for other CAs'. The
///   request's nonce extension is echoed. The CA certificate is included in `certs`;
/// - a failure while signing (bad issuer) → `internalError`.
pub fn ocsp_respond(
    issuer: &Issuer<'_>,
    request_der: &[u8],
    lookup: &dyn Fn(&str) -> OcspStatus,
    now_ms: i64,
) -> Vec<u8> {
    let response = match respond(issuer, request_der, lookup, now_ms) {
        Ok(r) => r,
        Err(status) => OcspResponse {
            response_status: status,
            response_bytes: None,
        },
    };
    // An OCSPResponse without responseBytes is `30 03 0A 01 <status>`.
    response
        .to_der()
        .unwrap_or_else(|_| vec![0x30, 0x03, 0x0a, 0x01, 0x02])
}

/// Decodes the path tail of an OCSP GET (`/ext/{caTag}/ocsp/{base64}`, RFC 6960 A.1): the
/// URL-encoded base64 of the DER request. Percent escapes are decoded first; the standard
/// and URL-safe alphabets are both accepted, padding optional.
pub fn ocsp_request_from_get(path_tail: &str) -> Result<Vec<u8>, PkiError> {
    let decoded = crate::api::uri::percent_decode(path_tail.trim_start_matches('/'));
    let cleaned: String = decoded
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let unpadded = cleaned.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .map_err(|_| PkiError::BadInput("the OCSP GET path is not base64".into()))
}

/// The digest of a `CertID` hash algorithm.
fn digest_for(oid: &ObjectIdentifier) -> Option<&'static Algorithm> {
    use const_oid::db::rfc5912::{ID_SHA_1, ID_SHA_256, ID_SHA_384, ID_SHA_512};
    match *oid {
        ID_SHA_1 => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        ID_SHA_256 => Some(&digest::SHA256),
        ID_SHA_384 => Some(&digest::SHA384),
        ID_SHA_512 => Some(&digest::SHA512),
        _ => None,
    }
}

/// The response, or the error status to send instead.
fn respond(
    issuer: &Issuer<'_>,
    request_der: &[u8],
    lookup: &dyn Fn(&str) -> OcspStatus,
    now_ms: i64,
) -> Result<OcspResponse, OcspResponseStatus> {
    let request =
        OcspRequest::from_der(request_der).map_err(|_| OcspResponseStatus::MalformedRequest)?;
    let tbs = &request.tbs_request;
    if tbs.request_list.is_empty() {
        return Err(OcspResponseStatus::MalformedRequest);
    }
    let loaded = load_issuer(issuer).map_err(|_| OcspResponseStatus::InternalError)?;
    let now = to_unix_duration(now_ms)
        .ok()
        .and_then(|d| GeneralizedTime::from_unix_duration(d).ok())
        .map(OcspGeneralizedTime)
        .ok_or(OcspResponseStatus::InternalError)?;

    let mut responses = Vec::with_capacity(tbs.request_list.len());
    let mut any_ours = false;
    for req in &tbs.request_list {
        let id = &req.req_cert;
        let ours = names_this_ca(&loaded, id);
        any_ours |= ours;
        let cert_status = if ours {
            match lookup(&format_serial(id.serial_number.as_bytes())) {
                OcspStatus::Good => CertStatus::Good(Null),
                OcspStatus::Revoked { at_ms, reason } => {
                    let revocation_time = to_unix_duration(at_ms)
                        .ok()
                        .and_then(|d| GeneralizedTime::from_unix_duration(d).ok())
                        .map(OcspGeneralizedTime)
                        .ok_or(OcspResponseStatus::InternalError)?;
                    CertStatus::Revoked(RevokedInfo {
                        revocation_time,
                        revocation_reason: reason.and_then(crl_reason),
                    })
                }
                OcspStatus::Unknown => CertStatus::Unknown(Null),
            }
        } else {
            CertStatus::Unknown(Null)
        };
        responses.push(SingleResponse {
            cert_id: id.clone(),
            cert_status,
            this_update: now,
            next_update: None,
            single_extensions: None,
        });
    }
    if !any_ours {
        return Err(OcspResponseStatus::Unauthorized);
    }

    let nonce: Vec<_> = tbs
        .request_extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == const_oid::db::rfc6960::ID_PKIX_OCSP_NONCE)
        .cloned()
        .collect();
    let key_hash = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &loaded.key_bits);
    let data = ResponseData {
        version: Version::V1,
        responder_id: ResponderId::ByKey(
            OctetString::new(key_hash.as_ref()).map_err(|_| OcspResponseStatus::InternalError)?,
        ),
        produced_at: now,
        responses,
        response_extensions: (!nonce.is_empty()).then_some(nonce),
    };
    let tbs_der = data
        .to_der()
        .map_err(|_| OcspResponseStatus::InternalError)?;
    let signature = loaded
        .key
        .sign(&tbs_der)
        .map_err(|_| OcspResponseStatus::InternalError)?;
    let ca_cert =
        Certificate::from_der(&loaded.cert_der).map_err(|_| OcspResponseStatus::InternalError)?;
    let basic = BasicOcspResponse {
        tbs_response_data: data,
        signature_algorithm: loaded.key.signature_algorithm(),
        signature: BitString::from_bytes(&signature)
            .map_err(|_| OcspResponseStatus::InternalError)?,
        certs: Some(vec![ca_cert]),
    };
    OcspResponse::successful(basic).map_err(|_| OcspResponseStatus::InternalError)
}

/// Whether a `CertID` names this CA (issuer name hash and key hash both match).
fn names_this_ca(loaded: &LoadedIssuer<'_>, id: &x509_ocsp::CertId) -> bool {
    let Some(alg) = digest_for(&id.hash_algorithm.oid) else {
        return false;
    };
    let name_hash = digest::digest(alg, &loaded.subject_raw);
    let key_hash = digest::digest(alg, &loaded.key_bits);
    id.issuer_name_hash.as_bytes() == name_hash.as_ref()
        && id.issuer_key_hash.as_bytes() == key_hash.as_ref()
}

/// Maps a reason code to the OCSP/CRL enum (`None` for codes RFC 5280 does not define).
fn crl_reason(code: u8) -> Option<CrlReason> {
    Some(match code {
        0 => CrlReason::Unspecified,
        1 => CrlReason::KeyCompromise,
        2 => CrlReason::CaCompromise,
        3 => CrlReason::AffiliationChanged,
        4 => CrlReason::Superseded,
        5 => CrlReason::CessationOfOperation,
        6 => CrlReason::CertificateHold,
        8 => CrlReason::RemoveFromCRL,
        9 => CrlReason::PrivilegeWithdrawn,
        10 => CrlReason::AaCompromise,
        _ => return None,
    })
}
