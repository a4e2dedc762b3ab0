//! Acceptance tests of the ephemeral resources with real Terraform 1.15.5 against
//! `pca-emulator`: what they open is usable (openssl checks it), and no key or CSR ever
//! reaches state, a saved plan (its JSON and the raw file, unpacked), or a `TF_LOG=trace` log.

mod support;

use std::path::Path;
use support::crl::current_crl;
use support::emulator::Emulator;
use support::openssl::openssl;
use support::secrets::{assert_clean, plan_file_texts};
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

const KEY_PAIR: &str = r#"
ephemeral "pca_key_pair" "k" {
  key_type = "EC256"
  subject = {
    common_name  = "eph.example.com"
    organization = "Example"
    country      = "KR"
  }
  alt_names    = ["eph.example.com", "ops@example.com"]
  ip_addresses = ["10.9.8.7"]
}

# Writes what was opened at apply to files, for the test to check (provisioners may read
# ephemeral values; Terraform hides their output).
resource "terraform_data" "probe" {
  provisioner "local-exec" {
    command = "printf '%s' \"$KEY\" > key.pem && printf '%s' \"$PUB\" > pub.pem && printf '%s' \"$CSR\" > csr.pem"
    environment = {
      KEY = ephemeral.pca_key_pair.k.private_key_pem
      PUB = ephemeral.pca_key_pair.k.public_key_pem
      CSR = ephemeral.pca_key_pair.k.csr_pem
    }
  }
}
"#;

#[test]
fn acc_key_pair_opens_a_usable_key_that_never_reaches_state_plan_or_logs() {
    let emu = Emulator::start(&[]);
    let mut ws = workspace(&emu, KEY_PAIR);
    // A saved plan: its JSON and every member of the file.
    ws.ok(&["plan", "-out=p.tfplan", "-no-color"]);
    let show = ws.ok(&["show", "-json", "p.tfplan"]);
    assert_clean("plan JSON", &show, &[]);
    for (name, text) in plan_file_texts(&ws, "p.tfplan") {
        assert_clean(&name, &text, &[]);
    }
    // Apply with the trace log on.
    ws.env("TF_LOG", "trace");
    let out = ws.run(&["apply", "-auto-approve", "-no-color", "p.tfplan"]);
    assert!(out.success(), "{out}");
    let key = ws.read("key.pem");
    let public = ws.read("pub.pem");
    let csr = ws.read("csr.pem");
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
    // The log is a real trace, and it saw the provider open the key.
    assert!(
        out.stderr.contains("[TRACE]") && out.stderr.contains("OpenEphemeralResource"),
        "{}",
        &out.stderr[..out.stderr.len().min(2000)]
    );
    assert_clean("trace log of apply", &out.combined(), &[&key, &csr]);
    assert_clean("state", &ws.read("terraform.tfstate"), &[&key, &csr]);
    // The key, its public half and the CSR belong together; the CSR says what was asked.
    let dir = ws.path();
    let derived = openssl(dir, &["pkey", "-in", "key.pem", "-pubout"]);
    assert_eq!(derived.trim(), public.trim());
    let text = openssl(
        dir,
        &["req", "-in", "csr.pem", "-noout", "-verify", "-text"],
    );
    let csr_pub = openssl(dir, &["req", "-in", "csr.pem", "-noout", "-pubkey"]);
    assert_eq!(csr_pub.trim(), public.trim());
    for needle in [
        "CN=eph.example.com",
        "O=Example",
        "C=KR",
        "DNS:eph.example.com",
        "email:ops@example.com",
        "IP Address:10.9.8.7",
        "prime256v1",
    ] {
        assert!(
            text.replace(" = ", "=").contains(needle),
            "CSR lacks {needle}:\n{text}"
        );
    }
    // A plan at trace level: still nothing.
    let out = ws.run(&["plan", "-no-color"]);
    assert!(out.success(), "{out}");
    assert_clean("trace log of plan", &out.combined(), &[&key, &csr]);
    // Nothing of this calls the API.
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

/// Each `(configuration, attribute, text)` fails at plan with an error naming the attribute
/// and holding the text, without a panic; none of them makes a request.
fn assert_rejected_without_requests(emu: &Emulator, cases: &[(&str, &str, &str)]) {
    for (body, attr, text) in cases {
        let ws = workspace(emu, body);
        let out = ws.fails(&["plan", "-no-color"]);
        assert!(out.contains(attr) && out.contains(text), "{body}:\n{out}");
        assert!(!out.contains("panic"), "{out}");
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[test]
fn acc_key_pair_bad_input_names_the_attribute_without_any_request() {
    let emu = Emulator::start(&[]);
    let cases = &[
        (
            r#"ephemeral "pca_key_pair" "k" {
  key_type = "DSA"
  subject  = { common_name = "x" }
}"#,
            "key_type",
            "RSA2048",
        ),
        (
            r#"ephemeral "pca_key_pair" "k" {
  subject   = { common_name = "x" }
  alt_names = ["not a name"]
}"#,
            "alt_names",
            "DNS name",
        ),
        (
            r#"ephemeral "pca_key_pair" "k" {
  subject      = { common_name = "x" }
  ip_addresses = ["10.0.0.300"]
}"#,
            "ip_addresses",
            "IP",
        ),
        (
            r#"ephemeral "pca_key_pair" "k" {
  key_type = "EC256"
}"#,
            "subject",
            "required",
        ),
    ];
    assert_rejected_without_requests(&emu, cases);
}

/// The revoked serials (colon hex) of a CA's current CRL.
fn revoked_serials(emu: &Emulator, tag: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    current_crl(&rt, &emu.client(), tag).1
}

const CA: &str = r#"
resource "pca_ca" "root" {
  alias    = "ephemeral-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Ephemeral Root CA"
  }
}

output "ca_tag" {
  value = pca_ca.root.ca_tag
}
"#;

const END_CERT: &str = r#"
ephemeral "pca_end_cert" "mtls" {
  ca_tag = pca_ca.root.ca_tag
  subject = {
    common_name  = "client.example.com"
    organization = "Example"
  }
  alt_names    = ["client.example.com"]
  ip_addresses = ["10.1.2.3"]
}

ephemeral "pca_end_cert" "kept" {
  ca_tag          = pca_ca.root.ca_tag
  key_type        = "EC256"
  validity_days   = 2
  revoke_on_close = false
  subject = {
    common_name = "kept.example.com"
  }
}

locals {
  # A provider function reads the ephemeral certificate: the result is ephemeral too.
  parsed = provider::pca::parse_certificate(ephemeral.pca_end_cert.mtls.certificate_pem)
}

# Writes what was opened to files, for the test to check.
resource "terraform_data" "probe" {
  provisioner "local-exec" {
    command = "printf '%s' \"$CERT\" > cert.pem && printf '%s' \"$KEY\" > key.pem && printf '%s' \"$CHAIN\" > chain.pem && printf '%s' \"$SERIAL\" > serial.txt && printf '%s' \"$PARSED\" > parsed.txt && printf '%s' \"$KEPT\" > kept.txt && printf '%s %s' \"$NB\" \"$NA\" > validity.txt"
    environment = {
      CERT   = ephemeral.pca_end_cert.mtls.certificate_pem
      KEY    = ephemeral.pca_end_cert.mtls.private_key_pem
      CHAIN  = ephemeral.pca_end_cert.mtls.chain_pem
      SERIAL = ephemeral.pca_end_cert.mtls.serial_number
      PARSED = "${local.parsed.serial_number} ${local.parsed.subject.common_name} ${local.parsed.key_algorithm}"
      KEPT   = ephemeral.pca_end_cert.kept.serial_number
      NB     = ephemeral.pca_end_cert.mtls.not_before
      NA     = ephemeral.pca_end_cert.mtls.not_after
    }
  }
}
"#;

#[test]
fn acc_end_cert_ephemeral_issues_a_usable_certificate_revoked_at_close_and_never_stored() {
    let emu = Emulator::start(&[]);
    let mut ws = workspace(&emu, &format!("{CA}\n{END_CERT}"));
    ws.env("TF_LOG", "trace");
    let out = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.success(), "{out}");
    assert!(
        out.stderr.contains("OpenEphemeralResource")
            && out.stderr.contains("CloseEphemeralResource"),
        "the trace shows open and close"
    );
    let tag = ws.ok(&["output", "-raw", "ca_tag"]);
    let (cert, key, chain) = (
        ws.read("cert.pem"),
        ws.read("key.pem"),
        ws.read("chain.pem"),
    );
    assert!(chain.starts_with("-----BEGIN CERTIFICATE-----"), "{chain}");
    let serial = ws.read("serial.txt");
    let kept = ws.read("kept.txt");
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"), "{cert}");
    assert!(key.contains("PRIVATE KEY-----"), "{key}");
    // The provider function saw the same certificate.
    assert_eq!(
        ws.read("parsed.txt"),
        format!("{serial} client.example.com ECDSA"),
    );
    // A usable pair: the key matches the certificate, the chain verifies it, and it says
    // what was asked for; one day of validity by default.
    let dir = ws.path();
    let from_key = openssl(dir, &["pkey", "-in", "key.pem", "-pubout"]);
    let from_cert = openssl(dir, &["x509", "-in", "cert.pem", "-noout", "-pubkey"]);
    assert_eq!(from_key.trim(), from_cert.trim());
    let verified = openssl(dir, &["verify", "-CAfile", "chain.pem", "cert.pem"]);
    assert!(verified.contains("OK"), "{verified}");
    let text = openssl(dir, &["x509", "-in", "cert.pem", "-noout", "-text"]).replace(" = ", "=");
    for needle in [
        "CN=client.example.com",
        "O=Example",
        "DNS:client.example.com",
        "IP Address:10.1.2.3",
    ] {
        assert!(text.contains(needle), "certificate lacks {needle}:\n{text}");
    }
    let validity = ws.read("validity.txt");
    let (nb, na) = validity.split_once(' ').expect("two times");
    assert!(
        nb.ends_with('Z') && na.ends_with('Z') && nb < na,
        "{validity}"
    );
    assert_eq!(&na[..4], &nb[..4]);
    // Closed: the first is revoked (the CRL lists it), the second was left to expire.
    let revoked = revoked_serials(&emu, &tag);
    assert!(revoked.contains(&serial), "{serial} not in {revoked:?}");
    assert!(!revoked.contains(&kept), "{kept} was revoked: {revoked:?}");
    // Nothing of them in state, or in the trace of the run.
    let state = ws.ok(&["state", "pull"]);
    assert!(
        !state.contains(&serial) && !state.contains("client.example.com"),
        "{state}"
    );
    // (Body lines of the certificate itself may match the CA's: same issuer, same second.)
    assert!(!state.contains(cert.trim()), "the certificate is in state");
    assert_clean("state", &state, &[&key]);
    assert_clean("trace log of apply", &out.combined(), &[&key]);
    // A saved plan opens (and closes) again; its file holds none of it either.
    ws.env("TF_LOG", "");
    ws.ok(&["plan", "-out=p.tfplan", "-no-color"]);
    let show = ws.ok(&["show", "-json", "p.tfplan"]);
    assert_clean("plan JSON", &show, &[&key]);
    assert!(!show.contains(&serial), "the certificate is in the plan");
    for (name, text) in plan_file_texts(&ws, "p.tfplan") {
        assert_clean(&name, &text, &[&key]);
        assert!(!text.contains(&serial), "{name} holds the serial");
    }
    // Issue, then revoke at close: every open is matched by a revoke (the kept one aside).
    let reqs = emu.requests();
    let path_ends = |r: &String, tail: &str| {
        r.starts_with("POST ") && r.split(' ').nth(1).is_some_and(|p| p.ends_with(tail))
    };
    let issued = reqs.iter().filter(|r| path_ends(r, "/cert")).count();
    let revokes = reqs.iter().filter(|r| path_ends(r, "/revoke")).count();
    assert!(issued >= 4 && revokes * 2 == issued, "{reqs:#?}");
}

#[test]
fn acc_end_cert_ephemeral_bad_input_names_the_attribute_without_any_request() {
    let emu = Emulator::start(&[]);
    let cases = &[
        (
            r#"ephemeral "pca_end_cert" "c" {
  ca_tag   = "abc"
  key_type = "DSA"
  subject  = { common_name = "x" }
}"#,
            "key_type",
            "EC256",
        ),
        (
            r#"ephemeral "pca_end_cert" "c" {
  ca_tag        = "abc"
  validity_days = 0
  subject       = { common_name = "x" }
}"#,
            "validity_days",
            "3650",
        ),
        (
            r#"ephemeral "pca_end_cert" "c" {
  ca_tag       = "abc"
  subject      = { common_name = "x" }
  ip_addresses = ["10.0.0.300"]
}"#,
            "ip_addresses",
            "IP",
        ),
        (
            r#"ephemeral "pca_end_cert" "c" {
  ca_tag  = ""
  subject = { common_name = "x" }
}"#,
            "ca_tag",
            "1",
        ),
        (
            r#"ephemeral "pca_end_cert" "c" {
  ca_tag = "abc"
}"#,
            "subject",
            "required",
        ),
    ];
    assert_rejected_without_requests(&emu, cases);
}
