//! Helpers for the emulator tests and benchmark (`mod emulator_support;`): an in-process
//! emulator, a small signed HTTP client built on `api::signing`, the `pca-emulator` binary
//! as a child process, and `openssl` runners.
//!
//! Not every test crate uses every helper.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use pca::api::signing::{HEADER_ACCESS_KEY, HEADER_SIGNATURE_V2, HEADER_TIMESTAMP, sign_request};
use pca::emulator::config::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use pca::emulator::{Clock, Config, ManualClock, RandomIds, Running};
use serde_json::{Value, json};

/// A response, fully read.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Resp {
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The envelope `code`, or the gateway `errorCode`.
    pub fn code(&self) -> String {
        let j = self.json();
        j.get("code")
            .or_else(|| j.get("error").and_then(|e| e.get("errorCode")))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// The envelope `msg`.
    pub fn msg(&self) -> String {
        self.json()["msg"].as_str().unwrap_or_default().to_owned()
    }

    /// The envelope `data`.
    pub fn data(&self) -> Value {
        self.json()["data"].clone()
    }

    /// Panics unless this is a 200 SUCCESS envelope; returns `data`.
    #[track_caller]
    pub fn ok(&self) -> Value {
        assert_eq!(
            (self.status, self.code().as_str()),
            (200, "SUCCESS"),
            "unexpected response: {}",
            String::from_utf8_lossy(&self.body)
        );
        self.data()
    }

    /// Panics unless this is an error with the status and code; checks the catalogue
    /// message too.
    #[track_caller]
    pub fn err(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code().as_str()),
            (status, code),
            "unexpected response: {} {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        let j = self.json();
        if j.get("code").is_some() {
            assert_eq!(j["data"], Value::Null);
            // The message is a row of the service's catalogue (§1.7.1) with that row's
            // status, or (codes the catalogue has no row for) the code's own message.
            let expected = pca::api::ErrorCode::from_wire(code);
            match pca::api::catalogue::Row::from_message(&self.msg()) {
                Some(row) => assert_eq!(row.http_status(), status, "status of {row:?}"),
                None => {
                    assert!(
                        pca::api::catalogue::Row::for_code(&expected).is_none(),
                        "{code} has a catalogue row, but the message is {:?}",
                        self.msg()
                    );
                    assert_eq!(self.msg(), expected.default_message(), "message of {code}");
                }
            }
        }
    }
}

/// Epoch milliseconds of the system clock.
pub fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// A signed HTTP client for one emulator.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub access_key: String,
    pub secret_key: String,
    /// Where request timestamps come from (the emulator's clock in manual-clock tests).
    pub clock: Option<Arc<dyn Clock>>,
    http: Client<HttpConnector, Full<Bytes>>,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api::with_keys(base, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
    }

    pub fn with_keys(base: &str, access_key: &str, secret_key: &str) -> Api {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Api {
            base: base.trim_end_matches('/').to_owned(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            clock: None,
            http: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    fn timestamp(&self) -> String {
        self.clock
            .as_ref()
            .map_or_else(now_ms, |c| c.now_ms())
            .to_string()
    }

    /// Sends a request with the given headers (no signing) and raw body.
    pub async fn raw(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Resp {
        let mut b = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path_and_query}", self.base));
        for (k, v) in headers {
            b = b.header(*k, v.as_str());
        }
        let req = b.body(Full::new(Bytes::from(body))).expect("request");
        let resp = self.http.request(req).await.expect("HTTP request");
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        Resp {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        }
    }

    /// The signature headers for a request.
    pub fn sign_headers(&self, method: &str, path_and_query: &str) -> Vec<(&'static str, String)> {
        let ts = self.timestamp();
        let sig = sign_request(
            &self.secret_key,
            method,
            path_and_query,
            &ts,
            &self.access_key,
        );
        vec![
            (HEADER_TIMESTAMP, ts),
            (HEADER_ACCESS_KEY, self.access_key.clone()),
            (HEADER_SIGNATURE_V2, sig),
            ("content-type", "application/json".to_owned()),
        ]
    }

    /// A signed request with a raw body.
    pub async fn send_bytes(&self, method: &str, path_and_query: &str, body: Vec<u8>) -> Resp {
        let headers = self.sign_headers(method, path_and_query);
        self.raw(method, path_and_query, &headers, body).await
    }

    /// A signed request with an optional JSON body.
    pub async fn send(&self, method: &str, path_and_query: &str, body: Option<Value>) -> Resp {
        let bytes = body.map_or_else(Vec::new, |b| serde_json::to_vec(&b).unwrap());
        self.send_bytes(method, path_and_query, bytes).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, Some(body)).await
    }

    pub async fn post_empty(&self, path: &str) -> Resp {
        self.send("POST", path, None).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.send("PUT", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None).await
    }

    // --- conveniences --------------------------------------------------------------

    /// Creates a root CA (EC256, `MAX`); returns the CA record.
    pub async fn create_root(&self, alias: &str) -> Value {
        self.create_root_period(alias, "MAX").await
    }

    /// Creates a root CA (EC256) valid for `period`; returns the CA record.
    pub async fn create_root_period(&self, alias: &str, period: &str) -> Value {
        self.post(
            "/api/v1/ca?caType=PRIVATE_ROOT",
            json!({"alias": alias, "keyType": "EC256", "period": period,
                   "x509Parameters": {"commonName": format!("{alias} Root CA"), "country": "KR",
                                      "organization": "Test Org"}}),
        )
        .await
        .ok()
    }

    /// Creates a sub CA signed by `issuer` (or pending when `None`).
    pub async fn create_sub(&self, alias: &str, issuer: Option<&str>, period: &str) -> Resp {
        let path = match issuer {
            Some(t) => format!("/api/v1/ca?caType=PRIVATE_SUB&issuerTag={t}"),
            None => "/api/v1/ca?caType=PRIVATE_SUB".to_owned(),
        };
        self.post(
            &path,
            json!({"alias": alias, "keyType": "EC256", "period": period,
                   "x509Parameters": {"commonName": format!("{alias} Sub CA")}}),
        )
        .await
    }

    /// Issues an EC256 end certificate; returns `data`.
    pub async fn issue(&self, tag: &str, cn: &str) -> Value {
        self.post(
            &format!("/api/v1/ca/{tag}/cert"),
            json!({"keyType": "EC256", "period": "30",
                   "x509Parameters": {"commonName": cn, "altName": cn}}),
        )
        .await
        .ok()
    }

    pub async fn ca(&self, tag: &str) -> Resp {
        self.get(&format!("/api/v1/ca/{tag}")).await
    }
}

/// The `caTag` of a CA record.
pub fn tag_of(record: &Value) -> String {
    record["caInfo"]["caTag"]
        .as_str()
        .expect("caTag")
        .to_owned()
}

/// An in-process emulator on `127.0.0.1:0`.
pub struct Emu {
    pub running: Running,
    pub api: Api,
    pub clock: Option<Arc<ManualClock>>,
}

impl Emu {
    /// Starts with the defaults (system clock).
    pub async fn start() -> Emu {
        Emu::start_config(Config::ephemeral()).await
    }

    pub async fn start_config(config: Config) -> Emu {
        let running = pca::emulator::start(config).await.expect("start emulator");
        let api = Api::new(&running.base_url);
        Emu {
            running,
            api,
            clock: None,
        }
    }

    /// Starts with a manual clock at the current time and seeded IDs.
    pub async fn start_manual(config: Config) -> Emu {
        let clock = Arc::new(ManualClock::starting_now());
        let running = pca::emulator::start_with(
            config,
            clock.clone() as Arc<dyn Clock>,
            Arc::new(RandomIds::seeded(7)),
        )
        .await
        .expect("start emulator");
        let mut api = Api::new(&running.base_url);
        api.clock = Some(clock.clone() as Arc<dyn Clock>);
        Emu {
            running,
            api,
            clock: Some(clock),
        }
    }

    pub fn base(&self) -> &str {
        &self.running.base_url
    }
}

/// The `pca-emulator` binary running as a child process.
pub struct EmuProcess {
    pub child: Child,
    pub base: String,
    pub stderr_path: std::path::PathBuf,
    stdout: Option<BufReader<std::process::ChildStdout>>,
}

impl EmuProcess {
    /// Spawns `pca-emulator --listen 127.0.0.1:0 ARGS` and waits for its ready line.
    pub fn spawn(args: &[&str], log_dir: &Path) -> EmuProcess {
        EmuProcess::spawn_env(args, &[], log_dir)
    }

    /// As [`EmuProcess::spawn`] with extra environment variables.
    pub fn spawn_env(args: &[&str], envs: &[(&str, &str)], log_dir: &Path) -> EmuProcess {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let stderr_path = log_dir.join(format!("emulator-{}-{n}.log", std::process::id()));
        let stderr = std::fs::File::create(&stderr_path).expect("log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_pca-emulator"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("PCA_EMULATOR_ACCESS_KEY")
            .env_remove("PCA_EMULATOR_SECRET_KEY")
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn pca-emulator");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line).expect("ready line");
        let base = line
            .trim()
            .strip_prefix("pca-emulator listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "bad ready line {line:?}; stderr: {}",
                    std::fs::read_to_string(&stderr_path).unwrap_or_default()
                )
            })
            .to_owned();
        EmuProcess {
            child,
            base,
            stderr_path,
            stdout: Some(reader),
        }
    }

    /// `kill -9`; returns what the process wrote to stdout after its ready line.
    pub fn kill9(mut self) -> String {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-9", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let _ = self.child.wait();
        self.rest_of_stdout()
    }

    /// SIGTERM, then wait; returns (exit success, stdout after the ready line).
    pub fn terminate(mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let ok = self.child.wait().map(|s| s.success()).unwrap_or(false);
        (ok, self.rest_of_stdout())
    }

    fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        if let Some(mut r) = self.stdout.take() {
            let _ = std::io::Read::read_to_string(&mut r, &mut rest);
        }
        rest
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }
}

impl Drop for EmuProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `openssl ARGS` in `dir`; returns (success, stdout + stderr).
pub fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Polls `f` until it returns true or `timeout` passes.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// What a test wants to know about a CRL.
#[derive(Debug, Clone, PartialEq)]
pub struct CrlFacts {
    /// Revoked serials, lower-case colon hex.
    pub serials: Vec<String>,
    /// `thisUpdate`, epoch seconds.
    pub this_update: i64,
    /// `nextUpdate`, epoch seconds.
    pub next_update: Option<i64>,
    /// `cRLNumber`.
    pub number: Option<String>,
}

/// Parses a PEM CRL.
pub fn crl_facts(pem: &str) -> CrlFacts {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("CRL PEM");
    let (_, crl) = x509_parser::parse_x509_crl(&pem.contents).expect("CRL DER");
    CrlFacts {
        serials: crl
            .iter_revoked_certificates()
            .map(|r| r.raw_serial_as_string().to_lowercase())
            .collect(),
        this_update: crl.last_update().timestamp(),
        next_update: crl.next_update().map(|t| t.timestamp()),
        number: crl.crl_number().map(ToString::to_string),
    }
}

/// A snapshot of everything the API shows (CAs, certificates, users, CRL configs and CRLs),
/// to prove that a refused request changed nothing.
pub async fn snapshot(api: &Api) -> Value {
    let list = api.get("/api/v1/ca?pageNo=1").await.ok();
    let mut out = vec![list.clone()];
    for record in list["caInfoList"].as_array().cloned().unwrap_or_default() {
        let tag = tag_of(&record);
        for suffix in ["", "/cert", "/users", "/crl/config", "/crl"] {
            let r = api.get(&format!("/api/v1/ca/{tag}{suffix}")).await;
            out.push(json!({"path": suffix, "status": r.status, "body": r.json()}));
        }
    }
    Value::Array(out)
}

/// An EC P-256 CSR (PEM) for `cn` with DNS SANs.
pub fn make_csr(cn: &str, sans: &[&str]) -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params =
        rcgen::CertificateParams::new(sans.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.serialize_request(&key).unwrap().pem().unwrap()
}
