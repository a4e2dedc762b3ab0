//! A `pca-emulator` process for acceptance tests: started on a free loopback port (each test
//! gets its own), with the base URL read from its ready line, and killed when dropped.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The emulator's default access key (also printed at its start).
pub const ACCESS_KEY: &str = "PCAEMUACCESSKEY00001";
/// The emulator's default secret key.
pub const SECRET_KEY: &str = "PCAEMUSECRETKEY0000000000000000000000001";

/// A running emulator.
pub struct Emulator {
    child: Child,
    stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
}

impl Emulator {
    /// Starts `pca-emulator --listen 127.0.0.1:0` plus `args`; panics (failing the test) when
    /// it does not become ready within 30 s.
    pub fn start(args: &[&str]) -> Emulator {
        Emulator::start_with(Path::new(env!("CARGO_BIN_EXE_pca-emulator")), args)
    }

    /// Like [`Emulator::start`] with an explicit binary.
    pub fn start_with(bin: &Path, args: &[&str]) -> Emulator {
        let mut child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--log-requests"])
            .args(args)
            .env_remove("PCA_EMULATOR_ACCESS_KEY")
            .env_remove("PCA_EMULATOR_SECRET_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        if let Some(err) = child.stderr.take() {
            let sink = stderr_lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    if let Ok(mut v) = sink.lock() {
                        v.push(line);
                    }
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            // Keep draining so the emulator never blocks on a full pipe.
            for _ in lines {}
        });
        let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            panic!("pca-emulator printed no ready line within 30 s");
        };
        let base_url = line
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("unexpected ready line {line:?}"))
            .to_owned();
        Emulator {
            child,
            stderr: stderr_lines,
            base_url,
        }
    }

    /// A `provider "pca"` block pointing at this emulator.
    pub fn provider_block(&self) -> String {
        format!(
            "provider \"pca\" {{\n  endpoint   = \"{}\"\n  access_key = \"{ACCESS_KEY}\"\n  secret_key = \"{SECRET_KEY}\"\n  max_retries = 8\n}}\n",
            self.base_url
        )
    }

    /// Every `/api/v1` request the emulator has answered so far, as `METHOD path -> status`.
    pub fn requests(&self) -> Vec<String> {
        self.stderr
            .lock()
            .map(|v| {
                v.iter()
                    .filter_map(|l| l.strip_prefix("pca-emulator: request "))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A client for this emulator (for changes made outside Terraform).
    pub fn client(&self) -> pca::client::Client {
        pca::client::Client::builder()
            .endpoint_url(self.base_url.clone())
            .credentials(pca::client::Credentials::new(ACCESS_KEY, SECRET_KEY))
            .build()
            .expect("client")
    }

    /// The process id (for `kill -9` tests).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
