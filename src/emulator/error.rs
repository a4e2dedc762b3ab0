//! The emulator's one error type, [`EmuError`], and the one place where an error becomes an
//! HTTP response ([`IntoResponse`]).
//!
//! Three families exist, as on the real service (spec §1.6):
//!
//! - **API errors**: the PCA envelope `{"code":…,"msg":…,"data":null}` with the HTTP status
//!   and exact message of a row of the service's catalogue ([`Row`], §1.7.1) and a `code`
//!   from §1.7.2. A free-text detail, never part of the body, goes into the
//!   `x-pca-emulator-detail` response header to help debugging.
//! - **Gateway errors**: the API Gateway body `{"error":{"errorCode",…}}` (§1.6.2), used for
//!   authentication failures (401), unknown routes (404) and injected 429/503 faults.
//! - **Internal errors**: storage or engine failures that are the emulator's fault, never the
//!   caller's, and injected 500s: row 70 (500, `INTERNAL_SERVER_ERROR`), detail logged to
//!   stderr.
//!
//! Depends on `crate::api` only.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::ErrorCode;
use crate::api::catalogue::Row;
use crate::api::error::{GatewayError, GatewayErrorBody};
use crate::api::model::{Envelope, NoData};
use crate::emulator::limits::Limit;

/// Response header carrying a human-readable detail of an error (debugging aid; the body
/// keeps the documented message).
pub const DETAIL_HEADER: &str = "x-pca-emulator-detail";

/// Everything that can go wrong while serving a request.
#[derive(Debug, Clone, PartialEq)]
pub enum EmuError {
    /// A PCA API error (§1.6.1): the envelope with `code` and the status and message of
    /// `row` (§1.7.1); without a row (codes the catalogue has none for) the code's own
    /// status and message. `detail` only goes into the [`DETAIL_HEADER`].
    Api {
        /// The error code (§1.7.2).
        code: ErrorCode,
        /// The catalogue row answered.
        row: Option<Row>,
        /// Optional explanation for humans.
        detail: Option<String>,
    },
    /// The account already has the maximum number of CAs: row 60.
    TooManyCas,
    /// An API Gateway error (§1.6.2): authentication failures.
    Gateway {
        /// Status, `errorCode` and `message`.
        error: GatewayError,
        /// The `details` text.
        details: &'static str,
    },
    /// An injected fault (`--fault-rate`): the given status with a gateway-style body.
    Fault(u16),
    /// One of the emulator's own protective limits ([`Limit`]): its status, and a message
    /// naming the limit (the envelope with `INVALID_REQUEST` for the 4xx ones, the
    /// gateway's 503 body for the connection cap). Not a catalogue row.
    Limit(Limit),
    /// A failure inside the emulator (storage, engine): 500, logged.
    Internal(String),
}

impl EmuError {
    /// An API error answered with the code's catalogue row ([`Row::for_code`]), no detail.
    pub fn api(code: ErrorCode) -> EmuError {
        EmuError::Api {
            row: Row::for_code(&code),
            code,
            detail: None,
        }
    }

    /// Like [`EmuError::api`], with a detail for the [`DETAIL_HEADER`].
    pub fn detail(code: ErrorCode, detail: impl Into<String>) -> EmuError {
        EmuError::Api {
            row: Row::for_code(&code),
            code,
            detail: Some(detail.into()),
        }
    }

    /// A catalogue row with its recommended code ([`Row::code`]) and a detail.
    pub fn row(row: Row, detail: impl Into<String>) -> EmuError {
        EmuError::Api {
            code: row.code(),
            row: Some(row),
            detail: Some(detail.into()),
        }
    }

    /// Row 68, `The CA doesn't exist.` (400, `NOT_FOUND`): an unknown caTag.
    pub fn no_ca(what: impl Into<String>) -> EmuError {
        EmuError::row(Row::CaNotFound, what)
    }

    /// Row 69, `The certificate doesn't exist.` (400, `NOT_FOUND`): an unknown serial.
    pub fn no_certificate(what: impl Into<String>) -> EmuError {
        EmuError::row(Row::CertificateNotFound, what)
    }

    /// The gateway's 404 for a path no operation serves (not a service answer: clients
    /// must not read it as "does not exist").
    pub fn no_route() -> EmuError {
        EmuError::Gateway {
            error: GatewayError::NOT_FOUND,
            details: "No operation is served at this method and path.",
        }
    }

    /// `400 INVALID_REQUEST` ("Invalid request."): malformed JSON, wrong types, oversized
    /// body.
    pub fn invalid_request(detail: impl Into<String>) -> EmuError {
        EmuError::detail(ErrorCode::InvalidRequest, detail)
    }

    /// `400 INVALID_CA_STATUS`: the operation is not allowed in the CA's current status.
    pub fn ca_status(detail: impl Into<String>) -> EmuError {
        EmuError::detail(ErrorCode::InvalidCaStatus, detail)
    }

    /// A 401 gateway authentication failure with the given `details`.
    pub fn auth(details: &'static str) -> EmuError {
        EmuError::Gateway {
            error: GatewayError::AUTHENTICATION_FAILED,
            details,
        }
    }

    /// A 401 gateway permission failure (errorCode 210) with the given `details`.
    pub fn permission(details: &'static str) -> EmuError {
        EmuError::Gateway {
            error: GatewayError::PERMISSION_DENIED,
            details,
        }
    }

    /// An internal failure (500).
    pub fn internal(detail: impl std::fmt::Display) -> EmuError {
        EmuError::Internal(detail.to_string())
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            EmuError::Api { row: Some(row), .. } => row.http_status(),
            EmuError::Api { code, .. } => code.http_status(),
            EmuError::TooManyCas => Row::CaLimit.http_status(),
            EmuError::Gateway { error, .. } => error.http_status,
            EmuError::Fault(status) => *status,
            EmuError::Limit(limit) => limit.status(),
            EmuError::Internal(_) => Row::ServiceError.http_status(),
        }
    }

    /// The catalogue row answered, if any.
    pub fn catalogue_row(&self) -> Option<Row> {
        match self {
            EmuError::Api { row, .. } => *row,
            EmuError::TooManyCas => Some(Row::CaLimit),
            EmuError::Internal(_) => Some(Row::ServiceError),
            EmuError::Fault(500) => Some(Row::ServiceError),
            EmuError::Gateway { .. } | EmuError::Fault(_) | EmuError::Limit(_) => None,
        }
    }

    /// The `msg` of the envelope this error is answered with (API and internal errors).
    pub fn message(&self) -> Option<&'static str> {
        match (self.catalogue_row(), self) {
            (Some(row), _) => Some(row.message()),
            (None, EmuError::Api { code, .. }) => Some(code.default_message()),
            _ => None,
        }
    }

    /// The API error code, for API and internal errors.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            EmuError::Api { code, .. } => Some(code.clone()),
            EmuError::TooManyCas => Some(Row::CaLimit.code()),
            EmuError::Internal(_) => Some(ErrorCode::InternalServerError),
            EmuError::Limit(Limit::Connections(_)) => None,
            EmuError::Limit(_) => Some(ErrorCode::InvalidRequest),
            EmuError::Gateway { .. } | EmuError::Fault(_) => None,
        }
    }
}

impl std::fmt::Display for EmuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmuError::Api { code, detail, .. } => match detail {
                Some(d) => write!(f, "{code}: {d}"),
                None => write!(f, "{code}"),
            },
            EmuError::TooManyCas => f.write_str(Row::CaLimit.message()),
            EmuError::Gateway { error, details } => write!(f, "{}: {details}", error.message),
            EmuError::Fault(status) => write!(f, "injected fault {status}"),
            EmuError::Limit(limit) => f.write_str(&limit.message()),
            EmuError::Internal(d) => write!(f, "internal error: {d}"),
        }
    }
}

impl std::error::Error for EmuError {}

impl From<rusqlite::Error> for EmuError {
    fn from(e: rusqlite::Error) -> Self {
        EmuError::internal(format_args!("storage: {e}"))
    }
}

/// A JSON response with the given status.
pub(crate) fn json_response<T: Serialize>(status: u16, body: &T) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The message and the reason phrase of an injected fault status.
fn fault_message(status: u16) -> &'static str {
    match status {
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Injected Fault",
    }
}

impl IntoResponse for EmuError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = match &self {
            EmuError::Api { code, .. } => json_response(
                status,
                &Envelope::<NoData>::error(code, self.message().unwrap_or_default()),
            ),
            EmuError::TooManyCas => json_response(
                status,
                &Envelope::<NoData>::error(&Row::CaLimit.code(), Row::CaLimit.message()),
            ),
            EmuError::Gateway { error, details } => {
                json_response(status, &error.body(Some(details)))
            }
            EmuError::Fault(500) => json_response(
                500,
                &Envelope::<NoData>::error(&Row::ServiceError.code(), Row::ServiceError.message()),
            ),
            EmuError::Fault(status) => {
                let body = GatewayErrorBody {
                    error: crate::api::error::GatewayErrorDetail {
                        error_code: status.to_string(),
                        message: fault_message(*status).to_owned(),
                        details: Some("Injected by pca-emulator (--fault-rate).".to_owned()),
                    },
                };
                let mut r = json_response(*status, &body);
                if *status == 429 || *status == 503 {
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                }
                r
            }
            EmuError::Limit(limit @ Limit::Connections(_)) => {
                let body = GatewayErrorBody {
                    error: crate::api::error::GatewayErrorDetail {
                        error_code: "503".to_owned(),
                        message: "Service Unavailable".to_owned(),
                        details: Some(limit.message()),
                    },
                };
                json_response(status, &body)
            }
            EmuError::Limit(limit) => json_response(
                status,
                &Envelope::<NoData>::error(&ErrorCode::InvalidRequest, limit.message()),
            ),
            EmuError::Internal(detail) => {
                eprintln!("pca-emulator: internal error: {detail}");
                json_response(
                    status,
                    &Envelope::<NoData>::error(
                        &Row::ServiceError.code(),
                        Row::ServiceError.message(),
                    ),
                )
            }
        };
        let detail = match &self {
            EmuError::Api {
                detail: Some(d), ..
            } => Some(d.as_str()),
            EmuError::Internal(d) => Some(d.as_str()),
            EmuError::Limit(_) => {
                Some("pca-emulator's own limit, not a row of the service's catalogue")
            }
            _ => None,
        };
        if let Some(d) = detail
            && let Ok(v) = HeaderValue::from_str(&sanitize_header(d))
        {
            response
                .headers_mut()
                .insert(HeaderName::from_static(DETAIL_HEADER), v);
        }
        response
    }
}

/// Keeps a detail text within what a header value may carry (visible ASCII and spaces),
/// and short.
fn sanitize_header(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_json(r: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn api_errors_use_the_catalogue() {
        let r = EmuError::detail(ErrorCode::EmptyCaAlias, "no alias").into_response();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()[DETAIL_HEADER], "no alias");
        assert_eq!(
            body_json(r).await,
            serde_json::json!({"code":"EMPTY_CA_ALIAS","msg":"alias is missing.","data":null})
        );
        let r = EmuError::no_ca("x").into_response();
        assert_eq!(r.status(), 400);
        assert_eq!(
            body_json(r).await,
            serde_json::json!({"code":"NOT_FOUND","msg":"The CA doesn't exist.","data":null})
        );
        let r = EmuError::TooManyCas.into_response();
        assert_eq!(r.status(), 400);
        assert_eq!(
            body_json(r).await["msg"],
            "The maximum number of CAs that can be created has been exceeded.\nUp to 10 root/intermediate CAs can be created."
        );
        let r = EmuError::no_route().into_response();
        assert_eq!(r.status(), 404);
        assert_eq!(body_json(r).await["error"]["errorCode"], "300");
    }

    #[tokio::test]
    async fn gateway_faults_and_internal() {
        let r = EmuError::auth("Invalid signature.").into_response();
        assert_eq!(r.status(), 401);
        assert_eq!(body_json(r).await["error"]["errorCode"], "200");
        let r = EmuError::Fault(429).into_response();
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        assert_eq!(body_json(r).await["error"]["errorCode"], "429");
        let r = EmuError::internal("disk on fire\n").into_response();
        assert_eq!(r.status(), 500);
        assert_eq!(r.headers()[DETAIL_HEADER], "disk on fire?");
        let body = body_json(r).await;
        assert_eq!(body["code"], "INTERNAL_SERVER_ERROR");
        assert_eq!(body["msg"], Row::ServiceError.message());
        let r = EmuError::Fault(500).into_response();
        assert_eq!(r.status(), 500);
        assert_eq!(body_json(r).await["msg"], Row::ServiceError.message());
    }
}
