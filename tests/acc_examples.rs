//! Every example under `examples/` validates with real Terraform against the built provider,
//! and an apply logged at `TF_LOG=trace` leaks neither the secret key nor a private key.

mod support;

use std::path::{Path, PathBuf};
use support::emulator::{Emulator, SECRET_KEY};
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out = Vec::new();
    for kind in [
        "resources",
        "data-sources",
        "ephemeral-resources",
        "functions",
        "actions",
    ] {
        let Ok(dirs) = std::fs::read_dir(root.join(kind)) else {
            continue;
        };
        for d in dirs.flatten() {
            for f in [
                "resource.tf",
                "data-source.tf",
                "ephemeral-resource.tf",
                "function.tf",
                "action.tf",
            ] {
                let p = d.path().join(f);
                if p.is_file() {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn acc_examples_all_validate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let provider =
        std::fs::read_to_string(root.join("provider/provider.tf")).expect("provider example");
    let ca =
        std::fs::read_to_string(root.join("resources/pca_ca/resource.tf")).expect("pca_ca example");
    let all = examples();
    assert!(all.len() >= 3, "examples found: {all:?}");
    for example in all {
        let text = std::fs::read_to_string(&example).expect("example");
        let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
        ws.write("provider.tf", &provider);
        ws.write("example.tf", &text);
        // Examples refer to the CAs of the pca_ca example.
        if text.contains("pca_ca.") && !text.contains("resource \"pca_ca\"") {
            ws.write("ca.tf", &ca);
        }
        // A real CSR: `csr_pem` is parsed at plan time (its key decides keyType/keyBits).
        let key = rcgen::KeyPair::generate().expect("key");
        let csr = rcgen::CertificateParams::new(vec!["api.example.com".to_owned()])
            .expect("params")
            .serialize_request(&key)
            .expect("csr")
            .pem()
            .expect("pem");
        ws.write("api.csr.pem", &csr);
        let out = ws.run(&["validate", "-no-color"]);
        assert!(
            out.success(),
            "{} does not validate:\n{out}",
            example.display()
        );
    }
}

#[test]
fn acc_examples_trace_log_has_no_secret_and_no_private_key() {
    let emu = Emulator::start(&[]);
    let mut ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    ws.env("TF_LOG", "trace");
    ws.write(
        "main.tf",
        &format!(
            r#"{}
{}
resource "pca_ca" "root" {{
  alias    = "trace-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {{
    common_name = "Trace Root"
  }}
}}
resource "pca_end_cert" "leaf" {{
  ca_tag   = pca_ca.root.ca_tag
  key_type = "EC256"
  subject = {{
    common_name = "leaf.example.com"
  }}
}}
"#,
            ws.terraform_block(),
            emu.provider_block()
        ),
    );
    let apply = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(apply.success(), "{apply}");
    let log = apply.combined();
    assert!(log.contains("[TRACE]"), "trace logging is on");
    assert!(
        !log.contains(SECRET_KEY),
        "the secret key is in the trace log"
    );
    let state: serde_json::Value =
        serde_json::from_str(&ws.read("terraform.tfstate")).expect("state");
    let key = state["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "pca_end_cert"))
        .and_then(|r| r["instances"][0]["attributes"]["private_key_pem"].as_str())
        .expect("the CA-generated key is in state")
        .to_owned();
    let body: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(body.len() > 40);
    for chunk in [&body[..40], &body[body.len() - 40..]] {
        assert!(
            !log.contains(chunk),
            "private key material in the trace log"
        );
    }
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
}
