//! Certificate profiles through real Terraform 1.15.5 and the emulator: a SPIFFE workload
//! certificate (URI SAN, client authentication only) and a smart-card certificate (UPN
//! other name, postal code) are issued with exactly those names and usages (read with
//! `openssl x509 -text`), plan empty after apply and after import; a CSR carrying a SPIFFE
//! ID shows it in the computed `uri_sans`; bad values fail at plan time, naming the
//! attribute, with no API request.

mod support;

use std::path::Path;
use support::emulator::Emulator;
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

fn workspace(emu: &Emulator, body: &str) -> Workspace {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    ws.write(
        "main.tf",
        &format!("{}\n{}\n{body}", ws.terraform_block(), emu.provider_block()),
    );
    ws
}

const PROFILES: &str = r#"
resource "pca_ca" "root" {
  alias    = "mesh-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Mesh Root CA"
  }
}

resource "pca_end_cert" "workload" {
  ca_tag              = pca_ca.root.ca_tag
  key_type            = "EC256"
  validity_days       = 30
  subject             = { common_name = "api" }
  uri_sans            = ["spiffe://corp.example/ns/prod/sa/api"]
  extended_key_usages = ["client_auth"]
}

resource "pca_end_cert" "smartcard" {
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "Alice"
    postal_code = "13561"
  }
  other_names = [{
    oid   = "1.3.6.1.4.1.311.20.2.3"
    value = "alice@corp.example"
  }]
  key_usages          = ["digital_signature"]
  extended_key_usages = ["client_auth"]
}

resource "pca_end_cert" "from_csr" {
  ca_tag        = pca_ca.root.ca_tag
  csr_pem       = file("${path.module}/workload.csr")
  validity_days = 30
}

output "workload" { value = pca_end_cert.workload.certificate_pem }
output "smartcard" { value = pca_end_cert.smartcard.certificate_pem }
output "csr_uris" { value = join(",", pca_end_cert.from_csr.uri_sans) }
output "workload_ku_unset" { value = pca_end_cert.workload.key_usages == null }
output "ca_tag" { value = pca_ca.root.ca_tag }
"#;

fn spiffe_csr() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "web");
    params.subject_alt_names = vec![rcgen::SanType::URI(
        "spiffe://corp.example/ns/prod/sa/web".try_into().unwrap(),
    )];
    params.serialize_request(&key).unwrap().pem().unwrap()
}

/// The X509v3 extensions section of `openssl x509 -text`, one trimmed line each.
fn openssl_text(ws: &Workspace, pem: &str) -> String {
    let path = ws.path().join("cert.pem");
    std::fs::write(&path, pem).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&path)
        .output()
        .expect("openssl must be installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The line after `header` in openssl's text (an extension's value).
fn value_after(text: &str, header: &str) -> String {
    let mut lines = text.lines().map(str::trim);
    lines.find(|l| l.starts_with(header));
    lines.next().unwrap_or_default().to_owned()
}

fn plan_is_empty(ws: &Workspace) {
    let p = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(p.code, Some(0), "plan must be empty: {}", p.combined());
}

#[test]
fn acc_profiles_spiffe_and_upn_certificates_are_issued_exactly() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, PROFILES);
    ws.write("workload.csr", &spiffe_csr());
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    plan_is_empty(&ws);

    let workload = openssl_text(&ws, &ws.ok(&["output", "-raw", "workload"]));
    assert_eq!(
        value_after(&workload, "X509v3 Subject Alternative Name"),
        "URI:spiffe://corp.example/ns/prod/sa/api",
        "{workload}"
    );
    assert_eq!(
        value_after(&workload, "X509v3 Extended Key Usage"),
        "TLS Web Client Authentication",
        "{workload}"
    );
    // key_usages unset: the service's default profile, and null in state (not repeated in
    // every certificate; import and the CSR path read it from the certificate).
    assert_eq!(
        value_after(&workload, "X509v3 Key Usage"),
        "Digital Signature"
    );
    assert_eq!(ws.ok(&["output", "-raw", "workload_ku_unset"]), "true");

    let smartcard = openssl_text(&ws, &ws.ok(&["output", "-raw", "smartcard"]));
    let san = value_after(&smartcard, "X509v3 Subject Alternative Name");
    assert!(
        san.starts_with("othername:") && san.contains("alice@corp.example") && !san.contains(','),
        "exactly one other name: {san}\n{smartcard}"
    );
    assert!(
        san.contains("UPN") || san.contains("1.3.6.1.4.1.311.20.2.3"),
        "{san}"
    );
    assert_eq!(
        value_after(&smartcard, "X509v3 Key Usage"),
        "Digital Signature"
    );
    assert_eq!(
        value_after(&smartcard, "X509v3 Extended Key Usage"),
        "TLS Web Client Authentication"
    );
    assert!(
        smartcard.contains("postalCode = 13561") || smartcard.contains("postalCode=13561"),
        "{smartcard}"
    );

    // The CSR's SPIFFE ID shows in the computed uri_sans.
    assert_eq!(
        ws.ok(&["output", "-raw", "csr_uris"]),
        "spiffe://corp.example/ns/prod/sa/web"
    );

    // Import reads the names and usages back: same configuration, empty plan.
    let ca_tag = ws.ok(&["output", "-raw", "ca_tag"]).trim().to_owned();
    let serial = |name: &str| {
        let out = ws.ok(&["state", "show", "-no-color", name]);
        out.lines()
            .map(str::trim)
            .find_map(|l| {
                l.strip_prefix("serial_number").map(|v| {
                    v.trim()
                        .trim_start_matches('=')
                        .trim()
                        .trim_matches('"')
                        .to_owned()
                })
            })
            .unwrap()
    };
    let (w, s) = (
        serial("pca_end_cert.workload"),
        serial("pca_end_cert.smartcard"),
    );
    let ws2 = workspace(&emu, PROFILES);
    ws2.write("workload.csr", &spiffe_csr());
    let root_tag = ca_tag;
    ws2.write(
        "imports.tf",
        &format!(
            "import {{\n  to = pca_ca.root\n  id = \"{root_tag}\"\n}}\nimport {{\n  to = pca_end_cert.workload\n  id = \"{root_tag}/{w}\"\n}}\nimport {{\n  to = pca_end_cert.smartcard\n  id = \"{root_tag}/{s}\"\n}}\n"
        ),
    );
    let p = ws2.run(&["plan", "-no-color"]);
    let text = p.combined();
    assert!(
        text.contains("3 to import, 1 to add, 0 to change, 0 to destroy"),
        "imported certificates need no change:\n{text}"
    );
}

#[test]
fn acc_profiles_bad_values_fail_at_plan_without_any_request() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        &emu,
        r#"
resource "pca_end_cert" "bad" {
  ca_tag              = "00000000-00000000"
  subject             = { common_name = "x" }
  uri_sans            = ["spiffe://corp.example:8443/api", "no-scheme"]
  other_names         = [{ oid = "upn", value = "a,b" }]
  key_usages          = ["cert_signing"]
  extended_key_usages = ["flying"]
}
"#,
    );
    let out = ws.fails(&["plan", "-no-color"]);
    for needle in [
        "Attribute uri_sans[0]",
        "Attribute uri_sans[1]",
        "Attribute other_names[0].oid",
        "Attribute other_names[0].value",
        "key_usages",
        "extended_key_usages",
    ] {
        assert!(out.contains(needle), "missing {needle:?}:\n{out}");
    }
    assert!(
        emu.requests().is_empty(),
        "the emulator saw requests: {:?}",
        emu.requests()
    );
}
