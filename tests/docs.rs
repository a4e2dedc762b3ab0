//! `docs/` is generated from the schemas' descriptions and `examples/`; this test fails when
//! the committed pages are stale. Regenerate with `scripts/docs`.

use pca::framework::docs::{DocsInput, render};
use pca::framework::provider::Provider;
use pca::provider::PcaProvider;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, base, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            out.insert(rel.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn docs_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs_dir: PathBuf = root.join("docs");
    let p = PcaProvider;
    let schema = p.schema();
    let input = DocsInput {
        provider: p.type_name(),
        provider_schema: &schema,
        resources: p
            .resources()
            .iter()
            .map(|r| (r.type_name(), r.schema()))
            .collect(),
        data_sources: p
            .data_sources()
            .iter()
            .map(|d| (d.type_name(), d.schema()))
            .collect(),
        ephemeral_resources: p
            .ephemeral_resources()
            .iter()
            .map(|e| (e.type_name(), e.schema()))
            .collect(),
        functions: p
            .functions()
            .iter()
            .map(|f| (f.name(), f.definition()))
            .collect(),
        actions: p
            .actions()
            .iter()
            .map(|a| (a.type_name(), a.schema()))
            .collect(),
        list_resources: p
            .list_resources()
            .iter()
            .map(|l| (l.type_name(), l.schema()))
            .collect(),
        identities: p
            .resources()
            .iter()
            .filter_map(|r| Some((r.type_name(), r.identity()?)))
            .collect(),
        examples: &root.join("examples"),
    };
    let pages = render(&input);
    let mut existing = BTreeSet::new();
    files_under(&docs_dir, &docs_dir, &mut existing);
    if std::env::var_os("PCA_UPDATE_DOCS").is_some() {
        for stale in existing.iter().filter(|f| !pages.contains_key(*f)) {
            std::fs::remove_file(docs_dir.join(stale)).expect("remove stale page");
        }
        for (rel, text) in &pages {
            let path = docs_dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(&path, text).expect("write page");
        }
        return;
    }
    let mut problems = Vec::new();
    for (rel, text) in &pages {
        match std::fs::read_to_string(docs_dir.join(rel)) {
            Ok(current) if current == *text => {}
            Ok(_) => problems.push(format!("docs/{rel} is stale")),
            Err(_) => problems.push(format!("docs/{rel} is missing")),
        }
    }
    for extra in existing.iter().filter(|f| !pages.contains_key(*f)) {
        problems.push(format!("docs/{extra} belongs to no type of the provider"));
    }
    assert!(
        problems.is_empty(),
        "{}\nRun scripts/docs to regenerate.",
        problems.join("\n")
    );
}
