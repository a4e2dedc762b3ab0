//! The emulator's own protective limits: request body size, JSON nesting depth, request
//! URI length, header size and open connections. These are NOT rows of the service's
//! catalogue (§1.7.1 documents none of them); they keep a bad or hostile client from
//! making the emulator spend unbounded memory or time, and each one is answered with a
//! clear 4xx (or 503) that names the limit:
//!
//! | limit | value | answer |
//! | --- | --- | --- |
//! | request body | [`MAX_BODY_BYTES`] (1 MiB) | 413, envelope `INVALID_REQUEST` |
//! | JSON nesting | [`MAX_JSON_DEPTH`] (32 levels) | 400, envelope `INVALID_REQUEST` |
//! | request URI (path + query) | [`MAX_URI_BYTES`] (8 KiB) | 414, envelope `INVALID_REQUEST` |
//! | request headers (names + values) | [`MAX_HEADER_BYTES`] (16 KiB) | 431, envelope `INVALID_REQUEST` |
//! | open connections | `--max-connections` ([`DEFAULT_MAX_CONNECTIONS`]) | 503, gateway body, `Retry-After: 1`, connection closed |
//!
//! The 4xx answers use the service's envelope (`{"code":"INVALID_REQUEST","msg":…,
//! "data":null}`) with a message of our own naming the limit; the connection cap is the
//! gateway's business, so it is answered like the gateway's other 503s (the emulator's
//! injected faults), which every client already retries after `Retry-After`.
//!
//! Connections are counted by [`CountingListener`] (every accepted TCP connection, idle
//! keep-alive ones included, until it closes); the check itself is the `guard`
//! middleware, outermost in [`router`](crate::emulator::router).
//!
//! Depends on `crate::emulator` and `crate::api` only.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::emulator::error::EmuError;

/// Largest accepted request body: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Deepest accepted nesting of arrays and objects in a JSON request body.
pub const MAX_JSON_DEPTH: usize = 32;
/// Longest accepted request URI (path and query, as sent), in bytes.
pub const MAX_URI_BYTES: usize = 8 << 10;
/// Largest accepted request header section (the sum of names and values), in bytes.
pub const MAX_HEADER_BYTES: usize = 16 << 10;
/// Open connections served at once unless `--max-connections` says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// `Retry-After` seconds of the connection cap's 503.
pub const CONNECTIONS_RETRY_AFTER_SECS: u32 = 1;

/// Which limit a request broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The body is larger than [`MAX_BODY_BYTES`].
    Body,
    /// The JSON body nests deeper than [`MAX_JSON_DEPTH`].
    JsonDepth,
    /// The request URI is longer than [`MAX_URI_BYTES`].
    Uri,
    /// The headers add up to more than [`MAX_HEADER_BYTES`].
    Headers,
    /// More connections are open than the cap (the value) allows.
    Connections(usize),
}

impl Limit {
    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Limit::Body => 413,
            Limit::JsonDepth => 400,
            Limit::Uri => 414,
            Limit::Headers => 431,
            Limit::Connections(_) => 503,
        }
    }

    /// The answer's message: which limit, and its value.
    pub fn message(&self) -> String {
        match self {
            Limit::Body => {
                format!("The request body exceeds the limit of {MAX_BODY_BYTES} bytes.")
            }
            Limit::JsonDepth => format!(
                "The request body nests JSON arrays and objects deeper than the limit of {MAX_JSON_DEPTH} levels."
            ),
            Limit::Uri => format!("The request URI exceeds the limit of {MAX_URI_BYTES} bytes."),
            Limit::Headers => {
                format!("The request headers exceed the limit of {MAX_HEADER_BYTES} bytes.")
            }
            Limit::Connections(max) => format!(
                "pca-emulator serves at most {max} connections at once (--max-connections); retry after {CONNECTIONS_RETRY_AFTER_SECS} s."
            ),
        }
    }
}

/// Whether `body` nests arrays and objects (outside strings) deeper than `max`. A linear
/// scan that never allocates, run before any JSON parser sees the body.
pub fn json_too_deep(body: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in body {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// What the connection counter knows about one connection (the request extension
/// `ConnectInfo<Slot>` when served through [`CountingListener`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Connections open when this one was accepted, itself included.
    pub open_at_accept: usize,
    /// The cap in force.
    pub max: usize,
}

impl Slot {
    /// Whether this connection is beyond the cap.
    pub fn over(&self) -> bool {
        self.open_at_accept > self.max
    }
}

/// A TCP listener that counts its open connections.
#[derive(Debug)]
pub struct CountingListener {
    inner: TcpListener,
    open: Arc<AtomicUsize>,
    max: usize,
}

impl CountingListener {
    /// Counts the connections of `inner`; beyond `max` open ones, requests get the 503.
    pub fn new(inner: TcpListener, max: usize) -> CountingListener {
        CountingListener {
            inner,
            open: Arc::new(AtomicUsize::new(0)),
            max,
        }
    }
}

/// An accepted connection; the count goes down when it is dropped (closed).
#[derive(Debug)]
pub struct CountedStream {
    io: TcpStream,
    slot: Slot,
    open: Arc<AtomicUsize>,
}

impl Drop for CountedStream {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl axum::serve::Listener for CountingListener {
    type Io = CountedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        let _ = io.set_nodelay(true);
        let open_at_accept = self.open.fetch_add(1, Ordering::AcqRel) + 1;
        let stream = CountedStream {
            io,
            slot: Slot {
                open_at_accept,
                max: self.max,
            },
            open: Arc::clone(&self.open),
        };
        (stream, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl Connected<IncomingStream<'_, CountingListener>> for Slot {
    fn connect_info(stream: IncomingStream<'_, CountingListener>) -> Self {
        stream.io().slot
    }
}

impl AsyncRead for CountedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// Bytes of a request's header section as the limit counts them: names and values.
fn header_bytes(request: &Request) -> usize {
    request
        .headers()
        .iter()
        .map(|(n, v)| n.as_str().len() + v.len())
        .sum()
}

/// Middleware, outermost: the connection cap, then URI length and header size, before any
/// routing, authentication or body reading.
pub(crate) async fn guard(request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(slot)) = request.extensions().get::<ConnectInfo<Slot>>()
        && slot.over()
    {
        let mut r = EmuError::Limit(Limit::Connections(slot.max)).into_response();
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(CONNECTIONS_RETRY_AFTER_SECS),
        );
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().len(), |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return EmuError::Limit(Limit::Uri).into_response();
    }
    if header_bytes(&request) > MAX_HEADER_BYTES {
        return EmuError::Limit(Limit::Headers).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan() {
        assert!(!json_too_deep(b"{}", 1));
        assert!(json_too_deep(b"{\"a\":{}}", 1));
        assert!(!json_too_deep(b"{\"a\":\"[[[[[[\"}", 1));
        assert!(!json_too_deep(b"{\"a\":\"\\\"[[[[[[\"}", 1));
        assert!(json_too_deep(b"{\"a\":\"\\\\\"[[}", 1));
        let deep = "[".repeat(MAX_JSON_DEPTH);
        assert!(!json_too_deep(deep.as_bytes(), MAX_JSON_DEPTH));
        let deeper = "[".repeat(MAX_JSON_DEPTH + 1);
        assert!(json_too_deep(deeper.as_bytes(), MAX_JSON_DEPTH));
        // Closing brackets never go below zero.
        assert!(!json_too_deep("]".repeat(100).as_bytes(), 1));
    }

    #[test]
    fn statuses_and_messages_name_the_limit() {
        assert_eq!(Limit::Body.status(), 413);
        assert!(Limit::Body.message().contains("1048576 bytes"));
        assert_eq!(Limit::JsonDepth.status(), 400);
        assert!(Limit::JsonDepth.message().contains("32 levels"));
        assert_eq!(Limit::Uri.status(), 414);
        assert!(Limit::Uri.message().contains("8192 bytes"));
        assert_eq!(Limit::Headers.status(), 431);
        assert!(Limit::Headers.message().contains("16384 bytes"));
        assert_eq!(Limit::Connections(7).status(), 503);
        assert!(
            Limit::Connections(7)
                .message()
                .contains("at most 7 connections")
        );
        let slot = Slot {
            open_at_accept: 8,
            max: 7,
        };
        assert!(slot.over());
    }
}
