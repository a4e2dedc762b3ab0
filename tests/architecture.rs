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
