//! Checking that keys and CSRs reach neither state, nor plan files, nor logs.

use super::openssl::body_lines;
use super::terraform::Workspace;
use std::process::Command;

/// Fails when `text` (named `what`) holds a key or CSR label, or any body line of `secrets`.
pub fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for label in ["PRIVATE KEY", "CERTIFICATE REQUEST"] {
        assert!(!text.contains(label), "{what} contains {label:?}");
    }
    for s in secrets {
        for line in body_lines(s) {
            assert!(
                !text.contains(&line),
                "{what} contains a line of a secret: {line}"
            );
        }
    }
}

/// A saved plan, unpacked: every member's bytes as lossy text, plus the raw file itself.
pub fn plan_file_texts(ws: &Workspace, plan: &str) -> Vec<(String, String)> {
    let raw = std::fs::read(ws.path().join(plan)).expect("plan file");
    let mut out = vec![(plan.to_owned(), String::from_utf8_lossy(&raw).into_owned())];
    let dir = ws.path().join("plan-unpacked");
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(ws.path().join(plan))
        .arg(&dir)
        .status()
        .expect("python3 zipfile");
    assert!(status.success(), "unpack the plan file");
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).expect("member");
                out.push((
                    p.display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
    }
    assert!(out.len() >= 3, "the plan file has members: {out:?}");
    out
}
