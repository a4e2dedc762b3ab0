//! Start-up benchmark of the provider binary: time from `exec` to the go-plugin handshake
//! line, and resident memory at that moment, with Terraform's environment (magic cookie,
//! `PLUGIN_PROTOCOL_VERSIONS=5,6` and a P-521 AutoMTLS client certificate).
//!
//! `cargo bench --bench handshake` measures the release binary as `cargo build --release`
//! makes it (30 runs) and, in the same run
//! and the same way, the Go hashicorp/null 2.1.2 provider when `scripts/bench-scale` has
//! fetched it into `.tools/`; it prints both. Under `cargo test` it makes 3 runs of the debug
//! binary as a smoke test.
//! Targets: under 5 ms, and at most 5 MiB resident (issue 9's stretch; the Rust `tf-provider`
//! null provider holds 4.9 MiB). Resident memory depends on the release binary's layout: see
//! build.rs and `link/startup-order.txt`.

#[path = "../tests/support/plugin.rs"]
#[allow(dead_code, unreachable_pub, missing_docs)]
mod plugin;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The Go null provider as `scripts/bench-scale` unpacks it.
const GO_NULL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/.tools/providers/null/terraform-provider-null_v2.1.2_x4"
);

/// One `kB` field of `/proc/PID/status` (`VmRSS`, `RssAnon`, `RssFile`).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Sorted samples of one binary: ms to the handshake line, and MiB resident in all, anonymous
/// and file-backed at that moment.
#[derive(Default)]
struct Samples {
    ms: Vec<f64>,
    rss: Vec<f64>,
    anon: Vec<f64>,
    file: Vec<f64>,
}

type Error = Box<dyn std::error::Error + Send + Sync>;

fn measure(bin: &str, cert_pem: &str, runs: usize, ours: bool) -> Result<Samples, Error> {
    let mut s = Samples::default();
    for _ in 0..runs {
        let start = Instant::now();
        let mut child = Command::new(bin)
            .env_clear()
            .env("TF_PLUGIN_MAGIC_COOKIE", plugin::MAGIC_COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_CLIENT_CERT", cert_pem)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let elapsed = start.elapsed();
        let mib = |field| status_kib(child.id(), field).unwrap_or(0) as f64 / 1024.0;
        let (mem, mem_anon, mem_file) = (mib("VmRSS"), mib("RssAnon"), mib("RssFile"));
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        child.wait()?;
        if ours {
            plugin::Handshake::parse(&line)?;
        } else if !line.starts_with("1|5|") {
            return Err(format!("{bin}: no handshake line: {line:?}").into());
        }
        s.ms.push(elapsed.as_secs_f64() * 1000.0);
        s.rss.push(mem);
        s.anon.push(mem_anon);
        s.file.push(mem_file);
    }
    for v in [&mut s.ms, &mut s.rss, &mut s.anon, &mut s.file] {
        v.sort_by(f64::total_cmp);
    }
    Ok(s)
}

fn main() -> Result<(), Error> {
    let bench = std::env::args().any(|a| a == "--bench");
    let runs = if bench { 30 } else { 3 };
    let cert = plugin::ClientCert::terraform_like()?;
    let bin = plugin::provider_bin();
    if bench {
        // `cargo bench` built the binary with the dev-dependencies' features (tokio's
        // multi-threaded scheduler among them), so it is not the binary that ships: build the
        // release one, which cargo puts at the same path.
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "--release",
                "--bin",
                "terraform-provider-pca",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()?;
        if !status.success() {
            return Err("cargo build --release failed".into());
        }
    }
    let mut rows = vec![(bin.to_string(), measure(bin, &cert.pem, runs, true)?)];
    if bench && Path::new(GO_NULL).is_file() {
        rows.push((
            GO_NULL.to_string(),
            measure(GO_NULL, &cert.pem, runs, false)?,
        ));
    }
    println!("handshake benchmark: {runs} runs of each binary, in turn");
    println!(
        "| binary | size | exec -> handshake line: median (p10-p90) | RSS at handshake: median (max) | anonymous | file-backed |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (path, s) in &rows {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;
        let name = Path::new(path)
            .file_name()
            .map_or(path.as_str(), |n| n.to_str().unwrap_or(path));
        println!(
            "| {name} | {size:.1} MiB | {:.2} ms ({:.2}-{:.2}) | {:.2} MiB ({:.2}) | {:.2} MiB | {:.2} MiB |",
            percentile(&s.ms, 0.5),
            percentile(&s.ms, 0.1),
            percentile(&s.ms, 0.9),
            percentile(&s.rss, 0.5),
            percentile(&s.rss, 1.0),
            percentile(&s.anon, 0.5),
            percentile(&s.file, 0.5),
        );
    }
    if bench && rows.len() == 1 {
        println!("(the Go null provider is not in .tools/: scripts/bench-scale fetches it)");
    }
    println!(
        "targets: under 5 ms to the handshake line; at most 5 MiB resident (the Rust tf-provider \
         null provider: 4.9 MiB). File-backed pages are the binary's and libc's, shared with the \
         page cache; anonymous ones are heap and stacks."
    );
    Ok(())
}
