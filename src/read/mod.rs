//! Readers: every input kind becomes one [`Document`] of [`Grid`]s, and one matcher makes a report.
//!
//! The flow is `bytes → detect → reader → Document → extract → Report`. [`detect`] decides the
//! kind of input from its content, never from its file name; each reader module turns its kind into
//! grids of cells (text, position, merged span, source address) plus the text around the tables;
//! [`extract`] finds the tables, rows and columns by their labels in those grids, the same way for
//! every kind. Adding an input kind is one new reader module and one line in [`InputKind::read`].

pub(crate) mod docx;
pub mod extract;
pub(crate) mod formula;
pub mod grid;
pub(crate) mod guard;
pub mod html;
pub mod identity;
pub(crate) mod official;
pub(crate) mod pdf;
pub mod sections;
pub mod text;
pub mod value;
pub(crate) mod workbook;
pub(crate) mod xlsx;

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::model::{Found, Location, Report};

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
    /// Web-page text (`.txt`): copied from a browser, tab- or `|`-separated rows, or one cell a line.
    Text,
    /// A saved web page or a fragment of one (`.html`, `.htm`), in UTF-8 or GBK.
    Html,
    /// Word document (`.docx`).
    Docx,
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
            InputKind::Text => "text",
            InputKind::Html => "html",
            InputKind::Docx => "docx",
            InputKind::Pdf => "pdf",
        }
    }

    /// Whether the kind is a workbook (sheets, read through calamine).
    fn is_workbook(self) -> bool {
        matches!(self, InputKind::Xlsx | InputKind::Xls | InputKind::Ods)
    }

    /// Runs the reader for this kind.
    fn read(self, bytes: &[u8], limits: &Limits) -> Result<Document, ErrorKind> {
        match self {
            InputKind::Xlsx | InputKind::Xls | InputKind::Ods => workbook::read(bytes, self, limits),
            InputKind::Text => guard::text(bytes, limits).and_then(|()| text::read(bytes)),
            InputKind::Html => guard::html(bytes, limits).and_then(|()| html::read(bytes)),
            InputKind::Docx => guard::docx(bytes, limits).and_then(|()| docx::read(bytes)),
            InputKind::Pdf => pdf::read(bytes, limits),
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
    /// The document's own title, where its kind has one apart from the text (a saved page's
    /// `<title>`).
    pub title: Option<String>,
    /// Defined names of the workbook (`NB.t3.new.natural` → cell), as our own templates carry.
    pub names: Vec<(String, Location)>,
    /// Whether the input is a whole published report (web-page text, HTML, Word, PDF), which always has
    /// all three tables: a table not found there means the copy is incomplete, an error. A workbook
    /// return may hold only some of the tables (reported by `check` as `TABLE_MISSING`).
    pub published: bool,
}

/// The text outside a document's tables, gathered paragraph by paragraph while a reader walks the
/// document in order (web pages, Word). Text inside a table cell goes to that cell instead, and a
/// paragraph's end there is a line break within the cell.
#[derive(Debug, Default)]
pub struct Prose {
    paragraphs: Vec<String>,
    open: String,
}

impl Prose {
    /// Adds text to the open table cell if there is one, else to the paragraph being read.
    pub fn push(&mut self, cell: Option<&mut String>, text: &str) {
        match cell {
            Some(cell) => cell.push_str(text),
            None => self.open.push_str(text),
        }
    }

    /// Ends a paragraph: a new line in the open cell, else the paragraph read so far (tidied, and
    /// only if it has any text).
    pub fn end(&mut self, cell: Option<&mut String>) {
        if let Some(cell) = cell {
            cell.push('\n');
            return;
        }
        let p = grid::tidy(&self.open);
        self.open.clear();
        if !p.is_empty() {
            self.paragraphs.push(p);
        }
    }

    /// The paragraphs ended so far.
    pub fn ended(&self) -> &[String] {
        &self.paragraphs
    }

    /// The paragraphs, the last one ended.
    pub fn finish(mut self) -> Vec<String> {
        self.end(None);
        self.paragraphs
    }
}

/// Decides what an input is from its first bytes and, for zip files, the names inside: a workbook,
/// a Word document, a web page (markup in its first kilobytes), or else text in UTF-8 or GB18030.
///
/// ```
/// use nianbao::read::{detect, InputKind};
/// use nianbao::read::Limits;
/// let limits = Limits::default();
/// assert_eq!(detect(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", &limits).unwrap(), InputKind::Xls);
/// assert_eq!(detect("<p>某某局2024年政府信息公开工作年度报告</p>".as_bytes(), &limits).unwrap(), InputKind::Html);
/// assert_eq!(detect("一、总体情况\n\t规章\n".as_bytes(), &limits).unwrap(), InputKind::Text);
/// assert!(detect(b"", &limits).is_err());
/// assert!(detect(b"\x00\x01\x02\xFF\xFE\x00", &limits).is_err());
/// assert_eq!(detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3", &limits).unwrap(), InputKind::Pdf);
/// assert!(detect(b"{\\rtf1\\ansi", &limits).unwrap_err().to_string().starts_with("这是 RTF 文档"));
/// ```
pub fn detect(bytes: &[u8], limits: &Limits) -> Result<InputKind, ErrorKind> {
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if bytes.is_empty() {
        return Err(ErrorKind::Empty);
    }
    if bytes.starts_with(OLE) {
        return Ok(InputKind::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return detect_zip(bytes, limits);
    }
    if bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Ok(InputKind::Pdf);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(ErrorKind::Unsupported(
            "这是 RTF 文档，本工具不读取这种格式。请用 Word 或 WPS 打开后另存为 docx 或 PDF 再试".into(),
        ));
    }
    if html::looks_like_html(bytes) {
        return Ok(InputKind::Html);
    }
    // A picture or an archive says so, in the words a folder's walk uses for one by its name.
    if let Some(why) = passed_over_content(bytes) {
        return Err(ErrorKind::Unsupported(why.into()));
    }
    if text::decode(bytes).is_some() {
        return Ok(InputKind::Text);
    }
    Err(ErrorKind::Unrecognized("未知的二进制内容".into()))
}

/// A zip container: which office format is it?
fn detect_zip(bytes: &[u8], limits: &Limits) -> Result<InputKind, ErrorKind> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| ErrorKind::Corrupt {
        kind: "zip（xlsx/ods/docx）",
        detail: e.to_string(),
    })?;
    // A zip bomb: tiny on disk, huge unpacked. The sizes the archive declares bound what the
    // readers will inflate (the zip crate stops each entry at its declared size).
    let mut unpacked: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_raw(i) {
            unpacked = unpacked.saturating_add(entry.size());
        }
    }
    if unpacked > limits.max_unpacked_bytes {
        return Err(ErrorKind::TooLarge {
            what: "压缩包解压后的大小",
            actual: crate::size::mib_text(unpacked),
            limit: crate::size::mib_text(limits.max_unpacked_bytes),
            option: "--max-unpacked-mb",
        });
    }
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        Ok(InputKind::Xlsx)
    } else if has("xl/workbook.bin") {
        Err(ErrorKind::Unsupported(
            "这是 Excel 二进制工作簿（.xlsb），本工具不读取这种格式。请用 Excel 或 WPS 打开后另存为 xlsx 再试".into(),
        ))
    } else if has("content.xml")
        && bytes
            .windows(46)
            .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet")
    {
        Ok(InputKind::Ods)
    } else if has("word/document.xml") {
        Ok(InputKind::Docx)
    } else if has("content.xml") {
        Err(ErrorKind::Unsupported(
            "这是 OpenDocument 文本或演示文稿（.odt/.odp），本工具不读取这种格式。请另存为 Word（docx）或 PDF 再试"
                .into(),
        ))
    } else {
        Err(ErrorKind::Unsupported(ARCHIVE.into()))
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
    /// Size limits that keep a hostile or broken file from exhausting memory.
    pub limits: Limits,
}

/// Size limits for one input. An input beyond them is refused with [`ErrorKind::TooLarge`]
/// naming the option that raises the limit. Real returns are far below every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file, in bytes (default 100 MiB).
    pub max_file_bytes: u64,
    /// Largest total unpacked size of a zip-based input (xlsx, ods, docx), in bytes (default 500 MiB).
    pub max_unpacked_bytes: u64,
    /// Most non-empty cells in one sheet (default 200,000; a full return has about 300). It also
    /// bounds the tags of a web page, the lines of web-page text and the cells and paragraphs of a
    /// Word document, and sets the memory an xls or ods workbook may take while calamine reads it
    /// whole ([`Limits::memory_budget`]).
    pub max_cells: usize,
    /// Most pages of one PDF (default 1,000; a report has fewer than 20). Checked before any page is
    /// read.
    pub max_pages: usize,
    /// Most glyphs drawn on one PDF page (default 100,000; a dense page has a few thousand).
    pub max_page_glyphs: usize,
    /// Most glyphs drawn in one PDF, all pages together (default 1,000,000; a report has fewer than
    /// 50,000).
    pub max_glyphs: usize,
    /// Most cells on one line of web-page text (default 1,000; a table row has about ten).
    pub max_line_cells: usize,
    /// Most cells in one web-page text file, all lines together (default 1,000,000; a report has
    /// about 300).
    pub max_text_cells: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: crate::size::mib(100),
            max_unpacked_bytes: crate::size::mib(500),
            max_cells: 200_000,
            max_pages: 1_000,
            max_page_glyphs: 100_000,
            max_glyphs: 1_000_000,
            max_line_cells: 1_000,
            max_text_cells: 1_000_000,
        }
    }
}

impl Limits {
    /// Refuses a sheet once it has more than `max_cells` non-empty cells.
    pub fn check_cells(&self, cells: usize, sheet: &str) -> Result<(), ErrorKind> {
        if cells > self.max_cells {
            return Err(ErrorKind::TooLarge {
                what: "工作表的非空单元格数",
                actual: format!("工作表“{sheet}”超过 {} 个", self.max_cells),
                limit: self.max_cells.to_string(),
                option: "--max-cells",
            });
        }
        Ok(())
    }

    /// The memory an xls or ods workbook may take while calamine reads it (every sheet as a dense
    /// rectangle) and an xlsx its shared strings: 1 KB for each cell `max_cells` allows, 200 MB by
    /// default. A real return takes well under 1 MiB; see [`guard`].
    pub fn memory_budget(&self) -> u64 {
        (self.max_cells as u64).saturating_mul(1000)
    }

    fn check_file(&self, bytes: u64) -> Result<(), ErrorKind> {
        if bytes > self.max_file_bytes {
            return Err(ErrorKind::TooLarge {
                what: "文件大小",
                actual: crate::size::mib_text(bytes),
                limit: crate::size::mib_text(self.max_file_bytes),
                option: "--max-file-mb",
            });
        }
        Ok(())
    }
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
    let bytes = read_input(path, options.limits.max_file_bytes).map_err(|k| Error::new(path, k))?;
    read_bytes(&bytes, path, options)
}

/// The bytes of an input file, never more than `limit` plus one byte whatever it is: a regular file
/// only (a named pipe, a device, a socket or a folder is refused with the reason before it is
/// opened: `/dev/zero` was read for ever, a pipe waited for ever), its size checked before and while
/// it is read (a file growing while read is cut at `limit + 1` bytes and refused).
///
/// ```
/// use nianbao::read::read_input;
/// # #[cfg(unix)]
/// assert_eq!(read_input(std::path::Path::new("/dev/zero"), 100).unwrap_err().to_string(),
///            "不是普通文件（字符设备），不读取");
/// ```
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, ErrorKind> {
    use std::io::Read;
    let io = |e: std::io::Error| {
        // A link (shortcut) whose file was moved or deleted: "文件不存在" would contradict the
        // name the user sees in the folder.
        if e.kind() == std::io::ErrorKind::NotFound && path.is_symlink() {
            ErrorKind::Io("这是一个链接（快捷方式），它指向的文件不存在或已被移走".to_string())
        } else {
            ErrorKind::Io(io_message(&e))
        }
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if let Some(what) = not_regular(&meta.file_type()) {
        return Err(ErrorKind::NotRegular(what));
    }
    let too_large = |actual: String| ErrorKind::TooLarge {
        what: "文件大小",
        actual,
        limit: crate::size::mib_text(limit),
        option: "--max-file-mb",
    };
    if meta.len() > limit {
        return Err(too_large(crate::size::mib_text(meta.len())));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The file opened may not be the one measured (replaced in between): measured again.
    if let Some(what) = file.metadata().ok().and_then(|m| not_regular(&m.file_type())) {
        return Err(ErrorKind::NotRegular(what));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize + 1);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(format!("超过 {}", crate::size::mib_text(limit))));
    }
    Ok(bytes)
}

/// What a file that is not a regular file is (`命名管道（FIFO）`), or `None` for a regular file.
pub fn not_regular(t: &std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("文件夹");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("命名管道（FIFO）");
        }
        if t.is_char_device() {
            return Some("字符设备");
        }
        if t.is_block_device() {
            return Some("块设备");
        }
        if t.is_socket() {
            return Some("套接字");
        }
    }
    Some("特殊文件")
}

/// Reads an input already in memory; `path` names it in messages and may carry agency and year.
///
/// Whatever the bytes, the result is a report or an [`Error`] naming `path`: a fault in nianbao
/// itself while reading them is caught here and becomes [`ErrorKind::Internal`], so one bad file
/// never ends a batch.
///
/// ```
/// use nianbao::read::{read_bytes, Options};
/// let e = read_bytes(b"PK\x03\x04 not really a zip", "报表.xlsx", &Options::default()).unwrap_err();
/// assert!(e.to_string().starts_with("“报表.xlsx”："));
/// ```
pub fn read_bytes(bytes: &[u8], path: impl AsRef<Path>, options: &Options) -> Result<Report> {
    let path = path.as_ref();
    let fail = |kind| Error::new(path, kind);
    options.limits.check_file(bytes.len() as u64).map_err(fail)?;
    let (kind, mut report) = guard::catch(|| read_kind(bytes, path, options), ErrorKind::Internal).map_err(fail)?;
    report.source.file = path.display().to_string();
    report.source.kind = kind.code().to_string();
    Ok(report)
}

/// The first half of reading: what the input is and the cell grids and text its reader makes of
/// it, before any label is matched (for tools and benchmarks that look at one step alone).
///
/// ```
/// use nianbao::read::{read_document, InputKind, Limits};
/// let (kind, doc) = read_document("<table><tr><td>规章</td><td>3</td></tr></table>".as_bytes(), &Limits::default()).unwrap();
/// assert_eq!(kind, InputKind::Html);
/// assert_eq!(doc.grids[0].cells()[1].text, "3");
/// ```
pub fn read_document(bytes: &[u8], limits: &Limits) -> Result<(InputKind, Document), ErrorKind> {
    guard::catch(
        || {
            let kind = detect(bytes, limits)?;
            Ok((kind, kind.read(bytes, limits)?))
        },
        ErrorKind::Internal,
    )
}

/// The kind of input and the report read from it.
fn read_kind(bytes: &[u8], path: &Path, options: &Options) -> Result<(InputKind, Report), ErrorKind> {
    let kind = detect(bytes, &options.limits)?;
    let document = kind.read(bytes, &options.limits)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match extract::extract(&document, &name, options) {
        // Hidden sheets are left out (an old year's copy, a draft); but when the visible ones hold
        // no report at all and hidden ones do, the hidden ones are the report.
        Err(ErrorKind::NoTables) if kind.is_workbook() => {
            let all = workbook::read_all_sheets(bytes, kind, &options.limits)?;
            let mut report = extract::extract(&all, &name, options)?;
            report.source.hidden_sheets = all
                .grids
                .iter()
                .filter(|g| !document.grids.iter().any(|v| v.name == g.name))
                .map(|g| g.name.clone())
                .collect();
            Ok((kind, report))
        }
        // A PDF whose text is a report but whose tables were not found: they are drawn without
        // vertical rules (a 三线表), which the PDF reader cannot take apart into columns.
        Err(ErrorKind::NoTables) if kind == InputKind::Pdf && is_report_text(&document.paragraphs) => {
            Err(ErrorKind::Unsupported(
                "PDF 中有年报的正文，但找不到画有表格线的表格：表格可能只有横线、没有竖线（三线表），\
                 本工具无法从中分出各列。请向发布单位索取 Word、Excel 或网页版本"
                    .into(),
            ))
        }
        other => {
            let mut report = other?;
            if kind.is_workbook() {
                unseen_identity(&mut report, bytes, kind, &document, options);
            }
            Ok((kind, report))
        }
    }
}

/// A workbook naming its agency or year nowhere a reader sees may name them on a hidden cover
/// sheet (the 封面 hidden once filled in), or in the title set in a sheet's page header (页眉): those
/// are read then, before the file name.
fn unseen_identity(report: &mut Report, bytes: &[u8], kind: InputKind, visible: &Document, options: &Options) {
    let no_agency = report.source.agency_from == Found::FileName && options.agency.is_none();
    let no_year = report.year.is_none() && options.year.is_none();
    if !no_agency && !no_year {
        return;
    }
    let cover = workbook::read_all_sheets(bytes, kind, &options.limits)
        .map(|all| identity::hidden_cover(&all, visible))
        .unwrap_or_default();
    let header = identity::header_title(&workbook::page_headers(bytes, kind));
    let agency = cover
        .0
        .map(|a| (a, Found::Cover))
        .or(header.0.map(|a| (a, Found::Title)));
    let year = cover
        .1
        .map(|y| (y, Found::Cover))
        .or(header.1.map(|y| (y, Found::Title)));
    if let (true, Some((agency, from))) = (no_agency, agency) {
        report.agency = agency;
        report.source.agency_from = from;
    }
    if let (true, Some((year, from))) = (no_year, year) {
        report.year = Some(year);
        report.source.year_from = from;
    }
}

/// Whether paragraphs read as a report's text: the headings of the sections the tables belong to.
fn is_report_text(paragraphs: &[String]) -> bool {
    const HEADINGS: &[&str] = &["主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议"];
    HEADINGS
        .iter()
        .filter(|h| paragraphs.iter().any(|p| p.contains(*h)))
        .count()
        >= 2
}

/// An I/O error in Chinese.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if crate::platform::in_use(e) {
        return crate::platform::IN_USE.into();
    }
    match e.kind() {
        K::NotFound => "文件不存在".into(),
        K::PermissionDenied => "没有读取权限".into(),
        K::IsADirectory => "这是一个文件夹，不是文件".into(),
        K::InvalidFilename => "文件名过长或含有系统不允许的字符".into(),
        _ => format!("系统错误（{e}）"),
    }
}

/// Why a picture is not read: the one sentence for a picture passed over in a folder (by its name),
/// named on the command line or dropped on the page (by its content).
pub const PICTURE: &str = "图片：无法从中读取数字，请向报送单位索取表格文件";

/// Why an archive is not read (by its name in a folder, by its content when named).
pub const ARCHIVE: &str = "压缩包：请先解压，把其中的报表放进文件夹";

/// [`PICTURE`] or [`ARCHIVE`] when the first bytes are a picture's (JPEG, PNG, GIF, BMP, TIFF,
/// WebP) or an archive's (RAR, 7z; a zip is looked into by [`detect`]).
///
/// ```
/// use nianbao::read::{detect, Limits, PICTURE};
/// let e = detect(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", &Limits::default()).unwrap_err();
/// assert_eq!(e.to_string(), PICTURE);
/// ```
fn passed_over_content(bytes: &[u8]) -> Option<&'static str> {
    const PICTURES: &[&[u8]] = &[
        b"\xFF\xD8\xFF",
        b"\x89PNG\r\n\x1A\n",
        b"GIF87a",
        b"GIF89a",
        b"II*\0",
        b"MM\0*",
    ];
    const ARCHIVES: &[&[u8]] = &[b"Rar!\x1A\x07", b"7z\xBC\xAF\x27\x1C"];
    let webp = bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP";
    let bmp = bytes.len() >= 14 && bytes.starts_with(b"BM") && bytes[6..10] == [0, 0, 0, 0];
    if webp || bmp || PICTURES.iter().any(|m| bytes.starts_with(m)) {
        Some(PICTURE)
    } else if ARCHIVES.iter().any(|m| bytes.starts_with(m)) {
        Some(ARCHIVE)
    } else {
        None
    }
}

/// Kinds taken from a folder but not read, with what to save them as: listed as unreadable with
/// that advice rather than passed over (see [`EXTENSIONS`]).
pub const NOT_READ: &[(&str, &str)] = &[
    ("doc", "docx"),
    ("wps", "docx"),
    ("odt", "docx"),
    ("rtf", "docx"),
    ("xlsb", "xlsx"),
];

/// What a folder's walk looks for, for a message: the kinds read, then those recognised and not
/// read with what to save them as.
///
/// ```
/// let text = nianbao::read::kinds_text();
/// assert!(text.starts_with("读取的文件类型：xlsx、"));
/// assert!(text.contains("认得但不读取：doc、wps、odt、rtf（请另存为 docx）"));
/// ```
pub fn kinds_text() -> String {
    let read: Vec<&str> = EXTENSIONS
        .iter()
        .copied()
        .filter(|e| !NOT_READ.iter().any(|(n, _)| n == e))
        .collect();
    let mut targets: Vec<&str> = NOT_READ.iter().map(|(_, t)| *t).collect();
    targets.dedup();
    let not_read: Vec<String> = targets
        .iter()
        .map(|t| {
            let from: Vec<&str> = NOT_READ.iter().filter(|(_, to)| to == t).map(|(n, _)| *n).collect();
            format!("{}（请另存为 {t}）", from.join("、"))
        })
        .collect();
    format!(
        "读取的文件类型：{}；认得但不读取：{}",
        read.join("、"),
        not_read.join("，")
    )
}

/// File name endings taken when walking a folder (a file named on the command line is always read).
///
/// Old Word (`doc`, `wps`), OpenDocument text (`odt`) and Excel binary (`xlsb`) files are taken too,
/// though not read: an agency's return sent in one of them is then listed as unreadable with what to
/// save it as, instead of being passed over unseen.
pub const EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xltx", "xltm", "xls", "xlt", "et", "ett", "ods", "htm", "html", "txt", "docx", "pdf", "doc",
    "wps", "odt", "rtf", "xlsb",
];

/// The input files named by `paths`: files as given, folders walked recursively for files with one
/// of [`EXTENSIONS`], skipping Office lock files (`~$…`) and hidden files. Sorted, deduplicated.
///
/// Symbolic links (and Windows junctions) are followed, to files and to folders, and named by the
/// link's own path: a folder of links to the returns (as a clerk makes to gather them without
/// copying) is read like a folder of the files themselves, where links used to be passed over in
/// silence. A link back to a folder that is being walked is not entered again: every file in it is
/// read through that folder already, and following it would never end. A link whose target is gone
/// is kept as an input, so that the merge or check lists it as unreadable with the reason instead of
/// leaving it out unseen.
///
/// A path that does not exist is an error naming it.
pub fn collect(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>> {
    collect_noting(paths).map(|(inputs, _)| inputs)
}

/// A file found in a folder and not taken, with the reason.
pub type PassedOver = (std::path::PathBuf, String);

/// [`collect`], and the files it passed over in the folders with the reason (not the lock files
/// and hidden files, which are noise), for the user to see what was not taken: a return zipped
/// up, or saved in a kind nianbao does not know.
pub fn collect_noting(paths: &[std::path::PathBuf]) -> Result<(Vec<std::path::PathBuf>, Vec<PassedOver>)> {
    let mut out = Vec::new();
    let mut passed = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walker = walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
            for entry in walker {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) if e.loop_ancestor().is_some() => continue,
                    Err(e) => match e.path() {
                        // A link whose target is gone: an input that will be listed as unreadable
                        // if its name is a report's, else passed over; never the end of the walk.
                        Some(at) if at.is_symlink() => {
                            match why_skipped(at.strip_prefix(p).unwrap_or(at)) {
                                None => out.push(at.to_path_buf()),
                                Some(why) => passed.push((at.to_path_buf(), why)),
                            }
                            continue;
                        }
                        _ => {
                            let at = e.path().unwrap_or(p);
                            let why = e.io_error().map_or_else(|| e.to_string(), io_message);
                            return Err(Error::new(at, ErrorKind::Io(format!("{why}，无法列出其中的文件"))));
                        }
                    },
                };
                let inside = entry.path().strip_prefix(p).unwrap_or(entry.path());
                if entry.file_type().is_file() {
                    match why_skipped(inside) {
                        None => out.push(entry.path().to_path_buf()),
                        Some(why) => passed.push((entry.path().to_path_buf(), why)),
                    }
                } else if entry.file_type().is_dir() {
                    // A folder named like a report (`区财政局.xlsx`): said, so that a return
                    // expected under that name is not looked for in vain; its files are walked.
                    if entry.depth() > 0 && why_skipped(inside).is_none() {
                        passed.push((
                            entry.path().to_path_buf(),
                            "这是一个文件夹，不是文件（其中的文件照常查找）".into(),
                        ));
                    }
                } else if let Some(what) = not_regular(&entry.file_type()) {
                    // A named pipe, a device or a socket (or a link to one) is never read: a pipe
                    // would be waited on for ever, a device read without end.
                    passed.push((entry.path().to_path_buf(), format!("不是普通文件（{what}），不读取")));
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
    Ok((out, passed))
}

/// Why [`collect`] passes over a file found in a folder, named by its path inside that folder:
/// an Office lock file, a hidden file or folder, or a name not ending in one of [`EXTENSIONS`].
/// `None`: it is an input.
///
/// ```
/// use std::path::Path;
/// use nianbao::read::why_skipped;
/// assert_eq!(why_skipped(Path::new("街道/东湖街道办事处.XLSX")), None);
/// assert!(why_skipped(Path::new("~$区财政局.xlsx")).is_some());
/// assert!(why_skipped(Path::new(".git/x.xlsx")).is_some());
/// assert!(why_skipped(Path::new("名单.csv")).is_some());
/// ```
pub fn why_skipped(path: &Path) -> Option<String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("~$")) {
        Some("Excel 或 WPS 打开文件时留下的临时文件，不是报表".into())
    } else if path.iter().any(hidden) {
        Some("隐藏文件，不是报表".into())
    } else if matches!(ext.as_str(), "zip" | "rar" | "7z") {
        Some(ARCHIVE.into())
    } else if matches!(
        ext.as_str(),
        "jpg" | "jpeg" | "png" | "bmp" | "tif" | "tiff" | "gif" | "webp" | "heic"
    ) {
        Some(PICTURE.into())
    } else if !EXTENSIONS.contains(&ext.as_str()) {
        Some("不是报表文件".into())
    } else {
        None
    }
}

/// Hidden files, and the lock files Excel and WPS leave beside an open workbook.
fn hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with("~$")
}
