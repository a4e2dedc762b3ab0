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
    let out = ws.run(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.success(), "{out}");
    if version == TerraformVersion::V1_15_5 {
        // Terraform 1.3+ plans destroys with the provider, which warns about the cascade.
        assert!(
            out.combined()
                .contains("Destroying a CA Also Ends Its Sub CAs"),
            "{out}"
        );
    }
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

/// Runs `body` against a fresh emulator with Terraform 1.15.5 and applies it.
fn applied(body: &str) -> (Emulator, Workspace) {
    let emu = Emulator::start(&[]);
    let ws = workspace(TerraformVersion::V1_15_5, &emu, body);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    (emu, ws)
}

/// `terraform state show -no-color ADDR` attribute value (string attributes only).
fn state_attr(ws: &Workspace, addr: &str, attr: &str) -> String {
    let out = ws.ok(&["state", "show", "-no-color", addr]);
    out.lines()
        .map(str::trim)
        .find_map(|l| {
            let (k, v) = l.split_once(" = ")?;
            (k.trim() == attr).then(|| v.trim().trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| panic!("{addr}.{attr} not in state:\n{out}"))
}

fn plan_code(ws: &Workspace) -> (Option<i32>, String) {
    let p = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    let text = p.combined();
    (p.code, text)
}

#[test]
fn acc_ca_bad_input_fails_at_plan_without_any_request() {
    let emu = Emulator::start(&[]);
    let long_cn = "x".repeat(65);
    let body = format!(
        r#"
resource "pca_ca" "bad" {{
  alias         = "1x"
  ca_type       = "PRIVATE_ROOT"
  key_type      = "RSA1024"
  validity_days = 0
  subject = {{
    common_name = "{long_cn}"
    country     = "KOR"
  }}
}}
"#
    );
    let ws = workspace(TerraformVersion::V1_15_5, &emu, &body);
    let out = ws.fails(&["plan", "-no-color"]);
    for needle in [
        "alias         = \"1x\"",
        "key_type      = \"RSA1024\"",
        "validity_days = 0",
        "Attribute subject.common_name",
        "Attribute subject.country",
    ] {
        assert!(out.contains(needle), "missing {needle:?}:\n{out}");
    }
    assert!(
        emu.requests().is_empty(),
        "the emulator saw requests: {:?}",
        emu.requests()
    );
}

#[test]
fn acc_ca_in_place_update_changes_nothing_else() {
    let (emu, ws) = applied(ROOT_AND_CERT);
    let cert_before = state_attr(&ws, "pca_ca.root", "certificate_pem");
    let serial_before = state_attr(&ws, "pca_end_cert.web", "serial_number");
    let updated = ROOT_AND_CERT.replace(
        "memo = \"managed by terraform\"",
        "memo = \"changed\"\n  status = \"DEACTIVATED\"",
    );
    ws.write(
        "main.tf",
        &format!(
            "{}\n{}\n{updated}",
            ws.terraform_block(),
            emu.provider_block()
        ),
    );
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("0 to add, 1 to change, 0 to destroy"),
        "{text}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_attr(&ws, "pca_ca.root", "memo"), "changed");
    assert_eq!(state_attr(&ws, "pca_ca.root", "status"), "DEACTIVATED");
    assert_eq!(
        state_attr(&ws, "pca_ca.root", "certificate_pem"),
        cert_before
    );
    assert_eq!(
        state_attr(&ws, "pca_end_cert.web", "serial_number"),
        serial_before
    );
    assert_eq!(plan_code(&ws).0, Some(0));
}

#[test]
fn acc_ca_and_cert_import_then_empty_plan() {
    let (emu, ws) = applied(ROOT_AND_CERT);
    let ca_tag = state_attr(&ws, "pca_ca.root", "ca_tag");
    let cert_id = format!(
        "{ca_tag}/{}",
        state_attr(&ws, "pca_end_cert.web", "serial_number")
    );
    // A second workspace with the same configuration imports both objects.
    let ws2 = workspace(TerraformVersion::V1_15_5, &emu, ROOT_AND_CERT);
    ws2.ok(&["import", "-no-color", "pca_ca.root", &ca_tag]);
    ws2.ok(&["import", "-no-color", "pca_end_cert.web", &cert_id]);
    let (code, text) = plan_code(&ws2);
    assert_eq!(code, Some(0), "import then plan must be empty: {text}");
    // The same with import blocks, in a third workspace.
    let ws3 = workspace(TerraformVersion::V1_15_5, &emu, ROOT_AND_CERT);
    ws3.write(
        "imports.tf",
        &format!(
            "import {{\n  to = pca_ca.root\n  id = \"{ca_tag}\"\n}}\nimport {{\n  to = pca_end_cert.web\n  id = \"{cert_id}\"\n}}\n"
        ),
    );
    let (_, text) = plan_code(&ws3);
    assert!(
        text.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{text}"
    );
    drop(ws);
}

#[test]
fn acc_ca_drift_deleted_ca_and_revoked_cert_are_planned() {
    let (emu, ws) = applied(ROOT_AND_CERT);
    let ca_tag = state_attr(&ws, "pca_ca.root", "ca_tag");
    let serial = state_attr(&ws, "pca_end_cert.web", "serial_number");
    let client = emu.client();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // Revoked outside Terraform: the certificate is replaced.
    rt.block_on(client.revoke_end_cert(&ca_tag.as_str().into(), &serial.as_str().into()))
        .expect("revoke");
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("pca_end_cert.web must be replaced"), "{text}");
    assert!(
        text.contains("1 to add, 0 to change, 1 to destroy"),
        "{text}"
    );
    // Deleted outside Terraform: the CA is created again.
    let tag = pca::api::model::CaTag::from(ca_tag.as_str());
    let destroying = pca::api::model::UpdateCaRequest {
        status: pca::api::model::CaStatus::Destroying,
        memo: None,
    };
    rt.block_on(client.update_ca(&tag, &destroying))
        .expect("destroying");
    rt.block_on(client.delete_ca(&tag)).expect("delete");
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("pca_ca.root will be created"), "{text}");
}

#[test]
fn acc_ca_deletion_protection_stops_destroy_and_destroy_revokes() {
    let body = ROOT_AND_CERT.replace(
        "memo = \"managed by terraform\"",
        "memo = \"managed by terraform\"\n  deletion_protection = true",
    );
    let (emu, ws) = applied(&body);
    let ca_tag = state_attr(&ws, "pca_ca.root", "ca_tag");
    let serial = state_attr(&ws, "pca_end_cert.web", "serial_number");
    let out = ws.fails(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.contains("CA Is Protected From Deletion"), "{out}");
    assert!(!out.contains("Destroying..."), "nothing was touched: {out}");
    let client = emu.client();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let tag = pca::api::model::CaTag::from(ca_tag.as_str());
    let ca = rt
        .block_on(client.get_ca(&tag))
        .expect("the CA still exists");
    assert_eq!(
        ca.ca_info
            .and_then(|i| i.status)
            .map(|s| s.as_str().to_owned()),
        Some("ACTIVE".to_owned())
    );
    // The plan stopped before anything was touched: the certificate is not revoked.
    let crl_text = |ws: &Workspace| {
        let crl = rt.block_on(client.get_ca_crl(&tag)).expect("crl");
        std::fs::write(ws.path().join("ca.crl"), &crl).expect("write");
        let out = std::process::Command::new("openssl")
            .args(["crl", "-in", "ca.crl", "-noout", "-text"])
            .current_dir(ws.path())
            .output()
            .expect("openssl");
        String::from_utf8_lossy(&out.stdout).to_uppercase()
    };
    let hex = serial.replace(':', "").to_uppercase();
    assert!(!crl_text(&ws).contains(&hex), "nothing was revoked");
    // Destroying the certificate revokes it: the CRL lists it.
    ws.ok(&[
        "destroy",
        "-auto-approve",
        "-no-color",
        "-target=pca_end_cert.web",
    ]);
    assert!(crl_text(&ws).contains(&hex), "the CRL lists {hex}");
    // Lift the protection, then destroy works and the CA is gone.
    ws.write(
        "main.tf",
        &format!(
            "{}\n{}\n{}",
            ws.terraform_block(),
            emu.provider_block(),
            body.replace("deletion_protection = true", "deletion_protection = false")
        ),
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    let err = rt.block_on(client.get_ca(&tag)).expect_err("gone");
    assert!(err.is_not_found(), "{err}");
}

#[test]
fn acc_ca_faults_503_apply_and_destroy_without_duplicates() {
    let emu = Emulator::start(&[
        "--fault-rate",
        "0.2",
        "--fault-status",
        "503",
        "--fault-seed",
        "7",
    ]);
    let body = format!(
        "{ROOT_AND_CERT}\n{}",
        r#"
resource "pca_ca" "sub" {
  alias         = "sub-ca"
  ca_type       = "PRIVATE_SUB"
  issuer_ca_tag = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 365
  subject = {
    common_name = "Example Sub CA"
  }
}

resource "pca_end_cert" "api" {
  count    = 3
  ca_tag   = pca_ca.sub.ca_tag
  key_type = "EC256"
  subject = {
    common_name = "api-${count.index}.example.com"
  }
}
"#
    );
    let ws = workspace(TerraformVersion::V1_15_5, &emu, &body);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let faults = emu
        .requests()
        .iter()
        .filter(|r| r.ends_with("-> 503"))
        .count();
    assert!(faults > 0, "faults were injected: {:?}", emu.requests());
    // Exactly the CAs and certificates of the configuration exist.
    let client = emu.client();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // The test's own client meets the injected faults too (and retries them).
    let cas = rt.block_on(client.get_ca_list_all()).expect("list");
    assert_eq!(cas.len(), 2, "no duplicate CA");
    let sub = state_attr(&ws, "pca_ca.sub", "ca_tag");
    let certs = rt
        .block_on(client.get_end_cert_list_all(&sub.as_str().into()))
        .expect("list");
    assert_eq!(certs.len(), 3, "no duplicate certificate: {certs:?}");
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(0), "{text}");
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    let left = rt.block_on(client.get_ca_list_all()).unwrap_or_default();
    assert!(left.is_empty(), "everything destroyed: {left:?}");
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
