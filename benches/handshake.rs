//! Start-up benchmark of the provider binary: time from `exec` to the go-plugin handshake
//! line, and resident memory at that moment, with Terraform's environment (magic cookie,
//! `PLUGIN_PROTOCOL_VERSIONS=5,6` and a P-521 AutoMTLS client certificate).
//!
//! `cargo bench --bench handshake` measures the release binary (30 runs) and prints figures.
//! Under `cargo test` it makes 3 runs of the debug binary as a smoke test.
//! Targets: under 5 ms and under 8 MiB (Go providers: about 26-42 ms and 19 MiB). The release
//! build trades memory for speed (Cargo.toml): about 1.9 ms and 9-10 MiB, over the memory target.

#[path = "../tests/support/plugin.rs"]
#[allow(dead_code, unreachable_pub, missing_docs)]
mod plugin;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

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

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let bench = std::env::args().any(|a| a == "--bench");
    let runs = if bench { 30 } else { 3 };
    let cert = plugin::ClientCert::terraform_like()?;
    let bin = plugin::provider_bin();
    let mut times = Vec::new();
    let mut rss = Vec::new();
    let mut anon = Vec::new();
    let mut file = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let mut child = Command::new(bin)
            .env_clear()
            .env("TF_PLUGIN_MAGIC_COOKIE", plugin::MAGIC_COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_CLIENT_CERT", &cert.pem)
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
        plugin::Handshake::parse(&line)?;
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        child.wait()?;
        times.push(elapsed.as_secs_f64() * 1000.0);
        rss.push(mem);
        anon.push(mem_anon);
        file.push(mem_file);
    }
    for v in [&mut times, &mut rss, &mut anon, &mut file] {
        v.sort_by(f64::total_cmp);
    }
    let size = std::fs::metadata(bin).map(|m| m.len()).unwrap_or(0);
    println!(
        "handshake benchmark: {runs} runs of {bin} ({:.1} MiB)",
        size as f64 / 1048576.0
    );
    println!(
        "  exec -> handshake line: median {:.2} ms, p10 {:.2} ms, p90 {:.2} ms, max {:.2} ms (target < 5 ms)",
        percentile(&times, 0.5),
        percentile(&times, 0.1),
        percentile(&times, 0.9),
        percentile(&times, 1.0)
    );
    println!(
        "  RSS at handshake: median {:.2} MiB, max {:.2} MiB (target < 8 MiB)",
        percentile(&rss, 0.5),
        percentile(&rss, 1.0)
    );
    println!(
        "    of which anonymous (heap, stacks) median {:.2} MiB; file-backed median {:.2} MiB \
         (pages of the binary and of libc mapped from the page cache, shared with it)",
        percentile(&anon, 0.5),
        percentile(&file, 0.5)
    );
    Ok(())
}
