//! Interoperability with OpenSSL: chains and CRLs fetched through the API pass
//! `openssl verify -crl_check` (a revoked certificate fails with error 23), and
//! `openssl ocsp` against `/ext/{caTag}/ocsp` reports good and revoked.

mod emulator_support;

use std::path::Path;

use base64::Engine as _;
use emulator_support::{Api, Emu, openssl, tag_of};
use serde_json::json;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

struct Pki {
    root: String,
    sub: String,
    good: String,
    revoked: String,
}

/// Root → sub (signed at creation) → two leaves, one revoked; OCSP configured on the sub.
async fn build(api: &Api, base: &str, key_type: &str, prefix: &str) -> Pki {
    let root = api
        .post(
            "/api/v1/ca?caType=PRIVATE_ROOT",
            json!({"alias": format!("{prefix}-root"), "keyType": key_type, "period": "MAX",
                   "x509Parameters": {"commonName": format!("{prefix} Root"), "country": "KR"}}),
        )
        .await
        .ok();
    let root_tag = tag_of(&root);
    let sub = api
        .post(
            &format!("/api/v1/ca?caType=PRIVATE_SUB&issuerTag={root_tag}"),
            json!({"alias": format!("{prefix}-sub"), "keyType": key_type, "period": "365",
                   "x509Parameters": {"commonName": format!("{prefix} Issuing")}}),
        )
        .await
        .ok();
    let sub_tag = tag_of(&sub);
    api.put(
        &format!("/api/v1/ca/{sub_tag}/urls"),
        json!({"ocsp_servers": format!("{base}/ext/{sub_tag}/ocsp")}),
    )
    .await
    .ok();
    let cert_path = format!("/api/v1/ca/{sub_tag}/cert");
    let issue = |cn: &'static str| {
        api.post(
            &cert_path,
            json!({"keyType": key_type, "period": "30",
                   "x509Parameters": {"commonName": cn, "altName": cn, "ip": "127.0.0.1"}}),
        )
    };
    let good = issue("good.example.com").await.ok();
    let bad = issue("revoked.example.com").await.ok();
    let serial = bad["serialNo"].as_str().unwrap();
    api.post_empty(&format!("/api/v1/ca/{sub_tag}/cert/{serial}/revoke"))
        .await
        .ok();
    Pki {
        root: root_tag,
        sub: sub_tag,
        good: good["certificate"].as_str().unwrap().to_owned(),
        revoked: bad["certificate"].as_str().unwrap().to_owned(),
    }
}

async fn check(api: &Api, base: &str, dir: &Path, pki: &Pki) {
    // Everything comes through the API: chain, CA certificates, CRLs.
    let chain = api.get(&format!("/api/v1/ca/{}/chain", pki.sub)).await.ok();
    let chain = chain.as_str().unwrap();
    let root = api.ca(&pki.root).await.ok()["caCertInfo"]["certPem"]
        .as_str()
        .unwrap()
        .to_owned();
    let sub = api.ca(&pki.sub).await.ok()["caCertInfo"]["certPem"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(chain, format!("{sub}{root}"));
    let sub_crl = api.get(&format!("/api/v1/ca/{}/crl", pki.sub)).await.ok();
    let root_crl = api.get(&format!("/api/v1/ca/{}/crl", pki.root)).await.ok();
    write(dir, "root.pem", &root);
    write(dir, "sub.pem", &sub);
    write(dir, "chain.pem", chain);
    write(dir, "crl.pem", sub_crl.as_str().unwrap());
    write(
        dir,
        "crls.pem",
        &format!(
            "{}{}",
            sub_crl.as_str().unwrap(),
            root_crl.as_str().unwrap()
        ),
    );
    write(dir, "good.pem", &pki.good);
    write(dir, "revoked.pem", &pki.revoked);

    let verify = |leaf: &str, all: bool| {
        let (flag, crls) = if all {
            ("-crl_check_all", "crls.pem")
        } else {
            ("-crl_check", "crl.pem")
        };
        openssl(
            dir,
            &[
                "verify",
                "-x509_strict",
                flag,
                "-CAfile",
                "root.pem",
                "-untrusted",
                "sub.pem",
                "-CRLfile",
                crls,
                leaf,
            ],
        )
    };
    for all in [false, true] {
        let (ok, out) = verify("good.pem", all);
        assert!(ok && out.contains("good.pem: OK"), "{out}");
        let (ok, out) = verify("revoked.pem", all);
        assert!(!ok, "{out}");
        assert!(
            out.contains("error 23") && out.contains("certificate revoked"),
            "{out}"
        );
    }
    // The sub CA itself chains to the root and passes the root's CRL.
    let (ok, out) = openssl(
        dir,
        &[
            "verify",
            "-crl_check",
            "-CAfile",
            "root.pem",
            "-CRLfile",
            "crls.pem",
            "sub.pem",
        ],
    );
    assert!(ok, "{out}");

    // Extensions of the leaf: SANs, EKU, CRL DP and AIA pointing at the emulator.
    let (ok, text) = openssl(dir, &["x509", "-in", "good.pem", "-noout", "-text"]);
    assert!(ok, "{text}");
    for needle in [
        "DNS:good.example.com",
        "IP Address:127.0.0.1",
        "TLS Web Server Authentication",
        "TLS Web Client Authentication",
        &format!("URI:{base}/ext/{}/crl", pki.sub),
        &format!("OCSP - URI:{base}/ext/{}/ocsp", pki.sub),
        &format!("CA Issuers - URI:{base}/ext/{}/ca", pki.sub),
        "CA:FALSE",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
    // The DER CRL at the distribution point is the same CRL.
    let (ok, text) = openssl(dir, &["crl", "-in", "crl.pem", "-noout", "-text"]);
    assert!(ok, "{text}");
    assert!(text.contains("Next Update"), "{text}");

    // OCSP over HTTP POST, as `openssl ocsp -url` does it.
    let url = format!("{base}/ext/{}/ocsp", pki.sub);
    let ocsp = |leaf: &str| {
        openssl(
            dir,
            &[
                "ocsp",
                "-issuer",
                "sub.pem",
                "-cert",
                leaf,
                "-url",
                &url,
                "-CAfile",
                "chain.pem",
                "-resp_text",
            ],
        )
    };
    let (ok, out) = ocsp("good.pem");
    assert!(ok, "{out}");
    assert!(out.contains("Response verify OK"), "{out}");
    assert!(out.contains("good.pem: good"), "{out}");
    let (ok, out) = ocsp("revoked.pem");
    assert!(ok, "{out}");
    assert!(out.contains("Response verify OK"), "{out}");
    assert!(out.contains("revoked.pem: revoked"), "{out}");
    // A serial this CA never issued is unknown; a request naming another CA (the sub CA's
    // own certificate, issued by the root) is not this responder's business.
    let (ok, out) = openssl(
        dir,
        &[
            "ocsp",
            "-issuer",
            "sub.pem",
            "-serial",
            "0x0102030405",
            "-url",
            &url,
            "-CAfile",
            "chain.pem",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("0x0102030405: unknown"), "{out}");
    let (_, out) = openssl(
        dir,
        &[
            "ocsp",
            "-issuer",
            "sub.pem",
            "-cert",
            "sub.pem",
            "-url",
            &url,
            "-CAfile",
            "chain.pem",
        ],
    );
    assert!(out.contains("unauthorized"), "{out}");

    // OCSP over HTTP GET (RFC 6960 A.1): base64 of the DER request in the path.
    let (ok, out) = openssl(
        dir,
        &[
            "ocsp",
            "-issuer",
            "sub.pem",
            "-cert",
            "revoked.pem",
            "-no_nonce",
            "-reqout",
            "req.der",
        ],
    );
    assert!(ok, "{out}");
    let req = std::fs::read(dir.join("req.der")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(req);
    let encoded = pca::api::uri::encode_query_component(&b64);
    let resp = api
        .raw(
            "GET",
            &format!("/ext/{}/ocsp/{encoded}", pki.sub),
            &[],
            vec![],
        )
        .await;
    assert_eq!(resp.status, 200);
    std::fs::write(dir.join("resp.der"), &resp.body).unwrap();
    let (ok, out) = openssl(
        dir,
        &[
            "ocsp",
            "-respin",
            "resp.der",
            "-issuer",
            "sub.pem",
            "-cert",
            "revoked.pem",
            "-CAfile",
            "chain.pem",
            "-no_nonce",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("revoked.pem: revoked"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_accepts_ec_chains_crls_and_ocsp() {
    let emu = Emu::start().await;
    let dir = tempfile::tempdir().unwrap();
    let pki = build(&emu.api, emu.base(), "EC256", "ec").await;
    check(&emu.api, emu.base(), dir.path(), &pki).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_accepts_rsa_chains_crls_and_ocsp() {
    let emu = Emu::start().await;
    let dir = tempfile::tempdir().unwrap();
    let pki = build(&emu.api, emu.base(), "RSA2048", "rsa").await;
    check(&emu.api, emu.base(), dir.path(), &pki).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_accepts_manually_activated_sub_cas() {
    // PENDING → Get Sub CSR → Sign Sub Csr (by the root) → Activate Sub CA, then a leaf.
    let emu = Emu::start().await;
    let api = &emu.api;
    let dir = tempfile::tempdir().unwrap();
    let root = tag_of(&api.create_root("man-root").await);
    let sub = tag_of(&api.create_sub("man-sub", None, "100").await.ok());
    let csr = api.get(&format!("/api/v1/ca/{sub}/sub/csr")).await.ok();
    let signed = api
        .post(
            &format!("/api/v1/ca/{root}/sub/sign"),
            json!({"period": "50", "csrPem": csr["csrPem"]}),
        )
        .await
        .ok();
    api.post(
        &format!("/api/v1/ca/{sub}/activate"),
        json!({"certPem": signed["certificate"], "caChainPem": signed["issuer"]}),
    )
    .await
    .ok();
    let leaf = api.issue(&sub, "manual.example.com").await;
    write(dir.path(), "root.pem", signed["issuer"].as_str().unwrap());
    write(
        dir.path(),
        "sub.pem",
        signed["certificate"].as_str().unwrap(),
    );
    write(
        dir.path(),
        "leaf.pem",
        leaf["certificate"].as_str().unwrap(),
    );
    let crl = api.get(&format!("/api/v1/ca/{sub}/crl")).await.ok();
    write(dir.path(), "crl.pem", crl.as_str().unwrap());
    let (ok, out) = openssl(
        dir.path(),
        &[
            "verify",
            "-crl_check",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "sub.pem",
            "-CRLfile",
            "crl.pem",
            "leaf.pem",
        ],
    );
    assert!(ok, "{out}");
    // Deleting the root cascades to the activated sub CA.
    api.put(
        &format!("/api/v1/ca/{root}"),
        json!({"status": "DESTROYING"}),
    )
    .await
    .ok();
    api.delete(&format!("/api/v1/ca/{root}")).await.ok();
    api.ca(&sub).await.err(400, "NOT_FOUND");
}
