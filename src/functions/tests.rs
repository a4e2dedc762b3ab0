//! The functions against certificates and CSRs made here with rcgen.

use super::chain_is_ordered::ChainIsOrdered;
use super::parse_certificate::ParseCertificate;
use super::parse_csr::ParseCsr;
use crate::framework::Value;
use crate::framework::function::{Function, FunctionError};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

struct Chain {
    root: String,
    inter: String,
    leaf: String,
}

fn ec() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key")
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

fn chain() -> Chain {
    let (rk, ik, lk) = (ec(), ec(), ec());
    let rp = ca_params("Root");
    let root = rp.self_signed(&rk).expect("root");
    let root_issuer = Issuer::new(rp, &rk);
    let ip = ca_params("Inter");
    let inter = ip.signed_by(&ik, &root_issuer).expect("inter");
    let inter_issuer = Issuer::new(ip, &ik);
    let mut lp = CertificateParams::new(vec!["a.example.com".to_owned()]).expect("params");
    lp.distinguished_name
        .push(DnType::CommonName, "a.example.com");
    lp.distinguished_name
        .push(DnType::OrganizationName, "Example Corp");
    lp.distinguished_name.push(DnType::CountryName, "KR");
    lp.subject_alt_names.extend([
        SanType::IpAddress("10.0.0.1".parse().expect("ip")),
        SanType::IpAddress("2001:db8::1".parse().expect("ip")),
        SanType::Rfc822Name("ops@example.com".try_into().expect("ia5")),
        SanType::URI("spiffe://example.com/web".try_into().expect("ia5")),
        SanType::OtherName((
            vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3],
            "upn@example.com".into(),
        )),
    ]);
    lp.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    lp.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let leaf = lp.signed_by(&lk, &inter_issuer).expect("leaf");
    Chain {
        root: root.pem(),
        inter: inter.pem(),
        leaf: leaf.pem(),
    }
}

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        other => panic!("not a list: {other:?}"),
    }
}

#[test]
fn parse_certificate_reads_every_field() {
    let c = chain();
    let v = ParseCertificate
        .call(&[s(&format!("{}{}", c.leaf, c.inter))])
        .expect("parses");
    let subject = v.get("subject").expect("subject");
    assert_eq!(
        subject.get("common_name").and_then(Value::as_str),
        Some("a.example.com")
    );
    assert_eq!(
        subject.get("organization").and_then(Value::as_str),
        Some("Example Corp")
    );
    assert_eq!(subject.get("country").and_then(Value::as_str), Some("KR"));
    assert!(subject.get("locality").is_some_and(Value::is_null));
    assert_eq!(
        v.get("issuer")
            .and_then(|i| i.get("common_name"))
            .and_then(Value::as_str),
        Some("Inter")
    );
    assert_eq!(strings(v.get("dns_names")), ["a.example.com"]);
    assert_eq!(strings(v.get("ip_addresses")), ["10.0.0.1", "2001:db8::1"]);
    assert_eq!(strings(v.get("email_addresses")), ["ops@example.com"]);
    assert_eq!(strings(v.get("uri_sans")), ["spiffe://example.com/web"]);
    let other = v.get("other_names").expect("other_names");
    let Value::List(items) = other else {
        panic!("{other:?}")
    };
    assert_eq!(
        items[0].get("oid").and_then(Value::as_str),
        Some("1.3.6.1.4.1.311.20.2.3")
    );
    assert_eq!(
        items[0].get("value").and_then(Value::as_str),
        Some("upn@example.com")
    );
    assert_eq!(
        strings(v.get("key_usages")),
        ["digital_signature", "key_encipherment"]
    );
    assert_eq!(
        strings(v.get("extended_key_usages")),
        ["server_auth", "client_auth"]
    );
    assert_eq!(v.get("is_ca").and_then(Value::as_bool), Some(false));
    assert_eq!(
        v.get("key_algorithm").and_then(Value::as_str),
        Some("ECDSA")
    );
    assert_eq!(v.get("key_type").and_then(Value::as_str), Some("EC256"));
    let fp = v
        .get("sha256_fingerprint")
        .and_then(Value::as_str)
        .expect("fp");
    assert_eq!(fp.len(), 32 * 3 - 1);
    let nb = v.get("not_before").and_then(Value::as_str).expect("nb");
    assert!(nb.ends_with('Z') && nb.len() == 20, "{nb}");
    let serial = v
        .get("serial_number")
        .and_then(Value::as_str)
        .expect("serial");
    assert!(serial.split(':').all(|o| o.len() == 2), "{serial}");
    // The root is a CA with cert_signing.
    let r = ParseCertificate.call(&[s(&c.root)]).expect("root");
    assert_eq!(r.get("is_ca").and_then(Value::as_bool), Some(true));
    assert_eq!(r.get("is_self_issued").and_then(Value::as_bool), Some(true));
    assert_eq!(
        strings(r.get("key_usages")),
        ["cert_signing", "crl_signing"]
    );
}

#[test]
fn bad_pem_names_the_argument() {
    for bad in [
        "",
        "hello",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        let e = ParseCertificate.call(&[s(bad)]).expect_err("fails");
        assert_eq!(e.argument, Some(0), "{e:?}");
    }
    let csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
    let e: FunctionError = ParseCertificate
        .call(&[s(csr)])
        .expect_err("a CSR is no certificate");
    assert!(e.text.contains("CERTIFICATE REQUEST"), "{}", e.text);
    assert_eq!(
        ParseCsr.call(&[s("x")]).expect_err("fails").argument,
        Some(0)
    );
    assert_eq!(
        ChainIsOrdered.call(&[s("x")]).expect_err("fails").argument,
        Some(0)
    );
}

#[test]
fn chain_order() {
    let c = chain();
    let yes = |pem: String| ChainIsOrdered.call(&[s(&pem)]).expect("call");
    assert_eq!(
        yes(format!("{}{}{}", c.leaf, c.inter, c.root)).as_bool(),
        Some(true)
    );
    assert_eq!(
        yes(format!("{}\n{}", c.leaf, c.inter)).as_bool(),
        Some(true)
    );
    assert_eq!(yes(c.leaf.clone()).as_bool(), Some(true));
    assert_eq!(
        yes(format!("{}{}{}", c.root, c.inter, c.leaf)).as_bool(),
        Some(false)
    );
    assert_eq!(yes(format!("{}{}", c.leaf, c.root)).as_bool(), Some(false));
    // Same names, other key: the signature check catches it.
    let fake = chain();
    assert_eq!(
        yes(format!("{}{}", c.leaf, fake.inter)).as_bool(),
        Some(false)
    );
}

#[test]
fn parse_csr_reads_subject_names_and_key() {
    let key = ec();
    let mut p = CertificateParams::new(vec!["b.example.com".to_owned()]).expect("params");
    p.distinguished_name
        .push(DnType::CommonName, "b.example.com");
    p.subject_alt_names
        .push(SanType::IpAddress("192.0.2.7".parse().expect("ip")));
    let csr = p.serialize_request(&key).expect("csr").pem().expect("pem");
    let v = ParseCsr.call(&[s(&csr)]).expect("parses");
    assert_eq!(
        v.get("subject")
            .and_then(|x| x.get("common_name"))
            .and_then(Value::as_str),
        Some("b.example.com")
    );
    assert_eq!(strings(v.get("dns_names")), ["b.example.com"]);
    assert_eq!(strings(v.get("ip_addresses")), ["192.0.2.7"]);
    assert_eq!(v.get("key_type").and_then(Value::as_str), Some("EC256"));
    assert_eq!(
        v.get("signature_valid").and_then(Value::as_bool),
        Some(true)
    );
    assert!(
        v.get("public_key_pem")
            .and_then(Value::as_str)
            .is_some_and(|p| p.starts_with("-----BEGIN PUBLIC KEY-----"))
    );
}

#[test]
fn results_match_the_declared_types() {
    use crate::framework::msgpack;
    let c = chain();
    for f in super::all() {
        let arg = if f.name() == "parse_csr" {
            let mut p = CertificateParams::new(vec!["c.example".to_owned()]).expect("params");
            p.distinguished_name.push(DnType::CommonName, "c");
            p.serialize_request(&ec()).expect("csr").pem().expect("pem")
        } else {
            c.leaf.clone()
        };
        let v = f.call(&[s(&arg)]).expect("call");
        let def = f.definition();
        assert!(def.lint(f.name()).is_empty(), "{:?}", def.lint(f.name()));
        msgpack::encode(&def.returns, &v)
            .unwrap_or_else(|e| panic!("{}: result does not fit its type: {e}", f.name()));
    }
}
