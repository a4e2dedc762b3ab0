//! Acceptance tests of the service's own contract (the error catalogue, spec §1.7.1) with
//! real Terraform 1.15.5 against `pca-emulator`:
//!
//! - a CA deleted outside Terraform is planned for re-creation, with its certificate and
//!   CRL configuration, when errors carry no `code` at all (`--no-error-codes`): "does not
//!   exist" is decided from the status and the message (`400 The CA doesn't exist.`);
//! - a CRL cycle never set (row 67) reads as the default, not as an error;
//! - `terraform import` of an unknown id fails with an error naming the id;
//! - RSA and EC CSRs are signed with `keyType`/`keyBits` on the wire: the emulator runs with
//!   `--require-key-params`, which refuses a sign request without them (row 15) or with
//!   values that do not match the CSR (rows 49, 50); a CSR the service cannot sign is a
//!   plan-time error on `csr_pem` with 0 requests.

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

fn plan(ws: &Workspace) -> (Option<i32>, String) {
    let p = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    let text = p.combined();
    (p.code, text)
}

fn output(ws: &Workspace, name: &str) -> String {
    ws.ok(&["output", "-raw", name]).trim().to_owned()
}

/// Deletes a CA through the API, outside Terraform (status DESTROYING, then Delete CA).
fn delete_ca_outside(emu: &Emulator, tag: &str) {
    let client = emu.client();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let tag = pca::api::model::CaTag::from(tag);
    let destroying = pca::api::model::UpdateCaRequest {
        status: pca::api::model::CaStatus::Destroying,
        memo: None,
    };
    rt.block_on(client.update_ca(&tag, &destroying))
        .expect("destroying");
    rt.block_on(client.delete_ca(&tag)).expect("delete");
}

const CA_CERT_CRL: &str = r#"
resource "pca_ca" "root" {
  alias    = "gone-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject  = { common_name = "Gone Root CA" }
}

resource "pca_end_cert" "web" {
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject       = { common_name = "web.example.com" }
}

resource "pca_crl_config" "root" {
  ca_tag      = pca_ca.root.ca_tag
  expiry_days = 5
}

resource "pca_ca" "fresh" {
  alias    = "fresh-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject  = { common_name = "Fresh Root CA" }
}

data "pca_crl_config" "fresh" {
  ca_tag = pca_ca.fresh.ca_tag
}

output "root_tag" { value = pca_ca.root.ca_tag }
output "fresh_expiry" { value = data.pca_crl_config.fresh.expiry_days }
"#;

#[test]
fn acc_catalogue_ca_deleted_out_of_band_is_recreated_without_error_codes() {
    let emu = Emulator::start(&["--no-error-codes"]);
    let ws = workspace(&emu, CA_CERT_CRL);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    // Row 67 (`The crl configuration doesn't exist.`, no code): the default, not an error.
    assert_eq!(output(&ws, "fresh_expiry"), "3");
    let (code, text) = plan(&ws);
    assert_eq!(code, Some(0), "the plan must be empty: {text}");

    let tag = output(&ws, "root_tag");
    delete_ca_outside(&emu, &tag);
    let (code, text) = plan(&ws);
    assert_eq!(code, Some(2), "{text}");
    for gone in ["pca_ca.root", "pca_end_cert.web", "pca_crl_config.root"] {
        assert!(
            text.contains(&format!("{gone} will be created")),
            "{gone} must be planned for re-creation:\n{text}"
        );
    }
    assert!(
        text.contains("3 to add, 0 to change, 0 to destroy"),
        "{text}"
    );
    // The reads saw the catalogue's answer: 400 with the row's message, no 404.
    let requests = emu.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with(&format!("GET /api/v1/ca/{tag} ")) && r.ends_with("400")),
        "{requests:?}"
    );
    assert!(!requests.iter().any(|r| r.ends_with("404")), "{requests:?}");

    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let (code, text) = plan(&ws);
    assert_eq!(
        code,
        Some(0),
        "the plan must be empty after re-creation: {text}"
    );
}

#[test]
fn acc_catalogue_import_of_an_unknown_id_names_it() {
    let emu = Emulator::start(&["--no-error-codes"]);
    let ws = workspace(
        &emu,
        r#"
resource "pca_ca" "x" {
  alias    = "imported"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject  = { common_name = "Imported" }
}
"#,
    );
    let out = ws.fails(&["import", "-no-color", "pca_ca.x", "0badc0de-0badc0de"]);
    assert!(out.contains("Cannot Import: Object Not Found"), "{out}");
    assert!(out.contains("\"0badc0de-0badc0de\""), "{out}");
    assert!(out.contains("pca_ca"), "{out}");
}

/// Writes a CSR made by openssl with `newkey` (e.g. `rsa:2048`, `ec`) and `opts`.
fn openssl_csr(ws: &Workspace, file: &str, newkey: &str, opts: &[&str]) {
    let mut args = vec!["req", "-new", "-newkey", newkey];
    args.extend_from_slice(opts);
    let key = format!("{file}.key");
    args.extend_from_slice(&[
        "-nodes",
        "-keyout",
        &key,
        "-out",
        file,
        "-subj",
        "/CN=csr.example.com",
    ]);
    let out = std::process::Command::new("openssl")
        .args(&args)
        .current_dir(ws.path())
        .output()
        .expect("openssl must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn acc_catalogue_csr_signing_sends_key_type_and_key_bits() {
    let emu = Emulator::start(&["--require-key-params"]);
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    openssl_csr(&ws, "rsa.csr", "rsa:2048", &[]);
    openssl_csr(
        &ws,
        "ec.csr",
        "ec",
        &["-pkeyopt", "ec_paramgen_curve:P-384"],
    );
    openssl_csr(&ws, "ed.csr", "ed25519", &[]);
    let body = r#"
resource "pca_ca" "root" {
  alias    = "csr-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject  = { common_name = "CSR Root CA" }
}

resource "pca_end_cert" "rsa" {
  ca_tag  = pca_ca.root.ca_tag
  csr_pem = file("rsa.csr")
}

resource "pca_end_cert" "ec" {
  ca_tag  = pca_ca.root.ca_tag
  csr_pem = file("ec.csr")
}

resource "pca_ca" "sub" {
  alias    = "csr-sub"
  ca_type  = "PRIVATE_SUB"
  key_type = "EC256"
  subject  = { common_name = "CSR Sub CA" }
}

resource "pca_sub_ca_cert" "sub" {
  ca_tag        = pca_ca.root.ca_tag
  csr_pem       = pca_ca.sub.csr_pem
  validity_days = 30
}
"#;
    let main = format!("{}\n{}\n{body}", ws.terraform_block(), emu.provider_block());
    // A key the service does not sign: a plan-time error on csr_pem, no request at all.
    let ed = format!(
        "{main}\nresource \"pca_end_cert\" \"ed\" {{\n  ca_tag  = \"00000000-00000000\"\n  csr_pem = file(\"ed.csr\")\n}}\n"
    );
    ws.write("main.tf", &ed);
    let out = ws.fails(&["plan", "-no-color"]);
    assert!(out.contains("csr_pem"), "{out}");
    assert!(out.contains("Unsupported keyBits."), "{out}");
    assert!(
        emu.requests().is_empty(),
        "a refused CSR must not reach the API: {:?}",
        emu.requests()
    );

    // RSA-2048 and P-384 CSRs, and the intermediate's EC CSR: the strict emulator signs them
    // only with matching keyType/keyBits.
    ws.write("main.tf", &main);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let signs = emu
        .requests()
        .into_iter()
        .filter(|r| r.contains("/sign") && r.ends_with("200"))
        .count();
    assert_eq!(signs, 3, "{:?}", emu.requests());
    let (code, text) = plan(&ws);
    assert_eq!(code, Some(0), "the plan must be empty: {text}");
}
