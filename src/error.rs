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
    #[error("文件已损坏，无法作为 {kind} 读取（{}）。请用 Excel 或 WPS 打开后另存为 xlsx 再试", short(.detail))]
    Corrupt {
        /// The kind it looked like.
        kind: &'static str,
        /// What the parser said.
        detail: String,
    },
    /// A PDF that cannot be parsed: damaged, truncated, or not really a PDF.
    #[error("PDF 文件已损坏，无法读取（{0}）。请重新下载，或向发布单位索取完好的文件")]
    PdfDamaged(String),
    /// A PDF that needs a password to open.
    #[error("PDF 已加密，请提供未加密的版本")]
    Encrypted,
    /// A PDF whose pages hold images but no text.
    #[error("这是扫描件（只有图像、没有文字层），无法读取其中的数字；请向发布单位索取 Word/Excel 或可复制文字的 PDF")]
    Scanned,
    /// A PDF with pages but neither text nor images (blank pages, or text turned into outlines).
    #[error("PDF 中没有可读取的文字（空白页，或文字已转为图形），无法读取其中的数字；请向发布单位索取 Word/Excel 或可复制文字的 PDF")]
    NoText,
    /// A PDF without a single page.
    #[error("PDF 中一页也没有，请重新导出或向发布单位重新索取")]
    NoPages,
    /// An older format that cannot be read.
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
    /// A fault in nianbao itself while handling this file (a panic caught at the file's boundary,
    /// so the other files of a batch are still read).
    #[error("处理该文件时程序内部出错（{0}），该文件未能读取，其余文件不受影响。请把该文件发给维护者")]
    Internal(String),
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
            file: file.as_ref().display().to_string(),
            kind,
        }
    }

    /// A stable ASCII code for the kind of error, for JSON and scripts.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Io(_) => "IO",
            ErrorKind::Empty => "EMPTY",
            ErrorKind::Unrecognized(_) => "UNRECOGNIZED",
            ErrorKind::Corrupt { .. } => "CORRUPT",
            ErrorKind::PdfDamaged(_) => "CORRUPT",
            ErrorKind::Encrypted => "ENCRYPTED",
            ErrorKind::Scanned => "SCANNED",
            ErrorKind::NoText => "NO_TEXT",
            ErrorKind::NoPages => "NO_PAGES",
            ErrorKind::Unsupported(_) => "UNSUPPORTED",
            ErrorKind::NoTables => "NO_TABLES",
            ErrorKind::TableMissing { .. } => "TABLE_MISSING",
            ErrorKind::Duplicate { .. } => "DUPLICATE",
            ErrorKind::Unplaced { .. } => "UNPLACED",
            ErrorKind::TooLarge { .. } => "TOO_LARGE",
            ErrorKind::Write(_) => "WRITE",
            ErrorKind::WouldOverwrite => "WOULD_OVERWRITE",
            ErrorKind::Mismatch(_) => "MISMATCH",
            ErrorKind::Internal(_) => "INTERNAL",
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
