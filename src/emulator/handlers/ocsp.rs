//! Revocation distribution: Get CA CRL (§2.7), Create OCSP (§2.19), Delete OCSP (§2.20),
//! Get CRL Config (§2.21), Update CRL Config (§2.22), Rotate CRL (§2.23), Trim CA (§2.24),
//! and the public endpoints `/ext/{caTag}/crl` (DER CRL), `/ext/{caTag}/ca` (DER CA
//! certificate) and `/ext/{caTag}/ocsp` (RFC 6960 responder, POST and GET).
//!
//! The current CRL is stored with the revision of the CA's revocation state it reflects. It
//! is rebuilt (new number, `thisUpdate` = now, `nextUpdate` = now + the configured expiry,
//! default 3 days) on revocation, Rotate CRL, Trim CA, and on read when it is out of date or
//! past its `nextUpdate`. CRL numbers are allocated in the same transaction that reads the
//! revoked list, and a CRL is only stored over an older number, so concurrent rebuilds keep
//! the newest.
//!
//! Depends on `crate::emulator` and `crate::api` only.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::api::ErrorCode;
use crate::api::catalogue::Row;
use crate::api::limits::{CRL_EXPIRY_DEFAULT, CRL_EXPIRY_MIN_DAYS};
use crate::api::model::{CreateOcspRequest, CrlConfig, UpdateCrlConfigRequest};
use crate::emulator::error::EmuError;
use crate::emulator::handlers::common::{DAY_MS, issuer_of, pki_err};
use crate::emulator::handlers::{Call, housekeeping, load_ca, ok, ok_null};
use crate::emulator::pki::{self, OcspStatus, Revoked};
use crate::emulator::state::EmuState;
use crate::emulator::store::{self, CaRow};

fn require_cert(ca: &CaRow) -> Result<(), EmuError> {
    if ca.cert_pem.is_some() {
        Ok(())
    } else {
        Err(EmuError::ca_status(
            "the CA has no certificate yet (PENDING): no CRL",
        ))
    }
}

/// The CRL validity in days: the configured `expiry`, else 3.
fn expiry_days(ca: &CaRow) -> i64 {
    ca.crl_expiry
        .as_deref()
        .unwrap_or(CRL_EXPIRY_DEFAULT)
        .parse()
        .unwrap_or(3)
}

/// Builds and stores a new CRL for the CA; returns its PEM.
pub(crate) fn refresh_crl(state: &EmuState, tag: &str) -> Result<String, EmuError> {
    let (ca, number, revision, revoked) = state.store().write(|c| {
        let ca = load_ca(c, tag)?;
        require_cert(&ca)?;
        let (number, revision) = store::next_crl_number(c, tag)?;
        Ok((ca, number, revision, store::revoked(c, tag)?))
    })?;
    let now = state.now_ms();
    let next_update = now + expiry_days(&ca) * DAY_MS;
    let list: Vec<Revoked> = revoked
        .into_iter()
        .map(|(serial, at, _)| Revoked {
            serial,
            revoked_at_ms: at,
            reason: None,
        })
        .collect();
    let signer = issuer_of(state, &ca)?;
    let number_u = u64::try_from(number).map_err(EmuError::internal)?;
    let pem = pki::crl(&signer.issuer(), &list, number_u, now, next_update).map_err(pki_err)?;
    state
        .store()
        .write(|c| store::store_crl(c, tag, number, revision, &pem, next_update))?;
    Ok(pem)
}

/// The CA's current CRL (PEM), rebuilt when out of date or past its next update.
pub(crate) fn current_crl(state: &EmuState, tag: &str) -> Result<String, EmuError> {
    let ca = state.store().read(|c| load_ca(c, tag))?;
    require_cert(&ca)?;
    let now = state.now_ms();
    if let Some(pem) = &ca.crl_pem
        && ca.crl_built_revision == ca.crl_revision
        && ca.crl_next_update.is_some_and(|n| n > now)
    {
        return Ok(pem.clone());
    }
    refresh_crl(state, tag)
}

/// Get CA CRL — `GET /ca/{caTag}/crl` (§2.7): the current CRL, PEM.
pub(crate) fn get_ca_crl(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    ok(current_crl(state, call.ca_tag())?)
}

/// Whether an OCSP URL is acceptable: an absolute http(s) URL of printable ASCII.
fn valid_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && url.bytes().all(|b| b.is_ascii_graphic())
}

/// Create OCSP — `PUT /ca/{caTag}/urls` (§2.19): sets the OCSP URL written into the AIA of
/// certificates issued from now on, and enables the responder at `/ext/{caTag}/ocsp`.
pub(crate) fn create_ocsp(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: CreateOcspRequest = call.json()?;
    let tag = call.ca_tag();
    state.store().read(|c| load_ca(c, tag))?;
    let url = req.ocsp_servers.trim();
    if url.is_empty() {
        return Err(EmuError::row(Row::OcspServersMissing, "no ocsp_servers"));
    }
    if !valid_url(url) {
        return Err(EmuError::detail(
            ErrorCode::InvalidInput,
            format!("ocsp_servers {url:?} is not an absolute http(s) URL"),
        ));
    }
    state.store().write(|c| {
        load_ca(c, tag)?;
        store::set_ocsp_url(c, tag, Some(url))
    })?;
    ok_null()
}

/// Delete OCSP — `DELETE /ca/{caTag}/urls` (§2.20): removes the OCSP URL (idempotent).
pub(crate) fn delete_ocsp(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let tag = call.ca_tag();
    state.store().write(|c| {
        load_ca(c, tag)?;
        store::set_ocsp_url(c, tag, None)
    })?;
    ok_null()
}

/// Get CRL Config — `GET /ca/{caTag}/crl/config` (§2.21): `{"expiry":…}`, or row 67
/// (`The crl configuration doesn't exist.`) until configured (unless
/// `--crl-config-default`).
pub(crate) fn get_crl_config(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let ca = state.store().read(|c| load_ca(c, call.ca_tag()))?;
    match ca.crl_expiry {
        Some(expiry) => ok(CrlConfig {
            expiry: Some(expiry),
        }),
        None if state.config().crl_config_default => ok(CrlConfig {
            expiry: Some(CRL_EXPIRY_DEFAULT.to_owned()),
        }),
        None => Err(EmuError::row(
            Row::CrlConfigNotFound,
            "no CRL cycle was set for this CA (Update CRL Config)",
        )),
    }
}

/// Update CRL Config — `PUT /ca/{caTag}/crl/config` (§2.22): `expiry` in days, at least 3
/// and within the CA's validity (else `INVALID_INPUT`); the next CRL uses it.
pub(crate) fn update_crl_config(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: UpdateCrlConfigRequest = call.json()?;
    let tag = call.ca_tag();
    let ca = state.store().read(|c| load_ca(c, tag))?;
    if req.expiry.trim().is_empty() {
        return Err(EmuError::row(Row::ExpiryMissing, "no expiry"));
    }
    let days = req
        .expiry_days()
        .filter(|d| *d >= CRL_EXPIRY_MIN_DAYS)
        .ok_or_else(|| {
            EmuError::detail(
                ErrorCode::InvalidInput,
                format!("expiry {:?} is not a number of days >= 3", req.expiry),
            )
        })?;
    if let Some(not_after) = ca.not_after
        && state.now_ms() + i64::from(days) * DAY_MS > not_after
    {
        return Err(EmuError::detail(
            ErrorCode::InvalidInput,
            format!("expiry {days} days reaches past the CA's expiry"),
        ));
    }
    let expiry = days.to_string();
    state.store().write(|c| {
        load_ca(c, tag)?;
        store::set_crl_expiry(c, tag, &expiry)
    })?;
    ok(CrlConfig {
        expiry: Some(expiry),
    })
}

/// Rotate CRL — `POST /ca/{caTag}/crl/rotate` (§2.23): a new CRL now.
pub(crate) fn rotate_crl(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    refresh_crl(state, call.ca_tag())?;
    ok_null()
}

/// Trim CA — `POST /ca/{caTag}/trim` (§2.24): forgets expired certificates (they leave the
/// certificate list and the CRL), then rebuilds the CRL.
pub(crate) fn trim_ca(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let tag = call.ca_tag();
    let now = state.now_ms();
    state.store().write(|c| {
        let ca = load_ca(c, tag)?;
        require_cert(&ca)?;
        store::trim_expired(c, tag, now)
    })?;
    refresh_crl(state, tag)?;
    ok_null()
}

// ---------------------------------------------------------------------------------------
// Public endpoints (no authentication, like NCP's)
// ---------------------------------------------------------------------------------------

/// Runs blocking work for a public endpoint.
async fn blocking(
    state: EmuState,
    f: impl FnOnce(&EmuState) -> Result<Response, EmuError> + Send + 'static,
) -> Response {
    let result = tokio::task::spawn_blocking(move || {
        housekeeping(&state)?;
        f(&state)
    })
    .await;
    match result {
        Ok(Ok(r)) => r,
        // Plain HTTP for CRL/OCSP consumers, not the API: an unknown CA is a 404.
        Ok(Err(e)) if e.catalogue_row() == Some(Row::CaNotFound) => {
            EmuError::no_route().into_response()
        }
        Ok(Err(e)) => e.into_response(),
        Err(join) => EmuError::internal(format_args!("handler failed: {join}")).into_response(),
    }
}

fn der_response(content_type: &'static str, der: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        der,
    )
        .into_response()
}

/// `GET /ext/{caTag}/crl`: the current CRL, DER (`application/pkix-crl`).
pub(crate) async fn crl_der(State(state): State<EmuState>, Path(tag): Path<String>) -> Response {
    blocking(state, move |s| {
        let pem = current_crl(s, &tag)?;
        let der = pki::pem_to_der(&pem).map_err(pki_err)?;
        Ok(der_response("application/pkix-crl", der))
    })
    .await
}

/// `GET /ext/{caTag}/ca`: the CA certificate, DER (`application/pkix-cert`).
pub(crate) async fn ca_cert_der(
    State(state): State<EmuState>,
    Path(tag): Path<String>,
) -> Response {
    blocking(state, move |s| {
        let ca = s.store().read(|c| load_ca(c, &tag))?;
        let pem = ca.cert_pem.ok_or_else(EmuError::no_route)?;
        let der = pki::pem_to_der(&pem).map_err(pki_err)?;
        Ok(der_response("application/pkix-cert", der))
    })
    .await
}

/// Answers one DER OCSP request for the CA (404 unless Create OCSP ran for it).
fn ocsp_answer(state: &EmuState, tag: &str, request: &[u8]) -> Result<Response, EmuError> {
    let ca = state.store().read(|c| load_ca(c, tag))?;
    if ca.ocsp_url.is_none() {
        return Err(EmuError::no_route());
    }
    let signer = issuer_of(state, &ca)?;
    let lookup = |serial: &str| -> OcspStatus {
        match state.store().read(|c| store::get_cert(c, tag, serial)) {
            Ok(Some(cert)) => match cert.revoked_at {
                Some(at_ms) => OcspStatus::Revoked {
                    at_ms,
                    reason: None,
                },
                None => OcspStatus::Good,
            },
            _ => OcspStatus::Unknown,
        }
    };
    let der = pki::ocsp_respond(&signer.issuer(), request, &lookup, state.now_ms());
    Ok(der_response("application/ocsp-response", der))
}

/// `POST /ext/{caTag}/ocsp` with an `application/ocsp-request` body (RFC 6960 A.1); a
/// body over the emulator's limit is 413 like everywhere else.
pub(crate) async fn ocsp_post(
    State(state): State<EmuState>,
    Path(tag): Path<String>,
    body: axum::body::Body,
) -> Response {
    let body = match super::read_body(body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    blocking(state, move |s| ocsp_answer(s, &tag, &body)).await
}

/// `GET /ext/{caTag}/ocsp/{base64 request}` (RFC 6960 A.1).
pub(crate) async fn ocsp_get(
    State(state): State<EmuState>,
    Path((tag, request)): Path<(String, String)>,
) -> Response {
    blocking(state, move |s| {
        let der = pki::ocsp_request_from_get(&request).unwrap_or_default();
        ocsp_answer(s, &tag, &der)
    })
    .await
}

/// `GET /ext/{caTag}/ocsp` without a request: answered as a malformed request.
pub(crate) async fn ocsp_get_empty(
    State(state): State<EmuState>,
    Path(tag): Path<String>,
) -> Response {
    blocking(state, move |s| ocsp_answer(s, &tag, &[])).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(valid_url("http://127.0.0.1:8700/ext/t/ocsp"));
        assert!(valid_url("https://pca.apigw.ntruss.com/ext/t/ocsp"));
        for bad in ["", "ftp://x", "http://", "http:///x", "http://a b", "x"] {
            assert!(!valid_url(bad), "{bad}");
        }
    }
}
