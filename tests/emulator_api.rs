//! The emulator serves all 24 operations: a contract test over `api::ops::ALL`, and the happy
//! path of every operation through signed HTTP requests against an in-process emulator.

mod emulator_support;

use emulator_support::{Api, Emu, tag_of};
use pca::api::model::{
    CaRecord, GetCaListResponse, GetEndCertResponse, IssueEndCertResponse, SignEndCsrResponse,
    UpdateCaResponse,
};
use pca::api::ops;
use serde_json::{Value, json};

fn csr(cn: &str, sans: &[&str]) -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params =
        rcgen::CertificateParams::new(sans.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.serialize_request(&key).unwrap().pem().unwrap()
}

#[tokio::test]
async fn contract_every_operation_is_routed() {
    let emu = Emu::start().await;
    for op in ops::ALL {
        assert!(pca::emulator::serves(op), "{}", op.name);
        let params: Vec<(&str, &str)> = op
            .path_params()
            .into_iter()
            .map(|p| match p {
                "caTag" => ("caTag", "00000000-00000000"),
                "serialNo" => ("serialNo", "01:02"),
                _ => ("idNo", "6e4c1234-5678-90ab-cdef-1234567a9baa"),
            })
            .collect();
        let path = op.path_for(&params).unwrap();
        // Body-taking operations get `{}` (an empty body is row 16).
        let body = matches!(op.method, pca::api::Method::Post | pca::api::Method::Put)
            .then(|| serde_json::json!({}));
        let r = emu.api.send(op.method.as_str(), &path, body).await;
        // Every operation answers with the PCA envelope (an unrouted request would be a
        // NOT_FOUND "no operation" detail).
        let detail = r
            .headers
            .get(pca::emulator::error::DETAIL_HEADER)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(!detail.starts_with("no operation"), "{}: {detail}", op.name);
        assert!(r.json().get("code").is_some(), "{}: {:?}", op.name, r.body);
        if op.path_params().contains(&"caTag") {
            // Row 68: HTTP 400 `The CA doesn't exist.` (the catalogue has no 404).
            r.err(400, "NOT_FOUND");
            assert_eq!(r.json()["msg"], "The CA doesn't exist.", "{}", op.name);
        }
    }
    // No operation at this path: the gateway's 404, not a service envelope.
    let r = emu.api.get("/api/v1/nothing/here").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["errorCode"], "300");
}

#[tokio::test]
async fn every_operation_happy_path() {
    let emu = Emu::start().await;
    let api = &emu.api;

    // §2.1 Create CA: a root, a sub signed at once, a sub pending direct signing.
    let root = api.create_root("corp-root").await;
    let record: CaRecord = serde_json::from_value(root.clone()).unwrap();
    let info = record.ca_info.unwrap();
    let cert = record.ca_cert_info.unwrap();
    assert_eq!(info.status.unwrap().as_str(), "ACTIVE");
    assert_eq!(info.ca_type.unwrap().as_str(), "PRIVATE_ROOT");
    assert_eq!(info.signing_count, Some(0));
    assert_eq!(info.destroy_date, None);
    assert_eq!(root["caInfo"]["destroyDate"], Value::Null);
    let root_tag = tag_of(&root);
    assert_eq!(root_tag.len(), 17);
    assert_eq!(
        info.url_info.as_ref().unwrap().crl,
        [format!("{}/ext/{root_tag}/crl", emu.base())]
    );
    assert!(info.url_info.unwrap().ocsp.is_empty());
    assert_eq!(cert.common_name.as_deref(), Some("corp-root Root CA"));
    assert_eq!(cert.country.as_deref(), Some("KR"));
    assert_eq!(cert.organization.as_deref(), Some("Test Org"));
    assert_eq!(cert.public_key_algorithm.as_deref(), Some("EC"));
    assert_eq!(cert.signature_algorithm.as_deref(), Some("SHA256WITHECDSA"));
    assert_eq!(cert.serial_no.as_ref().unwrap().as_str().len(), 59);
    let days = (cert.not_after_date.unwrap() - cert.not_before_date.unwrap()) / 86_400_000;
    assert_eq!(days, 3650);
    let root_pem = cert.cert_pem.unwrap();
    assert_eq!(cert.chain_pem.as_deref(), Some(root_pem.as_str()));

    let sub = api
        .create_sub("corp-sub", Some(&root_tag), "365")
        .await
        .ok();
    let sub_tag = tag_of(&sub);
    assert_eq!(sub["caInfo"]["status"], "ACTIVE");
    assert_eq!(sub["caInfo"]["caType"], "PRIVATE_SUB");
    assert_eq!(sub["caCertInfo"]["issuerName"], "corp-root Root CA");
    let sub_chain = sub["caCertInfo"]["chainPem"].as_str().unwrap();
    assert_eq!(sub_chain.matches("BEGIN CERTIFICATE").count(), 2);
    assert!(sub_chain.ends_with(&root_pem));
    assert_eq!(api.ca(&root_tag).await.ok()["caInfo"]["signingCount"], 1);

    let pending = api.create_sub("manual-sub", None, "365").await.ok();
    let pending_tag = tag_of(&pending);
    assert_eq!(pending["caInfo"]["status"], "PENDING");
    assert_eq!(pending["caCertInfo"], Value::Null);

    // §2.2 Get CA List.
    let list: GetCaListResponse =
        serde_json::from_slice(&api.get("/api/v1/ca?pageNo=1").await.body).unwrap();
    let data = list.data.unwrap();
    assert_eq!(data.total_cnt, Some(3));
    assert_eq!(
        (data.current_page_no, data.total_page_no),
        (Some(1), Some(1))
    );
    let tags: Vec<String> = data
        .ca_info_list
        .iter()
        .map(|r| {
            r.ca_info
                .as_ref()
                .unwrap()
                .ca_tag
                .as_ref()
                .unwrap()
                .0
                .clone()
        })
        .collect();
    assert_eq!(
        tags,
        [root_tag.clone(), sub_tag.clone(), pending_tag.clone()]
    );
    assert_eq!(api.get("/api/v1/ca").await.ok()["totalCnt"], 3);

    // §2.3 Get CA.
    assert_eq!(
        api.ca(&root_tag).await.ok()["caCertInfo"]["certPem"],
        root_pem
    );

    // §2.8 Get Sub CSR, §2.9 Sign Sub Csr (by the root), §2.10 Activate Sub CA.
    let csr_pem = api
        .get(&format!("/api/v1/ca/{pending_tag}/sub/csr"))
        .await
        .ok()["csrPem"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(csr_pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    let again = api
        .get(&format!("/api/v1/ca/{pending_tag}/sub/csr"))
        .await
        .ok();
    assert_eq!(again["csrPem"], csr_pem, "the CSR is stable across reads");
    let signed = api
        .post(
            &format!("/api/v1/ca/{root_tag}/sub/sign"),
            json!({"period": "100", "csrPem": csr_pem}),
        )
        .await
        .ok();
    assert_eq!(signed["issuer"], root_pem);
    assert_eq!(signed["caChain"], json!([root_pem]));
    assert_eq!(signed["ocspResponder"], "");
    let chain: String = signed["caChain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let activated = api
        .post(
            &format!("/api/v1/ca/{pending_tag}/activate"),
            json!({"certPem": signed["certificate"], "caChainPem": chain}),
        )
        .await
        .ok();
    assert_eq!(activated["caInfo"]["status"], "ACTIVE");
    assert_eq!(activated["caCertInfo"]["serialNo"], signed["serialNo"]);
    assert_eq!(api.ca(&root_tag).await.ok()["caInfo"]["signingCount"], 2);

    // §2.6 Get CA Chain.
    let chain = api.get(&format!("/api/v1/ca/{sub_tag}/chain")).await.ok();
    assert_eq!(chain, sub_chain);

    // §2.19 Create OCSP (before issuing, so the AIA carries it).
    let ocsp_url = format!("{}/ext/{sub_tag}/ocsp", emu.base());
    assert_eq!(
        api.put(
            &format!("/api/v1/ca/{sub_tag}/urls"),
            json!({"ocsp_servers": ocsp_url})
        )
        .await
        .ok(),
        Value::Null
    );
    assert_eq!(
        api.ca(&sub_tag).await.ok()["caInfo"]["urlInfo"]["ocsp"],
        json!([ocsp_url])
    );

    // §2.11 Issue End Cert.
    let issued: IssueEndCertResponse = serde_json::from_slice(
        &api.post(
            &format!("/api/v1/ca/{sub_tag}/cert"),
            json!({"keyType": "EC256", "period": "30",
                   "x509Parameters": {"commonName": "svc.example.com",
                                      "altName": "svc.example.com,alt.example.com",
                                      "ip": "10.0.0.1", "organization": "Org",
                                      "country": "KR"}}),
        )
        .await
        .body,
    )
    .unwrap();
    let issued = issued.data.unwrap();
    assert!(
        issued
            .private_key
            .as_deref()
            .unwrap()
            .contains("PRIVATE KEY")
    );
    let serial = issued.serial_no.clone().unwrap().0;
    assert!(pca::api::model::SerialNo(serial.clone()).is_well_formed());
    assert_eq!(issued.ocsp_responder.as_deref(), Some(ocsp_url.as_str()));
    assert_eq!(
        issued.ca_chain.as_ref().unwrap().concatenated(),
        sub_chain,
        "caChain is the CA's chain as one string"
    );
    assert_eq!(
        issued.issuer.as_deref(),
        sub["caCertInfo"]["certPem"].as_str()
    );

    // Defaults: no keyType (RSA2048), no period (MAX, capped at the CA's notAfter).
    let default = api
        .post(
            &format!("/api/v1/ca/{sub_tag}/cert"),
            json!({"x509Parameters": {"commonName": "name000"}}),
        )
        .await
        .ok();
    let default_serial = default["serialNo"].as_str().unwrap().to_owned();
    let got = api
        .get(&format!("/api/v1/ca/{sub_tag}/cert/{default_serial}"))
        .await
        .ok();
    assert_eq!(got["publicKeyAlgorithm"], "RSA");
    assert_eq!(
        got["notAfterDate"], sub["caCertInfo"]["notAfterDate"],
        "MAX is capped at the CA's validity"
    );

    // §2.12 Sign End Csr (subject and SANs kept; period from the query).
    let csr = csr(
        "csr.example.com",
        &["csr.example.com", "www.csr.example.com"],
    );
    let signed: SignEndCsrResponse = serde_json::from_slice(
        &api.post(
            &format!("/api/v1/ca/{sub_tag}/cert/sign?period=10"),
            json!({ "csrPem": csr }),
        )
        .await
        .body,
    )
    .unwrap();
    let signed = signed.data.unwrap();
    assert_eq!(signed.ca_chain.as_ref().unwrap().pem_blocks().len(), 2);
    let csr_serial = signed.serial_no.clone().unwrap().0;
    let got: GetEndCertResponse = serde_json::from_slice(
        &api.get(&format!("/api/v1/ca/{sub_tag}/cert/{csr_serial}"))
            .await
            .body,
    )
    .unwrap();
    let got = got.data.unwrap();
    assert_eq!(got.common_name.as_deref(), Some("csr.example.com"));
    assert_eq!(
        (got.not_after_date.unwrap() - got.not_before_date.unwrap()) / 86_400_000,
        10
    );

    // The undocumented `csrPemDer` (Base64 DER) works when `csrPem` is absent.
    let der_b64: String = csr.lines().filter(|l| !l.starts_with("-----")).collect();
    let by_der = api
        .post(
            &format!("/api/v1/ca/{sub_tag}/cert/sign"),
            json!({"csrPemDer": der_b64, "period": "5"}),
        )
        .await
        .ok();
    let der_serial = by_der["serialNo"].as_str().unwrap().to_owned();
    api.post_empty(&format!("/api/v1/ca/{sub_tag}/cert/{der_serial}/revoke"))
        .await
        .ok();

    // §2.13 Get End Cert List, §2.14 Get End Cert (colons escaped or not, any case).
    let list = api.get(&format!("/api/v1/ca/{sub_tag}/cert")).await.ok();
    assert_eq!(list["totalCnt"], 4);
    assert_eq!(
        list["listCerts"],
        json!([serial, default_serial, csr_serial, der_serial])
    );
    let got = api
        .get(&format!("/api/v1/ca/{sub_tag}/cert/{serial}"))
        .await
        .ok();
    assert_eq!(got["commonName"], "svc.example.com");
    assert_eq!(got["certPem"], issued.certificate.clone().unwrap());
    assert_eq!(got["ocspResponder"], ocsp_url);
    assert_eq!(got["signatureAlgorithm"], "SHA256WITHECDSA");
    let escaped = serial.to_uppercase().replace(':', "%3A");
    assert_eq!(
        api.get(&format!("/api/v1/ca/{sub_tag}/cert/{escaped}"))
            .await
            .ok()["serialNo"],
        serial
    );
    // Sub CA certificates appear in the parent's list.
    assert_eq!(
        api.get(&format!("/api/v1/ca/{root_tag}/cert")).await.ok()["totalCnt"],
        2
    );

    // §2.15 Revoke End Cert (idempotent), §2.7 Get CA CRL.
    let crl_before = api.get(&format!("/api/v1/ca/{sub_tag}/crl")).await.ok();
    assert!(
        crl_before
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN X509 CRL-----")
    );
    for _ in 0..2 {
        api.post_empty(&format!("/api/v1/ca/{sub_tag}/cert/{serial}/revoke"))
            .await
            .ok();
    }
    let crl_after = api.get(&format!("/api/v1/ca/{sub_tag}/crl")).await.ok();
    assert_ne!(crl_before, crl_after, "revocation rebuilds the CRL");
    assert_eq!(
        crl_after,
        api.get(&format!("/api/v1/ca/{sub_tag}/crl")).await.ok(),
        "the CRL is stable between changes"
    );

    // §2.21 Get CRL Config, §2.22 Update CRL Config, §2.23 Rotate CRL.
    let cfg = format!("/api/v1/ca/{sub_tag}/crl/config");
    // Never set: row 67, HTTP 400 `The crl configuration doesn't exist.`
    let unset = api.get(&cfg).await;
    unset.err(400, "NOT_FOUND");
    assert_eq!(unset.json()["msg"], "The crl configuration doesn't exist.");
    assert_eq!(
        api.put(&cfg, json!({"expiry": "5"})).await.ok(),
        json!({"expiry": "5"})
    );
    assert_eq!(api.get(&cfg).await.ok(), json!({"expiry": "5"}));
    assert_eq!(
        api.put(&cfg, json!({"expiry": 7})).await.ok(),
        json!({"expiry": "7"})
    );
    assert_eq!(
        api.post_empty(&format!("/api/v1/ca/{sub_tag}/crl/rotate"))
            .await
            .ok(),
        Value::Null
    );
    let rotated = api.get(&format!("/api/v1/ca/{sub_tag}/crl")).await.ok();
    assert_ne!(rotated, crl_after);

    // §2.24 Trim CA (nothing expired yet: the list stays).
    assert_eq!(
        api.post_empty(&format!("/api/v1/ca/{sub_tag}/trim"))
            .await
            .ok(),
        Value::Null
    );
    assert_eq!(
        api.get(&format!("/api/v1/ca/{sub_tag}/cert")).await.ok()["totalCnt"],
        4
    );

    // §2.20 Delete OCSP.
    api.delete(&format!("/api/v1/ca/{sub_tag}/urls")).await.ok();
    assert_eq!(
        api.ca(&sub_tag).await.ok()["caInfo"]["urlInfo"]["ocsp"],
        json!([])
    );

    // §2.16–2.18 CA users.
    let users = format!("/api/v1/ca/{sub_tag}/users");
    let id = "6e4c1234-5678-90ab-cdef-1234567a9baa";
    let id2 = "11111111-2222-3333-4444-555555555555";
    api.post(&users, json!({ "idNo": id })).await.ok();
    api.post(&users, json!({ "idNo": id2 })).await.ok();
    api.post(&users, json!({ "idNo": id })).await.ok();
    let listed = api.get(&users).await.ok();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["idNo"], id);
    assert_eq!(listed[0]["loginId"], "subaccount-6e4c1234");
    assert!(listed[0]["mbrNo"].is_u64());
    api.delete(&format!("{users}/{id}")).await.ok();
    assert_eq!(
        api.get(&users).await.ok(),
        json!([{
        "loginId": "subaccount-11111111", "mbrNo": listed[1]["mbrNo"], "idNo": id2}])
    );

    // §2.4 Update CA: memo, DEACTIVATED, ACTIVE, DESTROYING; §2.5 Delete CA (cascade).
    let upd: UpdateCaResponse = serde_json::from_slice(
        &api.put(
            &format!("/api/v1/ca/{root_tag}"),
            json!({"status": "DEACTIVATED", "memo": "paused"}),
        )
        .await
        .body,
    )
    .unwrap();
    let upd = upd.data.unwrap();
    assert_eq!(
        upd.ca_info().unwrap().status.as_ref().unwrap().as_str(),
        "DEACTIVATED"
    );
    assert_eq!(upd.ca_info().unwrap().memo.as_deref(), Some("paused"));
    assert!(upd.ca_cert_info().is_some());
    api.put(
        &format!("/api/v1/ca/{root_tag}"),
        json!({"status": "ACTIVE"}),
    )
    .await
    .ok();
    let destroying = api
        .put(
            &format!("/api/v1/ca/{root_tag}"),
            json!({"status": "DESTROYING"}),
        )
        .await
        .ok();
    let dd = destroying["caInfo"]["destroyDate"].as_i64().unwrap();
    let su = destroying["caInfo"]["statusUpdateDate"].as_i64().unwrap();
    assert_eq!(dd - su, 72 * 3_600_000);
    assert_eq!(
        api.delete(&format!("/api/v1/ca/{root_tag}")).await.ok(),
        Value::Null
    );
    for tag in [&root_tag, &sub_tag, &pending_tag] {
        api.ca(tag).await.err(400, "NOT_FOUND");
    }
    assert_eq!(api.get("/api/v1/ca").await.ok()["totalCnt"], 0);
}

#[tokio::test]
async fn public_endpoints_serve_der() {
    let emu = Emu::start().await;
    let root = emu.api.create_root("pubroot").await;
    let tag = tag_of(&root);
    let plain = Api::with_keys(emu.base(), "nobody", "nothing");
    let crl = plain
        .raw("GET", &format!("/ext/{tag}/crl"), &[], vec![])
        .await;
    assert_eq!(crl.status, 200);
    assert_eq!(crl.headers["content-type"], "application/pkix-crl");
    assert_eq!(crl.body[0], 0x30);
    let ca = plain
        .raw("GET", &format!("/ext/{tag}/ca"), &[], vec![])
        .await;
    assert_eq!(ca.status, 200);
    assert_eq!(ca.headers["content-type"], "application/pkix-cert");
    // No responder before Create OCSP.
    let ocsp = plain
        .raw("POST", &format!("/ext/{tag}/ocsp"), &[], vec![0x30, 0])
        .await;
    assert_eq!(ocsp.status, 404);
    emu.api
        .put(
            &format!("/api/v1/ca/{tag}/urls"),
            json!({"ocsp_servers": format!("{}/ext/{tag}/ocsp", emu.base())}),
        )
        .await
        .ok();
    let ocsp = plain
        .raw("POST", &format!("/ext/{tag}/ocsp"), &[], vec![0x30, 0])
        .await;
    assert_eq!(ocsp.status, 200);
    assert_eq!(ocsp.headers["content-type"], "application/ocsp-response");
    // malformedRequest(1)
    assert_eq!(&ocsp.body[..], &[0x30, 0x03, 0x0a, 0x01, 0x01]);
    let missing = plain
        .raw("GET", "/ext/00000000-00000000/crl", &[], vec![])
        .await;
    assert_eq!(missing.status, 404);
}
