//! Acceptance tests of `pca_ocsp` and `pca_crl_config` with real Terraform 1.15.5 against
//! `pca-emulator` (each test starts its own emulator): the default responder answering
//! `openssl ocsp`, in-place updates, drift, import (CLI and `import {}` blocks), the reset on
//! destroy, and plan-time validation.

mod support;

use pca::api::model::CaTag;
use pca::client::{Client, Credentials};
use std::path::Path;
use std::process::Command;
use support::emulator::{ACCESS_KEY, Emulator, SECRET_KEY};
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

fn write_main(ws: &Workspace, emu: &Emulator, body: &str) {
    ws.write(
        "main.tf",
        &format!("{}\n{}\n{body}", ws.terraform_block(), emu.provider_block()),
    );
}

fn workspace(emu: &Emulator, body: &str) -> Workspace {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    write_main(&ws, emu, body);
    ws
}

/// Runs `f` with an API client of the emulator.
fn with_client<T>(emu: &Emulator, f: impl AsyncFnOnce(Client) -> T) -> T {
    let client = Client::builder()
        .endpoint_url(emu.base_url.clone())
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .build()
        .expect("client");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f(client))
}

fn assert_empty_plan(ws: &Workspace, what: &str) {
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{what}: the plan must be empty: {plan}");
}

const CA: &str = r#"
resource "pca_ca" "root" {
  alias    = "root-ca"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Acc Root CA"
  }
}

resource "pca_end_cert" "leaf" {
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = "leaf.example.com"
  }
  depends_on = [pca_ocsp.root]
}

output "tag" { value = pca_ca.root.ca_tag }
output "root_pem" { value = pca_ca.root.certificate_pem }
output "leaf_pem" { value = pca_end_cert.leaf.certificate_pem }
output "ocsp_url" { value = pca_ocsp.root.ocsp_url }
output "expiry" { value = pca_crl_config.root.expiry_days }
"#;

fn config(ocsp_url: Option<&str>, expiry_days: i64) -> String {
    let url = ocsp_url.map_or(String::new(), |u| format!("  ocsp_url = \"{u}\"\n"));
    format!(
        r#"{CA}
resource "pca_ocsp" "root" {{
  ca_tag = pca_ca.root.ca_tag
{url}}}

resource "pca_crl_config" "root" {{
  ca_tag      = pca_ca.root.ca_tag
  expiry_days = {expiry_days}
}}
"#
    )
}

/// Asks the responder named in the certificate about it with `openssl ocsp`.
fn ocsp_status(ws: &Workspace, url: &str) -> String {
    let out = Command::new("openssl")
        .args([
            "ocsp", "-url", url, "-issuer", "root.pem", "-cert", "leaf.pem", "-CAfile", "root.pem",
            "-timeout", "20",
        ])
        .current_dir(ws.path())
        .output()
        .expect("openssl must be installed");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn acc_ocsp_crl_config_apply_update_drift_import_destroy() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, &config(None, 5));
    ws.init();
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 4 added"), "{out}");
    let tag = ws.ok(&["output", "-raw", "tag"]);
    let url = ws.ok(&["output", "-raw", "ocsp_url"]);
    assert_eq!(url, format!("{}/ext/{tag}/ocsp", emu.base_url));
    assert_eq!(ws.ok(&["output", "-raw", "expiry"]), "5");
    let from = emu.requests().len();
    assert_empty_plan(&ws, "after apply");
    // No drift: `pca_ca` and `pca_ocsp` refresh from one Get CA List, with no Get CA.
    assert_eq!(
        emu.get_ca_count_since(from, &tag),
        0,
        "{:?}",
        emu.requests_since(from)
    );

    // The certificate names the default responder, which says it is good.
    ws.write("root.pem", &ws.ok(&["output", "-raw", "root_pem"]));
    ws.write("leaf.pem", &ws.ok(&["output", "-raw", "leaf_pem"]));
    let aia = Command::new("openssl")
        .args(["x509", "-in", "leaf.pem", "-noout", "-ocsp_uri"])
        .current_dir(ws.path())
        .output()
        .expect("openssl");
    assert_eq!(String::from_utf8_lossy(&aia.stdout).trim(), url);
    let status = ocsp_status(&ws, &url);
    assert!(
        status.contains("Response verify OK") && status.contains("leaf.pem: good"),
        "{status}"
    );

    // In place: a custom URL and another interval; nothing else moves.
    let leaf_before = ws.ok(&["output", "-raw", "leaf_pem"]);
    write_main(&ws, &emu, &config(Some("http://ocsp.example.test/root"), 7));
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(
        plan.contains("0 to add, 2 to change, 0 to destroy")
            && plan.contains("pca_ocsp.root will be updated in-place")
            && plan.contains("pca_crl_config.root will be updated in-place"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(ws.ok(&["output", "-raw", "leaf_pem"]), leaf_before);
    assert_eq!(ws.ok(&["output", "-raw", "expiry"]), "7");
    let (urls, expiry) = with_client(&emu, async |c| {
        let t = CaTag::from(tag.as_str());
        let ca = c.get_ca(&t).await.expect("get ca");
        let crl = c.get_crl_config(&t).await.expect("crl config");
        (ca.ca_info.and_then(|i| i.url_info).map(|u| u.ocsp), crl)
    });
    assert_eq!(urls, Some(vec!["http://ocsp.example.test/root".to_owned()]));
    assert_eq!(expiry.and_then(|c| c.expiry).as_deref(), Some("7"));
    assert_empty_plan(&ws, "after the in-place update");

    // Removing ocsp_url goes back to the default, in place.
    write_main(&ws, &emu, &config(None, 7));
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(ws.ok(&["output", "-raw", "ocsp_url"]), url);

    // Drift: OCSP deleted and the interval changed outside Terraform.
    with_client(&emu, async |c| {
        let t = CaTag::from(tag.as_str());
        c.delete_ocsp(&t).await.expect("delete ocsp");
        c.update_crl_config(
            &t,
            &pca::api::model::UpdateCrlConfigRequest { expiry: "9".into() },
        )
        .await
        .expect("update crl config");
    });
    let from = emu.requests().len();
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    // `pca_ca` and `pca_ocsp` refresh from one Get CA List; OCSP missing from the list is
    // confirmed with one Get CA (a thin list record is no proof that OCSP is off).
    let reqs = emu.requests_since(from);
    assert_eq!(emu.get_ca_count_since(from, &tag), 1, "{reqs:?}");
    assert_eq!(
        reqs.iter()
            .filter(|r| r.starts_with("GET /api/v1/ca "))
            .count(),
        1,
        "{reqs:?}"
    );
    assert_eq!(plan.code, Some(2), "{plan}");
    assert!(
        plan.stdout.contains("pca_ocsp.root will be created")
            && plan
                .stdout
                .contains("pca_crl_config.root will be updated in-place")
            && plan.stdout.contains("1 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_empty_plan(&ws, "after repairing drift");

    // Import by CLI.
    ws.ok(&["state", "rm", "pca_ocsp.root", "pca_crl_config.root"]);
    ws.ok(&["import", "-no-color", "pca_ocsp.root", &tag]);
    ws.ok(&["import", "-no-color", "pca_crl_config.root", &tag]);
    assert_empty_plan(&ws, "after CLI import");

    // Import blocks.
    ws.ok(&["state", "rm", "pca_ocsp.root", "pca_crl_config.root"]);
    write_main(
        &ws,
        &emu,
        &format!(
            "{}\nimport {{\n  to = pca_ocsp.root\n  id = \"{tag}\"\n}}\nimport {{\n  to = pca_crl_config.root\n  id = \"{tag}\"\n}}\n",
            config(None, 7)
        ),
    );
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(
        plan.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_empty_plan(&ws, "after import blocks");

    // Destroy: OCSP deleted, the interval back to the API default.
    ws.ok(&[
        "destroy",
        "-auto-approve",
        "-no-color",
        "-target=pca_ocsp.root",
        "-target=pca_crl_config.root",
    ]);
    let (urls, expiry) = with_client(&emu, async |c| {
        let t = CaTag::from(tag.as_str());
        let ca = c.get_ca(&t).await.expect("get ca");
        let crl = c.get_crl_config(&t).await.expect("crl config");
        (ca.ca_info.and_then(|i| i.url_info).map(|u| u.ocsp), crl)
    });
    assert_eq!(urls, Some(Vec::new()));
    assert_eq!(expiry.and_then(|c| c.expiry).as_deref(), Some("3"));
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
}

#[test]
fn acc_crl_config_bad_input_fails_at_plan() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        &emu,
        r#"
resource "pca_crl_config" "bad" {
  ca_tag      = "aaaaaaaa-bbbbbbbb"
  expiry_days = 1
}

resource "pca_ocsp" "bad" {
  ca_tag   = "aaaaaaaa-bbbbbbbb"
  ocsp_url = "ftp://ocsp.example.test"
}
"#,
    );
    ws.init();
    let err = ws.fails(&["plan", "-no-color"]);
    for expected in [
        "pca_crl_config.bad",
        "expiry_days",
        "at least 3",
        "pca_ocsp.bad",
        "ocsp_url",
    ] {
        assert!(err.contains(expected), "missing {expected:?}: {err}");
    }
}
