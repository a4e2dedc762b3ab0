//! Smoke tests of the real-Terraform harness (`tests/support/terraform.rs`): both Terraform
//! versions run, exit codes, output, environment and timeouts come through, and the CLI
//! configuration points Terraform at the provider binary. They do not start the provider.

mod support;

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::Duration;

use support::terraform::{
    Installation, PROVIDER_ADDRESS, PROVIDER_VERSION, TerraformVersion, Workspace,
};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

#[test]
fn both_versions_run() {
    for version in TerraformVersion::ALL {
        let stdout = Workspace::without_provider(version).ok(&["version"]);
        let first_line = stdout.lines().next().unwrap_or_default();
        assert_eq!(first_line, format!("Terraform v{}", version.number()));
    }
}

#[test]
fn validate_plan_apply_without_provider() {
    for version in TerraformVersion::ALL {
        let mut ws = Workspace::without_provider(version);
        ws.env("TF_VAR_greeting", "hello");
        ws.write(
            "main.tf",
            r#"
variable "greeting" { type = string }
locals { message = "${var.greeting}, world" }
output "message" { value = local.message }
"#,
        );
        let validate = ws.ok(&["validate", "-no-color"]);
        assert!(
            validate.contains("The configuration is valid"),
            "{validate}"
        );

        // -detailed-exitcode: 2 = changes; the wrapper must pass the code through.
        let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(plan.code, Some(2), "{version}: {plan}");
        assert!(plan.stdout.contains("message = \"hello, world\""), "{plan}");

        ws.ok(&["apply", "-auto-approve", "-no-color"]);
        assert_eq!(ws.ok(&["output", "-raw", "message"]), "hello, world");
        assert!(ws.read("terraform.tfstate").contains(version.number()));
        let replan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(replan.code, Some(0), "{version}: {replan}");
    }
}

#[test]
fn builtin_resource_on_newest_version() {
    let ws = Workspace::without_provider(TerraformVersion::V1_15_5);
    ws.write(
        "main.tf",
        r#"
resource "terraform_data" "x" { input = "abc" }
output "x" { value = terraform_data.x.output }
"#,
    );
    ws.ok(&["validate", "-no-color"]);
    let plan = ws.ok(&["plan", "-no-color"]);
    assert!(
        plan.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
}

#[test]
fn errors_are_reported() {
    for version in TerraformVersion::ALL {
        let ws = Workspace::without_provider(version);
        ws.write("main.tf", "output \"x\" { value = local.missing }\n");
        let output = ws.fails(&["validate", "-no-color"]);
        assert!(
            output.contains("Reference to undeclared local value"),
            "{output}"
        );
    }
}

#[test]
fn caller_tf_variables_do_not_leak() {
    // The test process's own TF_CLI_CONFIG_FILE or TF_DATA_DIR must not reach Terraform.
    let ws = Workspace::without_provider(TerraformVersion::V1_15_5);
    let mut command = ws.command(&["version"]);
    let envs: Vec<_> = command.get_envs().collect();
    let config = envs
        .iter()
        .find(|(key, _)| *key == "TF_CLI_CONFIG_FILE")
        .and_then(|(_, value)| *value);
    assert_eq!(config, Some(ws.path().join("cli.tfrc").as_os_str()));
    let output = command.output().expect("run terraform version");
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn timeout_kills_the_process_group() {
    let mut ws = Workspace::without_provider(TerraformVersion::V1_15_5);
    // Long enough for Terraform to start and reach the provisioner on a loaded machine.
    ws.timeout(Duration::from_secs(10));
    ws.write(
        "main.tf",
        r#"
resource "terraform_data" "slow" {
  provisioner "local-exec" { command = "echo $$ > sleeper.pid; exec sleep 600" }
}
"#,
    );
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        ws.run(&["apply", "-auto-approve", "-no-color"])
    }));
    let message = result.expect_err("the apply should time out");
    let message = message
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(message.contains("timed out after 10s"), "{message}");
    let pid = ws.read("sleeper.pid");
    let proc_dir = Path::new("/proc").join(pid.trim());
    for _ in 0..100 {
        if !proc_dir.exists() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "the provisioner's process {} survived the timeout",
        pid.trim()
    );
}

#[test]
fn provider_binary_is_wired_in() {
    let cases = [
        (TerraformVersion::V1_15_5, Installation::DevOverrides),
        (TerraformVersion::V1_15_5, Installation::FilesystemMirror),
        (TerraformVersion::V1_0_3, Installation::FilesystemMirror),
    ];
    for (version, installation) in cases {
        let ws = Workspace::with_installation(version, Path::new(PROVIDER_BINARY), installation);
        ws.write("main.tf", &ws.terraform_block());
        ws.init();

        let providers = ws.ok(&["providers"]);
        assert!(
            providers.contains(&format!("provider[{PROVIDER_ADDRESS}]")),
            "{version} {installation:?}: {providers}"
        );
        let version_output = ws.ok(&["version"]);
        assert!(version_output.starts_with(&format!("Terraform v{}", version.number())));
        if installation == Installation::FilesystemMirror {
            // `init` installed the binary from the mirror and recorded it in the lock file.
            assert!(
                version_output
                    .contains(&format!("provider {PROVIDER_ADDRESS} v{PROVIDER_VERSION}")),
                "{version}: {version_output}"
            );
            assert!(ws.read(".terraform.lock.hcl").contains(PROVIDER_ADDRESS));
        }
    }
}

#[test]
fn default_installation_per_version() {
    let ws = Workspace::new(TerraformVersion::V1_0_3, Path::new(PROVIDER_BINARY));
    assert_eq!(ws.installation(), Installation::FilesystemMirror);
    assert!(
        ws.terraform_block()
            .contains(&format!("version = \"{PROVIDER_VERSION}\""))
    );
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    assert_eq!(ws.installation(), Installation::DevOverrides);
    assert!(ws.read("cli.tfrc").contains("dev_overrides"));
}
