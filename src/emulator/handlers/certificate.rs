//! End-certificate handlers: Issue End Cert (§2.11), Sign End Csr (§2.12), Get End Cert
//! List (§2.13), Get End Cert (§2.14) and Revoke End Cert (§2.15).
//!
//! Signing needs an `ACTIVE` CA below its signing limit; both are checked again inside the
//! transaction that records the certificate, so concurrent requests can never exceed the
//! limit or sign for a CA that changed status meanwhile. Reading and revoking work in every
//! status.
//!
//! Depends on `crate::emulator` and `crate::api` only.

use axum::response::Response;

use crate::api::ErrorCode;
use crate::api::catalogue::Row;
use crate::api::model::{
    CaChain, GetEndCertData, GetEndCertListData, IssueEndCertData, IssueEndCertRequest, KeyType,
    Period, SerialNo, SignEndCsrRequest,
};
use crate::emulator::error::EmuError;
use crate::emulator::handlers::ca::{cert_row, record_signature, signed_data};
use crate::emulator::handlers::common::{
    check_csr_key, issuer_of, key_type, period_days, pki_err, pki_err_as_row, require_active,
    require_signing_room, serial_param, urls_of, validate_end_params,
};
use crate::emulator::handlers::ocsp::refresh_crl;
use crate::emulator::handlers::{Call, load_ca, ok, ok_null, page_count, page_of};
use crate::emulator::pki::{self, CaKey, Subject};
use crate::emulator::state::EmuState;
use crate::emulator::store;

/// Default validity of Sign End Csr when no `period` is given (§2.12 recommendation).
const SIGN_END_CSR_DEFAULT_DAYS: u32 = 365;

/// Issue End Cert — `POST /ca/{caTag}/cert` (§2.11): the CA generates the key pair
/// (default `RSA2048`) and issues the certificate (default period `MAX`, capped at the
/// CA's validity).
pub(crate) fn issue_end_cert(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: IssueEndCertRequest = call.json()?;
    let tag = call.ca_tag();
    let ca = state.store().read(|c| load_ca(c, tag))?;
    let (sans, usages) = validate_end_params(&req.x509_parameters)?;
    let kt = match &req.key_type {
        None => KeyType::Rsa2048,
        Some(k) if k.is_missing() => KeyType::Rsa2048,
        Some(k) => key_type(k)?,
    };
    let period = match &req.period {
        Some(p) if !p.is_missing() => p.clone(),
        _ => Period::Max,
    };
    require_active(&ca)?;
    require_signing_room(state, &ca)?;
    let now = state.now_ms();
    let days = period_days(&period, true, ca.not_after, now)?;
    let signer = issuer_of(state, &ca)?;
    let key = CaKey::generate(kt).map_err(pki_err)?;
    let serial = pki::new_serial().map_err(pki_err)?;
    let subject = Subject::from_end_cert_parameters(&req.x509_parameters);
    let issued = pki::issue_end_cert_with(
        &signer.issuer(),
        &key,
        &subject,
        &sans,
        &usages,
        days,
        &serial,
        &urls_of(state, &ca),
        now,
    )
    .map_err(pki_err)?;
    let row = cert_row(&ca, "END", &issued, ca.ocsp_url.as_deref())?;
    state
        .store()
        .write(|c| record_signature(state, c, tag, &row))?;
    ok(IssueEndCertData {
        private_key: Some(key.to_traditional_pem().map_err(pki_err)?),
        certificate: Some(issued.pem),
        serial_no: Some(SerialNo(issued.serial)),
        ca_chain: Some(CaChain::Pem(ca.chain_pem.unwrap_or_default())),
        issuer: ca.cert_pem,
        ocsp_responder: Some(ca.ocsp_url.unwrap_or_default()),
    })
}

/// Sign End Csr — `POST /ca/{caTag}/cert/sign[?period=..]` (§2.12): signs the caller's CSR,
/// keeping its subject and SANs; `period` from the body or the query (a number of days past
/// the CA's end is row 59, never clipped; without a period, 365 days ending with the CA at
/// the latest, as `MAX` does). An optional `keyType` + `keyBits`
/// must describe the CSR's key (A8, rows 15, 36, 37, 49, 50).
pub(crate) fn sign_end_csr(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: SignEndCsrRequest = call.json()?;
    let tag = call.ca_tag();
    let ca = state.store().read(|c| load_ca(c, tag))?;
    let csr_pem = if req.csr_pem.trim().is_empty() {
        match req.csr_pem_der.as_deref().map(str::trim) {
            Some(der) if !der.is_empty() => der_to_csr_pem(der)?,
            _ => return Err(EmuError::api(ErrorCode::EmptyCsr)),
        }
    } else {
        req.csr_pem.clone()
    };
    let period = req
        .period
        .filter(|p| !p.is_missing())
        .or_else(|| call.query("period").map(Period::from_wire))
        .filter(|p| !p.is_missing());
    require_active(&ca)?;
    require_signing_room(state, &ca)?;
    let now = state.now_ms();
    let csr = pki::parse_csr(&csr_pem).map_err(pki_err_as_row(Row::InvalidCsr))?;
    check_csr_key(
        &csr,
        req.key_type.as_deref(),
        req.key_bits.as_deref(),
        state.config().require_key_params,
    )?;
    let days = match &period {
        Some(p) => period_days(p, true, ca.not_after, now)?,
        None => {
            // No period asked for (the documented body is `csrPem` alone): the default
            // ends with the CA at the latest, like `MAX`.
            period_days(&Period::Max, true, ca.not_after, now)?;
            SIGN_END_CSR_DEFAULT_DAYS
        }
    };
    let signer = issuer_of(state, &ca)?;
    let serial = pki::new_serial().map_err(pki_err)?;
    let issued = pki::sign_end_csr(
        &signer.issuer(),
        &csr_pem,
        days,
        &serial,
        &urls_of(state, &ca),
        now,
    )
    .map_err(pki_err)?;
    let row = cert_row(&ca, "END", &issued, ca.ocsp_url.as_deref())?;
    state
        .store()
        .write(|c| record_signature(state, c, tag, &row))?;
    ok(signed_data(&ca, issued))
}

/// Wraps Base64 DER (`csrPemDer`) into PEM.
fn der_to_csr_pem(b64: &str) -> Result<String, EmuError> {
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| EmuError::row(Row::InvalidCsr, "csrPemDer is not Base64"))?;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE REQUEST-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE REQUEST-----\n");
    Ok(pem)
}

/// Get End Cert List — `GET /ca/{caTag}/cert[?pageNo=..]` (§2.13): serials in issue order,
/// revoked ones included, trimmed ones gone.
pub(crate) fn get_end_cert_list(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let size = state.config().cert_page_size;
    let (page, offset) = page_of(call, size)?;
    let limit = i64::try_from(size).unwrap_or(i64::MAX);
    let tag = call.ca_tag();
    let (total, serials) = state.store().read(|c| {
        load_ca(c, tag)?;
        Ok((
            store::count_certs(c, tag)?,
            store::list_serials(c, tag, offset, limit)?,
        ))
    })?;
    ok(GetEndCertListData {
        total_cnt: Some(total),
        list_certs: serials.into_iter().map(SerialNo).collect(),
        total_page_no: Some(page_count(total, size)),
        current_page_no: Some(page),
    })
}

/// Get End Cert — `GET /ca/{caTag}/cert/{serialNo}` (§2.14).
pub(crate) fn get_end_cert(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let tag = call.ca_tag();
    let (ca, cert) = state.store().read(|c| {
        let ca = load_ca(c, tag)?;
        let serial = serial_param(call.param("serialNo"))?;
        let cert = store::get_cert(c, tag, &serial)?
            .ok_or_else(|| EmuError::no_certificate(format!("no certificate {serial} in {tag}")))?;
        Ok((ca, cert))
    })?;
    ok(GetEndCertData {
        serial_no: Some(SerialNo(cert.serial)),
        common_name: Some(cert.common_name),
        not_before_date: Some(cert.not_before),
        not_after_date: Some(cert.not_after),
        public_key_algorithm: Some(cert.public_key_algorithm),
        signature_algorithm: Some(cert.signature_algorithm),
        cert_pem: Some(cert.cert_pem),
        ca_chain: Some(CaChain::Pem(ca.chain_pem.unwrap_or_default())),
        ocsp_responder: Some(cert.ocsp_url.unwrap_or_default()),
    })
}

/// Revoke End Cert — `POST /ca/{caTag}/cert/{serialNo}/revoke` (§2.15): no body, no
/// reason; idempotent (the first revocation time stays). The CRL is rebuilt at once.
pub(crate) fn revoke_end_cert(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let tag = call.ca_tag();
    let now = state.now_ms();
    let newly = state.store().write(|c| {
        let ca = load_ca(c, tag)?;
        let serial = serial_param(call.param("serialNo"))?;
        let own = ca
            .cert_serial
            .as_deref()
            .and_then(|s| pki::canonical_serial(s).ok());
        if own.as_deref() == Some(serial.as_str()) {
            return Err(EmuError::row(
                Row::CaCertificateNotRevocable,
                "the serial is the CA's own certificate",
            ));
        }
        store::get_cert(c, tag, &serial)?
            .ok_or_else(|| EmuError::no_certificate(format!("no certificate {serial} in {tag}")))?;
        store::revoke_cert(c, tag, &serial, now)
    })?;
    if newly {
        // The revocation is stored; should rebuilding fail, the next read rebuilds.
        if let Err(e) = refresh_crl(state, tag) {
            eprintln!("pca-emulator: CRL rebuild after revocation failed: {e}");
        }
    }
    ok_null()
}
