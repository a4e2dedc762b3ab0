//! Request handling: the dispatcher that routes every `/api/v1` request with
//! [`api::ops::find`](crate::api::ops::find), reads the body (at most
//! [`MAX_BODY_BYTES`], 1 MiB), and runs the
//! operation's handler on a blocking thread; plus the helpers the handlers share.
//!
//! Handlers are synchronous functions named after the API operations (`create_ca`,
//! `issue_end_cert`, …, the same names as the client's): they touch SQLite and run CPU-bound
//! certificate work, so they run under `spawn_blocking`. Each takes the state and a
//! [`Call`] (decoded path parameters, query, raw body) and returns a response or an
//! [`EmuError`].
//!
//! Depends on `crate::emulator` and `crate::api` only.

pub(crate) mod ca;
pub(crate) mod certificate;
pub(crate) mod common;
pub(crate) mod ocsp;
pub(crate) mod user;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::catalogue::Row;
use crate::api::model::{Envelope, NoData};
use crate::api::ops::{self, Method, Operation};
use crate::api::{ErrorCode, uri};
use crate::emulator::error::{EmuError, json_response};
use crate::emulator::state::EmuState;
use crate::emulator::store::{self, CaRow};

pub use crate::emulator::limits::MAX_BODY_BYTES;
use crate::emulator::limits::{Limit, MAX_JSON_DEPTH, json_too_deep};

/// Beyond the limit, up to this much more is read and discarded so that the client can
/// still read the 400 answer on the same connection.
const DRAIN_BYTES: usize = 64 << 20;

/// A decoded request: what every handler gets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Call {
    /// Percent-decoded path parameters, in template order.
    pub(crate) params: Vec<(&'static str, String)>,
    /// Decoded query pairs, in order.
    pub(crate) query: Vec<(String, String)>,
    /// The raw body.
    pub(crate) body: Bytes,
    /// The sub account's `idNo` when a sub account signed the request (`None`: the main
    /// account).
    pub(crate) sub_account: Option<String>,
}

impl Call {
    /// A path parameter (`""` when the template has none of that name).
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The `caTag` path parameter.
    pub(crate) fn ca_tag(&self) -> &str {
        self.param("caTag")
    }

    /// The first value of a query parameter.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body of a body-taking operation decoded as JSON. An empty (or blank) body is row
    /// 16 (`The request body is missing.`); anything that is not a JSON object of the right
    /// shape (malformed JSON, wrong member types, invalid UTF-8) is row 1 (`Invalid
    /// request.`). `{}` decodes, so missing members get their own "is missing" rows. A body
    /// nesting deeper than [`MAX_JSON_DEPTH`] is refused before parsing (400, the emulator's
    /// own limit).
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, EmuError> {
        let bytes: &[u8] = match self.body.iter().find(|b| !b.is_ascii_whitespace()) {
            None => {
                return Err(EmuError::row(Row::RequestBodyMissing, "empty request body"));
            }
            Some(b'{') => &self.body,
            Some(_) => {
                return Err(EmuError::invalid_request(
                    "the request body must be a JSON object",
                ));
            }
        };
        if json_too_deep(bytes, MAX_JSON_DEPTH) {
            return Err(EmuError::Limit(Limit::JsonDepth));
        }
        let mut value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| EmuError::invalid_request(format!("malformed request body: {e}")))?;
        drop_nulls(&mut value);
        serde_json::from_value(value)
            .map_err(|e| EmuError::invalid_request(format!("malformed request body: {e}")))
    }
}

/// Removes `null` members from every object: an explicit `null` reads as an absent member
/// (so `"alias": null` is `alias is missing.`, not a type error).
fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// A synchronous operation handler.
pub(crate) type Handler = fn(&EmuState, &Call) -> Result<Response, EmuError>;

/// The routing table: each operation of `api::ops::ALL` and its handler.
const ROUTES: [(&Operation, Handler); 24] = [
    (&ops::CREATE_CA, ca::create_ca),
    (&ops::GET_CA_LIST, ca::get_ca_list),
    (&ops::GET_CA, ca::get_ca),
    (&ops::UPDATE_CA, ca::update_ca),
    (&ops::DELETE_CA, ca::delete_ca),
    (&ops::GET_CA_CHAIN, ca::get_ca_chain),
    (&ops::GET_CA_CRL, ocsp::get_ca_crl),
    (&ops::GET_SUB_CSR, ca::get_sub_csr),
    (&ops::SIGN_SUB_CSR, ca::sign_sub_csr),
    (&ops::ACTIVATE_SUB_CA, ca::activate_sub_ca),
    (&ops::ISSUE_END_CERT, certificate::issue_end_cert),
    (&ops::SIGN_END_CSR, certificate::sign_end_csr),
    (&ops::GET_END_CERT_LIST, certificate::get_end_cert_list),
    (&ops::GET_END_CERT, certificate::get_end_cert),
    (&ops::REVOKE_END_CERT, certificate::revoke_end_cert),
    (&ops::ADD_CA_USER, user::add_ca_user),
    (&ops::GET_CA_USER_LIST, user::get_ca_user_list),
    (&ops::DELETE_CA_USER, user::delete_ca_user),
    (&ops::CREATE_OCSP, ocsp::create_ocsp),
    (&ops::DELETE_OCSP, ocsp::delete_ocsp),
    (&ops::GET_CRL_CONFIG, ocsp::get_crl_config),
    (&ops::UPDATE_CRL_CONFIG, ocsp::update_crl_config),
    (&ops::ROTATE_CRL, ocsp::rotate_crl),
    (&ops::TRIM_CA, ocsp::trim_ca),
];

/// The handler of an operation.
pub(crate) fn handler(op: &Operation) -> Option<Handler> {
    ROUTES.iter().find(|(o, _)| *o == op).map(|(_, h)| *h)
}

/// Reads the body, up to [`MAX_BODY_BYTES`]; a larger body is 413 (the emulator's own
/// limit, [`Limit::Body`]), read and discarded up to 64 MiB more so that the client gets to
/// read the answer.
pub(crate) async fn read_body(mut body: Body) -> Result<Bytes, EmuError> {
    let mut buf = BytesMut::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| EmuError::invalid_request(format!("body: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total <= MAX_BODY_BYTES {
            buf.extend_from_slice(&data);
        } else if total > MAX_BODY_BYTES + DRAIN_BYTES {
            break;
        }
    }
    if total > MAX_BODY_BYTES {
        return Err(EmuError::Limit(Limit::Body));
    }
    Ok(buf.freeze())
}

/// The `/api/v1` endpoint (after the gateway middleware): route, read, run.
pub(crate) async fn dispatch(State(state): State<EmuState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let found = Method::parse(parts.method.as_str())
        .and_then(|m| ops::find(m, parts.uri.path()))
        .and_then(|(op, params)| handler(op).map(|h| (op, h, params)));
    let Some((op, handler, params)) = found else {
        return EmuError::no_route().into_response();
    };
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let call = Call {
        params,
        query: uri::parse_query(parts.uri.query().unwrap_or("")),
        body,
        sub_account: parts
            .extensions
            .get::<crate::emulator::auth::SubAccountId>()
            .map(|s| s.0.clone()),
    };
    let no_codes = state.config().no_error_codes;
    let result = tokio::task::spawn_blocking(move || {
        if state.config().unsubscribed {
            return Err(EmuError::row(
                Row::NcloudInstanceNoMissing,
                "the account has no Private CA subscription (--unsubscribed)",
            ));
        }
        housekeeping(&state)?;
        authorize(&state, op, &call)?;
        handler(&state, &call)
    })
    .await;
    let error = match result {
        Ok(Ok(response)) => return response,
        Ok(Err(e)) => e,
        Err(join) => EmuError::internal(format_args!("handler failed: {join}")),
    };
    match error.message() {
        // `--no-error-codes`: the row's status and message, `code` as the overview shows it.
        Some(msg) if no_codes => json_response(
            error.status(),
            &Envelope::<NoData>::error(&ErrorCode::from_wire("-"), msg),
        ),
        _ => error.into_response(),
    }
}

/// A sub account's rights (the gateway's, before the service sees the request): Create CA
/// is the main account's; an operation on a CA needs Add CA User to have granted the sub
/// account's `idNo` on that CA; Get CA List is filtered by its handler.
fn authorize(state: &EmuState, op: &Operation, call: &Call) -> Result<(), EmuError> {
    let Some(id) = &call.sub_account else {
        return Ok(());
    };
    if op.name == ops::CREATE_CA.name {
        return Err(EmuError::permission(
            crate::emulator::auth::MAIN_ACCOUNT_ONLY,
        ));
    }
    let tag = call.ca_tag();
    if tag.is_empty() || state.store().read(|c| store::is_user(c, tag, id))? {
        Ok(())
    } else {
        Err(EmuError::permission(
            crate::emulator::auth::NO_CA_PERMISSION,
        ))
    }
}

/// Work due before any request: deleting CAs whose 72 hours in `DESTROYING` are over.
pub(crate) fn housekeeping(state: &EmuState) -> Result<(), EmuError> {
    let now = state.now_ms();
    if state.store().read(|c| store::any_due(c, now))? {
        state.store().write(|c| store::sweep_destroyed(c, now))?;
    }
    Ok(())
}

/// `200` with `{"code":"SUCCESS","msg":"Success","data":…}`.
pub(crate) fn ok<T: Serialize>(data: T) -> Result<Response, EmuError> {
    Ok(json_response(200, &Envelope::success(Some(data))))
}

/// `200` with `data: null`.
pub(crate) fn ok_null() -> Result<Response, EmuError> {
    Ok(json_response(200, &Envelope::<NoData>::success(None)))
}

/// The CA with the path's tag: row 17 (`caTag is missing.`) for a blank tag, row 68
/// (`The CA doesn't exist.`) for an unknown one.
pub(crate) fn load_ca(c: &rusqlite::Connection, tag: &str) -> Result<CaRow, EmuError> {
    if tag.trim().is_empty() {
        return Err(EmuError::row(Row::CaTagMissing, "blank caTag path segment"));
    }
    store::get_ca(c, tag)?.ok_or_else(|| EmuError::no_ca(format!("no CA with tag {tag:?}")))
}

/// Page arithmetic for the list operations: `pageNo` (absent ⇒ 1; not a positive integer
/// ⇒ `INVALID_INPUT_PAGENUMBBER`) into `(page, offset)`.
pub(crate) fn page_of(call: &Call, page_size: usize) -> Result<(i64, i64), EmuError> {
    let page = match call.query("pageNo") {
        None => 1,
        Some(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1 && *n <= i64::from(u32::MAX))
            .ok_or_else(|| {
                EmuError::detail(
                    ErrorCode::InvalidInputPageNumber,
                    format!("pageNo {text:?} is not a positive integer"),
                )
            })?,
    };
    let size = i64::try_from(page_size).unwrap_or(i64::MAX);
    Ok((page, (page - 1).saturating_mul(size)))
}

/// Number of pages for `total` items (at least 1).
pub(crate) fn page_count(total: i64, page_size: usize) -> i64 {
    let size = i64::try_from(page_size).unwrap_or(i64::MAX).max(1);
    ((total + size - 1) / size).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_handler() {
        for op in ops::ALL {
            assert!(handler(op).is_some(), "{}", op.name);
        }
    }

    #[test]
    fn json_bodies() {
        #[derive(serde::Deserialize, Default, Debug)]
        struct T {
            #[serde(default)]
            a: String,
        }
        let call = |b: &'static str| Call {
            body: Bytes::from_static(b.as_bytes()),
            ..Call::default()
        };
        for empty in ["", " \n"] {
            let e = call(empty).json::<T>().unwrap_err();
            assert_eq!(e.catalogue_row(), Some(Row::RequestBodyMissing));
        }
        assert_eq!(call("{}").json::<T>().unwrap().a, "");
        assert_eq!(call(r#"{"a":"x"}"#).json::<T>().unwrap().a, "x");
        assert_eq!(call(r#"{"a":null}"#).json::<T>().unwrap().a, "");
        for bad in ["{", "null", "[]", r#"{"a":5}"#, "\u{0}"] {
            let e = call(bad).json::<T>().unwrap_err();
            assert_eq!(e.code(), Some(ErrorCode::InvalidRequest), "{bad}");
        }
        let deep = format!("{{\"b\":{}{}}}", "[".repeat(40), "]".repeat(40));
        let e = Call {
            body: Bytes::from(deep),
            ..Call::default()
        }
        .json::<T>()
        .unwrap_err();
        assert_eq!(e, EmuError::Limit(Limit::JsonDepth));
    }

    #[test]
    fn pages() {
        let with = |v: &str| Call {
            query: vec![("pageNo".to_owned(), v.to_owned())],
            ..Call::default()
        };
        assert_eq!(page_of(&Call::default(), 10).unwrap(), (1, 0));
        assert_eq!(page_of(&with("3"), 10).unwrap(), (3, 20));
        for bad in ["0", "-1", "x", ""] {
            assert_eq!(
                page_of(&with(bad), 10).unwrap_err().code(),
                Some(ErrorCode::InvalidInputPageNumber)
            );
        }
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused() {
        let ok = read_body(Body::from(vec![b'a'; MAX_BODY_BYTES]))
            .await
            .unwrap();
        assert_eq!(ok.len(), MAX_BODY_BYTES);
        let e = read_body(Body::from(vec![b'a'; MAX_BODY_BYTES + 1]))
            .await
            .unwrap_err();
        assert_eq!(e, EmuError::Limit(Limit::Body));
        assert_eq!(e.status(), 413);
        assert_eq!(e.code(), Some(ErrorCode::InvalidRequest));
    }
}
