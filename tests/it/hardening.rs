//! Hostile inputs of issue 21, each built here small and refused by a budget (asserted by the
//! limit it names and the work it allows, never by wall-clock time), while the rest of a batch is
//! read: PDF glyph and page bombs, a text line of endless cells, pipes and devices, a million-row
//! roster, temporary files left by an interrupted run, long upload names on the page.

use std::path::{Path, PathBuf};

use nianbao::batch::{check_files, Previous};
use nianbao::read::{collect_noting, read_bytes, read_input, Limits, Options};

use crate::common::{encode, fixture, set_modified, Running};

/// A PDF of `pages` (content streams), with Helvetica as `/F1` and `form` as the form XObject
/// `/X1` on every page, a cross-reference table and `%%EOF`.
fn pdf(pages: &[Vec<u8>], form: Option<&[u8]>) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let n = pages.len();
    let first_page = 5;
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
    let form = form.unwrap_or(b"");
    let mut f = format!(
        "<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << /Font << /F1 3 0 R >> >> /Length {} >>\nstream\n",
        form.len()
    )
    .into_bytes();
    f.extend_from_slice(form);
    f.extend_from_slice(b"\nendstream");
    objects.push(f);
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources << /Font << /F1 3 0 R >> /XObject << /X1 4 0 R >> >> /Contents {} 0 R >>",
                first_page + 2 * i + 1
            )
            .into_bytes(),
        );
        let mut c = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        c.extend_from_slice(content);
        c.extend_from_slice(b"\nendstream");
        objects.push(c);
    }
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A content stream of `runs` text operators of `glyphs` glyphs each, one a line.
fn text_runs(runs: usize, glyphs: usize) -> Vec<u8> {
    let mut c = b"BT /F1 10 Tf 12 TL 20 780 Td\n".to_vec();
    for _ in 0..runs {
        c.extend_from_slice(b"(");
        c.extend(std::iter::repeat_n(b'A', glyphs));
        c.extend_from_slice(b") ' \n");
    }
    c.extend_from_slice(b"ET");
    c
}

fn options(limits: Limits) -> Options {
    Options {
        limits,
        ..Options::default()
    }
}

/// The error code and message of reading `bytes` as `name`.
fn refused(bytes: &[u8], name: &str, options: &Options) -> (String, String) {
    let e = read_bytes(bytes, name, options).expect_err("should be refused");
    (e.code().to_string(), e.to_string())
}

#[test]
fn a_huge_text_operator_is_refused_before_the_interpreter_gathers_it() {
    // 500,000 glyphs in one `Tj` (the 5·10⁷ took 6 GB): refused by the default budget of
    // glyphs a page, looked up before the page is interpreted; the same inside a form.
    let one = pdf(&[text_runs(1, 500_000)], None);
    let (code, message) = refused(&one, "炸弹.pdf", &Options::default());
    assert_eq!(code, "TOO_LARGE");
    assert!(
        message.contains("PDF 一页的字符数") && message.contains("--max-page-glyphs"),
        "{message}"
    );
    let in_form = pdf(&[b"/X1 Do".to_vec()], Some(&text_runs(1, 500_000)));
    let (_, message) = refused(&in_form, "表单.pdf", &Options::default());
    assert!(message.contains("--max-page-glyphs"), "{message}");
}

#[test]
fn glyphs_are_counted_as_they_are_drawn_on_a_page_and_in_the_document() {
    let limits = Limits {
        max_page_glyphs: 20_000,
        max_glyphs: 50_000,
        ..Limits::default()
    };
    // Many small runs on one page: 50,000 glyphs, the interpretation stopped at 20,000.
    let (_, message) = refused(&pdf(&[text_runs(50, 1_000)], None), "多段.pdf", &options(limits));
    assert!(
        message.contains("第1页超过 20000 个") && message.contains("--max-page-glyphs"),
        "{message}"
    );
    // A small form drawn a thousand times (100,000 glyphs): each drawing counts.
    let page = b"/X1 Do\n".repeat(1_000);
    let (_, message) = refused(&pdf(&[page], Some(&text_runs(1, 100))), "表单.pdf", &options(limits));
    assert!(message.contains("--max-page-glyphs"), "{message}");
    // Ten pages of 10,000: the document's budget ends on the sixth page.
    let pages = vec![text_runs(10, 1_000); 10];
    let (_, message) = refused(&pdf(&pages, None), "多页.pdf", &options(limits));
    assert!(
        message.contains("PDF 全部页面的字符数") && message.contains("第6页") && message.contains("--max-glyphs"),
        "{message}"
    );
    // Within the budgets the same file is read on (and found to hold no report).
    let small = pdf(&[text_runs(10, 100)], None);
    let e = read_bytes(&small, "小.pdf", &options(limits)).unwrap_err();
    assert_ne!(e.code(), "TOO_LARGE", "{e}");
}

#[test]
fn too_many_pages_are_refused_before_any_is_read() {
    let pages = vec![b"BT /F1 10 Tf 20 780 Td (1) Tj ET".to_vec(); 1_001];
    let (code, message) = refused(&pdf(&pages, None), "千页.pdf", &Options::default());
    assert_eq!(code, "TOO_LARGE");
    assert!(
        message.contains("1001 页") && message.contains("--max-pdf-pages"),
        "{message}"
    );
    let limits = Limits {
        max_pages: 5,
        ..Limits::default()
    };
    let (_, message) = refused(&pdf(&pages[..6], None), "六页.pdf", &options(limits));
    assert!(message.contains("6 页") && message.contains("上限 5"), "{message}");
}

#[test]
fn text_cells_are_bounded_by_line_and_by_file() {
    // One line of `| 1 | 1 | …` (the 95 MB took 4 GB): 2,000 cells, over the default 1,000.
    let line = format!("一、总体情况\n{}|\n", "| 1 ".repeat(2_000));
    let (code, message) = refused(line.as_bytes(), "一行.txt", &Options::default());
    assert_eq!(code, "TOO_LARGE");
    assert!(
        message.contains("第2行") && message.contains("--max-line-cells"),
        "{message}"
    );
    // 1,100 lines of 999 cells: each line allowed, the file over 1,000,000 cells.
    let row = format!("{}1\n", "1\t".repeat(998));
    let many = format!("一、总体情况\n{}", row.repeat(1_100));
    let (_, message) = refused(many.as_bytes(), "多行.txt", &Options::default());
    assert!(
        message.contains("文本的单元格总数") && message.contains("--max-text-cells"),
        "{message}"
    );
}

#[test]
fn a_roster_of_a_million_rows_is_read_by_hash() {
    // Was quadratic (100,000 rows: 86 s). A million rows, every name twice.
    let mut csv = String::from("单位名称,类别\n");
    for i in 0..500_000 {
        csv.push_str(&format!("单位{i},部门\n单位{i},部门\n"));
    }
    let roster = nianbao::roster::Roster::from_bytes(csv.as_bytes()).unwrap();
    assert_eq!(roster.members.len(), 500_000);
    assert_eq!(roster.members[499_999].name, "单位499999");
}

/// A named pipe at `path` (Unix), made with `mkfifo`.
#[cfg(unix)]
fn fifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_never_read_and_listed_in_folders() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("管道.xlsx");
    fifo(&pipe);
    // Neither waits for a writer nor reads without end.
    let e = read_input(&pipe, 1 << 20).unwrap_err();
    assert_eq!(e.to_string(), "不是普通文件（命名管道（FIFO）），不读取");
    let e = read_input(Path::new("/dev/zero"), 1 << 20).unwrap_err();
    assert_eq!(e.to_string(), "不是普通文件（字符设备），不读取");
    // A regular file is read to its limit plus one byte at most, then refused.
    let big = dir.path().join("大.txt");
    std::fs::write(&big, vec![b'1'; 2_000]).unwrap();
    let e = read_input(&big, 1_000).unwrap_err();
    assert!(e.to_string().contains("--max-file-mb"), "{e}");
    assert_eq!(read_input(&big, 2_000).unwrap().len(), 2_000);
    // In a folder: the pipe, a link to a device, a folder named like a workbook are listed.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("零.xls")).unwrap();
    std::fs::create_dir(dir.path().join("文件夹.xlsx")).unwrap();
    let (inputs, passed) = collect_noting(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(inputs, vec![big.clone()]);
    let reasons: Vec<(String, &str)> = passed
        .iter()
        .map(|(p, why)| (p.file_name().unwrap().to_string_lossy().into_owned(), why.as_str()))
        .collect();
    assert!(
        reasons.contains(&("管道.xlsx".into(), "不是普通文件（命名管道（FIFO）），不读取")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("零.xls".into(), "不是普通文件（字符设备），不读取")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(n, why)| n == "文件夹.xlsx" && why.contains("文件夹")),
        "{reasons:?}"
    );
}

#[test]
fn a_batch_goes_on_past_every_hostile_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("好.html");
    std::fs::copy(fixture("published/2024-pingtan-zone.html"), &good).unwrap();
    std::fs::write(dir.path().join("字符炸弹.pdf"), pdf(&[text_runs(1, 500_000)], None)).unwrap();
    std::fs::write(
        dir.path().join("一行.txt"),
        format!("一、总体情况\n{}\n", "| 1 ".repeat(2_000)),
    )
    .unwrap();
    let mut inputs: Vec<PathBuf> = collect_noting(&[dir.path().to_path_buf()]).unwrap().0;
    #[cfg(unix)]
    {
        let pipe = dir.path().join("管道.xlsx");
        fifo(&pipe);
        inputs.push(pipe);
        inputs.push(PathBuf::from("/dev/zero"));
    }
    let results = check_files(&inputs, &Options::default(), &Previous::default(), &|c| {
        (c.path.clone(), c.outcome.map(|_| ()).map_err(|e| e.code().to_string()))
    });
    for (path, outcome) in &results {
        let expected = match path.file_name().unwrap().to_string_lossy().as_ref() {
            "好.html" => Ok(()),
            "管道.xlsx" | "zero" => Err("NOT_REGULAR".to_string()),
            _ => Err("TOO_LARGE".to_string()),
        };
        assert_eq!(outcome, &expected, "{}", path.display());
    }
    assert_eq!(results.len(), if cfg!(unix) { 5 } else { 3 });
}

#[test]
fn temporary_files_say_what_they_are_go_on_interrupt_and_when_a_day_old() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join(".nianbao-未完成-汇总.xlsx-abc123.tmp");
    let fresh = dir.path().join(".nianbao-未完成-汇总.xlsx-def456.tmp");
    std::fs::write(&old, b"x").unwrap();
    std::fs::write(&fresh, b"x").unwrap();
    set_modified(
        &old,
        std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400),
    );
    let out = dir.path().join("汇总.xlsx");
    let mut seen = Vec::new();
    let result = nianbao::write::save_with(&out, &[], |_| {
        for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
            seen.push(e.file_name().to_string_lossy().into_owned());
        }
        // What the Ctrl+C handler of the command line does.
        nianbao::write::remove_pending();
        Ok(())
    });
    // The day-old file was removed before the save began, the fresh one kept; the save's own
    // temporary file is named after the output, and was removed by the interrupt.
    assert!(!seen.iter().any(|n| n.ends_with("abc123.tmp")), "{seen:?}");
    assert!(fresh.exists());
    assert!(
        seen.iter()
            .any(|n| n.starts_with(".nianbao-未完成-汇总.xlsx-") && !n.ends_with("def456.tmp")),
        "{seen:?}"
    );
    assert!(result.is_err() && !out.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn the_page_keeps_long_upload_names_whole() {
    let s = Running::start(nianbao::serve::Limits::default());
    let xlsx = std::fs::read(fixture("workbooks/xlsxwriter-styled-2022.xlsx")).unwrap();
    // 61 and 65 characters were cut into `….xls` or refused as 不是报表文件.
    for n in [61, 65, 66] {
        let name = format!("{}.xlsx", "某".repeat(n - 5));
        let a = s.post(&format!("/api/upload?name={}", encode(&name)), &xlsx);
        assert_eq!(a.status, 200, "{n}: {}", a.text());
        let kept = walkdir::WalkDir::new(&s.dir)
            .into_iter()
            .flatten()
            .any(|e| e.file_name().to_string_lossy() == name);
        assert!(kept, "{name}");
    }
    // Beyond what a file system takes, the stem is cut and the extension kept.
    let name = format!("{}.xlsx", "某".repeat(100));
    let a = s.post(&format!("/api/upload?name={}", encode(&name)), &xlsx);
    assert_eq!(a.status, 200, "{}", a.text());
}
