//! A `pca-emulator` process for acceptance tests: started on a free loopback port (each test
//! gets its own), with the base URL read from its ready line, and killed when dropped.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use pca::emulator::auth::LOG_SYNC_PREFIX;

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
    ///
    /// The emulator logs a request before answering it, but this process reads its stderr on
    /// another thread: so that no line of a finished command is missed, this first sends a
    /// log marker (never delayed or faulted) and waits for its line.
    pub fn requests(&self) -> Vec<String> {
        self.sync_log();
        self.stderr
            .lock()
            .map(|v| {
                v.iter()
                    .filter_map(|l| l.strip_prefix("pca-emulator: request "))
                    .filter(|l| !l.contains(LOG_SYNC_PREFIX))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The requests answered since `from` (an earlier `requests().len()`), as
    /// `METHOD path -> status`.
    pub fn requests_since(&self, from: usize) -> Vec<String> {
        self.requests().into_iter().skip(from).collect()
    }

    /// How many of the requests since `from` are Get CA of `tag`
    /// (`GET /api/v1/ca/{tag}`), the read a list should have answered.
    pub fn get_ca_count_since(&self, from: usize, tag: &str) -> usize {
        let get_ca = format!("GET /api/v1/ca/{tag} ");
        self.requests_since(from)
            .iter()
            .filter(|r| r.starts_with(&get_ca))
            .count()
    }

    /// Sends a log marker and waits until its line has been read; again if it did not show
    /// within 2 s (the connection cap answers before the log), up to 30 s. Nothing to wait
    /// for when the emulator no longer accepts connections (a test killed it).
    fn sync_log(&self) {
        use std::io::{Read as _, Write as _};
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let addr = self.base_url.trim_start_matches("http://");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let path = format!("{LOG_SYNC_PREFIX}{}-{n}", self.child.id());
            let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
                return;
            };
            let request =
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            if stream.write_all(request.as_bytes()).is_err() {
                return;
            }
            let _ = stream.read_to_end(&mut Vec::new());
            let needle = format!("pca-emulator: request GET {path} -> ");
            let retry = std::time::Instant::now() + Duration::from_secs(2);
            while std::time::Instant::now() < retry {
                let seen = self
                    .stderr
                    .lock()
                    .map(|v| v.iter().rev().any(|l| l.starts_with(&needle)))
                    .unwrap_or(false);
                if seen {
                    return;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the emulator's log marker never showed in its stderr"
            );
        }
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
