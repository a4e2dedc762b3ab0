//! Acceptance tests of `pca_sub_ca_cert` and `pca_sub_ca_activation` with real Terraform
//! 1.15.5 against `pca-emulator` (each test starts its own emulator): the external-parent
//! flow in one apply, a parent outside NCP (openssl), import, and plan-time validation.

mod support;

use pca::api::model::{CaStatus, CaTag, UpdateCaRequest};
use pca::client::{Client, Credentials};
use std::path::Path;
use std::process::Command;
use support::emulator::{ACCESS_KEY, Emulator, SECRET_KEY};
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

fn workspace(emu: &Emulator, body: &str) -> Workspace {
    workspace_on(TerraformVersion::V1_15_5, emu, body)
}

fn workspace_on(version: TerraformVersion, emu: &Emulator, body: &str) -> Workspace {
    let ws = Workspace::new(version, Path::new(PROVIDER_BINARY));
    write_main(&ws, emu, body);
    ws
}

fn write_main(ws: &Workspace, emu: &Emulator, body: &str) {
    ws.write(
        "main.tf",
        &format!("{}\n{}\n{body}", ws.terraform_block(), emu.provider_block()),
    );
}

const ROOT: &str = r#"
resource "pca_ca" "root" {
  alias    = "root-ca"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Acc Root CA"
    country     = "KR"
  }
}
"#;

const PENDING_SUB: &str = r#"
resource "pca_ca" "sub" {
  alias         = "sub-ca"
  ca_type       = "PRIVATE_SUB"
  key_type      = "EC256"
  validity_days = 400
  subject = {
    common_name = "Acc Sub CA"
    country     = "KR"
  }
}
"#;

const SIGNED: &str = r#"
resource "pca_sub_ca_cert" "sub" {
  ca_tag        = pca_ca.root.ca_tag
  csr_pem       = pca_ca.sub.csr_pem
  validity_days = 365
}

output "root_tag" { value = pca_ca.root.ca_tag }
output "sub_tag" { value = pca_ca.sub.ca_tag }
output "serial" { value = pca_sub_ca_cert.sub.serial_number }
"#;

const ACTIVATED: &str = r#"
resource "pca_sub_ca_activation" "sub" {
  ca_tag          = pca_ca.sub.ca_tag
  certificate_pem = pca_sub_ca_cert.sub.certificate_pem
  chain_pem       = pca_sub_ca_cert.sub.chain_pem
}

resource "pca_end_cert" "leaf" {
  ca_tag        = pca_sub_ca_activation.sub.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "leaf.example.com"
  }
}

output "root_pem" { value = pca_ca.root.certificate_pem }
output "sub_pem" { value = pca_sub_ca_cert.sub.certificate_pem }
output "leaf_pem" { value = pca_end_cert.leaf.certificate_pem }
output "status" { value = pca_sub_ca_activation.sub.status }
"#;

/// Deletes a CA through the API, outside Terraform (status DESTROYING, then Delete CA).
fn delete_ca_outside(emu: &Emulator, tag: &str) {
    let client = Client::builder()
        .endpoint_url(emu.base_url.clone())
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .build()
        .expect("client");
    let tag = CaTag::from(tag);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let upd = UpdateCaRequest {
                status: CaStatus::Destroying,
                memo: None,
            };
            client.update_ca(&tag, &upd).await.expect("update ca");
            client.delete_ca(&tag).await.expect("delete ca");
        });
}

fn assert_empty_plan(ws: &Workspace, what: &str) {
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{what}: the plan must be empty: {plan}");
}

/// Runs `openssl` in the workspace and returns stdout; fails the test when it fails.
fn openssl(ws: &Workspace, args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(ws.path())
        .output()
        .expect("openssl must be installed");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "openssl {args:?}: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `leaf.pem` verifies up to `root.pem` through `sub.pem`.
fn verify_chain(ws: &Workspace, root: &str, sub: &str, leaf: &str) {
    ws.write("root.pem", root);
    ws.write("sub.pem", sub);
    ws.write("leaf.pem", leaf);
    let out = openssl(
        ws,
        &[
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "sub.pem",
            "leaf.pem",
        ],
    );
    assert!(out.contains("leaf.pem: OK"), "{out}");
}

#[test]
fn acc_sub_ca_activation_external_parent_one_apply_import_destroy() {
    external_parent_flow(TerraformVersion::V1_15_5);
}

#[test]
fn acc_sub_ca_activation_external_parent_one_apply_import_destroy_1_0_3() {
    external_parent_flow(TerraformVersion::V1_0_3);
}

fn external_parent_flow(version: TerraformVersion) {
    let emu = Emulator::start(&[]);
    let ws = workspace_on(
        version,
        &emu,
        &format!("{ROOT}{PENDING_SUB}{SIGNED}{ACTIVATED}"),
    );
    ws.init();
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 5 added"), "{out}");
    assert_eq!(ws.ok(&["output", "-raw", "status"]), "ACTIVE");
    verify_chain(
        &ws,
        &ws.ok(&["output", "-raw", "root_pem"]),
        &ws.ok(&["output", "-raw", "sub_pem"]),
        &ws.ok(&["output", "-raw", "leaf_pem"]),
    );
    // The pending CA refreshes to ACTIVE with a certificate; nothing is planned.
    assert_empty_plan(&ws, "after the one-apply flow");
    ws.ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    let sub = ws.ok(&["state", "show", "-no-color", "pca_ca.sub"]);
    assert!(
        sub.lines()
            .any(|l| l.trim_start().starts_with("status ") && l.ends_with("\"ACTIVE\""))
            && sub.contains("BEGIN CERTIFICATE"),
        "{sub}"
    );

    // Import by CLI: the activation by ca_tag gives an empty plan at once.
    let sub_tag = ws.ok(&["output", "-raw", "sub_tag"]);
    let root_tag = ws.ok(&["output", "-raw", "root_tag"]);
    let serial = ws.ok(&["output", "-raw", "serial"]);
    ws.ok(&[
        "state",
        "rm",
        "pca_sub_ca_activation.sub",
        "pca_sub_ca_cert.sub",
    ]);
    ws.ok(&["import", "-no-color", "pca_sub_ca_activation.sub", &sub_tag]);
    // The certificate of an active sub CA: its CSR cannot be read back any more, so the
    // first apply records it in place (no replacement, no API call), then all is quiet.
    ws.ok(&[
        "import",
        "-no-color",
        "pca_sub_ca_cert.sub",
        &format!("{root_tag}/{}", serial.to_uppercase()),
    ]);
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{plan}");
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy")
            && plan
                .stdout
                .contains("pca_sub_ca_cert.sub will be updated in-place")
            && !plan.stdout.contains("pca_sub_ca_activation.sub will"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_empty_plan(&ws, "after import");

    let out = ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 5 destroyed"), "{out}");
    let out = ws.run(&["state", "list"]);
    assert!(out.stdout.trim().is_empty(), "{out}");
}

#[test]
fn acc_sub_ca_cert_import_while_pending_recovers_the_csr() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, &format!("{ROOT}{PENDING_SUB}{SIGNED}"));
    ws.init();
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let id = format!(
        "{}/{}",
        ws.ok(&["output", "-raw", "root_tag"]),
        ws.ok(&["output", "-raw", "serial"])
    );
    ws.ok(&["state", "rm", "pca_sub_ca_cert.sub"]);
    ws.ok(&["import", "-no-color", "pca_sub_ca_cert.sub", &id]);
    assert_empty_plan(&ws, "after import of a certificate whose sub CA is pending");

    // The same with an import block.
    ws.ok(&["state", "rm", "pca_sub_ca_cert.sub"]);
    let body = format!(
        "{ROOT}{PENDING_SUB}{SIGNED}\nimport {{\n  to = pca_sub_ca_cert.sub\n  id = \"{id}\"\n}}\n"
    );
    write_main(&ws, &emu, &body);
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(
        plan.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_empty_plan(&ws, "after an import block");

    // The parent deleted outside Terraform: the certificate is gone with it.
    delete_ca_outside(&emu, &id[..id.find('/').unwrap_or(0)]);
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{plan}");
    assert!(
        plan.stdout.contains("pca_ca.root will be created")
            && plan.stdout.contains("pca_sub_ca_cert.sub will be created"),
        "{plan}"
    );
}

/// An openssl root outside NCP signs the pending sub CA's CSR; the sub CA is activated with
/// it and issues a certificate that verifies up to the openssl root. A second certificate
/// for the same CA is refused at plan time.
#[test]
fn acc_sub_ca_activation_openssl_parent() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        &emu,
        &format!("{PENDING_SUB}\noutput \"csr\" {{ value = pca_ca.sub.csr_pem }}\n"),
    );
    ws.init();
    openssl(
        &ws,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ext-root.key",
            "-out",
            "ext-root.pem",
            "-days",
            "3650",
            "-subj",
            "/CN=Offline Root/O=Acc",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    ws.write("sub.csr", &ws.ok(&["output", "-raw", "csr"]));
    ws.write(
        "ca.ext",
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    let sign = |out: &str| {
        openssl(
            &ws,
            &[
                "x509",
                "-req",
                "-in",
                "sub.csr",
                "-CA",
                "ext-root.pem",
                "-CAkey",
                "ext-root.key",
                "-CAcreateserial",
                "-days",
                "365",
                "-extfile",
                "ca.ext",
                "-out",
                out,
            ],
        );
    };
    sign("sub-signed.pem");
    let activation = |cert: &str| {
        format!(
            r#"{PENDING_SUB}
resource "pca_sub_ca_activation" "sub" {{
  ca_tag          = pca_ca.sub.ca_tag
  certificate_pem = file("{cert}")
  chain_pem       = file("ext-root.pem")
}}

resource "pca_end_cert" "leaf" {{
  ca_tag        = pca_sub_ca_activation.sub.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {{
    common_name = "leaf.example.com"
  }}
}}

output "leaf_pem" {{ value = pca_end_cert.leaf.certificate_pem }}
output "sub_tag" {{ value = pca_ca.sub.ca_tag }}
"#
        )
    };
    write_main(&ws, &emu, &activation("sub-signed.pem"));
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 2 added, 0 changed"), "{out}");
    let leaf = ws.ok(&["output", "-raw", "leaf_pem"]);
    let root = ws.read("ext-root.pem");
    let sub = ws.read("sub-signed.pem");
    verify_chain(&ws, &root, &sub, &leaf);
    assert_empty_plan(&ws, "after activation by an external parent");

    // Re-formatting the certificate changes nothing that matters: an in-place update.
    ws.write("sub-crlf.pem", &sub.replace('\n', "\r\n"));
    write_main(&ws, &emu, &activation("sub-crlf.pem"));
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_empty_plan(&ws, "after a formatting-only change");

    // Another certificate for the active CA: refused at plan time.
    sign("sub-again.pem");
    write_main(&ws, &emu, &activation("sub-again.pem"));
    let err = ws.fails(&["plan", "-no-color"]);
    assert!(
        err.contains("CA Already Activated") && err.contains("certificate_pem"),
        "{err}"
    );

    // The sub CA deleted outside Terraform: the activation is gone with it.
    write_main(&ws, &emu, &activation("sub-signed.pem"));
    let tag = ws.ok(&["output", "-raw", "sub_tag"]);
    delete_ca_outside(&emu, &tag);
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{plan}");
    assert!(
        plan.stdout.contains("pca_ca.sub will be created")
            && plan
                .stdout
                .contains("pca_sub_ca_activation.sub will be created"),
        "{plan}"
    );
}

#[test]
fn acc_sub_ca_cert_bad_input_fails_at_plan() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        &emu,
        r#"
resource "pca_sub_ca_cert" "bad" {
  ca_tag        = "aaaaaaaa-bbbbbbbb"
  csr_pem       = "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n"
  validity_days = 0
}

resource "pca_sub_ca_activation" "bad" {
  ca_tag          = "aaaaaaaa-bbbbbbbb"
  certificate_pem = "not a certificate"
  chain_pem       = "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n"
}
"#,
    );
    ws.init();
    let err = ws.fails(&["plan", "-no-color"]);
    for expected in [
        "pca_sub_ca_cert.bad",
        "validity_days",
        "must be an integer from 1 to 3650",
        "csr_pem",
        "certificate signing request",
        "pca_sub_ca_activation.bad",
        "certificate_pem",
    ] {
        assert!(err.contains(expected), "missing {expected:?}: {err}");
    }
}
