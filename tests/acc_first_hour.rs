//! Acceptance tests of the first hour with a real account, with real Terraform 1.15.5 against
//! `pca-emulator`: every authentication failure names where the key pair came from (provider
//! block, environment, `~/.ncloud/configure` and its profile) and the access key id, never
//! the secret; `pca_client_config` shows the same origin; a skewed clock is said once with
//! the measured offset; an unreachable endpoint names the URL, where it came from and what
//! to check, without throttling talk; a TLS failure names the host; a sub account may use
//! only the CAs `pca_ca_user` granted it, and loses them when the grant is destroyed.

mod support;

use std::path::Path;
use support::emulator::{ACCESS_KEY, Emulator, SECRET_KEY};
use support::terraform::{TerraformVersion, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-pca");
const V: TerraformVersion = TerraformVersion::V1_15_5;
const WRONG_SECRET: &str = "WRONGSECRET0000000000000000000000000009";

/// Reads the CA list: the first API call of most configurations.
const READ_CAS: &str = r#"
data "pca_cas" "all" {}
data "pca_client_config" "current" {}
output "credential_origin" { value = data.pca_client_config.current.credential_origin }
output "api_url_source" { value = data.pca_client_config.current.api_url_source }
"#;

fn workspace(provider: &str, body: &str) -> Workspace {
    let mut ws = Workspace::new(V, Path::new(PROVIDER_BINARY));
    ws.write(
        "main.tf",
        &format!("{}\n{provider}\n{body}", ws.terraform_block()),
    );
    // Nothing from the test runner's own environment or home.
    ws.env("HOME", ws.path().join("home"));
    ws
}

/// Terraform's diagnostics as one line: box drawing removed, whitespace collapsed (the
/// CLI wraps long details).
fn flat(out: &str) -> String {
    out.replace(['│', '╷', '╵'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `terraform plan`, expects it to fail, and returns the flattened output; the secret
/// must not appear in it.
fn plan_fails(ws: &Workspace) -> String {
    let out = flat(&ws.fails(&["plan", "-no-color"]));
    for secret in [
        WRONG_SECRET,
        SECRET_KEY,
        "CISECRET0000000000000000000000000000001",
    ] {
        assert!(!out.contains(secret), "secret leaked:\n{out}");
    }
    assert!(!out.contains("panic"), "{out}");
    out
}

fn block(emu_url: &str, access: &str, secret: &str) -> String {
    format!(
        "provider \"pca\" {{\n  endpoint    = \"{emu_url}\"\n  access_key  = \"{access}\"\n  secret_key  = \"{secret}\"\n  max_retries = 0\n}}\n"
    )
}

#[test]
fn acc_wrong_secret_names_each_credential_source() {
    let emu = Emulator::start(&[]);

    // 1. The provider block.
    let ws = workspace(&block(&emu.base_url, ACCESS_KEY, WRONG_SECRET), READ_CAS);
    let out = plan_fails(&ws);
    let expected = format!(
        "Get CA List failed: HTTP 401, gateway error 200: Authentication Failed: Invalid signature. The API did not accept the access key {ACCESS_KEY} (from the provider block (access_key, secret_key)). Check that this access key exists and is active, and that the secret key is the one issued with it."
    );
    assert!(out.contains(&expected), "block:\n{out}");
    eprintln!("MESSAGE wrong secret, provider block: {expected}");

    // 2. The environment.
    let mut ws = workspace("provider \"pca\" {\n  max_retries = 0\n}\n", READ_CAS);
    ws.env("PCA_ENDPOINT", &emu.base_url)
        .env("NCLOUD_ACCESS_KEY", ACCESS_KEY)
        .env("NCLOUD_SECRET_KEY", WRONG_SECRET);
    let out = plan_fails(&ws);
    let needle = format!(
        "The API did not accept the access key {ACCESS_KEY} (from the environment variables NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY)."
    );
    assert!(out.contains(&needle), "env:\n{out}");
    eprintln!("MESSAGE wrong secret, environment: {needle}");

    // 3. ~/.ncloud/configure, profile chosen by NCLOUD_PROFILE.
    let mut ws = workspace("provider \"pca\" {\n  max_retries = 0\n}\n", READ_CAS);
    let home = ws.path().join("home");
    std::fs::create_dir_all(home.join(".ncloud")).expect("mkdir");
    std::fs::write(
        home.join(".ncloud/configure"),
        format!(
            "[DEFAULT]\nncloud_access_key_id = NOTTHISONE\nncloud_secret_access_key = NOTTHISONE\n\n[ci]\nncloud_access_key_id = {ACCESS_KEY}\nncloud_secret_access_key = {WRONG_SECRET}\n"
        ),
    )
    .expect("write configure");
    ws.env("PCA_ENDPOINT", &emu.base_url)
        .env("NCLOUD_PROFILE", "ci");
    let out = plan_fails(&ws);
    let needle = format!(
        "The API did not accept the access key {ACCESS_KEY} (from {}/.ncloud/configure (profile ci)).",
        home.display()
    );
    assert!(out.contains(&needle), "file:\n{out}");
    eprintln!("MESSAGE wrong secret, configure file: {needle}");

    // pca_client_config shows the same origin (right secret now).
    std::fs::write(
        home.join(".ncloud/configure"),
        format!(
            "[ci]\nncloud_access_key_id = {ACCESS_KEY}\nncloud_secret_access_key = {SECRET_KEY}\n"
        ),
    )
    .expect("write configure");
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let origin = ws.ok(&["output", "-raw", "credential_origin"]);
    assert_eq!(
        origin,
        format!("{}/.ncloud/configure (profile ci)", home.display())
    );
    let source = ws.ok(&["output", "-raw", "api_url_source"]);
    assert_eq!(source, "the PCA_ENDPOINT environment variable");
}

#[test]
fn acc_unknown_access_key_names_key_and_source() {
    let emu = Emulator::start(&[]);
    let ws = workspace(
        &block(&emu.base_url, "AKNOBODY0000000001", SECRET_KEY),
        READ_CAS,
    );
    let out = plan_fails(&ws);
    let expected = "Get CA List failed: HTTP 401, gateway error 200: Authentication Failed: Invalid access key. The API did not accept the access key AKNOBODY0000000001 (from the provider block (access_key, secret_key)).";
    assert!(out.contains(expected), "{out}");
    eprintln!("MESSAGE unknown access key: {expected}");
}

#[test]
fn acc_skewed_clock_is_said_once_with_the_offset() {
    // The API's clock is 7 min 12 s ahead, so this machine's is behind.
    let emu = Emulator::start(&["--clock-offset", "432"]);
    let ws = workspace(&block(&emu.base_url, ACCESS_KEY, SECRET_KEY), READ_CAS);
    let out = plan_fails(&ws);
    assert!(
        out.contains("this machine's clock is 7 min 12 s behind the API")
            || out.contains("this machine's clock is 7 min 11 s behind the API")
            || out.contains("this machine's clock is 7 min 13 s behind the API"),
        "{out}"
    );
    assert_eq!(
        out.matches("machine's clock").count(),
        1,
        "said once:\n{out}"
    );
    assert_eq!(out.matches("system clock").count(), 1, "said once:\n{out}");
    let start = out.find("Get CA List failed").unwrap_or(0);
    assert!(!out[start..].contains(".."), "no doubled period:\n{out}");
    assert!(!out.contains("did not accept the access key"), "{out}");
    let end = out[start..]
        .find("difference.")
        .map_or(out.len(), |e| start + e + "difference.".len());
    eprintln!("MESSAGE skewed clock: {}", &out[start..end]);
}

#[test]
fn acc_unreachable_endpoint_names_url_and_origin_without_throttling() {
    // A port nobody listens on: port 1 (tcpmux) is privileged and outside the ephemeral
    // range, so no other test's emulator can be there, unlike a freed ephemeral port.
    let port = 1;
    let url = format!("http://127.0.0.1:{port}");
    let ws = workspace(&block(&url, ACCESS_KEY, SECRET_KEY), READ_CAS);
    let out = plan_fails(&ws);
    let needle = format!(
        "The URL {url}/api/v1 came from `endpoint` in the provider block. Check the endpoint (`endpoint` in the provider block or PCA_ENDPOINT), the site (`site` or NCLOUD_SITE), and, if this network needs a proxy, HTTPS_PROXY and NO_PROXY."
    );
    assert!(out.contains(&needle), "{out}");
    assert!(out.contains("Connection refused"), "{out}");
    assert!(!out.to_lowercase().contains("throttl"), "{out}");
    let start = out.find("Get CA List failed").unwrap_or(0);
    let end = out[start..]
        .find("NO_PROXY.")
        .map_or(out.len(), |e| start + e + "NO_PROXY.".len());
    eprintln!("MESSAGE unreachable endpoint: {}", &out[start..end]);

    // The same through PCA_ENDPOINT names the variable.
    let mut ws = workspace("provider \"pca\" {\n  max_retries = 0\n}\n", READ_CAS);
    ws.env("PCA_ENDPOINT", &url)
        .env("NCLOUD_ACCESS_KEY", ACCESS_KEY)
        .env("NCLOUD_SECRET_KEY", SECRET_KEY);
    let out = plan_fails(&ws);
    assert!(
        out.contains(&format!(
            "The URL {url}/api/v1 came from the PCA_ENDPOINT environment variable."
        )),
        "{out}"
    );
}

#[test]
fn acc_tls_failure_names_the_host() {
    // An https endpoint whose server speaks plain HTTP: the TLS handshake fails.
    let emu = Emulator::start(&[]);
    let host = emu.base_url.trim_start_matches("http://").to_owned();
    let ws = workspace(
        &block(&format!("https://{host}"), ACCESS_KEY, SECRET_KEY),
        READ_CAS,
    );
    let out = plan_fails(&ws);
    assert!(
        out.contains(&format!("The TLS handshake with {host} failed (")),
        "{out}"
    );
    let start = out.find("Get CA List failed").unwrap_or(0);
    let end = out[start..]
        .find("this machine.")
        .map_or(out.len(), |e| start + e + "this machine.".len());
    eprintln!("MESSAGE TLS failure: {}", &out[start..end]);
    assert!(!out.to_lowercase().contains("throttl"), "{out}");
}

const CI_ACCESS: &str = "CIACCESSKEY0000001";
const CI_SECRET: &str = "CISECRET0000000000000000000000000000001";
const CI_ID: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";

/// The `examples/ci-sub-account` module in a workspace, main account from the environment.
fn ci_example(emu: &Emulator) -> Workspace {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci-sub-account/main.tf");
    let text = std::fs::read_to_string(example).expect("example");
    let mut ws = Workspace::new(V, Path::new(PROVIDER_BINARY));
    ws.write("main.tf", &text);
    ws.env("HOME", ws.path().join("home"))
        .env("PCA_ENDPOINT", &emu.base_url)
        .env("NCLOUD_ACCESS_KEY", ACCESS_KEY)
        .env("NCLOUD_SECRET_KEY", SECRET_KEY)
        .env("TF_VAR_ci_access_key", CI_ACCESS)
        .env("TF_VAR_ci_secret_key", CI_SECRET)
        .env("TF_VAR_ci_id_no", CI_ID);
    ws
}

/// A workspace of the CI job alone (the sub account's keys from the environment).
fn ci_job(emu: &Emulator, body: &str) -> Workspace {
    let mut ws = workspace("provider \"pca\" {\n  max_retries = 0\n}\n", body);
    ws.env("PCA_ENDPOINT", &emu.base_url)
        .env("NCLOUD_ACCESS_KEY", CI_ACCESS)
        .env("NCLOUD_SECRET_KEY", CI_SECRET);
    ws
}

#[test]
fn acc_sub_account_uses_only_the_granted_ca() {
    let sub = format!("{CI_ACCESS}:{CI_SECRET}:{CI_ID}");
    let emu = Emulator::start(&["--sub-account", &sub]);
    let ws = ci_example(&emu);
    ws.init();
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    let root = ws.ok(&["output", "-raw", "root_ca_tag"]);
    let issuing = ws.ok(&["output", "-raw", "issuing_ca_tag"]);
    let visible = ws.ok(&["output", "-json", "ci_visible_aliases"]);
    assert_eq!(visible.trim(), r#"["ci-demo-issuing"]"#);
    let pem = ws.ok(&["output", "-raw", "ci_certificate_pem"]);
    assert!(pem.contains("BEGIN CERTIFICATE"), "{pem}");
    let plan = ws.ok(&["plan", "-detailed-exitcode", "-no-color"]);
    assert!(plan.contains("No changes"), "{plan}");

    // The CI job cannot issue from the root.
    let job = ci_job(
        &emu,
        &format!(
            "resource \"pca_end_cert\" \"x\" {{\n  ca_tag = \"{root}\"\n  key_type = \"EC256\"\n  subject = {{ common_name = \"x.ci.example\" }}\n}}\n"
        ),
    );
    let out = flat(&job.fails(&["apply", "-auto-approve", "-no-color"]));
    let expected = format!(
        "Issue End Cert failed: HTTP 401, gateway error 210: Permission Denied: The sub account has no permission on this CA (Add CA User grants it). The access key {CI_ACCESS} (from the environment variables NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY) has no permission for Issue End Cert on CA {root}. NAVER's permission for Issue End Cert is `issueEndCert`. A sub account may use a CA only after the main account grants it: Add CA User, the `pca_ca_user` resource (its id_no is the sub account's ID)."
    );
    assert!(out.contains(&expected), "{out}");
    assert!(!out.contains(CI_SECRET), "{out}");
    eprintln!("MESSAGE no permission: {expected}");

    // Nor create a CA.
    let job = ci_job(
        &emu,
        "resource \"pca_ca\" \"x\" {\n  alias = \"ci-own\"\n  ca_type = \"PRIVATE_ROOT\"\n  key_type = \"EC256\"\n  subject = { common_name = \"x\" }\n}\n",
    );
    let out = flat(&job.fails(&["apply", "-auto-approve", "-no-color"]));
    assert!(
        out.contains("Create CA failed: HTTP 401, gateway error 210: Permission Denied")
            && out.contains("Creating a CA needs the main account"),
        "{out}"
    );

    // Removing the grant (pca_ca_user destroyed through Terraform) takes the CA away.
    ws.ok(&["apply", "-auto-approve", "-no-color", "-var", "grant=false"]);
    let visible = ws.ok(&["output", "-json", "ci_visible_aliases"]);
    assert_eq!(visible.trim(), "[]");
    let job = ci_job(
        &emu,
        &format!("data \"pca_ca_chain\" \"i\" {{\n  ca_tag = \"{issuing}\"\n}}\n"),
    );
    let out = flat(&job.fails(&["plan", "-no-color"]));
    assert!(
        out.contains("gateway error 210: Permission Denied")
            && out.contains(&format!("on CA {issuing}")),
        "{out}"
    );
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
}

#[test]
fn sub_accounts_persist_in_the_data_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().display().to_string();
    let sub = format!("{CI_ACCESS}:{CI_SECRET}:{CI_ID}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ci_client = |emu: &Emulator| {
        pca::client::Client::builder()
            .endpoint_url(emu.base_url.clone())
            .credentials(pca::client::Credentials::new(CI_ACCESS, CI_SECRET))
            .max_retries(0)
            .build()
            .expect("client")
    };
    {
        let emu = Emulator::start(&["--data-dir", &data, "--sub-account", &sub]);
        let list = rt.block_on(ci_client(&emu).get_ca_list_all());
        assert!(list.is_ok_and(|l| l.is_empty()));
    }
    // Restarted without --sub-account: the sub account is still known.
    let emu = Emulator::start(&["--data-dir", &data]);
    let list = rt.block_on(ci_client(&emu).get_ca_list_all());
    assert!(list.is_ok_and(|l| l.is_empty()));
    // A fresh in-memory emulator does not know it.
    let emu = Emulator::start(&[]);
    let err = rt
        .block_on(ci_client(&emu).get_ca_list_all())
        .expect_err("unknown key");
    assert!(err.to_string().contains("Invalid access key"), "{err}");
}

/// A TLS server on a free loopback port with a self-signed certificate for `localhost`
/// (trusted by nobody); it accepts handshakes until the test process ends.
fn untrusted_tls_server() -> u16 {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    let cert = params.self_signed(&key).expect("cert");
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    )
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let _ = acceptor.accept(stream).await;
                });
            }
        });
    });
    port
}

#[test]
fn acc_untrusted_certificate_names_host_and_reason() {
    let port = untrusted_tls_server();
    let url = format!("https://localhost:{port}");
    let ws = workspace(&block(&url, ACCESS_KEY, SECRET_KEY), READ_CAS);
    let out = plan_fails(&ws);
    let needle = format!(
        "The TLS handshake with localhost:{port} failed (invalid peer certificate: UnknownIssuer); the URL {url}/api/v1 came from `endpoint` in the provider block."
    );
    assert!(out.contains(&needle), "{out}");
    let start = out.find("Get CA List failed").unwrap_or(0);
    let end = out[start..]
        .find("this machine.")
        .map_or(out.len(), |e| start + e + "this machine.".len());
    eprintln!("MESSAGE untrusted certificate: {}", &out[start..end]);
}
