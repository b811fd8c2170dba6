//! Never lose or clobber: outputs are written whole or not at all, never over an input (however the
//! path is spelled), into folders that are created as needed; a failed run leaves nothing behind;
//! inputs — also read-only ones, with Chinese names, spaces and very long names — are never
//! modified by convert, check or merge.

use crate::common::fixture;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use nianbao::write::{save, save_with};

fn nianbao(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$(std::ffi::OsStr::new($a)),*] };
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

/// A file's bytes and modification time, to compare before and after a run.
fn snapshot(path: &Path) -> (Vec<u8>, SystemTime) {
    (
        std::fs::read(path).unwrap(),
        std::fs::metadata(path).unwrap().modified().unwrap(),
    )
}

// ---- the library's save ---------------------------------------------------------------------

#[test]
fn a_failing_writer_leaves_no_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("汇总.xlsx");
    let e = save_with(&out, &[], |file| {
        use std::io::Write;
        file.write_all(b"half of a workbook").unwrap();
        Err("磁盘已满".to_string())
    })
    .unwrap_err();
    assert_eq!(e.code(), "WRITE");
    assert!(e.to_string().starts_with(&format!("“{}”：", out.display())), "{e}");
    assert!(e.to_string().contains("磁盘已满"), "{e}");
    assert_eq!(files(dir.path()), Vec::<String>::new(), "nothing may be left behind");
}

#[test]
fn a_failing_writer_leaves_the_previous_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("汇总.xlsx");
    std::fs::write(&out, b"last week's summary").unwrap();
    save_with(&out, &[], |_| Err("生成失败".to_string())).unwrap_err();
    assert_eq!(std::fs::read(&out).unwrap(), b"last week's summary");
    assert_eq!(files(dir.path()), vec!["汇总.xlsx"]);
}

#[test]
fn an_existing_output_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("结果.json");
    save(&out, &[b'x'; 100_000], &[]).unwrap();
    save(&out, b"{}", &[]).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), b"{}");
    assert_eq!(files(dir.path()), vec!["结果.json"]);
}

#[test]
fn a_missing_folder_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("新建 文件夹").join("二级").join("结果.csv");
    save(&out, b"a,b\n", &[]).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), b"a,b\n");
}

#[test]
fn writing_over_an_input_is_refused_however_the_path_is_spelled() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("收到的报表");
    std::fs::create_dir(&sub).unwrap();
    let input = sub.join("区财政局.xlsx");
    std::fs::write(&input, b"the agency's only copy").unwrap();
    let spellings = [
        input.clone(),
        sub.join(".").join("区财政局.xlsx"),
        sub.join("..").join("收到的报表").join("区财政局.xlsx"),
        dir.path().join("收到的报表/./../收到的报表/区财政局.xlsx"),
    ];
    for out in &spellings {
        let e = save(out, b"summary", std::slice::from_ref(&input)).unwrap_err();
        assert_eq!(e.code(), "WOULD_OVERWRITE", "{}", out.display());
        assert!(e.to_string().contains("为避免覆盖原始文件已停止"), "{e}");
        // The input given in another spelling than the output.
        let e = save(&input, b"summary", std::slice::from_ref(out)).unwrap_err();
        assert_eq!(e.code(), "WOULD_OVERWRITE");
    }
    #[cfg(unix)]
    {
        let link = dir.path().join("链接.xlsx");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        assert_eq!(
            save(&link, b"x", std::slice::from_ref(&input)).unwrap_err().code(),
            "WOULD_OVERWRITE"
        );
    }
    assert_eq!(std::fs::read(&input).unwrap(), b"the agency's only copy");
    assert_eq!(files(&sub), vec!["区财政局.xlsx"]);
}

// ---- the commands ---------------------------------------------------------------------------

/// A folder with three returns under awkward names, read-only.
fn received() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("{}{}", "区住房和城乡建设局", "a".repeat(200));
    let deep = dir
        .path()
        .join("收到的 报表（2024 年度）")
        .join(format!("街道 乡镇 {}", "b".repeat(80)))
        .join("c".repeat(80));
    std::fs::create_dir_all(&deep).unwrap();
    let copies = [
        ("workbooks/2024-pingtan-zone.xlsx", deep.join(format!("{long}.xlsx"))),
        (
            "workbooks/2024-pingtan-zrzj-lo.ods",
            deep.join("平潭 自然资源 局 2024.ods"),
        ),
        ("workbooks/huaian-city-2024-lo.xls", deep.join("淮安市 政府办.xls")),
    ];
    let mut paths = Vec::new();
    for (from, to) in copies {
        std::fs::copy(fixture(from), &to).unwrap();
        let mut perms = std::fs::metadata(&to).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&to, perms).unwrap();
        paths.push(to);
    }
    assert!(paths[0].file_name().unwrap().to_string_lossy().chars().count() > 200);
    assert!(paths[0].as_os_str().len() > 300, "a path longer than Windows' old 260");
    (dir, paths)
}

#[test]
fn convert_never_writes_over_its_input() {
    let (dir, inputs) = received();
    let input = &inputs[0];
    let before = snapshot(input);
    let parent = input.parent().unwrap();
    let name = input.file_name().unwrap().to_str().unwrap();
    let roundabout = parent.join("..").join(parent.file_name().unwrap()).join(".").join(name);
    for out in [input.clone(), roundabout] {
        let run = nianbao(args!["convert", input, "--to", "xlsx", "-o", &out]);
        assert_eq!(run.status.code(), Some(1));
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("为避免覆盖原始文件已停止"), "{err}");
    }
    assert_eq!(snapshot(input), before);
    let run = nianbao(args!["convert", parent, "--to", "json", "--out-dir", parent]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(snapshot(input), before);
    drop(dir);
}

#[test]
fn merge_never_writes_over_one_of_its_inputs() {
    let (dir, inputs) = received();
    let folder = dir.path().join("收到的 报表（2024 年度）");
    let before: Vec<_> = inputs.iter().map(|p| snapshot(p)).collect();
    let listed = files(dir.path());
    for target in [&inputs[1], &inputs[2]] {
        let parent = target.parent().unwrap();
        let roundabout = parent
            .join("..")
            .join(parent.file_name().unwrap())
            .join(target.file_name().unwrap());
        for flag in ["-o", "--json", "--csv"] {
            let out = dir.path().join("汇总.xlsx");
            let mut a: Vec<&std::ffi::OsStr> = vec!["merge".as_ref(), folder.as_os_str()];
            if flag == "-o" {
                a.extend([flag.as_ref(), roundabout.as_os_str()]);
            } else {
                a.extend(["-o".as_ref(), out.as_os_str(), flag.as_ref(), roundabout.as_os_str()]);
            }
            let run = nianbao(&a);
            assert_ne!(run.status.code(), Some(0), "{flag}");
            let err = String::from_utf8_lossy(&run.stderr);
            assert!(err.contains("为避免覆盖原始文件已停止"), "{flag}: {err}");
            assert!(
                !out.exists(),
                "{flag}: the summary is not written when another output is refused"
            );
        }
    }
    // Nor over the roster.
    let roster = dir.path().join("名单.csv");
    std::fs::write(&roster, "单位名称\n平潭综合实验区\n").unwrap();
    let run = nianbao(args!["merge", &folder, "-o", &roster, "--roster", &roster]);
    assert_ne!(run.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&roster).unwrap(), "单位名称\n平潭综合实验区\n");
    std::fs::remove_file(&roster).unwrap();
    let after: Vec<_> = inputs.iter().map(|p| snapshot(p)).collect();
    assert_eq!(after, before);
    assert_eq!(files(dir.path()), listed, "a refused run leaves nothing behind");
}

#[test]
fn read_only_inputs_with_awkward_names_are_read_and_left_alone() {
    let (dir, inputs) = received();
    let folder = dir.path().join("收到的 报表（2024 年度）");
    let before: Vec<_> = inputs.iter().map(|p| snapshot(p)).collect();
    let out = dir.path().join("输出 文件夹").join("汇总 2024.xlsx");
    let run = nianbao(args!["merge", &folder, "-o", &out]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert!(err.contains("计入 3"), "{err}");
    assert!(out.is_file());
    let run = nianbao(args!["check", &folder, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    for c in json.as_array().unwrap() {
        assert_eq!(c["readable"], true, "{c}");
    }
    for input in &inputs {
        let run = nianbao(args!["convert", input, "--to", "json"]);
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let after: Vec<_> = inputs.iter().map(|p| snapshot(p)).collect();
    assert_eq!(after, before);
    for input in &inputs {
        assert!(std::fs::metadata(input).unwrap().permissions().readonly());
    }
}

#[test]
fn a_failed_run_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // An unreadable input: no output file appears (not even an empty one).
    let bad = dir.path().join("坏文件.xlsx");
    std::fs::write(&bad, b"PK\x03\x04 truncated").unwrap();
    let out = dir.path().join("结果").join("坏文件.json");
    let run = nianbao(args!["convert", &bad, "-o", &out]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("坏文件.xlsx"));
    // Reports of two years cannot be merged: nothing is written.
    let mixed = dir.path().join("混合");
    std::fs::create_dir(&mixed).unwrap();
    std::fs::copy(fixture("workbooks/2024-pingtan-zone.xlsx"), mixed.join("a.xlsx")).unwrap();
    std::fs::copy(fixture("workbooks/2020-shanghai-city.xlsx"), mixed.join("b.xlsx")).unwrap();
    let summary = dir.path().join("汇总.xlsx");
    let json = dir.path().join("汇总.json");
    let run = nianbao(args!["merge", &mixed, "-o", &summary, "--json", &json]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("报表的年度不一致，不能相加"));
    assert_eq!(files(dir.path()), vec!["坏文件.xlsx", "混合/a.xlsx", "混合/b.xlsx"]);
}

#[test]
fn check_report_never_writes_over_an_input() {
    let (_dir, inputs) = received();
    let before = snapshot(&inputs[2]);
    let run = nianbao(args!["check", &inputs[0], &inputs[2], "--report", &inputs[2]]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("为避免覆盖原始文件已停止"));
    assert_eq!(snapshot(&inputs[2]), before);
}

#[test]
fn convert_gives_inputs_of_one_name_outputs_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["一", "二"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::copy(
            fixture("workbooks/2024-pingtan-zone.xlsx"),
            dir.path().join(sub).join("报表.xlsx"),
        )
        .unwrap();
    }
    std::fs::copy(
        fixture("workbooks/2024-pingtan-zone-lo.ods"),
        dir.path().join("一").join("报表.ods"),
    )
    .unwrap();
    let out = dir.path().join("输出");
    let (one, two) = (dir.path().join("一"), dir.path().join("二"));
    let run = nianbao(args!["convert", &one, &two, "--out-dir", &out]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(files(&out), vec!["报表.json", "报表（2）.json", "报表（3）.json"]);
}

#[test]
fn an_output_that_cannot_be_saved_says_why_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("workbooks/2024-pingtan-zone.xlsx");
    // A folder as the output file.
    let run = nianbao(args!["convert", &input, "-o", dir.path()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("该路径是一个文件夹"));
    // A name longer than the file system allows (255 bytes; 100 Chinese characters are 300).
    let long = dir.path().join(format!("{}.json", "长".repeat(100)));
    let run = nianbao(args!["convert", &input, "-o", &long]);
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    #[cfg(unix)]
    assert!(err.contains("文件名过长"), "{err}");
    assert!(err.starts_with("错误：“"), "{err}");
    assert_eq!(files(dir.path()), Vec::<String>::new());
}
