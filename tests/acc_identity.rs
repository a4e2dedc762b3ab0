//! Acceptance tests of resource identity (Terraform 1.12+) with real Terraform 1.15.5 against
//! `pca-emulator`: identities land in state on create, `import { identity = { … } }` imports
//! to an empty plan, bad identities fail with no API request, and Terraform 1.0.3 is not
//! bothered by any of it.

mod support;

use serde_json::Value as Json;
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

const BODY: &str = r#"
resource "pca_ca" "root" {
  alias    = "identity-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Identity Root CA"
  }
}

resource "pca_end_cert" "web" {
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "web.example.com"
  }
}

resource "pca_crl_config" "crl" {
  ca_tag      = pca_ca.root.ca_tag
  expiry_days = 5
}
"#;

/// `terraform show -json`: every managed resource by address.
fn resources(ws: &Workspace) -> Vec<Json> {
    let out = ws.ok(&["show", "-json"]);
    let v: Json = serde_json::from_str(&out).expect("show -json is JSON");
    v["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn resource<'a>(all: &'a [Json], addr: &str) -> &'a Json {
    all.iter()
        .find(|r| r["address"] == addr)
        .unwrap_or_else(|| panic!("{addr} not in state: {all:?}"))
}

fn plan_code(ws: &Workspace) -> (Option<i32>, String) {
    let p = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (p.code, p.combined())
}

#[test]
fn acc_identity_in_state_and_import_by_identity_plans_empty() {
    let emu = Emulator::start(&[]);
    let ws = workspace(TerraformVersion::V1_15_5, &emu, BODY);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let all = resources(&ws);
    let ca = resource(&all, "pca_ca.root");
    let tag = ca["values"]["ca_tag"].as_str().expect("ca_tag").to_owned();
    assert_eq!(ca["identity"], serde_json::json!({ "ca_tag": tag }), "{ca}");
    assert_eq!(ca["identity_schema_version"], 0);
    let cert = resource(&all, "pca_end_cert.web");
    let serial = cert["values"]["serial_number"]
        .as_str()
        .expect("serial")
        .to_owned();
    assert_eq!(
        cert["identity"],
        serde_json::json!({ "ca_tag": tag, "serial_number": serial }),
        "{cert}"
    );
    let crl = resource(&all, "pca_crl_config.crl");
    assert_eq!(crl["identity"], serde_json::json!({ "ca_tag": tag }));

    // A second workspace with the same configuration imports all three by identity.
    let ws2 = workspace(TerraformVersion::V1_15_5, &emu, BODY);
    ws2.write(
        "imports.tf",
        &format!(
            r#"
import {{
  to       = pca_ca.root
  identity = {{ ca_tag = "{tag}" }}
}}
import {{
  to       = pca_end_cert.web
  identity = {{
    ca_tag        = "{tag}"
    serial_number = "{serial}"
  }}
}}
import {{
  to       = pca_crl_config.crl
  identity = {{ ca_tag = "{tag}" }}
}}
"#
        ),
    );
    let (_, text) = plan_code(&ws2);
    assert!(
        text.contains("3 to import, 0 to add, 0 to change, 0 to destroy"),
        "{text}"
    );
    ws2.ok(&["apply", "-auto-approve", "-no-color"]);
    let all2 = resources(&ws2);
    assert_eq!(resource(&all2, "pca_ca.root")["identity"], ca["identity"]);
    assert_eq!(
        resource(&all2, "pca_end_cert.web")["identity"],
        cert["identity"]
    );
    let (code, text) = plan_code(&ws2);
    assert_eq!(
        code,
        Some(0),
        "imported by identity, plan must be empty: {text}"
    );
    drop(ws);
}

#[test]
fn acc_identity_bad_identity_fails_without_any_request() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        TerraformVersion::V1_15_5,
        &emu,
        r#"
resource "pca_ca" "root" {
  alias    = "identity-x"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "X"
  }
}

import {
  to       = pca_ca.root
  identity = { ca_tag = "a/b" }
}
"#,
    );
    let before = emu.requests().len();
    let err = ws.fails(&["plan", "-no-color"]);
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Invalid Import Identity"), "{err}");
    assert!(flat.contains("ca_tag"), "{err}");
    assert_eq!(emu.requests().len(), before, "no API request");
    // An identity attribute the schema does not have is refused by Terraform itself.
    ws.write(
        "main.tf",
        &format!(
            "{}\n{}\nresource \"pca_ocsp\" \"o\" {{\n  ca_tag = \"1a2b3c4d-5e6f7a8b\"\n}}\nimport {{\n  to       = pca_ocsp.o\n  identity = {{ serial_number = \"1\" }}\n}}\n",
            ws.terraform_block(),
            emu.provider_block()
        ),
    );
    let err = ws.fails(&["plan", "-no-color"]);
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("attribute \"ca_tag\" is required"), "{err}");
    assert_eq!(emu.requests().len(), before, "no API request");
}

#[test]
fn acc_identity_terraform_1_0_3_applies_and_plans_empty() {
    let emu = Emulator::start(&[]);
    let ws = workspace(TerraformVersion::V1_0_3, &emu, BODY);
    ws.init();
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(0), "{text}");
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
}
