//! Acceptance tests with real Terraform: the `pca` provider loads, shows its schema,
//! validates its provider block with errors that name the attribute, resolves credentials
//! from the block, the environment and `~/.ncloud/configure`, and never leaks the secret.

mod support;

use std::path::Path;
use support::terraform::{PROVIDER_ADDRESS, TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");

const SECRET: &str = "SKTEST0000000000000000000000000000000001";

/// A data source that uses the provider: Terraform prunes providers nothing uses, and would
/// then neither validate nor configure them.
const USES_PROVIDER: &str = r#"
data "pca_client_config" "current" {}
output "api_url" { value = data.pca_client_config.current.api_url }
output "access_key" { value = data.pca_client_config.current.access_key }
output "credential_source" { value = data.pca_client_config.current.credential_source }
output "site" { value = data.pca_client_config.current.site }
output "max_retries" { value = data.pca_client_config.current.max_retries }
"#;

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

/// A workspace whose main.tf is the terraform block, `provider` and [`USES_PROVIDER`].
fn workspace_with(version: TerraformVersion, provider: &str) -> Workspace {
    let ws = Workspace::new(version, Path::new(PROVIDER_BINARY));
    let main = format!("{}\n{provider}\n{USES_PROVIDER}", ws.terraform_block());
    ws.write("main.tf", &main);
    ws
}

fn workspace(version: TerraformVersion, extra: &str) -> Workspace {
    workspace_with(version, &provider_block(extra))
}

/// `terraform output -json` as name → value.
fn outputs(ws: &Workspace) -> serde_json::Value {
    let out = ws.ok(&["output", "-json"]);
    let json: serde_json::Value = serde_json::from_str(out.trim()).expect("output JSON");
    let mut flat = serde_json::Map::new();
    if let Some(m) = json.as_object() {
        for (k, v) in m {
            flat.insert(k.clone(), v["value"].clone());
        }
    }
    serde_json::Value::Object(flat)
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

/// validate, plan, apply (a data source read), outputs, then an empty plan.
fn validate_plan_apply(ws: &Workspace) -> serde_json::Value {
    ws.init();
    let out = ws.ok(&["validate", "-no-color"]);
    assert!(out.contains("The configuration is valid"), "{out}");
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "outputs to add: {plan}");
    assert!(plan.stdout.contains("api_url"), "{plan}");
    assert_no_crash(&plan.combined());
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let values = outputs(ws);
    let replan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(replan.code, Some(0), "{replan}");
    assert!(
        !ws.read("terraform.tfstate").contains(SECRET),
        "no secret in state"
    );
    values
}

#[test]
fn acc_provider_schema_json_marks_secret_key_sensitive() {
    let ws = workspace(TerraformVersion::V1_15_5, "");
    let out = ws.ok(&["providers", "schema", "-json"]);
    let json: serde_json::Value = serde_json::from_str(out.trim()).expect("schema JSON");
    let schemas = &json["provider_schemas"][PROVIDER_ADDRESS];
    let provider = &schemas["provider"]["block"]["attributes"];
    assert_eq!(provider["secret_key"]["sensitive"], true, "{provider}");
    for attr in [
        "access_key",
        "secret_key",
        "site",
        "endpoint",
        "max_retries",
    ] {
        assert_eq!(provider[attr]["optional"], true, "{attr}: {provider}");
        let description = provider[attr]["description"].as_str().unwrap_or_default();
        assert!(!description.is_empty(), "{attr} has a description");
    }
    assert_eq!(provider["max_retries"]["type"], "number");
    assert!(
        schemas["data_source_schemas"]["pca_client_config"].is_object(),
        "{schemas}"
    );
}

#[test]
fn acc_provider_validate_plan_apply_1_15_5() {
    let ws = workspace(
        TerraformVersion::V1_15_5,
        "site = \"public\"\n  max_retries = 3",
    );
    let o = validate_plan_apply(&ws);
    assert_eq!(o["api_url"], "http://127.0.0.1:8700/api/v1", "{o}");
    assert_eq!(o["access_key"], "AKTEST0000000000001", "{o}");
    assert_eq!(o["credential_source"], "provider", "{o}");
    assert_eq!(o["site"], "public", "{o}");
    assert_eq!(o["max_retries"], 3, "{o}");
}

#[test]
fn acc_provider_init_plan_apply_1_0_3() {
    let ws = workspace(TerraformVersion::V1_0_3, "site = \"gov\"");
    let o = validate_plan_apply(&ws);
    assert_eq!(o["site"], "gov", "{o}");
    assert_eq!(o["max_retries"], 5, "default: {o}");
}

#[test]
fn acc_provider_credentials_from_environment_and_cli_file() {
    // Environment.
    let mut ws = workspace_with(TerraformVersion::V1_15_5, "provider \"pca\" {}");
    ws.env("NCLOUD_ACCESS_KEY", "AKFROMENV")
        .env("NCLOUD_SECRET_KEY", "SKFROMENV");
    ws.env("NCLOUD_SITE", "fin");
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let o = outputs(&ws);
    assert_eq!(o["credential_source"], "environment", "{o}");
    assert_eq!(o["access_key"], "AKFROMENV", "{o}");
    assert_eq!(
        o["api_url"], "https://pca.apigw.fin-ntruss.com/api/v1",
        "{o}"
    );
    // ~/.ncloud/configure, with no provider block at all.
    let mut ws = workspace_with(TerraformVersion::V1_15_5, "");
    let home = ws.path().join("home");
    std::fs::create_dir_all(home.join(".ncloud")).expect("mkdir");
    let file =
        "[DEFAULT]\nncloud_access_key_id = AKFROMFILE\nncloud_secret_access_key = SKFROMFILE\n";
    std::fs::write(home.join(".ncloud/configure"), file).expect("write");
    let home = home.display().to_string();
    ws.env("HOME", &home);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let o = outputs(&ws);
    assert_eq!(o["credential_source"], "cli_file", "{o}");
    assert_eq!(o["access_key"], "AKFROMFILE", "{o}");
    assert_eq!(o["api_url"], "https://pca.apigw.ntruss.com/api/v1", "{o}");
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
    let provider = r#"provider "pca" {
  access_key  = "AK"
  secret_key  = "SK"
  endpoint    = "http://10.1.2.3"
  max_retries = 99
}"#;
    let ws = workspace_with(TerraformVersion::V1_15_5, provider);
    let out = ws.fails(&["validate", "-no-color"]);
    assert!(out.contains("endpoint    = \"http://10.1.2.3\""), "{out}");
    assert!(out.contains("loopback"), "{out}");
    assert!(
        out.contains("max_retries = 99"),
        "every validator runs: {out}"
    );
    assert_no_crash(&out);
}

#[test]
fn acc_provider_missing_credentials_is_one_clear_error() {
    let mut ws = workspace_with(
        TerraformVersion::V1_15_5,
        "provider \"pca\" {\n  endpoint = \"http://127.0.0.1:8700\"\n}",
    );
    let home = ws.path().display().to_string();
    ws.env("HOME", &home);
    let out = ws.fails(&["plan", "-no-color"]);
    assert!(out.contains("Missing Credentials"), "{out}");
    for source in ["access_key", "NCLOUD_ACCESS_KEY", ".ncloud/configure"] {
        assert!(out.contains(source), "names {source}: {out}");
    }
    assert_eq!(
        out.matches("Missing Credentials").count(),
        1,
        "one error: {out}"
    );
    assert_no_crash(&out);
}

#[test]
fn acc_provider_unknown_provider_values_are_tolerated() {
    let provider = r#"
resource "terraform_data" "later" {
  input = "http://127.0.0.1:8700"
}
provider "pca" {
  access_key = "AK"
  secret_key = "SK"
  endpoint   = terraform_data.later.output
}"#;
    let ws = workspace_with(TerraformVersion::V1_15_5, provider);
    let out = ws.ok(&["validate", "-no-color"]);
    assert!(out.contains("The configuration is valid"), "{out}");
    // The data source cannot be read before the endpoint exists: a clear error, no crash.
    let out = ws.fails(&["plan", "-no-color"]);
    assert!(out.contains("Provider Configuration Not Ready"), "{out}");
    assert!(out.contains("not known until apply"), "{out}");
    assert!(
        out.contains("(endpoint)"),
        "names the unknown attribute: {out}"
    );
    assert_no_crash(&out);
    // Once the value is known, everything works.
    ws.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-target=terraform_data.later",
    ]);
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(outputs(&ws)["api_url"], "http://127.0.0.1:8700/api/v1");
}

#[test]
fn acc_provider_secret_never_in_trace_log() {
    let mut ws = workspace(TerraformVersion::V1_15_5, "");
    ws.env("TF_LOG", "trace");
    let apply = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(apply.success(), "{apply}");
    let all = apply.combined();
    assert!(
        all.contains("provider configured"),
        "the provider's own log lines arrive"
    );
    assert!(
        !all.contains(SECRET),
        "the secret key leaked into the trace log"
    );
}

#[test]
fn acc_provider_example_validates() {
    let ws = Workspace::new(TerraformVersion::V1_15_5, Path::new(PROVIDER_BINARY));
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/provider/provider.tf");
    ws.write(
        "main.tf",
        &std::fs::read_to_string(example).expect("example"),
    );
    ws.write("uses.tf", USES_PROVIDER);
    let out = ws.ok(&["validate", "-no-color"]);
    assert!(out.contains("The configuration is valid"), "{out}");
}
