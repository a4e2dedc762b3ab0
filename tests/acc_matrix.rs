//! The core scenario on every Terraform version of the matrix: a provider block, a root and
//! a sub CA, certificates both ways (CA-made key and CSR), an empty re-plan, import (the
//! CLI, and an `import {}` block on versions that have them), and destroy.
//!
//! `scripts/test` runs the CI subset (1.0.3, 1.10.5, 1.15.5); `scripts/test-matrix` runs
//! every version through the ignored test [`acc_matrix_selected`] (`PCA_TF_VERSION=1.8.4`).

mod support;

use std::path::Path;
use std::process::Command;
use support::emulator::Emulator;
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

const CORE: &str = r#"
resource "pca_ca" "root" {
  alias    = "mx-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Matrix Root CA"
    country     = "KR"
  }
}

resource "pca_ca" "sub" {
  alias         = "mx-sub"
  ca_type       = "PRIVATE_SUB"
  issuer_ca_tag = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 400
  subject = {
    common_name = "Matrix Sub CA"
    country     = "KR"
  }
}

resource "pca_end_cert" "made" {
  ca_tag        = pca_ca.sub.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "made.matrix.example"
  }
  alt_names = ["made.matrix.example"]
}

output "root_tag" { value = pca_ca.root.ca_tag }
output "made_id" { value = "${pca_end_cert.made.ca_tag}/${pca_end_cert.made.serial_number}" }
"#;

/// The certificate signed from a CSR: its `subject` stays null.
const FROM_CSR: &str = r#"
resource "pca_end_cert" "csr" {
  ca_tag  = pca_ca.sub.ca_tag
  csr_pem = file("${path.module}/app.csr.pem")
}

output "csr_pem" { value = pca_end_cert.csr.certificate_pem }
"#;

fn assert_empty_plan(ws: &Workspace, what: &str) {
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        plan.code,
        Some(0),
        "{}: {what}: the plan must be empty: {plan}",
        ws.version()
    );
}

fn write_csr(ws: &Workspace) {
    let out = Command::new("openssl")
        .args(["req", "-new", "-newkey", "ec"])
        .args(["-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"])
        .args(["-subj", "/CN=app.matrix.example"])
        .args(["-keyout", "app.key.pem", "-out", "app.csr.pem"])
        .current_dir(ws.path())
        .output()
        .expect("openssl must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The core scenario on one version, against its own emulator.
fn core_scenario(version: TerraformVersion) {
    let emu = Emulator::start(&[]);
    let ws = Workspace::new(version, Path::new(PROVIDER_BINARY));
    let main = format!("{}\n{}\n{CORE}", ws.terraform_block(), emu.provider_block());
    write_csr(&ws);
    // `pca_end_cert.subject` is a map (no nested attribute left null from a CSR), so
    // Terraform 1.0.0 to 1.0.4 (hashicorp/terraform#29388) handle it too.
    let with_csr = true;
    ws.write("main.tf", &format!("{main}{FROM_CSR}"));
    ws.init();
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_empty_plan(&ws, "after apply");

    if with_csr {
        let pem = ws.ok(&["output", "-raw", "csr_pem"]);
        assert!(pem.contains("BEGIN CERTIFICATE"), "{pem}");
    }

    // Import through the CLI: forget the root CA and a certificate, import both back (a sub
    // CA imported would plan recording its issuer_ca_tag, see acc_subca).
    let root_tag = ws.ok(&["output", "-raw", "root_tag"]);
    let made_id = ws.ok(&["output", "-raw", "made_id"]);
    ws.ok(&["state", "rm", "pca_ca.root", "pca_end_cert.made"]);
    ws.ok(&["import", "-no-color", "pca_ca.root", &root_tag]);
    ws.ok(&["import", "-no-color", "pca_end_cert.made", &made_id]);
    // `state rm` dropped the outputs that name them (Terraform 1.0 plans them back).
    ws.ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    assert_empty_plan(&ws, "after terraform import");

    // Import blocks (Terraform 1.5+): the same through configuration.
    if version.minor() >= (1, 5) {
        ws.ok(&["state", "rm", "pca_end_cert.made"]);
        ws.write(
            "import.tf",
            &format!("import {{\n  to = pca_end_cert.made\n  id = \"{made_id}\"\n}}\n"),
        );
        let plan = ws.ok(&["plan", "-no-color"]);
        assert!(
            plan.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
            "{version}: {plan}"
        );
        ws.ok(&["apply", "-auto-approve", "-no-color"]);
        std::fs::remove_file(ws.path().join("import.tf")).expect("remove import.tf");
        assert_empty_plan(&ws, "after an import block");
    }

    // Exactly what the configuration asked for exists, once.
    let records = emu.requests();
    let creates = records
        .iter()
        .filter(|r| r.as_str() == "POST /api/v1/ca -> 200")
        .count();
    assert_eq!(creates, 2, "{version}: two CAs created: {records:#?}");

    let out = ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    let count = if with_csr { 4 } else { 3 };
    assert!(
        out.contains(&format!("Destroy complete! Resources: {count} destroyed.")),
        "{version}: {out}"
    );
    let left = emu.requests();
    assert!(
        left.iter()
            .filter(|r| r.starts_with("DELETE /api/v1/ca/"))
            .count()
            == 2,
        "{version}: both CAs deleted: {left:#?}"
    );
}

#[test]
fn acc_matrix_core_1_0_3() {
    core_scenario(TerraformVersion::V1_0_3);
}

#[test]
fn acc_matrix_core_1_10_5() {
    core_scenario(TerraformVersion::parse("1.10.5"));
}

#[test]
fn acc_matrix_core_1_15_5() {
    core_scenario(TerraformVersion::V1_15_5);
}

/// The version named by `PCA_TF_VERSION` (scripts/test-matrix sets it); fails without it.
#[test]
#[ignore = "run by scripts/test-matrix with PCA_TF_VERSION set"]
fn acc_matrix_selected() {
    let number = std::env::var("PCA_TF_VERSION")
        .expect("set PCA_TF_VERSION to the Terraform version to test (see scripts/test-matrix)");
    core_scenario(TerraformVersion::parse(&number));
}
