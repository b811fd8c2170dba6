//! Writers: the report model out to JSON, CSV, XLSX, HTML, Markdown and Word, and the one safe way to
//! save a file.
//!
//! Each writer depends on the model, the format and the rule catalogue only, and writes to any
//! `io::Write` (`write_report_json`, `write_report_html`, `LongCsv`, `write_filled`, …; workbooks
//! to a `Write + Seek`); the functions returning bytes or a `String` are the same in memory.
//!
//! Every output goes through [`save`]: written to a temporary file in the destination folder, then
//! renamed over the destination, so a failed run never leaves a half-written file and an existing
//! output is replaced only as a whole. [`save`] also refuses to write over any input.

pub mod csv;
pub mod docx;
pub mod findings;
pub mod html;
pub mod json;
pub mod md;
pub mod merged;
pub mod returns;
pub mod summary;
pub mod tables;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// Writes `bytes` to `path` atomically, refusing to replace any of `inputs`.
///
/// A missing destination folder is created.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("nianbao-doc-save-{}", std::process::id()));
/// let out = dir.join("新建文件夹").join("结果.json");
/// nianbao::write::save(&out, b"{}", &[]).unwrap();
/// assert_eq!(std::fs::read(&out).unwrap(), b"{}");
/// // Writing over an input is refused:
/// assert!(nianbao::write::save(&out, b"[]", &[out.clone()]).is_err());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn save(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<()> {
    save_with(path, inputs, |file| {
        file.write_all(bytes)
            .map_err(|e| format!("写入失败（{e}），磁盘可能已满"))
    })
}

/// Like [`save`], for writers that write a file themselves: `write` gets the temporary file's path
/// and must fill it; the result is then renamed over `path`. On failure nothing is left behind.
pub fn save_with<F>(path: &Path, inputs: &[PathBuf], write: F) -> Result<()>
where
    F: FnOnce(&mut std::fs::File) -> std::result::Result<(), String>,
{
    let fail = |msg: String| Error::new(path, ErrorKind::Write(msg));
    refuse_inputs(path, inputs)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("无法创建文件夹“{}”（{e}）", dir.display())))?;
    remove_stale_temporaries(&dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(&temporary_prefix(path))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| fail(format!("无法在“{}”中创建临时文件（{e}）", dir.display())))?;
    let _pending = Pending::new(tmp.path());
    // A temporary file is private (0600) on Unix; the output should have the usual permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    write(tmp.as_file_mut()).map_err(fail)?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| fail(format!("写入失败（{e}），磁盘可能已满")))?;
    tmp.persist(path).map_err(|e| fail(persist_message(&e.error)))?;
    Ok(())
}

/// The temporary files being written now, for [`remove_pending`] on Ctrl+C or SIGTERM.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file named in [`PENDING`] while it lives.
struct Pending(PathBuf);

impl Pending {
    fn new(path: &Path) -> Pending {
        if let Ok(mut p) = PENDING.lock() {
            p.push(path.to_path_buf());
        }
        Pending(path.to_path_buf())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut p) = PENDING.lock() {
            p.retain(|q| q != &self.0);
        }
    }
}

/// Removes the temporary files [`save`] and [`save_with`] are writing now. The command line calls
/// it when stopped by Ctrl+C or SIGTERM, so that an interrupted `merge` leaves nothing beside its
/// output (the previous output is untouched: it is only ever replaced by a rename).
pub fn remove_pending() {
    // Called from a signal-handling thread while a writer may hold the lock: never wait for it.
    if let Ok(p) = PENDING.try_lock() {
        for path in p.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The start of a temporary file's name, saying what it is: `.nianbao-未完成-汇总.xlsx-`, the
/// output's name cut to 40 characters. A run killed outright (`kill -9`, power cut) leaves at most
/// this one file, which the next save into the folder removes once it is a day old.
fn temporary_prefix(path: &Path) -> String {
    let name: String = path
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(40).collect())
        .unwrap_or_default();
    format!("{TEMP_PREFIX}未完成-{name}-")
}

/// How every temporary file of an output starts (and `.tmp` how it ends).
const TEMP_PREFIX: &str = ".nianbao-";

/// Removes `.nianbao-*.tmp` files older than a day from `dir`: left by a run that was killed
/// (no save takes a day, so none of them is being written). Errors are ignored.
pub fn remove_stale_temporaries(dir: &Path) {
    const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > DAY);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Why the finished file could not take the destination's name, and what to do.
fn persist_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if crate::platform::in_use(e) {
        return crate::platform::IN_USE.into();
    }
    match e.kind() {
        K::PermissionDenied => {
            format!("无法保存（{e}），文件可能正被 Excel 或 WPS 打开，或没有写入权限；请关闭该文件后再试")
        }
        K::InvalidFilename => format!("无法保存（{e}），文件名过长或含有系统不允许的字符；请换一个较短的文件名"),
        K::IsADirectory => format!("无法保存（{e}），该路径是一个文件夹；请指定文件名"),
        _ => format!("无法保存（{e}）"),
    }
}

/// Refuses an output path that names one of the inputs (also through `..`, links or case on
/// Windows). [`save`] does this itself; a command with several outputs calls it for each before
/// writing any, so a refused run writes nothing.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("nianbao-doc-refuse-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let input = dir.join("区财政局.xlsx");
/// std::fs::write(&input, b"PK").unwrap();
/// let same = dir.join(".").join("区财政局.xlsx");
/// assert_eq!(nianbao::write::refuse_inputs(&same, &[input.clone()]).unwrap_err().code(), "WOULD_OVERWRITE");
/// assert!(nianbao::write::refuse_inputs(&dir.join("汇总.xlsx"), &[input]).is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn refuse_inputs(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    // The output's real path is worked out once, not once an input (a merge has thousands); an
    // output that does not exist yet can be no input.
    let Ok(out) = std::fs::canonicalize(path) else {
        return Ok(());
    };
    // On Unix a file of another device or inode is another file: one look at each input, its
    // whole path resolved only when that is the output's.
    let id = file_id(path);
    let maybe = |i: &Path| id.is_none() || file_id(i) == id;
    if inputs
        .iter()
        .any(|i| maybe(i) && std::fs::canonicalize(i).is_ok_and(|i| i == out))
    {
        return Err(Error::new(path, ErrorKind::WouldOverwrite));
    }
    Ok(())
}

/// The device and inode of the file a path names (Unix; `None` elsewhere or when it cannot be
/// looked at).
fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// One safe file name (see [`safe_file_name`]) per agency, made unique without regard to case by
/// numbering repeats: `某局`, `某局（2）`. One per roster member, for a template each.
///
/// ```
/// use nianbao::write::unique_file_names;
/// assert_eq!(unique_file_names(["某局", "某局", "A/B"]), ["某局", "某局（2）", "A_B"]);
/// ```
pub fn unique_file_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    names
        .into_iter()
        .map(|name| {
            let base = safe_file_name(name);
            let unique = (1..)
                .map(|i| {
                    if i == 1 {
                        base.clone()
                    } else {
                        format!("{base}（{i}）")
                    }
                })
                .find(|n| !used.contains(&n.to_lowercase()))
                .unwrap_or(base);
            used.push(unique.to_lowercase());
            unique
        })
        .collect()
}

/// A file name (without folder) that every file system takes: characters Windows refuses and
/// control characters become `_`, trailing dots and spaces go, device names (`CON`, `COM1` …) get a
/// leading `_`, and an empty name becomes `未命名`.
///
/// ```
/// use nianbao::write::safe_file_name;
/// assert_eq!(safe_file_name("某某区财政局"), "某某区财政局");
/// assert_eq!(safe_file_name("A/B:C*?"), "A_B_C__");
/// assert_eq!(safe_file_name("  某局.  "), "某局");
/// assert_eq!(safe_file_name("con.xlsx"), "_con.xlsx");
/// assert_eq!(safe_file_name(".."), "未命名");
/// // A long name is kept whole up to 200 bytes; beyond, its stem is cut and its extension kept.
/// let long = format!("{}.xls", "某".repeat(61));
/// assert_eq!(safe_file_name(&long), long);
/// let longer = safe_file_name(&format!("{}.xlsx", "某".repeat(100)));
/// assert!(longer.ends_with("某.xlsx") && longer.len() <= 200);
/// ```
pub fn safe_file_name(name: &str) -> String {
    let clean: String = name
        .trim()
        .chars()
        .map(|c| {
            if "<>:\"/\\|?*".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = fit_name(&clean);
    let clean = clean.trim_end_matches(['.', ' ']);
    let upper = clean.to_uppercase();
    let stem = upper.split('.').next().unwrap_or_default();
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&stem)
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.ends_with(|c: char| c.is_ascii_digit()));
    match clean {
        "" => "未命名".to_string(),
        _ if device => format!("_{clean}"),
        _ => clean.to_string(),
    }
}

/// The bytes a name made by [`safe_file_name`] may take: file systems allow 255 a name (Windows 255
/// UTF-16 units), and room is left for what is added to it (`-2025年度年报模板.xlsx`, `（2）`).
const NAME_BYTES: usize = 200;

/// A name cut to [`NAME_BYTES`] at a character boundary, its extension (up to 10 letters or
/// digits after the last dot) kept: a long upload name is never cut into another kind of file.
fn fit_name(name: &str) -> String {
    if name.len() <= NAME_BYTES {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !ext.is_empty() && ext.len() <= 10 && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            (stem, Some(ext))
        }
        _ => (name, None),
    };
    let room = NAME_BYTES - ext.map_or(0, |e| e.len() + 1);
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    match ext {
        Some(ext) => format!("{}.{ext}", &stem[..cut]),
        None => stem[..cut].to_string(),
    }
}
