//! The quickstart configuration (`examples/quickstart`) with real Terraform 1.15.5 against
//! `pca-emulator`: it applies, plans empty, its chains verify with openssl, and it destroys —
//! also when 20% of the API calls fail with 503.

mod support;

use std::path::Path;
use std::process::Command;
use support::emulator::{ACCESS_KEY, Emulator, SECRET_KEY};
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

fn quickstart(emu: &Emulator) -> Workspace {
    let mut ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    let main = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/quickstart/main.tf"
    ))
    .expect("quickstart");
    ws.write("main.tf", &main);
    let csr = Command::new("openssl")
        .args([
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args([
            "-subj",
            "/CN=app.quickstart.example",
            "-keyout",
            "app.key.pem",
            "-out",
            "app.csr.pem",
        ])
        .current_dir(ws.path())
        .output()
        .expect("openssl must be installed");
    assert!(
        csr.status.success(),
        "{}",
        String::from_utf8_lossy(&csr.stderr)
    );
    ws.env("PCA_ENDPOINT", &emu.base_url);
    ws.env("NCLOUD_ACCESS_KEY", ACCESS_KEY);
    ws.env("NCLOUD_SECRET_KEY", SECRET_KEY);
    ws
}

fn verify(ws: &Workspace, root: &str, untrusted: &str, leaf: &str) {
    for o in [root, untrusted, leaf] {
        let pem = ws.ok(&["output", "-raw", o]);
        std::fs::write(ws.path().join(format!("{o}.pem")), pem).expect("write");
    }
    let out = Command::new("openssl")
        .args([
            "verify",
            "-CAfile",
            &format!("{root}.pem"),
            "-untrusted",
            &format!("{untrusted}.pem"),
        ])
        .arg(format!("{leaf}.pem"))
        .current_dir(ws.path())
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(emu: &Emulator) {
    let ws = quickstart(emu);
    let out = ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 10 added"), "{out}");
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "plan after apply must be empty: {plan}");
    verify(&ws, "root_pem", "issuing_pem", "web_pem");
    verify(&ws, "root_pem", "issuing_pem", "app_pem");
    verify(&ws, "root_pem", "external_pem", "internal_pem");
    // Exactly what the configuration declares exists: no duplicate from a retried call.
    let client = emu.client();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let cas = rt.block_on(client.get_ca_list_all()).expect("list");
    assert_eq!(cas.len(), 3, "three CAs");
    for ca in &cas {
        let info = ca.ca_info.clone().unwrap_or_default();
        let tag = info.ca_tag.clone().expect("tag");
        let certs = rt
            .block_on(client.get_end_cert_list_all(&tag))
            .expect("certs");
        let expected = match info.alias.as_deref() {
            Some("qs-root") => 2,     // the two intermediates
            Some("qs-issuing") => 2,  // web and app
            Some("qs-external") => 1, // internal
            other => panic!("unexpected CA {other:?}"),
        };
        assert_eq!(certs.len(), expected, "{:?}: {certs:?}", info.alias);
    }
    let out = ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.contains("Resources: 10 destroyed"), "{out}");
    let left = rt.block_on(client.get_ca_list_all()).expect("list");
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn acc_quickstart_applies_verifies_and_destroys() {
    run(&Emulator::start(&[]));
}

#[test]
fn acc_quickstart_survives_injected_503s() {
    let emu = Emulator::start(&[
        "--fault-rate",
        "0.2",
        "--fault-status",
        "503",
        "--fault-seed",
        "42",
    ]);
    run(&emu);
    let faults = emu
        .requests()
        .iter()
        .filter(|r| r.ends_with("-> 503"))
        .count();
    assert!(faults > 5, "faults were injected: {faults}");
}
