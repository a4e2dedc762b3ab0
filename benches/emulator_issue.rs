//! Issuance benchmark of the emulator: Issue End Cert (§2.11) against an in-process
//! emulator over real HTTP (keep-alive, signed requests), for EC256 and RSA2048 keys.
//!
//! Reports latency percentiles of sequential requests (p50/p90/p99) and the throughput of
//! 10 concurrent clients (Terraform's default parallelism), in memory and, for EC256, with
//! the SQLite store on disk (`--data-dir`, WAL).
//!
//! `cargo bench --bench emulator_issue` measures (release). Under `cargo test` it issues a
//! handful of certificates as a smoke test. Target: EC256 p50 under 5 ms.

#[path = "../tests/emulator_support/mod.rs"]
#[allow(missing_docs)]
mod emulator_support;

use std::time::{Duration, Instant};

use emulator_support::{Api, tag_of};
use pca::emulator::Config;
use serde_json::json;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn issue(api: &Api, path: &str, key_type: &str, n: usize) -> Duration {
    let start = Instant::now();
    let r = api
        .post(
            path,
            json!({"keyType": key_type, "period": "30",
                   "x509Parameters": {"commonName": format!("bench{n}.example.com"),
                                      "altName": format!("bench{n}.example.com")}}),
        )
        .await;
    let elapsed = start.elapsed();
    assert_eq!(r.code(), "SUCCESS", "{:?}", r.body);
    elapsed
}

struct Figures {
    p50: f64,
    p90: f64,
    p99: f64,
    sequential_per_s: f64,
    concurrent_per_s: f64,
}

async fn measure(api: &Api, key_type: &str, sequential: usize, concurrent: usize) -> Figures {
    let alias = format!("bench-{}", key_type.to_lowercase());
    let root = api
        .post(
            "/api/v1/ca?caType=PRIVATE_ROOT",
            json!({"alias": alias, "keyType": key_type, "period": "MAX",
                   "x509Parameters": {"commonName": format!("Bench {key_type} CA")}}),
        )
        .await
        .ok();
    let path = format!("/api/v1/ca/{}/cert", tag_of(&root));
    // Warm-up (connection, issuer cache).
    for i in 0..3 {
        issue(api, &path, key_type, i).await;
    }
    let mut times = Vec::with_capacity(sequential);
    let start = Instant::now();
    for i in 0..sequential {
        times.push(issue(api, &path, key_type, i).await.as_secs_f64() * 1000.0);
    }
    let sequential_per_s = sequential as f64 / start.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);

    let start = Instant::now();
    let workers = 10;
    let mut tasks = Vec::new();
    for w in 0..workers {
        let api = api.clone();
        let path = path.clone();
        let key_type = key_type.to_owned();
        let share = concurrent / workers + usize::from(w < concurrent % workers);
        tasks.push(tokio::spawn(async move {
            for i in 0..share {
                issue(&api, &path, &key_type, w * 100_000 + i).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("worker");
    }
    let concurrent_per_s = concurrent as f64 / start.elapsed().as_secs_f64();
    Figures {
        p50: percentile(&times, 0.5),
        p90: percentile(&times, 0.9),
        p99: percentile(&times, 0.99),
        sequential_per_s,
        concurrent_per_s,
    }
}

fn report(label: &str, n: (usize, usize), f: &Figures) {
    println!(
        "  {label:<22} latency p50 {:>7.2} ms  p90 {:>7.2} ms  p99 {:>7.2} ms ({} sequential, {:.0}/s); \
         throughput {:.0}/s ({} with 10 clients)",
        f.p50, f.p90, f.p99, n.0, f.sequential_per_s, f.concurrent_per_s, n.1
    );
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let bench = std::env::args().any(|a| a == "--bench");
    let (ec, rsa) = if bench {
        ((2000, 2000), (100, 100))
    } else {
        ((5, 10), (1, 2))
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let profile = if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        };
        println!("emulator issuance benchmark ({profile}, Issue End Cert over HTTP, in-process)");
        let running = pca::emulator::start(Config::ephemeral()).await?;
        let api = Api::new(&running.base_url);
        let f = measure(&api, "EC256", ec.0, ec.1).await;
        report("EC256, in memory", ec, &f);
        if bench {
            println!(
                "    target: EC256 p50 < 5 ms: {}",
                if f.p50 < 5.0 { "met" } else { "NOT met" }
            );
        }
        let f = measure(&api, "RSA2048", rsa.0, rsa.1).await;
        report("RSA2048, in memory", rsa, &f);
        running.shutdown().await?;

        let dir = tempfile::tempdir()?;
        let running = pca::emulator::start(Config {
            data_dir: Some(dir.path().to_path_buf()),
            ..Config::ephemeral()
        })
        .await?;
        let api = Api::new(&running.base_url);
        let f = measure(&api, "EC256", ec.0, ec.1).await;
        report("EC256, SQLite on disk", ec, &f);
        running.shutdown().await?;
        Ok(())
    })
}
