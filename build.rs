//! Compiles our own `proto/` files with protox (pure Rust, no system `protoc`) and generates
//! tonic server and client stubs; in release builds, asks the linker to lay out the code the
//! provider runs before its handshake line together (`link/startup-order.txt`).

use std::path::Path;
use std::process::{Command, Stdio};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = ["tfplugin6.proto", "plugin.proto"];
    for f in files {
        println!("cargo:rerun-if-changed=proto/{f}");
    }
    let fds = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .generate_default_stubs(true)
        .type_attribute(".", "#[allow(clippy::all, missing_docs, unreachable_pub)]")
        .compile_fds(fds)?;
    startup_order();
    Ok(())
}

/// Terraform starts the provider 2-4 times per command, and each start runs code spread over
/// the whole 9 MB text: the kernel maps 64 KiB around every page it faults in, so 5.3 MiB
/// of it became resident. `link/startup-order.txt` (written by `scripts/startup-order`) lists
/// the functions the start-up runs; lld places them first, and resident memory at the
/// handshake drops from about 9.3 MiB to about 4.1 MiB (`cargo bench --bench handshake`).
///
/// The list's names carry hashes of the toolchain, Cargo.lock, features and profile, so it
/// applies to release builds for x86_64 Linux with the toolchain it records (the test
/// `startup_order_was_written_for_this_build` checks that). Only where the linker takes
/// `--symbol-ordering-file` (lld; GNU ld does not): a one-line program is linked with it
/// first, with the same flags. `PCA_STARTUP_ORDER=0` turns it off. Layout only: a stale or
/// absent list changes nothing but the memory figure.
fn startup_order() {
    let env = |k: &str| std::env::var(k).unwrap_or_default();
    let rustc = match env("RUSTC") {
        r if r.is_empty() => "rustc".to_string(),
        r => r,
    };
    // For the test that compares it with the list's header.
    let version = Command::new(&rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    println!("cargo:rustc-env=PCA_BUILD_RUSTC={}", version.trim());
    println!("cargo:rerun-if-env-changed=PCA_STARTUP_ORDER");
    println!("cargo:rerun-if-changed=link/startup-order.txt");
    let list = Path::new(&env("CARGO_MANIFEST_DIR")).join("link/startup-order.txt");
    if env("PROFILE") != "release"
        || env("PCA_STARTUP_ORDER") == "0"
        || env("TARGET") != "x86_64-unknown-linux-gnu"
        || !list.is_file()
    {
        return;
    }
    let order_args = |file: &Path| {
        [
            "-Xlinker".to_string(),
            format!("--symbol-ordering-file={}", file.display()),
            // Symbols renamed since the list was written are skipped, not reported one by one.
            "-Xlinker".to_string(),
            "--no-warn-symbol-ordering".to_string(),
        ]
    };
    if !linker_takes(&rustc, &order_args(Path::new("/dev/null"))) {
        println!(
            "cargo:warning=the linker does not take --symbol-ordering-file (not lld): \
             the start-up code is not laid out together (more resident memory, same behaviour)"
        );
        return;
    }
    for arg in order_args(&list) {
        println!("cargo:rustc-link-arg-bin=terraform-provider-pca={arg}");
    }
}

/// Whether `rustc` links an empty program for this target, with this build's flags and
/// linker, when handed `link_args`.
fn linker_takes(rustc: &str, link_args: &[String]) -> bool {
    let Ok(out_dir) = std::env::var("OUT_DIR") else {
        return false;
    };
    let dir = Path::new(&out_dir).join("link-probe");
    if std::fs::create_dir_all(&dir).is_err()
        || std::fs::write(dir.join("probe.rs"), "fn main() {}\n").is_err()
    {
        return false;
    }
    let mut cmd = Command::new(rustc);
    cmd.arg("--crate-type=bin")
        .arg("--target")
        .arg(std::env::var("TARGET").unwrap_or_default())
        .arg("-o")
        .arg(dir.join("probe"))
        .arg(dir.join("probe.rs"));
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    cmd.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    if let Ok(linker) = std::env::var("RUSTC_LINKER") {
        cmd.arg(format!("-Clinker={linker}"));
    }
    for arg in link_args {
        cmd.arg(format!("-Clink-arg={arg}"));
    }
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
