//! Acceptance tests of `pca_ca_user`, `pca_crl_rotation` and `pca_ca_trim` with real
//! Terraform 1.15.5 against `pca-emulator` (each test starts its own emulator).

mod support;

use pca::api::model::{CaTag, IdNo};
use pca::client::Client;
use std::path::Path;
use support::crl::current_crl;
use support::emulator::Emulator;
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");
const V: TerraformVersion = TerraformVersion::V1_15_5;
const USER: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";

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

/// A runtime and an API client for the emulator (to change things behind Terraform's back).
fn api(emu: &Emulator) -> (tokio::runtime::Runtime, Client) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    (rt, emu.client())
}

/// The CRL number of the CA's current CRL.
fn crl_number(rt: &tokio::runtime::Runtime, client: &Client, tag: &str) -> u64 {
    current_crl(rt, client, tag).0
}

/// Terraform wraps diagnostics: compare text with whitespace runs collapsed.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_empty_plan(ws: &Workspace, when: &str) {
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "plan {when} must be empty: {plan}");
}

const ROOT: &str = r#"
resource "pca_ca" "root" {
  alias    = "ops-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Ops Root CA"
  }
}

output "ca_tag" { value = pca_ca.root.ca_tag }
"#;

#[test]
fn acc_pca_ca_user_apply_import_drift_destroy() {
    let emu = Emulator::start(&[]);
    let body = format!(
        r#"{ROOT}
resource "pca_ca_user" "u" {{
  ca_tag = pca_ca.root.ca_tag
  id_no  = "{USER}"
}}

output "user_id" {{ value = pca_ca_user.u.id }}
output "login_id" {{ value = pca_ca_user.u.login_id }}
output "member_no" {{ value = pca_ca_user.u.member_no }}
"#
    );
    let ws = workspace(&emu, &body);
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 2 added"), "{out}");
    let tag = ws.ok(&["output", "-raw", "ca_tag"]);
    assert_eq!(
        ws.ok(&["output", "-raw", "user_id"]),
        format!("{tag}/{USER}")
    );
    let login = ws.ok(&["output", "-raw", "login_id"]);
    assert!(login.starts_with("subaccount-"), "{login}");
    assert!(
        !ws.ok(&["output", "-raw", "member_no"]).is_empty(),
        "member_no is set"
    );
    assert_empty_plan(&ws, "after apply");

    // Import: forget the permission, import it by <ca_tag>/<id_no>, and nothing changes.
    ws.ok(&["state", "rm", "pca_ca_user.u"]);
    let out = ws.ok(&[
        "import",
        "-no-color",
        "pca_ca_user.u",
        &format!("{tag}/{USER}"),
    ]);
    assert!(out.contains("Import successful"), "{out}");
    assert_empty_plan(&ws, "after import");
    assert_eq!(ws.ok(&["output", "-raw", "login_id"]), login);

    // A malformed import ID says what is expected.
    ws.ok(&["state", "rm", "pca_ca_user.u"]);
    let err = ws.fails(&[
        "import",
        "-no-color",
        "pca_ca_user.u",
        &format!("{tag}/nope"),
    ]);
    assert!(err.contains("<ca_tag>/<id_no>"), "{err}");
    ws.ok(&[
        "import",
        "-no-color",
        "pca_ca_user.u",
        &format!("{tag}/{USER}"),
    ]);

    // Drift: the permission is removed through the API; the next plan adds it again.
    let (rt, client) = api(&emu);
    rt.block_on(client.delete_ca_user(&CaTag::from(tag.as_str()), &IdNo::from(USER)))
        .expect("delete the user behind Terraform's back");
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{plan}");
    assert!(
        plan.stdout.contains("pca_ca_user.u will be created"),
        "{plan}"
    );
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 1 added"), "{out}");
    let users = rt
        .block_on(client.get_ca_user_list(&CaTag::from(tag.as_str())))
        .expect("users");
    assert_eq!(users.len(), 1);
    assert_empty_plan(&ws, "after re-creation");

    let out = ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 2 destroyed"), "{out}");
}

/// Many permissions on one CA refresh from one Get CA User List per plan (shared with
/// `data "pca_ca_users"` of the same CA), and a permission removed behind Terraform's back
/// is still seen.
#[test]
fn acc_pca_ca_users_of_one_ca_refresh_from_one_list() {
    let emu = Emulator::start(&[]);
    let ids = [
        "6e4c1234-5678-90ab-cdef-1234567a9baa",
        "7f5d2345-6789-01bc-def0-2345678b0cbb",
        "8a6e3456-7890-12cd-ef01-3456789c1dcc",
    ];
    let body = format!(
        r#"{ROOT}
variable "ids" {{ default = ["{}", "{}", "{}"] }}
resource "pca_ca_user" "u" {{
  for_each = toset(var.ids)
  ca_tag   = pca_ca.root.ca_tag
  id_no    = each.value
}}
data "pca_ca_users" "all" {{
  ca_tag     = pca_ca.root.ca_tag
  depends_on = [pca_ca_user.u]
}}
output "listed" {{ value = length(data.pca_ca_users.all.users) }}
"#,
        ids[0], ids[1], ids[2]
    );
    let ws = workspace(&emu, &body);
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 4 added"), "{out}");
    assert_eq!(ws.ok(&["output", "-raw", "listed"]), "3");
    let tag = ws.ok(&["output", "-raw", "ca_tag"]);
    let user_lists = |from: usize| {
        emu.requests_since(from)
            .iter()
            .filter(|r| r.starts_with("GET ") && r.contains("/users"))
            .count()
    };

    let from = emu.requests().len();
    assert_empty_plan(&ws, "after apply");
    assert_eq!(
        user_lists(from),
        1,
        "one list for three users and the data source"
    );

    // Removed through the API: the next plan adds that one again, from one list still.
    let (rt, client) = api(&emu);
    rt.block_on(client.delete_ca_user(&CaTag::from(tag.as_str()), &IdNo::from(ids[1])))
        .expect("delete the user behind Terraform's back");
    let from = emu.requests().len();
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{plan}");
    assert!(
        flat(&plan.stdout).contains(&format!(r#"pca_ca_user.u["{}"] will be created"#, ids[1])),
        "{plan}"
    );
    assert!(
        plan.stdout.contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    assert_eq!(user_lists(from), 1, "{:?}", emu.requests());

    // The apply adds it back, and the data source read after it lists all three.
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 1 added"), "{out}");
    assert_eq!(ws.ok(&["output", "-raw", "listed"]), "3");
    assert_empty_plan(&ws, "after re-creation");
    let out = ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 4 destroyed"), "{out}");
}

#[test]
fn acc_pca_ca_user_bad_input_fails_at_plan() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        &emu,
        r#"
resource "pca_ca_user" "u" {
  ca_tag = "aaaaaaaa-bbbbbbbb"
  id_no  = "6e4c****-****-****-****-********9baa"
}
"#,
    );
    let err = ws.fails(&["plan", "-no-color"]);
    assert!(err.contains("id_no"), "{err}");
    assert!(err.contains("36-character"), "{err}");
    assert!(
        emu.requests().is_empty(),
        "no API call: {:?}",
        emu.requests()
    );
}

#[test]
fn acc_pca_crl_rotation_rotates_and_triggers_rotate_again() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, ROOT);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let tag = ws.ok(&["output", "-raw", "ca_tag"]);
    let (rt, client) = api(&emu);
    let before = crl_number(&rt, &client, &tag);

    let rotation = |n: u32| {
        format!(
            r#"{ROOT}
resource "pca_crl_rotation" "r" {{
  ca_tag   = pca_ca.root.ca_tag
  triggers = {{ round = "{n}" }}
}}

output "last_run" {{ value = pca_crl_rotation.r.last_run }}
output "rotation_id" {{ value = pca_crl_rotation.r.id }}
"#
        )
    };
    write(&ws, &emu, &rotation(1));
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 1 added"), "{out}");
    let first = crl_number(&rt, &client, &tag);
    assert!(
        first > before,
        "create rotates the CRL: {before} -> {first}"
    );
    let last_run = ws.ok(&["output", "-raw", "last_run"]);
    assert!(
        last_run.len() == 20 && last_run.ends_with('Z') && last_run.contains('T'),
        "RFC 3339: {last_run}"
    );
    assert!(ws.ok(&["output", "-raw", "rotation_id"]).starts_with(&tag));
    let from = emu.requests().len();
    assert_empty_plan(&ws, "after the rotation");
    // `pca_ca` and `pca_crl_rotation` refresh from one Get CA List: no Get CA.
    assert_eq!(
        emu.get_ca_count_since(from, &tag),
        0,
        "{:?}",
        emu.requests_since(from)
    );
    assert_eq!(
        crl_number(&rt, &client, &tag),
        first,
        "a plan rotates nothing"
    );

    // A new trigger value replaces the resource: the CRL is rotated again.
    write(&ws, &emu, &rotation(2));
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("1 added, 0 changed, 1 destroyed"), "{out}");
    let second = crl_number(&rt, &client, &tag);
    assert!(
        second > first,
        "a trigger change rotates again: {first} -> {second}"
    );
    assert_empty_plan(&ws, "after the second rotation");

    // Destroy does nothing to the CA's CRL.
    let out = ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 2 destroyed"), "{out}");
}

#[test]
fn acc_pca_ca_trim_runs() {
    let emu = Emulator::start(&[]);
    let ws = workspace(&emu, ROOT);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let tag = ws.ok(&["output", "-raw", "ca_tag"]);
    let (rt, client) = api(&emu);
    let before = crl_number(&rt, &client, &tag);
    write(
        &ws,
        &emu,
        &format!(
            r#"{ROOT}
resource "pca_ca_trim" "t" {{
  ca_tag = pca_ca.root.ca_tag
}}

resource "pca_crl_rotation" "x" {{
  ca_tag = pca_ca.root.ca_tag
}}

output "trimmed_at" {{ value = pca_ca_trim.t.last_run }}
"#
        ),
    );
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 2 added"), "{out}");
    // Trim CA rebuilds the CRL, and so does the rotation: two new CRLs.
    let after = crl_number(&rt, &client, &tag);
    assert!(
        after >= before + 2,
        "trim and rotation each publish a CRL: {before} -> {after}"
    );
    assert!(ws.ok(&["output", "-raw", "trimmed_at"]).ends_with('Z'));
    assert_empty_plan(&ws, "after the trim");

    // Import is refused with the reason.
    write(
        &ws,
        &emu,
        &format!(
            "{ROOT}\nresource \"pca_ca_trim\" \"t\" {{\n  ca_tag = pca_ca.root.ca_tag\n}}\n\nresource \"pca_ca_trim\" \"again\" {{\n  ca_tag = pca_ca.root.ca_tag\n}}\n"
        ),
    );
    let err = flat(&ws.fails(&["import", "-no-color", "pca_ca_trim.again", &tag]));
    assert!(err.contains("Import Not Supported"), "{err}");
    assert!(err.contains("no object in the API to import"), "{err}");

    let ws_bad = workspace(
        &emu,
        "resource \"pca_ca_trim\" \"bad\" {\n  ca_tag = \"\"\n}\n",
    );
    let err = ws_bad.fails(&["plan", "-no-color"]);
    assert!(err.contains("ca_tag"), "{err}");

    // The CA goes away: the operation resources go with it, nothing else to undo.
    write(&ws, &emu, ROOT);
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("2 destroyed"), "{out}");
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
}
