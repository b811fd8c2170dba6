//! The official labels of a layout as the matcher uses them: normalized, split for scoring and
//! indexed once a process (at first use), never once a file.
//!
//! Reading a return made by other software is finding the official labels among its cells
//! ([`super::extract`]). The labels are fixed per layout, so everything the matcher needs of them —
//! the normalized text, where it splits ([`Prepared`]), an index by the text without numbering, the
//! positions in [`Format::cells`] each row's values go to — is worked out here once, and each file
//! only looks its cells up.

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;

use crate::format::{Format, T3_COLUMNS, T4_COLUMNS, T4_GROUPS};
use crate::label::{normalize, prepare, score_prepared, split_numbering, Prepared, MATCH};

/// A list of labels, normalized and split once, found by their text without numbering.
#[derive(Debug, Clone, Default)]
pub(crate) struct Labels {
    norms: Vec<String>,
    parts: Vec<[u32; 3]>,
    /// Each text without its numbering, with the positions of the labels that have it.
    by_rest: HashMap<String, Vec<usize>>,
}

impl Labels {
    pub(crate) fn new<'a>(labels: impl IntoIterator<Item = &'a str>) -> Labels {
        let norms: Vec<String> = labels.into_iter().map(normalize).collect();
        let parts: Vec<[u32; 3]> = norms.iter().map(|n| prepare(n).parts()).collect();
        let mut by_rest: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, n) in norms.iter().enumerate() {
            by_rest.entry(prepare(n).rest().to_string()).or_default().push(i);
        }
        Labels { norms, parts, by_rest }
    }

    /// Label `i`, prepared for scoring.
    pub(crate) fn get(&self, i: usize) -> Prepared<'_> {
        match (self.norms.get(i), self.parts.get(i)) {
            (Some(n), Some(p)) => Prepared::with_parts(n, *p),
            _ => prepare(""),
        }
    }

    /// How many labels there are.
    pub(crate) fn len(&self) -> usize {
        self.norms.len()
    }

    /// Every label in order, prepared.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Prepared<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The first label, in order, that `cell` matches (scores at least [`MATCH`] against).
    pub(crate) fn first_match(&self, cell: &Prepared) -> Option<usize> {
        (0..self.len()).find(|&i| score_prepared(cell, &self.get(i)) >= MATCH)
    }

    /// The label `cell` matches best and its score (the last of equals): among the labels with
    /// the cell's text without numbering when there are such, else among all.
    pub(crate) fn best(&self, cell: &Prepared) -> Option<(f32, usize)> {
        let score = |i: usize| (score_prepared(cell, &self.get(i)), i);
        match self.by_rest.get(cell.rest()) {
            Some(exact) if !exact.is_empty() => exact.iter().map(|&i| score(i)).max_by(|a, b| a.0.total_cmp(&b.0)),
            _ => (0..self.len()).map(score).max_by(|a, b| a.0.total_cmp(&b.0)),
        }
    }
}

/// What the matcher knows of one layout's tables.
#[derive(Debug, Clone)]
pub(crate) struct Official {
    /// 表三's applicant columns (自然人 … 总计).
    pub(crate) t3_columns: Labels,
    /// 表三's row labels, then its group headings; the code of each.
    pub(crate) t3_rows: Labels,
    pub(crate) t3_codes: Vec<&'static str>,
    /// 表三's group headings, normalized, and without their numbering.
    pub(crate) t3_groups: Vec<(String, String)>,
    /// Labels that end 表三 (the next table's).
    pub(crate) t3_stops: Vec<String>,
    /// For each 表三 row code, where each column's value goes in [`Format::cells`].
    t3_cells: HashMap<&'static str, Vec<Option<usize>>>,
    /// 表二, block by block: its row labels and column labels, and for each row where each
    /// column's value goes.
    pub(crate) t2: Vec<T2Block>,
    /// 表四's leaf headers of one group (结果维持 … 总计).
    pub(crate) t4_leaves: Labels,
    /// Where each of 表四's values goes.
    pub(crate) t4_cells: Vec<Option<usize>>,
}

/// One block of 表二 (see [`Official::t2`]).
#[derive(Debug, Clone)]
pub(crate) struct T2Block {
    pub(crate) rows: Labels,
    /// The rows' official labels as printed (for messages).
    pub(crate) row_labels: Vec<&'static str>,
    pub(crate) columns: Labels,
    pub(crate) cells: Vec<Vec<Option<usize>>>,
}

impl Official {
    fn new(format: Format) -> Official {
        let layout = format.layout();
        let index = |code: String| format.cell_index(&code);
        let t3_all = || layout.t3_rows.iter().chain(layout.t3_groups);
        let t3_cells = t3_all()
            .map(|r| {
                let cells = T3_COLUMNS
                    .iter()
                    .map(|c| index(format!("t3.{}.{}", r.code, c.code)))
                    .collect();
                (r.code, cells)
            })
            .collect();
        let per_group = T4_COLUMNS.len() / T4_GROUPS.len().max(1);
        Official {
            t3_columns: Labels::new(T3_COLUMNS.iter().map(|c| c.label)),
            t3_rows: Labels::new(t3_all().map(|r| r.label)),
            t3_codes: t3_all().map(|r| r.code).collect(),
            t3_groups: layout
                .t3_groups
                .iter()
                .map(|g| {
                    let g = normalize(g.label);
                    let bare = split_numbering(&g).1.to_string();
                    (g, bare)
                })
                .collect(),
            t3_stops: ["行政复议", "信息内容", "第二十条第(一)项"]
                .iter()
                .map(|s| normalize(s))
                .collect(),
            t3_cells,
            t2: layout
                .t2
                .iter()
                .map(|b| T2Block {
                    rows: Labels::new(b.rows.iter().map(|r| r.label)),
                    row_labels: b.rows.iter().map(|r| r.label).collect(),
                    columns: Labels::new(b.columns.iter().map(|c| c.label)),
                    cells: b
                        .rows
                        .iter()
                        .map(|r| {
                            b.columns
                                .iter()
                                .map(|c| index(format!("t2.{}.{}", r.code, c.code)))
                                .collect()
                        })
                        .collect(),
                })
                .collect(),
            t4_leaves: Labels::new(T4_COLUMNS[..per_group].iter().map(|c| c.label)),
            t4_cells: T4_COLUMNS.iter().map(|c| index(format!("t4.{}", c.code))).collect(),
        }
    }

    /// Where the values of 表三's row `code` go, one position per column of [`T3_COLUMNS`].
    pub(crate) fn t3_cells(&self, code: &str) -> &[Option<usize>] {
        self.t3_cells.get(code).map_or(&[], Vec::as_slice)
    }
}

/// The matcher's tables of `format`: the official layouts' built once a process, another
/// layout's (a revision being tried out) built on each call.
pub(crate) fn official(format: Format) -> Cow<'static, Official> {
    static ALL: OnceLock<Vec<Official>> = OnceLock::new();
    let all = ALL.get_or_init(|| Format::ALL.iter().map(|&f| Official::new(f)).collect());
    match Format::ALL.iter().position(|f| *f == format).and_then(|i| all.get(i)) {
        Some(o) => Cow::Borrowed(o),
        None => Cow::Owned(Official::new(format)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_found_by_their_text_or_by_score() {
        let l = Labels::new([
            "（一）予以公开",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "规章",
        ]);
        let cell = normalize("1、予以公开");
        assert_eq!(l.best(&prepare(&cell)).map(|(s, i)| (s >= MATCH, i)), Some((true, 0)));
        let cell = normalize("部分公开");
        assert_eq!(l.best(&prepare(&cell)).map(|(s, i)| (s >= MATCH, i)), Some((true, 1)));
        assert_eq!(l.first_match(&prepare("规范性文件")), None);
        let f = official(Format::F2021);
        assert_eq!(f.t3_cells("new").len(), T3_COLUMNS.len());
        assert_eq!(f.t3_cells("new")[0], Format::F2021.cell_index("t3.new.natural"));
        assert_eq!(f.t4_cells.len(), T4_COLUMNS.len());
    }
}
