//! Acceptance tests with real Terraform: the `pca` provider loads, shows its schema, and
//! validates its provider block with errors that name the attribute.

mod support;

use std::path::Path;
use support::terraform::{PROVIDER_ADDRESS, TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

const SECRET: &str = "SKTEST0000000000000000000000000000000001";

fn provider_block(extra: &str) -> String {
    format!(
        r#"
provider "pca" {{
  access_key = "AKTEST0000000000001"
  secret_key = "{SECRET}"
  endpoint   = "http://127.0.0.1:8700"
  {extra}
}}
"#
    )
}

fn workspace(version: TerraformVersion, extra: &str) -> Workspace {
    let ws = Workspace::new(version, Path::new(PROVIDER_BINARY));
    ws.write(
        "main.tf",
        &format!("{}\n{}", ws.terraform_block(), provider_block(extra)),
    );
    ws
}

/// No crash, no protocol failure: what every failing command must also show.
fn assert_no_crash(out: &str) {
    for bad in [
        "panic",
        "Plugin did not respond",
        "plugin exited",
        "Unsupported plugin method",
        "rpc error",
    ] {
        assert!(!out.contains(bad), "unexpected {bad:?} in:\n{out}");
    }
}

#[test]
fn acc_provider_schema_json_marks_secret_key_sensitive() {
    let ws = workspace(TerraformVersion::V1_15_5, "");
    let out = ws.ok(&["providers", "schema", "-json"]);
    let json: serde_json::Value = serde_json::from_str(out.trim()).expect("schema JSON");
    let provider = &json["provider_schemas"][PROVIDER_ADDRESS]["provider"]["block"]["attributes"];
    assert_eq!(
        provider["secret_key"]["sensitive"],
        serde_json::Value::Bool(true),
        "{provider}"
    );
    for attr in [
        "access_key",
        "secret_key",
        "site",
        "endpoint",
        "max_retries",
    ] {
        assert_eq!(
            provider[attr]["optional"],
            serde_json::Value::Bool(true),
            "{attr}: {provider}"
        );
        assert!(
            provider[attr]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{attr} has a description"
        );
    }
    assert_eq!(provider["max_retries"]["type"], "number");
}

#[test]
fn acc_provider_validate_and_plan_1_15_5() {
    let ws = workspace(
        TerraformVersion::V1_15_5,
        "site = \"public\"\n  max_retries = 3",
    );
    let out = ws.ok(&["validate", "-no-color"]);
    assert!(out.contains("The configuration is valid"), "{out}");
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{plan}");
    assert!(plan.stdout.contains("No changes"), "{plan}");
    assert_no_crash(&plan.combined());
}

#[test]
fn acc_provider_init_and_plan_1_0_3() {
    let ws = workspace(TerraformVersion::V1_0_3, "site = \"gov\"");
    ws.init();
    let out = ws.ok(&["validate", "-no-color"]);
    assert!(out.contains("The configuration is valid"), "{out}");
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{plan}");
    assert!(plan.stdout.contains("No changes"), "{plan}");
}

#[test]
fn acc_provider_bad_site_fails_validate_naming_the_attribute() {
    for version in TerraformVersion::ALL {
        let ws = workspace(version, "site = \"mars\"");
        ws.init();
        let out = ws.fails(&["validate", "-no-color"]);
        assert!(out.contains("Invalid Attribute Value"), "{version}: {out}");
        assert!(
            out.contains("site = \"mars\""),
            "{version}: the error points at the line: {out}"
        );
        assert!(
            out.contains("Attribute site value must be one of"),
            "{version}: {out}"
        );
        assert_no_crash(&out);
    }
}

#[test]
fn acc_provider_non_loopback_http_endpoint_fails_validate() {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    ws.write(
        "main.tf",
        &format!(
            "{}\nprovider \"pca\" {{\n  access_key = \"AK\"\n  secret_key = \"SK\"\n  endpoint = \"http://10.1.2.3\"\n  max_retries = 99\n}}\n",
            ws.terraform_block()
        ),
    );
    let out = ws.fails(&["validate", "-no-color"]);
    assert!(out.contains("endpoint = \"http://10.1.2.3\""), "{out}");
    assert!(out.contains("loopback"), "{out}");
    assert!(
        out.contains("max_retries = 99"),
        "every validator runs: {out}"
    );
    assert_no_crash(&out);
}

#[test]
fn acc_provider_missing_credentials_is_one_clear_error() {
    let mut ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    ws.env("HOME", ws.path().to_str().unwrap_or("/nonexistent"));
    ws.write(
        "main.tf",
        &format!(
            "{}\nprovider \"pca\" {{\n  endpoint = \"http://127.0.0.1:8700\"\n}}\n",
            ws.terraform_block()
        ),
    );
    let out = ws.fails(&["plan", "-no-color"]);
    assert!(out.contains("Missing Credentials"), "{out}");
    for source in ["access_key", "NCLOUD_ACCESS_KEY", ".ncloud/configure"] {
        assert!(out.contains(source), "names {source}: {out}");
    }
    assert_no_crash(&out);
}

#[test]
fn acc_provider_unknown_provider_values_are_tolerated() {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    ws.write(
        "main.tf",
        &format!(
            r#"{}
resource "terraform_data" "later" {{
  input = "http://127.0.0.1:8700"
}}
provider "pca" {{
  access_key = "AK"
  secret_key = "SK"
  endpoint   = terraform_data.later.output
}}
"#,
            ws.terraform_block()
        ),
    );
    let out = ws.ok(&["validate", "-no-color"]);
    assert!(out.contains("The configuration is valid"), "{out}");
    let plan = ws.run(&["plan", "-no-color"]);
    assert!(plan.success(), "{plan}");
    assert_no_crash(&plan.combined());
}

#[test]
fn acc_provider_secret_never_in_trace_log() {
    let mut ws = workspace(TerraformVersion::V1_15_5, "");
    ws.env("TF_LOG", "trace");
    let plan = ws.run(&["plan", "-no-color"]);
    assert!(plan.success(), "{plan}");
    let all = plan.combined();
    assert!(
        all.contains("provider configured") || all.contains("pca"),
        "provider logged something"
    );
    assert!(
        !all.contains(SECRET),
        "the secret key leaked into the trace log"
    );
}
