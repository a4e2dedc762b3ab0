//! Fuzzing by properties (proptest), for every parser that reads outside input:
//!
//! - the msgpack and JSON value decoders (`DynamicValue`, raw state) and type JSON, with
//!   random types and structured, mutated and random bytes: never a panic, and whatever
//!   decodes re-encodes and decodes to the same value (an accepted input is a real value,
//!   a refused one an error);
//! - PEM/DER reading in the provider (`parse_certificate`, `parse_csr`,
//!   `chain_is_ordered`, CSR key checks, certificate summaries, CRL serials, PEM
//!   comparison) and in the emulator (CSR parsing, certificate info, activation checks),
//!   with real certificates, CSRs and CRLs mutated byte by byte (length fields included)
//!   and then PEM-armoured and mangled: never a panic, the unmutated inputs read;
//! - the emulator's request handling, driven in process (`tower::ServiceExt::oneshot` on
//!   `emulator::router`) with signed requests whose method, path, query, headers and body
//!   are random: never a 5xx, always a JSON error body of the service's or the gateway's
//!   shape, and the emulator keeps working.
//!
//! Short runs in `scripts/test` (`PCA_FUZZ_CASES`, default 256 per target); `scripts/fuzz
//! SECONDS` runs each target with fresh seeds until SECONDS have passed
//! (`PCA_FUZZ_SECONDS`). A failure prints the shrunk input; its fix gets a named
//! regression test below.

mod emulator_support;

use std::fmt::Debug;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use base64::Engine as _;
use http_body_util::BodyExt;
use pca::api::signing::{HEADER_ACCESS_KEY, HEADER_SIGNATURE_V2, HEADER_TIMESTAMP, sign_request};
use pca::emulator::config::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use pca::emulator::{Config, EmuState, RandomIds, SystemClock};
use pca::framework::function::Function;
use pca::protocol::value::{Type, Value, json, msgpack};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestError, TestRunner};
use tower::ServiceExt as _;

// ---------------------------------------------------------------------------------------
// The runner: cases from PCA_FUZZ_CASES, repeated with fresh seeds for PCA_FUZZ_SECONDS.

fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Runs `test` over `strategy`; panics with the shrunk input on the first failure (a panic
/// inside `test` counts as a failure too).
fn fuzz<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let cases = env_num("PCA_FUZZ_CASES").map_or(256, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let deadline = env_num("PCA_FUZZ_SECONDS").map(|s| Instant::now() + Duration::from_secs(s));
    let started = Instant::now();
    let mut total = 0u64;
    loop {
        let mut runner = TestRunner::new(RunnerConfig {
            cases,
            failure_persistence: None,
            max_shrink_iters: 2048,
            ..RunnerConfig::default()
        });
        match runner.run(&strategy, &test) {
            Ok(()) => {}
            Err(TestError::Fail(why, input)) => {
                panic!("fuzz {name}: {why}\nminimal failing input: {input:#?}")
            }
            Err(TestError::Abort(why)) => panic!("fuzz {name}: aborted: {why}"),
        }
        total += u64::from(cases);
        if deadline.is_none_or(|d| Instant::now() >= d) {
            break;
        }
    }
    eprintln!(
        "fuzz {name}: {total} cases in {:.1} s, no failure",
        started.elapsed().as_secs_f64()
    );
}

fn fail(msg: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(msg.into())
}

// ---------------------------------------------------------------------------------------
// Byte mutations.

#[derive(Debug, Clone)]
enum Mutation {
    /// Flip one bit at a position (modulo the length).
    Flip(usize, u8),
    /// Overwrite one byte.
    Set(usize, u8),
    /// Cut the input at a position.
    Truncate(usize),
    /// Insert bytes at a position.
    Insert(usize, Vec<u8>),
    /// Remove up to n bytes at a position.
    Remove(usize, usize),
    /// Turn the byte at a position into a long-form length claiming a huge size (DER
    /// `84 ff ff ff ff`, msgpack 32-bit lengths and friends).
    HugeLength(usize, u8),
    /// Repeat a slice many times (deep or long structures).
    Repeat(usize, usize, u16),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), 0u8..8).prop_map(|(p, b)| Mutation::Flip(p, b)),
        3 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(p, b)| Mutation::Insert(p, b)),
        1 => (any::<usize>(), 1usize..16).prop_map(|(p, n)| Mutation::Remove(p, n)),
        2 => (any::<usize>(), prop_oneof![Just(0x84u8), Just(0x83), Just(0xdd), Just(0xdf), Just(0xc6), Just(0xdb)])
            .prop_map(|(p, b)| Mutation::HugeLength(p, b)),
        1 => (any::<usize>(), 1usize..6, 2u16..2000).prop_map(|(p, n, k)| Mutation::Repeat(p, n, k)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        let at = |p: usize| if len == 0 { 0 } else { p % len };
        match m {
            Mutation::Flip(p, b) if len > 0 => bytes[at(*p)] ^= 1 << b,
            Mutation::Set(p, b) if len > 0 => bytes[at(*p)] = *b,
            Mutation::Truncate(p) => bytes.truncate(at(*p)),
            Mutation::Insert(p, b) => {
                let i = at(*p);
                bytes.splice(i..i, b.iter().copied());
            }
            Mutation::Remove(p, n) if len > 0 => {
                let i = at(*p);
                bytes.drain(i..(i + n).min(len));
            }
            Mutation::HugeLength(p, b) if len > 0 => {
                let i = at(*p);
                bytes.splice(i..(i + 1).min(len), [*b, 0xff, 0xff, 0xff, 0xff]);
            }
            Mutation::Repeat(p, n, k) if len > 0 => {
                let i = at(*p);
                let slice = bytes[i..(i + n).min(len)].to_vec();
                let mut rep = Vec::with_capacity(slice.len() * usize::from(*k));
                for _ in 0..*k {
                    rep.extend_from_slice(&slice);
                }
                bytes.splice(i..i, rep);
            }
            _ => {}
        }
    }
    bytes
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 0..4)
}

// ---------------------------------------------------------------------------------------
// Types and raw values.

fn arb_type() -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-c]", inner.clone(), 0..3).prop_map(Type::Object),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

/// Type JSON as cty writes it, sometimes subtly wrong.
fn type_json() -> BoxedStrategy<serde_json::Value> {
    use serde_json::json;
    let leaf = prop_oneof![
        Just(json!("string")),
        Just(json!("number")),
        Just(json!("bool")),
        Just(json!("dynamic")),
        Just(json!("list")),
        Just(json!(7)),
        Just(json!(null)),
        "[a-z]{0,6}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                prop_oneof![Just("list"), Just("set"), Just("map"), Just("bogus")],
                inner.clone()
            )
                .prop_map(|(k, t)| json!([k, t])),
            prop::collection::btree_map("[a-c]", inner.clone(), 0..3)
                .prop_map(|m| json!(["object", m])),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!(["tuple", v])),
            prop::collection::vec(inner, 0..4).prop_map(serde_json::Value::Array),
        ]
    })
    .boxed()
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{1,30}",
        "-?[0-9]{1,5}\\.[0-9]{1,30}",
        "-?[1-9]e[-+]?[0-9]{1,25}",
        "[-+ ]?[0-9.eE+-]{0,12}",
        Just("NaN".to_owned()),
        Just("Infinity".to_owned()),
        Just("1e9999999999999999999999".to_owned()),
    ]
}

/// A msgpack value shaped like what Terraform sends (nil, primitives, arrays, maps with
/// attribute-like keys, unknown extensions, `[type JSON, value]` dynamic pairs).
fn arb_msgpack() -> BoxedStrategy<rmpv::Value> {
    use rmpv::Value as R;
    let leaf = prop_oneof![
        Just(R::Nil),
        any::<bool>().prop_map(R::Boolean),
        any::<i64>().prop_map(R::from),
        any::<u64>().prop_map(R::from),
        any::<f64>().prop_map(R::F64),
        any::<f32>().prop_map(R::F32),
        "\\PC{0,6}".prop_map(|s| R::from(s.as_str())),
        number_text().prop_map(|s| R::from(s.as_str())),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(R::Binary),
        (any::<i8>(), prop::collection::vec(any::<u8>(), 0..4)).prop_map(|(t, d)| R::Ext(t, d)),
        type_json().prop_map(|t| R::Binary(t.to_string().into_bytes())),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(R::Array),
            prop::collection::vec(
                (
                    prop_oneof!["[a-c]".prop_map(|k| R::from(k.as_str())), inner.clone()],
                    inner.clone()
                ),
                0..4
            )
            .prop_map(R::Map),
            (type_json(), inner)
                .prop_map(|(t, v)| R::Array(vec![R::Binary(t.to_string().into_bytes()), v])),
        ]
    })
    .boxed()
}

fn msgpack_bytes() -> BoxedStrategy<Vec<u8>> {
    let encoded = arb_msgpack().prop_map(|v| {
        let mut out = Vec::new();
        rmpv::encode::write_value(&mut out, &v).expect("encode");
        out
    });
    prop_oneof![
        4 => (encoded, mutations()).prop_map(|(b, m)| apply(b, &m)),
        1 => prop::collection::vec(any::<u8>(), 0..128),
    ]
    .boxed()
}

/// A JSON value shaped like state and plan JSON (attribute-like keys, numbers as text,
/// `{"value","type"}` dynamic objects).
fn arb_json() -> BoxedStrategy<serde_json::Value> {
    use serde_json::{Value as J, json};
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(J::Null, J::Number)),
        "\\PC{0,6}".prop_map(J::String),
        number_text().prop_map(J::String),
        Just(J::String("true".into())),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(J::Array),
            prop::collection::btree_map("[a-c]|value|type", inner.clone(), 0..4)
                .prop_map(|m| J::Object(m.into_iter().collect())),
            (type_json(), inner).prop_map(|(t, v)| json!({"value": v, "type": t})),
        ]
    })
    .boxed()
}

fn json_bytes() -> BoxedStrategy<Vec<u8>> {
    let encoded = arb_json().prop_map(|v| serde_json::to_vec(&v).expect("json"));
    prop_oneof![
        4 => (encoded, mutations()).prop_map(|(b, m)| apply(b, &m)),
        1 => "[\\[\\]{}\",:0-9a-z.eE+ -]{0,64}".prop_map(String::into_bytes),
        1 => (1usize..3000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------
// Value codecs.

#[test]
fn fuzz_msgpack_decoder() {
    fuzz(
        "msgpack_decoder",
        (arb_type(), msgpack_bytes()),
        |(ty, bytes)| {
            let Ok(v) = msgpack::decode(&ty, &bytes) else {
                return Ok(());
            };
            // Accepted: a real value of the type, which encodes and decodes to itself.
            let again = msgpack::encode(&ty, &v)
                .map_err(|e| fail(format!("decoded {v:?} but cannot encode it: {e}")))?;
            let back = msgpack::decode(&ty, &again)
                .map_err(|e| fail(format!("re-encoded {v:?} does not decode: {e}")))?;
            prop_assert_eq!(back, v);
            Ok(())
        },
    );
}

#[test]
fn fuzz_json_decoder() {
    fuzz("json_decoder", (arb_type(), json_bytes()), |(ty, bytes)| {
        let _ = json::decode_lenient(&ty, &bytes);
        let Ok(v) = json::decode(&ty, &bytes) else {
            return Ok(());
        };
        if !v.is_wholly_known() {
            return Err(fail(format!("JSON decoded to an unknown: {v:?}")));
        }
        let again = json::encode(&ty, &v)
            .map_err(|e| fail(format!("decoded {v:?} but cannot encode it: {e}")))?;
        let back = json::decode(&ty, &again)
            .map_err(|e| fail(format!("re-encoded {v:?} does not decode: {e}")))?;
        prop_assert_eq!(&back, &v);
        // The same value through msgpack.
        let packed = msgpack::encode(&ty, &v).map_err(|e| fail(format!("msgpack: {e}")))?;
        prop_assert_eq!(
            msgpack::decode(&ty, &packed).map_err(|e| fail(e.to_string()))?,
            v
        );
        Ok(())
    });
}

#[test]
fn fuzz_type_json() {
    let bytes = prop_oneof![
        3 => (type_json(), mutations()).prop_map(|(t, m)| apply(t.to_string().into_bytes(), &m)),
        1 => prop::collection::vec(any::<u8>(), 0..48),
    ];
    fuzz("type_json", bytes, |bytes| {
        let Ok(t) = Type::from_json(&bytes) else {
            return Ok(());
        };
        let back = Type::from_json(&t.to_json())
            .map_err(|e| fail(format!("{t} re-encoded does not parse: {e}")))?;
        prop_assert_eq!(back, t);
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// PEM and DER.

/// Real documents to mutate: made once by the emulator's engine.
struct Seeds {
    cert_pem: String,
    sub_ca_pem: String,
    chain_pem: String,
    csr_pem: String,
    crl_pem: String,
    sub_key: pca::emulator::pki::CaKey,
}

fn seeds() -> &'static Seeds {
    static SEEDS: std::sync::OnceLock<Seeds> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(make_seeds())
    })
}

/// The in-process router and one signed call.
struct Emu {
    router: axum::Router,
}

impl Emu {
    fn new() -> Emu {
        let config = Config {
            max_cas: 6,
            ..Config::ephemeral()
        };
        let state = EmuState::open_with(
            &config,
            "http://127.0.0.1:9",
            Arc::new(SystemClock),
            Arc::new(RandomIds::from_os()),
        )
        .expect("state");
        Emu {
            router: pca::emulator::router(state),
        }
    }

    async fn call(
        &self,
        method: &str,
        uri: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> (u16, Vec<u8>, axum::http::HeaderMap) {
        let ts = emulator_support::now_ms().to_string();
        let sig = sign_request(DEFAULT_SECRET_KEY, method, uri, &ts, DEFAULT_ACCESS_KEY);
        let mut b = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .header(HEADER_TIMESTAMP, ts)
            .header(HEADER_ACCESS_KEY, DEFAULT_ACCESS_KEY)
            .header(HEADER_SIGNATURE_V2, sig);
        for (k, v) in headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let request = b.body(Body::from(body)).expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes().to_vec();
        (parts.status.as_u16(), bytes, parts.headers)
    }

    async fn data(&self, method: &str, uri: &str, body: serde_json::Value) -> serde_json::Value {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            serde_json::to_vec(&body).expect("json")
        };
        let headers = [("content-type".to_owned(), "application/json".to_owned())];
        let (status, bytes, _) = self.call(method, uri, &headers, bytes).await;
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        assert_eq!(status, 200, "{method} {uri}: {v}");
        v["data"].clone()
    }
}

async fn make_seeds() -> Seeds {
    use serde_json::json;
    let emu = Emu::new();
    let root = emu
        .data(
            "POST",
            "/api/v1/ca?caType=PRIVATE_ROOT",
            json!({"alias": "seedroot", "keyType": "EC256", "period": "100",
                   "x509Parameters": {"commonName": "Seed Root", "organization": "Fuzz"}}),
        )
        .await;
    let tag = root["caInfo"]["caTag"].as_str().expect("caTag").to_owned();
    let cert = emu
        .data(
            "POST",
            &format!("/api/v1/ca/{tag}/cert"),
            json!({"keyType": "EC256", "period": "10",
                   "x509Parameters": {"commonName": "seed.example.com",
                       "altName": "seed.example.com,www.example.com", "ip": "10.0.0.1,::1",
                       "uri": "spiffe://example.org/seed", "email": "a@example.com"}}),
        )
        .await;
    let serial = cert["serialNo"].as_str().expect("serialNo").to_owned();
    emu.data(
        "POST",
        &format!("/api/v1/ca/{tag}/cert/{serial}/revoke"),
        serde_json::Value::Null,
    )
    .await;
    let crl = emu
        .data(
            "GET",
            &format!("/api/v1/ca/{tag}/crl"),
            serde_json::Value::Null,
        )
        .await;
    let chain = emu
        .data(
            "GET",
            &format!("/api/v1/ca/{tag}/chain"),
            serde_json::Value::Null,
        )
        .await;
    // A sub CA: its certificate (signed by the root from a CSR made here) and key.
    let sub_key =
        pca::emulator::pki::CaKey::generate(pca::api::model::KeyType::Ec256).expect("key");
    let subject = pca::emulator::pki::Subject::with_common_name("Seed Sub");
    let csr_pem =
        pca::emulator::pki::sub_ca_csr(&sub_key, &subject, &Default::default()).expect("csr");
    let sub = emu
        .data(
            "POST",
            &format!("/api/v1/ca?caType=PRIVATE_SUB&issuerTag={tag}"),
            json!({"alias": "seedsub", "keyType": "EC256", "period": "50",
                   "x509Parameters": {"commonName": "Seed Sub"}}),
        )
        .await;
    let sub_tag = sub["caInfo"]["caTag"].as_str().expect("sub tag").to_owned();
    let signed = emu
        .data(
            "POST",
            &format!("/api/v1/ca/{tag}/sub/sign"),
            json!({"csrPem": csr_pem, "period": "30", "subCaTag": sub_tag}),
        )
        .await;
    let pick = |v: &serde_json::Value, keys: &[&str]| -> String {
        keys.iter()
            .find_map(|k| v[*k].as_str())
            .unwrap_or_else(|| panic!("none of {keys:?} in {v}"))
            .to_owned()
    };
    Seeds {
        cert_pem: pick(&cert, &["certificate", "certPem"]),
        sub_ca_pem: pick(&signed, &["certificate", "certPem", "certificatePem"]),
        chain_pem: chain.as_str().expect("chain PEM").to_owned(),
        csr_pem,
        crl_pem: crl
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| pick(&crl, &["crl", "crlPem"])),
        sub_key,
    }
}

/// The DER of the first PEM block.
fn der_of(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .expect("base64")
}

fn armour(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[derive(Debug, Clone)]
struct PemCase {
    /// Which seed (0 certificate, 1 sub CA, 2 CSR, 3 CRL).
    seed: usize,
    /// Mutations of the DER.
    der: Vec<Mutation>,
    /// Which label to armour with (0: the seed's own).
    label: usize,
    /// Mutations of the PEM text.
    text: Vec<Mutation>,
    /// Extra blocks appended (a chain).
    twice: bool,
}

const LABELS: [&str; 6] = [
    "",
    "CERTIFICATE",
    "CERTIFICATE REQUEST",
    "X509 CRL",
    "NEW CERTIFICATE REQUEST",
    "PRIVATE KEY",
];

fn pem_case() -> impl Strategy<Value = PemCase> {
    (
        0usize..4,
        mutations(),
        prop_oneof![4 => Just(0usize), 1 => 1usize..LABELS.len()],
        prop_oneof![3 => Just(Vec::new()), 1 => mutations()],
        any::<bool>(),
    )
        .prop_map(|(seed, der, label, text, twice)| PemCase {
            seed,
            der,
            label,
            text,
            twice,
        })
}

impl PemCase {
    fn unmutated(&self) -> bool {
        self.der.is_empty() && self.text.is_empty() && self.label == 0
    }

    fn build(&self, s: &Seeds) -> String {
        let (pem, own) = match self.seed {
            0 => (&s.cert_pem, "CERTIFICATE"),
            1 => (&s.sub_ca_pem, "CERTIFICATE"),
            2 => (&s.csr_pem, "CERTIFICATE REQUEST"),
            _ => (&s.crl_pem, "X509 CRL"),
        };
        let label = if self.label == 0 {
            own
        } else {
            LABELS[self.label]
        };
        let der = apply(der_of(pem), &self.der);
        let mut text = armour(label, &der);
        if self.twice {
            text.push_str(&s.chain_pem);
        }
        let bytes = apply(text.into_bytes(), &self.text);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Every provider-side PEM/DER reader over one text; returns whether the certificate
/// reader accepted it.
fn provider_readers(text: &str) -> bool {
    use pca::resources::common;
    let _ = common::pem_content(text);
    let _ = common::pem_eq(text, text);
    let _ = common::csr_key_params(text);
    let summary = common::cert_summary(text);
    let _ = common::parse_crl(text);
    let arg = [Value::String(text.to_owned())];
    let _ = pca::functions::parse_csr::ParseCsr.call(&arg);
    let cert = pca::functions::parse_certificate::ParseCertificate.call(&arg);
    let list = [Value::List(vec![
        Value::String(text.to_owned()),
        Value::String(text.to_owned()),
    ])];
    let _ = pca::functions::chain_is_ordered::ChainIsOrdered.call(&list);
    summary.is_some() || cert.is_ok()
}

fn emulator_readers(text: &str, s: &Seeds) {
    let _ = pca::emulator::pki::parse_csr(text);
    let _ = pca::emulator::pki::cert_info(text);
    let _ = pca::emulator::pki::pem_to_der(text);
    let _ = pca::emulator::pki::check_activation(&s.sub_key, text, &s.chain_pem);
    let _ = pca::emulator::pki::check_activation(&s.sub_key, &s.sub_ca_pem, text);
}

#[test]
fn fuzz_pem_and_der_readers() {
    let s = seeds();
    // The seeds themselves read.
    for pem in [&s.cert_pem, &s.sub_ca_pem] {
        assert!(pca::resources::common::cert_summary(pem).is_some());
        assert!(pca::emulator::pki::cert_info(pem).is_ok());
    }
    assert!(pca::resources::common::csr_key_params(&s.csr_pem).is_ok());
    assert!(pca::emulator::pki::parse_csr(&s.csr_pem).is_ok());
    assert_eq!(
        pca::resources::common::parse_crl(&s.crl_pem)
            .expect("the seed CRL reads")
            .revoked
            .len(),
        1
    );
    pca::emulator::pki::check_activation(&s.sub_key, &s.sub_ca_pem, &s.chain_pem)
        .expect("the seed sub CA activates");
    fuzz("pem_and_der_readers", pem_case(), |case| {
        let text = case.build(s);
        let accepted = provider_readers(&text);
        emulator_readers(&text, s);
        if case.unmutated() && case.seed < 2 {
            prop_assert!(accepted, "an unmutated certificate must read");
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// Emulator requests.

#[derive(Debug, Clone)]
struct RequestCase {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A path segment: a real CA tag or serial (filled in later), or odd text, percent-encoded
/// or not.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("{tag}".to_owned()),
        1 => Just("{serial}".to_owned()),
        2 => "[a-zA-Z0-9._~-]{0,12}",
        1 => "(%[0-9A-Fa-f]{2}){1,4}",
        1 => "%[0-9a-zA-Z]{0,2}",
        1 => Just("..".to_owned()),
        1 => Just("%00".to_owned()),
        1 => Just("%2F".to_owned()),
        1 => Just("00000000-00000000".to_owned()),
    ]
}

fn api_path() -> impl Strategy<Value = String> {
    let words = prop_oneof![
        Just("ca"),
        Just("cert"),
        Just("revoke"),
        Just("chain"),
        Just("crl"),
        Just("sub"),
        Just("csr"),
        Just("sign"),
        Just("activate"),
        Just("users"),
        Just("urls"),
        Just("config"),
        Just("rotate"),
        Just("trim"),
    ];
    prop::collection::vec(prop_oneof![words.prop_map(str::to_owned), segment()], 0..6).prop_map(
        |parts| {
            let mut p = "/api/v1".to_owned();
            for s in parts {
                p.push('/');
                p.push_str(&s);
            }
            p
        },
    )
}

/// An operation's path with odd values in its placeholders, and the operation's method.
fn op_path() -> impl Strategy<Value = (&'static str, String)> {
    (
        0..pca::api::ops::ALL.len(),
        segment(),
        segment(),
        prop_oneof![12 => Just(""), 1 => Just("/"), 1 => Just("//"), 1 => Just("/x")],
    )
        .prop_map(|(i, a, b, tail)| {
            let op = pca::api::ops::ALL[i];
            let path = op
                .path
                .replace("{caTag}", &a)
                .replace("{serialNo}", &b)
                .replace("{idNo}", &b);
            (
                op.method.as_str(),
                format!("{}{path}{tail}", pca::api::ops::API_PREFIX),
            )
        })
}

fn ext_path() -> impl Strategy<Value = String> {
    (
        segment(),
        prop_oneof![Just("ocsp"), Just("crl"), Just("ca"), Just("ocsp/")],
        "[A-Za-z0-9+/=%]{0,40}",
    )
        .prop_map(|(t, k, rest)| format!("/ext/{t}/{k}{rest}"))
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("caType".to_owned()),
        Just("issuerTag".to_owned()),
        Just("pageNo".to_owned()),
        Just("subCaTag".to_owned()),
        Just("status".to_owned()),
        "[a-zA-Z]{0,6}",
    ];
    let value = prop_oneof![
        Just("PRIVATE_ROOT".to_owned()),
        Just("PRIVATE_SUB".to_owned()),
        Just("{tag}".to_owned()),
        "-?[0-9]{0,22}",
        "[a-zA-Z0-9%+._-]{0,10}",
        "(%[0-9A-Fa-f]{2}){1,3}",
    ];
    prop::collection::vec((key, value, any::<bool>()), 0..4).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v, eq)| if eq { format!("{k}={v}") } else { k })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// JSON bodies with the API's member names and values of every type.
fn api_json() -> BoxedStrategy<serde_json::Value> {
    use serde_json::Value as J;
    let names = prop_oneof![
        Just("alias"),
        Just("keyType"),
        Just("period"),
        Just("x509Parameters"),
        Just("commonName"),
        Just("altName"),
        Just("ip"),
        Just("uri"),
        Just("other"),
        Just("email"),
        Just("csrPem"),
        Just("certPem"),
        Just("caChainPem"),
        Just("status"),
        Just("memo"),
        Just("idNo"),
        Just("expiry"),
        Just("keyUsage"),
        Just("extendedKeyUsage"),
        Just("keyBits"),
        Just("subCaTag"),
        Just("reason"),
        Just("serialNoList"),
        Just("useCnAsSan"),
        Just("ocspServers"),
    ];
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::from),
        Just(J::from("EC256")),
        Just(J::from("RSA2048")),
        Just(J::from("MAX")),
        Just(J::from("1")),
        Just(J::from("ACTIVE")),
        Just(J::from("DISABLED")),
        Just(J::from("x.example.com")),
        Just(J::from("6e4c1234-5678-90ab-cdef-1234567a9baa")),
        Just(J::from("{tag}")),
        Just(J::from("{serial}")),
        Just(J::from("{csr}")),
        Just(J::from("{cert}")),
        "[a-zA-Z0-9 .,:;@/=_-]{0,20}".prop_map(J::String),
        "\\PC{0,8}".prop_map(J::String),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(J::Array),
            prop::collection::vec((names.clone(), inner), 0..6).prop_map(|kvs| {
                J::Object(kvs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
    .boxed()
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => api_json().prop_map(|v| serde_json::to_vec(&v).expect("json")),
        2 => (api_json(), mutations()).prop_map(|(v, m)| apply(serde_json::to_vec(&v).expect("json"), &m)),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => Just(Vec::new()),
    ]
}

fn header_pair() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            Just("content-type".to_owned()),
            Just("accept".to_owned()),
            Just("x-ncp-apigw-timestamp".to_owned()),
            Just("x-ncp-iam-access-key".to_owned()),
            Just("x-ncp-apigw-signature-v2".to_owned()),
            Just("content-encoding".to_owned()),
            "x-[a-z]{1,8}",
        ],
        "[ -~]{0,24}",
    )
}

fn request_case() -> impl Strategy<Value = RequestCase> {
    let any_method = prop_oneof![
        Just("GET"),
        Just("POST"),
        Just("PUT"),
        Just("DELETE"),
        Just("PATCH"),
        Just("HEAD"),
        Just("OPTIONS")
    ];
    let target = prop_oneof![
        6 => (op_path(), prop::bool::weighted(0.85), any_method.clone())
            .prop_map(|((m, p), own, other)| (if own { m } else { other }, p)),
        1 => (any_method.clone(), api_path()),
        1 => (any_method, ext_path()),
    ];
    (
        target,
        query(),
        prop::collection::vec(header_pair(), 0..3),
        body(),
    )
        .prop_map(|((method, path), query, headers, body)| RequestCase {
            method: method.to_owned(),
            path,
            query,
            headers,
            body,
        })
}

/// Whether a body is one of the emulator's JSON error shapes (service envelope with a
/// non-success code, or the gateway's `{"error":{…}}`).
fn is_error_body(bytes: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return false;
    };
    let envelope = v["code"].is_string() && v["msg"].is_string() && v["code"] != "SUCCESS";
    let gateway = v["error"]["errorCode"].is_string();
    envelope || gateway
}

#[test]
fn fuzz_emulator_requests() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let s = seeds();
    let emu = Emu::new();
    let (tag, serial) = rt.block_on(async {
        use serde_json::json;
        let root = emu
            .data(
                "POST",
                "/api/v1/ca?caType=PRIVATE_ROOT",
                json!({"alias": "fuzzroot", "keyType": "EC256", "period": "100",
                       "x509Parameters": {"commonName": "Fuzz Root"}}),
            )
            .await;
        let tag = root["caInfo"]["caTag"].as_str().expect("tag").to_owned();
        let cert = emu
            .data(
                "POST",
                &format!("/api/v1/ca/{tag}/cert"),
                json!({"keyType": "EC256", "period": "1",
                       "x509Parameters": {"commonName": "f.example.com"}}),
            )
            .await;
        (tag, cert["serialNo"].as_str().expect("serial").to_owned())
    });
    let fill = |t: &str| {
        t.replace("{tag}", &tag)
            .replace("{serial}", &serial)
            .replace("{csr}", &s.csr_pem.replace('\n', "\\n"))
            .replace("{cert}", &s.cert_pem.replace('\n', "\\n"))
    };
    // Which answers the cases got (printed: a run that only meets 401s tests nothing).
    let seen = std::sync::Mutex::new(std::collections::BTreeMap::<(u16, String), u64>::new());
    fuzz("emulator_requests", request_case(), |case| {
        let path = fill(&case.path);
        let uri = if case.query.is_empty() {
            path
        } else {
            format!("{path}?{}", fill(&case.query))
        };
        if uri.parse::<axum::http::Uri>().is_err() {
            return Ok(());
        }
        let body = String::from_utf8(case.body.clone())
            .map(|b| fill(&b).into_bytes())
            .unwrap_or_else(|_| case.body.clone());
        let headers: Vec<(String, String)> = case
            .headers
            .iter()
            .filter(|(k, v)| {
                axum::http::HeaderName::try_from(k.as_str()).is_ok()
                    && axum::http::HeaderValue::try_from(v.as_str()).is_ok()
            })
            .cloned()
            .collect();
        let (status, bytes, response_headers) =
            rt.block_on(emu.call(&case.method, &uri, &headers, body));
        prop_assert!(
            status < 500,
            "{} {uri}: status {status}: {}",
            case.method,
            String::from_utf8_lossy(&bytes)
        );
        let code = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v["code"]
                    .as_str()
                    .or_else(|| v["error"]["errorCode"].as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        if let Ok(mut seen) = seen.lock() {
            *seen.entry((status, code)).or_default() += 1;
        }
        let binary = response_headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| !t.contains("json"));
        if status >= 400 && !binary && case.method != "HEAD" {
            prop_assert!(
                is_error_body(&bytes),
                "{} {uri}: {status} without an error body: {}",
                case.method,
                String::from_utf8_lossy(&bytes)
            );
        }
        Ok(())
    });
    let seen = seen.into_inner().unwrap_or_default();
    eprintln!("fuzz emulator_requests: answers (status, code: count): {seen:?}");
    assert!(
        seen.keys()
            .any(|(status, code)| *status == 200 && code == "SUCCESS"),
        "no request succeeded: {seen:?}"
    );
    // Still serving.
    rt.block_on(async {
        let v = emu
            .data("GET", &format!("/api/v1/ca/{tag}"), serde_json::Value::Null)
            .await;
        assert!(v.is_object(), "{v}");
    });
}

// ---------------------------------------------------------------------------------------
// Regressions: what fuzzing found, fixed, and pinned.

/// Found by `fuzz_emulator_requests`: a method the public `/ext` endpoints do not take
/// (`POST /ext/{tag}/ocsp/{request}`) and paths no route serves were answered with an
/// empty 405 and a plain-text 404; both are now the gateway's JSON 404, as under `/api/v1`.
#[test]
fn regression_unrouted_requests_get_the_gateway_404_body() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let emu = Emu::new();
    rt.block_on(async {
        for (method, uri) in [
            ("POST", "/ext/52091c7e-5bec5099/ocsp/="),
            ("DELETE", "/ext/52091c7e-5bec5099/crl"),
            ("PUT", "/ext/52091c7e-5bec5099/ca"),
            ("GET", "/nowhere"),
            ("GET", "/ext/52091c7e-5bec5099/elsewhere"),
        ] {
            let (status, bytes, _) = emu.call(method, uri, &[], b"null".to_vec()).await;
            assert_eq!(status, 404, "{method} {uri}");
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON body");
            assert_eq!(v["error"]["errorCode"], "300", "{method} {uri}: {v}");
        }
    });
}
