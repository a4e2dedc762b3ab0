//! The service's error catalogue (spec §1.7.1, the seed's "Response status codes" table),
//! row by row: one request per row that a request can cause, and the emulator's answer must
//! be that row's HTTP status and exact message (line breaks included). The rows no request
//! can reach are listed in [`UNREACHABLE`] with the reason; together the two lists cover
//! all 70 rows.

mod emulator_support;

use emulator_support::{Api, Emu, make_csr, tag_of};
use pca::api::catalogue::Row;
use pca::emulator::Config;
use serde_json::{Value, json};

/// The rows no request can cause, and why.
const UNREACHABLE: [(u8, &str); 11] = [
    (
        3,
        "tenant id: no operation takes a tenant; the gateway derives it from the access key",
    ),
    (
        11,
        "caId: every operation addresses CAs by caTag in the path; none takes a caId",
    ),
    (
        13,
        "token: requests are signed with access key + signature, no token is sent",
    ),
    (
        18,
        "caId or caTag: no operation takes either of two (caTag is always in the path)",
    ),
    (38, "Invalid caId: no operation takes a caId"),
    (40, "Invalid tenant id: no operation takes a tenant"),
    (52, "Invalid castore: castores are internal to the service"),
    (61, "This castore already exists: internal"),
    (63, "This policy already exists: internal"),
    (65, "The castore doesn't exist: internal"),
    (66, "The policy doesn't exist: internal"),
];

const NO_CA: &str = "0badc0de-0badc0de";
const ID: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";

/// One catalogue row and the request that causes it.
struct Case {
    row: u8,
    method: &'static str,
    path: String,
    body: Body,
}

enum Body {
    None,
    Json(Value),
    Raw(&'static str),
}

fn case(row: u8, method: &'static str, path: impl Into<String>, body: Value) -> Case {
    Case {
        row,
        method,
        path: path.into(),
        body: Body::Json(body),
    }
}

fn bare(row: u8, method: &'static str, path: impl Into<String>) -> Case {
    Case {
        row,
        method,
        path: path.into(),
        body: Body::None,
    }
}

/// A valid Create CA body, with `patch` merged into it (`x509Parameters` merged too).
fn ca_body(patch: Value) -> Value {
    let mut body = json!({
        "alias": "newca", "keyType": "EC256", "period": "MAX",
        "x509Parameters": {"commonName": "New CA", "country": "KR"}
    });
    if let (Value::Object(b), Value::Object(p)) = (&mut body, patch) {
        for (k, v) in p {
            match (k.as_str(), v) {
                ("x509Parameters", Value::Object(x)) => {
                    if let Some(Value::Object(bx)) = b.get_mut("x509Parameters") {
                        bx.extend(x);
                    }
                }
                (_, Value::Null) => {
                    b.remove(&k);
                }
                (_, v) => {
                    b.insert(k, v);
                }
            }
        }
    }
    body
}

/// An Issue End Cert body for `cn` with extra `x509Parameters`.
fn cert_body(x509: Value, period: &str) -> Value {
    let mut params = json!({"commonName": "leaf.example.com"});
    if let (Value::Object(p), Value::Object(x)) = (&mut params, x509) {
        p.extend(x);
    }
    json!({"keyType": "EC256", "period": period, "x509Parameters": params})
}

/// A self-signed certificate that expired in 2001.
fn expired_cert() -> String {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["old.example.com".to_owned()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2000, 1, 1);
    params.not_after = rcgen::date_time_ymd(2001, 1, 1);
    params.self_signed(&key).unwrap().pem()
}

async fn answer(api: &Api, c: &Case) -> (u16, String) {
    let r = match &c.body {
        Body::None => api.send(c.method, &c.path, None).await,
        Body::Json(v) => api.send(c.method, &c.path, Some(v.clone())).await,
        Body::Raw(text) => {
            api.send_bytes(c.method, &c.path, text.as_bytes().to_vec())
                .await
        }
    };
    (r.status, r.msg())
}

#[tokio::test]
async fn every_reachable_catalogue_row_is_answered_exactly() {
    let config = Config {
        max_certs_per_ca: 2,
        ..Config::ephemeral()
    };
    let emu = Emu::start_config(config).await;
    let api = &emu.api;
    let root_record = api.create_root("root").await;
    let root = tag_of(&root_record);
    let root_serial = root_record["caCertInfo"]["serialNo"]
        .as_str()
        .expect("serialNo")
        .to_owned();
    let root_pem = root_record["caCertInfo"]["certPem"]
        .as_str()
        .expect("certPem")
        .to_owned();
    let short = tag_of(&api.create_root_period("short", "5").await);
    let short_pem = api.ca(&short).await.ok()["caCertInfo"]["certPem"]
        .as_str()
        .unwrap()
        .to_owned();
    let off = tag_of(&api.create_root("off").await);
    api.put(
        &format!("/api/v1/ca/{off}"),
        json!({"status": "DEACTIVATED"}),
    )
    .await
    .ok();
    let full = tag_of(&api.create_root("full").await);
    api.issue(&full, "one.example.com").await;
    api.issue(&full, "two.example.com").await;
    let pending = tag_of(&api.create_sub("pending", None, "MAX").await.ok());
    let pending_csr = api.get(&format!("/api/v1/ca/{pending}/sub/csr")).await.ok()["csrPem"]
        .as_str()
        .unwrap()
        .to_owned();
    let signed = api
        .post(
            &format!("/api/v1/ca/{root}/sub/sign"),
            json!({"period": "30", "csrPem": pending_csr}),
        )
        .await
        .ok()["certificate"]
        .as_str()
        .unwrap()
        .to_owned();
    let csr = make_csr("svc.example.com", &["svc.example.com"]);
    let long = |n: usize| "x".repeat(n);
    let sign = format!("/api/v1/ca/{root}/cert/sign");
    let activate = format!("/api/v1/ca/{pending}/activate");
    let create_root = "/api/v1/ca?caType=PRIVATE_ROOT";
    let issue = format!("/api/v1/ca/{root}/cert");

    let cases = vec![
        Case {
            row: 1,
            method: "POST",
            path: create_root.into(),
            body: Body::Raw("{"),
        },
        case(4, "POST", format!("/api/v1/ca/{root}/users"), json!({})),
        case(5, "POST", create_root, ca_body(json!({"alias": null}))),
        case(
            6,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": {"commonName": null}})),
        ),
        case(
            7,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": null})),
        ),
        case(8, "POST", &sign, json!({})),
        case(9, "POST", &activate, json!({"caChainPem": root_pem})),
        case(10, "PUT", format!("/api/v1/ca/{root}"), json!({})),
        bare(12, "GET", format!("/api/v1/ca/{root}/cert/%20")),
        case(14, "POST", "/api/v1/ca", ca_body(json!({}))),
        case(
            15,
            "POST",
            &sign,
            json!({"csrPem": csr, "keyType": "ECDSA"}),
        ),
        bare(16, "POST", &sign),
        bare(17, "GET", "/api/v1/ca/%20"),
        case(19, "POST", &activate, json!({"certPem": signed})),
        case(
            20,
            "PUT",
            format!("/api/v1/ca/{root}/crl/config"),
            json!({}),
        ),
        case(21, "PUT", format!("/api/v1/ca/{root}/urls"), json!({})),
        case(22, "POST", create_root, ca_body(json!({"alias": "1abc"}))),
        case(
            23,
            "POST",
            &activate,
            json!({"certPem": "junk", "caChainPem": root_pem}),
        ),
        case(
            24,
            "PUT",
            format!("/api/v1/ca/{root}"),
            json!({"status": "PENDING"}),
        ),
        case(25, "POST", &issue, cert_body(json!({}), "0")),
        bare(26, "GET", "/api/v1/ca?pageNo=0"),
        bare(27, "GET", format!("/api/v1/ca/{root}/cert/zz")),
        case(
            28,
            "POST",
            create_root,
            ca_body(json!({"alias": "a234567890123456"})),
        ),
        case(
            29,
            "POST",
            create_root,
            ca_body(json!({"memo": long(1001)})),
        ),
        case(
            30,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": {"commonName": long(65)}})),
        ),
        case(
            31,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": {"organization": long(65)}})),
        ),
        case(
            32,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": {"organizationUnit": long(129)}})),
        ),
        case(
            33,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": {"stateProvince": long(129)}})),
        ),
        case(
            34,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": {"locality": long(129)}})),
        ),
        case(
            35,
            "POST",
            &issue,
            cert_body(json!({"streetAddress": long(129)}), "10"),
        ),
        case(
            36,
            "POST",
            &sign,
            json!({"csrPem": csr, "keyType": "ECDSA", "keyBits": "128"}),
        ),
        case(
            37,
            "POST",
            &sign,
            json!({"csrPem": csr, "keyType": "DSA", "keyBits": "256"}),
        ),
        case(39, "POST", &sign, json!({"csrPem": "junk"})),
        bare(41, "DELETE", format!("/api/v1/ca/{root}/users/not-an-id")),
        bare(42, "DELETE", format!("/api/v1/ca/{root}/users/{ID}")),
        case(
            43,
            "POST",
            create_root,
            ca_body(json!({"keyType": "RSA1024"})),
        ),
        case(
            44,
            "POST",
            create_root,
            ca_body(json!({"x509Parameters": {"ip": "300.1.1.1"}})),
        ),
        case(
            45,
            "POST",
            &issue,
            cert_body(json!({"uri": "not a uri"}), "10"),
        ),
        case(
            46,
            "POST",
            &issue,
            cert_body(json!({"other": "garbage"}), "10"),
        ),
        case(
            47,
            "POST",
            &activate,
            json!({"certPem": signed, "caChainPem": short_pem}),
        ),
        bare(
            48,
            "POST",
            format!("/api/v1/ca/{root}/cert/{root_serial}/revoke"),
        ),
        case(
            49,
            "POST",
            &sign,
            json!({"csrPem": csr, "keyType": "ECDSA", "keyBits": "384"}),
        ),
        case(
            50,
            "POST",
            &sign,
            json!({"csrPem": csr, "keyType": "RSA", "keyBits": "2048"}),
        ),
        case(
            51,
            "PUT",
            format!("/api/v1/ca/{pending}"),
            json!({"status": "DEACTIVATED"}),
        ),
        case(
            53,
            "POST",
            format!("/api/v1/ca/{off}/cert"),
            cert_body(json!({}), "10"),
        ),
        case(
            54,
            "POST",
            format!("/api/v1/ca?caType=PRIVATE_SUB&issuerTag={off}"),
            ca_body(json!({})),
        ),
        bare(55, "GET", format!("/api/v1/ca/{root}/sub/csr")),
        case(56, "POST", "/api/v1/ca?caType=BOGUS", ca_body(json!({}))),
        case(
            57,
            "POST",
            &activate,
            json!({"certPem": root_pem, "caChainPem": root_pem}),
        ),
        case(
            58,
            "POST",
            format!("/api/v1/ca/{full}/cert"),
            cert_body(json!({}), "10"),
        ),
        case(
            59,
            "POST",
            format!("/api/v1/ca/{short}/cert"),
            cert_body(json!({}), "10"),
        ),
        case(62, "POST", create_root, ca_body(json!({"alias": "root"}))),
        case(
            64,
            "POST",
            &activate,
            json!({"certPem": expired_cert(), "caChainPem": root_pem}),
        ),
        bare(67, "GET", format!("/api/v1/ca/{root}/crl/config")),
        bare(68, "GET", format!("/api/v1/ca/{NO_CA}")),
        bare(69, "GET", format!("/api/v1/ca/{root}/cert/01:02")),
    ];

    let mut answered = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for c in &cases {
        let row = Row::from_number(c.row).expect("a catalogue row");
        let got = answer(api, c).await;
        let want = (row.http_status(), row.message().to_owned());
        if got == want {
            answered.insert(c.row);
        } else {
            failures.push(format!(
                "row {} ({} {}): want {want:?}, got {got:?}",
                c.row, c.method, c.path
            ));
        }
    }

    // Row 60: an account at its CA limit (here 1, so the test stays cheap).
    let limited = Emu::start_config(Config {
        max_cas: 1,
        ..Config::ephemeral()
    })
    .await;
    limited.api.create_root("only").await;
    let got = answer(
        &limited.api,
        &case(60, "POST", create_root, ca_body(json!({}))),
    )
    .await;
    check(&mut answered, &mut failures, Row::CaLimit, got);

    // Row 2: an account without a Private CA subscription (`--unsubscribed`).
    let unsubscribed = Emu::start_config(Config {
        unsubscribed: true,
        ..Config::ephemeral()
    })
    .await;
    let got = answer(&unsubscribed.api, &bare(2, "GET", "/api/v1/ca")).await;
    check(
        &mut answered,
        &mut failures,
        Row::NcloudInstanceNoMissing,
        got,
    );

    // Row 70: a service error (an injected 500).
    let broken = Emu::start_config(Config {
        fault_rate: 1.0,
        fault_status: 500,
        ..Config::ephemeral()
    })
    .await;
    let got = answer(&broken.api, &bare(70, "GET", "/api/v1/ca")).await;
    check(&mut answered, &mut failures, Row::ServiceError, got);

    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let unreachable: std::collections::BTreeSet<u8> =
        UNREACHABLE.iter().map(|(row, _)| *row).collect();
    assert!(answered.is_disjoint(&unreachable));
    let all: std::collections::BTreeSet<u8> = (1..=70).collect();
    let covered: std::collections::BTreeSet<u8> = answered.union(&unreachable).copied().collect();
    assert_eq!(
        covered, all,
        "every row is either answered or listed as unreachable"
    );
    println!(
        "catalogue: {} of 70 rows answered exactly (status + message); unreachable: {:?}",
        answered.len(),
        unreachable
    );
}

fn check(
    answered: &mut std::collections::BTreeSet<u8>,
    failures: &mut Vec<String>,
    row: Row,
    got: (u16, String),
) {
    let want = (row.http_status(), row.message().to_owned());
    if got == want {
        answered.insert(row.number());
    } else {
        failures.push(format!("row {}: want {want:?}, got {got:?}", row.number()));
    }
}
