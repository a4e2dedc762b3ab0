//! Acceptance tests of `pca_end_cert` at fleet scale, with real Terraform 1.15.5 against
//! `pca-emulator`: small state (no chain unless `include_chain`), the upgrade of version-0
//! states, and refresh from one paged snapshot per CA.

mod support;

use std::path::Path;
use support::emulator::Emulator;
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

fn workspace(emu: &Emulator, body: &str) -> Workspace {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
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
    common_name = "Fleet Root CA"
  }
}
"#;

fn certs(count: usize, include_chain: bool) -> String {
    format!(
        r#"{ROOT}
resource "pca_end_cert" "web" {{
  count         = {count}
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  include_chain = {include_chain}
  subject = {{
    common_name = "web-${{count.index}}.example.com"
  }}
}}

output "fullchain_pem" {{
  value = "${{pca_end_cert.web[0].certificate_pem}}${{pca_ca.root.chain_pem}}"
}}
output "root_pem" {{ value = pca_ca.root.certificate_pem }}
"#
    )
}

/// `terraform state pull`, parsed.
fn state(ws: &Workspace) -> serde_json::Value {
    serde_json::from_str(&ws.ok(&["state", "pull"])).expect("state JSON")
}

/// The instances of `pca_end_cert.web` in a state.
fn instances(state: &serde_json::Value) -> Vec<serde_json::Value> {
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == "pca_end_cert" && r["name"] == "web")
        .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn plan_code(ws: &Workspace) -> (Option<i32>, String) {
    let p = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    let text = p.combined();
    (p.code, text)
}

#[test]
fn acc_fleet_small_state_include_chain_and_v0_upgrade() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, &certs(2, false));
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let st = state(&ws);
    let all = instances(&st);
    assert_eq!(all.len(), 2);
    for i in &all {
        // The whole instance, as scripts/bench-scale weighs it (identity included).
        let bytes = serde_json::to_string(i).expect("json").len();
        eprintln!("state bytes of {}: {bytes}", i["index_key"]);
        // The profile attributes left unset are null, not read back from the certificate.
        assert!(i["attributes"]["key_usages"].is_null(), "{i}");
        assert!(i["attributes"]["extended_key_usages"].is_null(), "{i}");
        // Issue 9's target: 2,000 bytes, with the write-only CSR's two null attributes.
        assert!(
            bytes <= 2000,
            "an EC256 certificate with a CA-made key weighs {bytes} bytes in state: {i}"
        );
        assert!(i["attributes"]["chain_pem"].is_null(), "{i}");
        assert!(i["attributes"].get("issuer_pem").is_none(), "{i}");
        assert_eq!(i["schema_version"], 4);
        assert!(i["attributes"].get("not_before").is_none(), "{i}");
    }
    // The full chain from the certificate and its CA verifies with openssl.
    let full = ws.ok(&["output", "-raw", "fullchain_pem"]);
    let root = ws.ok(&["output", "-raw", "root_pem"]);
    assert_eq!(full.matches("BEGIN CERTIFICATE").count(), 2, "{full}");
    std::fs::write(ws.path().join("root.pem"), &root).expect("write");
    std::fs::write(ws.path().join("full.pem"), &full).expect("write");
    let out = std::process::Command::new("openssl")
        .args(["verify", "-CAfile", "root.pem", "full.pem"])
        .current_dir(ws.path())
        .output()
        .expect("openssl must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(plan_code(&ws).0, Some(0));

    // include_chain = true: an in-place update that brings chain_pem back, the issuer first.
    write_main(&ws, &emu, &certs(2, true));
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("0 to add, 2 to change, 0 to destroy"),
        "{text}"
    );
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let st = state(&ws);
    for i in instances(&st) {
        let chain = i["attributes"]["chain_pem"].as_str().unwrap_or_default();
        assert!(chain.trim_start().starts_with(root.trim()), "{i}");
    }
    assert_eq!(plan_code(&ws).0, Some(0));
    // And back: the chain leaves the state.
    write_main(&ws, &emu, &certs(2, false));
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(
        instances(&state(&ws))
            .iter()
            .all(|i| i["attributes"]["chain_pem"].is_null())
    );

    // A state written by schema version 0 (chain and id in every certificate, no
    // include_chain)
    // upgrades to an empty plan, and the refreshed state drops the chain.
    let mut st = state(&ws);
    for r in st["resources"].as_array_mut().into_iter().flatten() {
        if r["type"] != "pca_end_cert" {
            continue;
        }
        for i in r["instances"].as_array_mut().into_iter().flatten() {
            i["schema_version"] = 0.into();
            let a = i["attributes"].as_object_mut().expect("attributes");
            a.remove("include_chain");
            let id = format!(
                "{}/{}",
                a["ca_tag"].as_str().unwrap_or_default(),
                a["serial_number"].as_str().unwrap_or_default()
            );
            a.insert("id".into(), id.into());
            a.insert("chain_pem".into(), root.clone().into());
            a.insert("issuer_pem".into(), root.clone().into());
        }
    }
    ws.write(
        "terraform.tfstate",
        &serde_json::to_string_pretty(&st).expect("json"),
    );
    let (code, text) = plan_code(&ws);
    assert_eq!(
        code,
        Some(0),
        "a version-0 state upgrades to an empty plan: {text}"
    );
    ws.ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    for i in instances(&state(&ws)) {
        assert_eq!(i["schema_version"], 4, "{i}");
        assert!(i["attributes"].get("not_before").is_none(), "{i}");
        assert!(i["attributes"].get("issuer_pem").is_none(), "{i}");
        assert!(i["attributes"]["chain_pem"].is_null(), "{i}");
        assert_eq!(i["attributes"]["include_chain"], false, "{i}");
        assert!(i["attributes"].get("id").is_none(), "{i}");
    }
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
}

/// Refresh reads a CA's certificates from one paged snapshot (no Get End Cert per
/// certificate), and still sees what changed outside Terraform between two plans: a
/// revocation (replace) and a certificate trimmed from the CA (create).
#[test]
fn acc_fleet_paged_refresh_sees_revocation_and_trim() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().to_string_lossy().into_owned();
    let emu = Emulator::start(&["--cert-page-size", "2", "--data-dir", &data_dir]);
    let ws = workspace(&emu, &certs(5, false));
    ws.ok(&["apply", "-auto-approve", "-no-color"]);

    let from = emu.requests().len();
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(0), "{text}");
    let reqs = emu.requests_since(from);
    let lists = reqs
        .iter()
        .filter(|r| r.starts_with("GET ") && r.contains("/cert -> "))
        .count();
    assert_eq!(lists, 3, "5 certificates in pages of 2: {reqs:?}");
    assert!(
        !reqs.iter().any(|r| r.contains("/cert/")),
        "no request per certificate: {reqs:?}"
    );
    assert!(reqs.len() <= 6, "CA, 3 pages, CRL: {reqs:?}");

    // Revoked outside Terraform between two plans: seen, and replaced.
    let st = state(&ws);
    let attr = |i: usize, name: &str| -> String {
        instances(&st)
            .iter()
            .find(|x| x["index_key"] == i)
            .and_then(|x| x["attributes"][name].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("web[{i}].{name}"))
    };
    let tag = pca::api::model::CaTag::from(attr(0, "ca_tag").as_str());
    let client = emu.client();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(client.revoke_end_cert(&tag, &attr(1, "serial_number").as_str().into()))
        .expect("revoke");
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("pca_end_cert.web[1] must be replaced"),
        "{text}"
    );
    assert!(
        text.contains("1 to add, 0 to change, 1 to destroy"),
        "{text}"
    );

    // Trimmed outside Terraform (expired, then Trim CA): gone from the list, created again.
    let db = rusqlite::Connection::open(dir.path().join("pca-emulator.sqlite3")).expect("db");
    let serial3 = attr(3, "serial_number");
    let changed = db
        .execute(
            "UPDATE cert SET not_after = 0 WHERE ca_tag = ?1 AND lower(serial) = lower(?2)",
            (tag.as_str(), serial3.as_str()),
        )
        .expect("expire");
    assert_eq!(changed, 1, "web[3] is in the emulator's store");
    drop(db);
    rt.block_on(client.trim_ca(&tag)).expect("trim");
    let from = emu.requests().len();
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("pca_end_cert.web[3] will be created"),
        "{text}"
    );
    assert!(
        text.contains("2 to add, 0 to change, 1 to destroy"),
        "{text}"
    );
    // Only the missing certificate costs a request of its own (the confirmation).
    let per_cert = emu
        .requests_since(from)
        .into_iter()
        .filter(|r| r.contains("/cert/"))
        .collect::<Vec<_>>();
    assert_eq!(per_cert.len(), 1, "{per_cert:?}");
    assert!(per_cert[0].ends_with("-> 400"), "{per_cert:?}");
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(plan_code(&ws).0, Some(0));
}

/// `pca_ca`'s refresh reads its CA's certificate list ahead (its certificates are refreshed
/// after it): when the configuration manages them, every page is still read once; when it
/// manages none of them, the read-ahead costs at most page 1 for a long list, and at most
/// its pages and the CRL for a list of up to 10 pages.
#[test]
fn acc_fleet_list_read_ahead_costs() {
    let emu = Emulator::start(&["--cert-page-size", "1"]);
    let ws = workspace(&emu, &certs(12, false));
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let lists = |reqs: &[String]| {
        reqs.iter()
            .filter(|r| r.starts_with("GET ") && r.contains("/cert -> "))
            .count()
    };

    let from = emu.requests().len();
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(0), "{text}");
    let reqs = emu.requests_since(from);
    assert_eq!(lists(&reqs), 12, "12 pages of 1, each read once: {reqs:?}");
    assert_eq!(reqs.len(), 14, "CA list, 12 pages, CRL: {reqs:?}");

    // The certificates leave the configuration (they stay issued): a list of 12 pages is
    // longer than the read-ahead reads whole, so only page 1 may go out.
    let reqs = plan_without_certs(&ws, &emu);
    assert!(lists(&reqs) <= 1, "at most page 1: {reqs:?}");
    assert!(reqs.len() <= 2, "the CA list and at most page 1: {reqs:?}");
}

/// Drops `pca_end_cert.web` from state and configuration (the certificates stay issued),
/// plans, and returns the plan's requests.
fn plan_without_certs(ws: &Workspace, emu: &Emulator) -> Vec<String> {
    ws.ok(&["state", "rm", "pca_end_cert.web"]);
    write_main(ws, emu, ROOT);
    let from = emu.requests().len();
    let (code, text) = plan_code(ws);
    // Only the outputs that named the certificates go.
    assert!(
        matches!(code, Some(0 | 2)) && !text.contains("Plan:"),
        "{text}"
    );
    emu.requests_since(from)
}

/// When no certificate of a short list (at most 10 pages) is managed, the read-ahead costs
/// at most its pages and the CRL (it may be cut short when Terraform stops the provider).
#[test]
fn acc_fleet_list_read_ahead_short_list_unmanaged() {
    let emu = Emulator::start(&["--cert-page-size", "2"]);
    let ws = workspace(&emu, &certs(5, false));
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let reqs = plan_without_certs(&ws, &emu);
    assert!(
        reqs.len() <= 5,
        "CA list, at most 3 pages and the CRL: {reqs:?}"
    );
    assert!(
        !reqs.iter().any(|r| r.contains("/cert/")),
        "no request per certificate: {reqs:?}"
    );
}

/// Two CAs' certificates refresh together: each CA's list and CRL are read exactly once
/// (single-flight per CA, shared by the read-ahead and the certificates' refresh).
#[test]
fn acc_fleet_two_cas_read_their_lists_and_crls_once() {
    let emu = Emulator::start(&[]);
    let mut body = String::new();
    for c in ["a", "b"] {
        body.push_str(&format!(
            r#"
resource "pca_ca" "{c}" {{
  alias    = "root-{c}"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {{
    common_name = "Root {c}"
  }}
}}
resource "pca_end_cert" "{c}" {{
  count    = 3
  ca_tag   = pca_ca.{c}.ca_tag
  key_type = "EC256"
  subject = {{
    common_name = "{c}-${{count.index}}.example.com"
  }}
}}
"#
        ));
    }
    let ws = workspace(&emu, &body);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let from = emu.requests().len();
    let (code, text) = plan_code(&ws);
    assert_eq!(code, Some(0), "{text}");
    let reqs = emu.requests_since(from);
    let count = |suffix: &str| {
        reqs.iter()
            .filter(|r| r.starts_with("GET ") && r.contains(suffix))
            .count()
    };
    assert_eq!(count("/cert -> "), 2, "one list page per CA: {reqs:?}");
    assert_eq!(count("/crl -> "), 2, "one CRL per CA: {reqs:?}");
    assert_eq!(reqs.len(), 5, "CA list, 2 pages, 2 CRLs: {reqs:?}");
}
