//! Retry policy and the pure classification of one attempt's outcome.
//!
//! [`classify`] decides, from the operation's idempotency and what happened to one attempt,
//! whether to try again and after how long. It does no I/O, reads no clock and draws no
//! random number (the caller passes the jitter), so the whole decision table is unit-tested
//! below.
//!
//! # The table
//!
//! | outcome of the attempt | idempotent (GET / PUT / DELETE) | non-idempotent POST |
//! |------------------------|---------------------------------|---------------------|
//! | 2xx | done | done |
//! | 429 Too Many Requests | retry | retry |
//! | 503 Service Unavailable | retry | retry |
//! | 500, 502, 504, other 5xx | retry | **no** (ambiguous) |
//! | 501, 505 | no | no |
//! | 408 Request Timeout | retry | **no** (ambiguous) |
//! | other 4xx (validation, auth, not found, …), 1xx, 3xx | no | no |
//! | connection could not be established ([`Outcome::NotSent`]) | retry | retry |
//! | timeout, reset or truncated response after sending ([`Outcome::Lost`]) | retry | **no** (ambiguous) |
//!
//! Why 429 and 503 are safe for POSTs: a 429 is the API gateway's throttle, answered before
//! the request is forwarded, and NCP's gateway (like the project's emulator and its fault
//! injection) answers 503 when the backend is unavailable, before any processing. Neither
//! leaves an effect behind, so repeating a POST after them cannot create a second CA or issue
//! a second certificate. A 500/502/504 or a lost response may come after the backend acted,
//! so a POST is not repeated blindly; Create CA then looks the alias up instead (see
//! [`Client::create_ca`](crate::client::Client::create_ca)).
//!
//! # Delays
//!
//! Exponential backoff with full jitter: before retry `n` (0-based) the ceiling is
//! `min(max_delay, base_delay · 2ⁿ)` and the delay is a uniformly drawn fraction of it
//! (without jitter, the ceiling itself). A server's `Retry-After` replaces the computed delay,
//! bounded by `max_delay` so that an odd header cannot stall an apply.

use std::time::{Duration, SystemTime};

/// How many times and how patiently a request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` attempts). Default 5.
    pub max_retries: u32,
    /// The first backoff ceiling; doubled for every further retry. Default 500 ms.
    pub base_delay: Duration,
    /// The largest delay between two attempts, also the bound on `Retry-After`. Default 20 s.
    pub max_delay: Duration,
    /// Full jitter (`true`, the default) or exact exponential delays (`false`, for tests
    /// that measure the delays).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            jitter: true,
        }
    }
}

/// The default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 5;

impl RetryPolicy {
    /// The backoff ceiling before retry number `retry` (0 for the first retry):
    /// `min(max_delay, base_delay · 2^retry)`, saturating.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pca::client::retry::RetryPolicy;
    /// let p = RetryPolicy { base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1), ..RetryPolicy::default() };
    /// assert_eq!(p.ceiling(0), Duration::from_millis(100));
    /// assert_eq!(p.ceiling(3), Duration::from_millis(800));
    /// assert_eq!(p.ceiling(4), Duration::from_secs(1));
    /// assert_eq!(p.ceiling(200), Duration::from_secs(1));
    /// ```
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The delay before retry number `retry`: the [`ceiling`](Self::ceiling) scaled by
    /// `jitter` (a number in `[0, 1)`, clamped) when jitter is on, else the ceiling.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let ceiling = self.ceiling(retry);
        if self.jitter {
            let j = if jitter.is_finite() {
                jitter.clamp(0.0, 1.0)
            } else {
                0.0
            };
            ceiling.mul_f64(j)
        } else {
            ceiling
        }
    }
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP response arrived complete (any status).
    Status {
        /// The HTTP status code.
        status: u16,
        /// The response's `Retry-After`, when present and readable.
        retry_after: Option<Duration>,
    },
    /// No connection could be established (refused, DNS failure, TLS handshake failure,
    /// connect timeout): nothing of the request reached the server.
    NotSent,
    /// The request was sent (at least partly), then the exchange failed: a timeout, a reset,
    /// or a response cut short. The server may have acted on it.
    Lost,
}

/// Whether an outcome may be repeated, independent of the retry budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Success: nothing to repeat.
    Done,
    /// Provably not processed: safe to repeat for every operation.
    Retryable,
    /// Possibly processed: repeat only idempotent operations.
    Ambiguous,
    /// A final answer (validation, authentication, not found, …): never repeated.
    Final,
}

/// Classifies an outcome (the table in the module docs).
pub fn class(outcome: &Outcome) -> Class {
    match *outcome {
        Outcome::NotSent => Class::Retryable,
        Outcome::Lost => Class::Ambiguous,
        Outcome::Status { status, .. } => status_class(status),
    }
}

/// Classifies an HTTP status (the table in the module docs).
pub fn status_class(status: u16) -> Class {
    match status {
        200..=299 => Class::Done,
        429 | 503 => Class::Retryable,
        501 | 505 => Class::Final,
        408 | 500..=599 => Class::Ambiguous,
        _ => Class::Final,
    }
}

/// The decision after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Stop: return this attempt's result.
    No,
    /// Wait this long, then send again (signed afresh).
    After(Duration),
}

/// Decides whether to retry after an attempt.
///
/// - `idempotent`: whether the operation may be repeated blindly (GET / PUT / DELETE);
/// - `outcome`: what happened to the attempt;
/// - `retries_done`: how many retries were already made (0 after the first attempt);
/// - `jitter`: a uniformly drawn number in `[0, 1)` (ignored when the policy has no jitter).
///
/// ```
/// use std::time::Duration;
/// use pca::client::retry::{classify, Outcome, Retry, RetryPolicy};
/// let p = RetryPolicy { jitter: false, base_delay: Duration::from_millis(10), ..RetryPolicy::default() };
/// let throttled = Outcome::Status { status: 429, retry_after: None };
/// assert_eq!(classify(&p, false, &throttled, 2, 0.5), Retry::After(Duration::from_millis(40)));
/// let lost = Outcome::Lost;
/// assert_eq!(classify(&p, false, &lost, 0, 0.5), Retry::No);
/// ```
pub fn classify(
    policy: &RetryPolicy,
    idempotent: bool,
    outcome: &Outcome,
    retries_done: u32,
    jitter: f64,
) -> Retry {
    let repeatable = match class(outcome) {
        Class::Done | Class::Final => false,
        Class::Retryable => true,
        Class::Ambiguous => idempotent,
    };
    if !repeatable || retries_done >= policy.max_retries {
        return Retry::No;
    }
    let retry_after = match outcome {
        Outcome::Status { retry_after, .. } => *retry_after,
        _ => None,
    };
    Retry::After(match retry_after {
        Some(d) => d.min(policy.max_delay),
        None => policy.backoff(retries_done, jitter),
    })
}

/// Reads a `Retry-After` value: delay-seconds (`"2"`) or an HTTP date, relative to `now`
/// (a date in the past gives zero). Anything else gives `None`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use pca::client::retry::parse_retry_after;
/// assert_eq!(parse_retry_after(" 3 ", SystemTime::UNIX_EPOCH), Some(Duration::from_secs(3)));
/// assert_eq!(parse_retry_after("soon", SystemTime::UNIX_EPOCH), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            jitter: false,
        }
    }

    fn status(s: u16) -> Outcome {
        Outcome::Status {
            status: s,
            retry_after: None,
        }
    }

    /// (name, outcome, idempotent retried?, POST retried?)
    const TABLE: &[(&str, Outcome, bool, bool)] = &[
        ("200", st(200), false, false),
        ("204", st(204), false, false),
        ("301 redirect", st(301), false, false),
        ("400 validation", st(400), false, false),
        ("401 auth", st(401), false, false),
        ("403 forbidden", st(403), false, false),
        ("404 not found", st(404), false, false),
        ("408 request timeout", st(408), true, false),
        ("409 conflict", st(409), false, false),
        ("422 unprocessable", st(422), false, false),
        ("429 throttled", st(429), true, true),
        ("500 internal", st(500), true, false),
        ("501 not implemented", st(501), false, false),
        ("502 bad gateway", st(502), true, false),
        ("503 unavailable", st(503), true, true),
        ("504 gateway timeout", st(504), true, false),
        ("505 version", st(505), false, false),
        ("599 other 5xx", st(599), true, false),
        ("connect failure", Outcome::NotSent, true, true),
        ("lost after sending", Outcome::Lost, true, false),
    ];

    const fn st(status: u16) -> Outcome {
        Outcome::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn decision_table() {
        let p = policy();
        for (name, outcome, idem, post) in TABLE {
            let got_idem = classify(&p, true, outcome, 0, 0.5) != Retry::No;
            let got_post = classify(&p, false, outcome, 0, 0.5) != Retry::No;
            assert_eq!(
                (got_idem, got_post),
                (*idem, *post),
                "{name}: (idempotent, POST)"
            );
        }
    }

    #[test]
    fn budget_is_respected() {
        let p = policy();
        for retries_done in 0..3 {
            assert!(matches!(
                classify(&p, true, &status(503), retries_done, 0.0),
                Retry::After(_)
            ));
        }
        assert_eq!(classify(&p, true, &status(503), 3, 0.0), Retry::No);
        let none = RetryPolicy {
            max_retries: 0,
            ..policy()
        };
        assert_eq!(classify(&none, true, &status(429), 0, 0.0), Retry::No);
    }

    #[test]
    fn delays_grow_exponentially_up_to_the_cap() {
        let p = policy();
        let delays: Vec<Duration> = (0..6).map(|r| p.backoff(r, 0.3)).collect();
        let ms: Vec<u128> = delays.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(
            classify(&p, true, &status(429), 2, 0.3),
            Retry::After(Duration::from_millis(400))
        );
    }

    #[test]
    fn full_jitter_scales_the_ceiling() {
        let p = RetryPolicy {
            jitter: true,
            ..policy()
        };
        assert_eq!(p.backoff(2, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(2, 0.5), Duration::from_millis(200));
        assert_eq!(p.backoff(2, 0.999), Duration::from_micros(399_600));
        // Out-of-range jitter is clamped, never exceeding the ceiling.
        assert_eq!(p.backoff(2, 7.0), Duration::from_millis(400));
        assert_eq!(p.backoff(2, -1.0), Duration::ZERO);
        assert_eq!(p.backoff(2, f64::NAN), Duration::ZERO);
        for r in 0..10 {
            for j in [0.0, 0.25, 0.5, 0.75, 0.999] {
                assert!(p.backoff(r, j) <= p.ceiling(r));
            }
        }
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let p = policy();
        let ra = |secs| Outcome::Status {
            status: 429,
            retry_after: Some(Duration::from_millis(secs)),
        };
        assert_eq!(
            classify(&p, false, &ra(250), 0, 0.9),
            Retry::After(Duration::from_millis(250))
        );
        assert_eq!(
            classify(&p, false, &ra(60_000), 0, 0.9),
            Retry::After(Duration::from_millis(1000))
        );
        // Retry-After does not make a final answer retryable.
        let bad = Outcome::Status {
            status: 400,
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(classify(&p, true, &bad, 0, 0.0), Retry::No);
    }

    #[test]
    fn huge_retry_numbers_saturate() {
        let p = RetryPolicy {
            base_delay: Duration::from_secs(u64::MAX / 2),
            max_delay: Duration::from_secs(30),
            ..policy()
        };
        assert_eq!(p.ceiling(40), Duration::from_secs(30));
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn retry_after_parsing() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
    }
}
