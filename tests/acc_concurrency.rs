//! Two Terraform working directories (real Terraform 1.15.5) applying, growing, planning
//! and destroying against one `pca-emulator` at the same time, each with its own CAs and
//! certificates: both converge, the emulator holds exactly what the two states hold (no
//! lost or duplicated writes), both plans are empty afterwards, and the two destroys revoke
//! and delete exactly their own objects, once.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use support::emulator::Emulator;
use support::terraform::{Output, TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

/// Certificates per CA at first, then after growing; two CAs per working directory.
const CERTS_PER_CA: usize = 5;
const GROWN_PER_CA: usize = 8;

fn config(prefix: &str, per_ca: usize) -> String {
    let mut out = String::new();
    for ca in ["a", "b"] {
        out.push_str(&format!(
            r#"
resource "pca_ca" "{ca}" {{
  alias    = "{prefix}-{ca}"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {{
    common_name = "{prefix} {ca} CA"
  }}
}}

resource "pca_end_cert" "{ca}" {{
  count         = {per_ca}
  ca_tag        = pca_ca.{ca}.ca_tag
  key_type      = "EC256"
  validity_days = 7
  subject = {{
    common_name = "${{count.index}}.{ca}.{prefix}.example"
  }}
}}
"#
        ));
    }
    out
}

fn write_config(ws: &Workspace, emu: &Emulator, prefix: &str, per_ca: usize) {
    ws.write(
        "main.tf",
        &format!(
            "{}\n{}\n{}",
            ws.terraform_block(),
            emu.provider_block(),
            config(prefix, per_ca)
        ),
    );
}

fn workspace(emu: &Emulator, prefix: &str) -> Workspace {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    write_config(&ws, emu, prefix, CERTS_PER_CA);
    ws.init();
    ws
}

/// Runs the same command in both working directories at the same time.
fn both(one: &Workspace, two: &Workspace, args: &[&str]) -> (Output, Output) {
    std::thread::scope(|s| {
        let a = s.spawn(|| one.run(args));
        let b = s.spawn(|| two.run(args));
        (
            a.join().expect("first terraform"),
            b.join().expect("second terraform"),
        )
    })
}

/// What a state holds: CA alias → (CA tag, certificate serials).
fn state_of(ws: &Workspace) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let state: serde_json::Value =
        serde_json::from_str(&ws.read("terraform.tfstate")).expect("state JSON");
    let mut cas: BTreeMap<String, String> = BTreeMap::new();
    let mut certs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in state["resources"].as_array().expect("resources") {
        for i in r["instances"].as_array().expect("instances") {
            let a = &i["attributes"];
            match r["type"].as_str() {
                Some("pca_ca") => {
                    cas.insert(
                        a["alias"].as_str().expect("alias").to_owned(),
                        a["ca_tag"].as_str().expect("ca_tag").to_owned(),
                    );
                }
                Some("pca_end_cert") => {
                    certs
                        .entry(a["ca_tag"].as_str().expect("ca_tag").to_owned())
                        .or_default()
                        .insert(canonical(a["serial_number"].as_str().expect("serial")));
                }
                _ => {}
            }
        }
    }
    cas.into_iter()
        .map(|(alias, tag)| {
            let serials = certs.remove(&tag).unwrap_or_default();
            (alias, (tag, serials))
        })
        .collect()
}

fn canonical(serial: &str) -> String {
    pca::resources::common::canonical_serial(serial)
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Checks that the emulator holds exactly the CAs and certificates of the two states, each
/// issued once; returns the number of certificates.
fn assert_emulator_matches_states(
    emu: &Emulator,
    one: &Workspace,
    two: &Workspace,
    per_ca: usize,
) -> usize {
    // The emulator holds exactly the union of the two states.
    let mut expected = state_of(one);
    let two_state = state_of(two);
    assert_eq!(
        expected.len() + two_state.len(),
        4,
        "{expected:?} {two_state:?}"
    );
    expected.extend(two_state);
    let client = emu.client();
    let cas = block_on(client.get_ca_list_all()).expect("CA list");
    let on_emulator: BTreeMap<String, String> = cas
        .iter()
        .filter_map(|r| r.ca_info.as_ref())
        .map(|i| {
            (
                i.alias.clone().unwrap_or_default(),
                i.ca_tag.as_ref().map(|t| t.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let in_states: BTreeMap<String, String> = expected
        .iter()
        .map(|(alias, (tag, _))| (alias.clone(), tag.clone()))
        .collect();
    assert_eq!(
        on_emulator, in_states,
        "one CA per configured alias, no other"
    );
    let mut total = 0;
    for (alias, (tag, serials)) in &expected {
        assert_eq!(serials.len(), per_ca, "{alias}: state");
        let listed: Vec<String> =
            block_on(client.get_end_cert_list_all(&pca::api::model::CaTag::from(tag.as_str())))
                .expect("certificate list")
                .iter()
                .map(|s| s.canonical())
                .collect();
        let listed_set: BTreeSet<String> = listed.iter().cloned().collect();
        assert_eq!(listed.len(), listed_set.len(), "{alias}: listed twice");
        assert_eq!(&listed_set, serials, "{alias}: emulator vs state");
        total += listed.len();
    }
    let issues = emu
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST /api/v1/ca/") && r.ends_with("/cert -> 200"))
        .count();
    assert_eq!(issues, total, "one Issue End Cert per certificate");
    total
}

#[test]
fn acc_two_working_directories_apply_plan_and_destroy_at_once_against_one_emulator() {
    // A little latency so that the two applies' requests really interleave.
    let emu = Emulator::start(&["--latency-ms", "15"]);
    let one = workspace(&emu, "one");
    let two = workspace(&emu, "two");
    let resources = 2 * (1 + CERTS_PER_CA);

    let (a, b) = both(&one, &two, &["apply", "-auto-approve", "-no-color"]);
    for (name, out) in [("one", &a), ("two", &b)] {
        assert!(
            out.success()
                && out
                    .stdout
                    .contains(&format!("Apply complete! Resources: {resources} added")),
            "{name}: {out}"
        );
    }

    let total = assert_emulator_matches_states(&emu, &one, &two, CERTS_PER_CA);
    assert_eq!(total, 4 * CERTS_PER_CA);

    // Both grow at once (three more certificates per CA): only the new ones are issued.
    write_config(&one, &emu, "one", GROWN_PER_CA);
    write_config(&two, &emu, "two", GROWN_PER_CA);
    let grown = 2 * (GROWN_PER_CA - CERTS_PER_CA);
    let (a, b) = both(&one, &two, &["apply", "-auto-approve", "-no-color"]);
    for (name, out) in [("one", &a), ("two", &b)] {
        assert!(
            out.success()
                && out.stdout.contains(&format!(
                    "Apply complete! Resources: {grown} added, 0 changed, 0 destroyed."
                )),
            "{name}: {out}"
        );
    }
    let total = assert_emulator_matches_states(&emu, &one, &two, GROWN_PER_CA);
    assert_eq!(total, 4 * GROWN_PER_CA);
    let resources = 2 * (1 + GROWN_PER_CA);

    // Both plans are empty, also when planned at the same time.
    let (a, b) = both(&one, &two, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(a.code, Some(0), "one: {a}");
    assert_eq!(b.code, Some(0), "two: {b}");

    // Both destroys at once: each revokes its own certificates and deletes its own CAs.
    let (a, b) = both(&one, &two, &["destroy", "-auto-approve", "-no-color"]);
    for (name, out) in [("one", &a), ("two", &b)] {
        assert!(
            out.success()
                && out.stdout.contains(&format!(
                    "Destroy complete! Resources: {resources} destroyed."
                )),
            "{name}: {out}"
        );
    }
    let requests = emu.requests();
    let revoked: Vec<&String> = requests
        .iter()
        .filter(|r| r.ends_with("/revoke -> 200"))
        .collect();
    let revoked_set: BTreeSet<&String> = revoked.iter().copied().collect();
    assert_eq!(
        (revoked.len(), revoked_set.len()),
        (total, total),
        "every certificate revoked once: {revoked:#?}"
    );
    let deleted = requests
        .iter()
        .filter(|r| r.starts_with("DELETE /api/v1/ca/") && r.ends_with("-> 200"))
        .count();
    assert_eq!(deleted, 4, "{requests:#?}");
    eprintln!(
        "two working directories, one emulator: 4 CAs and {total} certificates applied, planned and destroyed concurrently; {} API requests",
        requests.len()
    );
}
