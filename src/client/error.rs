//! The client's one error type, [`ClientError`].
//!
//! Every variant names the operation that failed; errors that come from an HTTP response
//! carry the status, the API code and message and the request id (taken from the first of
//! the response headers [`REQUEST_ID_HEADERS`] that is present — which one NCP's gateway
//! sends is UNCONFIRMED, so all three are tried).
//!
//! No secret ever reaches this type: the transport removes the secret key and the attempt's
//! signature from any text the server sends back before it is stored here, so `Display` and
//! `Debug` are safe to log and to show in Terraform diagnostics.

use std::fmt;

use crate::api::catalogue::Row;
use crate::api::error::ErrorCode;
use crate::api::signing::MAX_CLOCK_SKEW_MS;
use crate::client::retry::{Class, status_class};

/// Response headers read for the request id, in this order.
pub const REQUEST_ID_HEADERS: [&str; 3] = ["x-ncp-trace-id", "x-ncp-request-id", "x-request-id"];

/// Why a 401 is probably the local clock's fault (spec §1.4: the gateway rejects a
/// timestamp more than 5 minutes off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockHint {
    /// Server time minus local time, in seconds, when the response's `Date` header showed a
    /// difference of more than 5 minutes; `None` when only the message pointed at the
    /// timestamp.
    pub skew_secs: Option<i64>,
}

impl fmt::Display for ClockHint {
    /// One sentence pair, e.g. "The API rejected the request time: this machine's clock is
    /// 7 min 12 s behind the API. …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let window = MAX_CLOCK_SKEW_MS / 60_000;
        match self.skew_secs {
            Some(s) => write!(
                f,
                "The API rejected the request time: this machine's clock is {} {} the API (measured from the response's Date header). Set the system clock (NTP); NCP accepts at most {window} minutes of difference.",
                duration_words(s.unsigned_abs()),
                if s > 0 { "behind" } else { "ahead of" }
            ),
            None => write!(
                f,
                "The API rejected the request time: check this machine's system clock (NTP); NCP accepts at most {window} minutes of difference."
            ),
        }
    }
}

/// `7 min 12 s`, `2 h 3 min 4 s`, `40 s`.
pub fn duration_words(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s} s"),
        _ => format!("{h} h {m} min {s} s"),
    }
}

/// An error from a client operation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientError {
    /// The Private CA service answered with its error envelope `{code, msg, data}`: a
    /// non-2xx status, or a 2xx whose `code` is not `SUCCESS`.
    Api {
        /// The operation, e.g. `"Create CA"`.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// The envelope's `code` (unknown codes kept verbatim).
        code: ErrorCode,
        /// The envelope's `msg` (language-dependent; for people, not for matching).
        message: String,
        /// The request id, when a response header carried one.
        request_id: Option<String>,
        /// How many attempts were made.
        attempts: u32,
        /// Set on a 401 that looks like a clock problem.
        clock: Option<ClockHint>,
    },
    /// An error response that is not the service envelope: the API gateway's
    /// `{"error":{"errorCode",…}}` (authentication, permission, throttling), the NCP
    /// standard shape, or any other body (e.g. an HTML 502 page, kept as short text).
    Gateway {
        /// The operation.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// The gateway's `errorCode` (e.g. `"200"`), when the body had one.
        error_code: Option<String>,
        /// The message (with the gateway's details), or the start of the raw body.
        message: String,
        /// The request id, when a response header carried one.
        request_id: Option<String>,
        /// How many attempts were made.
        attempts: u32,
        /// Set on a 401 that looks like a clock problem.
        clock: Option<ClockHint>,
        /// What to check, in words: where the credentials came from on an authentication
        /// failure, the operation's permission on a permission failure.
        advice: Option<Box<str>>,
    },
    /// The HTTP exchange failed without a response.
    Transport {
        /// The operation.
        operation: &'static str,
        /// What failed (the error chain, secrets removed).
        message: String,
        /// Whether the request may have reached the server (`false`: the connection could
        /// not even be established).
        sent: bool,
        /// How many attempts were made.
        attempts: u32,
        /// What to check, in words: the URL and where it came from, TLS details.
        advice: Option<Box<str>>,
    },
    /// The request was sent but no complete response arrived within the request timeout.
    Timeout {
        /// The operation.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A response arrived but could not be read: not the expected JSON, or no `data` where
    /// the operation must return some.
    Decode {
        /// The operation.
        operation: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// What is wrong.
        message: String,
        /// The request id, when a response header carried one.
        request_id: Option<String>,
    },
    /// The request could not be built (e.g. an empty path parameter); nothing was sent.
    InvalidRequest {
        /// The operation.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The client could not be built (endpoint, credentials, TLS setup).
    Config {
        /// What is wrong.
        message: String,
    },
}

impl ClientError {
    /// The operation that failed (`None` for [`ClientError::Config`]).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            ClientError::Api { operation, .. }
            | ClientError::Gateway { operation, .. }
            | ClientError::Transport { operation, .. }
            | ClientError::Timeout { operation, .. }
            | ClientError::Decode { operation, .. }
            | ClientError::InvalidRequest { operation, .. } => Some(operation),
            ClientError::Config { .. } => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. }
            | ClientError::Gateway { status, .. }
            | ClientError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error code: the service `code` (e.g. `"NOT_FOUND"`) or the gateway `errorCode`.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code.as_str()),
            ClientError::Gateway { error_code, .. } => error_code.as_deref(),
            _ => None,
        }
    }

    /// The service error code, when the service answered with its envelope.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The request id, when the response carried one (see [`REQUEST_ID_HEADERS`]).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ClientError::Api { request_id, .. }
            | ClientError::Gateway { request_id, .. }
            | ClientError::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// How many attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            ClientError::Api { attempts, .. }
            | ClientError::Gateway { attempts, .. }
            | ClientError::Transport { attempts, .. }
            | ClientError::Timeout { attempts, .. } => *attempts,
            ClientError::Decode { .. } => 1,
            ClientError::InvalidRequest { .. } | ClientError::Config { .. } => 0,
        }
    }

    /// The row of the service's error catalogue (§1.7.1) this error is: a service envelope
    /// whose HTTP status and message are the row's (messages compared ignoring surrounding
    /// blanks and the kind of line breaks).
    pub fn catalogue_row(&self) -> Option<Row> {
        match self {
            ClientError::Api {
                status, message, ..
            } => Row::from_message(message).filter(|row| row.http_status() == *status),
            _ => None,
        }
    }

    /// Whether the CA or certificate addressed does not exist, so that Terraform should
    /// forget it. Decided only from a service answer (the `{code, msg, data}` envelope):
    ///
    /// - catalogue rows 68 and 69 (HTTP 400 `The CA doesn't exist.` /
    ///   `The certificate doesn't exist.`), whatever the `code`;
    /// - the codes `NOT_FOUND` and `NOT_EXIST_*` (§1.7.2), whatever the status;
    /// - HTTP 404 in the service envelope.
    ///
    /// A 404 without the service envelope (the gateway's "no such route") is **not**
    /// counted: a wrong endpoint or path must surface as an error rather than make
    /// Terraform forget every resource it reads. Row 67 (`The crl configuration doesn't
    /// exist.`) is not "gone" either: see [`ClientError::is_crl_config_unset`].
    pub fn is_not_found(&self) -> bool {
        if self.is_crl_config_unset() {
            return false;
        }
        if matches!(
            self.catalogue_row(),
            Some(Row::CaNotFound | Row::CertificateNotFound)
        ) {
            return true;
        }
        match self {
            ClientError::Api { status, code, .. } => {
                *status == 404
                    || matches!(
                        code,
                        ErrorCode::NotFound
                            | ErrorCode::NotExistCastore
                            | ErrorCode::NotExistPolicy
                            | ErrorCode::NotExistIssuerCa
                    )
            }
            _ => false,
        }
    }

    /// Whether the service said a CA's CRL cycle was never set: catalogue row 67 (HTTP 400
    /// `The crl configuration doesn't exist.`), an answer of Get CRL Config that means
    /// "never set", not an error.
    pub fn is_crl_config_unset(&self) -> bool {
        self.catalogue_row() == Some(Row::CrlConfigNotFound)
    }

    /// Whether the failure is transient, so that the same request may succeed later: 429,
    /// 5xx (except 501/505), 408, timeouts and transport failures. This is the failure's
    /// class; whether the client actually repeated a request also depends on the
    /// operation's idempotency (see [`retry`](crate::client::retry)).
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Api { status, .. } | ClientError::Gateway { status, .. } => {
                matches!(status_class(*status), Class::Retryable | Class::Ambiguous)
            }
            ClientError::Transport { .. } | ClientError::Timeout { .. } => true,
            _ => false,
        }
    }

    /// Whether the request may have taken effect although it failed: a timeout or a
    /// connection lost after sending, a 500/502/504-style status, or a 2xx response that
    /// could not be read. Non-idempotent operations are not retried after such failures.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            ClientError::Timeout { .. } => true,
            ClientError::Transport { sent, .. } => *sent,
            ClientError::Api { status, .. } | ClientError::Gateway { status, .. } => {
                status_class(*status) == Class::Ambiguous
            }
            ClientError::Decode { status, .. } => (200..300).contains(status),
            _ => false,
        }
    }

    /// Whether the error looks like a rejected request timestamp (check the system clock).
    pub fn is_clock_skew(&self) -> bool {
        matches!(
            self,
            ClientError::Api { clock: Some(_), .. } | ClientError::Gateway { clock: Some(_), .. }
        )
    }
}

fn suffix(f: &mut fmt::Formatter<'_>, request_id: Option<&str>, attempts: u32) -> fmt::Result {
    match (request_id, attempts > 1) {
        (Some(id), true) => write!(f, " (request id {id}; after {attempts} attempts)"),
        (Some(id), false) => write!(f, " (request id {id})"),
        (None, true) => write!(f, " (after {attempts} attempts)"),
        (None, false) => Ok(()),
    }
}

/// What ends the sentence before a hint: nothing when the text already ends in a full stop
/// (and no suffix in parentheses followed it), else a full stop.
fn stop(text: &str, suffixed: bool) -> &'static str {
    if !suffixed && text.trim_end().ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Api {
                operation,
                status,
                code,
                message,
                request_id,
                attempts,
                clock,
            } => {
                write!(f, "{operation} failed: HTTP {status}, code {code}")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                suffix(f, request_id.as_deref(), *attempts)?;
                if let Some(c) = clock {
                    write!(
                        f,
                        "{} {c}",
                        stop(message, request_id.is_some() || *attempts > 1)
                    )?;
                }
                Ok(())
            }
            ClientError::Gateway {
                operation,
                status,
                error_code,
                message,
                request_id,
                attempts,
                clock,
                advice,
            } => {
                write!(f, "{operation} failed: HTTP {status}")?;
                if let Some(code) = error_code {
                    write!(f, ", gateway error {code}")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                suffix(f, request_id.as_deref(), *attempts)?;
                let end = stop(message, request_id.is_some() || *attempts > 1);
                if let Some(c) = clock {
                    write!(f, "{end} {c}")?;
                } else if let Some(a) = advice {
                    write!(f, "{end} {a}")?;
                }
                Ok(())
            }
            ClientError::Transport {
                operation,
                message,
                sent,
                attempts,
                advice,
            } => {
                if *sent {
                    write!(
                        f,
                        "{operation} failed: the connection failed after the request was sent, so it may or may not have taken effect: {message}"
                    )?;
                } else {
                    write!(
                        f,
                        "{operation} failed: could not connect to the API: {message}"
                    )?;
                }
                suffix(f, None, *attempts)?;
                if let Some(a) = advice {
                    write!(f, "{} {a}", stop(message, *attempts > 1))?;
                }
                Ok(())
            }
            ClientError::Timeout {
                operation,
                attempts,
            } => {
                write!(
                    f,
                    "{operation} failed: no response within the request timeout, so it may or may not have taken effect"
                )?;
                suffix(f, None, *attempts)
            }
            ClientError::Decode {
                operation,
                status,
                message,
                request_id,
            } => {
                write!(
                    f,
                    "{operation}: the response (HTTP {status}) could not be read: {message}"
                )?;
                suffix(f, request_id.as_deref(), 1)
            }
            ClientError::InvalidRequest { operation, message } => {
                write!(f, "{operation}: invalid request: {message}")
            }
            ClientError::Config { message } => {
                write!(f, "invalid client configuration: {message}")
            }
        }
    }
}

impl std::error::Error for ClientError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str) -> ClientError {
        ClientError::Api {
            operation: "Get CA",
            status,
            code: ErrorCode::from_wire(code),
            message: "msg".into(),
            request_id: Some("rid-1".into()),
            attempts: 1,
            clock: None,
        }
    }

    fn gateway(status: u16) -> ClientError {
        ClientError::Gateway {
            operation: "Get CA",
            status,
            error_code: Some("300".into()),
            message: "Not Found Exception".into(),
            request_id: None,
            attempts: 3,
            clock: None,
            advice: None,
        }
    }

    #[test]
    fn catalogue_not_found_rows_count_without_a_code() {
        let with = |status: u16, code: &str, msg: &str| ClientError::Api {
            operation: "Get CA",
            status,
            code: ErrorCode::from_wire(code),
            message: msg.into(),
            request_id: None,
            attempts: 1,
            clock: None,
        };
        for code in ["", "-", "SOMETHING_NEW", "NOT_FOUND"] {
            assert!(
                with(400, code, "The CA doesn't exist.").is_not_found(),
                "{code}"
            );
            assert!(with(400, code, "The certificate doesn't exist.\n").is_not_found());
            let crl = with(400, code, "The crl configuration doesn't exist.");
            assert!(!crl.is_not_found(), "{code}");
            assert!(crl.is_crl_config_unset());
        }
        assert_eq!(
            with(400, "", "The CA doesn't exist.").catalogue_row(),
            Some(Row::CaNotFound)
        );
        // The message alone is not enough: the status must be the row's.
        assert!(!with(500, "", "The CA doesn't exist.").is_not_found());
        assert!(!with(400, "", "Invalid ca status.").is_not_found());
        assert!(!with(400, "", "The CA does not exist").is_not_found());
    }

    #[test]
    fn not_found() {
        assert!(api(404, "NOT_FOUND").is_not_found());
        assert!(api(404, "SOMETHING").is_not_found());
        assert!(api(400, "NOT_FOUND").is_not_found());
        assert!(api(404, "NOT_EXIST_ISSUER_CA").is_not_found());
        assert!(!api(400, "INVALID_CA_STATUS").is_not_found());
        assert!(!gateway(404).is_not_found());
    }

    #[test]
    fn retryable_and_ambiguous() {
        assert!(api(503, "X").is_retryable());
        assert!(!api(503, "X").is_ambiguous());
        assert!(api(500, "X").is_retryable());
        assert!(api(500, "X").is_ambiguous());
        assert!(gateway(429).is_retryable());
        assert!(!api(400, "X").is_retryable());
        assert!(!api(501, "X").is_retryable());
        let t = ClientError::Timeout {
            operation: "x",
            attempts: 1,
        };
        assert!(t.is_retryable() && t.is_ambiguous());
        let refused = ClientError::Transport {
            operation: "x",
            message: "refused".into(),
            sent: false,
            attempts: 6,
            advice: None,
        };
        assert!(refused.is_retryable() && !refused.is_ambiguous());
        let decode = ClientError::Decode {
            operation: "x",
            status: 200,
            message: "bad".into(),
            request_id: None,
        };
        assert!(decode.is_ambiguous() && !decode.is_retryable());
    }

    #[test]
    fn accessors_and_display() {
        let e = api(404, "NOT_FOUND");
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.code(), Some("NOT_FOUND"));
        assert_eq!(e.request_id(), Some("rid-1"));
        assert_eq!(e.operation(), Some("Get CA"));
        assert_eq!(
            e.to_string(),
            "Get CA failed: HTTP 404, code NOT_FOUND: msg (request id rid-1)"
        );
        assert_eq!(
            gateway(404).to_string(),
            "Get CA failed: HTTP 404, gateway error 300: Not Found Exception (after 3 attempts)"
        );
        let c = ClientError::Gateway {
            operation: "Get CA",
            status: 401,
            error_code: Some("200".into()),
            message: "Authentication Failed".into(),
            request_id: None,
            attempts: 1,
            clock: Some(ClockHint {
                skew_secs: Some(-3600),
            }),
            advice: Some("never shown with a clock hint".into()),
        };
        assert!(c.is_clock_skew());
        let s = c.to_string();
        assert!(s.contains("system clock"), "{s}");
        assert!(s.contains("clock is 1 h 0 min 0 s ahead of the API"), "{s}");
        assert!(!s.contains("never shown") && !s.contains(".."), "{s}");
        assert_eq!(s.matches("clock").count(), 2, "the clock is said once: {s}");
    }

    #[test]
    fn clock_words_and_single_stops() {
        assert_eq!(duration_words(432), "7 min 12 s");
        assert_eq!(duration_words(40), "40 s");
        assert_eq!(duration_words(7384), "2 h 3 min 4 s");
        let behind = ClockHint {
            skew_secs: Some(432),
        };
        assert!(
            behind
                .to_string()
                .contains("this machine's clock is 7 min 12 s behind the API"),
            "{behind}"
        );
        let e = ClientError::Gateway {
            operation: "Get CA List",
            status: 401,
            error_code: Some("200".into()),
            message: "Authentication Failed: Invalid signature.".into(),
            request_id: None,
            attempts: 1,
            clock: None,
            advice: Some("Check the key.".into()),
        };
        assert_eq!(
            e.to_string(),
            "Get CA List failed: HTTP 401, gateway error 200: Authentication Failed: Invalid signature. Check the key."
        );
    }
}
