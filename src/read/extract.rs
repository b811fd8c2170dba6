//! The label matcher: finds the three tables in a document's grids and reads them into a report.
//!
//! Nothing here depends on the input kind. Tables are found by their labels, anywhere in any grid:
//! 表三 by its applicant columns (自然人 …) and row labels, 表二 by each row label and the nearest
//! column header above it, 表四 by 行政复议 and its leaf headers. A row's values are placed under
//! the columns by the header's positions where those line up, else by their order in the row; a row
//! whose values can be placed neither way is an error, never a guess. Our own templates carry a
//! defined name per input cell and are read by those names instead.

use rustc_hash::FxHashMap as HashMap;

use super::official::{official, Official};
use super::value::{is_shred, is_value, parse};
use super::{Document, Grid, GridCell, Options};
use crate::error::ErrorKind;
use crate::format::{
    Format, Layout, Table, NAME_PREFIX, T2_LABEL_HEADER, T3_COLUMNS, T3_COLUMN_GROUP, T3_CORNER_NOTE, T4_COLUMNS,
    T4_GROUPS, T4_SUIT,
};
use crate::label::{normalize, normalize_into, prepare, score_prepared, split_numbering, Prepared, MATCH};
use crate::model::{FormatFrom, Found, Report, Value};

/// Reads the report out of a document. `file_stem` is the input's file name without extension,
/// the last resort for agency and year.
pub fn extract(doc: &Document, file_stem: &str, options: &Options) -> Result<Report, ErrorKind> {
    // Normalizing every cell's text is most of the matcher's work; our own templates, read by their
    // names, rarely need it (only for a title when the cover is empty), so it is done on demand.
    let grids = LazyGrids {
        doc,
        grids: std::cell::OnceCell::new(),
    };
    let named = doc
        .names
        .iter()
        .any(|(n, _)| n.starts_with(NAME_PREFIX) && n.matches('.').count() >= 2);
    let (mut report, format_from) = if named {
        (from_names(doc, options), FormatFrom::Names)
    } else {
        from_labels(doc, grids.get(), options)?
    };
    report.source.format_from = format_from;
    identify(&mut report, doc, &grids, file_stem, options, named);
    report.sections = super::sections::find(&doc.paragraphs);
    Ok(report)
}

/// [`Grids`], built the first time they are needed.
struct LazyGrids<'a> {
    doc: &'a Document,
    grids: std::cell::OnceCell<Grids<'a>>,
}

impl<'a> LazyGrids<'a> {
    fn get(&self) -> &Grids<'a> {
        self.grids.get_or_init(|| Grids::new(self.doc))
    }
}

/// The grids of a document with each cell's normalized text computed once. A grid of web-page text
/// whose labels the page broke into pieces (`自` / `然人`, `(` / `二` / `)` / `部分公开`) holds them
/// joined again ([`rejoin_labels`]).
pub(crate) struct Grids<'a> {
    /// Each grid, its cells' normalized texts, and where each splits for scoring.
    grids: Vec<Prepped<'a>>,
    /// The text cells by the hash of their text without numbering, sorted (hash, grid, cell): a
    /// label written as published is found by one search, not by scoring every cell. One vector,
    /// not a map of vectors: one allocation a document instead of one a distinct text.
    by_rest: Vec<(u64, u32, u32)>,
}

/// A grid with its cells' normalized texts and where each splits for scoring.
type Prepped<'a> = (std::borrow::Cow<'a, Grid>, Texts, Vec<[u32; 3]>);

/// The normalized texts of a grid's cells, one after another in one string (not one allocation a
/// cell: a merge normalizes hundreds of thousands).
#[derive(Default)]
struct Texts {
    all: String,
    /// Where each text ends in `all`.
    ends: Vec<u32>,
}

impl Texts {
    /// The texts of `cells`, normalized.
    fn of(cells: &[GridCell]) -> Texts {
        let mut texts = Texts {
            all: String::with_capacity(cells.iter().map(|c| c.text.len()).sum()),
            ends: Vec::with_capacity(cells.len()),
        };
        for c in cells {
            normalize_into(&c.text, &mut texts.all);
            texts.ends.push(texts.all.len() as u32);
        }
        texts
    }

    /// Text `i`.
    fn get(&self, i: usize) -> Option<&str> {
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)? as usize,
            None => 0,
        };
        self.all.get(start..*self.ends.get(i)? as usize)
    }

    /// Every text in order.
    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|i| self.get(i).unwrap_or_default())
    }
}

/// The hash [`Grids`] indexes a text without its numbering by.
fn rest_hash(rest: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(rest)
}

/// A cell of some grid with its normalized text.
#[derive(Clone, Copy)]
pub(crate) struct Hit<'a> {
    pub(crate) grid: usize,
    pub(crate) cell: &'a GridCell,
    pub(crate) norm: &'a str,
    /// The normalized text split for scoring.
    pub(crate) prep: Prepared<'a>,
}

impl<'a> Grids<'a> {
    pub(crate) fn new(doc: &'a Document) -> Grids<'a> {
        let mut grids = Grids {
            by_rest: Vec::new(),
            grids: doc
                .grids
                .iter()
                .map(|g| {
                    let g = match g.positional {
                        true => std::borrow::Cow::Borrowed(g),
                        false => rejoin_labels(g).map_or(std::borrow::Cow::Borrowed(g), std::borrow::Cow::Owned),
                    };
                    let norms = Texts::of(g.cells());
                    let parts = norms.iter().map(|n| prepare(n).parts()).collect();
                    (g, norms, parts)
                })
                .collect(),
        };
        let mut by_rest: Vec<(u64, u32, u32)> = Vec::new();
        for (gi, (g, norms, parts)) in grids.grids.iter().enumerate() {
            for (i, ((cell, norm), p)) in g.cells().iter().zip(norms.iter()).zip(parts).enumerate() {
                if cell.number.is_none() && !norm.is_empty() {
                    let rest = norm.get(p[0] as usize..).unwrap_or_default();
                    by_rest.push((rest_hash(rest), gi as u32, i as u32));
                }
            }
        }
        // Every entry differs (grid and cell), so equal hashes keep the order of `all`.
        by_rest.sort_unstable();
        grids.by_rest = by_rest;
        grids
    }

    /// The hit of cell `i` of grid `gi`.
    fn hit(&self, gi: usize, i: usize) -> Option<Hit<'_>> {
        let (g, norms, parts) = self.grids.get(gi)?;
        Some(Hit {
            grid: gi,
            cell: g.cells().get(i)?,
            norm: norms.get(i)?,
            prep: Prepared::with_parts(norms.get(i)?, *parts.get(i)?),
        })
    }

    /// The text cells whose text without numbering is `rest`, in the order of [`Grids::all`].
    fn with_rest(&self, rest: &str) -> Vec<Hit<'_>> {
        let hash = rest_hash(rest);
        let from = self.by_rest.partition_point(|e| e.0 < hash);
        self.by_rest[from..]
            .iter()
            .take_while(|e| e.0 == hash)
            .filter_map(|&(_, g, i)| self.hit(g as usize, i as usize))
            .filter(|f| f.prep.rest() == rest)
            .collect()
    }

    /// Every text cell of every grid.
    pub(crate) fn all(&self) -> impl Iterator<Item = Hit<'_>> {
        self.grids.iter().enumerate().flat_map(|(gi, (g, norms, parts))| {
            g.cells()
                .iter()
                .zip(norms.iter().zip(parts))
                .filter(|(c, (n, _))| c.number.is_none() && !n.is_empty())
                .map(move |(cell, (norm, parts))| Hit {
                    grid: gi,
                    cell,
                    norm,
                    prep: Prepared::with_parts(norm, *parts),
                })
        })
    }

    pub(crate) fn grid(&self, i: usize) -> &Grid {
        &self.grids[i].0
    }

    /// The normalized text of a cell of grid `gi`.
    fn norm_of(&self, gi: usize, cell: &GridCell) -> &str {
        self.prep_of(gi, cell).norm
    }

    /// The normalized text of a cell of grid `gi`, split for scoring.
    fn prep_of(&self, gi: usize, cell: &GridCell) -> Prepared<'_> {
        let Some((g, _, _)) = self.grids.get(gi) else {
            return prepare("");
        };
        let cells = g.cells();
        // The matcher hands back cells it got from this grid: such a cell's position follows from
        // its address, without a search. Any other is looked for by its row and column.
        let size = std::mem::size_of::<GridCell>().max(1);
        let offset = (cell as *const GridCell as usize).wrapping_sub(cells.as_ptr() as usize);
        let idx = match cells.get(offset / size) {
            Some(c) if std::ptr::eq(c, cell) => offset / size,
            _ => cells
                .binary_search_by_key(&(cell.row, cell.col), |c| (c.row, c.col))
                .unwrap_or(usize::MAX),
        };
        self.prep_at(gi, idx)
    }

    /// The normalized text of cell `i` of grid `gi`, split for scoring.
    fn prep_at(&self, gi: usize, i: usize) -> Prepared<'_> {
        let Some((_, norms, parts)) = self.grids.get(gi) else {
            return prepare("");
        };
        match (norms.get(i), parts.get(i)) {
            (Some(n), Some(p)) => Prepared::with_parts(n, *p),
            _ => prepare(""),
        }
    }

    /// The cells scoring at least [`MATCH`] against `label` (normalized and prepared), best first.
    fn matching<'s>(&'s self, label: &Prepared) -> Vec<(f32, Hit<'s>)> {
        let score = |f: Hit<'s>| {
            let s = score_prepared(&f.prep, label);
            (s >= MATCH).then_some((s, f))
        };
        // Cells holding the label as published (its numbering aside): no other can beat them.
        let exact: Vec<(f32, Hit<'s>)> = self.with_rest(label.rest()).into_iter().filter_map(score).collect();
        let mut out = if exact.is_empty() {
            self.all().filter_map(score).collect()
        } else {
            exact
        };
        out.sort_by(|a, b| b.0.total_cmp(&a.0));
        out
    }
}

/// Every official label, folded: headings, column and row labels of both layouts, sorted.
fn known_labels() -> &'static [String] {
    static KNOWN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut all: Vec<&str> = vec![T3_CORNER_NOTE, T3_COLUMN_GROUP, T2_LABEL_HEADER, T4_SUIT];
        for f in Format::ALL {
            let l = f.layout();
            all.extend(l.sections);
            for b in l.t2 {
                all.push(b.article);
                all.extend(b.rows.iter().map(|r| r.label));
                all.extend(b.columns.iter().map(|c| c.label));
            }
            all.extend(l.t3_rows.iter().chain(l.t3_groups).map(|r| r.label));
        }
        all.extend(T3_COLUMNS.iter().map(|c| c.label));
        all.extend(T3_COLUMNS.iter().filter_map(|c| c.group));
        all.extend(T4_GROUPS.iter().map(|g| g.label));
        all.extend(T4_COLUMNS.iter().map(|c| c.label));
        let mut known: Vec<String> = all.into_iter().map(normalize).collect();
        known.sort();
        known.dedup();
        known
    })
}

/// A grid of cells in reading order (web-page text) with the pieces of a broken label joined: where
/// consecutive label cells of a row spell an official label exactly (`自` `然人`; `(` `二` `)` `部分公开`
/// `(` `区分处理的` `,` …), they become one cell at the first one's place. `None` when nothing joins.
fn rejoin_labels(grid: &Grid) -> Option<Grid> {
    let known = known_labels();
    let is_prefix = |s: &str| {
        let i = known.partition_point(|k| k.as_str() < s);
        known.get(i).is_some_and(|k| k.starts_with(s))
    };
    let is_label = |s: &str| known.binary_search_by(|k| k.as_str().cmp(s)).is_ok();
    let mut joined = false;
    let mut cells: Vec<GridCell> = Vec::with_capacity(grid.cells().len());
    for r in grid.rows() {
        let row = grid.row(r);
        let mut i = 0;
        while i < row.len() {
            let mut text = normalize(&row[i].text);
            let mut end = None;
            if !text.is_empty() && !is_label(&text) && is_prefix(&text) && row[i].number.is_none() {
                for (j, next) in row.iter().enumerate().skip(i + 1).take(12) {
                    // A number ends the label; a piece of punctuation or numbering may be part of it.
                    if next.number.is_some() || (is_value(&next.text) && !is_shred(&next.text)) {
                        break;
                    }
                    text.push_str(&normalize(&next.text));
                    if !is_prefix(&text) {
                        break;
                    }
                    if is_label(&text) {
                        end = Some(j);
                    }
                }
            }
            match end {
                Some(j) => {
                    let mut cell = row[i].clone();
                    cell.text = row[i..=j].iter().map(|c| c.text.trim()).collect::<Vec<_>>().join("");
                    cells.push(cell);
                    joined = true;
                    i = j + 1;
                }
                None => {
                    cells.push(row[i].clone());
                    i += 1;
                }
            }
        }
    }
    if !joined {
        return None;
    }
    // Renumber each row's columns in order: the grid has no positions, only order.
    let mut last: Option<(u32, u32)> = None;
    for c in &mut cells {
        let col = match last {
            Some((row, col)) if row == c.row => col + 1,
            _ => 0,
        };
        c.col = col;
        last = Some((c.row, col));
    }
    Some(Grid::new(&grid.name, false, cells))
}

/// Which layout the labels found belong to: the one whose own labels occur more often.
fn detect_format(grids: &Grids) -> Option<Format> {
    let (old, new) = (signatures(Format::F2019), signatures(Format::F2021));
    let (mut a, mut b) = (0, 0);
    for c in grids.all() {
        let has = |sigs: Option<&regex::Regex>| sigs.is_some_and(|re| re.is_match(c.norm));
        a += usize::from(has(old));
        b += usize::from(has(new));
    }
    match a.cmp(&b) {
        std::cmp::Ordering::Greater => Some(Format::F2019),
        std::cmp::Ordering::Less => Some(Format::F2021),
        std::cmp::Ordering::Equal => None,
    }
}

/// One searcher for all the signatures of a layout, normalized: built once a process (not once a
/// file), and a cell is searched once for all of them, not once a signature.
fn signatures(format: Format) -> Option<&'static regex::Regex> {
    static ALL: std::sync::OnceLock<Vec<Option<regex::Regex>>> = std::sync::OnceLock::new();
    let build = |f: Format| {
        let alternatives: Vec<String> = f
            .layout()
            .signatures
            .iter()
            .map(|s| regex::escape(&normalize(s)))
            .collect();
        // No signature, no match (an empty alternation would match every cell).
        (!alternatives.is_empty())
            .then(|| regex::Regex::new(&alternatives.join("|")).ok())
            .flatten()
    };
    let all = ALL.get_or_init(|| Format::ALL.iter().map(|&f| build(f)).collect());
    Format::ALL
        .iter()
        .position(|f| *f == format)
        .and_then(|i| all.get(i)?.as_ref())
}

/// Reads the tables by their labels.
fn from_labels(doc: &Document, grids: &Grids, options: &Options) -> Result<(Report, FormatFrom), ErrorKind> {
    let (format, format_from) = match options.format {
        Some(f) => (f, FormatFrom::Option),
        None => match detect_format(grids) {
            Some(f) => (f, FormatFrom::Labels),
            None => {
                let year = options.year.or_else(|| super::identity::title_year(doc, grids));
                (year.map_or(Format::F2021, Format::for_year), FormatFrom::Year)
            }
        },
    };
    let mut report = Report::new("", None, format);
    let layout = format.layout();
    let official = official(format);
    let mut found = 0;
    found += read_t3(grids, layout, &official, &mut report)?;
    found += read_t2(grids, &official, &mut report)?;
    found += read_t4(grids, &official, &mut report)?;
    if found == 0 {
        return Err(ErrorKind::NoTables);
    }
    if doc.published {
        for table in Table::ALL {
            let defs = format.cells().iter().zip(&report.cells);
            if defs.filter(|(d, _)| d.table == table).all(|(_, v)| v.is_none()) {
                return Err(ErrorKind::TableMissing {
                    table: format!("{}（{}）", table.name(), table.title()),
                    why: missing_why(grids, table),
                });
            }
        }
    }
    Ok((report, format_from))
}

/// Why a table of a published report was not found: its header or its rows are not there.
fn missing_why(grids: &Grids, table: Table) -> String {
    let has = |text: &str| grids.all().any(|f| f.norm == normalize(text));
    match table {
        Table::T2 => "找不到“规章”“行政许可”“行政处罚”“行政强制”等行".into(),
        Table::T3 if !has("自然人") => "找不到“自然人”“法人或其他组织”“总计”等列标题".into(),
        Table::T3 => "有列标题“自然人”，但找不到“一、本年新收政府信息公开申请数量”等行".into(),
        Table::T4 if !has("行政复议") => "找不到“行政复议”“行政诉讼”表头".into(),
        Table::T4 => "有“行政复议”表头，但表头下没有数字行".into(),
    }
}

/// Stores a row's cells into the report, parsing each by its kind: `cells[k]` goes to position
/// `at[k]` of [`Format::cells`].
fn store(report: &mut Report, at: &[Option<usize>], cells: &[Option<&GridCell>]) {
    let layout = report.format.layout();
    for (i, cell) in at.iter().zip(cells) {
        let (Some(i), Some(cell)) = (*i, cell) else {
            continue;
        };
        let Some(kind) = report.format.cells().get(i).map(|c| c.kind) else {
            continue;
        };
        let (number, reading) = parse(&cell.text, cell.number, kind, layout.amount_unit_in_header);
        report.cells[i] = Some(Value {
            number,
            raw: cell.text.trim().to_string(),
            reading,
            at: Some(cell.at.clone()),
        });
    }
}

/// A column header found in a grid: its first and last column.
type Span = Option<(u32, u32)>;

/// Places the values of row `r` (from column `from` on) under `headers`.
///
/// Where the grid's columns line up and every header found covers a distinct cell of the row, the
/// headers' positions decide (so inserted or reordered columns are read right). Otherwise the
/// values are taken in order, which needs exactly as many as there are columns.
fn place<'g>(
    grid: &'g Grid,
    r: u32,
    from: u32,
    headers: &[Span],
    what: (&'static str, &str),
) -> Result<Vec<Option<&'g GridCell>>, ErrorKind> {
    // Values right of the last header are not the table's (a note, a check column) — unless a
    // header is missing, when the row's own cells must tell.
    let right = headers
        .iter()
        .map(|h| h.map(|h| h.1))
        .collect::<Option<Vec<u32>>>()
        .and_then(|v| v.into_iter().max());
    let mut values: Vec<&GridCell> = grid
        .row(r)
        .iter()
        .filter(|c| c.col >= from && (!grid.positional || right.is_none_or(|e| c.col <= e)))
        .collect();
    // Empty cells after the row's last value carry nothing: a web page's row often ends in cells
    // that a `colspan` elsewhere left over.
    while values.len() > headers.len() && values.last().is_some_and(|c| c.text.trim().is_empty()) {
        values.pop();
    }
    let positions = grid.positional.then(|| by_position(grid, r, from, headers)).flatten();
    let complete = |p: &Vec<Option<&GridCell>>| p.iter().all(Option::is_some);
    match positions {
        Some(p) if complete(&p) => return Ok(p),
        _ if values.len() == headers.len() => return Ok(values.into_iter().map(Some).collect()),
        Some(p) if p.iter().any(Option::is_some) => return Ok(p),
        _ => {}
    }
    // `无` (or `—`, `/`) written once for the whole row, often in one cell merged across it: every
    // column is that (read as 0 with the dash warning).
    let written: Vec<&&GridCell> = values.iter().filter(|c| !c.is_blank()).collect();
    if let [only] = written.as_slice() {
        if super::value::is_dash(&only.text) {
            return Ok(vec![Some(**only); headers.len()]);
        }
    }
    let at = values.first().map_or_else(|| grid.name.clone(), |c| c.at.to_string());
    Err(ErrorKind::Unplaced {
        table: what.0,
        row: what.1.to_string(),
        found: values.len(),
        expected: headers.len(),
        at,
    })
}

/// The one cell whose normalized text is `text`: the header a table is found by. A header written
/// into each cell of a range instead of merging it (`行政复议` five times in a row) counts once.
fn anchor<'a>(grids: &'a Grids, text: &str, what: &str) -> Result<Option<Hit<'a>>, ErrorKind> {
    let mut all: Vec<Hit> = grids.with_rest(prepare(text).rest());
    all.retain(|f| f.norm == text);
    if all.is_empty() {
        // The header with a unit after it (`自然人（个）`, `行政复议(件)`): looked for only when
        // it is not written plainly, the one case that needs every cell.
        let unit = |n: &str| {
            n.strip_prefix(text)
                .and_then(|r| r.strip_prefix('('))
                .and_then(|r| r.strip_suffix(')'))
                .is_some_and(|u| (1..=2).contains(&u.chars().count()))
        };
        all = grids.all().filter(|f| unit(f.norm)).collect();
    }
    let continues = |f: &Hit, g: &Hit| {
        f.grid == g.grid
            && ((f.cell.row == g.cell.row && g.cell.col + g.cell.cols == f.cell.col)
                || (f.cell.col == g.cell.col && g.cell.row + g.cell.rows == f.cell.row))
    };
    let heads: Vec<Hit> = all
        .iter()
        .filter(|f| !all.iter().any(|g| continues(f, g)))
        .copied()
        .collect();
    match heads.as_slice() {
        [] => Ok(None),
        [a] => Ok(Some(*a)),
        [a, b, ..] => Err(ErrorKind::Duplicate {
            what: what.to_string(),
            first: a.cell.at.to_string(),
            second: b.cell.at.to_string(),
        }),
    }
}

/// The cells of row `r` under each header found, if each found header covers a distinct cell
/// starting in that row; `None` where they do not line up.
fn by_position<'g>(grid: &'g Grid, r: u32, from: u32, headers: &[Span]) -> Option<Vec<Option<&'g GridCell>>> {
    let mut picked: Vec<Option<&GridCell>> = Vec::with_capacity(headers.len());
    for h in headers {
        let cell = match h {
            Some((start, end)) => {
                let c = grid.at(r, *start)?;
                // A header over several unmerged columns (表二's 本年处理决定数量 over B:D) with the
                // number typed under another of them than the first: the one cell written is it.
                let written: Vec<&GridCell> = (*start..=*end)
                    .filter_map(|col| grid.at(r, col))
                    .filter(|x| x.row == r && !x.is_blank())
                    .collect();
                let c = match written.as_slice() {
                    [only] if c.is_blank() => *only,
                    _ => c,
                };
                let taken = picked.iter().flatten().any(|p| std::ptr::eq(*p, c));
                if c.row != r || c.col < from || taken {
                    return None;
                }
                Some(c)
            }
            None => None,
        };
        picked.push(cell);
    }
    Some(picked)
}

/// The one cell matching `label` best, or an error if two places match equally well.
fn unique<'a>(matches: &[(f32, Hit<'a>)], what: impl Fn() -> String) -> Result<Option<Hit<'a>>, ErrorKind> {
    let Some((best, first)) = matches.first() else {
        return Ok(None);
    };
    if let Some((s, second)) = matches.get(1) {
        if s == best {
            return Err(ErrorKind::Duplicate {
                what: what(),
                first: first.cell.at.to_string(),
                second: second.cell.at.to_string(),
            });
        }
    }
    Ok(Some(*first))
}

/// 表三: columns from the applicant header, rows from their labels. Returns 1 if found.
fn read_t3(grids: &Grids, layout: &Layout, official: &Official, report: &mut Report) -> Result<usize, ErrorKind> {
    let Some(anchor) = anchor(grids, "自然人", "表三（“自然人”列）")? else {
        return Ok(0);
    };
    let grid = grids.grid(anchor.grid);
    let band = anchor.cell.row.saturating_sub(3)..=anchor.cell.row + 3;
    // Column headers: each label's best cell in the header band, right of 自然人 where columns line up.
    let mut headers: Vec<Span> = Vec::with_capacity(T3_COLUMNS.len());
    let mut header_bottom = anchor.cell.row;
    let mut header_cells: Vec<&GridCell> = vec![anchor.cell];
    // The band's cells (rows are sorted), each prepared once for all the columns.
    let cells = grid.cells();
    let from = cells.partition_point(|c| c.row < *band.start());
    let to = cells.partition_point(|c| c.row <= *band.end());
    let band_cells: Vec<(Prepared, &GridCell)> = (from..to)
        .filter_map(|i| Some((grids.prep_at(anchor.grid, i), cells.get(i)?)))
        .filter(|(_, c)| !grid.positional || c.col >= anchor.cell.col)
        .collect();
    for label in official.t3_columns.iter() {
        let best = band_cells
            .iter()
            .filter_map(|(cell, c)| {
                let s = score_prepared(cell, &label);
                (s >= MATCH).then_some((s, *c))
            })
            .max_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(b.1.row.cmp(&a.1.row))
                    .then(b.1.col.cmp(&a.1.col))
            });
        headers.push(best.map(|(_, c)| {
            header_bottom = header_bottom.max(c.row + c.rows - 1);
            header_cells.push(c);
            (c.col, c.last_col())
        }));
    }
    let data_start = anchor.cell.col;
    // In a header row, only cells after its last header can be a row's label.
    let after_headers = |c: &GridCell| {
        header_cells
            .iter()
            .filter(|h| h.row == c.row)
            .all(|h| h.last_col() < c.col)
    };
    // Row labels below the header, until 四、结转下年度继续办理 or the next table.
    let stops = &official.t3_stops;
    let groups = &official.t3_groups;
    let mut rows: HashMap<&'static str, (u32, u32, &GridCell)> = HashMap::default();
    // Where cells carry no position, a row is known by its values rather than by lying below the
    // header: web-page text with a cell a line puts the header and the first row's label and values
    // in one row. A column header is never a row's label there, though 其他 reads like the row
    // 3.其他: in the header's rows only cells after the last header count, and elsewhere a label
    // needs values after it (a header cell in a row of its own has none).
    let first = if grid.positional {
        header_bottom + 1
    } else {
        anchor.cell.row
    };
    for r in grid.rows().filter(|&r| r >= first) {
        let line = grid.line(r);
        if line.iter().any(|c| {
            let norm = grids.norm_of(anchor.grid, c);
            stops.iter().any(|s| s == norm)
        }) {
            break;
        }
        // The row's leaf label: the rightmost label cell that names a row (and, where cells carry
        // no position, has values after it).
        let valued =
            |i: usize| grid.positional || (after_headers(line[i]) && line[i + 1..].iter().any(|v| is_value(&v.text)));
        let leaf = line
            .iter()
            .enumerate()
            .filter(|&(i, c)| c.number.is_none() && (!grid.positional || c.col < data_start) && valued(i))
            .map(|(_, c)| c)
            .rev()
            .find_map(|c| {
                // Group and item in one cell (`（五）不予处理2.重复申请`): the item is the label.
                let norm = without_groups(grids.norm_of(anchor.grid, c), groups);
                // A label as published is found by its text; only another is scored against all.
                let (s, i) = official.t3_rows.best(&prepare(norm))?;
                let code = *official.t3_codes.get(i)?;
                (s >= MATCH).then_some((code, *c))
            });
        let Some((code, cell)) = leaf else { continue };
        let code = match code {
            // （六）其他处理 printed as one row in a 2021 report: its numbers are 3.其他's.
            "g_other" => "other_other",
            c if layout.t3_groups.iter().any(|g| g.code == c) => continue,
            c => c,
        };
        if let Some((_, _, first)) = rows.get(code) {
            // A label cell spanning two rows (a row the page break cut, joined with its border
            // drawn in one column only) is met in each: one row.
            if std::ptr::eq(*first, cell) {
                continue;
            }
            if code == "other_other" && normalize(&first.text) != normalize(&cell.text) {
                // The group heading （六）其他处理 beside its own sub-rows (above them, often with
                // their subtotal): not a row of its own; 3.其他 is.
                if without_groups(&normalize(&first.text), groups).contains("其他处理") {
                    rows.insert(code, (r, cell.last_col(), cell));
                }
                continue;
            }
            return Err(ErrorKind::Duplicate {
                what: format!("表三“{}”行", cell.text.trim()),
                first: first.at.to_string(),
                second: cell.at.to_string(),
            });
        }
        rows.insert(code, (r, cell.last_col(), cell));
        if code == "carry_forward" {
            break;
        }
    }
    // A single （六） row only counts when the three sub-rows are absent.
    if let Some((_, _, c)) = rows.get("other_other") {
        let single = without_groups(&normalize(&c.text), groups).contains("其他处理");
        if single && (rows.contains_key("other_no_correction") || rows.contains_key("other_no_fee")) {
            rows.remove("other_other");
        }
    }
    let mut sorted: Vec<_> = rows.into_iter().collect();
    sorted.sort_by_key(|(_, (r, _, _))| *r);
    for (code, (r, after, cell)) in sorted {
        let cells = place(grid, r, after + 1, &headers, ("表三", cell.text.trim()))?;
        store(report, official.t3_cells(code), &cells);
    }
    Ok(1)
}

/// A 表三 label without the groups written before its item in the same cell: `(三)不予公开1.属于国家
/// 秘密` → `1.属于国家秘密`, `三、本年度办理结果(一)予以公开` → `(一)予以公开`, `(六)其他处理3.其他` →
/// `3.其他`; a group's numbering may be any form or none. A cell that is only a group stays whole.
fn without_groups<'t>(norm: &'t str, groups: &[(String, String)]) -> &'t str {
    let mut rest = norm;
    loop {
        let (_, bare) = split_numbering(rest);
        let Some(next) = groups.iter().find_map(|(g, g_bare)| {
            [g.as_str(), g_bare.as_str()]
                .iter()
                .find_map(|prefix| rest.strip_prefix(prefix).or_else(|| bare.strip_prefix(prefix)))
                .filter(|after| !after.is_empty())
        }) else {
            return rest;
        };
        rest = next;
    }
}

/// 表二: each row by its label, its columns from the nearest header row above. Returns 1 if any
/// row was found.
fn read_t2(grids: &Grids, official: &Official, report: &mut Report) -> Result<usize, ErrorKind> {
    let mut found = 0;
    for block in &official.t2 {
        for (ri, row_label) in block.rows.iter().enumerate() {
            let matches = grids.matching(&row_label);
            let what = block.row_labels.get(ri).copied().unwrap_or_default();
            let Some(label) = unique(&matches, || format!("表二“{what}”行"))? else {
                continue;
            };
            let grid = grids.grid(label.grid);
            let r = label.cell.row;
            // The nearest row above (up to 6 rows) holding this block's column labels.
            let mut headers: Vec<Span> = vec![None; block.columns.len()];
            for hr in (r.saturating_sub(6)..r).rev() {
                let mut any = false;
                for c in grid
                    .row(hr)
                    .iter()
                    .filter(|c| !grid.positional || c.col > label.cell.col)
                {
                    let cell = grids.prep_of(label.grid, c);
                    if let Some(i) = block.columns.first_match(&cell) {
                        headers[i].get_or_insert((c.col, c.last_col()));
                        any = true;
                    }
                }
                if any {
                    break;
                }
            }
            let cells = place(grid, r, label.cell.last_col() + 1, &headers, ("表二", what))?;
            store(report, block.cells.get(ri).map_or(&[], Vec::as_slice), &cells);
            found = 1;
        }
    }
    Ok(found)
}

/// 表四: the header under 行政复议, then the first row of values below it. Returns 1 if found.
fn read_t4(grids: &Grids, official: &Official, report: &mut Report) -> Result<usize, ErrorKind> {
    let Some(anchor) = anchor(grids, "行政复议", "表四（“行政复议”表头）")? else {
        return Ok(0);
    };
    let grid = grids.grid(anchor.grid);
    let per_group = T4_COLUMNS.len() / T4_GROUPS.len();
    // Leaf headers (结果维持 … 总计) in the rows just below the anchor, in reading order.
    let mut leaves: Vec<(usize, &GridCell)> = Vec::new();
    let mut last_header_row = anchor.cell.row;
    for r in grid
        .rows()
        .filter(|&r| r >= anchor.cell.row && r <= anchor.cell.row + 4)
    {
        for c in grid
            .row(r)
            .iter()
            .filter(|c| !grid.positional || c.col >= anchor.cell.col)
        {
            let cell = grids.prep_of(anchor.grid, c);
            if let Some(i) = official.t4_leaves.first_match(&cell) {
                leaves.push((i, c));
                last_header_row = last_header_row.max(c.row + c.rows - 1);
            }
        }
    }
    if grid.positional {
        leaves.sort_by_key(|(_, c)| c.col);
    }
    // Assign leaves to groups in official order: five a group.
    let mut headers: Vec<Span> = vec![None; T4_COLUMNS.len()];
    if leaves.len() == T4_COLUMNS.len() {
        for (n, (i, c)) in leaves.iter().enumerate() {
            headers[n / per_group * per_group + i] = Some((c.col, c.last_col()));
        }
    }
    // The values: the first row below the header with something in it, from 行政复议's column on;
    // in a blank form, the blank row below the header. Where cells carry no position, values after
    // the last header in its own row (web-page text with a cell a line) come first.
    let last_leaf = leaves
        .iter()
        .map(|(_, c)| *c)
        .filter(|c| c.row == last_header_row)
        .max_by_key(|c| c.col);
    let inline = last_leaf.filter(|leaf| {
        !grid.positional
            && grid
                .row(leaf.row)
                .iter()
                .any(|c| c.col > leaf.col && !c.is_blank() && is_value(&c.text))
    });
    let below = || grid.rows().filter(|&r| r > last_header_row);
    let (r, from) = match inline {
        Some(leaf) => (leaf.row, leaf.col + 1),
        None => {
            let Some(r) = below()
                .find(|&r| !grid.row(r).iter().all(GridCell::is_blank))
                .or_else(|| below().next())
            else {
                return Ok(1);
            };
            (r, if grid.positional { anchor.cell.col } else { 0 })
        }
    };
    let cells = place(grid, r, from, &headers, ("表四", "数据行"))?;
    store(report, &official.t4_cells, &cells);
    Ok(1)
}

/// Reads our own template by its defined names: exact, whatever the layout looks like.
fn from_names(doc: &Document, options: &Options) -> Report {
    let names: HashMap<&str, &crate::model::Location> = doc.names.iter().map(|(n, at)| (n.as_str(), at)).collect();
    let lookup = |name: &str| -> Option<&GridCell> {
        let at = names.get(name)?;
        let grid = doc.grids.iter().find(|g| *g.name == *at.sheet)?;
        grid.at(at.row, at.col).filter(|c| c.row == at.row && c.col == at.col)
    };
    // The layout whose cells the names cover best: each layout has cells the other lacks.
    let format = options.format.unwrap_or_else(|| {
        let named = |f: &Format| {
            let covered = f
                .cells()
                .iter()
                .filter(|c| names.contains_key(format!("{NAME_PREFIX}{}", c.code).as_str()));
            (covered.count(), f.cells().len())
        };
        Format::ALL
            .into_iter()
            .max_by(|a, b| {
                let ((ca, na), (cb, nb)) = (named(a), named(b));
                // Covered share first, then more cells covered.
                (ca * nb).cmp(&(cb * na)).then(ca.cmp(&cb))
            })
            .unwrap_or(Format::F2021)
    });
    let mut report = Report::new("", None, format);
    let cells: Vec<Option<&GridCell>> = format
        .cells()
        .iter()
        .map(|c| lookup(&format!("{NAME_PREFIX}{}", c.code)))
        .collect();
    let at: Vec<Option<usize>> = (0..cells.len()).map(Some).collect();
    store(&mut report, &at, &cells);
    report
}

/// Sets the report's agency and year from every place the document names them
/// ([`super::identity`]), with where each was found and the places that disagree.
fn identify(report: &mut Report, doc: &Document, lazy: &LazyGrids, stem: &str, options: &Options, named: bool) {
    let id = super::identity::identify(doc, lazy.get(), stem, options, named);
    let (agency, from) = id.agency.unwrap_or_default();
    report.agency = agency;
    report.source.agency_from = from;
    report.year = id.year.map(|(y, _)| y);
    report.source.year_from = id.year.map_or(Found::None, |(_, f)| f);
    report.source.conflicts = id.conflicts;
}
