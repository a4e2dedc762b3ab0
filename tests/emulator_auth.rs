//! The gateway in front of `/api/v1`: signature v2 authentication (wrong signature, stale
//! timestamp, unknown access key, missing headers → 401 `Authentication Failed`, nothing
//! changes) and fault injection (decided first, so a faulted request changes nothing).

mod emulator_support;

use emulator_support::{Api, Emu, snapshot, tag_of};
use pca::api::signing::{
    HEADER_ACCESS_KEY, HEADER_SIGNATURE_V1_ALIAS, HEADER_SIGNATURE_V2, HEADER_TIMESTAMP,
    sign_request,
};
use pca::emulator::Config;
use pca::emulator::config::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use serde_json::json;

fn body(alias: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"alias": alias, "keyType": "EC256", "period": "10",
                               "x509Parameters": {"commonName": "c"}}))
    .unwrap()
}

#[track_caller]
fn assert_auth_failed(r: &emulator_support::Resp, details: &str) {
    assert_eq!(r.status, 401, "{:?}", r.body);
    assert_eq!(
        r.json(),
        json!({"error": {"errorCode": "200", "message": "Authentication Failed",
                         "details": details}})
    );
}

#[tokio::test]
async fn bad_credentials_are_rejected_and_change_nothing() {
    let emu = Emu::start().await;
    let api = &emu.api;
    api.create_root("authroot").await;
    let before = snapshot(api).await;
    let path = "/api/v1/ca?caType=PRIVATE_ROOT";
    let now = emulator_support::now_ms();

    let sign = |method: &str, uri: &str, ts: i64, key: &str, secret: &str| {
        let ts = ts.to_string();
        let sig = sign_request(secret, method, uri, &ts, key);
        vec![
            (HEADER_TIMESTAMP, ts),
            (HEADER_ACCESS_KEY, key.to_owned()),
            (HEADER_SIGNATURE_V2, sig),
        ]
    };

    // Unknown access key (even correctly signed with its own secret).
    let r = api
        .raw(
            "POST",
            path,
            &sign("POST", path, now, "UNKNOWNKEY0000000000", "x"),
            body("a1"),
        )
        .await;
    assert_auth_failed(&r, "Invalid access key.");
    // Wrong secret: wrong signature.
    let r = api
        .raw(
            "POST",
            path,
            &sign("POST", path, now, DEFAULT_ACCESS_KEY, "wrong-secret"),
            body("a2"),
        )
        .await;
    assert_auth_failed(&r, "Invalid signature.");
    // Signed for another URI, method or query.
    for (m, u) in [
        ("POST", "/api/v1/ca?caType=PRIVATE_SUB"),
        ("GET", path),
        ("POST", "/api/v1/ca"),
    ] {
        let r = api
            .raw(
                "POST",
                path,
                &sign(m, u, now, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY),
                body("a3"),
            )
            .await;
        assert_auth_failed(&r, "Invalid signature.");
    }
    // A garbage signature.
    let mut h = sign("POST", path, now, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    h[2].1 = "not base64!".to_owned();
    assert_auth_failed(
        &api.raw("POST", path, &h, body("a4")).await,
        "Invalid signature.",
    );
    // Stale and future timestamps (correctly signed), and a non-numeric one.
    for ts in [now - 300_001 - 5_000, now + 300_001 + 5_000] {
        let r = api
            .raw(
                "POST",
                path,
                &sign("POST", path, ts, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY),
                body("a5"),
            )
            .await;
        assert_auth_failed(
            &r,
            "The timestamp is invalid or outside the 5-minute window.",
        );
    }
    let mut h = sign("POST", path, now, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    h[0].1 = "yesterday".to_owned();
    assert_auth_failed(
        &api.raw("POST", path, &h, body("a6")).await,
        "The timestamp is invalid or outside the 5-minute window.",
    );
    // Missing headers, one at a time.
    for skip in 0..3 {
        let h: Vec<_> = sign("POST", path, now, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, x)| x)
            .collect();
        assert_auth_failed(
            &api.raw("POST", path, &h, body("a7")).await,
            "Missing authentication headers.",
        );
    }
    assert_eq!(
        snapshot(api).await,
        before,
        "rejected requests change nothing"
    );

    // Within the window: fine, also four minutes off; the v1 header alias works too.
    let r = api
        .raw(
            "POST",
            path,
            &sign(
                "POST",
                path,
                now - 240_000,
                DEFAULT_ACCESS_KEY,
                DEFAULT_SECRET_KEY,
            ),
            body("ok1"),
        )
        .await;
    assert_eq!(r.code(), "SUCCESS");
    let mut h = sign("POST", path, now, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    h[2].0 = HEADER_SIGNATURE_V1_ALIAS;
    h.push(("x-ncp-apigw-api-key", "ignored".to_owned()));
    assert_eq!(
        api.raw("POST", path, &h, body("ok2")).await.code(),
        "SUCCESS"
    );
    // Percent-encoded serial segments are signed as sent.
    let list = api.get("/api/v1/ca").await.ok();
    let tag = tag_of(&list["caInfoList"][0]);
    let uri = format!("/api/v1/ca/{tag}/cert/01%3A02");
    let r = api.send("GET", &uri, None).await;
    assert_eq!(
        r.status, 400,
        "signature over the raw URI verifies (row 69)"
    );
}

#[tokio::test]
async fn configured_credentials_and_clock_skew() {
    let emu = Emu::start_config(Config {
        access_key: "MYKEY".to_owned(),
        secret_key: "MYSECRET".to_owned(),
        max_clock_skew_ms: Some(5_000),
        ..Config::ephemeral()
    })
    .await;
    let default = Api::new(emu.base());
    assert_eq!(default.get("/api/v1/ca").await.status, 401);
    let mine = Api::with_keys(emu.base(), "MYKEY", "MYSECRET");
    mine.get("/api/v1/ca").await.ok();
    // A tighter window from the configuration.
    let ts = (emulator_support::now_ms() - 30_000).to_string();
    let sig = sign_request("MYSECRET", "GET", "/api/v1/ca", &ts, "MYKEY");
    let r = mine
        .raw(
            "GET",
            "/api/v1/ca",
            &[
                (HEADER_TIMESTAMP, ts),
                (HEADER_ACCESS_KEY, "MYKEY".to_owned()),
                (HEADER_SIGNATURE_V2, sig),
            ],
            vec![],
        )
        .await;
    assert_eq!(r.status, 401);

    // The window follows the emulator's clock (a manual clock far in the past).
    let emu = Emu::start_manual(Config::ephemeral()).await;
    emu.clock.as_ref().unwrap().advance(-3_600_000);
    let wall = Api::new(emu.base());
    assert_eq!(wall.get("/api/v1/ca").await.status, 401);
    emu.api.get("/api/v1/ca").await.ok();
}

#[tokio::test]
async fn injected_faults_change_nothing() {
    let emu = Emu::start_config(Config {
        fault_rate: 1.0,
        fault_status: 503,
        fault_seed: Some(3),
        ..Config::ephemeral()
    })
    .await;
    let api = &emu.api;
    let faults = emu.running.state.faults();
    for _ in 0..5 {
        let r = api
            .post(
                "/api/v1/ca?caType=PRIVATE_ROOT",
                json!({"alias": "faulty", "keyType": "EC256", "period": "10",
                       "x509Parameters": {"commonName": "c"}}),
            )
            .await;
        assert_eq!(r.status, 503);
        assert_eq!(r.headers["retry-after"], "1");
        assert_eq!(r.code(), "503");
    }
    // Even unauthenticated requests get the fault first; public endpoints never do.
    let anon = Api::with_keys(emu.base(), "x", "y");
    assert_eq!(anon.get("/api/v1/ca").await.status, 503);
    assert_eq!(
        anon.raw("GET", "/ext/00000000-00000000/crl", &[], vec![])
            .await
            .status,
        404
    );
    faults.set_rate(0.0, 503);
    assert_eq!(api.get("/api/v1/ca").await.ok()["totalCnt"], 0);

    // fail_next: exactly N failures with the chosen status, then normal service.
    faults.fail_next(2, 429);
    assert_eq!(api.get("/api/v1/ca").await.status, 429);
    assert_eq!(api.create_sub("x1", None, "10").await.status, 429);
    api.get("/api/v1/ca").await.ok();
    assert_eq!(api.get("/api/v1/ca").await.ok()["totalCnt"], 0);

    // A partial rate with a seed fails some and serves the rest.
    faults.set_rate(0.5, 500);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(api.get("/api/v1/ca").await.status);
    }
    let failed = statuses.iter().filter(|s| **s == 500).count();
    assert!((5..35).contains(&failed), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 500 || *s == 200));
    faults.set_rate(0.0, 500);

    // Latency.
    faults.set_latency_ms(150);
    let start = std::time::Instant::now();
    api.get("/api/v1/ca").await.ok();
    assert!(start.elapsed() >= std::time::Duration::from_millis(150));
}
