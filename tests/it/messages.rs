//! The messages a new user meets first (issue 20): an output named with the wrong extension, a port
//! already taken, an empty folder, a picture, a blank template, the agencies a merge found errors in,
//! and what differs on Windows (paths shown plainly, files held open, CSV line endings).

use std::path::Path;
use std::process::{Command, Output};

use nianbao::read::{why_skipped, PICTURE};
use nianbao::roster::Roster;
use serde_json::json;

use crate::common::{fixture, Running};

fn nianbao<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";

#[test]
fn every_output_must_end_in_what_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let input = fixture("district/区财政局.xlsx");
    let input = input.to_str().unwrap();
    let district = fixture("district");
    let district = district.to_str().unwrap();
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            vec![
                "template".into(),
                "--year".into(),
                "2025".into(),
                "-o".into(),
                format!("{d}/x.docx"),
            ],
            ".xlsx",
            "x.xlsx",
        ),
        (
            vec![
                "convert".into(),
                input.into(),
                "--to".into(),
                "json".into(),
                "-o".into(),
                format!("{d}/x.csv"),
            ],
            ".json",
            "x.json",
        ),
        (
            vec![
                "convert".into(),
                input.into(),
                "--to".into(),
                "xlsx".into(),
                "-o".into(),
                format!("{d}/x.xls"),
            ],
            ".xlsx",
            "x.xlsx",
        ),
        (
            vec![
                "convert".into(),
                input.into(),
                "--to".into(),
                "html".into(),
                "-o".into(),
                format!("{d}/x.md"),
            ],
            ".html",
            "x.html",
        ),
        (
            vec!["merge".into(), district.into(), "-o".into(), format!("{d}/汇总.xls")],
            ".xlsx",
            "汇总.xlsx",
        ),
        (
            vec![
                "merge".into(),
                district.into(),
                "-o".into(),
                format!("{d}/汇总.xlsx"),
                "--json".into(),
                format!("{d}/汇总.txt"),
            ],
            ".json",
            "汇总.json",
        ),
        (
            vec![
                "merge".into(),
                district.into(),
                "-o".into(),
                format!("{d}/汇总.xlsx"),
                "--csv".into(),
                format!("{d}/汇总.xlsx.bak"),
            ],
            ".csv",
            "汇总.xlsx.csv",
        ),
        (
            vec![
                "check".into(),
                district.into(),
                "--report".into(),
                format!("{d}/校验结果.csv"),
            ],
            ".xlsx",
            "校验结果.xlsx",
        ),
    ];
    for (args, extension, suggested) in cases {
        let out = nianbao(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("错误：“"), "{args:?}: {err}");
        assert!(
            err.contains("输出文件的扩展名不对：写出的是“")
                && err.contains(&format!("文件名应以 {extension} 结尾，如“{suggested}”")),
            "{args:?}: {err}"
        );
        // Refused before anything is read or written.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{args:?}");
    }
    // The right extension in any case, and `.htm` for a page, are taken.
    let ok = nianbao(["convert", input, "--to", "html", "-o", &format!("{d}/年报.HTM")]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

#[test]
fn a_port_taken_says_so_and_how_to_pick_another() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let e = nianbao::serve::Server::bind(port, nianbao::serve::Limits::default())
        .err()
        .unwrap();
    assert_eq!(e.code(), "PORT_IN_USE");
    let out = nianbao(["serve", "--no-open", "--port", &port.to_string()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with(&format!("错误：端口 {port} 已被其他程序占用")), "{err}");
    assert!(err.contains("--port 8081") && err.contains("不加 --port"), "{err}");
    assert!(!err.contains("无法读取文件"), "{err}");
    drop(taken);
}

#[test]
fn an_empty_folder_is_an_error_for_check_merge_and_convert_alike() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("收到的 报表");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("说明.jpg"), JPEG).unwrap();
    let out = dir.path().join("out");
    let runs = [
        nianbao([Path::new("check"), &empty]),
        nianbao([Path::new("merge"), &empty, Path::new("-o"), &out.join("汇总.xlsx")]),
        nianbao([Path::new("convert"), &empty, Path::new("--out-dir"), &out]),
    ];
    let shown = empty.display().to_string();
    for run in &runs {
        let err = stderr(run);
        assert_eq!(run.status.code(), Some(1), "{err}");
        assert!(err.contains(&format!("错误：“{shown}”：没有找到报表文件（")), "{err}");
        // What was looked for: the kinds read, then the ones recognised and not read.
        assert!(
            err.contains("读取的文件类型：xlsx、xlsm、xltx、xltm、xls、xlt、et、ett、ods、htm、html、txt、docx、pdf；"),
            "{err}"
        );
        assert!(
            err.contains("认得但不读取：doc、wps、odt、rtf（请另存为 docx），xlsb（请另存为 xlsx）"),
            "{err}"
        );
        // The picture in it is named, with the same words as everywhere.
        assert!(err.contains(&format!("（{PICTURE}）")), "{err}");
    }
    assert_eq!(stderr(&runs[0]), stderr(&runs[1]));
    assert!(!out.exists());
}

#[test]
fn kinds_said_not_read_are_not_read() {
    let options = nianbao::read::Options::default();
    let dir = tempfile::tempdir().unwrap();
    let rtf = dir.path().join("年报.rtf");
    std::fs::write(&rtf, "{\\rtf1\\ansi 年报}").unwrap();
    for (path, save_as) in [
        (fixture("broken/word-97.doc"), "docx"),
        (fixture("broken/opendocument.odt"), "docx"),
        (rtf, "docx"),
    ] {
        let e = nianbao::read::read_path(&path, &options).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED", "{path:?}: {e}");
        assert!(e.to_string().contains(save_as), "{e}");
    }
    for (ext, _) in nianbao::read::NOT_READ {
        assert!(nianbao::read::EXTENSIONS.contains(ext), "{ext}");
    }
}

#[test]
fn a_picture_is_a_picture_on_the_command_line_and_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("扫描件.jpg");
    std::fs::write(&photo, JPEG).unwrap();
    // Named on the command line: read, and found to be a picture by its content.
    let out = nianbao([Path::new("check"), &photo]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains(&format!("”：{PICTURE}")), "{text}");
    assert!(!text.contains("未知的二进制内容"), "{text}");
    // Even under a workbook's name.
    let renamed = dir.path().join("区财政局.xlsx");
    std::fs::write(&renamed, JPEG).unwrap();
    let e = nianbao::read::read_path(&renamed, &Default::default()).unwrap_err();
    assert_eq!(e.kind.to_string(), PICTURE);
    // In a folder, by its name.
    assert_eq!(why_skipped(Path::new("街道/扫描件.JPG")).as_deref(), Some(PICTURE));
    // On the page.
    let s = Running::start(nianbao::serve::Limits::default());
    let plan = json!({"files": [{"name": "d/扫描件.jpg", "size": 20}]});
    let plan = s.post("/api/plan", plan.to_string().as_bytes()).json();
    assert_eq!(plan["files"][0]["action"], "skip");
    assert_eq!(plan["files"][0]["message"], PICTURE);
}

#[test]
fn a_blank_template_is_unfilled() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("区财政局.xlsx");
    let bytes = nianbao::write::xlsx::template(2025, nianbao::format::Format::F2021, Some("区财政局")).unwrap();
    std::fs::write(&blank, bytes).unwrap();
    let out = nianbao([Path::new("check"), &blank]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("[错误] UNFILLED 表格未填写"), "{text}");
    for not in ["COLUMN_MISSING", "缺少", "VALUE_BLANK"] {
        assert!(!text.contains(not), "{text}");
    }
    // One cell filled in: the usual checks.
    let report = nianbao::read::read_path(fixture("district/区财政局.xlsx"), &Default::default()).unwrap();
    assert!(nianbao::check::check(&report).iter().all(|f| f.rule != "UNFILLED"));
}

#[test]
fn merge_names_the_agencies_with_errors() {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("merge")
        .arg(fixture("district"))
        .arg("-o")
        .arg(out.path().join("汇总.xlsx"))
        .output()
        .unwrap();
    let err = stderr(&run);
    assert!(
        err.contains("有错误的单位（1 个，已计入，请核对后发回修改）："),
        "{err}"
    );
    assert!(err.contains("    区住房和城乡建设局：错误 2 处，警告 0 处（"), "{err}");
    // Before the list of what was written, which stays the last line.
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("已写入："), "{err}");
}

#[test]
fn paths_are_shown_plainly_and_files_held_open_named() {
    use nianbao::{Error, ErrorKind};
    let e = Error::new(
        r"\\?\D:\收到的 报表\区财政局.xlsx",
        ErrorKind::Io(nianbao::platform::IN_USE.into()),
    );
    assert_eq!(
        e.to_string(),
        "“D:\\收到的 报表\\区财政局.xlsx”：无法读取文件：文件被其他程序（如 Excel、WPS）占用，请关闭后重试"
    );
    let sharing = std::io::Error::from_raw_os_error(32);
    if cfg!(windows) {
        assert_eq!(nianbao::read::io_message(&sharing), nianbao::platform::IN_USE);
    } else {
        assert_ne!(nianbao::read::io_message(&sharing), nianbao::platform::IN_USE);
    }
    // Chinese names with spaces, read and written as given.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("收到的 报表 2024");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(fixture("district/区财政局.xlsx"), folder.join("区 财政局（更正）.xlsx")).unwrap();
    let out = nianbao([
        Path::new("convert"),
        &folder,
        Path::new("--to"),
        Path::new("csv"),
        Path::new("--out-dir"),
        &dir.path().join("输出 文件夹"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("输出 文件夹").join("区 财政局（更正）.csv").exists());
}

/// CSV is written with LF line ends (one value a line, never a line break inside one): Excel and
/// WPS on Windows open it alike, and the bytes are the same on every platform. Rosters and CSV
/// inputs are read with either, as Excel on Windows saves CRLF.
#[test]
fn csv_line_ends() {
    let out = nianbao([
        "convert",
        fixture("district/区财政局.xlsx").to_str().unwrap(),
        "--to",
        "csv",
    ]);
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    assert!(!out.stdout.contains(&b'\r'));
    assert!(out.stdout.ends_with(b"\n"));
    let lf = Roster::from_bytes("单位名称,类别\n区财政局,部门\n城关街道,街道\n".as_bytes()).unwrap();
    let crlf = Roster::from_bytes("\u{feff}单位名称,类别\r\n区财政局,部门\r\n城关街道,街道\r\n".as_bytes()).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("单位名称,类别\r\n区财政局,部门\r\n城关街道,街道\r\n");
    let gbk = Roster::from_bytes(&gbk).unwrap();
    for r in [&crlf, &gbk] {
        assert_eq!(r.members.len(), 2);
        for (a, b) in r.members.iter().zip(&lf.members) {
            assert_eq!((&a.name, &a.category), (&b.name, &b.category));
        }
    }
}
