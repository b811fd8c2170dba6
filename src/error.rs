//! Errors, each naming the file (and the sheet and cell where there is one), in Chinese.
//!
//! Every failure a user can meet is one [`Error`]: the file it concerns plus an [`ErrorKind`] that
//! says what went wrong and what to do. The Chinese sentence is built here, in one place, from those
//! parts; callers never format their own.

use std::fmt;
use std::path::Path;

/// A failure concerning one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The file as the user named it.
    pub file: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong, with the details a message needs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// The file could not be opened or read.
    #[error("无法读取文件：{0}")]
    Io(String),
    /// The file is empty.
    #[error("文件是空的（0 字节），请重新导出或向报送单位重新索取")]
    Empty,
    /// The content is none of the kinds nianbao reads.
    #[error("无法识别的文件内容（{0}）。支持的格式：Excel（xlsx、xlsm、xls）、WPS 表格、ODS、网页（HTML 或网页文本）、Word（docx）、PDF")]
    Unrecognized(String),
    /// The content looks like a known kind but is damaged.
    #[error("文件已损坏，无法作为 {kind} 读取：{}。{}", explain(.detail), advice(.kind))]
    Corrupt {
        /// The kind it looked like.
        kind: &'static str,
        /// What the parser said.
        detail: String,
    },
    /// One worksheet of a workbook cannot be parsed. The others are not read either: a report
    /// read without one of its sheets would be silently incomplete.
    #[error("工作表“{sheet}”已损坏，无法读取：{}。{}", explain(.detail), advice("xlsx"))]
    SheetCorrupt {
        /// The sheet's name.
        sheet: String,
        /// What the parser said.
        detail: String,
    },
    /// A PDF that cannot be parsed: damaged, truncated, or not really a PDF.
    #[error("PDF 文件已损坏，无法读取（{0}）。请重新下载，或向发布单位索取完好的文件")]
    PdfDamaged(String),
    /// A file that needs a password to open (PDF, or a workbook saved with an open password).
    #[error("{0} 文件已加密（设置了打开密码），无法读取。请提供未加密的版本：用原软件打开后去掉密码另存")]
    Encrypted(&'static str),
    /// A PDF whose pages hold images but no text.
    #[error("这是扫描件（只有图像、没有文字层），无法读取其中的数字；请向发布单位索取 Word/Excel 或可复制文字的 PDF")]
    Scanned,
    /// A PDF with pages but neither text nor images (blank pages, or text turned into outlines).
    #[error("PDF 中没有可读取的文字（空白页，或文字已转为图形），无法读取其中的数字；请向发布单位索取 Word/Excel 或可复制文字的 PDF")]
    NoText,
    /// A PDF without a single page.
    #[error("PDF 中一页也没有，请重新导出或向发布单位重新索取")]
    NoPages,
    /// A kind of file recognised but not read (xlsb, old Word .doc, odt): the message says which
    /// and what to save it as.
    #[error("{0}")]
    Unsupported(String),
    /// No table of the report could be found at all.
    #[error("找不到年报的表格（表二 主动公开、表三 依申请公开、表四 行政复议行政诉讼）。请确认文件是政府信息公开工作年度报告")]
    NoTables,
    /// A whole published report lacks one of its tables: the copy is incomplete.
    #[error("{table}缺失：{why}。已发布的年度报告应有全部三张表格，文件可能不完整（例如复制网页时少复制了一部分），请取得完整的报告后再试")]
    TableMissing {
        /// `表三（收到和处理政府信息公开申请情况）`.
        table: String,
        /// What was looked for and not found.
        why: String,
    },
    /// A table or label appears twice, so nianbao will not guess which is meant.
    #[error("{what}出现了两次（{first}；{second}），无法确定以哪一处为准。请删除多余的一处后再试")]
    Duplicate {
        /// What appears twice, e.g. `表三“自然人”列`.
        what: String,
        /// Where it first appears.
        first: String,
        /// Where it appears again.
        second: String,
    },
    /// A row's values cannot be placed under the table's columns.
    #[error("{table}“{row}”一行有 {found} 个数值单元格，应为 {expected} 个，且无法按表头对齐（{at}）。请检查该行是否多出或缺少单元格")]
    Unplaced {
        /// `表三` …
        table: &'static str,
        /// The row's label.
        row: String,
        /// Cells found.
        found: usize,
        /// Cells expected.
        expected: usize,
        /// Where the row is.
        at: String,
    },
    /// An input is not a regular file (a named pipe, a device, a socket, a folder): never read.
    #[error("不是普通文件（{0}），不读取")]
    NotRegular(&'static str),
    /// An input is larger than the configured limit.
    #[error("{what}超过上限（{actual}，上限 {limit}）。如确需处理，请用 {option} 调高上限")]
    TooLarge {
        /// What is too large.
        what: &'static str,
        /// The measured size.
        actual: String,
        /// The limit in force.
        limit: String,
        /// The option that raises it.
        option: &'static str,
    },
    /// An output could not be written.
    #[error("无法写入：{0}")]
    Write(String),
    /// An output would replace one of the inputs.
    #[error("输出文件与输入文件相同，为避免覆盖原始文件已停止。请换一个输出文件名")]
    WouldOverwrite,
    /// Reports that cannot be added together.
    #[error("{0}")]
    Mismatch(String),
    /// The files and folders given hold no input at all: a merge of nothing would say 汇总 0 份 and
    /// look like success. Holds what was looked for ([`crate::read::kinds_text`]).
    #[error("没有找到报表文件（{0}；以 ~$ 开头的临时文件和隐藏文件不算）。请确认文件夹是否选对")]
    NoInputs(String),
    /// An output named with an extension that does not match what is written (`template -o
    /// 模板.docx` writes a workbook, which Windows would then open in Word).
    #[error("输出文件的扩展名不对：写出的是“{what}”，文件名应以 .{extension} 结尾，如“{suggested}”（扩展名不对时，双击会用错误的程序打开或打不开）")]
    WrongExtension {
        /// What is written (`Excel 工作簿`).
        what: &'static str,
        /// The extension to use, without the dot.
        extension: &'static str,
        /// The file name with that extension.
        suggested: String,
    },
    /// The port asked for with `--port` is taken by another program.
    #[error("端口 {0} 已被其他程序占用（可能是另一个还开着的 nianbao 窗口）。请换一个端口，如 nianbao serve --port 8081，或不加 --port，由系统自动选一个空闲端口")]
    PortInUse(u16),
    /// The page could not be started for another reason than a port taken.
    #[error("无法启动网页服务：{0}")]
    Serve(String),
    /// A fault in nianbao itself while handling this file (a panic caught at the file's boundary,
    /// so the other files of a batch are still read).
    #[error("处理该文件时程序内部出错（{0}），该文件未能读取，其余文件不受影响。请把该文件发给维护者")]
    Internal(String),
}

/// What parsers' messages mean, for a reader who is not a programmer: the first phrase a message
/// contains (in lower case) decides. The messages come from zip, calamine (xlsx, xls, ods), cfb and
/// quick-xml; ours are Chinese already and pass through.
const PARSER_MESSAGES: &[(&str, &str)] = &[
    ("file not found", "文件中缺少必需的组成部分"),
    ("unexpected end", "文件不完整，结尾缺失（可能下载或复制时中断）"),
    ("eocd", "文件不完整，结尾缺失（可能下载或复制时中断）"),
    (
        "central directory",
        "文件不完整，压缩包的目录缺失（可能下载或复制时中断）",
    ),
    ("checksum", "文件内容与其校验码不符，传输或存储中已损坏"),
    ("crc", "文件内容与其校验码不符，传输或存储中已损坏"),
    ("deflate", "压缩的数据已损坏"),
    ("malformed fat", "文件内部结构不完整（可能下载或复制时中断）"),
    ("end of stream", "文件内部结构不完整（可能下载或复制时中断）"),
    ("unexpected eof", "文件内部结构不完整（可能下载或复制时中断）"),
    ("password", "文件设置了密码"),
    ("xml", "文件内部的 XML 数据有误"),
    ("parse", "文件内部的数据格式有误"),
    ("invalid", "文件内部结构有误"),
];

/// A parser's message said in Chinese where [`PARSER_MESSAGES`] knows it, the original kept after
/// it for whoever fixes the file or nianbao.
///
/// ```
/// # use nianbao::error::ErrorKind;
/// let e = ErrorKind::Corrupt { kind: "xlsx", detail: "invalid Zip archive: Could not find EOCD".into() };
/// assert_eq!(
///     e.to_string(),
///     "文件已损坏，无法作为 xlsx 读取：文件不完整，结尾缺失（可能下载或复制时中断）\
///      （技术信息：invalid Zip archive: Could not find EOCD）。请用 Excel 或 WPS 打开后另存为 xlsx 再试，\
///      或向报送单位重新索取"
/// );
/// ```
fn explain(detail: &str) -> String {
    // What a message quotes (a sheet's or a part's name) is the file's, not the parser's words.
    let lower: String = detail
        .split(['\'', '"'])
        .step_by(2)
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    match PARSER_MESSAGES.iter().find(|(needle, _)| lower.contains(needle)) {
        Some((_, meaning)) => format!("{meaning}（技术信息：{}）", short(detail)),
        None => short(detail),
    }
}

/// What to do with a damaged file of a kind.
fn advice(kind: &str) -> &'static str {
    match kind {
        "docx" => "请用 Word 或 WPS 打开后另存为 docx 再试，或向报送单位重新索取",
        "csv" => "请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再试",
        _ => "请用 Excel 或 WPS 打开后另存为 xlsx 再试，或向报送单位重新索取",
    }
}

/// A parser's message cut to a readable length (some quote the bytes they stumbled on).
fn short(detail: &str) -> String {
    const MOST: usize = 200;
    match detail.char_indices().nth(MOST) {
        Some((at, _)) => format!("{}…", &detail[..at]),
        None => detail.to_string(),
    }
}

impl Error {
    /// An error about `file`.
    pub fn new(file: impl AsRef<Path>, kind: ErrorKind) -> Error {
        Error {
            file: crate::platform::display_path(file.as_ref()),
            kind,
        }
    }

    /// A stable ASCII code for the kind of error, for JSON and scripts.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Io(_) => "IO",
            ErrorKind::Empty => "EMPTY",
            ErrorKind::Unrecognized(_) => "UNRECOGNIZED",
            ErrorKind::Corrupt { .. } | ErrorKind::SheetCorrupt { .. } => "CORRUPT",
            ErrorKind::PdfDamaged(_) => "CORRUPT",
            ErrorKind::Encrypted(_) => "ENCRYPTED",
            ErrorKind::Scanned => "SCANNED",
            ErrorKind::NoText => "NO_TEXT",
            ErrorKind::NoPages => "NO_PAGES",
            ErrorKind::Unsupported(_) => "UNSUPPORTED",
            ErrorKind::NoTables => "NO_TABLES",
            ErrorKind::TableMissing { .. } => "TABLE_MISSING",
            ErrorKind::Duplicate { .. } => "DUPLICATE",
            ErrorKind::Unplaced { .. } => "UNPLACED",
            ErrorKind::TooLarge { .. } => "TOO_LARGE",
            ErrorKind::NotRegular(_) => "NOT_REGULAR",
            ErrorKind::Write(_) => "WRITE",
            ErrorKind::WouldOverwrite => "WOULD_OVERWRITE",
            ErrorKind::Mismatch(_) => "MISMATCH",
            ErrorKind::NoInputs(_) => "NO_INPUTS",
            ErrorKind::Internal(_) => "INTERNAL",
            ErrorKind::WrongExtension { .. } => "WRONG_EXTENSION",
            ErrorKind::PortInUse(_) => "PORT_IN_USE",
            ErrorKind::Serve(_) => "SERVE",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "“{}”：{}", self.file, self.kind)
        }
    }
}

impl std::error::Error for Error {}

/// The result of a library call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
