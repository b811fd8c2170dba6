//! Readers: every input kind becomes one [`Document`] of [`Grid`]s, and one matcher makes a report.
//!
//! The flow is `bytes → detect → reader → Document → extract → Report`. [`detect`] decides the
//! kind of input from its content, never from its file name; each reader module turns its kind into
//! grids of cells (text, position, merged span, source address) plus the text around the tables;
//! [`extract`] finds the tables, rows and columns by their labels in those grids, the same way for
//! every kind. Adding an input kind is one new reader module and one line in [`InputKind::read`].

pub mod extract;
pub mod grid;
pub mod label;
pub mod pdf;
pub mod value;
pub mod workbook;

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::model::{Location, Report};

pub use grid::{Grid, GridCell};

/// The kinds of input nianbao reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel 97–2003 / WPS workbook (`.xls`, BIFF8).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
    /// PDF document (`.pdf`) with a text layer.
    Pdf,
}

impl InputKind {
    /// The short name used in `source.kind`.
    pub fn code(self) -> &'static str {
        match self {
            InputKind::Xlsx => "xlsx",
            InputKind::Xls => "xls",
            InputKind::Ods => "ods",
            InputKind::Pdf => "pdf",
        }
    }

    /// Runs the reader for this kind.
    fn read(self, bytes: &[u8]) -> Result<Document, ErrorKind> {
        match self {
            InputKind::Xlsx | InputKind::Xls | InputKind::Ods => workbook::read(bytes, self),
            InputKind::Pdf => pdf::read(bytes),
        }
    }
}

/// What a reader hands to the matcher: grids, the text around them, and exact cell names.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// One grid per sheet (workbooks), table (web pages, Word) or table region (PDF).
    pub grids: Vec<Grid>,
    /// The text outside the tables, paragraph by paragraph, in reading order (published reports):
    /// the title, the six sections. Empty for workbooks.
    pub paragraphs: Vec<String>,
    /// Defined names of the workbook (`NB.t3.new.natural` → cell), as our own templates carry.
    pub names: Vec<(String, Location)>,
}

/// Decides what an input is from its first bytes and, for zip files, the names inside.
///
/// ```
/// use nianbao::read::{detect, InputKind};
/// assert_eq!(detect(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap(), InputKind::Xls);
/// assert_eq!(detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3").unwrap(), InputKind::Pdf);
/// assert!(detect(b"").is_err());
/// ```
pub fn detect(bytes: &[u8]) -> Result<InputKind, ErrorKind> {
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if bytes.is_empty() {
        return Err(ErrorKind::Empty);
    }
    if bytes.starts_with(OLE) {
        return Ok(InputKind::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return detect_zip(bytes);
    }
    if bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Ok(InputKind::Pdf);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    let what = if head.contains("<html") || head.contains("<table") || head.contains("<!doctype") {
        "网页（HTML）"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok() {
        "纯文本"
    } else {
        "未知的二进制内容"
    };
    Err(ErrorKind::Unrecognized(what.to_string()))
}

/// A zip container: which office format is it?
fn detect_zip(bytes: &[u8]) -> Result<InputKind, ErrorKind> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| ErrorKind::Corrupt {
        kind: "zip（xlsx/ods/docx）",
        detail: e.to_string(),
    })?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.xml") || has("xl/workbook.bin") {
        Ok(InputKind::Xlsx)
    } else if has("content.xml")
        && bytes
            .windows(46)
            .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet")
    {
        Ok(InputKind::Ods)
    } else if has("word/document.xml") {
        Err(ErrorKind::Unrecognized("Word 文档".into()))
    } else {
        Err(ErrorKind::Unrecognized("不含工作簿的 zip 压缩包".into()))
    }
}

/// What the caller knows better than the file: overrides for agency, year and layout.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The agency, instead of what the file says.
    pub agency: Option<String>,
    /// The report year, instead of what the file says.
    pub year: Option<i32>,
    /// The layout, instead of deciding it from the labels found.
    pub format: Option<Format>,
}

/// Reads one input file into a report.
///
/// ```
/// use nianbao::read::{read_path, Options};
/// let err = read_path("no/such/file.xlsx", &Options::default()).unwrap_err();
/// assert!(err.to_string().contains("no/such/file.xlsx"));
/// ```
pub fn read_path(path: impl AsRef<Path>, options: &Options) -> Result<Report> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::new(path, ErrorKind::Io(io_message(&e))))?;
    read_bytes(&bytes, path, options)
}

/// Reads an input already in memory; `path` names it in messages and may carry agency and year.
pub fn read_bytes(bytes: &[u8], path: impl AsRef<Path>, options: &Options) -> Result<Report> {
    let path = path.as_ref();
    let fail = |kind| Error::new(path, kind);
    let kind = detect(bytes).map_err(fail)?;
    let document = kind.read(bytes).map_err(fail)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut report = extract::extract(&document, &name, options).map_err(fail)?;
    report.source.file = path.display().to_string();
    report.source.kind = kind.code().to_string();
    Ok(report)
}

/// An I/O error in Chinese.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件不存在".into(),
        K::PermissionDenied => "没有读取权限".into(),
        _ => format!("系统错误（{e}）"),
    }
}

/// File name endings taken when walking a folder (a file named on the command line is always read).
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods", "et", "htm", "html", "txt", "docx", "pdf"];

/// The input files named by `paths`: files as given, folders walked recursively for files with one
/// of [`EXTENSIONS`], skipping Office lock files (`~$…`) and hidden files. Sorted, deduplicated.
///
/// A path that does not exist is an error naming it.
pub fn collect(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walker = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
            for entry in walker {
                let entry = entry.map_err(|e| Error::new(p, ErrorKind::Io(e.to_string())))?;
                let path = entry.path();
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                if entry.file_type().is_file() && EXTENSIONS.contains(&ext.as_str()) {
                    out.push(path.to_path_buf());
                }
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Error::new(p, ErrorKind::Io("文件或文件夹不存在".into())));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Hidden files, and the lock files Excel and WPS leave beside an open workbook.
fn hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with("~$")
}
