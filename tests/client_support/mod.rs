//! An in-test HTTP server for the client tests: an axum router on `127.0.0.1:0` that records
//! every request (method, raw path, raw query, headers, body, arrival time, whether the
//! signature verifies) and answers what a scripted handler says — including "drop the
//! connection after reading the request", which simulates a lost response.
//!
//! Connections are served one task each with hyper's HTTP/1 server, so that a handler can
//! end its connection without answering: the task selects on a per-connection kill switch.
#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::Notify;
use tower::ServiceExt;

use pca::api::{ops, signing};
use pca::client::{ClientBuilder, Credentials};

/// The access key every test client uses.
pub const ACCESS_KEY: &str = "NCPTESTACCESSKEY0001";
/// The secret key every test client uses (tests check it never leaks).
pub const SECRET_KEY: &str = "NCPTESTSECRETKEY0000000000000000000000001";

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Upper-case method.
    pub method: String,
    /// The raw path, as on the wire (not decoded).
    pub path: String,
    /// The raw query, without `?`.
    pub query: Option<String>,
    /// Headers, names lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// When the request was complete.
    pub at: Instant,
    /// Whether `x-ncp-apigw-signature-v2` verifies over `METHOD path?query`, the timestamp
    /// and the access key, with [`SECRET_KEY`].
    pub signature_ok: bool,
    /// The API operation the method and path address, if any.
    pub op: Option<&'static str>,
    /// The decoded path parameters of that operation.
    pub params: Vec<(&'static str, String)>,
}

impl Recorded {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// How many times a header occurs.
    pub fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n == name).count()
    }

    /// The request URI as signed: path plus `?query`.
    pub fn request_uri(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// The body as JSON (`Null` when empty).
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.body).unwrap_or(Value::Null)
        }
    }

    /// A path parameter of the addressed operation.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `pageNo` query parameter, if any.
    pub fn page_no(&self) -> Option<u32> {
        let q = self.query.as_deref()?;
        pca::api::uri::parse_query(q)
            .into_iter()
            .find(|(k, _)| k == "pageNo")
            .and_then(|(_, v)| v.parse().ok())
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with a status, extra headers and a body.
    Answer {
        /// HTTP status.
        status: u16,
        /// Extra response headers.
        headers: Vec<(String, String)>,
        /// Body bytes (sent with `Content-Type: application/json`).
        body: Vec<u8>,
    },
    /// Close the connection after reading the request, without answering.
    Drop,
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
}

impl Reply {
    /// `200 {"code":"SUCCESS","msg":"Success","data":<data>}`.
    pub fn ok(data: Value) -> Reply {
        Reply::json(
            200,
            json!({"code": "SUCCESS", "msg": "Success", "data": data}),
        )
    }

    /// Any status with a JSON body.
    pub fn json(status: u16, body: Value) -> Reply {
        Reply::Answer {
            status,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    /// The service error envelope `{"code","msg","data":null}`.
    pub fn error(status: u16, code: &str, msg: &str) -> Reply {
        Reply::json(status, json!({"code": code, "msg": msg, "data": null}))
    }

    /// Any status with a raw body.
    pub fn raw(status: u16, body: &str) -> Reply {
        Reply::Answer {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a response header.
    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Answer {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Reply::Answer {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }
}

type Handler = Box<dyn FnMut(&Recorded) -> Reply + Send>;

struct Shared {
    log: Mutex<Vec<Recorded>>,
    handler: Mutex<Handler>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The per-connection kill switch handed to the router in the request extensions.
#[derive(Clone)]
struct Kill(Arc<Notify>);

/// A running test server; it stops accepting when dropped.
pub struct TestServer {
    /// The bound address.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let kill = parts.extensions.get::<Kill>().cloned();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let mut rec = Recorded {
        method: method.clone(),
        path: path.clone(),
        query,
        headers,
        body,
        at: Instant::now(),
        signature_ok: false,
        op: None,
        params: Vec::new(),
    };
    rec.signature_ok = match (
        rec.header(signing::HEADER_TIMESTAMP),
        rec.header(signing::HEADER_ACCESS_KEY),
        rec.header(signing::HEADER_SIGNATURE_V2),
    ) {
        (Some(ts), Some(ak), Some(sig)) => {
            let sts = signing::string_to_sign(&method, &rec.request_uri(), ts, ak);
            ak == ACCESS_KEY && signing::verify(SECRET_KEY, &sts, sig)
        }
        _ => false,
    };
    if let Some((op, params)) = ops::Method::parse(&method).and_then(|m| ops::find(m, &path)) {
        rec.op = Some(op.name);
        rec.params = params;
    }
    let mut reply = {
        let mut handler = lock(&shared.handler);
        (handler)(&rec)
    };
    lock(&shared.log).push(rec);
    loop {
        match reply {
            Reply::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                reply = *inner;
            }
            Reply::Drop => {
                if let Some(Kill(k)) = &kill {
                    k.notify_one();
                }
                return std::future::pending().await;
            }
            Reply::Answer {
                status,
                headers,
                body,
            } => {
                let mut resp = Response::new(Body::from(body));
                *resp.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let h = resp.headers_mut();
                h.insert("content-type", HeaderValue::from_static("application/json"));
                for (n, v) in headers {
                    if let (Ok(n), Ok(v)) = (
                        HeaderName::from_bytes(n.as_bytes()),
                        HeaderValue::from_str(&v),
                    ) {
                        h.insert(n, v);
                    }
                }
                return resp;
            }
        }
    }
}

impl TestServer {
    /// Starts a server whose every request is answered by `handler`.
    pub async fn start(handler: impl FnMut(&Recorded) -> Reply + Send + 'static) -> TestServer {
        let shared = Arc::new(Shared {
            log: Mutex::new(Vec::new()),
            handler: Mutex::new(Box::new(handler)),
        });
        let router = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let router = router.clone();
                tokio::spawn(async move {
                    let kill = Arc::new(Notify::new());
                    let k = kill.clone();
                    let svc = hyper::service::service_fn(
                        move |mut req: Request<hyper::body::Incoming>| {
                            req.extensions_mut().insert(Kill(k.clone()));
                            let router = router.clone();
                            async move {
                                let resp = router.oneshot(req.map(Body::new)).await;
                                Ok::<_, Infallible>(resp.unwrap_or_else(|never| match never {}))
                            }
                        },
                    );
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc);
                    tokio::select! {
                        _ = conn => {}
                        _ = kill.notified() => {}
                    }
                });
            }
        });
        TestServer {
            addr,
            shared,
            accept,
        }
    }

    /// Starts a server that answers requests from a list in order, then 500 `exhausted`.
    pub async fn scripted(replies: Vec<Reply>) -> TestServer {
        let mut queue: VecDeque<Reply> = replies.into();
        TestServer::start(move |_| {
            queue
                .pop_front()
                .unwrap_or_else(|| Reply::error(500, "FAIL_CORE", "script exhausted"))
        })
        .await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.log).clone()
    }

    /// A client builder for this server: test credentials, tiny backoff (1–5 ms).
    pub fn client(&self) -> ClientBuilder {
        test_builder(&self.url())
    }
}

/// A client builder for `url` with the test credentials and a tiny backoff.
pub fn test_builder(url: &str) -> ClientBuilder {
    pca::client::Client::builder()
        .endpoint_url(url)
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .connect_timeout(Duration::from_secs(5))
        .request_timeout(Duration::from_secs(10))
}

/// Records the delays (in ms) of the client's "retrying" events while installed as the
/// thread's tracing subscriber (`#[tokio::test]` runs everything on the test's thread).
#[derive(Clone, Default)]
pub struct RetryDelays(Arc<Mutex<Vec<u64>>>);

impl RetryDelays {
    /// Installs a subscriber that records into `self`; keep the guard alive.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        use tracing_subscriber::layer::SubscriberExt;
        tracing::subscriber::set_default(tracing_subscriber::registry().with(self.clone()))
    }

    /// The delays recorded so far, in order.
    pub fn ms(&self) -> Vec<u64> {
        lock(&self.0).clone()
    }
}

struct DelayField(Option<u64>);

impl tracing::field::Visit for DelayField {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == "delay_ms" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for RetryDelays {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut f = DelayField(None);
        event.record(&mut f);
        if let Some(ms) = f.0 {
            lock(&self.0).push(ms);
        }
    }
}
