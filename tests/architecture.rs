//! The layering rules of ARCHITECTURE.md, checked: each layer imports only what it may, and
//! the generic layers (`protocol`, `framework`) carry no Private CA vocabulary.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn layer_files(layer: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(layer);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap_or_default();
            (p, text)
        })
        .collect()
}

/// Every `crate::<module>` a layer mentions.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let module: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        out.push(module);
    }
    out
}

fn check_imports(layer: &str, allowed: &[&str]) {
    let files = layer_files(layer);
    assert!(
        !files.is_empty() || layer == "api",
        "layer {layer} has files"
    );
    for (path, text) in files {
        for m in crate_paths(&text) {
            assert!(
                allowed.contains(&m.as_str()),
                "{} uses crate::{m}, but the {layer} layer may only use {allowed:?}",
                path.display()
            );
        }
    }
}

#[test]
fn layers_import_only_what_they_may() {
    check_imports("protocol", &["protocol"]);
    check_imports("framework", &["framework", "protocol"]);
    check_imports("client", &["client", "api"]);
    check_imports("api", &["api"]);
    check_imports(
        "resources",
        &["resources", "framework", "client", "api", "provider"],
    );
    check_imports(
        "data_sources",
        &[
            "data_sources",
            "resources",
            "framework",
            "client",
            "api",
            "provider",
        ],
    );
    check_imports("functions", &["functions", "framework", "resources"]);
    check_imports(
        "ephemeral",
        &[
            "ephemeral",
            "resources",
            "functions",
            "framework",
            "client",
            "api",
            "provider",
        ],
    );
    check_imports("emulator", &["emulator", "api"]);
    // Actions and list resources may use resources/ (its helpers, operations and models, so
    // an action runs an operation and a list finds objects the way the resource knows them).
    for layer in ["actions", "list"] {
        check_imports(
            layer,
            &[layer, "resources", "framework", "client", "api", "provider"],
        );
    }
}

#[test]
fn generic_layers_know_nothing_of_private_ca() {
    let mut found = Vec::new();
    for layer in ["protocol", "framework"] {
        for (path, text) in layer_files(layer) {
            for (n, line) in text.lines().enumerate() {
                // `pca::` is the crate name in doc examples, not vocabulary.
                let lower = line.to_lowercase().replace("pca::", "");
                for word in ["pca", "ncloud", "naver", "private ca", "ca_tag"] {
                    if lower.contains(word) {
                        found.push(format!("{}:{}: {word:?}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "PCA vocabulary in generic layers:\n{}",
        found.join("\n")
    );
}

/// `link/startup-order.txt` names functions by their mangled symbols, whose hashes follow the
/// toolchain, Cargo.lock, the package version, the dependencies' features and the release
/// profile: when any of them changes, the list no longer matches the build and the start-up
/// code spreads out again (build.rs).
#[test]
fn startup_order_was_written_for_this_build() {
    use sha2::Digest as _;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hex = |bytes: &[u8]| -> String {
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let list = fs::read_to_string(root.join("link/startup-order.txt")).expect("startup order");
    let recorded = |key: &str| -> String {
        list.lines()
            .find_map(|l| l.strip_prefix("# ")?.strip_prefix(key)?.strip_prefix(": "))
            .unwrap_or_else(|| panic!("link/startup-order.txt records no {key}"))
            .to_string()
    };
    let lock = fs::read(root.join("Cargo.lock")).expect("Cargo.lock");
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    // The [dependencies] and [profile.release] tables without comments or blank lines, as
    // scripts/startup-order hashes them.
    let mut inputs = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            inside = line == "[profile.release]" || line == "[dependencies]";
        }
        if inside && !line.trim().is_empty() && !line.starts_with('#') {
            inputs.push_str(line);
            inputs.push('\n');
        }
    }
    let stale = "link/startup-order.txt is stale: run scripts/startup-order";
    // build.rs passes on `rustc -V` of the toolchain that builds this test.
    assert_eq!(recorded("rustc"), env!("PCA_BUILD_RUSTC"), "{stale}");
    assert_eq!(recorded("version"), env!("CARGO_PKG_VERSION"), "{stale}");
    assert_eq!(recorded("Cargo.lock sha256"), hex(&lock), "{stale}");
    assert_eq!(
        recorded("profile.release and dependencies sha256"),
        hex(inputs.as_bytes()),
        "{stale}"
    );
    let symbols: Vec<&str> = list.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(symbols.len() >= 500, "only {} symbols", symbols.len());
    assert!(
        symbols
            .iter()
            .all(|s| !s.is_empty() && !s.contains(char::is_whitespace)),
        "one symbol per line"
    );
    let build = fs::read_to_string(root.join("build.rs")).expect("build.rs");
    assert!(build.contains("--symbol-ordering-file") && build.contains("link/startup-order.txt"));
}
