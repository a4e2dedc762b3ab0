//! Acceptance tests of actions (`pca_rotate_crl`, `pca_trim_ca`, `pca_revoke_end_cert`) and
//! list resources (`pca_ca`, `pca_end_cert`) with real Terraform 1.15.5 against
//! `pca-emulator`: `-invoke`, `action_trigger`, `terraform query` and
//! `-generate-config-out` configuration that imports to an empty plan.

mod support;

use pca::client::Client;
use std::path::Path;
use support::crl::current_crl;
use support::emulator::Emulator;
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");
const V: TerraformVersion = TerraformVersion::V1_15_5;

fn workspace(emu: &Emulator, body: &str) -> Workspace {
    let ws = Workspace::new(V, Path::new(PROVIDER_BINARY));
    ws.write(
        "main.tf",
        &format!("{}\n{}\n{body}", ws.terraform_block(), emu.provider_block()),
    );
    ws
}

fn api(emu: &Emulator) -> (tokio::runtime::Runtime, Client) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    (rt, emu.client())
}

fn output(ws: &Workspace, name: &str) -> String {
    ws.ok(&["output", "-raw", name])
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const PKI: &str = r#"
resource "pca_ca" "root" {
  alias    = "actions-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Actions Root CA"
  }
}

action "pca_rotate_crl" "root" {
  config {
    ca_tag = pca_ca.root.ca_tag
  }
}

action "pca_trim_ca" "root" {
  config {
    ca_tag = pca_ca.root.ca_tag
  }
}

variable "serial" {
  type    = string
  default = "00"
}

action "pca_revoke_end_cert" "one" {
  config {
    ca_tag        = pca_ca.root.ca_tag
    serial_number = var.serial
  }
}

resource "pca_end_cert" "web" {
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "web.example.com"
  }

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.pca_rotate_crl.root]
    }
  }
}

output "ca_tag" { value = pca_ca.root.ca_tag }
output "serial" { value = pca_end_cert.web.serial_number }
"#;

#[test]
fn acc_actions_trigger_invoke_revoke_and_bad_input() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, PKI);
    // The action_trigger rotates the CRL after the certificate is created.
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("pca_rotate_crl.root"), "{out}");
    let tag = output(&ws, "ca_tag");
    let serial = output(&ws, "serial");
    let rotations = |emu: &Emulator| {
        emu.requests()
            .iter()
            .filter(|r| r.starts_with("POST") && r.contains("/crl/rotate") && r.ends_with("200"))
            .count()
    };
    assert_eq!(
        rotations(&emu),
        1,
        "the trigger rotated the CRL: {:?}",
        emu.requests()
    );
    let (rt, client) = api(&emu);
    let (after_trigger, _) = current_crl(&rt, &client, &tag);

    // -invoke rotates again, and nothing else changes.
    let out = ws.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-invoke=action.pca_rotate_crl.root",
    ]);
    assert!(out.contains("Rotate CRL on CA"), "progress is shown: {out}");
    assert_eq!(rotations(&emu), 2, "{out}");
    let (invoked, revoked) = current_crl(&rt, &client, &tag);
    assert!(invoked > after_trigger, "{out}");
    assert!(!revoked.contains(&serial));

    // Trim CA runs.
    let out = ws.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-invoke=action.pca_trim_ca.root",
    ]);
    assert!(out.contains("Trim CA on CA"), "{out}");

    // Bad input: an error naming the attribute, and no API request.
    let before = emu.requests().len();
    let err = ws.fails(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-refresh=false",
        "-var",
        "serial=zz:01",
        "-invoke=action.pca_revoke_end_cert.one",
    ]);
    let f = flat(&err);
    assert!(f.contains("serial_number"), "{err}");
    assert!(f.contains("must be a serial number in hex"), "{err}");
    assert_eq!(
        emu.requests().len(),
        before,
        "no API request: {:?}",
        emu.requests()
    );

    // Revoke the certificate, then rotate: the CRL lists it, and the next plan replaces it.
    let var = format!("serial={serial}");
    ws.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-var",
        &var,
        "-invoke=action.pca_revoke_end_cert.one",
    ]);
    ws.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-invoke=action.pca_rotate_crl.root",
    ]);
    let (_, revoked) = current_crl(&rt, &client, &tag);
    assert!(revoked.contains(&serial), "{serial} in {revoked:?}");
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{plan}");
    assert!(
        plan.stdout.contains("must be replaced"),
        "the revoked certificate is replaced: {plan}"
    );
}

const FLEET: &str = r#"
resource "pca_ca" "root" {
  alias    = "query-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name  = "Query Root CA"
    organization = "Example"
  }
  memo = "found by terraform query"
}

resource "pca_end_cert" "web" {
  count         = 2
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "web-${count.index}.example.com"
  }
  alt_names = ["web-${count.index}.example.com"]
}

output "ca_tag" { value = pca_ca.root.ca_tag }
"#;

#[test]
fn acc_list_query_generate_config_then_import_plans_empty() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, FLEET);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let tag = output(&ws, "ca_tag");

    // A fresh workspace finds both kinds with terraform query.
    let ws2 = workspace(&emu, "");
    ws2.write(
        "find.tfquery.hcl",
        &format!(
            r#"
list "pca_ca" "all" {{
  provider = pca
}}

list "pca_end_cert" "certs" {{
  provider = pca
  config {{
    ca_tag = "{tag}"
  }}
}}
"#
        ),
    );
    let out = ws2.ok(&["query", "-no-color"]);
    assert!(out.contains("query-root"), "{out}");
    assert!(out.contains(&tag), "{out}");
    let out = ws2.ok(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    let generated = ws2.read("generated.tf");
    assert!(
        generated.contains("resource \"pca_ca\""),
        "{out}\n{generated}"
    );
    assert_eq!(
        generated.matches("resource \"pca_end_cert\"").count(),
        2,
        "{generated}"
    );
    assert!(generated.contains("identity"), "{generated}");

    // The generated configuration imports with an empty plan (the query file aside).
    std::fs::remove_file(ws2.path().join("find.tfquery.hcl")).expect("remove query");
    let plan = ws2.run(&["plan", "-no-color"]);
    assert!(
        plan.stdout
            .contains("3 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    ws2.ok(&["apply", "-auto-approve", "-no-color"]);
    let plan = ws2.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{plan}\n{generated}");

    // Bad input: an error naming the attribute, and no API request.
    let before = emu.requests().len();
    ws2.write(
        "bad.tfquery.hcl",
        "list \"pca_ca\" \"bad\" {\n  provider = pca\n  config {\n    ca_type = \"ROOT\"\n  }\n}\n",
    );
    let err = ws2.fails(&["query", "-no-color"]);
    assert!(flat(&err).contains("ca_type"), "{err}");
    assert_eq!(emu.requests().len(), before, "no API request");
    drop(ws);
}
