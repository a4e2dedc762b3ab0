//! Acceptance tests of the data sources with real Terraform 1.15.5 against `pca-emulator`
//! (each test starts its own emulator; page sizes of 1 make every list span pages).

mod support;

use pca::api::model::{CaTag, SerialNo, UpdateCrlConfigRequest};
use pca::client::Client;
use serde_json::Value;
use std::path::Path;
use support::emulator::Emulator;
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");
const V: TerraformVersion = TerraformVersion::V1_15_5;
const USER: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn workspace(emu: &Emulator, body: &str) -> Workspace {
    let ws = Workspace::new(V, Path::new(PROVIDER_BINARY));
    write(&ws, emu, body);
    ws
}

fn write(ws: &Workspace, emu: &Emulator, body: &str) {
    ws.write(
        "main.tf",
        &format!("{}\n{}\n{body}", ws.terraform_block(), emu.provider_block()),
    );
}

fn api(emu: &Emulator) -> (tokio::runtime::Runtime, Client) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    (rt, emu.client())
}

/// Terraform wraps diagnostics: compare text with whitespace runs collapsed.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A root CA, an intermediate it signs, two certificates and a CA user.
const PKI: &str = r#"
resource "pca_ca" "root" {
  alias    = "ds-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name  = "DS Root CA"
    country      = "KR"
    organization = "Example"
  }
  memo = "data source test"
}

resource "pca_ca" "sub" {
  alias         = "ds-sub"
  ca_type       = "PRIVATE_SUB"
  issuer_ca_tag = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 365
  subject = {
    common_name = "DS Issuing CA"
  }
}

resource "pca_end_cert" "a" {
  ca_tag        = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name  = "a.example.com"
    organization = "Example"
  }
  alt_names    = ["a.example.com", "ops@example.com"]
  ip_addresses = ["10.0.0.1"]
}

resource "pca_ca_user" "u" {
  ca_tag = pca_ca.root.ca_tag
  id_no  = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
}

output "root_tag" { value = pca_ca.root.ca_tag }
output "sub_tag" { value = pca_ca.sub.ca_tag }
output "a_serial" { value = pca_end_cert.a.serial_number }
"#;

/// The second certificate, revoked later through the API (destroy only forgets it).
const CERT_B: &str = r#"
resource "pca_end_cert" "b" {
  ca_tag            = pca_ca.root.ca_tag
  key_type          = "EC256"
  validity_days     = 10
  revoke_on_destroy = false
  subject = {
    common_name = "b.example.com"
  }
}

output "b_serial" { value = pca_end_cert.b.serial_number }
"#;

/// Every data source, read after the resources exist; one output with every result.
const DATA: &str = r#"
variable "b_serial_plain" { type = string }

data "pca_ca" "by_tag" { ca_tag = pca_ca.root.ca_tag }
data "pca_ca" "by_alias" { alias = "ds-sub" }
data "pca_cas" "all" {}
data "pca_cas" "subs" { ca_type = "PRIVATE_SUB" }
data "pca_cas" "pending" { status = "PENDING" }
data "pca_ca_chain" "sub" { ca_tag = pca_ca.sub.ca_tag }
data "pca_ca_crl" "root" { ca_tag = pca_ca.root.ca_tag }
data "pca_crl_config" "root" { ca_tag = pca_ca.root.ca_tag }
data "pca_crl_config" "sub" { ca_tag = pca_ca.sub.ca_tag }
data "pca_end_cert" "a" {
  ca_tag        = pca_ca.root.ca_tag
  serial_number = pca_end_cert.a.serial_number
}
data "pca_end_cert" "b" {
  ca_tag        = pca_ca.root.ca_tag
  serial_number = var.b_serial_plain
}
data "pca_end_certs" "root" { ca_tag = pca_ca.root.ca_tag }
data "pca_ca_users" "root" { ca_tag = pca_ca.root.ca_tag }

output "data" {
  value = {
    by_tag       = data.pca_ca.by_tag
    by_alias     = data.pca_ca.by_alias
    root_pem     = pca_ca.root.certificate_pem
    sub_pem      = pca_ca.sub.certificate_pem
    all          = data.pca_cas.all
    subs         = data.pca_cas.subs.ca_tags
    pending      = data.pca_cas.pending.ca_tags
    chain        = data.pca_ca_chain.sub
    crl          = data.pca_ca_crl.root
    crl_days     = data.pca_crl_config.root.expiry_days
    sub_crl_days = data.pca_crl_config.sub.expiry_days
    a            = data.pca_end_cert.a
    a_pem        = pca_end_cert.a.certificate_pem
    a_not_after  = pca_end_cert.a.not_after
    b            = data.pca_end_cert.b
    serials      = data.pca_end_certs.root.serial_numbers
    users        = data.pca_ca_users.root.users
  }
}
"#;

fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    path.split('.')
        .fold(v, |v, k| &v[k])
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string: {v}"))
}

#[test]
fn acc_data_sources_return_the_pki() {
    let emu = Emulator::start(&["--ca-page-size", "1", "--cert-page-size", "1"]);
    let ws = workspace(&emu, &format!("{PKI}{CERT_B}"));
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 5 added"), "{out}");
    let root = ws.ok(&["output", "-raw", "root_tag"]);
    let sub = ws.ok(&["output", "-raw", "sub_tag"]);
    let a_serial = ws.ok(&["output", "-raw", "a_serial"]);
    let b_serial = ws.ok(&["output", "-raw", "b_serial"]);

    // Behind Terraform's back: revoke b, set the root's CRL interval to 5 days.
    let (rt, client) = api(&emu);
    rt.block_on(client.revoke_end_cert(
        &CaTag::from(root.as_str()),
        &SerialNo::from(b_serial.as_str()),
    ))
    .expect("revoke b");
    rt.block_on(client.update_crl_config(
        &CaTag::from(root.as_str()),
        &UpdateCrlConfigRequest { expiry: "5".into() },
    ))
    .expect("CRL config");

    // b leaves the configuration (forgotten, not revoked again); the data sources come in.
    // b's serial is given as `openssl x509 -serial` prints it: upper case, no colons.
    let b_plain = b_serial.replace(':', "").to_ascii_uppercase();
    write(&ws, &emu, &format!("{PKI}{DATA}"));
    let var = format!("b_serial_plain={b_plain}");
    let out = ws.ok(&["apply", "-auto-approve", "-no-color", "-var", &var]);
    assert!(out.contains("0 added, 0 changed, 1 destroyed"), "{out}");
    let data: Value =
        serde_json::from_str(&ws.ok(&["output", "-json", "data"])).expect("JSON output");

    // pca_ca by tag: the resource's values, plus status and signing_count.
    let by_tag = &data["by_tag"];
    assert_eq!(s(by_tag, "id"), root);
    assert_eq!(s(by_tag, "alias"), "ds-root");
    assert_eq!(s(by_tag, "ca_type"), "PRIVATE_ROOT");
    assert_eq!(s(by_tag, "key_type"), "EC256");
    assert_eq!(s(by_tag, "status"), "ACTIVE");
    assert_eq!(s(by_tag, "memo"), "data source test");
    assert_eq!(s(by_tag, "subject.common_name"), "DS Root CA");
    assert_eq!(s(by_tag, "subject.country"), "KR");
    assert_eq!(s(by_tag, "certificate_pem"), s(&data, "root_pem"));
    assert!(
        by_tag["signing_count"].as_i64().expect("count") >= 2,
        "{by_tag}"
    );
    assert!(by_tag["csr_pem"].is_null());
    assert!(s(by_tag, "not_after").ends_with('Z'));
    assert!(!by_tag["crl_urls"].as_array().expect("urls").is_empty());
    // pca_ca by alias: the intermediate, found through the paged list.
    let by_alias = &data["by_alias"];
    assert_eq!(s(by_alias, "ca_tag"), sub);
    assert_eq!(s(by_alias, "ca_type"), "PRIVATE_SUB");
    assert_eq!(s(by_alias, "certificate_pem"), s(&data, "sub_pem"));
    assert!(s(by_alias, "chain_pem").contains(s(&data, "root_pem").trim()));

    // pca_cas: every page, and the filters.
    let tags: Vec<&str> = data["all"]["ca_tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert!(tags.contains(&root.as_str()) && tags.contains(&sub.as_str()));
    let root_item = data["all"]["cas"]
        .as_array()
        .expect("cas")
        .iter()
        .find(|c| c["ca_tag"] == root.as_str())
        .expect("root listed");
    assert_eq!(s(root_item, "alias"), "ds-root");
    assert_eq!(s(root_item, "status"), "ACTIVE");
    assert_eq!(s(root_item, "key_type"), "EC256");
    assert_eq!(s(root_item, "common_name"), "DS Root CA");
    assert_eq!(data["subs"], serde_json::json!([sub]));
    assert_eq!(data["pending"], serde_json::json!([]));

    // pca_ca_chain: the intermediate, then the root.
    assert_eq!(data["chain"]["certificate_count"], 2);
    let chain = s(&data["chain"], "chain_pem");
    let (sub_pem, root_pem) = (s(&data, "sub_pem").trim(), s(&data, "root_pem").trim());
    let (i_sub, i_root) = (chain.find(sub_pem), chain.find(root_pem));
    assert!(
        i_sub.is_some() && i_root.is_some() && i_sub < i_root,
        "{chain}"
    );

    // pca_ca_crl: b is listed, a is not; validity as configured (5 days).
    let crl = &data["crl"];
    assert!(s(crl, "crl_pem").contains("BEGIN X509 CRL"));
    assert_eq!(crl["revoked_serials"], serde_json::json!([b_serial]));
    let (this, next) = (s(crl, "this_update"), s(crl, "next_update"));
    assert!(
        this.ends_with('Z') && next.ends_with('Z') && this < next,
        "{this} {next}"
    );
    assert_eq!(data["crl_days"], 5);
    assert_eq!(data["sub_crl_days"], 3, "never configured: the API default");

    // pca_end_cert: what the resource has, and revocation from the CRL.
    let a = &data["a"];
    assert_eq!(s(a, "id"), format!("{root}/{a_serial}"));
    assert_eq!(s(a, "certificate_pem"), s(&data, "a_pem"));
    assert_eq!(s(a, "not_after"), s(&data, "a_not_after"));
    assert_eq!(s(a, "common_name"), "a.example.com");
    assert_eq!(s(a, "subject.organization"), "Example");
    assert_eq!(
        a["alt_names"],
        serde_json::json!(["a.example.com", "ops@example.com"])
    );
    assert_eq!(a["ip_addresses"], serde_json::json!(["10.0.0.1"]));
    assert_eq!(s(a, "key_type"), "EC256");
    assert_eq!(a["revoked"], false);
    assert!(s(a, "chain_pem").contains(root_pem));
    assert!(s(a, "issuer_pem").contains(root_pem));
    let b = &data["b"];
    assert_eq!(
        s(b, "serial_number"),
        b_plain,
        "the input is kept as written"
    );
    assert_eq!(
        s(b, "id"),
        format!("{root}/{b_serial}"),
        "the id is canonical"
    );
    assert_eq!(s(b, "common_name"), "b.example.com");
    assert_eq!(b["revoked"], true);

    // pca_end_certs: every certificate the root signed (the intermediate's too), over three
    // pages.
    let serials = data["serials"].as_array().expect("serials");
    assert_eq!(serials.len(), 3, "{serials:?}");
    assert!(serials.contains(&by_alias["serial_number"]), "{serials:?}");
    assert!(serials.contains(&Value::from(a_serial.as_str())));
    assert!(serials.contains(&Value::from(b_serial.as_str())));

    // pca_ca_users.
    let users = data["users"].as_array().expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(s(&users[0], "id_no"), USER);
    assert!(s(&users[0], "login_id").starts_with("subaccount-"));

    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode", "-var", &var]);
    assert_eq!(plan.code, Some(0), "plan after apply must be empty: {plan}");

    // Missing objects are errors on the attribute that named them.
    let missing = workspace(
        &emu,
        &format!(
            r#"
data "pca_ca_chain" "gone" {{ ca_tag = "deadbeef-deadbeef" }}
data "pca_end_cert" "gone" {{
  ca_tag        = "{root}"
  serial_number = "01:02:03"
}}
data "pca_ca" "gone" {{ alias = "no-such-ca" }}
"#
        ),
    );
    let err = flat(&missing.fails(&["plan", "-no-color"]));
    assert!(
        err.contains("There is no CA with ca_tag \"deadbeef-deadbeef\""),
        "{err}"
    );
    assert!(
        err.contains("has no certificate with serial number \"01:02:03\""),
        "{err}"
    );
    assert!(
        err.contains("There is no CA with alias \"no-such-ca\""),
        "{err}"
    );

    ws.ok(&["destroy", "-auto-approve", "-no-color", "-var", &var]);
}

#[test]
fn acc_data_sources_bad_input_fails_at_plan() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        &emu,
        r#"
data "pca_ca" "both" {
  ca_tag = "aaaaaaaa-bbbbbbbb"
  alias  = "root-ca"
}
data "pca_ca" "neither" {}
data "pca_ca" "bad_alias" { alias = "1x" }
data "pca_cas" "bad" { ca_type = "ROOT" }
data "pca_end_cert" "bad" {
  ca_tag        = "aaaaaaaa-bbbbbbbb"
  serial_number = "not-a-serial"
}
data "pca_ca_crl" "bad" { ca_tag = "" }
"#,
    );
    let out = ws.run(&["plan", "-no-color"]);
    assert!(!out.success(), "{out}");
    let err = flat(&out.combined());
    for expected in [
        "Set either ca_tag or alias, not both.",
        "Set ca_tag or alias to say which CA to read.",
        "Attribute alias must be 3 to 15 characters",
        "Attribute ca_type value must be one of",
        "Attribute serial_number must be a certificate serial number",
        "Attribute ca_tag must be 1 to 64 characters long; got 0",
    ] {
        assert!(err.contains(expected), "{expected:?} missing from: {err}");
    }
    assert!(
        emu.requests().is_empty(),
        "no API call: {:?}",
        emu.requests()
    );
}
