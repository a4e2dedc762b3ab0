//! Every documented error of every operation (HTTP status, `code`, catalogue message), the
//! CA status machine of §1.10, the limits of §1.8, and bad input (malformed JSON, wrong
//! types, missing fields, bad PEM): always the documented 400, never a
//! 500, and never a change of state.

mod emulator_support;

use emulator_support::{Api, Emu, crl_facts, make_csr, snapshot, tag_of};
use pca::emulator::Config;
use serde_json::{Value, json};

const NO_CA: &str = "00000000-00000000";
const SERIAL: &str = "01:02:03";
const ID: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";

fn root_body(alias: &str) -> Value {
    json!({"alias": alias, "keyType": "EC256", "period": "MAX",
           "x509Parameters": {"commonName": "CN"}})
}

async fn create(api: &Api, query: &str, body: Value) -> emulator_support::Resp {
    api.post(&format!("/api/v1/ca?{query}"), body).await
}

#[tokio::test]
async fn create_ca_errors() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let root = api.create_root_period("parent", "100").await;
    let parent = tag_of(&root);
    let before = snapshot(api).await;
    let with = |patch: Value| {
        let mut b = root_body("newca");
        for (k, v) in patch.as_object().unwrap() {
            if k == "x509Parameters" {
                b[k] = v.clone();
            } else if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };
    let root_q = "caType=PRIVATE_ROOT";
    let root_with_issuer = format!("caType=PRIVATE_ROOT&issuerTag={parent}");
    let sub_of_nothing = format!("caType=PRIVATE_SUB&issuerTag={NO_CA}");
    let sub_of_parent = format!("caType=PRIVATE_SUB&issuerTag={parent}");
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("", root_body("newca"), 400, "EMPTY_CA_TYPE"),
        ("caType=", root_body("newca"), 400, "EMPTY_CA_TYPE"),
        (
            "caType=PRIVATE_OTHER",
            root_body("newca"),
            400,
            "INVALID_INPUT",
        ),
        (root_q, with(json!({"alias": null})), 400, "EMPTY_CA_ALIAS"),
        (root_q, with(json!({"alias": ""})), 400, "EMPTY_CA_ALIAS"),
        (
            root_q,
            with(json!({"alias": "a234567890123456"})),
            400,
            "EXCEED_CA_ALIAS",
        ),
        (root_q, with(json!({"alias": "ab"})), 400, "INVALID_INPUT"),
        (root_q, with(json!({"alias": "1abc"})), 400, "INVALID_INPUT"),
        (root_q, with(json!({"alias": "a.bc"})), 400, "INVALID_INPUT"),
        (
            root_q,
            with(json!({"keyType": null})),
            400,
            "EMPTY_KEY_TYPE",
        ),
        (
            root_q,
            with(json!({"keyType": "DSA1024"})),
            400,
            "INVALID_X509_KEY_TYPE",
        ),
        (root_q, with(json!({"period": null})), 400, "EMPTY_CA_TTL"),
        (
            root_q,
            with(json!({"period": "0"})),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root_q,
            with(json!({"period": "3651"})),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root_q,
            with(json!({"period": "max"})),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root_q,
            with(json!({"period": "010"})),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root_q,
            with(json!({"x509Parameters": null})),
            400,
            "EMPTY_X509_PARAMETERS",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {}})),
            400,
            "EMPTY_X509_PARAMETERS",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"country": "KR"}})),
            400,
            "EMPTY_COMMON_NAME",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"commonName": "x".repeat(65)}})),
            400,
            "EXCEED_COMMON_NAME",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"commonName": "c", "organization": "o".repeat(65)}})),
            400,
            "INVALID_INPUT",
        ),
        (
            root_q,
            with(
                json!({"x509Parameters": {"commonName": "c", "organizationUnit": "o".repeat(129)}}),
            ),
            400,
            "INVALID_INPUT",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"commonName": "c", "locality": "l".repeat(129)}})),
            400,
            "INVALID_INPUT",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"commonName": "c", "stateProvince": "s".repeat(129)}})),
            400,
            "INVALID_INPUT",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"commonName": "c", "country": "KOR"}})),
            400,
            "INVALID_INPUT",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"commonName": "c", "ip": "10.0.0.300"}})),
            400,
            "INVALID_X509_IP",
        ),
        (
            root_q,
            with(json!({"x509Parameters": {"commonName": "c", "altName": "a b.example"}})),
            400,
            "INVALID_INPUT",
        ),
        (
            &root_with_issuer,
            root_body("newca"),
            400,
            "INVALID_ISSUER_CA",
        ),
        (
            &sub_of_nothing,
            root_body("newca"),
            400,
            "NOT_EXIST_ISSUER_CA",
        ),
        (
            &sub_of_parent,
            with(json!({"period": "101"})),
            400,
            "EXCEED_EXPIRY_DATE",
        ),
        (root_q, root_body("parent"), 400, "ALREADY_EXIST_ALIAS"),
    ];
    for (query, body, status, code) in cases {
        create(api, query, body.clone()).await.err(status, code);
    }
    assert_eq!(
        snapshot(api).await,
        before,
        "refused creations change nothing"
    );
    // An issuer that is not ACTIVE.
    api.put(
        &format!("/api/v1/ca/{parent}"),
        json!({"status": "DEACTIVATED"}),
    )
    .await
    .ok();
    create(
        api,
        &format!("caType=PRIVATE_SUB&issuerTag={parent}"),
        root_body("newca"),
    )
    .await
    .err(400, "INVALID_ISSUER_CA");
    assert_eq!(api.get("/api/v1/ca").await.ok()["totalCnt"], 1);
}

#[tokio::test]
async fn the_eleventh_ca_is_refused() {
    let emu = Emu::start().await;
    for i in 0..10 {
        emu.api.create_root(&format!("ca{i:02}")).await;
    }
    let before = snapshot(&emu.api).await;
    let r = create(&emu.api, "caType=PRIVATE_ROOT", root_body("ca10")).await;
    r.err(400, "INVALID_REQUEST");
    assert_eq!(r.msg(), pca::api::catalogue::Row::CaLimit.message());
    assert_eq!(snapshot(&emu.api).await, before);
    // Pages of 10.
    let page2 = emu.api.get("/api/v1/ca?pageNo=2").await.ok();
    assert_eq!(page2["caInfoList"], json!([]));
    assert_eq!(page2["totalPageNo"], 1);

    // A smaller limit from the configuration; deleting frees a slot.
    let small = Emu::start_config(Config {
        max_cas: 2,
        ..Config::ephemeral()
    })
    .await;
    let a = small.api.create_root("first").await;
    small.api.create_sub("second", None, "10").await.ok();
    create(&small.api, "caType=PRIVATE_ROOT", root_body("third"))
        .await
        .err(400, "INVALID_REQUEST");
    let a = tag_of(&a);
    small
        .api
        .put(&format!("/api/v1/ca/{a}"), json!({"status": "DESTROYING"}))
        .await
        .ok();
    small.api.delete(&format!("/api/v1/ca/{a}")).await.ok();
    small.api.create_root("third").await;
}

#[tokio::test]
async fn path_and_paging_errors() {
    let emu = Emu::start().await;
    let api = &emu.api;
    for bad in ["0", "-1", "x", ""] {
        api.get(&format!("/api/v1/ca?pageNo={bad}"))
            .await
            .err(400, "INVALID_INPUT_PAGENUMBBER");
    }
    let root = tag_of(&api.create_root("pager").await);
    api.get(&format!("/api/v1/ca/{root}/cert?pageNo=0"))
        .await
        .err(400, "INVALID_INPUT_PAGENUMBBER");
    // Unknown CA: row 68 (400) for every operation with a caTag.
    let reqs: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/v1/ca/{NO_CA}"), None),
        (
            "PUT",
            format!("/api/v1/ca/{NO_CA}"),
            Some(json!({"status": "ACTIVE"})),
        ),
        ("DELETE", format!("/api/v1/ca/{NO_CA}"), None),
        ("GET", format!("/api/v1/ca/{NO_CA}/chain"), None),
        ("GET", format!("/api/v1/ca/{NO_CA}/crl"), None),
        ("GET", format!("/api/v1/ca/{NO_CA}/sub/csr"), None),
        (
            "POST",
            format!("/api/v1/ca/{NO_CA}/sub/sign"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("/api/v1/ca/{NO_CA}/activate"),
            Some(json!({})),
        ),
        ("POST", format!("/api/v1/ca/{NO_CA}/cert"), Some(json!({}))),
        (
            "POST",
            format!("/api/v1/ca/{NO_CA}/cert/sign"),
            Some(json!({})),
        ),
        ("GET", format!("/api/v1/ca/{NO_CA}/cert"), None),
        ("GET", format!("/api/v1/ca/{NO_CA}/cert/{SERIAL}"), None),
        (
            "POST",
            format!("/api/v1/ca/{NO_CA}/cert/{SERIAL}/revoke"),
            None,
        ),
        (
            "POST",
            format!("/api/v1/ca/{NO_CA}/users"),
            Some(json!({"idNo": ID})),
        ),
        ("GET", format!("/api/v1/ca/{NO_CA}/users"), None),
        ("DELETE", format!("/api/v1/ca/{NO_CA}/users/{ID}"), None),
        (
            "PUT",
            format!("/api/v1/ca/{NO_CA}/urls"),
            Some(json!({"ocsp_servers": "http://x/ocsp"})),
        ),
        ("DELETE", format!("/api/v1/ca/{NO_CA}/urls"), None),
        ("GET", format!("/api/v1/ca/{NO_CA}/crl/config"), None),
        (
            "PUT",
            format!("/api/v1/ca/{NO_CA}/crl/config"),
            Some(json!({"expiry": "5"})),
        ),
        ("POST", format!("/api/v1/ca/{NO_CA}/crl/rotate"), None),
        ("POST", format!("/api/v1/ca/{NO_CA}/trim"), None),
    ];
    assert_eq!(reqs.len(), 22);
    for (method, path, body) in reqs {
        let r = api.send(method, &path, body).await;
        r.err(400, "NOT_FOUND");
    }
}

#[tokio::test]
async fn certificate_errors() {
    let emu = Emu::start_config(Config {
        max_certs_per_ca: 3,
        ..Config::ephemeral()
    })
    .await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root_period("certs", "100").await);
    let cert = format!("/api/v1/ca/{tag}/cert");
    let issued = api.issue(&tag, "one.example.com").await;
    let serial = issued["serialNo"].as_str().unwrap().to_owned();
    let before = snapshot(api).await;
    let p = |params: Value| json!({"keyType": "EC256", "period": "10", "x509Parameters": params});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"keyType": "EC256"}), "EMPTY_X509_PARAMETERS"),
        (p(json!({})), "EMPTY_X509_PARAMETERS"),
        (p(json!({"organization": "o"})), "EMPTY_COMMON_NAME"),
        (p(json!({"commonName": "   "})), "EMPTY_COMMON_NAME"),
        (
            p(json!({"commonName": "x".repeat(65)})),
            "EXCEED_COMMON_NAME",
        ),
        (
            p(json!({"commonName": "c", "streetAddress": "s".repeat(129)})),
            "INVALID_INPUT",
        ),
        (
            p(json!({"commonName": "c", "organization": "o".repeat(65)})),
            "INVALID_INPUT",
        ),
        (
            p(json!({"commonName": "c", "country": "Korea"})),
            "INVALID_INPUT",
        ),
        (
            p(json!({"commonName": "c", "ip": "::g"})),
            "INVALID_X509_IP",
        ),
        (
            p(json!({"commonName": "c", "uri": "no-scheme"})),
            "INVALID_X509_URI",
        ),
        (
            p(json!({"commonName": "c", "other": "1.2.3:x"})),
            "INVALID_X509_OTHER",
        ),
        (
            p(json!({"commonName": "c", "keyUsage": ["fly"]})),
            "INVALID_X509_KEY_USAGE",
        ),
        (
            p(json!({"commonName": "c", "extendedKeyUsage": ["fly"]})),
            "INVALID_X509_EXTENDED_KEY_USAGE",
        ),
        (
            json!({"keyType": "RSA1024", "x509Parameters": {"commonName": "c"}}),
            "INVALID_X509_KEY_TYPE",
        ),
        (
            json!({"period": "0", "x509Parameters": {"commonName": "c"}}),
            "INVALID_INPUT_PERIOD",
        ),
        (
            json!({"period": "101", "keyType": "EC256", "x509Parameters": {"commonName": "c"}}),
            "EXCEED_EXPIRY_DATE",
        ),
    ];
    for (body, code) in cases {
        api.post(&cert, body.clone()).await.err(400, code);
    }
    // Sign End Csr.
    let sign = format!("/api/v1/ca/{tag}/cert/sign");
    api.post(&sign, json!({})).await.err(400, "EMPTY_CSR");
    api.post(&sign, json!({"csrPem": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"}))
        .await
        .err(400, "INVALID_INPUT");
    api.post(&sign, json!({"csrPem": "not pem"}))
        .await
        .err(400, "INVALID_INPUT");
    let csr = make_csr("c.example.com", &["c.example.com"]);
    api.post(&sign, json!({"csrPem": csr, "period": "abc"}))
        .await
        .err(400, "INVALID_INPUT_PERIOD");
    api.post(&format!("{sign}?period=9999"), json!({ "csrPem": csr }))
        .await
        .err(400, "INVALID_INPUT_PERIOD");
    api.post(&sign, json!({"csrPem": csr, "period": "101"}))
        .await
        .err(400, "EXCEED_EXPIRY_DATE");
    // Get / revoke: malformed and unknown serials.
    for bad in ["xyz", "1:2:3", "0g:11"] {
        api.get(&format!("{cert}/{bad}"))
            .await
            .err(400, "INVALID_INPUT_SERIAL_NO");
        api.post_empty(&format!("{cert}/{bad}/revoke"))
            .await
            .err(400, "INVALID_INPUT_SERIAL_NO");
    }
    api.get(&format!("{cert}/{SERIAL}"))
        .await
        .err(400, "NOT_FOUND");
    api.post_empty(&format!("{cert}/{SERIAL}/revoke"))
        .await
        .err(400, "NOT_FOUND");
    assert_eq!(
        snapshot(api).await,
        before,
        "refused requests change nothing"
    );

    // The signing limit (3 here, 30,000 by default) counts every signature.
    api.issue(&tag, "two.example.com").await;
    api.post(&sign, json!({ "csrPem": csr })).await.ok();
    api.post(&cert, p(json!({"commonName": "four"})))
        .await
        .err(400, "EXCEED_SIGNING_COUNT");
    api.post(&sign, json!({ "csrPem": csr }))
        .await
        .err(400, "EXCEED_SIGNING_COUNT");
    api.post(
        &format!("/api/v1/ca/{tag}/sub/sign"),
        json!({"period": "10", "csrPem": csr}),
    )
    .await
    .err(400, "EXCEED_SIGNING_COUNT");
    assert_eq!(api.ca(&tag).await.ok()["caInfo"]["signingCount"], 3);
    // Revoking still works at the limit.
    api.post_empty(&format!("{cert}/{serial}/revoke"))
        .await
        .ok();
}

#[tokio::test]
async fn sub_ca_errors() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let root = tag_of(&api.create_root_period("root1", "100").await);
    let other_root = tag_of(&api.create_root("root2").await);
    let pending = tag_of(&api.create_sub("pending1", None, "100").await.ok());
    let csr = api.get(&format!("/api/v1/ca/{pending}/sub/csr")).await.ok()["csrPem"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = snapshot(api).await;

    // Get Sub CSR only for an unsigned pending sub CA.
    api.get(&format!("/api/v1/ca/{root}/sub/csr"))
        .await
        .err(400, "INVALID_CA");
    // Sign Sub Csr.
    let sign = format!("/api/v1/ca/{root}/sub/sign");
    api.post(&sign, json!({ "csrPem": csr }))
        .await
        .err(400, "EMPTY_CA_TTL");
    api.post(&sign, json!({"period": "10"}))
        .await
        .err(400, "EMPTY_CSR");
    api.post(&sign, json!({"period": "MAX", "csrPem": csr}))
        .await
        .err(400, "INVALID_INPUT_PERIOD");
    api.post(&sign, json!({"period": "101", "csrPem": csr}))
        .await
        .err(400, "EXCEED_EXPIRY_DATE");
    api.post(&sign, json!({"period": "10", "csrPem": "garbage"}))
        .await
        .err(400, "INVALID_INPUT");
    api.post(
        &format!("/api/v1/ca/{pending}/sub/sign"),
        json!({"period": "10", "csrPem": csr}),
    )
    .await
    .err(400, "INVALID_CA_STATUS");
    // Chain and CRL of a pending CA.
    api.get(&format!("/api/v1/ca/{pending}/chain"))
        .await
        .err(400, "INVALID_CA_STATUS");
    api.get(&format!("/api/v1/ca/{pending}/crl"))
        .await
        .err(400, "INVALID_CA_STATUS");
    api.post_empty(&format!("/api/v1/ca/{pending}/crl/rotate"))
        .await
        .err(400, "INVALID_CA_STATUS");
    api.post_empty(&format!("/api/v1/ca/{pending}/trim"))
        .await
        .err(400, "INVALID_CA_STATUS");
    // Issuing from a pending CA.
    api.post(
        &format!("/api/v1/ca/{pending}/cert"),
        json!({"x509Parameters": {"commonName": "x"}}),
    )
    .await
    .err(400, "INVALID_CA_STATUS");
    assert_eq!(snapshot(api).await, before);

    // Activate Sub CA.
    let signed = api
        .post(&sign, json!({"period": "10", "csrPem": csr}))
        .await
        .ok();
    let root_pem = signed["issuer"].as_str().unwrap().to_owned();
    let cert = signed["certificate"].as_str().unwrap().to_owned();
    let activate = format!("/api/v1/ca/{pending}/activate");
    let before = snapshot(api).await;
    api.post(&activate, json!({ "caChainPem": root_pem }))
        .await
        .err(400, "EMPTY_CERT");
    api.post(&activate, json!({ "certPem": cert }))
        .await
        .err(400, "INVALID_INPUT_CA_CHAIN");
    api.post(
        &activate,
        json!({"certPem": "junk", "caChainPem": root_pem}),
    )
    .await
    .err(400, "INVALID_INPUT_CERT");
    api.post(&activate, json!({"certPem": cert, "caChainPem": "junk"}))
        .await
        .err(400, "INVALID_INPUT_CA_CHAIN");
    // Key mismatch: the root's own certificate is not the sub CA's.
    api.post(
        &activate,
        json!({"certPem": root_pem, "caChainPem": root_pem}),
    )
    .await
    .err(400, "INVALID_CERT");
    // Wrong chain: another root did not sign it.
    let other_pem = api.ca(&other_root).await.ok()["caCertInfo"]["certPem"]
        .as_str()
        .unwrap()
        .to_owned();
    api.post(&activate, json!({"certPem": cert, "caChainPem": other_pem}))
        .await
        .err(400, "INVALID_INPUT_CA_CHAIN");
    // An end-entity certificate is not a CA certificate.
    let end = api.issue(&root, "leaf.example.com").await;
    let before_leaf = snapshot(api).await;
    api.post(
        &activate,
        json!({"certPem": end["certificate"], "caChainPem": root_pem}),
    )
    .await
    .err(400, "INVALID_CERT");
    assert_eq!(snapshot(api).await, before_leaf);
    assert_ne!(before, before_leaf);
    // Success, then a second activation is refused.
    api.post(&activate, json!({"certPem": cert, "caChainPem": root_pem}))
        .await
        .ok();
    api.post(&activate, json!({"certPem": cert, "caChainPem": root_pem}))
        .await
        .err(400, "INVALID_CA_STATUS");
    api.get(&format!("/api/v1/ca/{pending}/sub/csr"))
        .await
        .err(400, "INVALID_CA_STATUS");
}

#[tokio::test]
async fn user_ocsp_and_crl_config_errors() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("misc").await);
    let before = snapshot(api).await;
    let users = format!("/api/v1/ca/{tag}/users");
    api.post(&users, json!({})).await.err(400, "EMPTY_ID_NO");
    api.post(&users, json!({"idNo": ""}))
        .await
        .err(400, "EMPTY_ID_NO");
    api.post(&users, json!({"idNo": "not-an-id"}))
        .await
        .err(400, "INVAILD_ID_NO");
    api.delete(&format!("{users}/not-an-id"))
        .await
        .err(400, "INVAILD_ID_NO");
    api.delete(&format!("{users}/{ID}"))
        .await
        .err(400, "INVALID_USER");
    let urls = format!("/api/v1/ca/{tag}/urls");
    for bad in [
        json!({}),
        json!({"ocsp_servers": ""}),
        json!({"ocsp_servers": "ftp://x"}),
        json!({"ocsp_servers": "http://"}),
        json!({"ocsp_servers": "http://a b/ocsp"}),
    ] {
        api.put(&urls, bad).await.err(400, "INVALID_INPUT");
    }
    let cfg = format!("/api/v1/ca/{tag}/crl/config");
    for bad in [
        json!({}),
        json!({"expiry": "2"}),
        json!({"expiry": "three"}),
        json!({"expiry": "-5"}),
        json!({"expiry": "3.5"}),
        json!({"expiry": "4000"}),
    ] {
        api.put(&cfg, bad).await.err(400, "INVALID_INPUT");
    }
    assert_eq!(snapshot(api).await, before);
    // Delete OCSP when none is configured: nothing to do, success.
    api.delete(&urls).await.ok();
}

#[tokio::test]
async fn status_machine() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("machine").await);
    let ca = format!("/api/v1/ca/{tag}");
    let set = |s: &'static str| json!({ "status": s });

    api.put(&ca, json!({})).await.err(400, "EMPTY_STATUS");
    api.put(&ca, json!({"memo": "only memo"}))
        .await
        .err(400, "EMPTY_STATUS");
    api.put(&ca, set("PENDING"))
        .await
        .err(400, "INVALID_INPUT_STATUS");
    api.put(&ca, set("bogus"))
        .await
        .err(400, "INVALID_INPUT_STATUS");
    // Delete needs DESTROYING.
    api.delete(&ca).await.err(400, "INVALID_CA_STATUS");

    // ACTIVE -> ACTIVE: no change.
    let r = api.put(&ca, set("ACTIVE")).await.ok();
    assert_eq!(r["caInfo"]["status"], "ACTIVE");

    // DEACTIVATED: no signing; reading and revoking still work.
    let cert = api.issue(&tag, "before.example.com").await;
    let serial = cert["serialNo"].as_str().unwrap();
    api.put(&ca, set("DEACTIVATED")).await.ok();
    api.post(
        &format!("{ca}/cert"),
        json!({"x509Parameters": {"commonName": "x"}}),
    )
    .await
    .err(400, "INVALID_CA_STATUS");
    api.post(
        &format!("{ca}/cert/sign"),
        json!({"csrPem": make_csr("x", &["x.example.com"])}),
    )
    .await
    .err(400, "INVALID_CA_STATUS");
    api.create_sub("child", Some(&tag), "10")
        .await
        .err(400, "INVALID_ISSUER_CA");
    api.get(&format!("{ca}/chain")).await.ok();
    api.get(&format!("{ca}/crl")).await.ok();
    api.get(&format!("{ca}/cert/{serial}")).await.ok();
    api.post_empty(&format!("{ca}/cert/{serial}/revoke"))
        .await
        .ok();
    api.delete(&ca).await.err(400, "INVALID_CA_STATUS");

    // DEACTIVATED -> ACTIVE -> DESTROYING -> ACTIVE (cancel) -> DESTROYING -> deleted.
    api.put(&ca, set("ACTIVE")).await.ok();
    let d = api.put(&ca, set("DESTROYING")).await.ok();
    assert!(d["caInfo"]["destroyDate"].is_i64());
    api.post(
        &format!("{ca}/cert"),
        json!({"x509Parameters": {"commonName": "x"}}),
    )
    .await
    .err(400, "INVALID_CA_STATUS");
    api.put(&ca, set("DEACTIVATED"))
        .await
        .err(400, "INVALID_CA_STATUS");
    let again = api.put(&ca, set("DESTROYING")).await.ok();
    assert_eq!(again["caInfo"]["destroyDate"], d["caInfo"]["destroyDate"]);
    let back = api.put(&ca, set("ACTIVE")).await.ok();
    assert_eq!(back["caInfo"]["status"], "ACTIVE");
    assert_eq!(back["caInfo"]["destroyDate"], Value::Null);
    api.issue(&tag, "after.example.com").await;

    // PENDING: only DESTROYING; cancelling returns to PENDING.
    let p = tag_of(&api.create_sub("pend", None, "10").await.ok());
    let pca = format!("/api/v1/ca/{p}");
    api.put(&pca, set("ACTIVE"))
        .await
        .err(400, "INVALID_CA_STATUS");
    api.put(&pca, set("DEACTIVATED"))
        .await
        .err(400, "INVALID_CA_STATUS");
    api.put(&pca, set("DESTROYING")).await.ok();
    assert_eq!(
        api.put(&pca, set("ACTIVE")).await.ok()["caInfo"]["status"],
        "PENDING"
    );

    // Delete cascades to sub CAs (signed at creation or activated).
    let sub = tag_of(&api.create_sub("sub-a", Some(&tag), "10").await.ok());
    let subsub = tag_of(&api.create_sub("sub-b", Some(&sub), "5").await.ok());
    api.put(&ca, set("DESTROYING")).await.ok();
    api.delete(&ca).await.ok();
    for t in [&tag, &sub, &subsub] {
        api.ca(t).await.err(400, "NOT_FOUND");
    }
    api.ca(&p).await.ok();
}

#[tokio::test]
async fn destroying_cas_vanish_after_72_hours_and_trim_forgets_expired() {
    let emu = Emu::start_manual(Config::ephemeral()).await;
    let clock = emu.clock.clone().unwrap();
    let api = &emu.api;
    let keep = tag_of(&api.create_root("keeper").await);
    let doomed = tag_of(&api.create_root("doomed").await);
    let child = tag_of(&api.create_sub("doomed-kid", Some(&doomed), "30").await.ok());

    // Trim: a revoked certificate that expired leaves the list and the CRL.
    let short = api
        .post(
            &format!("/api/v1/ca/{keep}/cert"),
            json!({"keyType": "EC256", "period": "1", "x509Parameters": {"commonName": "short"}}),
        )
        .await
        .ok();
    let long = api.issue(&keep, "long.example.com").await;
    let short_serial = short["serialNo"].as_str().unwrap().to_owned();
    let long_serial = long["serialNo"].as_str().unwrap().to_owned();
    for s in [&short_serial, &long_serial] {
        api.post_empty(&format!("/api/v1/ca/{keep}/cert/{s}/revoke"))
            .await
            .ok();
    }
    let crl = crl_facts(
        api.get(&format!("/api/v1/ca/{keep}/crl"))
            .await
            .ok()
            .as_str()
            .unwrap(),
    );
    assert_eq!(crl.serials.len(), 2);

    api.put(
        &format!("/api/v1/ca/{doomed}"),
        json!({"status": "DESTROYING"}),
    )
    .await
    .ok();
    clock.advance(71 * 3_600_000);
    api.ca(&doomed).await.ok();
    api.ca(&child).await.ok();
    clock.advance(3_600_000);
    api.ca(&doomed).await.err(400, "NOT_FOUND");
    api.ca(&child).await.err(400, "NOT_FOUND");
    assert_eq!(api.get("/api/v1/ca").await.ok()["totalCnt"], 1);

    // The CRL expired meanwhile (3 days): the next read makes a fresh one.
    let fresh = crl_facts(
        api.get(&format!("/api/v1/ca/{keep}/crl"))
            .await
            .ok()
            .as_str()
            .unwrap(),
    );
    assert!(fresh.this_update > crl.this_update);
    assert_eq!(
        fresh.serials.len(),
        2,
        "expired revoked certificates stay until Trim CA"
    );
    api.post_empty(&format!("/api/v1/ca/{keep}/trim"))
        .await
        .ok();
    let list = api.get(&format!("/api/v1/ca/{keep}/cert")).await.ok();
    assert_eq!(list["listCerts"], json!([long_serial]));
    api.get(&format!("/api/v1/ca/{keep}/cert/{short_serial}"))
        .await
        .err(400, "NOT_FOUND");
    let trimmed = crl_facts(
        api.get(&format!("/api/v1/ca/{keep}/crl"))
            .await
            .ok()
            .as_str()
            .unwrap(),
    );
    assert_eq!(trimmed.serials, std::slice::from_ref(&long_serial));
    // nextUpdate follows the CRL config.
    api.put(
        &format!("/api/v1/ca/{keep}/crl/config"),
        json!({"expiry": "10"}),
    )
    .await
    .ok();
    let ten = crl_facts(
        api.get(&format!("/api/v1/ca/{keep}/crl"))
            .await
            .ok()
            .as_str()
            .unwrap(),
    );
    assert_eq!(ten.next_update.unwrap() - ten.this_update, 10 * 86_400);
    let number =
        |f: &emulator_support::CrlFacts| -> u64 { f.number.as_deref().unwrap().parse().unwrap() };
    assert!(number(&ten) > number(&trimmed), "CRL numbers increase");
}

#[tokio::test]
async fn bad_input_is_a_documented_400_and_changes_nothing() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("inputs").await);
    let pending = tag_of(&api.create_sub("pend-in", None, "10").await.ok());
    api.issue(&tag, "x.example.com").await;
    let before = snapshot(api).await;
    let bodies: Vec<(&str, String)> = vec![
        ("POST", "/api/v1/ca?caType=PRIVATE_ROOT".to_owned()),
        ("PUT", format!("/api/v1/ca/{tag}")),
        ("POST", format!("/api/v1/ca/{tag}/sub/sign")),
        ("POST", format!("/api/v1/ca/{pending}/activate")),
        ("POST", format!("/api/v1/ca/{tag}/cert")),
        ("POST", format!("/api/v1/ca/{tag}/cert/sign")),
        ("POST", format!("/api/v1/ca/{tag}/users")),
        ("PUT", format!("/api/v1/ca/{tag}/urls")),
        ("PUT", format!("/api/v1/ca/{tag}/crl/config")),
    ];
    let malformed: Vec<&[u8]> = vec![
        b"{",
        b"{\"alias\":",
        b"not json",
        b"[]",
        b"null",
        b"42",
        b"\"string\"",
        b"{\"a\":1}}",
        b"\xff\xfe{}",
    ];
    for (method, path) in &bodies {
        for body in &malformed {
            let r = api.send_bytes(method, path, body.to_vec()).await;
            r.err(400, "INVALID_REQUEST");
        }
    }
    // Wrong member types.
    let wrong: Vec<(usize, Value)> = vec![
        (
            0,
            json!({"alias": 5, "keyType": "EC256", "period": "10", "x509Parameters": {"commonName": "c"}}),
        ),
        (
            0,
            json!({"alias": "abc", "keyType": ["EC256"], "period": "10", "x509Parameters": {"commonName": "c"}}),
        ),
        (
            0,
            json!({"alias": "abc", "keyType": "EC256", "period": true, "x509Parameters": {"commonName": "c"}}),
        ),
        (
            0,
            json!({"alias": "abc", "keyType": "EC256", "period": "10", "x509Parameters": "c"}),
        ),
        (
            0,
            json!({"alias": "abc", "keyType": "EC256", "period": "10", "x509Parameters": {"commonName": 1}}),
        ),
        (1, json!({"status": 1})),
        (1, json!({"status": "ACTIVE", "memo": {}})),
        (2, json!({"period": "10", "csrPem": 7})),
        (3, json!({"certPem": [], "caChainPem": "x"})),
        (
            4,
            json!({"x509Parameters": {"commonName": "c", "keyUsage": "digitalSignature"}}),
        ),
        (
            4,
            json!({"x509Parameters": {"commonName": "c", "useCnAsSan": "yes"}}),
        ),
        (5, json!({"csrPem": {"pem": "x"}})),
        (6, json!({"idNo": 12})),
        (7, json!({"ocsp_servers": ["http://x"]})),
        (8, json!({"expiry": false})),
    ];
    for (i, body) in wrong {
        let (method, path) = &bodies[i];
        api.send(method, path, Some(body.clone()))
            .await
            .err(400, "INVALID_REQUEST");
    }
    // Bodies over 1 MiB: the emulator's own limit, 413 (tests/emulator_limits.rs).
    for (method, path) in &bodies {
        let mut big = b"{\"memo\":\"".to_vec();
        big.resize(pca::emulator::MAX_BODY_BYTES + 10, b'a');
        big.extend_from_slice(b"\"}");
        let r = api.send_bytes(method, path, big).await;
        assert_eq!((r.status, r.code().as_str()), (413, "INVALID_REQUEST"));
    }
    // Bad PEM in every PEM field.
    let junk = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    api.post(&bodies[2].1, json!({"period": "10", "csrPem": junk}))
        .await
        .err(400, "INVALID_INPUT");
    api.post(&bodies[5].1, json!({ "csrPem": junk }))
        .await
        .err(400, "INVALID_INPUT");
    api.post(&bodies[3].1, json!({"certPem": junk, "caChainPem": junk}))
        .await
        .err(400, "INVALID_INPUT_CERT");
    assert_eq!(snapshot(api).await, before, "bad input changes nothing");
    // The emulator still works.
    api.issue(&tag, "y.example.com").await;
}
