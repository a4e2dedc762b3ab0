//! The one request path every operation takes: build the request URI once, then per
//! attempt sign (fresh timestamp), send, classify ([`retry::classify`]) and back off.
//!
//! Headers of every attempt: `x-ncp-apigw-timestamp`, `x-ncp-iam-access-key`,
//! `x-ncp-apigw-signature-v2` (spec §1.2), `Content-Type: application/json` (the docs send it
//! on every request, GET and DELETE included), `Accept: application/json` and the
//! [`USER_AGENT`](crate::client::USER_AGENT). The signature covers `METHOD request-uri`,
//! where the request URI is exactly the path and query that go on the wire.
//!
//! Text the server sends back is scrubbed of the secret key and the attempt's signature
//! before it can reach a [`ClientError`].

use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderMap, RETRY_AFTER};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::api::error::ErrorBody;
use crate::api::model::Envelope;
use crate::api::ops::{Method, Operation};
use crate::api::signing::{
    self, HEADER_ACCESS_KEY, HEADER_SIGNATURE_V2, HEADER_TIMESTAMP, MAX_CLOCK_SKEW_MS,
};
use crate::api::uri;
use crate::client::error::{ClientError, ClockHint, REQUEST_ID_HEADERS};
use crate::client::retry::{self, Outcome, Retry};
use crate::client::{Client, advice};

/// Longest piece of a non-JSON error body kept in an error message.
const RAW_BODY_LIMIT: usize = 300;

/// What one attempt produced.
enum Attempt {
    /// A complete response.
    Response {
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
    },
    /// No complete response; `sent` tells whether the request may have reached the server.
    Failed { error: reqwest::Error, sent: bool },
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}

fn http_method(m: Method) -> reqwest::Method {
    match m {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// Removes the secret key and the signature from server-provided text.
struct Scrubber<'a> {
    secret: &'a str,
    signature: String,
}

impl Scrubber<'_> {
    fn clean(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in [self.secret, self.signature.as_str()] {
            if !s.is_empty() && out.contains(s) {
                out = out.replace(s, "<redacted>");
            }
        }
        out
    }
}

/// The error chain of a transport error as one line (reqwest's own message names only the
/// URL; the cause sits in `source()`).
fn chain(error: &reqwest::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last().is_none_or(|p| !p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn shorten(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > RAW_BODY_LIMIT {
        let cut: String = collapsed.chars().take(RAW_BODY_LIMIT).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    })
}

fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()))
}

/// On a 401: a `Date` header more than 5 minutes from the local clock, or a message that
/// mentions the timestamp, points at the system clock (spec §1.4).
fn clock_hint(status: u16, headers: &HeaderMap, message: &str) -> Option<ClockHint> {
    if status != 401 {
        return None;
    }
    let skew_secs = headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .map(|server| match server.duration_since(SystemTime::now()) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
        });
    match skew_secs {
        Some(s) if s.unsigned_abs() * 1000 > MAX_CLOCK_SKEW_MS.unsigned_abs() => {
            Some(ClockHint { skew_secs: Some(s) })
        }
        _ if message.to_ascii_lowercase().contains("timestamp") => {
            Some(ClockHint { skew_secs: None })
        }
        _ => None,
    }
}

impl Client {
    /// Serializes a request body once (it is re-sent unchanged on every attempt).
    pub(crate) fn json_body<B: Serialize>(
        op: &Operation,
        body: &B,
    ) -> Result<Vec<u8>, ClientError> {
        serde_json::to_vec(body).map_err(|e| ClientError::InvalidRequest {
            operation: op.name,
            message: format!("the body could not be encoded: {e}"),
        })
    }

    /// A fresh timestamp for one attempt: the current time in milliseconds, but always
    /// later than the previous attempt's of this client, so no two signatures share one.
    fn next_timestamp(&self) -> String {
        let now = now_ms();
        let prev = self
            .inner
            .last_timestamp_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
                Some(now.max(last.saturating_add(1)))
            })
            .unwrap_or_else(|p| p);
        now.max(prev.saturating_add(1)).to_string()
    }

    /// Sends an operation and returns the envelope's `data` (`None` when it was `null` or
    /// absent). `params` fill the path template; `query` pairs go in the order given; `body`
    /// is the serialized JSON body, if the operation has one.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        op: &'static Operation,
        params: &[(&str, &str)],
        query: &[(&'static str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Option<T>, ClientError> {
        let invalid = |message: String| ClientError::InvalidRequest {
            operation: op.name,
            message,
        };
        let path = op.path_for(params).map_err(|e| invalid(e.to_string()))?;
        let request_uri = uri::request_uri(&path, &uri::query_string(query));
        let url = reqwest::Url::parse(&format!("{}{request_uri}", self.inner.base_url))
            .map_err(|e| invalid(format!("the URL could not be built: {e}")))?;
        // The URL parser must not have normalised anything: the signed URI is what is sent.
        let on_wire = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        if on_wire != request_uri {
            return Err(invalid(format!(
                "the request URI {request_uri:?} would be sent as {on_wire:?}"
            )));
        }
        let method = http_method(op.method);
        let credentials = &self.inner.credentials;
        let policy = self.inner.policy;
        let mut retries_done = 0u32;
        loop {
            let timestamp = self.next_timestamp();
            let signature = signing::sign_request(
                credentials.secret_key(),
                op.method.as_str(),
                &request_uri,
                &timestamp,
                &credentials.access_key,
            );
            let mut request = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .header(HEADER_TIMESTAMP, &timestamp)
                .header(HEADER_ACCESS_KEY, &credentials.access_key)
                .header(HEADER_SIGNATURE_V2, &signature)
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "application/json");
            if let Some(b) = &body {
                request = request.body(b.clone());
            }
            let attempt = match request.send().await {
                Err(error) => {
                    let sent = !error.is_connect();
                    Attempt::Failed { error, sent }
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(b) => Attempt::Response {
                            status,
                            headers,
                            body: b.to_vec(),
                        },
                        Err(error) => Attempt::Failed { error, sent: true },
                    }
                }
            };
            let outcome = match &attempt {
                Attempt::Response {
                    status, headers, ..
                } => Outcome::Status {
                    status: *status,
                    retry_after: retry_after(headers),
                },
                Attempt::Failed { sent: false, .. } => Outcome::NotSent,
                Attempt::Failed { sent: true, .. } => Outcome::Lost,
            };
            let decision = retry::classify(
                &policy,
                op.idempotent,
                &outcome,
                retries_done,
                fastrand::f64(),
            );
            match decision {
                Retry::After(delay) => {
                    tracing::debug!(
                        operation = op.name,
                        attempt = retries_done + 1,
                        outcome = ?outcome,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    retries_done += 1;
                }
                Retry::No => {
                    let scrub = Scrubber {
                        secret: credentials.secret_key(),
                        signature,
                    };
                    return finish(op, attempt, retries_done + 1, &scrub).map_err(|e| {
                        advice::advise(
                            e,
                            &advice::Context {
                                access_key: &credentials.access_key,
                                credentials: &self.inner.credential_origin,
                                base_url: &self.inner.base_url,
                                endpoint: &self.inner.endpoint_origin,
                                ca_tag: params.iter().find(|(n, _)| *n == "caTag").map(|(_, v)| *v),
                            },
                        )
                    });
                }
            }
        }
    }
}

/// Turns the last attempt into the operation's result.
fn finish<T: DeserializeOwned>(
    op: &'static Operation,
    attempt: Attempt,
    attempts: u32,
    scrub: &Scrubber<'_>,
) -> Result<Option<T>, ClientError> {
    let operation = op.name;
    let (status, headers, body) = match attempt {
        Attempt::Failed { error, sent } => {
            tracing::debug!(
                operation,
                attempts,
                sent,
                "request failed: {}",
                chain(&error)
            );
            return Err(if sent && error.is_timeout() {
                ClientError::Timeout {
                    operation,
                    attempts,
                }
            } else {
                ClientError::Transport {
                    operation,
                    message: scrub.clean(&chain(&error)),
                    sent,
                    attempts,
                    advice: None,
                }
            });
        }
        Attempt::Response {
            status,
            headers,
            body,
        } => (status, headers, body),
    };
    let request_id = request_id(&headers).map(|r| scrub.clean(&r));
    tracing::debug!(operation, attempts, status, request_id, "response");
    if (200..300).contains(&status) {
        return match serde_json::from_slice::<Envelope<T>>(&body) {
            Ok(env) if env.is_success() => Ok(env.data),
            Ok(env) => Err(ClientError::Api {
                operation,
                status,
                code: env.error_code(),
                message: scrub.clean(&env.msg),
                request_id,
                attempts,
                clock: None,
            }),
            Err(e) => match serde_json::from_slice::<Envelope<IgnoredAny>>(&body) {
                Ok(env) if !env.is_success() => Err(ClientError::Api {
                    operation,
                    status,
                    code: env.error_code(),
                    message: scrub.clean(&env.msg),
                    request_id,
                    attempts,
                    clock: None,
                }),
                _ => Err(ClientError::Decode {
                    operation,
                    status,
                    message: shorten(&scrub.clean(&e.to_string())),
                    request_id,
                }),
            },
        };
    }
    Err(match ErrorBody::parse(&body) {
        ErrorBody::Pca(env) => {
            let message = scrub.clean(&env.msg);
            ClientError::Api {
                operation,
                status,
                code: env.error_code(),
                clock: clock_hint(status, &headers, &message),
                message,
                request_id,
                attempts,
            }
        }
        ErrorBody::Raw(text) => {
            let message = shorten(&scrub.clean(&text));
            ClientError::Gateway {
                operation,
                status,
                error_code: None,
                clock: clock_hint(status, &headers, &message),
                message,
                request_id,
                attempts,
                advice: None,
            }
        }
        other => {
            let message = scrub.clean(&other.message());
            ClientError::Gateway {
                operation,
                status,
                error_code: other.code().map(|c| scrub.clean(c)),
                clock: clock_hint(status, &headers, &message),
                message,
                request_id,
                attempts,
                advice: None,
            }
        }
    })
}

/// The `data` of an operation that must return some.
pub(crate) fn required<T>(op: &Operation, data: Option<T>) -> Result<T, ClientError> {
    data.ok_or(ClientError::Decode {
        operation: op.name,
        status: 200,
        message: "the response has no data".to_owned(),
        request_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::Duration;

    #[test]
    fn scrubber_removes_secrets() {
        let s = Scrubber {
            secret: "SECRETKEY",
            signature: "c2lnbmF0dXJl".into(),
        };
        assert_eq!(
            s.clean("bad SECRETKEY and c2lnbmF0dXJl"),
            "bad <redacted> and <redacted>"
        );
        let empty = Scrubber {
            secret: "",
            signature: String::new(),
        };
        assert_eq!(empty.clean("text"), "text");
    }

    #[test]
    fn shorten_collapses_and_cuts() {
        assert_eq!(
            shorten("<html>\n  <b>502</b>\n</html>"),
            "<html> <b>502</b> </html>"
        );
        let long = "x".repeat(1000);
        assert_eq!(shorten(&long).chars().count(), RAW_BODY_LIMIT + 1);
    }

    #[test]
    fn request_id_header_order() {
        let mut h = HeaderMap::new();
        assert_eq!(request_id(&h), None);
        h.insert("x-request-id", HeaderValue::from_static("b"));
        assert_eq!(request_id(&h).as_deref(), Some("b"));
        h.insert("x-ncp-trace-id", HeaderValue::from_static("a"));
        assert_eq!(request_id(&h).as_deref(), Some("a"));
    }

    #[test]
    fn clock_hints() {
        let mut h = HeaderMap::new();
        assert_eq!(clock_hint(401, &h, "Authentication Failed"), None);
        assert_eq!(
            clock_hint(401, &h, "Invalid Timestamp"),
            Some(ClockHint { skew_secs: None })
        );
        assert_eq!(clock_hint(400, &h, "timestamp"), None);
        let hour_ahead = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        h.insert(
            DATE,
            HeaderValue::from_str(&hour_ahead).expect("header value"),
        );
        let hint = clock_hint(401, &h, "Authentication Failed").expect("hint");
        assert!(
            (3590..=3600).contains(&hint.skew_secs.unwrap_or(0)),
            "{hint:?}"
        );
        let now = httpdate::fmt_http_date(SystemTime::now());
        h.insert(DATE, HeaderValue::from_str(&now).expect("header value"));
        assert_eq!(clock_hint(401, &h, "Authentication Failed"), None);
    }

    #[test]
    fn timestamps_increase_strictly() {
        let c = Client::builder()
            .credentials(crate::client::Credentials::new("AK", "SK"))
            .build()
            .expect("build");
        let ts: Vec<i64> = (0..50)
            .map(|_| c.next_timestamp().parse::<i64>().expect("number"))
            .collect();
        assert!(ts.windows(2).all(|w| w[0] < w[1]), "{ts:?}");
        assert!((ts[0] - now_ms()).abs() < 60_000);
    }
}
