//! Workbooks — xlsx, xlsm, xls (Excel and WPS) and ods — through calamine.
//!
//! Each visible worksheet becomes one [`Grid`] in the sheet's own coordinates, so every value keeps
//! its real A1 address. Formula cells give their cached values (the only numbers some returns have).
//! Merged ranges become spans. Defined names are kept for reading our own templates exactly.

use std::io::Cursor;

use calamine::{Data, Dimensions, Ods, Range, Reader, SheetVisible, Xls, Xlsx};

use super::{Document, Grid, GridCell, InputKind};
use crate::error::ErrorKind;
use crate::model::{format_number, Location};

/// Reads a workbook of the given kind.
pub fn read(bytes: &[u8], kind: InputKind) -> Result<Document, ErrorKind> {
    let cursor = Cursor::new(bytes);
    let corrupt = |detail: String| ErrorKind::Corrupt {
        kind: kind.code(),
        detail,
    };
    match kind {
        InputKind::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(cursor).map_err(|e| corrupt(e.to_string()))?;
            read_sheets(&mut wb, |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })
        }
        InputKind::Xls => {
            let mut wb: Xls<_> = Xls::new(cursor).map_err(|e| corrupt(e.to_string()))?;
            read_sheets(&mut wb, |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })
        }
        InputKind::Ods => {
            // calamine does not report merged ranges of ods files: a merged label then sits in its
            // top-left cell only, which the matcher handles.
            let mut wb: Ods<_> = Ods::new(cursor).map_err(|e| corrupt(e.to_string()))?;
            read_sheets(&mut wb, |_, _| Vec::new())
        }
        InputKind::Pdf => Err(corrupt("不是工作簿".into())),
    }
}

/// Reads every visible worksheet (all of them if none is visible) into grids.
fn read_sheets<RS, R, F>(wb: &mut R, merges: F) -> Result<Document, ErrorKind>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    F: Fn(&mut R, &str) -> Vec<Dimensions>,
{
    let sheets = wb.sheets_metadata().to_vec();
    let any_visible = sheets.iter().any(|s| s.visible == SheetVisible::Visible);
    let mut grids = Vec::new();
    for sheet in sheets {
        if any_visible && sheet.visible != SheetVisible::Visible {
            continue;
        }
        // A chart sheet or a sheet calamine cannot parse has no table to offer; skip it.
        let Ok(range) = wb.worksheet_range(&sheet.name) else {
            continue;
        };
        let merged = merges(wb, &sheet.name);
        grids.push(sheet_grid(&sheet.name, &range, &merged));
    }
    let names = wb
        .defined_names()
        .iter()
        .filter_map(|(name, formula)| Some((name.clone(), parse_reference(formula)?)))
        .collect();
    Ok(Document {
        grids,
        paragraphs: Vec::new(),
        names,
    })
}

/// One worksheet as a grid: every position of the used range, merged ranges as spans.
fn sheet_grid(name: &str, range: &Range<Data>, merged: &[Dimensions]) -> Grid {
    let Some((r0, c0)) = range.start() else {
        return Grid::new(name, true, Vec::new());
    };
    let mut covered = std::collections::HashSet::new();
    let mut spans = std::collections::HashMap::new();
    for m in merged {
        spans.insert(m.start, (m.end.0 - m.start.0 + 1, m.end.1 - m.start.1 + 1));
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                if (r, c) != m.start {
                    covered.insert((r, c));
                }
            }
        }
    }
    let mut cells = Vec::with_capacity(range.get_size().0 * range.get_size().1);
    for (dr, row) in range.rows().enumerate() {
        for (dc, data) in row.iter().enumerate() {
            let (r, c) = (r0 + dr as u32, c0 + dc as u32);
            if covered.contains(&(r, c)) {
                continue;
            }
            let (rows, cols) = spans.get(&(r, c)).copied().unwrap_or((1, 1));
            let (text, number) = match data {
                Data::Int(i) => (i.to_string(), Some(*i as f64)),
                Data::Float(f) => (format_number(*f), Some(*f)),
                Data::String(s) => (s.clone(), None),
                Data::Empty => (String::new(), None),
                other => (other.to_string(), None),
            };
            cells.push(GridCell {
                row: r,
                col: c,
                rows,
                cols,
                text,
                number,
                at: Location::sheet(name, r, c),
            });
        }
    }
    Grid::new(name, true, cells)
}

/// A defined name's target, `'表 三'!$C$7` or `表三!C7`, as a location (single cells only).
fn parse_reference(formula: &str) -> Option<Location> {
    let (sheet, cell) = formula.trim_start_matches('=').rsplit_once('!')?;
    let sheet = sheet.trim_matches('\'').replace("\'\'", "'");
    let cell = cell.replace('$', "");
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &cell[letters.len()..];
    if letters.is_empty() || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let col = letters.chars().try_fold(0u32, |acc, ch| {
        Some(acc * 26 + (ch.to_ascii_uppercase() as u32 - 'A' as u32 + 1))
    })? - 1;
    let row = digits.parse::<u32>().ok()?.checked_sub(1)?;
    Some(Location::sheet(&sheet, row, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_reference("'表 三'!$C$7"), Some(Location::sheet("表 三", 6, 2)));
        assert_eq!(parse_reference("表四!AB12"), Some(Location::sheet("表四", 11, 27)));
        assert_eq!(parse_reference("表四!$A$1:$B$2"), None);
    }
}
