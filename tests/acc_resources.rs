//! Acceptance tests of the resources with real Terraform against `pca-emulator`: each test
//! starts its own emulator on a free port.

mod support;

use std::path::Path;
use support::emulator::Emulator;
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

const ROOT_AND_CERT: &str = r#"
resource "pca_ca" "root" {
  alias    = "root-ca"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name  = "Example Root CA"
    country      = "KR"
    organization = "Example"
  }
  memo = "managed by terraform"
}

resource "pca_end_cert" "web" {
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "web.example.com"
  }
  alt_names    = ["web.example.com", "www.example.com"]
  ip_addresses = ["10.0.0.1"]
}

output "root_pem" { value = pca_ca.root.certificate_pem }
output "cert_pem" { value = pca_end_cert.web.certificate_pem }
output "serial" { value = pca_end_cert.web.serial_number }
"#;

fn apply_plan_destroy(version: TerraformVersion) {
    let emu = Emulator::start(&[]);
    let ws = workspace(version, &emu, ROOT_AND_CERT);
    ws.init();
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 2 added"), "{out}");
    let root = ws.ok(&["output", "-raw", "root_pem"]);
    let cert = ws.ok(&["output", "-raw", "cert_pem"]);
    assert!(root.contains("BEGIN CERTIFICATE") && cert.contains("BEGIN CERTIFICATE"));
    openssl_verify(&ws, &root, &cert);
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        plan.code,
        Some(0),
        "{version}: plan after apply must be empty: {plan}"
    );
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
}

#[test]
fn acc_ca_root_and_cert_apply_plan_destroy_1_15_5() {
    apply_plan_destroy(TerraformVersion::V1_15_5);
}

#[test]
fn acc_ca_root_and_cert_apply_plan_destroy_1_0_3() {
    apply_plan_destroy(TerraformVersion::V1_0_3);
}

/// `openssl verify` of `leaf` against `root`.
fn openssl_verify(ws: &Workspace, root: &str, leaf: &str) {
    let dir = ws.path();
    std::fs::write(dir.join("root.pem"), root).expect("write");
    std::fs::write(dir.join("leaf.pem"), leaf).expect("write");
    let out = std::process::Command::new("openssl")
        .args(["verify", "-CAfile", "root.pem", "leaf.pem"])
        .current_dir(dir)
        .output()
        .expect("openssl must be installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("leaf.pem: OK"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CSR that changes only in formatting (CRLF line ends) updates the state in place, and
/// the next plan is empty (it used to plan an invalid value and diff forever).
#[test]
fn acc_end_cert_csr_reformat_updates_in_place() {
    let emu = Emulator::start(&[]);
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "lf.csr",
            "-subj",
            "/CN=csr.example.com",
        ])
        .current_dir(ws.path())
        .output()
        .expect("openssl must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ws.write("crlf.csr", &ws.read("lf.csr").replace('\n', "\r\n"));
    let config = |csr: &str| {
        format!(
            "{}\n{}\n{}\nresource \"pca_end_cert\" \"csr\" {{\n  ca_tag  = pca_ca.root.ca_tag\n  csr_pem = file(\"{csr}\")\n}}\n",
            ws.terraform_block(),
            emu.provider_block(),
            &ROOT_AND_CERT[..ROOT_AND_CERT.find("resource \"pca_end_cert\"").unwrap_or(0)]
        )
    };
    ws.write("main.tf", &config("lf.csr"));
    ws.init();
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    ws.write("main.tf", &config("crlf.csr"));
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "the plan must be empty: {plan}");
}
