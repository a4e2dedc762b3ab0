//! The typed client against an in-test HTTP server (`client_support`): the exact wire form
//! of all 24 operations, retries per outcome class, fresh signatures per attempt, Create CA
//! adoption after a lost response, pagination, error classification and secret hygiene.

mod client_support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use client_support::{
    ACCESS_KEY, Recorded, Reply, RetryDelays, SECRET_KEY, TestServer, test_builder,
};
use pca::api::ErrorCode;
use pca::api::model::{
    ActivateSubCaRequest, AddCaUserRequest, CaStatus, CaTag, CaType, CreateCaQuery,
    CreateCaRequest, CreateOcspRequest, IdNo, IssueEndCertRequest, KeyType, PageQuery, Period,
    SerialNo, SignEndCsrQuery, SignEndCsrRequest, SignSubCsrRequest, UpdateCaRequest,
    UpdateCrlConfigRequest, X509CaParameters, X509EndCertParameters,
};
use pca::api::{ops, signing};
use pca::client::{Client, ClientError, USER_AGENT};

const TAG: &str = "1a2b3c4d-5e6f7a8b";
const SERIAL: &str = "3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20";
const ID_NO: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";
const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
const CRL: &str = "-----BEGIN X509 CRL-----\nMIIC\n-----END X509 CRL-----";
const CSR: &str = "-----BEGIN CERTIFICATE REQUEST-----\nMIIR\n-----END CERTIFICATE REQUEST-----";

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_millis(),
    )
    .expect("ms")
}

fn tag() -> CaTag {
    CaTag::from(TAG)
}

fn ca_record(tag: &str, alias: &str, status: &str) -> Value {
    json!({
        "caInfo": {"caTag": tag, "alias": alias, "caType": "PRIVATE_SUB", "status": status,
                   "rgstDate": now_ms()},
        "caCertInfo": {"commonName": "Corp Sub", "certPem": CERT}
    })
}

/// The canned success `data` for an operation.
fn canned(op: &str) -> Value {
    match op {
        "Create CA" | "Get CA" | "Activate Sub CA" => ca_record(TAG, "corp-sub", "ACTIVE"),
        "Get CA List" => json!({"totalCnt": 1, "totalPageNo": 1, "currentPageNo": 1,
                                 "caInfoList": [ca_record(TAG, "corp-sub", "ACTIVE")]}),
        "Update CA" => json!({"caInfo": {"caTag": TAG, "status": "DESTROYING",
                                          "destroyDate": 1_721_364_412_000_i64}}),
        "Get CA Chain" => json!(CERT),
        "Get CA CRL" => json!(CRL),
        "Get Sub CSR" => json!({"csrPem": CSR}),
        "Sign Sub Csr" | "Sign End Csr" => json!({"certificate": CERT, "caChain": [CERT],
                                                  "issuer": CERT, "serialNo": SERIAL,
                                                  "ocspResponder": ""}),
        "Issue End Cert" => {
            json!({"privateKey": "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----",
                                   "certificate": CERT, "serialNo": SERIAL, "caChain": CERT,
                                   "issuer": CERT, "ocspResponder": ""})
        }
        "Get End Cert List" => json!({"totalCnt": 1, "listCerts": [SERIAL],
                                      "totalPageNo": 2, "currentPageNo": 2}),
        "Get End Cert" => json!({"serialNo": SERIAL, "commonName": "svc.example.com",
                                 "certPem": CERT, "caChain": CERT}),
        "Get CA User List" => json!([{"loginId": "USER", "mbrNo": 2_761_234, "idNo": ID_NO}]),
        "Get CRL Config" | "Update CRL Config" => json!({"expiry": "5"}),
        _ => Value::Null,
    }
}

/// Checks the headers every request must carry, and that the signature verifies.
fn assert_signed_headers(r: &Recorded) {
    let what = format!("{} {}", r.method, r.request_uri());
    let ts = r
        .header(signing::HEADER_TIMESTAMP)
        .expect("timestamp header");
    let ts_ms = signing::parse_timestamp(ts).expect("numeric timestamp");
    assert!(
        (ts_ms - now_ms()).abs() < 60_000,
        "{what}: timestamp {ts} is not current"
    );
    assert_eq!(
        r.header(signing::HEADER_ACCESS_KEY),
        Some(ACCESS_KEY),
        "{what}"
    );
    let sig = r.header(signing::HEADER_SIGNATURE_V2).expect("signature");
    let sts = signing::string_to_sign(&r.method, &r.request_uri(), ts, ACCESS_KEY);
    assert_eq!(
        sig,
        signing::signature(SECRET_KEY, &sts),
        "{what}: signature"
    );
    assert!(r.signature_ok, "{what}");
    assert_eq!(r.header("content-type"), Some("application/json"), "{what}");
    assert_eq!(r.header("accept"), Some("application/json"), "{what}");
    assert_eq!(r.header("user-agent"), Some(USER_AGENT), "{what}");
    for once in [
        signing::HEADER_TIMESTAMP,
        signing::HEADER_ACCESS_KEY,
        signing::HEADER_SIGNATURE_V2,
        "content-type",
        "accept",
    ] {
        assert_eq!(r.header_count(once), 1, "{what}: {once} sent once");
    }
    assert_eq!(r.header(signing::HEADER_SIGNATURE_V1_ALIAS), None, "{what}");
    assert_eq!(r.header(signing::HEADER_API_KEY), None, "{what}");
}

#[tokio::test]
async fn every_operation_has_its_exact_method_path_query_headers_and_body() {
    let server = TestServer::start(|r| match r.op {
        Some(op) => Reply::ok(canned(op)),
        None => Reply::error(404, "INVALID_PATH", "no such operation"),
    })
    .await;
    let c = server.client().build().expect("client");
    let t = tag();
    let serial = SerialNo::from(SERIAL);

    // Spec order, §2.1 … §2.24.
    let created = c
        .create_ca(
            &CreateCaQuery {
                ca_type: CaType::PrivateSub,
                issuer_tag: Some(t.clone()),
            },
            &CreateCaRequest {
                alias: "corp-sub".into(),
                memo: None,
                key_type: KeyType::Rsa2048,
                period: Period::Max,
                x509_parameters: X509CaParameters {
                    common_name: "Corp Sub".into(),
                    country: Some("KR".into()),
                    ..X509CaParameters::default()
                },
            },
        )
        .await
        .expect("create_ca");
    assert_eq!(
        created.ca_info.and_then(|i| i.ca_tag),
        Some(CaTag::from(TAG))
    );
    let list = c.get_ca_list(&PageQuery::page(1)).await.expect("list");
    assert_eq!(list.ca_info_list.len(), 1);
    c.get_ca(&t).await.expect("get_ca");
    let updated = c
        .update_ca(
            &t,
            &UpdateCaRequest {
                status: CaStatus::Destroying,
                memo: None,
            },
        )
        .await
        .expect("update_ca");
    assert_eq!(updated.destroy_date(), Some(1_721_364_412_000));
    c.delete_ca(&t).await.expect("delete_ca");
    assert_eq!(c.get_ca_chain(&t).await.expect("chain"), CERT);
    assert_eq!(c.get_ca_crl(&t).await.expect("crl"), CRL);
    assert_eq!(
        c.get_sub_csr(&t).await.expect("csr").csr_pem.as_deref(),
        Some(CSR)
    );
    let signed = c
        .sign_sub_csr(
            &t,
            &SignSubCsrRequest {
                period: Period::Days(10),
                csr_pem: CSR.into(),
                ..SignSubCsrRequest::default()
            },
        )
        .await
        .expect("sign_sub_csr");
    assert_eq!(signed.serial_no, Some(serial.clone()));
    c.activate_sub_ca(
        &t,
        &ActivateSubCaRequest {
            cert_pem: CERT.into(),
            ca_chain_pem: CERT.into(),
        },
    )
    .await
    .expect("activate_sub_ca");
    let issued = c
        .issue_end_cert(
            &t,
            &IssueEndCertRequest {
                key_type: Some(KeyType::Ec256),
                period: Some(Period::Days(30)),
                x509_parameters: X509EndCertParameters {
                    common_name: "svc.example.com".into(),
                    alt_name: Some("a.example.com,b.example.com".into()),
                    ..X509EndCertParameters::default()
                },
            },
        )
        .await
        .expect("issue_end_cert");
    assert!(issued.private_key.is_some());
    c.sign_end_csr(
        &t,
        &SignEndCsrQuery {
            period: Some(Period::Days(30)),
        },
        &SignEndCsrRequest {
            csr_pem: CSR.into(),
            period: Some(Period::Days(30)),
            ..SignEndCsrRequest::default()
        },
    )
    .await
    .expect("sign_end_csr");
    let certs = c
        .get_end_cert_list(&t, &PageQuery::page(2))
        .await
        .expect("cert list");
    assert_eq!(certs.list_certs, vec![serial.clone()]);
    let cert = c.get_end_cert(&t, &serial).await.expect("get_end_cert");
    assert_eq!(cert.common_name.as_deref(), Some("svc.example.com"));
    c.revoke_end_cert(&t, &serial).await.expect("revoke");
    c.add_ca_user(
        &t,
        &AddCaUserRequest {
            id_no: IdNo::from(ID_NO),
        },
    )
    .await
    .expect("add_ca_user");
    let users = c.get_ca_user_list(&t).await.expect("users");
    assert_eq!(
        users[0].mbr_no.as_ref().map(|m| m.as_str()),
        Some("2761234")
    );
    c.delete_ca_user(&t, &IdNo::from(ID_NO))
        .await
        .expect("delete_ca_user");
    let ocsp_url = format!("https://pca.apigw.ntruss.com/ext/{TAG}/ocsp");
    c.create_ocsp(
        &t,
        &CreateOcspRequest {
            ocsp_servers: ocsp_url.clone(),
        },
    )
    .await
    .expect("create_ocsp");
    c.delete_ocsp(&t).await.expect("delete_ocsp");
    let cfg = c.get_crl_config(&t).await.expect("crl config");
    assert_eq!(cfg.and_then(|c| c.expiry).as_deref(), Some("5"));
    c.update_crl_config(&t, &UpdateCrlConfigRequest { expiry: "5".into() })
        .await
        .expect("update_crl_config");
    c.rotate_crl(&t).await.expect("rotate_crl");
    c.trim_ca(&t).await.expect("trim_ca");

    let ca = format!("/api/v1/ca/{TAG}");
    // (operation, method, path, raw query, JSON body)
    let expected: Vec<(&str, &str, String, Option<&str>, Value)> = vec![
        (
            "Create CA",
            "POST",
            "/api/v1/ca".into(),
            Some("caType=PRIVATE_SUB&issuerTag=1a2b3c4d-5e6f7a8b"),
            json!({"alias": "corp-sub", "keyType": "RSA2048", "period": "MAX",
                   "x509Parameters": {"commonName": "Corp Sub", "country": "KR"}}),
        ),
        (
            "Get CA List",
            "GET",
            "/api/v1/ca".into(),
            Some("pageNo=1"),
            Value::Null,
        ),
        ("Get CA", "GET", ca.clone(), None, Value::Null),
        (
            "Update CA",
            "PUT",
            ca.clone(),
            None,
            json!({"status": "DESTROYING"}),
        ),
        ("Delete CA", "DELETE", ca.clone(), None, Value::Null),
        (
            "Get CA Chain",
            "GET",
            format!("{ca}/chain"),
            None,
            Value::Null,
        ),
        ("Get CA CRL", "GET", format!("{ca}/crl"), None, Value::Null),
        (
            "Get Sub CSR",
            "GET",
            format!("{ca}/sub/csr"),
            None,
            Value::Null,
        ),
        (
            "Sign Sub Csr",
            "POST",
            format!("{ca}/sub/sign"),
            None,
            json!({"period": "10", "csrPem": CSR}),
        ),
        (
            "Activate Sub CA",
            "POST",
            format!("{ca}/activate"),
            None,
            json!({"certPem": CERT, "caChainPem": CERT}),
        ),
        (
            "Issue End Cert",
            "POST",
            format!("{ca}/cert"),
            None,
            json!({"keyType": "EC256", "period": "30",
                   "x509Parameters": {"commonName": "svc.example.com",
                                      "altName": "a.example.com,b.example.com"}}),
        ),
        (
            "Sign End Csr",
            "POST",
            format!("{ca}/cert/sign"),
            Some("period=30"),
            json!({"csrPem": CSR, "period": "30"}),
        ),
        (
            "Get End Cert List",
            "GET",
            format!("{ca}/cert"),
            Some("pageNo=2"),
            Value::Null,
        ),
        (
            "Get End Cert",
            "GET",
            format!("{ca}/cert/{SERIAL}"),
            None,
            Value::Null,
        ),
        (
            "Revoke End Cert",
            "POST",
            format!("{ca}/cert/{SERIAL}/revoke"),
            None,
            Value::Null,
        ),
        (
            "Add CA User",
            "POST",
            format!("{ca}/users"),
            None,
            json!({"idNo": ID_NO}),
        ),
        (
            "Get CA User List",
            "GET",
            format!("{ca}/users"),
            None,
            Value::Null,
        ),
        (
            "Delete CA User",
            "DELETE",
            format!("{ca}/users/{ID_NO}"),
            None,
            Value::Null,
        ),
        (
            "Create OCSP",
            "PUT",
            format!("{ca}/urls"),
            None,
            json!({"ocsp_servers": ocsp_url}),
        ),
        (
            "Delete OCSP",
            "DELETE",
            format!("{ca}/urls"),
            None,
            Value::Null,
        ),
        (
            "Get CRL Config",
            "GET",
            format!("{ca}/crl/config"),
            None,
            Value::Null,
        ),
        (
            "Update CRL Config",
            "PUT",
            format!("{ca}/crl/config"),
            None,
            json!({"expiry": "5"}),
        ),
        (
            "Rotate CRL",
            "POST",
            format!("{ca}/crl/rotate"),
            None,
            Value::Null,
        ),
        ("Trim CA", "POST", format!("{ca}/trim"), None, Value::Null),
    ];

    let got = server.requests();
    assert_eq!(got.len(), 24, "one request per operation, no retries");
    // The table covers every operation of the API, in spec order.
    let names: Vec<&str> = expected.iter().map(|e| e.0).collect();
    let all: Vec<&str> = ops::ALL.iter().map(|o| o.name).collect();
    assert_eq!(names, all);
    for (r, (name, method, path, query, body)) in got.iter().zip(&expected) {
        assert_eq!(r.op, Some(*name), "{} {}", r.method, r.path);
        assert_eq!(r.method, *method, "{name}: method");
        assert_eq!(r.path, *path, "{name}: path");
        assert_eq!(r.query.as_deref(), *query, "{name}: query");
        assert_eq!(r.json(), *body, "{name}: body");
        if body.is_null() {
            assert!(r.body.is_empty(), "{name}: no body");
        }
        assert_signed_headers(r);
    }
    // Path parameters decode back to what was passed (serial colons unescaped on the wire).
    let get_cert = &got[13];
    assert_eq!(get_cert.param("serialNo"), Some(SERIAL));
    assert!(!get_cert.path.contains("%3A"));
    assert_eq!(got[17].param("idNo"), Some(ID_NO));
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let server = TestServer::scripted(vec![
        Reply::error(503, "FAIL_CORE", "unavailable"),
        Reply::error(503, "FAIL_CORE", "unavailable"),
        Reply::ok(canned("Get CA")),
    ])
    .await;
    let c = server.client().build().expect("client");
    c.get_ca(&tag()).await.expect("third attempt succeeds");
    let got = server.requests();
    assert_eq!(got.len(), 3);
    let stamps: HashSet<&str> = got
        .iter()
        .map(|r| r.header(signing::HEADER_TIMESTAMP).expect("ts"))
        .collect();
    let sigs: HashSet<&str> = got
        .iter()
        .map(|r| r.header(signing::HEADER_SIGNATURE_V2).expect("sig"))
        .collect();
    assert_eq!(stamps.len(), 3, "a new timestamp per attempt");
    assert_eq!(sigs.len(), 3, "a new signature per attempt");
    let ts: Vec<i64> = got
        .iter()
        .filter_map(|r| signing::parse_timestamp(r.header(signing::HEADER_TIMESTAMP)?))
        .collect();
    assert!(ts.windows(2).all(|w| w[0] < w[1]), "{ts:?}");
    for r in &got {
        assert_signed_headers(r);
    }
}

fn issue_request() -> IssueEndCertRequest {
    IssueEndCertRequest {
        key_type: Some(KeyType::Rsa2048),
        period: Some(Period::Days(7)),
        x509_parameters: X509EndCertParameters {
            common_name: "svc".into(),
            ..X509EndCertParameters::default()
        },
    }
}

#[tokio::test]
async fn throttled_429_is_retried_with_growing_delays_even_for_posts() {
    let server = TestServer::scripted(vec![
        Reply::error(429, "TOO_MANY", "slow down"),
        Reply::error(429, "TOO_MANY", "slow down"),
        Reply::error(429, "TOO_MANY", "slow down"),
        Reply::ok(canned("Issue End Cert")),
    ])
    .await;
    let delays = RetryDelays::default();
    let _guard = delays.install();
    let base = Duration::from_millis(8);
    let c = server
        .client()
        .backoff(base, Duration::from_secs(1))
        .jitter(false)
        .build()
        .expect("client");
    c.issue_end_cert(&tag(), &issue_request())
        .await
        .expect("fourth attempt succeeds");
    let got = server.requests();
    assert_eq!(got.len(), 4, "three 429s, then success");
    // The client chose growing delays ...
    assert_eq!(delays.ms(), [8, 16, 32]);
    // ... and really waited them between the attempts the server saw.
    let gaps: Vec<Duration> = got.windows(2).map(|w| w[1].at - w[0].at).collect();
    for (i, gap) in gaps.iter().enumerate() {
        let floor = base * (1 << i);
        assert!(*gap >= floor, "gap {i} = {gap:?} < backoff {floor:?}");
    }
    for r in &got {
        assert_eq!(r.json()["x509Parameters"]["commonName"], "svc");
    }
}

#[tokio::test]
async fn unavailable_503_is_retried_for_gets_puts_and_posts() {
    // Every operation's first two attempts get 503.
    let counter = Arc::new(Mutex::new(std::collections::HashMap::<String, u32>::new()));
    let seen = counter.clone();
    let server = TestServer::start(move |r| {
        let mut m = seen.lock().expect("lock");
        let n = m.entry(r.op.unwrap_or("?").to_owned()).or_insert(0);
        *n += 1;
        if *n <= 2 {
            Reply::error(503, "FAIL_CORE", "unavailable")
        } else {
            Reply::ok(canned(r.op.unwrap_or("")))
        }
    })
    .await;
    let delays = RetryDelays::default();
    let _guard = delays.install();
    let c = server
        .client()
        .backoff(Duration::from_millis(2), Duration::from_secs(1))
        .jitter(false)
        .build()
        .expect("client");
    c.get_ca(&tag()).await.expect("GET");
    c.update_crl_config(&tag(), &UpdateCrlConfigRequest { expiry: "4".into() })
        .await
        .expect("PUT");
    c.sign_end_csr(
        &tag(),
        &SignEndCsrQuery::default(),
        &SignEndCsrRequest {
            csr_pem: CSR.into(),
            ..SignEndCsrRequest::default()
        },
    )
    .await
    .expect("POST");
    let m = counter.lock().expect("lock");
    assert_eq!(m.get("Get CA"), Some(&3));
    assert_eq!(m.get("Update CRL Config"), Some(&3));
    assert_eq!(m.get("Sign End Csr"), Some(&3));
    assert_eq!(
        delays.ms(),
        [2, 4, 2, 4, 2, 4],
        "growing delays per operation"
    );
}

#[tokio::test]
async fn full_jitter_stays_under_the_exponential_ceiling() {
    let server = TestServer::start(|_| Reply::error(503, "FAIL_CORE", "down")).await;
    let delays = RetryDelays::default();
    let _guard = delays.install();
    let c = server
        .client()
        .backoff(Duration::from_millis(4), Duration::from_millis(20))
        .max_retries(5)
        .build()
        .expect("client");
    assert!(c.retry_policy().jitter, "jitter is the default");
    c.get_ca(&tag()).await.expect_err("always 503");
    let ms = delays.ms();
    assert_eq!(ms.len(), 5);
    for (i, (d, ceiling)) in ms.iter().zip([4, 8, 16, 20, 20]).enumerate() {
        assert!(*d <= ceiling, "retry {i}: {d} ms > ceiling {ceiling} ms");
    }
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn validation_400_is_never_retried() {
    let server =
        TestServer::start(|_| Reply::error(400, "EMPTY_CA_ALIAS", "alias is missing.")).await;
    let c = server.client().build().expect("client");
    let err = c
        .create_ca(
            &CreateCaQuery {
                ca_type: CaType::PrivateRoot,
                issuer_tag: None,
            },
            &CreateCaRequest {
                alias: String::new(),
                memo: None,
                key_type: KeyType::Rsa2048,
                period: Period::Max,
                x509_parameters: X509CaParameters::default(),
            },
        )
        .await
        .expect_err("400");
    assert_eq!(server.requests().len(), 1, "a 400 on a POST is not retried");
    assert!(matches!(
        &err,
        ClientError::Api {
            status: 400,
            code: ErrorCode::EmptyCaAlias,
            attempts: 1,
            ..
        }
    ));
    assert!(!err.is_retryable());
    assert!(!err.is_not_found());
    assert_eq!(err.code(), Some("EMPTY_CA_ALIAS"));

    let err = c.get_ca(&tag()).await.expect_err("400");
    assert_eq!(
        server.requests().len(),
        2,
        "a 400 on a GET is not retried either"
    );
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn server_error_500_is_retried_for_gets_but_not_for_posts() {
    let server = TestServer::start(|_| Reply::error(500, "FAIL_CORE", "boom")).await;
    let c = server.client().max_retries(3).build().expect("client");
    let err = c
        .get_end_cert(&tag(), &SerialNo::from(SERIAL))
        .await
        .expect_err("500");
    assert_eq!(server.requests().len(), 4, "GET: 1 + 3 retries");
    assert_eq!(err.attempts(), 4);
    assert!(err.is_retryable());

    let err = c
        .issue_end_cert(&tag(), &issue_request())
        .await
        .expect_err("500");
    assert_eq!(
        server.requests().len(),
        5,
        "POST: the body was sent and may have been processed, so no retry"
    );
    assert_eq!(err.attempts(), 1);
    assert!(err.is_ambiguous());
    for r in server.requests() {
        assert_signed_headers(&r);
    }
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let server = TestServer::start(|_| {
        Reply::error(429, "TOO_MANY", "throttled").with_header("x-ncp-trace-id", "trace-9")
    })
    .await;
    let c = server.client().max_retries(2).build().expect("client");
    let err = c.get_ca_chain(&tag()).await.expect_err("always 429");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.request_id(), Some("trace-9"));
    assert!(err.is_retryable());
    let shown = err.to_string();
    assert!(shown.contains("after 3 attempts"), "{shown}");
    assert!(shown.contains("trace-9"), "{shown}");

    let server = TestServer::start(|_| Reply::error(503, "FAIL_CORE", "down")).await;
    let c = server.client().max_retries(0).build().expect("client");
    c.get_ca(&tag()).await.expect_err("no retries");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn lost_response_to_a_post_is_not_retried() {
    let server = TestServer::start(|_| Reply::Drop).await;
    let c = server.client().build().expect("client");
    let err = c
        .issue_end_cert(&tag(), &issue_request())
        .await
        .expect_err("dropped");
    let got = server.requests();
    assert_eq!(got.len(), 1, "POST not retried after the body was sent");
    assert_eq!(got[0].json()["x509Parameters"]["commonName"], "svc");
    assert!(
        matches!(
            err,
            ClientError::Transport {
                sent: true,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_ambiguous());
    assert!(err.to_string().contains("may or may not"), "{err}");

    // The same loss on Revoke / Rotate / Trim / Add CA User: one attempt each.
    c.revoke_end_cert(&tag(), &SerialNo::from(SERIAL))
        .await
        .expect_err("dropped");
    c.rotate_crl(&tag()).await.expect_err("dropped");
    c.trim_ca(&tag()).await.expect_err("dropped");
    c.add_ca_user(
        &tag(),
        &AddCaUserRequest {
            id_no: IdNo::from(ID_NO),
        },
    )
    .await
    .expect_err("dropped");
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn lost_response_to_a_get_is_retried() {
    let server =
        TestServer::scripted(vec![Reply::Drop, Reply::Drop, Reply::ok(canned("Get CA"))]).await;
    let c = server.client().build().expect("client");
    c.get_ca(&tag()).await.expect("third attempt");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn connection_failures_are_retried_for_every_operation() {
    // A port nobody listens on: every attempt is refused before anything is sent.
    // Port 1 (tcpmux): privileged and outside the ephemeral range, so no test's server can
    // be there, unlike a freed ephemeral port.
    let port = 1;
    let c = test_builder(&format!("http://127.0.0.1:{port}"))
        .max_retries(3)
        .build()
        .expect("client");
    let err = c.get_ca(&tag()).await.expect_err("refused");
    assert!(
        matches!(
            err,
            ClientError::Transport {
                sent: false,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable() && !err.is_ambiguous());
    let err = c
        .issue_end_cert(&tag(), &issue_request())
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            ClientError::Transport {
                sent: false,
                attempts: 4,
                ..
            }
        ),
        "a POST that never left is retried too: {err:?}"
    );
}

#[tokio::test]
async fn timeouts_after_sending_are_retried_only_when_idempotent() {
    // The timeout leaves the server (on this test's runtime) ample time to record each
    // request before it fires; the answer never comes in time.
    let slow = || Reply::Delay(Duration::from_secs(10), Box::new(Reply::ok(Value::Null)));
    let server = TestServer::start(move |_| slow()).await;
    let c = server
        .client()
        .request_timeout(Duration::from_millis(500))
        .max_retries(1)
        .build()
        .expect("client");
    let err = c.delete_ocsp(&tag()).await.expect_err("timeout");
    assert!(
        matches!(err, ClientError::Timeout { attempts: 2, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 2);
    let err = c.trim_ca(&tag()).await.expect_err("timeout");
    assert!(
        matches!(err, ClientError::Timeout { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 3);
}

/// A tiny fake PCA for Create CA: a store of CAs, Create CA appends (alias unique), Get CA
/// List pages by one. `drop_creates` says how many successful creates lose their response.
struct FakePca {
    cas: Vec<Value>,
    drop_creates: u32,
    drop_before_create: bool,
    unavailable: u32,
}

fn fake_pca(fake: Arc<Mutex<FakePca>>) -> impl FnMut(&Recorded) -> Reply + Send + 'static {
    move |r: &Recorded| {
        let mut f = fake.lock().expect("lock");
        match r.op {
            Some("Create CA") => {
                if f.unavailable > 0 {
                    f.unavailable -= 1;
                    return Reply::error(503, "FAIL_CORE", "unavailable");
                }
                if f.drop_before_create {
                    return Reply::Drop;
                }
                let body = r.json();
                let alias = body["alias"].as_str().unwrap_or_default().to_owned();
                if f.cas.iter().any(|c| c["caInfo"]["alias"] == alias.as_str()) {
                    return Reply::error(400, "ALREADY_EXIST_ALIAS", "The alias already exists.");
                }
                let tag = format!(
                    "{:08x}-0000000{}",
                    0xabc0_0000_u32 + f.cas.len() as u32,
                    f.cas.len()
                );
                let record = json!({
                    "caInfo": {"caTag": tag, "alias": alias, "caType": "PRIVATE_ROOT",
                               "status": "ACTIVE", "rgstDate": now_ms()},
                    "caCertInfo": {"commonName": body["x509Parameters"]["commonName"].clone()}
                });
                f.cas.push(record.clone());
                if f.drop_creates > 0 {
                    f.drop_creates -= 1;
                    return Reply::Drop;
                }
                Reply::ok(record)
            }
            Some("Get CA List") => {
                let page = r.page_no().unwrap_or(1) as usize;
                let total = f.cas.len();
                let items: Vec<Value> = f.cas.iter().skip(page - 1).take(1).cloned().collect();
                Reply::ok(json!({"totalCnt": total, "totalPageNo": total.max(1),
                                 "currentPageNo": page, "caInfoList": items}))
            }
            _ => Reply::error(404, "NOT_FOUND", "not found"),
        }
    }
}

fn create_root(alias: &str) -> (CreateCaQuery, CreateCaRequest) {
    (
        CreateCaQuery {
            ca_type: CaType::PrivateRoot,
            issuer_tag: None,
        },
        CreateCaRequest {
            alias: alias.into(),
            memo: Some("made by a test".into()),
            key_type: KeyType::Ec256,
            period: Period::Days(365),
            x509_parameters: X509CaParameters {
                common_name: "Test Root".into(),
                ..X509CaParameters::default()
            },
        },
    )
}

fn existing(tag: &str, alias: &str, rgst: i64) -> Value {
    json!({"caInfo": {"caTag": tag, "alias": alias, "caType": "PRIVATE_ROOT",
                      "status": "ACTIVE", "rgstDate": rgst},
           "caCertInfo": {"commonName": "Test Root"}})
}

#[tokio::test]
async fn create_ca_adopts_the_existing_ca_after_a_dropped_response() {
    let fake = Arc::new(Mutex::new(FakePca {
        cas: vec![
            existing("00000001-00000001", "other-one", 1_700_000_000_000),
            existing("00000002-00000002", "other-two", 1_700_000_000_000),
        ],
        drop_creates: 1,
        drop_before_create: false,
        unavailable: 0,
    }));
    let server = TestServer::start(fake_pca(fake.clone())).await;
    let c = server.client().build().expect("client");
    let (q, req) = create_root("new-root");
    let created = c.create_ca_detailed(&q, &req).await.expect("adopted");
    assert!(
        created.adopted,
        "the CA was found by alias, not created twice"
    );
    let info = created.record.ca_info.expect("caInfo");
    assert_eq!(info.alias.as_deref(), Some("new-root"));

    let f = fake.lock().expect("lock");
    let same_alias = f
        .cas
        .iter()
        .filter(|c| c["caInfo"]["alias"] == "new-root")
        .count();
    assert_eq!(same_alias, 1, "exactly one CA exists afterwards");
    assert_eq!(
        info.ca_tag.as_ref().map(|t| t.as_str()),
        f.cas[2]["caInfo"]["caTag"].as_str()
    );
    let got = server.requests();
    let posts = got.iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 1, "the POST was not repeated");
    let pages: Vec<Option<u32>> = got
        .iter()
        .filter(|r| r.op == Some("Get CA List"))
        .map(Recorded::page_no)
        .collect();
    assert_eq!(
        pages,
        [Some(1), Some(2), Some(3)],
        "the lookup walked every page"
    );
}

#[tokio::test]
async fn create_ca_surfaces_the_error_when_nothing_was_created() {
    let fake = Arc::new(Mutex::new(FakePca {
        cas: vec![existing("00000001-00000001", "other-one", now_ms())],
        drop_creates: 0,
        drop_before_create: true,
        unavailable: 0,
    }));
    let server = TestServer::start(fake_pca(fake.clone())).await;
    let c = server.client().build().expect("client");
    let (q, req) = create_root("new-root");
    let err = c.create_ca(&q, &req).await.expect_err("lost, not found");
    assert!(
        matches!(err, ClientError::Transport { sent: true, .. }),
        "{err:?}"
    );
    assert_eq!(fake.lock().expect("lock").cas.len(), 1);
    let got = server.requests();
    assert_eq!(got.iter().filter(|r| r.method == "POST").count(), 1);
    assert!(got.iter().any(|r| r.op == Some("Get CA List")), "looked up");
}

#[tokio::test]
async fn create_ca_does_not_adopt_a_ca_that_existed_before() {
    // The alias belongs to a CA registered a year ago; the create fails with a 500.
    let fake = Arc::new(Mutex::new(FakePca {
        cas: vec![existing("00000001-00000001", "new-root", 1_650_000_000_000)],
        drop_creates: 0,
        drop_before_create: false,
        unavailable: 0,
    }));
    let server = TestServer::start({
        let mut inner = fake_pca(fake);
        move |r: &Recorded| {
            if r.method == "POST" {
                Reply::error(500, "FAIL_CORE", "boom")
            } else {
                inner(r)
            }
        }
    })
    .await;
    let c = server.client().build().expect("client");
    let (q, req) = create_root("new-root");
    let err = c.create_ca(&q, &req).await.expect_err("not adopted");
    assert_eq!(err.status(), Some(500));
}

#[tokio::test]
async fn create_ca_after_503_is_retried_and_creates_once() {
    let fake = Arc::new(Mutex::new(FakePca {
        cas: Vec::new(),
        drop_creates: 0,
        drop_before_create: false,
        unavailable: 2,
    }));
    let server = TestServer::start(fake_pca(fake.clone())).await;
    let c = server.client().build().expect("client");
    let (q, req) = create_root("new-root");
    let created = c.create_ca_detailed(&q, &req).await.expect("created");
    assert!(!created.adopted);
    assert_eq!(fake.lock().expect("lock").cas.len(), 1);
    let got = server.requests();
    assert_eq!(got.len(), 3, "two 503s, then the create; no lookup needed");
    assert!(got.iter().all(|r| r.method == "POST"));
}

#[tokio::test]
async fn pagination_walks_all_pages() {
    let server = TestServer::start(|r| {
        let page = r.page_no().unwrap_or(1);
        match r.op {
            Some("Get CA List") => Reply::ok(json!({
                "totalCnt": 3, "totalPageNo": 3, "currentPageNo": page,
                "caInfoList": [ca_record(&format!("0000000{page}-0000000{page}"), &format!("ca-{page}"), "ACTIVE")]
            })),
            Some("Get End Cert List") => Reply::ok(json!({
                "totalCnt": 5, "totalPageNo": 3, "currentPageNo": page,
                "listCerts": match page { 1 => json!(["01:01", "01:02"]), 2 => json!(["02:01", "02:02"]), _ => json!(["03:01"]) }
            })),
            _ => Reply::error(404, "NOT_FOUND", "no"),
        }
    })
    .await;
    let c = server.client().build().expect("client");
    let cas = c.get_ca_list_all().await.expect("all CAs");
    let aliases: Vec<String> = cas
        .iter()
        .filter_map(|r| r.ca_info.as_ref()?.alias.clone())
        .collect();
    assert_eq!(aliases, ["ca-1", "ca-2", "ca-3"]);
    let found = c.find_ca_by_alias("ca-3").await.expect("lookup");
    assert!(found.is_some());
    assert!(c.find_ca_by_alias("ca-4").await.expect("lookup").is_none());
    let serials = c.get_end_cert_list_all(&tag()).await.expect("all certs");
    let serials: Vec<&str> = serials.iter().map(SerialNo::as_str).collect();
    assert_eq!(serials, ["01:01", "01:02", "02:01", "02:02", "03:01"]);
    let cert_pages: Vec<Option<String>> = server
        .requests()
        .iter()
        .filter(|r| r.op == Some("Get End Cert List"))
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(
        cert_pages,
        [
            Some("pageNo=1".to_owned()),
            Some("pageNo=2".to_owned()),
            Some("pageNo=3".to_owned())
        ]
    );
}

#[tokio::test]
async fn not_found_is_recognised_only_from_the_service() {
    let server = TestServer::scripted(vec![
        Reply::error(404, "NOT_FOUND", "The requested resource was not found.")
            .with_header("x-ncp-trace-id", "abc-123"),
        Reply::json(
            404,
            json!({"error": {"errorCode": "300", "message": "Not Found Exception"}}),
        ),
        Reply::raw(404, ""),
    ])
    .await;
    let c = server.client().build().expect("client");
    let err = c.get_ca(&tag()).await.expect_err("404");
    assert!(err.is_not_found());
    assert!(!err.is_retryable());
    assert_eq!(err.request_id(), Some("abc-123"));
    assert_eq!(err.error_code(), Some(&ErrorCode::NotFound));
    let gw = c.get_ca(&tag()).await.expect_err("gateway 404");
    assert!(
        !gw.is_not_found(),
        "a gateway 404 (wrong path/endpoint) is not 'gone'"
    );
    assert!(matches!(&gw, ClientError::Gateway { error_code: Some(c), .. } if c == "300"));
    let raw = c.get_ca(&tag()).await.expect_err("bare 404");
    assert!(!raw.is_not_found());
    assert_eq!(server.requests().len(), 3, "404s are not retried");
}

#[tokio::test]
async fn rejected_timestamp_says_to_check_the_clock() {
    let hour_ahead = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
    let gateway_401 = json!({"error": {"errorCode": "200", "message": "Authentication Failed",
                                       "details": "Invalid authentication information."}});
    let server = TestServer::scripted(vec![
        Reply::json(401, gateway_401.clone()).with_header("date", &hour_ahead),
        Reply::json(
            401,
            json!({"error": {"errorCode": "200", "message": "Authentication Failed",
                             "details": "The timestamp is invalid."}}),
        ),
        Reply::json(401, gateway_401),
    ])
    .await;
    let c = server.client().build().expect("client");
    let skewed = c.get_ca(&tag()).await.expect_err("401");
    assert!(skewed.is_clock_skew());
    let shown = skewed.to_string();
    assert!(shown.contains("system clock"), "{shown}");
    assert!(shown.contains("Authentication Failed"), "{shown}");
    let by_message = c.get_ca(&tag()).await.expect_err("401");
    assert!(by_message.is_clock_skew());
    assert!(by_message.to_string().contains("system clock"));
    let plain = c.get_ca(&tag()).await.expect_err("401");
    assert!(
        !plain.is_clock_skew(),
        "the Date header is current: {plain}"
    );
    assert!(!plain.to_string().contains("clock"));
    assert_eq!(server.requests().len(), 3, "401s are not retried");
}

#[tokio::test]
async fn odd_success_responses() {
    let server = TestServer::scripted(vec![
        Reply::json(
            200,
            json!({"code": "INVALID_CA_STATUS", "msg": "not now", "data": null}),
        ),
        Reply::raw(200, "<html>ok</html>"),
        Reply::ok(Value::Null),
        Reply::ok(Value::Null),
        Reply::json(302, json!({})).with_header("location", "/elsewhere"),
    ])
    .await;
    let c = server.client().build().expect("client");
    let e = c.get_ca(&tag()).await.expect_err("200 with an error code");
    assert!(
        matches!(
            &e,
            ClientError::Api {
                status: 200,
                code: ErrorCode::InvalidCaStatus,
                ..
            }
        ),
        "{e:?}"
    );
    let e = c.get_ca(&tag()).await.expect_err("not JSON");
    assert!(
        matches!(e, ClientError::Decode { status: 200, .. }),
        "{e:?}"
    );
    let e = c.get_ca(&tag()).await.expect_err("data: null");
    assert!(matches!(e, ClientError::Decode { .. }), "{e:?}");
    assert_eq!(c.get_crl_config(&tag()).await.expect("null config"), None);
    let e = c.get_ca(&tag()).await.expect_err("redirect not followed");
    assert_eq!(e.status(), Some(302));
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn no_secret_in_debug_or_display() {
    // A hostile server echoes everything it got, secret-looking or not.
    let server = TestServer::start(|r| {
        let sig = r
            .header(signing::HEADER_SIGNATURE_V2)
            .unwrap_or("")
            .to_owned();
        match r.op {
            Some("Get CA") => Reply::error(
                400,
                "INVALID_REQUEST",
                &format!("bad signature {sig} for key {SECRET_KEY}"),
            )
            .with_header("x-request-id", &format!("id-{SECRET_KEY}")),
            Some("Get CA Chain") => Reply::raw(502, &format!("<html>{sig} {SECRET_KEY}</html>")),
            _ => Reply::json(
                401,
                json!({"error": {"errorCode": SECRET_KEY, "message": sig, "details": SECRET_KEY}}),
            ),
        }
    })
    .await;
    let builder = server.client().max_retries(0);
    assert!(!format!("{builder:?}").contains(SECRET_KEY));
    let c = builder.build().expect("client");
    assert!(!format!("{c:?}").contains(SECRET_KEY));
    let errors = vec![
        c.get_ca(&tag()).await.expect_err("400"),
        c.get_ca_chain(&tag()).await.expect_err("502"),
        c.get_ca_crl(&tag()).await.expect_err("401"),
    ];
    let sigs: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.header(signing::HEADER_SIGNATURE_V2).map(str::to_owned))
        .collect();
    assert_eq!(sigs.len(), 3);
    for e in &errors {
        for shown in [e.to_string(), format!("{e:?}")] {
            assert!(!shown.contains(SECRET_KEY), "{shown}");
            for s in &sigs {
                assert!(!shown.contains(s.as_str()), "{shown}");
            }
            assert!(shown.contains("<redacted>"), "{shown}");
        }
    }
    // Without the secret, the same errors are still informative.
    assert!(errors[0].to_string().contains("INVALID_REQUEST"));
    assert_eq!(errors[1].status(), Some(502));
    assert_eq!(errors[2].status(), Some(401));
}

#[tokio::test]
async fn concurrent_clones_share_one_client() {
    let server = TestServer::start(|r| Reply::ok(canned(r.op.unwrap_or("")))).await;
    let c: Client = server.client().build().expect("client");
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move { c.get_ca(&tag()).await }));
    }
    for t in tasks {
        t.await.expect("join").expect("get_ca");
    }
    let got = server.requests();
    assert_eq!(got.len(), 8);
    let stamps: HashSet<&str> = got
        .iter()
        .filter_map(|r| r.header(signing::HEADER_TIMESTAMP))
        .collect();
    assert_eq!(stamps.len(), 8, "no two requests share a timestamp");
    for r in &got {
        assert_signed_headers(r);
    }
}
