//! The `pca-emulator` binary: flags, the one ready line, credentials from the environment,
//! fault injection, and persistence across `kill -9` with `--data-dir`.

mod emulator_support;

use std::process::Command;

use emulator_support::{Api, EmuProcess, make_csr, snapshot, tag_of};
use serde_json::{Value, json};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pca-emulator"))
        .args(args)
        .output()
        .expect("run pca-emulator");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn flags_help_and_refusals() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for needle in [
        "--listen ADDR",
        "127.0.0.1:8700",
        "--data-dir",
        "--allow-remote",
        "--access-key",
        "PCA_EMULATOR_ACCESS_KEY",
        "PCAEMUACCESSKEY00001",
        "PCAEMUSECRETKEY0000000000000000000000001",
        "--max-cas N",
        "--fault-rate P",
        "--fault-status CODE",
        "--latency-ms N",
    ] {
        assert!(out.contains(needle), "help lacks {needle}");
    }
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("pca-emulator "));
    let (code, out, err) = run(&["--listen", "0.0.0.0:0"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("--allow-remote"), "{err}");
    for bad in [
        &["--bogus"][..],
        &["--fault-status", "404"],
        &["--fault-rate", "2"],
        &["--max-cas", "ten"],
        &["--listen"],
    ] {
        assert_eq!(run(bad).0, 2, "{bad:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_line_credentials_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let p = EmuProcess::spawn(&[], dir.path());
    assert!(p.base.starts_with("http://127.0.0.1:"), "{}", p.base);
    let api = Api::new(&p.base);
    api.get("/api/v1/ca").await.ok();
    let err = p.stderr();
    assert!(err.contains("PCAEMUACCESSKEY00001"), "{err}");
    assert!(
        err.contains("PCAEMUSECRETKEY0000000000000000000000001"),
        "{err}"
    );
    let (ok, rest) = p.terminate();
    assert!(ok, "SIGTERM is a clean exit");
    assert_eq!(rest, "", "stdout carries only the ready line");

    // Credentials from the environment; the secret is never printed.
    let p = EmuProcess::spawn_env(
        &[],
        &[
            ("PCA_EMULATOR_ACCESS_KEY", "ENVACCESSKEY"),
            ("PCA_EMULATOR_SECRET_KEY", "ENVSECRETKEY"),
        ],
        dir.path(),
    );
    assert_eq!(Api::new(&p.base).get("/api/v1/ca").await.status, 401);
    Api::with_keys(&p.base, "ENVACCESSKEY", "ENVSECRETKEY")
        .get("/api/v1/ca")
        .await
        .ok();
    // Flags win over the environment.
    let q = EmuProcess::spawn_env(
        &["--access-key", "FLAGKEY", "--secret-key", "FLAGSECRET"],
        &[("PCA_EMULATOR_ACCESS_KEY", "ENVACCESSKEY")],
        dir.path(),
    );
    Api::with_keys(&q.base, "FLAGKEY", "FLAGSECRET")
        .get("/api/v1/ca")
        .await
        .ok();
    assert!(!p.stderr().contains("ENVSECRETKEY"));
    assert!(!q.stderr().contains("FLAGSECRET"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_rate_one_fails_everything_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let p = EmuProcess::spawn(
        &[
            "--data-dir",
            data,
            "--fault-rate",
            "1",
            "--fault-status",
            "429",
            "--latency-ms",
            "5",
        ],
        dir.path(),
    );
    let api = Api::new(&p.base);
    let calls: Vec<(&str, &str, Option<Value>)> = vec![
        (
            "POST",
            "/api/v1/ca?caType=PRIVATE_ROOT",
            Some(json!({"alias": "never", "keyType": "EC256", "period": "10",
                        "x509Parameters": {"commonName": "c"}})),
        ),
        ("GET", "/api/v1/ca", None),
        ("GET", "/api/v1/ca/00000000-00000000", None),
        ("DELETE", "/api/v1/ca/00000000-00000000", None),
    ];
    for (m, path, body) in calls {
        let r = api.send(m, path, body).await;
        assert_eq!(r.status, 429, "{m} {path}");
        assert_eq!(r.code(), "429");
    }
    drop(p);
    let p = EmuProcess::spawn(&["--data-dir", data], dir.path());
    let api = Api::new(&p.base);
    assert_eq!(api.get("/api/v1/ca").await.ok()["totalCnt"], 0);
    for status in ["500", "503"] {
        let q = EmuProcess::spawn(&["--fault-rate", "1", "--fault-status", status], dir.path());
        assert_eq!(
            Api::new(&q.base).get("/api/v1/ca").await.status.to_string(),
            status
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn everything_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    // A fixed public URL keeps urlInfo identical across restarts on different ports.
    let args = ["--data-dir", data, "--public-url", "http://127.0.0.1:1"];
    let p = EmuProcess::spawn(&args, dir.path());
    let api = Api::new(&p.base);

    let root = api.create_root("persist-root").await;
    let root_tag = tag_of(&root);
    let root_pem = root["caCertInfo"]["certPem"].as_str().unwrap().to_owned();
    let sub_tag = tag_of(
        &api.create_sub("persist-sub", Some(&root_tag), "100")
            .await
            .ok(),
    );
    let pending = tag_of(&api.create_sub("persist-pend", None, "100").await.ok());
    let csr = api.get(&format!("/api/v1/ca/{pending}/sub/csr")).await.ok();
    api.put(
        &format!("/api/v1/ca/{sub_tag}/urls"),
        json!({"ocsp_servers": "http://127.0.0.1:1/ext/x/ocsp"}),
    )
    .await
    .ok();
    let c1 = api.issue(&sub_tag, "one.example.com").await;
    let c2 = api.issue(&sub_tag, "two.example.com").await;
    api.post(
        &format!("/api/v1/ca/{sub_tag}/cert/sign"),
        json!({"csrPem": make_csr("three", &["three.example.com"])}),
    )
    .await
    .ok();
    let s1 = c1["serialNo"].as_str().unwrap().to_owned();
    api.post_empty(&format!("/api/v1/ca/{sub_tag}/cert/{s1}/revoke"))
        .await
        .ok();
    api.put(
        &format!("/api/v1/ca/{sub_tag}/crl/config"),
        json!({"expiry": "7"}),
    )
    .await
    .ok();
    api.post(
        &format!("/api/v1/ca/{sub_tag}/users"),
        json!({"idNo": "6e4c1234-5678-90ab-cdef-1234567a9baa"}),
    )
    .await
    .ok();
    api.put(
        &format!("/api/v1/ca/{root_tag}"),
        json!({"status": "DEACTIVATED", "memo": "kept"}),
    )
    .await
    .ok();
    api.put(
        &format!("/api/v1/ca/{pending}"),
        json!({"status": "DESTROYING"}),
    )
    .await
    .ok();
    // Writes answered just before the kill must be there too.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let api = api.clone();
        let tag = sub_tag.clone();
        tasks.push(tokio::spawn(async move {
            api.issue(&tag, &format!("burst{i}.example.com")).await["serialNo"]
                .as_str()
                .unwrap()
                .to_owned()
        }));
    }
    let mut burst = Vec::new();
    for t in tasks {
        burst.push(t.await.unwrap());
    }
    let before = snapshot(&api).await;
    let chain = api.get(&format!("/api/v1/ca/{sub_tag}/chain")).await.ok();
    let rest = p.kill9();
    assert_eq!(rest, "", "stdout carries only the ready line");

    let p = EmuProcess::spawn(&args, dir.path());
    let api = Api::new(&p.base);
    assert_eq!(
        snapshot(&api).await,
        before,
        "every CA, certificate, revocation, setting"
    );
    let again = api.ca(&root_tag).await.ok();
    assert_eq!(
        again["caCertInfo"]["certPem"], root_pem,
        "same root certificate bytes"
    );
    assert_eq!(again["caInfo"]["memo"], "kept");
    assert_eq!(again["caInfo"]["status"], "DEACTIVATED");
    assert_eq!(
        api.get(&format!("/api/v1/ca/{pending}/sub/csr"))
            .await
            .code(),
        "INVALID_CA_STATUS"
    );
    assert_eq!(
        api.get(&format!("/api/v1/ca/{sub_tag}/chain")).await.ok(),
        chain
    );
    for s in &burst {
        api.get(&format!("/api/v1/ca/{sub_tag}/cert/{s}"))
            .await
            .ok();
    }
    let crl = api.get(&format!("/api/v1/ca/{sub_tag}/crl")).await.ok();
    assert_eq!(
        emulator_support::crl_facts(crl.as_str().unwrap()).serials,
        std::slice::from_ref(&s1)
    );
    // The pending CA's CSR and the sub CA's key survived: the sub CA keeps signing with
    // the same chain, and the signing count continues.
    assert!(csr["csrPem"].as_str().unwrap().len() > 100);
    let more = api.issue(&sub_tag, "after.example.com").await;
    assert_eq!(more["caChain"], chain);
    assert_eq!(
        api.ca(&sub_tag).await.ok()["caInfo"]["signingCount"],
        2 + 1 + 10 + 1
    );
    let s2 = c2["serialNo"].as_str().unwrap();
    api.post_empty(&format!("/api/v1/ca/{sub_tag}/cert/{s2}/revoke"))
        .await
        .ok();
    let crl = api.get(&format!("/api/v1/ca/{sub_tag}/crl")).await.ok();
    assert_eq!(
        emulator_support::crl_facts(crl.as_str().unwrap())
            .serials
            .len(),
        2
    );
}
