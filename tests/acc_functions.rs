//! Acceptance tests of the provider functions with real Terraform 1.15.5: certificates and a
//! CSR made by openssl (not by the code under test) are read back through
//! `provider::pca::…` and compared with what openssl says; bad PEM fails the call with an
//! error naming the parameter.

mod support;

use std::path::Path;
use support::openssl::openssl;
use support::terraform::{PROVIDER_ADDRESS, TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

/// A root CA, a leaf it signs (SANs, usages) and a CSR, all made by openssl in `dir`.
fn make_pki(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut root = vec![
        "req",
        "-x509",
        "-days",
        "30",
        "-subj",
        "/CN=Fn Root/O=Fn Org",
    ];
    root.extend(ec);
    root.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    openssl(dir, &root);
    let mut req = vec![
        "req",
        "-new",
        "-subj",
        "/C=KR/O=Example Corp/OU=Web/CN=fn.example.com",
        "-addext",
        "subjectAltName=DNS:fn.example.com,DNS:*.fn.example.com,IP:10.1.2.3,email:ops@example.com,URI:spiffe://example.com/fn",
    ];
    req.extend(ec);
    req.extend(["-keyout", "leaf.key", "-out", "leaf.csr"]);
    openssl(dir, &req);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:fn.example.com,DNS:*.fn.example.com,IP:10.1.2.3,email:ops@example.com,URI:spiffe://example.com/fn\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n",
    )
    .expect("ext file");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "7",
            "-extfile",
            "ext.cnf",
            "-out",
            "leaf.pem",
        ],
    );
}

fn outputs(ws: &Workspace) -> serde_json::Value {
    let out = ws.ok(&["output", "-json"]);
    let json: serde_json::Value = serde_json::from_str(out.trim()).expect("output JSON");
    let mut flat = serde_json::Map::new();
    if let Some(m) = json.as_object() {
        for (k, v) in m {
            flat.insert(k.clone(), v["value"].clone());
        }
    }
    serde_json::Value::Object(flat)
}

/// openssl's `-serial`/`-fingerprint` form (upper case, no or `:` separators) in ours.
fn colon_lower(hex: &str) -> String {
    let h: String = hex
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_lowercase();
    let h = if h.len() % 2 == 1 { format!("0{h}") } else { h };
    let bytes: Vec<&str> = (0..h.len() / 2).map(|i| &h[2 * i..2 * i + 2]).collect();
    let start = bytes.iter().position(|b| *b != "00").unwrap_or(0);
    bytes[start..].join(":")
}

#[test]
fn functions_read_what_openssl_wrote() {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    make_pki(ws.path());
    ws.write(
        "main.tf",
        &format!(
            r#"{}
locals {{
  leaf = file("${{path.module}}/leaf.pem")
  ca   = file("${{path.module}}/ca.pem")
}}
output "leaf" {{ value = provider::pca::parse_certificate(local.leaf) }}
output "ca" {{ value = provider::pca::parse_certificate(local.ca) }}
output "csr" {{ value = provider::pca::parse_csr(file("${{path.module}}/leaf.csr")) }}
output "ordered" {{ value = provider::pca::chain_is_ordered("${{local.leaf}}${{local.ca}}") }}
output "reversed" {{ value = provider::pca::chain_is_ordered("${{local.ca}}${{local.leaf}}") }}
output "cn" {{ value = provider::pca::parse_certificate(local.leaf).subject.common_name }}
"#,
            ws.terraform_block()
        ),
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let o = outputs(&ws);
    let leaf = &o["leaf"];
    assert_eq!(o["cn"], "fn.example.com");
    assert_eq!(leaf["subject"]["organization"], "Example Corp");
    assert_eq!(leaf["subject"]["organizational_unit"], "Web");
    assert_eq!(leaf["subject"]["country"], "KR");
    assert!(leaf["subject"]["locality"].is_null());
    assert_eq!(leaf["issuer"]["common_name"], "Fn Root");
    assert_eq!(leaf["issuer"]["organization"], "Fn Org");
    assert_eq!(
        leaf["dns_names"],
        serde_json::json!(["fn.example.com", "*.fn.example.com"])
    );
    assert_eq!(leaf["ip_addresses"], serde_json::json!(["10.1.2.3"]));
    assert_eq!(
        leaf["email_addresses"],
        serde_json::json!(["ops@example.com"])
    );
    assert_eq!(
        leaf["uri_sans"],
        serde_json::json!(["spiffe://example.com/fn"])
    );
    assert_eq!(
        leaf["key_usages"],
        serde_json::json!(["digital_signature", "key_encipherment"])
    );
    assert_eq!(
        leaf["extended_key_usages"],
        serde_json::json!(["server_auth", "client_auth"])
    );
    assert_eq!(leaf["is_ca"], false);
    assert_eq!(o["ca"]["is_ca"], true);
    assert_eq!(leaf["key_algorithm"], "ECDSA");
    assert_eq!(leaf["key_type"], "EC256");
    // Serial, fingerprint and validity as openssl reads them.
    let dir = ws.path();
    let serial = openssl(dir, &["x509", "-in", "leaf.pem", "-noout", "-serial"]);
    assert_eq!(
        leaf["serial_number"],
        colon_lower(serial.trim().trim_start_matches("serial="))
    );
    let fp = openssl(
        dir,
        &[
            "x509",
            "-in",
            "leaf.pem",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    );
    let fp = fp.trim().rsplit('=').next().unwrap_or_default();
    assert_eq!(leaf["sha256_fingerprint"], fp.to_lowercase());
    let end = openssl(
        dir,
        &[
            "x509", "-in", "leaf.pem", "-noout", "-enddate", "-dateopt", "iso_8601",
        ],
    );
    let end = end.trim().trim_start_matches("notAfter=").replace(' ', "T");
    assert_eq!(leaf["not_after"], end, "openssl says {end}");
    let pubkey = openssl(dir, &["x509", "-in", "leaf.pem", "-noout", "-pubkey"]);
    assert_eq!(
        leaf["public_key_pem"].as_str().map(str::trim),
        Some(pubkey.trim())
    );
    // The CSR.
    assert_eq!(o["csr"]["subject"]["common_name"], "fn.example.com");
    assert_eq!(o["csr"]["dns_names"], leaf["dns_names"]);
    assert_eq!(o["csr"]["signature_valid"], true);
    assert_eq!(o["csr"]["public_key_pem"], leaf["public_key_pem"]);
    // Chain order.
    assert_eq!(o["ordered"], true);
    assert_eq!(o["reversed"], false);
    // The schema lists them.
    let schema = ws.ok(&["providers", "schema", "-json"]);
    let schema: serde_json::Value = serde_json::from_str(&schema).expect("schema JSON");
    let f = &schema["provider_schemas"][PROVIDER_ADDRESS]["functions"];
    for name in ["parse_certificate", "parse_csr", "chain_is_ordered"] {
        assert!(f[name]["summary"].is_string(), "{name} missing from {f}");
    }
}

#[test]
fn bad_pem_fails_the_call_naming_the_parameter() {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    make_pki(ws.path());
    for (call, expect) in [
        (
            r#"provider::pca::parse_certificate("not a pem")"#,
            "Not a PEM certificate",
        ),
        (
            r#"provider::pca::parse_certificate(file("${path.module}/leaf.csr"))"#,
            "found a CERTIFICATE REQUEST block",
        ),
        (
            r#"provider::pca::parse_csr(file("${path.module}/leaf.pem"))"#,
            "found a CERTIFICATE block",
        ),
        (
            r#"provider::pca::chain_is_ordered("")"#,
            "no -----BEGIN CERTIFICATE----- block",
        ),
    ] {
        ws.write(
            "main.tf",
            &format!(
                "{}\noutput \"x\" {{ value = {call} }}\n",
                ws.terraform_block()
            ),
        );
        let out = ws.fails(&["plan", "-no-color"]);
        let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(out.contains(expect), "{call}: {out}");
        // Terraform names the parameter the provider pointed at.
        assert!(
            out.contains(r#"Invalid value for "pem" parameter"#),
            "{call}: {out}"
        );
        assert!(!out.contains("panic") && !out.contains(".."), "{out}");
    }
}
