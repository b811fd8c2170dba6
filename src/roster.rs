//! The roster: which agencies must report, and their category (部门, 街道 …) for subtotals.
//!
//! A roster is a CSV (UTF-8, with or without BOM; GBK as saved by older Excel is detected too) or a
//! workbook whose first sheet has a header row with `单位名称` and optionally `类别`.

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::label::normalize;

pub use crate::model::district::{Member, Roster};

impl Roster {
    /// Reads a roster file (CSV, xlsx, xls or ods).
    pub fn read(path: impl AsRef<Path>) -> Result<Roster> {
        let path = path.as_ref();
        let limit = crate::read::Limits::default().max_file_bytes;
        let bytes = crate::read::read_input(path, limit).map_err(|k| Error::new(path, k))?;
        Roster::from_bytes(&bytes).map_err(|k| Error::new(path, k))
    }

    /// Parses a roster from memory: a workbook if the bytes are one, else CSV text.
    ///
    /// ```
    /// use nianbao::roster::Roster;
    /// let r = Roster::from_bytes("单位名称,类别\n区财政局,部门\n城关街道,街道\n".as_bytes()).unwrap();
    /// assert_eq!(r.members.len(), 2);
    /// assert_eq!(r.members[1].category, "街道");
    /// assert!(Roster::from_bytes("名称\n区财政局\n".as_bytes()).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Roster, ErrorKind> {
        use crate::read::InputKind::{Ods, Xls, Xlsx};
        let rows = if let Ok(kind @ (Xlsx | Xls | Ods)) = crate::read::detect(bytes, &crate::read::Limits::default()) {
            workbook_rows(bytes, kind)?
        } else {
            csv_rows(&decode(bytes))?
        };
        // The header is the first row naming the column of agencies; a title above it (`XX区2024年度…
        // 报送名单`) and blank rows are passed over.
        let is_name = |h: &String| matches!(normalize(h).as_str(), "单位名称" | "单位" | "单位全称" | "报送单位");
        let at = rows
            .iter()
            .take(HEADER_ROWS)
            .position(|r| r.iter().any(is_name))
            .ok_or_else(|| {
                ErrorKind::Unrecognized("名单中找不到“单位名称”列：表头一行应有“单位名称”（可另加“类别”列）".into())
            })?;
        let mut rows = rows.into_iter().skip(at);
        let header = rows.next().unwrap_or_default();
        let find = |key: &str| header.iter().position(|h| normalize(h) == key);
        let name_col = header.iter().position(is_name).unwrap_or(0);
        let cat_col = find("类别");
        let mut members: Vec<Member> = Vec::new();
        // Names already taken, for the duplicate check: scanning the members for each row made a
        // 100,000-row roster take 86 s.
        let mut seen: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
        for row in rows {
            let name = row.get(name_col).map(|s| s.trim().to_string()).unwrap_or_default();
            if name.is_empty() || !seen.insert(name.clone()) {
                continue;
            }
            let category = cat_col
                .and_then(|c| row.get(c))
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            members.push(Member { name, category });
        }
        Ok(Roster { members })
    }

    /// The member an agency name belongs to: the same name once spaces and punctuation are folded.
    pub fn find(&self, agency: &str) -> Option<&Member> {
        let key = normalize(agency);
        self.members.iter().find(|m| normalize(&m.name) == key)
    }
}

/// The rows a roster's header is looked for in (a title and a note may stand above it).
const HEADER_ROWS: usize = 10;

/// Text of a CSV: UTF-8 (BOM stripped), else GB18030 as older Excel saves it.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, ErrorKind> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(str::to_string).collect())
                .map_err(|e| ErrorKind::Corrupt {
                    kind: "csv",
                    detail: e.to_string(),
                })
        })
        .collect()
}

/// The rows of the first sheet, through the workbook reader (and so within its limits: a roster
/// workbook with a stray cell at the far corner is read like any return).
fn workbook_rows(bytes: &[u8], kind: crate::read::InputKind) -> Result<Vec<Vec<String>>, ErrorKind> {
    /// Columns taken from the first one used (a roster has two or three).
    const MAX_COLUMNS: u32 = 1000;
    let document = crate::read::workbook::read(bytes, kind, &crate::read::Limits::default())?;
    let Some(grid) = document.grids.first() else {
        return Ok(Vec::new());
    };
    let first = grid.cells().iter().map(|c| c.col).min().unwrap_or(0);
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    for cell in grid.cells() {
        let col = cell.col - first;
        if col >= MAX_COLUMNS {
            continue;
        }
        let row = rows.entry(cell.row).or_default();
        if row.len() <= col as usize {
            row.resize(col as usize + 1, String::new());
        }
        row[col as usize].clone_from(&cell.text);
    }
    Ok(rows.into_values().collect())
}
