//! The emulator's own protective limits (src/emulator/limits.rs; not catalogue rows): a
//! body over 1 MiB is 413, JSON nested deeper than 32 levels is 400, a URI over 8 KiB is
//! 414, headers over 16 KiB are 431 (all in the service's envelope with `INVALID_REQUEST`
//! and a message naming the limit), and connections beyond `--max-connections` get 503
//! with `Retry-After` and the gateway's body. None of them changes state, and each is
//! answered at its boundary, not before.

mod emulator_support;

use std::time::{Duration, Instant};

use emulator_support::{Api, Emu, Resp, snapshot, tag_of};
use pca::emulator::Config;
use pca::emulator::error::DETAIL_HEADER;
use pca::emulator::limits::{MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_JSON_DEPTH, MAX_URI_BYTES};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Asserts an own-limit answer: status, envelope `INVALID_REQUEST`, a message containing
/// `names`, and the detail header saying it is not a catalogue row.
#[track_caller]
fn assert_limit(r: &Resp, status: u16, names: &str) {
    assert_eq!(
        r.status,
        status,
        "{}",
        String::from_utf8_lossy(&r.body[..r.body.len().min(300)])
    );
    assert_eq!(r.code(), "INVALID_REQUEST");
    assert!(r.msg().contains(names), "message {:?}", r.msg());
    assert_eq!(r.json()["data"], serde_json::Value::Null);
    assert!(pca::api::catalogue::Row::from_message(&r.msg()).is_none());
    let detail = r.headers[DETAIL_HEADER].to_str().unwrap();
    assert!(detail.contains("not a row"), "{detail}");
}

fn issue_body(cn: &str) -> serde_json::Value {
    json!({"keyType": "EC256", "period": "1", "x509Parameters": {"commonName": cn}})
}

#[tokio::test]
async fn body_size_limit_is_413_and_exactly_the_limit_passes() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("limits").await);
    let path = format!("/api/v1/ca/{tag}/cert");
    let before = snapshot(api).await;

    // One byte over: 413 naming the limit.
    let mut big = serde_json::to_vec(&issue_body("big.example.com")).unwrap();
    big.resize(MAX_BODY_BYTES + 1, b' ');
    let r = api.send_bytes("POST", &path, big).await;
    assert_limit(&r, 413, &format!("{MAX_BODY_BYTES} bytes"));
    // Far over (4 MiB): the same answer, still readable by the client.
    let mut huge = b"{\"memo\":\"".to_vec();
    huge.resize(4 * MAX_BODY_BYTES, b'a');
    let r = api
        .send_bytes("PUT", &format!("/api/v1/ca/{tag}"), huge)
        .await;
    assert_limit(&r, 413, &format!("{MAX_BODY_BYTES} bytes"));
    // The public OCSP responder has the same limit.
    let r = api
        .raw(
            "POST",
            &format!("/ext/{tag}/ocsp"),
            &[],
            vec![0x30; MAX_BODY_BYTES + 1],
        )
        .await;
    assert_limit(&r, 413, &format!("{MAX_BODY_BYTES} bytes"));
    assert_eq!(snapshot(api).await, before, "refused bodies change nothing");

    // Exactly the limit (valid JSON padded with blanks) is served.
    let mut exact = serde_json::to_vec(&issue_body("exact.example.com")).unwrap();
    exact.resize(MAX_BODY_BYTES, b' ');
    let data = api.send_bytes("POST", &path, exact).await.ok();
    assert!(data["serialNo"].is_string());
}

#[tokio::test]
async fn json_nesting_limit_is_400_before_parsing() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("depth").await);
    let path = format!("/api/v1/ca/{tag}/cert");
    let before = snapshot(api).await;
    // `{"x509Parameters":{"commonName":"a","extra":[[…]]}}`: the object and
    // x509Parameters are two levels, the arrays the rest.
    let nested = |levels: usize| {
        let arrays = levels - 2;
        format!(
            r#"{{"keyType":"EC256","period":"1","x509Parameters":{{"commonName":"n.example.com","extra":{}{}}}}}"#,
            "[".repeat(arrays),
            "]".repeat(arrays)
        )
    };
    let r = api
        .send_bytes("POST", &path, nested(MAX_JSON_DEPTH + 1).into_bytes())
        .await;
    assert_limit(&r, 400, &format!("{MAX_JSON_DEPTH} levels"));
    // Far deeper than any parser's recursion (200,000 levels, within the body limit):
    // the same answer, quickly, and the emulator is still alive.
    let started = Instant::now();
    let r = api
        .send_bytes("POST", &path, nested(200_000).into_bytes())
        .await;
    assert_limit(&r, 400, &format!("{MAX_JSON_DEPTH} levels"));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(snapshot(api).await, before, "refused bodies change nothing");
    // Brackets inside strings do not count.
    let in_string = json!({"keyType": "EC256", "period": "1",
        "x509Parameters": {"commonName": "s.example.com", "organization": "[{".repeat(30)}});
    let r = api.post(&path, in_string).await;
    r.ok();
    // Exactly the limit parses (and the unknown member is ignored like any other).
    api.send_bytes("POST", &path, nested(MAX_JSON_DEPTH).into_bytes())
        .await
        .ok();
}

#[tokio::test]
async fn uri_and_header_limits_are_414_and_431() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let before = snapshot(api).await;
    // A signed request with a long query: refused before authentication looks at it.
    let filler = "a".repeat(MAX_URI_BYTES);
    let long = format!("/api/v1/ca?pageNo=1&x={filler}");
    let r = api.send("GET", &long, None).await;
    assert_limit(&r, 414, &format!("{MAX_URI_BYTES} bytes"));
    let r = api
        .raw("GET", &format!("/ext/{filler}/crl"), &[], vec![])
        .await;
    assert_limit(&r, 414, &format!("{MAX_URI_BYTES} bytes"));
    // Just under the limit: an ordinary answer (the signature covers the whole URI).
    let prefix = "/api/v1/ca?pageNo=1&x=";
    let fits = format!("{prefix}{}", "a".repeat(MAX_URI_BYTES - prefix.len()));
    api.send("GET", &fits, None).await.ok();

    // Headers: one large header, and many small ones.
    let mut headers = api.sign_headers("GET", "/api/v1/ca");
    headers.push(("x-padding", "p".repeat(MAX_HEADER_BYTES)));
    let r = api.raw("GET", "/api/v1/ca", &headers, vec![]).await;
    assert_limit(&r, 431, &format!("{MAX_HEADER_BYTES} bytes"));
    let mut headers = api.sign_headers("GET", "/api/v1/ca");
    let names: Vec<String> = (0..90).map(|i| format!("x-pad-{i:02}")).collect();
    for n in &names {
        headers.push((n.as_str(), "v".repeat(200)));
    }
    let r = api.raw("GET", "/api/v1/ca", &headers, vec![]).await;
    assert_limit(&r, 431, &format!("{MAX_HEADER_BYTES} bytes"));
    // Under the limit: served.
    let mut headers = api.sign_headers("GET", "/api/v1/ca");
    headers.push(("x-padding", "p".repeat(MAX_HEADER_BYTES / 2)));
    let r = api.raw("GET", "/api/v1/ca", &headers, vec![]).await;
    r.ok();
    assert_eq!(snapshot(api).await, before);
}

/// One HTTP/1.1 exchange on a raw connection that stays open: the status line's code,
/// the headers (lower-case names) and the body.
async fn exchange(
    conn: &mut TcpStream,
    api: &Api,
    path: &str,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut req = format!("GET {path} HTTP/1.1\r\nhost: emu\r\n");
    for (k, v) in api.sign_headers("GET", path) {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    conn.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut chunk))
            .await
            .expect("response in time")
            .unwrap();
        assert!(n > 0, "connection closed before a response");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    while buf.len() < header_end + len {
        let n = conn.read(&mut chunk).await.unwrap();
        assert!(n > 0);
        buf.extend_from_slice(&chunk[..n]);
    }
    (status, headers, buf[header_end..header_end + len].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_get_503_with_retry_after() {
    let emu = Emu::start_config(Config {
        max_connections: 3,
        ..Config::ephemeral()
    })
    .await;
    let api = &emu.api;
    let addr = emu.running.addr;
    // Three keep-alive connections, each served.
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut c = TcpStream::connect(addr).await.unwrap();
        let (status, _, _) = exchange(&mut c, api, "/api/v1/ca").await;
        assert_eq!(status, 200);
        open.push(c);
    }
    // The fourth: 503, Retry-After, the gateway's body naming the cap, then closed.
    let mut fourth = TcpStream::connect(addr).await.unwrap();
    let (status, headers, body) = exchange(&mut fourth, api, "/api/v1/ca").await;
    assert_eq!(status, 503);
    assert_eq!(header(&headers, "retry-after"), Some("1"));
    assert_eq!(header(&headers, "connection"), Some("close"));
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["errorCode"], "503");
    let details = body["error"]["details"].as_str().unwrap();
    assert!(
        details.contains("at most 3 connections") && details.contains("--max-connections"),
        "{details}"
    );
    let mut rest = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), fourth.read_to_end(&mut rest))
        .await
        .expect("the server closes the refused connection")
        .unwrap();
    assert_eq!(n, 0);
    // The connections within the cap keep working.
    for c in &mut open {
        assert_eq!(exchange(c, api, "/api/v1/ca").await.0, 200);
    }
    // Closing one frees its slot: a new connection is served (once the server has seen
    // the close).
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut c = TcpStream::connect(addr).await.unwrap();
        let (status, _, _) = exchange(&mut c, api, "/api/v1/ca").await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(Instant::now() < deadline, "the slot was never freed");
        drop(c);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_crate_client_waits_out_the_connection_cap() {
    // A client holding no connection of its own beyond the cap retries the 503 after
    // Retry-After and gets through once a slot is free.
    let emu = Emu::start_config(Config {
        max_connections: 1,
        ..Config::ephemeral()
    })
    .await;
    let api = &emu.api;
    let addr = emu.running.addr;
    let mut hog = TcpStream::connect(addr).await.unwrap();
    assert_eq!(exchange(&mut hog, api, "/api/v1/ca").await.0, 200);
    let other = api.get("/api/v1/ca").await;
    assert_eq!(other.status, 503);
    assert_eq!(other.headers["retry-after"], "1");
    // The client's first attempt (a few ms from now) meets the cap; the slot is free well
    // before its retry, one second later.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(600)).await;
        drop(hog);
    });
    let client = pca::client::Client::builder()
        .endpoint_url(&emu.running.base_url)
        .credentials(pca::client::Credentials::new(
            pca::emulator::config::DEFAULT_ACCESS_KEY,
            pca::emulator::config::DEFAULT_SECRET_KEY,
        ))
        .max_retries(5)
        .build()
        .expect("client");
    let started = Instant::now();
    let all = client
        .get_ca_list_all()
        .await
        .expect("served after the retry");
    assert!(all.is_empty());
    // Retry-After: 1 was honoured (the first attempt met the cap).
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}
