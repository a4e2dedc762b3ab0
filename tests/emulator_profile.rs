//! Issue End Cert's certificate-profile members (§2.11): URI and other-name SANs, postal
//! code, key usages and extended key usages are written exactly as asked (read back with
//! x509-parser and `openssl x509 -text`); bad URIs and other names are the catalogue's rows
//! 45 (`Invalid uir.`) and 46 (`Invalid other.`), HTTP 400, changing nothing; Sign End Csr
//! keeps a CSR's URI and other-name SANs.

mod emulator_support;

use emulator_support::{Emu, snapshot, tag_of};
use serde_json::json;
use x509_parser::prelude::*;

fn der_of(pem: &str) -> Vec<u8> {
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("PEM");
    p.contents
}

fn openssl_text(pem: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pem");
    std::fs::write(&path, pem).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&path)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn issue_end_cert_writes_exactly_the_requested_profile() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("profiles").await);
    let cert = format!("/api/v1/ca/{tag}/cert");
    let body = json!({"keyType": "EC256", "period": "10", "x509Parameters": {
        "commonName": "api",
        "postalCode": "13561",
        "uri": "spiffe://corp.example/ns/prod/sa/api, urn:uuid:7f9c2ba4-e88f-11e9-81b4-2a2ae2dbcce4",
        "other": "1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example",
        "keyUsage": ["DigitalSignature", "KeyAgreement"],
        "extendedKeyUsage": ["ClientAuth"],
    }});
    let data = api.post(&cert, body).await.ok();
    let pem = data["certificate"].as_str().unwrap().to_owned();
    let der = der_of(&pem);
    let (_, c) = X509Certificate::from_der(&der).unwrap();
    let postal = c
        .subject()
        .iter_attributes()
        .find(|a| a.attr_type().to_id_string() == "2.5.4.17")
        .and_then(|a| a.as_str().ok().map(str::to_owned));
    assert_eq!(postal.as_deref(), Some("13561"));
    let san = c.subject_alternative_name().unwrap().unwrap();
    let names: Vec<String> = san
        .value
        .general_names
        .iter()
        .map(|g| match g {
            GeneralName::URI(u) => format!("URI:{u}"),
            GeneralName::OtherName(oid, _) => format!("other:{oid}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "URI:spiffe://corp.example/ns/prod/sa/api",
            "URI:urn:uuid:7f9c2ba4-e88f-11e9-81b4-2a2ae2dbcce4",
            "other:1.3.6.1.4.1.311.20.2.3",
        ]
    );
    let ku = c.key_usage().unwrap().unwrap().value;
    assert!(ku.digital_signature() && ku.key_agreement());
    assert!(!ku.key_encipherment() && !ku.non_repudiation());
    let eku = c.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.client_auth && !eku.server_auth && eku.other.is_empty());
    let text = openssl_text(&pem);
    assert!(text.contains("Digital Signature, Key Agreement"), "{text}");
    assert!(text.contains("TLS Web Client Authentication"), "{text}");
    assert!(!text.contains("TLS Web Server Authentication"), "{text}");
    assert!(
        text.contains("URI:spiffe://corp.example/ns/prod/sa/api"),
        "{text}"
    );
    assert!(text.contains("alice@corp.example"), "{text}");

    // Without the new members, the profile is today's: server and client authentication.
    let data = api
        .post(
            &cert,
            json!({"keyType": "EC256", "period": "10", "x509Parameters": {"commonName": "plain"}}),
        )
        .await
        .ok();
    let der = der_of(data["certificate"].as_str().unwrap());
    let (_, c) = X509Certificate::from_der(&der).unwrap();
    let eku = c.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth && eku.client_auth);
    assert!(c.key_usage().unwrap().unwrap().value.digital_signature());
}

#[tokio::test]
async fn bad_uris_and_other_names_are_rows_45_and_46() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("rows").await);
    let cert = format!("/api/v1/ca/{tag}/cert");
    let before = snapshot(api).await;
    let p = |extra: serde_json::Value| {
        let mut params = json!({"commonName": "c"});
        for (k, v) in extra.as_object().unwrap() {
            params[k] = v.clone();
        }
        json!({"keyType": "EC256", "period": "10", "x509Parameters": params})
    };
    for uri in [
        "no-scheme",
        "spiffe://corp.example:8443/api",
        "spiffe://corp.example/a?b",
        "https://a b",
    ] {
        let r = api.post(&cert, p(json!({ "uri": uri }))).await;
        assert_eq!((r.status, r.msg().as_str()), (400, "Invalid uir."), "{uri}");
    }
    for other in [
        "1.2.3:x",
        "upn;UTF8:alice",
        "1.3.6.1.4.1.311.20.2.3;INTEGER:5",
        "1.2.3;UTF8:",
    ] {
        let r = api.post(&cert, p(json!({ "other": other }))).await;
        assert_eq!(
            (r.status, r.msg().as_str()),
            (400, "Invalid other."),
            "{other}"
        );
    }
    assert_eq!(
        snapshot(api).await,
        before,
        "refused requests change nothing"
    );
}

#[tokio::test]
async fn sign_end_csr_keeps_uri_and_other_name_sans() {
    let emu = Emu::start().await;
    let api = &emu.api;
    let tag = tag_of(&api.create_root("csrsans").await);
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "workload");
    params.subject_alt_names = vec![
        rcgen::SanType::URI("spiffe://corp.example/ns/prod/sa/web".try_into().unwrap()),
        rcgen::SanType::OtherName((
            vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3],
            "bob@corp.example".into(),
        )),
    ];
    let csr = params.serialize_request(&key).unwrap().pem().unwrap();
    let data = api
        .post(
            &format!("/api/v1/ca/{tag}/cert/sign"),
            json!({ "csrPem": csr }),
        )
        .await
        .ok();
    let text = openssl_text(data["certificate"].as_str().unwrap());
    assert!(
        text.contains("URI:spiffe://corp.example/ns/prod/sa/web"),
        "{text}"
    );
    assert!(text.contains("bob@corp.example"), "{text}");
}
