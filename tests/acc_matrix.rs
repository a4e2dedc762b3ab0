//! The core scenario on every Terraform version of the matrix: a provider block, a root and
//! a sub CA, certificates both ways (CA-made key and CSR), an empty re-plan, import (the
//! CLI, and an `import {}` block on versions that have them), and destroy. With the newer
//! features on, each version also exercises what it has: provider functions (1.8+), the
//! ephemeral `pca_key_pair` and `pca_end_cert` (1.10+), the write-only `csr_pem_wo` (1.11+),
//! import by identity (1.12+), an action and a list
//! resource with `terraform query` (1.14+).
//!
//! `scripts/test` runs the CI subset (1.0.3 and 1.15.5 core only, 1.10.5 with its newer
//! features; 1.15.5's features have their own acceptance tests); `scripts/test-matrix` runs
//! every version with every feature it has through the ignored test [`acc_matrix_selected`]
//! (`PCA_TF_VERSION=1.8.4`), which prints `matrix exercised: …`.

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

/// Provider functions (Terraform 1.8+): both parse functions in outputs.
const FUNCTIONS: &str = r#"
output "fn_cert_cn" {
  value = provider::pca::parse_certificate(pca_end_cert.made.certificate_pem).subject.common_name
}

output "fn_csr_cn" {
  value = provider::pca::parse_csr(file("${path.module}/app.csr.pem")).subject.common_name
}
"#;

/// The ephemeral key pair and a short-lived ephemeral certificate (Terraform 1.10+): their
/// values reach a provisioner, never the state; the certificate is revoked at close.
const EPHEMERAL: &str = r#"
ephemeral "pca_key_pair" "k" {
  key_type = "EC256"
  subject = {
    common_name = "eph.matrix.example"
  }
}

ephemeral "pca_end_cert" "short" {
  ca_tag   = pca_ca.sub.ca_tag
  key_type = "EC256"
  subject = {
    common_name = "short.matrix.example"
  }
}

resource "terraform_data" "eph" {
  provisioner "local-exec" {
    command = "printf '%s' \"$CSR\" > eph.csr.pem && printf '%s' \"$SERIAL\" > eph.serial"
    environment = {
      CSR    = ephemeral.pca_key_pair.k.csr_pem
      SERIAL = ephemeral.pca_end_cert.short.serial_number
    }
  }
}
"#;

/// The write-only CSR (Terraform 1.11+): the ephemeral key pair's CSR is signed, and
/// nothing of it reaches the state.
const WRITE_ONLY: &str = r#"
resource "pca_end_cert" "wo" {
  ca_tag             = pca_ca.sub.ca_tag
  csr_pem_wo         = ephemeral.pca_key_pair.k.csr_pem
  csr_pem_wo_version = 1
}
"#;

/// The newer features the version has, each checked; returns their names, and how many
/// resources they added to the configuration.
fn newer_features(
    ws: &Workspace,
    emu: &Emulator,
    version: TerraformVersion,
    root_tag: &str,
    made_id: &str,
) -> (Vec<&'static str>, usize) {
    let mut done = Vec::new();
    let mut added = 0;
    let minor = version.minor();
    if minor >= (1, 8) {
        ws.write("functions.tf", FUNCTIONS);
        ws.ok(&["apply", "-auto-approve", "-no-color"]);
        let cn = ws.ok(&["output", "-raw", "fn_cert_cn"]);
        assert_eq!(
            cn.trim(),
            "made.matrix.example",
            "{version}: parse_certificate"
        );
        let cn = ws.ok(&["output", "-raw", "fn_csr_cn"]);
        assert_eq!(cn.trim(), "app.matrix.example", "{version}: parse_csr");
        assert_empty_plan(ws, "with provider functions");
        done.push("functions");
    }
    if minor >= (1, 10) {
        ws.write("ephemeral.tf", EPHEMERAL);
        ws.ok(&["apply", "-auto-approve", "-no-color"]);
        added += 1;
        let csr = ws.read("eph.csr.pem");
        assert!(
            csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"),
            "{version}: the ephemeral CSR: {csr}"
        );
        let state = ws.read("terraform.tfstate");
        let body = csr.lines().nth(1).unwrap_or_default();
        assert!(
            !state.contains("PRIVATE KEY") && !state.contains(body),
            "{version}: nothing of the ephemeral key pair in state"
        );
        // The ephemeral certificate was issued, is in no state, and was revoked at close.
        let serial = ws.read("eph.serial");
        assert!(
            serial.contains(':'),
            "{version}: ephemeral serial {serial:?}"
        );
        assert!(
            !state.contains(&serial),
            "{version}: ephemeral certificate in state"
        );
        let revokes = emu
            .requests()
            .iter()
            .filter(|r| r.ends_with("/revoke -> 200"))
            .count();
        assert!(
            revokes >= 1,
            "{version}: revoked at close: {:#?}",
            emu.requests()
        );
        assert_empty_plan(ws, "with ephemeral resources");
        done.push("ephemeral");
    }
    if minor >= (1, 11) {
        let signs = |emu: &Emulator| {
            emu.requests()
                .iter()
                .filter(|r| r.ends_with("/cert/sign -> 200"))
                .count()
        };
        let before = signs(emu);
        ws.write("write_only.tf", WRITE_ONLY);
        ws.ok(&["apply", "-auto-approve", "-no-color"]);
        added += 1;
        let state: serde_json::Value =
            serde_json::from_str(&ws.read("terraform.tfstate")).expect("state JSON");
        let wo = state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["type"] == "pca_end_cert" && r["name"] == "wo")
            .map(|r| r["instances"][0]["attributes"].clone())
            .unwrap_or_default();
        assert!(
            wo["certificate_pem"].is_string()
                && wo["csr_pem_wo"].is_null()
                && wo["csr_pem"].is_null(),
            "{version}: the write-only CSR is not in state: {wo}"
        );
        assert_eq!(
            signs(emu),
            before + 1,
            "{version}: the write-only CSR was signed"
        );
        assert_empty_plan(ws, "with a write-only CSR");
        done.push("write-only");
    }
    if minor >= (1, 12) {
        let (tag, serial) = made_id.split_once('/').expect("tag/serial");
        ws.ok(&["state", "rm", "pca_end_cert.made"]);
        ws.write(
            "import.tf",
            &format!(
                "import {{\n  to = pca_end_cert.made\n  identity = {{\n    ca_tag        = \"{tag}\"\n    serial_number = \"{serial}\"\n  }}\n}}\n"
            ),
        );
        let plan = ws.ok(&["plan", "-no-color"]);
        assert!(
            plan.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
            "{version}: import by identity: {plan}"
        );
        ws.ok(&["apply", "-auto-approve", "-no-color"]);
        std::fs::remove_file(ws.path().join("import.tf")).expect("remove import.tf");
        assert_empty_plan(ws, "after an import by identity");
        done.push("identity");
    }
    if minor >= (1, 14) {
        ws.write(
            "actions.tf",
            "action \"pca_rotate_crl\" \"root\" {\n  config {\n    ca_tag = pca_ca.root.ca_tag\n  }\n}\n",
        );
        let out = ws.ok(&[
            "apply",
            "-auto-approve",
            "-no-color",
            "-invoke=action.pca_rotate_crl.root",
        ]);
        assert!(out.contains("Rotate CRL on CA"), "{version}: {out}");
        let rotate = format!("POST /api/v1/ca/{root_tag}/crl/rotate -> 200");
        assert!(
            emu.requests().contains(&rotate),
            "{version}: the action rotated the CRL: {:#?}",
            emu.requests()
        );
        done.push("actions");

        let (sub_tag, serial) = made_id.split_once('/').expect("tag/serial");
        ws.write(
            "find.tfquery.hcl",
            &format!(
                "list \"pca_end_cert\" \"certs\" {{\n  provider = pca\n  config {{\n    ca_tag = \"{sub_tag}\"\n  }}\n}}\n"
            ),
        );
        let out = ws.ok(&["query", "-no-color"]);
        assert!(
            out.contains(serial),
            "{version}: terraform query lists the certificate {serial}: {out}"
        );
        std::fs::remove_file(ws.path().join("find.tfquery.hcl")).expect("remove the query");
        assert_empty_plan(ws, "after an action and a query");
        done.push("list");
    }
    (done, added)
}

/// The core scenario on one version, against its own emulator; with `features`, also the
/// newer features the version has. Returns what was exercised.
fn core_scenario(version: TerraformVersion, features: bool) -> Vec<&'static str> {
    let mut exercised = vec!["core", "import-cli"];
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
        exercised.push("import-block");
    }

    let mut added = 0;
    if features {
        let (done, more) = newer_features(&ws, &emu, version, &root_tag, &made_id);
        exercised.extend(done);
        added = more;
    }

    // Exactly what the configuration asked for exists, once.
    let records = emu.requests();
    let creates = records
        .iter()
        .filter(|r| r.as_str() == "POST /api/v1/ca -> 200")
        .count();
    assert_eq!(creates, 2, "{version}: two CAs created: {records:#?}");

    let out = ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    let count = if with_csr { 4 } else { 3 } + added;
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
    exercised
}

#[test]
fn acc_matrix_core_1_0_3() {
    core_scenario(TerraformVersion::V1_0_3, false);
}

#[test]
fn acc_matrix_core_1_10_5_with_functions_and_ephemeral() {
    let done = core_scenario(TerraformVersion::parse("1.10.5"), true);
    assert_eq!(
        done,
        [
            "core",
            "import-cli",
            "import-block",
            "functions",
            "ephemeral"
        ]
    );
}

#[test]
fn acc_matrix_core_1_15_5() {
    core_scenario(TerraformVersion::V1_15_5, false);
}

/// The version named by `PCA_TF_VERSION` (scripts/test-matrix sets it); fails without it.
#[test]
#[ignore = "run by scripts/test-matrix with PCA_TF_VERSION set"]
fn acc_matrix_selected() {
    let number = std::env::var("PCA_TF_VERSION")
        .expect("set PCA_TF_VERSION to the Terraform version to test (see scripts/test-matrix)");
    let done = core_scenario(TerraformVersion::parse(&number), true);
    // scripts/test-matrix prints this line beside the version's verdict.
    eprintln!("matrix exercised: {}", done.join(", "));
}
