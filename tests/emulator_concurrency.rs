//! Concurrent requests (Terraform runs 10 at once): distinct certificates, consistent
//! counts, limits that hold under races, and a CRL that ends up with every revocation.

mod emulator_support;

use std::collections::HashSet;

use emulator_support::{Emu, crl_facts, tag_of};
use pca::emulator::Config;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_issues_give_twenty_distinct_certificates() {
    let emu = Emu::start().await;
    let tag = tag_of(&emu.api.create_root("busy").await);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let api = emu.api.clone();
        let tag = tag.clone();
        tasks.push(tokio::spawn(async move {
            api.issue(&tag, &format!("host{i}.example.com")).await
        }));
    }
    let mut serials = HashSet::new();
    let mut pems = HashSet::new();
    for t in tasks {
        let data = t.await.unwrap();
        serials.insert(data["serialNo"].as_str().unwrap().to_owned());
        pems.insert(data["certificate"].as_str().unwrap().to_owned());
    }
    assert_eq!((serials.len(), pems.len()), (20, 20));
    assert_eq!(emu.api.ca(&tag).await.ok()["caInfo"]["signingCount"], 20);
    let list = emu.api.get(&format!("/api/v1/ca/{tag}/cert")).await.ok();
    assert_eq!(list["totalCnt"], 20);
    let listed: HashSet<String> = list["listCerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, serials);

    // Concurrent revocations and CRL reads: the final CRL lists every revocation.
    let mut tasks = Vec::new();
    for s in serials.iter().take(10) {
        let api = emu.api.clone();
        let tag = tag.clone();
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            api.post_empty(&format!("/api/v1/ca/{tag}/cert/{s}/revoke"))
                .await
                .ok();
            api.get(&format!("/api/v1/ca/{tag}/crl")).await.ok();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let crl = emu.api.get(&format!("/api/v1/ca/{tag}/crl")).await.ok();
    let revoked: HashSet<String> = crl_facts(crl.as_str().unwrap())
        .serials
        .into_iter()
        .collect();
    let expected: HashSet<String> = serials.iter().take(10).cloned().collect();
    assert_eq!(revoked, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn limits_hold_under_races() {
    let emu = Emu::start_config(Config {
        max_cas: 10,
        max_certs_per_ca: 5,
        ..Config::ephemeral()
    })
    .await;
    // 4 creations racing for one alias, with room for all: exactly one wins.
    let create = |alias: String| {
        let api = emu.api.clone();
        tokio::spawn(async move {
            api.post(
                "/api/v1/ca?caType=PRIVATE_ROOT",
                json!({"alias": alias, "keyType": "EC256", "period": "30",
                       "x509Parameters": {"commonName": "race"}}),
            )
            .await
        })
    };
    let tasks: Vec<_> = (0..4).map(|_| create("same-alias".to_owned())).collect();
    let mut created = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        if r.status == 200 {
            created.push(tag_of(&r.data()));
        } else {
            r.err(400, "ALREADY_EXIST_ALIAS");
        }
    }
    assert_eq!(created.len(), 1, "one alias, one CA");

    // 15 concurrent creations with distinct aliases for the 9 slots left: exactly 9 win.
    let tasks: Vec<_> = (0..15).map(|i| create(format!("ca-{i:02}"))).collect();
    let mut codes = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        if r.status == 200 {
            created.push(tag_of(&r.data()));
        } else {
            codes.push(r.code());
        }
    }
    assert_eq!(created.len(), 10, "{codes:?}");
    assert_eq!(codes.len(), 6);
    let list = emu.api.get("/api/v1/ca").await.ok();
    assert_eq!(list["totalCnt"], 10);
    let same = list["caInfoList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["caInfo"]["alias"] == "same-alias")
        .count();
    assert_eq!(same, 1, "one alias, one CA");
    assert!(codes.iter().all(|c| c == "INVALID_REQUEST"), "{codes:?}");

    // 12 concurrent issues against a limit of 5.
    let tag = created[0].clone();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let api = emu.api.clone();
        let tag = tag.clone();
        tasks.push(tokio::spawn(async move {
            api.post(
                &format!("/api/v1/ca/{tag}/cert"),
                json!({"keyType": "EC256", "period": "1",
                       "x509Parameters": {"commonName": format!("n{i}")}}),
            )
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap();
        if r.status == 200 {
            ok += 1;
        } else {
            r.err(400, "EXCEED_SIGNING_COUNT");
        }
    }
    assert_eq!(ok, 5);
    assert_eq!(emu.api.ca(&tag).await.ok()["caInfo"]["signingCount"], 5);
    assert_eq!(
        emu.api.get(&format!("/api/v1/ca/{tag}/cert")).await.ok()["totalCnt"],
        5
    );
}

/// Parallel direct clients (the crate's client: 8 tasks over 2 CAs) issue certificates for a
/// bounded time (3 s) while 20% of the requests fail with an injected 503 before reaching
/// the service (the client retries them): every successful answer is exactly one
/// certificate on the emulator, and nothing else is: none lost, none duplicated.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_clients_issuing_for_a_bounded_time_lose_and_duplicate_nothing() {
    use std::time::{Duration, Instant};

    use pca::api::model::{CaTag, IssueEndCertRequest, KeyType, Period, X509EndCertParameters};
    use pca::client::{Client, Credentials};
    use pca::emulator::config::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};

    let emu = Emu::start().await;
    let tags = [
        tag_of(&emu.api.create_root("par-a").await),
        tag_of(&emu.api.create_root("par-b").await),
    ];
    emu.running.state.faults().set_retry_after(None);
    emu.running.state.faults().set_rate(0.2, 503);
    let client = Client::builder()
        .endpoint_url(emu.base())
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY))
        .max_retries(8)
        .backoff(Duration::from_millis(1), Duration::from_millis(20))
        .request_timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let started = Instant::now();
    let deadline = started + Duration::from_secs(3);
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let client = client.clone();
        let tag = CaTag::from(tags[worker % 2].as_str());
        tasks.push(tokio::spawn(async move {
            let mut issued = Vec::new();
            let mut failed = 0u32;
            let mut i = 0;
            while Instant::now() < deadline {
                let request = IssueEndCertRequest {
                    key_type: Some(KeyType::Ec256),
                    period: Some(Period::Days(1)),
                    x509_parameters: X509EndCertParameters {
                        common_name: format!("w{worker}-{i}.example.com"),
                        ..X509EndCertParameters::default()
                    },
                };
                match client.issue_end_cert(&tag, &request).await {
                    Ok(data) => issued.push(data.serial_no.expect("serialNo").canonical()),
                    Err(_) => failed += 1,
                }
                i += 1;
            }
            (worker % 2, issued, failed)
        }));
    }
    let mut per_ca: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let mut failures = 0;
    for t in tasks {
        let (ca, issued, failed) = t.await.expect("task");
        per_ca[ca].extend(issued);
        failures += failed;
    }
    let elapsed = started.elapsed();
    let injected = emu.running.state.faults().injected();
    emu.running.state.faults().set_rate(0.0, 503);

    let mut total = 0;
    let mut on_emulator = 0;
    for (i, tag) in tags.iter().enumerate() {
        let answered: HashSet<String> = per_ca[i].iter().cloned().collect();
        assert_eq!(answered.len(), per_ca[i].len(), "a serial answered twice");
        let listed: Vec<String> = client
            .get_end_cert_list_all(&CaTag::from(tag.as_str()))
            .await
            .expect("list")
            .iter()
            .map(|s| s.canonical())
            .collect();
        let listed_set: HashSet<String> = listed.iter().cloned().collect();
        assert_eq!(listed.len(), listed_set.len(), "listed twice");
        on_emulator += listed.len();
        assert_eq!(
            listed_set, answered,
            "the CA holds exactly the certificates whose issuance was answered"
        );
        let count = emu.api.ca(tag).await.ok()["caInfo"]["signingCount"].clone();
        assert_eq!(count, answered.len(), "signingCount of {tag}");
        total += answered.len();
    }
    assert!(total >= 8, "too few issuances to mean anything: {total}");
    assert!(injected > 0, "faults were injected");
    eprintln!(
        "8 clients, {:.1} s: {total} certificates issued and answered, {failures} given up, {injected} injected 503s retried; the emulator holds {on_emulator}",
        elapsed.as_secs_f64()
    );
}
