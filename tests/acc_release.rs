//! The release package installs like a registry provider: `scripts/release` writes the zip,
//! manifest and checksums, and real Terraform installs the zip from a filesystem mirror with a
//! normal `required_providers` block, then applies against `pca-emulator`.

mod support;

use std::path::Path;
use std::process::Command;
use support::emulator::Emulator;
use support::terraform::{PROVIDER_VERSION, TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

#[test]
fn acc_release_zip_installs_from_a_mirror_and_applies() {
    for version in TerraformVersion::ALL {
        let emu = Emulator::start(&[]);
        let mut ws = Workspace::without_provider(version);
        let dist = ws.path().join("dist");
        let status = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release"))
            .args(["--binary", PROVIDER_BINARY, "--out"])
            .arg(&dist)
            .status()
            .expect("run scripts/release");
        assert!(status.success());
        let zip = format!("terraform-provider-pca_{PROVIDER_VERSION}_linux_amd64.zip");
        for file in [
            zip.as_str(),
            "SHA256SUMS",
            "terraform-registry-manifest.json",
            &format!("terraform-provider-pca_{PROVIDER_VERSION}_manifest.json"),
        ] {
            assert!(dist.join(file).is_file(), "dist/{file}");
        }
        let manifest = std::fs::read_to_string(dist.join("terraform-registry-manifest.json"))
            .expect("manifest");
        assert!(manifest.contains("\"6.0\""), "{manifest}");
        // A packed filesystem mirror holding the zip, as an offline registry would.
        let mirror = ws
            .path()
            .join("mirror/registry.terraform.io/ncloud-community/pca");
        std::fs::create_dir_all(&mirror).expect("mirror");
        std::fs::copy(dist.join(&zip), mirror.join(&zip)).expect("copy zip");
        ws.write(
            "cli.tfrc",
            &format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/ncloud-community/*\"]\n  }}\n}}\n",
                ws.path().join("mirror").display()
            ),
        );
        let home = ws.path().display().to_string();
        ws.env("HOME", home);
        ws.write(
            "main.tf",
            &format!(
                r#"
terraform {{
  required_providers {{
    pca = {{
      source  = "ncloud-community/pca"
      version = "~> {PROVIDER_VERSION}"
    }}
  }}
}}
{}
resource "pca_ca" "root" {{
  alias    = "release-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {{
    common_name = "Release Root"
  }}
}}
"#,
                emu.provider_block()
            ),
        );
        let init = ws.ok(&["init", "-no-color"]);
        assert!(
            init.contains("Installed ncloud-community/pca v0.1.0"),
            "{version}: {init}"
        );
        ws.ok(&["apply", "-auto-approve", "-no-color"]);
        let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(plan.code, Some(0), "{version}: {plan}");
        ws.ok(&["destroy", "-auto-approve", "-no-color"]);
        let _ = Path::new(&dist);
    }
}
