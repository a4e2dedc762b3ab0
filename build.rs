//! Compiles our own `proto/` files with protox (pure Rust, no system `protoc`) and generates
//! tonic server and client stubs; in release builds, asks the linker to lay out the code the
//! provider runs before its handshake line together (`link/startup-order.txt`).

use std::path::Path;
use std::process::Command;

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
/// Only where the linker is rust-lld, the default of Rust 1.90+ on x86_64 Linux: GNU ld has
/// no `--symbol-ordering-file`. `PCA_STARTUP_ORDER=0` turns it off; a configured linker does
/// too. Layout only: a stale or absent list changes nothing but the memory figure.
fn startup_order() {
    for var in [
        "PCA_STARTUP_ORDER",
        "RUSTC_LINKER",
        "CARGO_ENCODED_RUSTFLAGS",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=link/startup-order.txt");
    let env = |k: &str| std::env::var(k).unwrap_or_default();
    let rustflags = env("CARGO_ENCODED_RUSTFLAGS");
    let default_lld = env("TARGET") == "x86_64-unknown-linux-gnu"
        && env("RUSTC_LINKER").is_empty()
        && !rustflags.contains("link-self-contained")
        && !rustflags.contains("linker")
        && !rustflags.contains("fuse-ld")
        && rustc_minor(&env("RUSTC")).is_some_and(|minor| minor >= 90);
    let list = Path::new(&env("CARGO_MANIFEST_DIR")).join("link/startup-order.txt");
    if env("PROFILE") != "release" || env("PCA_STARTUP_ORDER") == "0" || !default_lld {
        return;
    }
    if !list.is_file() {
        return;
    }
    let bin = "terraform-provider-pca";
    println!(
        "cargo:rustc-link-arg-bin={bin}=-Wl,--symbol-ordering-file={}",
        list.display()
    );
    // Symbols renamed since the list was written are skipped, not reported one by one.
    println!("cargo:rustc-link-arg-bin={bin}=-Wl,--no-warn-symbol-ordering");
}

/// The minor version of `rustc -V` ("rustc 1.95.0 (...)" → 95).
fn rustc_minor(rustc: &str) -> Option<u32> {
    let rustc = if rustc.is_empty() { "rustc" } else { rustc };
    let out = Command::new(rustc).arg("-V").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split('.');
    (parts.next()? == "1").then_some(())?;
    parts.next()?.parse().ok()
}
