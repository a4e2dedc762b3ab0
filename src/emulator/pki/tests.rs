//! Unit tests of the PKI engine (pure Rust; the openssl cross-checks live in
//! `tests/emulator_pki.rs`). EC P-256 keys unless a test is about key types.

use std::net::IpAddr;

use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_ocsp::ext::Nonce;
use x509_ocsp::{BasicOcspResponse, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use super::*;
use crate::api::model::KeyType;

/// 2024-07-16T04:46:52Z, the spec's example `rgstDate`.
const NOW: i64 = 1_721_105_212_000;
const DAY: i64 = 86_400_000;

fn ec() -> CaKey {
    CaKey::generate(KeyType::Ec256).unwrap()
}

struct Ca {
    key: CaKey,
    cert: Issued,
}

impl Ca {
    fn issuer(&self) -> Issuer<'_> {
        Issuer {
            cert_pem: &self.cert.pem,
            key: &self.key,
        }
    }
}

fn root(cn: &str, days: u32) -> Ca {
    let key = ec();
    let cert = self_signed_root(
        &key,
        &Subject::with_common_name(cn),
        &Sans::default(),
        days,
        &new_serial().unwrap(),
        NOW,
    )
    .unwrap();
    Ca { key, cert }
}

fn sub(parent: &Ca, cn: &str, days: u32) -> Ca {
    let key = ec();
    let csr = sub_ca_csr(&key, &Subject::with_common_name(cn), &Sans::default()).unwrap();
    let cert = sign_sub_ca(
        &parent.issuer(),
        &csr,
        days,
        &new_serial().unwrap(),
        &urls("p"),
        NOW,
    )
    .unwrap();
    Ca { key, cert }
}

fn urls(tag: &str) -> Urls {
    Urls {
        crl: Some(format!("http://127.0.0.1:1/ext/{tag}/crl")),
        ocsp: Some(format!("http://127.0.0.1:1/ext/{tag}/ocsp")),
        ca_issuers: None,
    }
}

fn leaf(ca: &Ca, cn: &str) -> Issued {
    issue_end_cert(
        &ca.issuer(),
        &ec(),
        &Subject::with_common_name(cn),
        &Sans::parse(Some(cn), None).unwrap(),
        30,
        &new_serial().unwrap(),
        &urls("s"),
        NOW,
    )
    .unwrap()
}

#[test]
fn serials_are_20_random_octets_in_lower_colon_hex() {
    let a = new_serial().unwrap();
    let b = new_serial().unwrap();
    assert_ne!(a, b);
    for s in [&a, &b] {
        assert_eq!(s.len(), 59, "{s}");
        let octets: Vec<&str> = s.split(':').collect();
        assert_eq!(octets.len(), SERIAL_LEN);
        assert!(
            s.bytes()
                .all(|c| c == b':' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        let first = u8::from_str_radix(octets[0], 16).unwrap();
        assert!((1..=0x7f).contains(&first), "{s}");
        assert_eq!(canonical_serial(s).unwrap(), *s);
    }
    assert_eq!(canonical_serial("00:8A:01").unwrap(), "8a:01");
    assert_eq!(canonical_serial("00:00").unwrap(), "00");
    for bad in [
        "",
        "1",
        "0g",
        "01:",
        "01::02",
        "01-02",
        &"01:".repeat(21)[..62],
    ] {
        assert!(
            matches!(canonical_serial(bad), Err(PkiError::BadInput(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn keys_round_trip_through_pkcs8_pem() {
    for kt in [KeyType::Ec256, KeyType::Ec521] {
        let k = CaKey::generate(kt.clone()).unwrap();
        assert_eq!(k.key_type(), kt);
        let pem = k.to_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        let back = CaKey::from_pem(&pem).unwrap();
        assert_eq!(back.key_type(), kt);
        assert_eq!(back.spki_der(), k.spki_der());
        assert_eq!(back.to_pem(), pem);
        let debug = format!("{k:?}");
        assert!(!debug.contains(&pem[28..60]), "{debug}");
        assert!(debug.contains(kt.as_str()), "{debug}");
    }
    assert!(matches!(
        CaKey::generate(KeyType::Unknown("DSA".into())),
        Err(PkiError::Unsupported(_))
    ));
    assert!(matches!(CaKey::from_pem("nope"), Err(PkiError::BadPem(_))));
    let ec_label = ec().to_pem().replace("PRIVATE KEY", "EC PRIVATE KEY");
    assert!(matches!(
        CaKey::from_pem(&ec_label),
        Err(PkiError::BadPem(_))
    ));
}

#[test]
fn rsa2048_keys_round_trip() {
    let k = CaKey::generate(KeyType::Rsa2048).unwrap();
    let back = CaKey::from_pem(&k.to_pem()).unwrap();
    assert_eq!(back.key_type(), KeyType::Rsa2048);
    assert_eq!(back.spki_der(), k.spki_der());
}

#[test]
fn sans_parse_the_api_forms() {
    let s = Sans::parse(
        Some(" a.example.com, *.b.example.com ,ops@example.com,10.0.0.9,,"),
        Some("192.0.2.1, 2001:db8::1"),
    )
    .unwrap();
    assert_eq!(s.dns, ["a.example.com", "*.b.example.com"]);
    assert_eq!(s.emails, ["ops@example.com"]);
    let ips: Vec<IpAddr> = ["10.0.0.9", "192.0.2.1", "2001:db8::1"]
        .iter()
        .map(|i| i.parse().unwrap())
        .collect();
    assert_eq!(s.ips, ips);
    assert!(Sans::parse(None, Some("")).unwrap().is_empty());
    assert!(matches!(
        Sans::parse(None, Some("10.0.0.300")),
        Err(PkiError::BadIp(_))
    ));
    assert!(matches!(
        Sans::parse(Some("a b.example.com"), None),
        Err(PkiError::BadInput(_))
    ));
    assert!(matches!(
        Sans::parse(Some("é.example.com"), None),
        Err(PkiError::BadInput(_))
    ));
    assert_eq!(
        PkiError::BadIp("x".into()).api_code().as_str(),
        "INVALID_X509_IP"
    );
}

#[test]
fn root_is_a_self_signed_ca_with_the_requested_subject() {
    let key = ec();
    let serial = new_serial().unwrap();
    let subject = Subject {
        common_name: Some("Corp Root CA".into()),
        country: Some("KR".into()),
        state_province: Some("Gyeonggi-do".into()),
        locality: Some("Seongnam".into()),
        organization: Some("Corp".into()),
        organizational_unit: Some("Security".into()),
        street_address: None,
        postal_code: None,
    };
    let cert = self_signed_root(
        &key,
        &subject,
        &Sans::parse(Some("ca.example.com"), None).unwrap(),
        3650,
        &serial,
        NOW + 789,
    )
    .unwrap();
    assert_eq!(cert.serial, serial);
    assert_eq!(cert.not_before_ms, NOW);
    assert_eq!(cert.not_after_ms, NOW + 3650 * DAY);
    assert!(cert.pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert_eq!(pem_to_der(&cert.pem).unwrap(), cert.der);

    let info = cert_info(&cert.pem).unwrap();
    assert_eq!(info.serial, serial);
    assert_eq!(info.subject, subject);
    assert!(info.is_ca && info.self_issued);
    assert_eq!(info.path_len, None);
    assert_eq!(info.issuer_cn.as_deref(), Some("Corp Root CA"));
    assert_eq!(info.issuer_dn, info.subject_dn);
    assert_eq!(info.key_type, Some(KeyType::Ec256));
    assert_eq!(info.public_key_algorithm, "EC");
    assert_eq!(info.signature_algorithm, "SHA256WITHECDSA");
    assert_eq!(info.sans.dns, ["ca.example.com"]);
    assert_eq!(info.spki_der, key.spki_der());
    assert_eq!(
        (info.not_before_ms, info.not_after_ms),
        (cert.not_before_ms, cert.not_after_ms)
    );
}

#[test]
fn sub_ca_csr_is_valid_and_signing_keeps_its_subject() {
    let r = root("Root", 3650);
    let key = ec();
    let subject = Subject {
        organization: Some("Corp".into()),
        ..Subject::with_common_name("Issuing CA 1")
    };
    let csr = sub_ca_csr(
        &key,
        &subject,
        &Sans::parse(None, Some("10.1.2.3")).unwrap(),
    )
    .unwrap();
    assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    let info = parse_csr(&csr).unwrap();
    assert_eq!(info.subject, subject);
    assert_eq!(info.key_type, Some(KeyType::Ec256));
    assert_eq!(info.spki_der, key.spki_der());
    assert_eq!(info.sans.ips, ["10.1.2.3".parse::<IpAddr>().unwrap()]);

    let cert = sign_sub_ca(
        &r.issuer(),
        &csr,
        365,
        &new_serial().unwrap(),
        &urls("r"),
        NOW,
    )
    .unwrap();
    let ci = cert_info(&cert.pem).unwrap();
    assert!(ci.is_ca && !ci.self_issued);
    assert_eq!(ci.path_len, None);
    assert_eq!(ci.subject, subject);
    assert_eq!(ci.issuer_cn.as_deref(), Some("Root"));
    assert_eq!(ci.sans.ips.len(), 1);
    check_activation(&key, &cert.pem, &r.cert.pem).unwrap();
    check_activation(&key, &cert.pem, &chain_pem(&[&cert.pem, &r.cert.pem])).unwrap();
}

#[test]
fn tampered_csr_is_rejected() {
    let csr = sub_ca_csr(&ec(), &Subject::with_common_name("x"), &Sans::default()).unwrap();
    let mut der = pem_to_der(&csr).unwrap();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let bad = pem::encode(pem::LABEL_CSR, &der);
    assert!(
        matches!(parse_csr(&bad), Err(PkiError::BadCsr(_))),
        "{:?}",
        parse_csr(&bad)
    );
    // A changed subject byte (in the signed part) must fail too.
    let mut der = pem_to_der(&csr).unwrap();
    let pos = der.windows(1).position(|w| w == b"x").unwrap();
    der[pos] = b'y';
    let bad = pem::encode(pem::LABEL_CSR, &der);
    assert!(matches!(parse_csr(&bad), Err(PkiError::BadCsr(_))));
    assert!(matches!(parse_csr("garbage"), Err(PkiError::BadPem(_))));
    let r = root("R", 10);
    assert!(matches!(parse_csr(&r.cert.pem), Err(PkiError::BadPem(_))));
}

#[test]
fn activation_rejects_wrong_key_and_broken_chains() {
    let r = root("Root", 3650);
    let other = root("Other Root", 3650);
    let s = sub(&r, "Sub", 365);
    // Wrong key.
    assert_eq!(
        check_activation(&ec(), &s.cert.pem, &r.cert.pem),
        Err(PkiError::KeyMismatch)
    );
    // Chain of an unrelated root.
    assert!(matches!(
        check_activation(&s.key, &s.cert.pem, &other.cert.pem),
        Err(PkiError::ChainInvalid(_))
    ));
    // Same name, different key: signature does not verify.
    let impostor = root("Root", 3650);
    assert!(matches!(
        check_activation(&s.key, &s.cert.pem, &impostor.cert.pem),
        Err(PkiError::ChainInvalid(_))
    ));
    // Empty chain.
    assert!(matches!(
        check_activation(&s.key, &s.cert.pem, ""),
        Err(PkiError::ChainInvalid(_))
    ));
    // A leaf is not a CA certificate.
    let l_key = ec();
    let l = issue_end_cert(
        &s.issuer(),
        &l_key,
        &Subject::with_common_name("leaf"),
        &Sans::default(),
        5,
        &new_serial().unwrap(),
        &Urls::default(),
        NOW,
    )
    .unwrap();
    assert!(matches!(
        check_activation(&l_key, &l.pem, &chain_pem(&[&s.cert.pem, &r.cert.pem])),
        Err(PkiError::BadCert(_))
    ));
    // Three tiers: the chain must reach the root; order does not matter.
    let t = sub(&s, "Tier3", 30);
    check_activation(&t.key, &t.cert.pem, &chain_pem(&[&r.cert.pem, &s.cert.pem])).unwrap();
    assert!(matches!(
        check_activation(&t.key, &t.cert.pem, &s.cert.pem),
        Err(PkiError::ChainInvalid(_))
    ));
    // A self-signed certificate is not a sub CA.
    assert!(matches!(
        check_activation(&r.key, &r.cert.pem, &r.cert.pem),
        Err(PkiError::ChainInvalid(_))
    ));
    // Garbage.
    assert!(matches!(
        check_activation(&s.key, "x", &r.cert.pem),
        Err(PkiError::BadPem(_))
    ));
    assert_eq!(
        PkiError::KeyMismatch.api_code().as_str(),
        "INVALID_INPUT_CERT"
    );
    assert_eq!(
        PkiError::ChainInvalid(String::new()).api_code().as_str(),
        "INVALID_INPUT_CA_CHAIN"
    );
}

#[test]
fn path_length_is_inherited_and_enforced() {
    // A root constrained to pathlen 1 (made with rcgen directly: the engine's roots are
    // unconstrained).
    let key = ec();
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name = Subject::with_common_name("Constrained Root").to_dn();
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(1));
    p.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    p.not_before = time::to_datetime(NOW).unwrap();
    p.not_after = time::to_datetime(NOW + 100 * DAY).unwrap();
    let pem = p.self_signed(&key.pair).unwrap().pem();
    let r = Ca {
        cert: Issued {
            pem,
            der: Vec::new(),
            serial: String::new(),
            not_before_ms: 0,
            not_after_ms: 0,
        },
        key,
    };
    let s = sub(&r, "Sub", 10);
    assert_eq!(cert_info(&s.cert.pem).unwrap().path_len, Some(0));
    // The pathlen-0 sub may not sign CAs.
    let csr = sub_ca_csr(&ec(), &Subject::with_common_name("T"), &Sans::default()).unwrap();
    assert!(matches!(
        sign_sub_ca(
            &s.issuer(),
            &csr,
            5,
            &new_serial().unwrap(),
            &Urls::default(),
            NOW
        ),
        Err(PkiError::BadCert(_))
    ));
}

#[test]
fn validity_is_capped_at_the_issuer() {
    let r = root("Root", 10);
    let s = sub(&r, "Sub", 3650);
    assert_eq!(s.cert.not_after_ms, r.cert.not_after_ms);
    let l = leaf(&s, "short.example.com");
    assert_eq!(l.not_after_ms, NOW + 10 * DAY);
    // Zero days.
    let e = issue_end_cert(
        &s.issuer(),
        &ec(),
        &Subject::with_common_name("x"),
        &Sans::default(),
        0,
        &new_serial().unwrap(),
        &Urls::default(),
        NOW,
    );
    assert!(matches!(e, Err(PkiError::BadInput(_))));
    // Issuer expired.
    let e = issue_end_cert(
        &s.issuer(),
        &ec(),
        &Subject::with_common_name("x"),
        &Sans::default(),
        1,
        &new_serial().unwrap(),
        &Urls::default(),
        NOW + 11 * DAY,
    );
    assert_eq!(e, Err(PkiError::IssuerExpired));
}

#[test]
fn issuing_checks_the_issuer() {
    let r = root("Root", 100);
    let wrong = Issuer {
        cert_pem: &r.cert.pem,
        key: &ec(),
    };
    let csr = sub_ca_csr(&ec(), &Subject::with_common_name("S"), &Sans::default()).unwrap();
    assert_eq!(
        sign_sub_ca(
            &wrong,
            &csr,
            5,
            &new_serial().unwrap(),
            &Urls::default(),
            NOW
        ),
        Err(PkiError::KeyMismatch)
    );
    let s = sub(&r, "S", 50);
    let l_key = ec();
    let l = leaf(&s, "l.example.com");
    let not_ca = Issuer {
        cert_pem: &l.pem,
        key: &l_key,
    };
    // (the key does not match either; a matching non-CA is checked below)
    assert!(
        sign_end_csr(
            &not_ca,
            &csr,
            5,
            &new_serial().unwrap(),
            &Urls::default(),
            NOW
        )
        .is_err()
    );
    let l2 = issue_end_cert(
        &s.issuer(),
        &l_key,
        &Subject::with_common_name("l2"),
        &Sans::default(),
        5,
        &new_serial().unwrap(),
        &Urls::default(),
        NOW,
    )
    .unwrap();
    let not_ca = Issuer {
        cert_pem: &l2.pem,
        key: &l_key,
    };
    assert!(matches!(
        sign_end_csr(
            &not_ca,
            &csr,
            5,
            &new_serial().unwrap(),
            &Urls::default(),
            NOW
        ),
        Err(PkiError::BadCert(_))
    ));
    // Bad inputs.
    assert!(matches!(
        sign_end_csr(&s.issuer(), &csr, 5, "zz", &Urls::default(), NOW),
        Err(PkiError::BadInput(_))
    ));
    let bad_url = Urls {
        crl: Some("http://bad host/crl".into()),
        ..Urls::default()
    };
    assert!(matches!(
        sign_end_csr(&s.issuer(), &csr, 5, &new_serial().unwrap(), &bad_url, NOW),
        Err(PkiError::BadInput(_))
    ));
    assert!(matches!(
        issue_end_cert(
            &s.issuer(),
            &ec(),
            &Subject::default(),
            &Sans::default(),
            5,
            &new_serial().unwrap(),
            &Urls::default(),
            NOW
        ),
        Err(PkiError::BadInput(_))
    ));
}

#[test]
fn end_cert_profile() {
    let r = root("Root", 100);
    let s = sub(&r, "Sub", 50);
    let key = ec();
    let subject = Subject {
        street_address: Some("1 Main St".into()),
        country: Some("KR".into()),
        ..Subject::with_common_name("www.example.com")
    };
    let sans = Sans::parse(Some("www.example.com,admin@example.com"), Some("192.0.2.7")).unwrap();
    let c = issue_end_cert(
        &s.issuer(),
        &key,
        &subject,
        &sans,
        30,
        &new_serial().unwrap(),
        &urls("s"),
        NOW,
    )
    .unwrap();
    let info = cert_info(&c.pem).unwrap();
    assert!(!info.is_ca);
    assert_eq!(info.subject, subject);
    assert_eq!(info.sans, sans);
    let (_, x) = x509_parser::parse_x509_certificate(&c.der).unwrap();
    let ku = x.key_usage().unwrap().unwrap();
    assert!(ku.critical && ku.value.digital_signature() && !ku.value.key_encipherment());
    assert!(!ku.value.key_cert_sign());
    let eku = x.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth && eku.client_auth);
    let bc = x.basic_constraints().unwrap().unwrap();
    assert!(bc.critical && !bc.value.ca);
    let mut oids: Vec<String> = x
        .extensions()
        .iter()
        .map(|e| e.oid.to_id_string())
        .collect();
    oids.sort();
    for want in [
        "2.5.29.14",
        "2.5.29.35",
        "2.5.29.31",
        "1.3.6.1.5.5.7.1.1",
        "2.5.29.17",
    ] {
        assert!(
            oids.iter().any(|o| o == want),
            "{want} missing from {oids:?}"
        );
    }
    // No URLs → no CDP/AIA.
    let c = issue_end_cert(
        &s.issuer(),
        &ec(),
        &subject,
        &sans,
        30,
        &new_serial().unwrap(),
        &Urls::default(),
        NOW,
    )
    .unwrap();
    let (_, x) = x509_parser::parse_x509_certificate(&c.der).unwrap();
    assert!(
        x.extensions()
            .iter()
            .all(|e| !["2.5.29.31", "1.3.6.1.5.5.7.1.1"].contains(&e.oid.to_id_string().as_str()))
    );
}

#[test]
fn crl_lists_revocations_with_the_configured_next_update() {
    let r = root("Root", 100);
    let s = sub(&r, "Sub", 50);
    let a = leaf(&s, "a.example.com");
    let b = leaf(&s, "b.example.com");
    let revoked = [
        Revoked {
            serial: a.serial.to_uppercase(),
            revoked_at_ms: NOW + 1_500,
            reason: None,
        },
        Revoked {
            serial: b.serial,
            revoked_at_ms: NOW + 2_000,
            reason: Some(1),
        },
    ];
    let pem = crl(&s.issuer(), &revoked, 7, NOW + 3_000, NOW + 3_000 + 5 * DAY).unwrap();
    assert!(pem.starts_with("-----BEGIN X509 CRL-----\n"));
    let der = pem_to_der(&pem).unwrap();
    let (_, list) = CertificateRevocationList::from_der(&der).unwrap();
    assert_eq!(list.crl_number().map(|n| n.to_string()), Some("7".into()));
    assert_eq!(list.last_update().timestamp(), (NOW + 3_000) / 1000);
    assert_eq!(
        list.next_update().map(|t| t.timestamp()),
        Some((NOW + 3_000 + 5 * DAY) / 1000)
    );
    let entries: Vec<_> = list.iter_revoked_certificates().collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].raw_serial_as_string(), a.serial);
    assert_eq!(entries[0].revocation_date.timestamp(), (NOW + 1_500) / 1000);
    assert!(entries[0].reason_code().is_none());
    assert_eq!(entries[1].reason_code().map(|(_, r)| r.0), Some(1));
    assert_eq!(
        list.issuer().as_raw(),
        x509_parser::parse_x509_certificate(&s.cert.der)
            .unwrap()
            .1
            .subject()
            .as_raw()
    );
    // Empty CRL, and bad inputs.
    crl(&s.issuer(), &[], 1, NOW, NOW + 3 * DAY).unwrap();
    assert!(matches!(
        crl(&s.issuer(), &[], 1, NOW, NOW),
        Err(PkiError::BadInput(_))
    ));
    let bad = [Revoked {
        serial: a.serial,
        revoked_at_ms: NOW,
        reason: Some(7),
    }];
    assert!(matches!(
        crl(&s.issuer(), &bad, 1, NOW, NOW + DAY),
        Err(PkiError::BadInput(_))
    ));
}

/// An OCSP request for `serial` issued by `ca`, with a SHA-1 `CertID` and an optional nonce.
fn ocsp_request(ca: &Ca, serial_hex: &str, nonce: Option<&[u8]>) -> Vec<u8> {
    use aws_lc_rs::digest;
    use x509_cert::ext::Extension;
    use x509_cert::serial_number::SerialNumber;
    use x509_ocsp::{CertId, Request, TbsRequest};
    let (_, x) = x509_parser::parse_x509_certificate(&ca.cert.der).unwrap();
    let sha1 = |b: &[u8]| {
        digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, b)
            .as_ref()
            .to_vec()
    };
    let serial_bytes: Vec<u8> = serial_hex
        .split(':')
        .map(|o| u8::from_str_radix(o, 16).unwrap())
        .collect();
    let id = CertId {
        hash_algorithm: spki::AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::ID_SHA_1,
            parameters: Some(der::asn1::AnyRef::NULL.into()),
        },
        issuer_name_hash: OctetString::new(sha1(x.subject().as_raw())).unwrap(),
        issuer_key_hash: OctetString::new(sha1(&x.public_key().subject_public_key.data)).unwrap(),
        serial_number: SerialNumber::new(&serial_bytes).unwrap(),
    };
    let request_extensions = nonce.map(|n| {
        vec![Extension {
            extn_id: const_oid::db::rfc6960::ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(Nonce::new(n.to_vec()).unwrap().to_der().unwrap())
                .unwrap(),
        }]
    });
    OcspRequest {
        tbs_request: TbsRequest {
            version: Default::default(),
            requestor_name: None,
            request_list: vec![Request {
                req_cert: id,
                single_request_extensions: None,
            }],
            request_extensions,
        },
        optional_signature: None,
    }
    .to_der()
    .unwrap()
}

fn decode_basic(resp: &[u8]) -> BasicOcspResponse {
    let r = OcspResponse::from_der(resp).unwrap();
    assert_eq!(r.response_status, OcspResponseStatus::Successful);
    BasicOcspResponse::from_der(r.response_bytes.unwrap().response.as_bytes()).unwrap()
}

#[test]
fn ocsp_reports_good_revoked_unknown_and_echoes_the_nonce() {
    let r = root("Root", 100);
    let s = sub(&r, "Sub", 50);
    let good = leaf(&s, "good.example.com");
    let gone = leaf(&s, "gone.example.com");
    let lookup = |serial: &str| {
        if serial == good.serial {
            OcspStatus::Good
        } else if serial == gone.serial {
            OcspStatus::Revoked {
                at_ms: NOW + 5_000,
                reason: Some(4),
            }
        } else {
            OcspStatus::Unknown
        }
    };
    let resp = ocsp_respond(
        &s.issuer(),
        &ocsp_request(&s, &good.serial, Some(b"n0nce-123")),
        &lookup,
        NOW + 9_000,
    );
    let basic = decode_basic(&resp);
    assert_eq!(basic.tbs_response_data.responses.len(), 1);
    assert!(matches!(
        basic.tbs_response_data.responses[0].cert_status,
        CertStatus::Good(_)
    ));
    assert_eq!(
        basic.nonce().map(|n| n.0.as_bytes().to_vec()),
        Some(b"n0nce-123".to_vec())
    );
    // The signature verifies with the CA key.
    let tbs = basic.tbs_response_data.to_der().unwrap();
    let (_, x) = x509_parser::parse_x509_certificate(&s.cert.der).unwrap();
    aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1,
        x.public_key().subject_public_key.data.as_ref(),
    )
    .verify(&tbs, basic.signature.raw_bytes())
    .unwrap();

    let basic = decode_basic(&ocsp_respond(
        &s.issuer(),
        &ocsp_request(&s, &gone.serial, None),
        &lookup,
        NOW + 9_000,
    ));
    match basic.tbs_response_data.responses[0].cert_status {
        CertStatus::Revoked(info) => {
            assert_eq!(
                info.revocation_time.0.to_unix_duration().as_millis() as i64,
                NOW + 5_000
            );
            assert_eq!(
                info.revocation_reason,
                Some(x509_cert::ext::pkix::CrlReason::Superseded)
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(basic.nonce().is_none());
    let basic = decode_basic(&ocsp_respond(
        &s.issuer(),
        &ocsp_request(&s, "01:02", None),
        &lookup,
        NOW,
    ));
    assert!(matches!(
        basic.tbs_response_data.responses[0].cert_status,
        CertStatus::Unknown(_)
    ));

    // Another CA's certificate → unauthorized; garbage → malformedRequest.
    let status = |d: Vec<u8>| OcspResponse::from_der(&d).unwrap().response_status;
    assert_eq!(
        status(ocsp_respond(
            &r.issuer(),
            &ocsp_request(&s, &good.serial, None),
            &lookup,
            NOW
        )),
        OcspResponseStatus::Unauthorized
    );
    assert_eq!(
        status(ocsp_respond(&s.issuer(), b"\x30\x03garbage", &lookup, NOW)),
        OcspResponseStatus::MalformedRequest
    );
    // A broken issuer → internalError.
    let broken = Issuer {
        cert_pem: &s.cert.pem,
        key: &r.key,
    };
    assert_eq!(
        status(ocsp_respond(
            &broken,
            &ocsp_request(&s, &good.serial, None),
            &lookup,
            NOW
        )),
        OcspResponseStatus::InternalError
    );
}

#[test]
fn ocsp_get_paths_decode() {
    use base64::Engine as _;
    let r = root("Root", 10);
    let req = ocsp_request(&r, "7f:01", Some(b"abc"));
    let b64 = base64::engine::general_purpose::STANDARD.encode(&req);
    let url_encoded = b64
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    assert_eq!(ocsp_request_from_get(&b64).unwrap(), req);
    assert_eq!(ocsp_request_from_get(&url_encoded).unwrap(), req);
    let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&req);
    assert_eq!(ocsp_request_from_get(&format!("/{url_safe}")).unwrap(), req);
    assert!(matches!(
        ocsp_request_from_get("!!"),
        Err(PkiError::BadInput(_))
    ));
}

#[test]
fn chain_pem_joins_blocks() {
    assert_eq!(chain_pem(&["A\n", "", "B"]), "A\nB\n");
    assert_eq!(chain_pem(&[]), "");
}

#[test]
fn errors_display_without_detail_leaks() {
    let e = PkiError::KeyMismatch;
    assert_eq!(
        e.to_string(),
        "the certificate's public key does not match the CA key"
    );
    assert_eq!(
        PkiError::IssuerExpired.api_code().as_str(),
        "EXCEED_EXPIRY_DATE"
    );
}

#[test]
fn cas_need_a_subject_and_sane_times() {
    let key = ec();
    let empty = Subject {
        common_name: Some(String::new()),
        ..Subject::default()
    };
    assert!(matches!(
        self_signed_root(
            &key,
            &empty,
            &Sans::default(),
            10,
            &new_serial().unwrap(),
            NOW
        ),
        Err(PkiError::BadInput(_))
    ));
    assert!(matches!(
        sub_ca_csr(&key, &empty, &Sans::default()),
        Err(PkiError::BadInput(_))
    ));
    // Before 1970, and past year 9999.
    for now in [-1, 253_402_300_800_000] {
        assert!(matches!(
            self_signed_root(
                &key,
                &Subject::with_common_name("R"),
                &Sans::default(),
                1,
                &new_serial().unwrap(),
                now
            ),
            Err(PkiError::BadInput(_))
        ));
    }
}

#[test]
fn issuer_without_key_cert_sign_is_refused() {
    let key = ec();
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name = Subject::with_common_name("CRL-only CA").to_dn();
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.key_usages = vec![rcgen::KeyUsagePurpose::CrlSign];
    p.not_before = time::to_datetime(NOW).unwrap();
    p.not_after = time::to_datetime(NOW + 100 * DAY).unwrap();
    let pem = p.self_signed(&key.pair).unwrap().pem();
    let issuer = Issuer {
        cert_pem: &pem,
        key: &key,
    };
    assert!(matches!(
        issue_end_cert(
            &issuer,
            &ec(),
            &Subject::with_common_name("x"),
            &Sans::default(),
            1,
            &new_serial().unwrap(),
            &Urls::default(),
            NOW
        ),
        Err(PkiError::BadCert(_))
    ));
}

#[test]
fn public_types_can_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<CaKey>();
    send_sync::<PkiError>();
    send_sync::<Issued>();
    send_sync::<CsrInfo>();
    send_sync::<CertInfo>();
    send_sync::<Revoked>();
    send_sync::<OcspStatus>();
    send_sync::<Urls>();
    send_sync::<Subject>();
    send_sync::<Sans>();
}

/// The public key openssl derives from a PEM private key, as DER SubjectPublicKeyInfo.
fn openssl_public_der(pem: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("pca-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{:x}.pem", pem.len() ^ pem.as_bytes()[40] as usize));
    std::fs::write(&path, pem).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&path)
        .output()
        .expect("openssl must be installed");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn issued_keys_use_the_traditional_pem_flavour_and_openssl_reads_them() {
    for (kt, label) in [
        (KeyType::Ec256, "EC PRIVATE KEY"),
        (KeyType::Ec521, "EC PRIVATE KEY"),
        (KeyType::Rsa2048, "RSA PRIVATE KEY"),
    ] {
        let k = CaKey::generate(kt.clone()).unwrap();
        let pem = k.to_traditional_pem().unwrap();
        assert!(
            pem.starts_with(&format!("-----BEGIN {label}-----\n")),
            "{pem}"
        );
        assert_eq!(openssl_public_der(&pem), k.spki_der(), "{}", kt.as_str());
    }
}
