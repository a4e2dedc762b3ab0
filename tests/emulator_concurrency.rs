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
    // 15 concurrent creations for 10 slots, and 4 racing for one alias.
    let mut tasks = Vec::new();
    for i in 0..15 {
        let api = emu.api.clone();
        let alias = if i < 4 {
            "same-alias".to_owned()
        } else {
            format!("ca-{i:02}")
        };
        tasks.push(tokio::spawn(async move {
            api.post(
                "/api/v1/ca?caType=PRIVATE_ROOT",
                json!({"alias": alias, "keyType": "EC256", "period": "30",
                       "x509Parameters": {"commonName": "race"}}),
            )
            .await
        }));
    }
    let mut created = Vec::new();
    let mut codes = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        if r.status == 200 {
            created.push(tag_of(&r.data()));
        } else {
            codes.push(r.code());
        }
    }
    let list = emu.api.get("/api/v1/ca").await.ok();
    assert_eq!(list["totalCnt"], created.len());
    assert!(created.len() <= 10);
    let same = list["caInfoList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["caInfo"]["alias"] == "same-alias")
        .count();
    assert_eq!(same, 1, "one alias, one CA");
    for c in &codes {
        assert!(c == "INVALID_REQUEST" || c == "ALREADY_EXIST_ALIAS", "{c}");
    }
    assert_eq!(created.len(), 10, "{codes:?}");

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
