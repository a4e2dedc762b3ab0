//! The API Gateway in front of `/api/v1`: fault injection and added latency first
//! (middleware `gateway`), then signature v2 authentication (middleware `authenticate`,
//! checks in [`check`], spec §1.2–§1.4).
//!
//! Authentication works on the raw request: the method, the request URI exactly as received
//! (path with `/api/v1` and the raw query, §1.3), and the three `x-ncp-*` headers; the body
//! is not signed and not read here. Every failure is the gateway's 401
//! `Authentication Failed` (§1.6.2), with a `details` text naming the cause.
//!
//! The main account's key and every sub account's key (`--sub-account`) are accepted; a
//! request signed by a sub account carries its [`SubAccountId`] on to the dispatcher,
//! which checks its rights per CA (401 `Permission Denied`, errorCode 210).
//!
//! Depends on `crate::emulator` and `crate::api` only.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::signing::{
    HEADER_ACCESS_KEY, HEADER_SIGNATURE_V1_ALIAS, HEADER_SIGNATURE_V2, HEADER_TIMESTAMP,
    string_to_sign, timestamp_is_fresh, verify,
};
use crate::emulator::error::EmuError;
use crate::emulator::state::EmuState;

/// `details` for a request without the authentication headers.
pub const MISSING_HEADERS: &str = "Missing authentication headers.";
/// `details` for an unknown access key.
pub const UNKNOWN_ACCESS_KEY: &str = "Invalid access key.";
/// `details` for a timestamp outside the accepted window.
pub const STALE_TIMESTAMP: &str = "The timestamp is invalid or outside the 5-minute window.";
/// `details` for a signature that does not verify.
pub const BAD_SIGNATURE: &str = "Invalid signature.";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The sub account a request was signed by (a request extension; absent for the main
/// account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAccountId(pub String);

/// `details` of a permission failure on a CA the sub account was not granted.
pub const NO_CA_PERMISSION: &str =
    "The sub account has no permission on this CA (Add CA User grants it).";
/// `details` of a sub account's Create CA.
pub const MAIN_ACCOUNT_ONLY: &str = "Only the main account may create CAs.";

/// Checks a request's signature v2 authentication (pure: no I/O).
///
/// `request_uri` is the path and query as received; `now_ms` the emulator's clock;
/// `max_skew_ms` the accepted window (`None` = no timestamp check).
pub fn check(
    method: &str,
    request_uri: &str,
    headers: &HeaderMap,
    access_key: &str,
    secret_key: &str,
    now_ms: i64,
    max_skew_ms: Option<i64>,
) -> Result<(), EmuError> {
    check_keys(
        method,
        request_uri,
        headers,
        &[(access_key, secret_key)],
        now_ms,
        max_skew_ms,
    )
    .map(|_| ())
}

/// Like [`check`] against several key pairs; returns the index of the one that signed.
pub fn check_keys(
    method: &str,
    request_uri: &str,
    headers: &HeaderMap,
    keys: &[(&str, &str)],
    now_ms: i64,
    max_skew_ms: Option<i64>,
) -> Result<usize, EmuError> {
    let (Some(timestamp), Some(key), Some(signature)) = (
        header(headers, HEADER_TIMESTAMP),
        header(headers, HEADER_ACCESS_KEY),
        header(headers, HEADER_SIGNATURE_V2).or_else(|| header(headers, HEADER_SIGNATURE_V1_ALIAS)),
    ) else {
        return Err(EmuError::auth(MISSING_HEADERS));
    };
    let Some((index, (_, secret_key))) = keys.iter().enumerate().find(|(_, (k, _))| *k == key)
    else {
        return Err(EmuError::auth(UNKNOWN_ACCESS_KEY));
    };
    let fresh = match max_skew_ms {
        Some(skew) => timestamp_is_fresh(timestamp, now_ms, skew),
        None => crate::api::signing::parse_timestamp(timestamp).is_some(),
    };
    if !fresh {
        return Err(EmuError::auth(STALE_TIMESTAMP));
    }
    let sts = string_to_sign(method, request_uri, timestamp, key);
    if !verify(secret_key, &sts, signature) {
        return Err(EmuError::auth(BAD_SIGNATURE));
    }
    Ok(index)
}

/// Middleware: signature v2 authentication of every `/api/v1` request.
pub(crate) async fn authenticate(
    State(state): State<EmuState>,
    mut request: Request,
    next: Next,
) -> Response {
    let uri = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let config = state.config();
    let subs = state.sub_accounts();
    let keys: Vec<(&str, &str)> =
        std::iter::once((config.access_key.as_str(), config.secret_key.as_str()))
            .chain(
                subs.iter()
                    .map(|a| (a.access_key.as_str(), a.secret_key.as_str())),
            )
            .collect();
    match check_keys(
        request.method().as_str(),
        &uri,
        request.headers(),
        &keys,
        state.now_ms(),
        config.max_clock_skew_ms,
    ) {
        Err(e) => return e.into_response(),
        Ok(0) => {}
        Ok(i) => {
            if let Some(a) = subs.get(i - 1) {
                request
                    .extensions_mut()
                    .insert(SubAccountId(a.id_no.clone()));
            }
        }
    }
    next.run(request).await
}

/// The path prefix of the log marker a `--log-requests` reader sends: logged like any request,
/// never delayed or faulted, answered by the gateway's 401.
pub const LOG_SYNC_PREFIX: &str = "/api/v1/__log-sync/";

/// Middleware: injected latency and faults, decided before anything else so that a faulted
/// request changes nothing.
pub(crate) async fn gateway(
    State(state): State<EmuState>,
    request: Request,
    next: Next,
) -> Response {
    // A log marker (`--log-requests` readers send one to know every earlier line is out):
    // logged like any request, but never delayed or faulted, so it cannot shift a seeded
    // fault sequence. Unsigned, it gets the gateway's 401.
    if request.uri().path().starts_with(LOG_SYNC_PREFIX) {
        let line = format!("{} {}", request.method(), request.uri().path());
        let response = next.run(request).await;
        if state.config().log_requests {
            eprintln!(
                "pca-emulator: request {line} -> {}",
                response.status().as_u16()
            );
        }
        return response;
    }
    let latency = state.faults().latency_ms();
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let log = state
        .config()
        .log_requests
        .then(|| format!("{} {}", request.method(), request.uri().path()));
    // `--write-delay-only TEXT` limits the write delay to paths containing TEXT.
    let write = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) && state
        .config()
        .write_delay_only
        .as_deref()
        .is_none_or(|only| request.uri().path().contains(only));
    let response = match state.faults().decide() {
        Some(status) => {
            let mut r = EmuError::Fault(status).into_response();
            if r.headers().contains_key(header::RETRY_AFTER) {
                match state.faults().retry_after() {
                    Some(s) => {
                        r.headers_mut()
                            .insert(header::RETRY_AFTER, HeaderValue::from(s));
                    }
                    None => {
                        r.headers_mut().remove(header::RETRY_AFTER);
                    }
                }
            }
            r
        }
        None => {
            let r = next.run(request).await;
            // The write is done (committed); only its answer is late.
            let delay = state.faults().write_delay_ms();
            if write && delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            r
        }
    };
    // The gateway's clock, as a client sees it (`--clock-offset` shifts it).
    let mut response = response;
    let now = u64::try_from(state.now_ms()).unwrap_or(0);
    let date = std::time::UNIX_EPOCH + Duration::from_millis(now);
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(date)) {
        response.headers_mut().insert(header::DATE, v);
    }
    if let Some(line) = log {
        eprintln!(
            "pca-emulator: request {line} -> {}",
            response.status().as_u16()
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;
    use crate::api::signing::sign_request;

    const AK: &str = "NCPTESTACCESSKEY0001";
    const SK: &str = "NCPTESTSECRETKEY0000000000000000000000001";
    const NOW: i64 = 1_700_000_000_000;

    fn headers(ts: &str, key: &str, sig: &str, v1: bool) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HEADER_TIMESTAMP, HeaderValue::from_str(ts).unwrap());
        h.insert(HEADER_ACCESS_KEY, HeaderValue::from_str(key).unwrap());
        let name = if v1 {
            HEADER_SIGNATURE_V1_ALIAS
        } else {
            HEADER_SIGNATURE_V2
        };
        h.insert(name, HeaderValue::from_str(sig).unwrap());
        h
    }

    fn details(r: Result<(), EmuError>) -> &'static str {
        match r {
            Err(EmuError::Gateway { details, .. }) => details,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn spec_vector_passes_and_each_fault_is_named() {
        let uri = "/api/v1/ca?pageNo=1";
        let sig = "5mrFxAFNKQZ2WTahIT287IvjYNKJQwLyI865bYqw//8=";
        let ts = NOW.to_string();
        let ok = headers(&ts, AK, sig, false);
        assert_eq!(check("GET", uri, &ok, AK, SK, NOW, Some(300_000)), Ok(()));
        let alias = headers(&ts, AK, sig, true);
        assert_eq!(
            check("GET", uri, &alias, AK, SK, NOW, Some(300_000)),
            Ok(())
        );

        assert_eq!(
            details(check("GET", uri, &HeaderMap::new(), AK, SK, NOW, None)),
            MISSING_HEADERS
        );
        let other_key = headers(&ts, "OTHER", sig, false);
        assert_eq!(
            details(check("GET", uri, &other_key, AK, SK, NOW, None)),
            UNKNOWN_ACCESS_KEY
        );
        let late = NOW + 300_001;
        assert_eq!(
            details(check("GET", uri, &ok, AK, SK, late, Some(300_000))),
            STALE_TIMESTAMP
        );
        assert_eq!(check("GET", uri, &ok, AK, SK, late, None), Ok(()));
        assert_eq!(
            details(check("GET", "/api/v1/ca?pageNo=2", &ok, AK, SK, NOW, None)),
            BAD_SIGNATURE
        );
        assert_eq!(
            details(check("POST", uri, &ok, AK, SK, NOW, None)),
            BAD_SIGNATURE
        );
        let garbage = headers("12x", AK, sig, false);
        assert_eq!(
            details(check("GET", uri, &garbage, AK, SK, NOW, None)),
            STALE_TIMESTAMP
        );
        let signed = sign_request(SK, "DELETE", "/api/v1/ca/t", &ts, AK);
        let h = headers(&ts, AK, &signed, false);
        assert_eq!(
            check("DELETE", "/api/v1/ca/t", &h, AK, SK, NOW, Some(1)),
            Ok(())
        );
    }
}
