//! `examples/module-tests`: a module with `.tftest.hcl` files, run by real `terraform test`
//! (1.15.5). `emulator.tftest.hcl` applies the module against a `pca-emulator` this test
//! starts; `mock.tftest.hcl` uses `mock_provider "pca"` and reaches no API at all.

mod support;

use std::path::Path;
use support::emulator::{ACCESS_KEY, Emulator, SECRET_KEY};
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

/// A workspace holding a copy of the example module and its tests.
fn module_copy() -> Workspace {
    let mut ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/module-tests");
    for rel in [
        "main.tf",
        "tests/emulator.tftest.hcl",
        "tests/mock.tftest.hcl",
    ] {
        let text = std::fs::read_to_string(root.join(rel)).expect("example file");
        ws.write(rel, &text);
    }
    ws.env("HOME", ws.path().join("home"));
    ws.timeout(std::time::Duration::from_secs(300));
    ws
}

#[test]
fn acc_module_tests_run_against_the_emulator_and_mocked() {
    let emu = Emulator::start(&[]);
    let mut ws = module_copy();
    ws.env("PCA_ENDPOINT", &emu.base_url)
        .env("NCLOUD_ACCESS_KEY", ACCESS_KEY)
        .env("NCLOUD_SECRET_KEY", SECRET_KEY);
    ws.init();
    let out = ws.ok(&["test", "-no-color"]);
    for needle in [
        "tests/emulator.tftest.hcl... pass",
        "run \"builds_the_pki\"... pass",
        "run \"a_new_host_replaces_only_the_certificate\"... pass",
        "tests/mock.tftest.hcl... pass",
        "run \"wires_the_issuing_ca_into_the_certificate\"... pass",
        "run \"rejects_an_empty_host_list\"... pass",
        "Success! 4 passed, 0 failed.",
    ] {
        assert!(out.contains(needle), "{needle:?} missing:\n{out}");
    }
    let requests = emu.requests();
    assert!(
        requests.iter().any(|r| r.starts_with("POST /api/v1/ca ")),
        "the real runs created CAs: {requests:?}"
    );
    // terraform test destroyed what the real runs created: every CA is gone or going away.
    let client = emu.client();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cas = rt.block_on(client.get_ca_list_all()).expect("list");
    assert!(
        cas.iter().all(|c| {
            c.ca_info
                .as_ref()
                .and_then(|i| i.status.as_ref())
                .is_some_and(|s| s.as_str() == "DESTROYING")
        }),
        "{cas:?}"
    );
}

#[test]
fn acc_module_mock_tests_need_no_api() {
    // No endpoint and no credentials at all: only the mocked file can pass.
    let ws = module_copy();
    ws.init();
    let before = std::time::Instant::now();
    let out = ws.ok(&["test", "-no-color", "-filter=tests/mock.tftest.hcl"]);
    assert!(out.contains("Success! 2 passed, 0 failed."), "{out}");
    assert!(before.elapsed().as_secs() < 120);
}
