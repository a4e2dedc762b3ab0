//! Acceptance tests of the write-only CSR of `pca_end_cert` (`csr_pem_wo` +
//! `csr_pem_wo_version`) with real Terraform against `pca-emulator`: a key made by the
//! ephemeral `pca_key_pair` gets a certificate while neither the key nor the CSR reaches
//! state, a saved plan or a `TF_LOG=trace` log; a version bump re-issues; bad input is a
//! plan-time error at the attribute with no API request; Terraform older than 1.11 (which
//! would store the value) refuses it at validate.

mod support;

use std::path::Path;
use support::emulator::Emulator;
use support::openssl::openssl;
use support::secrets::{assert_clean, plan_file_texts};
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

fn workspace(version: TerraformVersion, emu: &Emulator, body: &str) -> Workspace {
    let ws = Workspace::new(version, Path::new(PROVIDER_BINARY));
    ws.write(
        "main.tf",
        &format!("{}\n{}\n{body}", ws.terraform_block(), emu.provider_block()),
    );
    ws
}

/// A CSR made outside Terraform (for the tests that need a literal one).
fn literal_csr() -> String {
    let key = rcgen::KeyPair::generate().expect("key");
    rcgen::CertificateParams::new(vec!["old.example.com".to_owned()])
        .expect("params")
        .serialize_request(&key)
        .expect("csr")
        .pem()
        .expect("pem")
}

fn sign_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| {
            r.starts_with("POST ")
                && r.split(' ')
                    .nth(1)
                    .is_some_and(|p| p.ends_with("/cert/sign"))
        })
        .count()
}

const CA: &str = r#"
resource "pca_ca" "root" {
  alias    = "write-only-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Write-only Root CA"
  }
}
"#;

const WRITE_ONLY: &str = r#"
variable "csr_version" {
  type    = number
  default = 1
}

ephemeral "pca_key_pair" "k" {
  key_type  = "EC256"
  subject   = { common_name = "wo.example.com" }
  alt_names = ["wo.example.com"]
}

resource "pca_end_cert" "wo" {
  ca_tag             = pca_ca.root.ca_tag
  csr_pem_wo         = ephemeral.pca_key_pair.k.csr_pem
  csr_pem_wo_version = var.csr_version
  validity_days      = 30
}

# Stands for the secret store: receives the key of this apply (provisioners may read
# ephemeral values) and writes it where the test can compare it with the certificate.
resource "terraform_data" "secret_store" {
  triggers_replace = [var.csr_version]
  provisioner "local-exec" {
    command = "printf '%s' \"$KEY\" > key.pem && printf '%s' \"$CSR\" > csr.pem"
    environment = {
      KEY = ephemeral.pca_key_pair.k.private_key_pem
      CSR = ephemeral.pca_key_pair.k.csr_pem
    }
  }
}

output "serial" {
  value = pca_end_cert.wo.serial_number
}

output "certificate_pem" {
  value = pca_end_cert.wo.certificate_pem
}
"#;

#[test]
fn acc_write_only_csr_issues_a_certificate_whose_key_and_csr_are_nowhere_stored() {
    let emu = Emulator::start(&[]);
    let mut ws = workspace(
        TerraformVersion::V1_15_5,
        &emu,
        &format!("{CA}\n{WRITE_ONLY}"),
    );
    // A saved plan: its JSON and every member of the file.
    ws.env("TF_LOG", "trace");
    let planned = ws.run(&["plan", "-out=p.tfplan", "-no-color"]);
    assert!(planned.success(), "{planned}");
    assert!(
        planned.stdout.contains("csr_pem_wo") && planned.stdout.contains("(write-only attribute)"),
        "{}",
        planned.stdout
    );
    let show = ws.ok(&["show", "-json", "p.tfplan"]);
    assert_clean("plan JSON", &show, &[]);
    for (name, text) in plan_file_texts(&ws, "p.tfplan") {
        assert_clean(&name, &text, &[]);
    }
    assert_clean("trace log of plan", &planned.combined(), &[]);
    // Apply the saved plan, traced.
    let out = ws.run(&["apply", "-auto-approve", "-no-color", "p.tfplan"]);
    assert!(out.success(), "{out}");
    let (key, csr) = (ws.read("key.pem"), ws.read("csr.pem"));
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
    assert!(csr.contains("CERTIFICATE REQUEST"), "{csr}");
    assert_clean("trace log of apply", &out.combined(), &[&key, &csr]);
    let state = ws.ok(&["state", "pull"]);
    assert_clean("state", &state, &[&key, &csr]);
    assert!(state.contains("\"csr_pem_wo\": null"), "{state}");
    // The certificate is for the key of this apply, signed from its CSR.
    let cert = ws.ok(&["output", "-raw", "certificate_pem"]);
    ws.write("cert.pem", &cert);
    let dir = ws.path().to_path_buf();
    let dir = dir.as_path();
    let from_key = openssl(dir, &["pkey", "-in", "key.pem", "-pubout"]);
    let from_cert = openssl(dir, &["x509", "-in", "cert.pem", "-noout", "-pubkey"]);
    assert_eq!(from_key.trim(), from_cert.trim());
    let text = openssl(dir, &["x509", "-in", "cert.pem", "-noout", "-text"]).replace(" = ", "=");
    assert!(
        text.contains("CN=wo.example.com") && text.contains("DNS:wo.example.com"),
        "{text}"
    );
    assert_eq!(sign_requests(&emu), 1);
    // A new key at every plan, yet nothing to do: write-only values make no diff.
    ws.env("TF_LOG", "");
    let again = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(again.code, Some(0), "{again}");
    // Bumping the version re-issues, from the key of that apply.
    let first = ws.ok(&["output", "-raw", "serial"]);
    let plan = ws.ok(&["plan", "-no-color", "-var", "csr_version=2"]);
    assert!(
        plan.contains("must be replaced") && plan.contains("csr_pem_wo_version"),
        "{plan}"
    );
    ws.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-var",
        "csr_version=2",
    ]);
    let second = ws.ok(&["output", "-raw", "serial"]);
    assert_ne!(first, second);
    assert_eq!(sign_requests(&emu), 2);
    let cert = ws.ok(&["output", "-raw", "certificate_pem"]);
    ws.write("cert.pem", &cert);
    let from_key = openssl(dir, &["pkey", "-in", "key.pem", "-pubout"]);
    let from_cert = openssl(dir, &["x509", "-in", "cert.pem", "-noout", "-pubkey"]);
    assert_eq!(from_key.trim(), from_cert.trim());
    let state = ws.ok(&["state", "pull"]);
    assert_clean(
        "state after the re-issue",
        &state,
        &[&ws.read("key.pem"), &ws.read("csr.pem")],
    );
    let again = ws.run(&[
        "plan",
        "-no-color",
        "-detailed-exitcode",
        "-var",
        "csr_version=2",
    ]);
    assert_eq!(again.code, Some(0), "{again}");
}

#[test]
fn acc_write_only_csr_bad_input_names_the_attribute_without_any_request() {
    let emu = Emulator::start(&[]);
    let key_pair = r#"
ephemeral "pca_key_pair" "k" {
  key_type = "EC256"
  subject  = { common_name = "x.example.com" }
}
"#;
    for (body, attr, text) in [
        (
            r#"resource "pca_end_cert" "c" {
  ca_tag     = "abc"
  csr_pem_wo = "not a CSR"
}"#,
            "csr_pem_wo",
            "CSR",
        ),
        (
            r#"resource "pca_end_cert" "c" {
  ca_tag     = "abc"
  csr_pem_wo = ephemeral.pca_key_pair.k.csr_pem
  key_type   = "EC256"
}"#,
            "key_type",
            "csr_pem_wo",
        ),
        (
            r#"resource "pca_end_cert" "c" {
  ca_tag     = "abc"
  csr_pem_wo = ephemeral.pca_key_pair.k.csr_pem
  csr_pem    = file("other.csr.pem")
}"#,
            "csr_pem",
            "csr_pem_wo",
        ),
        (
            r#"resource "pca_end_cert" "c" {
  ca_tag             = "abc"
  subject            = { common_name = "x" }
  csr_pem_wo_version = 1
}"#,
            "csr_pem_wo_version",
            "csr_pem_wo",
        ),
    ] {
        let ws = workspace(
            TerraformVersion::V1_15_5,
            &emu,
            &format!("{key_pair}\n{body}"),
        );
        ws.write("other.csr.pem", &literal_csr());
        let out = ws.fails(&["plan", "-no-color"]);
        assert!(
            out.contains("with pca_end_cert.c,") && out.contains(attr) && out.contains(text),
            "{body}:\n{out}"
        );
        assert!(!out.contains("panic"), "{out}");
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[test]
fn acc_write_only_csr_is_refused_at_validate_by_terraform_before_1_11() {
    let emu = Emulator::start(&[]);
    let csr = literal_csr();
    for version in [TerraformVersion::V1_0_3, TerraformVersion::parse("1.10.5")] {
        let body = format!(
            "resource \"pca_end_cert\" \"c\" {{\n  ca_tag     = \"abc\"\n  csr_pem_wo = <<-EOT\n{csr}  EOT\n}}\n"
        );
        let ws = workspace(version, &emu, &body);
        ws.init();
        let out = ws.fails(&["validate", "-no-color"]);
        assert!(
            out.contains("csr_pem_wo")
                && out.contains("Terraform 1.11")
                && out.contains("write-only"),
            "{version}:\n{out}"
        );
        assert!(!out.contains("panic"), "{out}");
        // The rest of the resource still works there: the ordinary CSR plans.
        ws.write("main.tf", &format!(
            "{}\n{}\nresource \"pca_end_cert\" \"c\" {{\n  ca_tag  = \"abc\"\n  csr_pem = <<-EOT\n{csr}  EOT\n}}\n",
            ws.terraform_block(),
            emu.provider_block()
        ));
        let plan = ws.ok(&["plan", "-no-color"]);
        assert!(
            plan.contains("pca_end_cert.c will be created"),
            "{version}:\n{plan}"
        );
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[test]
fn acc_write_only_csr_unknown_at_plan_is_signed_at_apply() {
    let emu = Emulator::start(&[]);
    // The key pair's subject is known only at apply, so csr_pem_wo is unknown at plan.
    let body = format!(
        r#"{CA}
resource "terraform_data" "name" {{
  input = "later.example.com"
}}

ephemeral "pca_key_pair" "k" {{
  key_type = "EC256"
  subject  = {{ common_name = terraform_data.name.output }}
}}

resource "pca_end_cert" "wo" {{
  ca_tag             = pca_ca.root.ca_tag
  csr_pem_wo         = ephemeral.pca_key_pair.k.csr_pem
  csr_pem_wo_version = 1
}}

output "certificate_pem" {{
  value = pca_end_cert.wo.certificate_pem
}}
"#
    );
    let ws = workspace(TerraformVersion::V1_15_5, &emu, &body);
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(plan.contains("pca_end_cert.wo will be created"), "{plan}");
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    ws.write("cert.pem", &ws.ok(&["output", "-raw", "certificate_pem"]));
    let text = openssl(
        ws.path(),
        &["x509", "-in", "cert.pem", "-noout", "-subject"],
    );
    assert!(
        text.replace(" = ", "=").contains("CN=later.example.com"),
        "{text}"
    );
    assert_eq!(sign_requests(&emu), 1);
    let again = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(again.code, Some(0), "{again}");
}
