//! What differs on Windows, where the clerks are: how a path is shown, what a file held open by
//! Excel or WPS looks like, what `cmd.exe` does to a quoted folder name, which extension an output
//! needs. Each function takes the platform as an argument (or does not care), so the tests run on
//! Linux as well; the callers pass `cfg!(windows)`.
//!
//! What needs no code: Rust passes command-line arguments and file names to and from Windows as
//! UTF-16, so Chinese characters, spaces and drive letters (`D:\收到的 报表\区财政局.xlsx`) are
//! read and written as given, and writes Chinese to the console window through the console's own
//! Unicode call, whatever its code page.

use std::path::Path;

/// What a clerk is told when Windows refuses a file because another program holds it open.
pub const IN_USE: &str = "文件被其他程序（如 Excel、WPS）占用，请关闭后重试";

/// Said in the console window on Windows: a click in it starts selecting text (the console's
/// "quick edit"), which holds the program, and so the page, until Esc is pressed.
pub const CONSOLE_PAUSE: &str =
    "使用期间请不要关闭此窗口。在此窗口中用鼠标点击会使程序暂停（网页随之停住），按 Esc 键即可继续。";

/// A path as a clerk should read it in a message: Windows' verbatim prefix for long paths dropped
/// (`\\?\D:\报表\x.xlsx` → `D:\报表\x.xlsx`, `\\?\UNC\server\share\x` → `\\server\share\x`).
/// Other paths are shown as they are.
///
/// ```
/// use std::path::Path;
/// use nianbao::platform::display_path;
/// assert_eq!(display_path(Path::new(r"\\?\D:\收到的 报表\区财政局.xlsx")), r"D:\收到的 报表\区财政局.xlsx");
/// assert_eq!(display_path(Path::new("收到的报表/区财政局.xlsx")), "收到的报表/区财政局.xlsx");
/// ```
pub fn display_path(path: &Path) -> String {
    shown(&path.display().to_string())
}

/// [`display_path`] on the text of a path.
pub fn shown(text: &str) -> String {
    if let Some(rest) = text.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{rest}")
    } else if let Some(rest) = text.strip_prefix(r"\\?\").filter(|r| has_drive(r)) {
        rest.to_string()
    } else {
        text.to_string()
    }
}

/// Whether a path's text starts with a drive letter (`D:`).
fn has_drive(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Whether an I/O error is Windows refusing a file that another program holds open
/// (ERROR_SHARING_VIOLATION 32, ERROR_LOCK_VIOLATION 33), as Excel and WPS hold every workbook
/// they have open.
pub fn in_use(e: &std::io::Error) -> bool {
    in_use_code(e.raw_os_error(), cfg!(windows))
}

/// [`in_use`] on the error's OS code, for the platform named by `windows` (on Unix 32 is a broken
/// pipe and 33 a domain error: not a file held open).
///
/// ```
/// use nianbao::platform::in_use_code;
/// assert!(in_use_code(Some(32), true));
/// assert!(in_use_code(Some(33), true));
/// assert!(!in_use_code(Some(5), true));
/// assert!(!in_use_code(Some(32), false));
/// assert!(!in_use_code(None, true));
/// ```
pub fn in_use_code(code: Option<i32>, windows: bool) -> bool {
    windows && matches!(code, Some(32 | 33))
}

/// A path argument as `cmd.exe` hands it over: `"D:\收到的报表\"` (a folder dragged in, or typed
/// with a closing backslash) arrives as `D:\收到的报表"`, the backslash having escaped the quote.
/// A double quote cannot be part of a Windows file name, so on Windows a trailing one is dropped.
///
/// ```
/// use nianbao::platform::argument_path;
/// assert_eq!(argument_path(r#"D:\收到的 报表""#, true), r"D:\收到的 报表\");
/// assert_eq!(argument_path(r"D:\收到的报表", true), r"D:\收到的报表");
/// assert_eq!(argument_path(r#"a""#, false), r#"a""#);
/// ```
pub fn argument_path(text: &str, windows: bool) -> String {
    match text.strip_suffix('"') {
        Some(rest) if windows && !rest.contains('"') => {
            if rest.ends_with(['\\', '/']) {
                rest.to_string()
            } else {
                format!("{rest}\\")
            }
        }
        _ => text.to_string(),
    }
}

/// Refuses an output whose name does not end in one of `extensions` (compared without regard to
/// case, first one preferred): `template -o 模板.docx` would write a workbook that Windows then
/// opens in Word. `what` says what is written (`Excel 工作簿`). `-` (standard output) and a
/// folder (refused when written to, as a folder) pass.
///
/// ```
/// use std::path::Path;
/// use nianbao::platform::expect_extension;
/// assert!(expect_extension(Path::new("模板.XLSX"), &["xlsx"], "Excel 工作簿").is_ok());
/// let e = expect_extension(Path::new("模板.docx"), &["xlsx"], "Excel 工作簿").unwrap_err();
/// assert_eq!(e.code(), "WRONG_EXTENSION");
/// assert!(e.to_string().contains("模板.xlsx"));
/// assert!(expect_extension(Path::new("-"), &["xlsx"], "Excel 工作簿").is_ok());
/// ```
pub fn expect_extension(path: &Path, extensions: &[&'static str], what: &'static str) -> crate::Result<()> {
    // Standard output; a folder is said to be one when it is written to.
    if path.as_os_str() == "-" || path.is_dir() {
        return Ok(());
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if extensions.contains(&ext.as_str()) {
        return Ok(());
    }
    let right = extensions.first().copied().unwrap_or_default();
    let name = path.file_name().map(|n| Path::new(n).with_extension(right));
    Err(crate::Error::new(
        path,
        crate::ErrorKind::WrongExtension {
            what,
            extension: right,
            suggested: name.map(|n| display_path(&n)).unwrap_or_default(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_shown_without_the_verbatim_prefix() {
        assert_eq!(
            shown(r"\\?\C:\Users\张三\桌面\汇总.xlsx"),
            r"C:\Users\张三\桌面\汇总.xlsx"
        );
        assert_eq!(
            shown(r"\\?\UNC\fileserver\公开办\名单.csv"),
            r"\\fileserver\公开办\名单.csv"
        );
        // A volume GUID path has no shorter name: kept.
        assert_eq!(shown(r"\\?\Volume{1234}\x.xlsx"), r"\\?\Volume{1234}\x.xlsx");
        assert_eq!(shown(r"D:\收到的 报表\区财政局.xlsx"), r"D:\收到的 报表\区财政局.xlsx");
        assert_eq!(shown("./相对 路径/x.xlsx"), "./相对 路径/x.xlsx");
    }

    #[test]
    fn sharing_violations_only_on_windows() {
        let e = std::io::Error::from_raw_os_error(32);
        assert_eq!(in_use(&e), cfg!(windows));
        assert!(in_use_code(Some(32), true) && in_use_code(Some(33), true));
        assert!(!in_use_code(Some(2), true));
    }

    #[test]
    fn a_quote_left_by_cmd_is_dropped() {
        assert_eq!(
            argument_path(r#"C:\Users\张三\桌面\收到的报表""#, true),
            r"C:\Users\张三\桌面\收到的报表\"
        );
        assert_eq!(argument_path(r#"D:\报表\""#, true), r"D:\报表\");
        assert_eq!(
            argument_path(r"D:\报表 2024\区财政局.xlsx", true),
            r"D:\报表 2024\区财政局.xlsx"
        );
        assert_eq!(argument_path(r#"收到的报表""#, false), r#"收到的报表""#);
    }

    #[test]
    fn extensions_compared_without_case() {
        assert!(expect_extension(Path::new(r"D:\模板\区财政局.Xlsx"), &["xlsx"], "Excel 工作簿").is_ok());
        assert!(expect_extension(Path::new("年报.htm"), &["html", "htm"], "网页").is_ok());
        let e = expect_extension(Path::new("汇总"), &["xlsx"], "Excel 工作簿").unwrap_err();
        assert!(e.to_string().contains("汇总.xlsx"), "{e}");
        let e = expect_extension(Path::new("汇总.csv"), &["json"], "JSON").unwrap_err();
        assert!(e.to_string().contains(".json"), "{e}");
    }
}
