//! The official tables as a plan, and the one renderer that writes any plan into a worksheet.
//!
//! Drawing happens in two steps. First a [`Plan`] is made by walking the format tables: a list of
//! [`Item`]s, each a rectangle of the sheet holding a label, a report cell or a live check. Then
//! [`render`] writes a plan into a worksheet: the values or formulas, merged ranges, styles, notes on
//! cells with findings, row heights fitted to the text, and — for a template — validation and
//! protection. Because positions are known before anything is written, formulas can refer to any
//! cell of the plan and the cover can refer to every check.

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::utility::{cell_range, row_col_to_cell};
use rust_xlsxwriter::{
    ConditionalFormatCell, ConditionalFormatCellRule, DataValidation, DataValidationErrorStyle, DataValidationRule,
    Formula, Note, ProtectionOptions, Worksheet, XlsxError,
};

use super::style::{check_marks, line_height, style, text_width, Role};
use super::{CellRef, Mode, Placed, INCOMPLETE, RIGHT, WRONG};
use crate::format::{
    CellDef, Format, Kind, Table, T2_LABEL_HEADER, T3_COLUMNS, T3_COLUMN_GROUP, T3_CORNER_NOTE, T4_COLUMNS, T4_GROUPS,
};
use crate::model::{format_number, Finding, Reading, Report, Severity};
use crate::rules::{equations, sum_rules, Each, Equation, SumRule, SUM_RULES};

/// Zero-based row.
type Row = u32;
/// Zero-based column.
type Col = u16;

/// One rectangle of a sheet and what it holds.
pub struct Item {
    /// Top row.
    pub r0: Row,
    /// Left column.
    pub c0: Col,
    /// Bottom row (inclusive).
    pub r1: Row,
    /// Right column (inclusive).
    pub c1: Col,
    /// Its content.
    pub what: What,
    /// The code a finding may point at: a cell (`t3.new.natural`), a row (`t3.new`) or a table (`t3`).
    pub key: Option<String>,
    /// The defined name it gets, without the `NB.` prefix (`t3.new.natural`, `agency`).
    pub name: Option<String>,
    /// A severity to colour it by, whatever the findings say.
    pub tone: Option<Severity>,
}

/// What an item holds.
pub enum What {
    /// Fixed text.
    Text(String, Role),
    /// A cell of the report.
    Cell(&'static CellDef),
    /// A live check of one equation.
    Check(Equation),
    /// A value on the cover (empty text: an empty cell).
    Field(String, Role),
    /// A formula with the result it shows until recalculated.
    Formula(String, String, Role),
}

/// The items of one sheet and its column widths.
#[derive(Default)]
pub struct Plan {
    /// Everything on the sheet.
    pub items: Vec<Item>,
    /// Column widths, from column A.
    pub widths: Vec<f64>,
}

impl Plan {
    /// A plan with these column widths.
    pub fn new(widths: Vec<f64>) -> Plan {
        Plan {
            items: Vec::new(),
            widths,
        }
    }

    /// Adds an item and returns it, for setting its key or name.
    pub fn put(&mut self, (r0, c0): (Row, Col), (r1, c1): (Row, Col), what: What) -> &mut Item {
        self.items.push(Item {
            r0,
            c0,
            r1,
            c1,
            what,
            key: None,
            name: None,
            tone: None,
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// Adds fixed text.
    pub fn text(&mut self, from: (Row, Col), to: (Row, Col), text: impl Into<String>, role: Role) -> &mut Item {
        self.put(from, to, What::Text(text.into(), role))
    }

    /// Adds the report cell `code`, named and keyed by its code.
    fn cell(&mut self, format: Format, from: (Row, Col), to: (Row, Col), code: &str) {
        let Some(i) = format.cell_index(code) else { return };
        let def = &format.cells()[i];
        let item = self.put(from, to, What::Cell(def));
        item.key = Some(def.code.clone());
        item.name = Some(def.code.clone());
    }

    /// Draws one table with its top at row `top`, `label_cols` columns of row labels on the left
    /// (表二 needs at least 1, 表三 3). Returns the first row below it.
    pub fn table(&mut self, format: Format, table: Table, top: Row, label_cols: Col) -> Row {
        match table {
            Table::T2 => self.t2(format, top, label_cols.max(1)),
            Table::T3 => self.t3(format, top, label_cols.max(format.layout().t3_label_cols())),
            Table::T4 => self.t4(format, top, label_cols),
        }
    }

    /// 表二: per block, a header row 第二十条第（X）项, a row of column labels, its data rows. Blocks
    /// with fewer columns than the widest stretch their last column to the same right edge.
    fn t2(&mut self, format: Format, top: Row, lc: Col) -> Row {
        let layout = format.layout();
        let width = layout.t2.iter().map(|b| b.columns.len()).max().unwrap_or(1) as Col;
        let last = lc + width - 1;
        self.text((top, 0), (top, last), layout.sections[1], Role::Heading).key = Some("t2".into());
        let mut r = top + 1;
        for block in layout.t2 {
            self.text((r, 0), (r, last), block.article, Role::Header);
            r += 1;
            let n = block.columns.len() as Col;
            let span = |i: Col| (lc + i, if i + 1 == n { last } else { lc + i });
            self.text((r, 0), (r, lc - 1), T2_LABEL_HEADER, Role::Header);
            for (i, col) in (0..).zip(block.columns) {
                let (a, b) = span(i);
                self.text((r, a), (r, b), col.label, Role::Header);
            }
            r += 1;
            for row in block.rows {
                self.text((r, 0), (r, lc - 1), row.label, Role::Label).key = Some(format!("t2.{}", row.code));
                for (i, col) in (0..).zip(block.columns) {
                    let (a, b) = span(i);
                    self.cell(format, (r, a), (r, b), &format!("t2.{}.{}", row.code, col.code));
                }
                r += 1;
            }
        }
        r
    }

    /// 表三: the corner note over the label columns, 申请人情况 over the columns, rows labelled at
    /// their depth under 三、本年度办理结果 and its groups, checks along the rows (right) and down the
    /// columns (below).
    fn t3(&mut self, format: Format, top: Row, lc: Col) -> Row {
        let layout = format.layout();
        let n = T3_COLUMNS.len() as Col;
        let row_rules: Vec<&SumRule> = sum_rules(Each::T3Row).collect();
        let col_rules: Vec<&SumRule> = sum_rules(Each::T3Column).collect();
        let last = lc + n - 1 + row_rules.len() as Col;
        self.text((top, 0), (top, last), layout.sections[2], Role::Heading).key = Some("t3".into());
        let h = top + 1;
        let chains: Vec<Vec<&str>> = T3_COLUMNS
            .iter()
            .map(|c| {
                [Some(T3_COLUMN_GROUP), c.group, Some(c.label)]
                    .into_iter()
                    .flatten()
                    .collect()
            })
            .collect();
        let levels = self.header(h, lc, &chains);
        self.text((h, 0), (h + levels - 1, lc - 1), T3_CORNER_NOTE, Role::Note);
        for (k, rule) in (0..).zip(&row_rules) {
            let c = lc + n + k;
            self.text(
                (h, c),
                (h + levels - 1, c),
                format!("校验：{}", rule.rule.title),
                Role::CheckHeader,
            );
        }
        let first = h + levels;
        let col_of = |code: &str| T3_COLUMNS.iter().position(|c| c.code == code).map(|j| lc + j as Col);
        let row_checks: Vec<Vec<Equation>> = row_rules.iter().map(|rule| equations(format, rule)).collect();
        for (r, row) in (first..).zip(layout.t3_rows) {
            let depth = layout.t3_ancestors(row.code).len().min(lc as usize - 1) as Col;
            self.text((r, depth), (r, lc - 1), row.label, Role::Label).key = Some(format!("t3.{}", row.code));
            for col in T3_COLUMNS {
                let c = col_of(col.code).unwrap_or(lc);
                self.cell(format, (r, c), (r, c), &format!("t3.{}.{}", row.code, col.code));
            }
            for (k, eqs) in (0..).zip(&row_checks) {
                if let Some(eq) = eqs.iter().find(|e| e.on == row.code) {
                    self.put((r, lc + n + k), (r, lc + n + k), What::Check(eq.clone()));
                }
            }
        }
        for group in layout.t3_groups {
            let under: Vec<Row> = (first..)
                .zip(layout.t3_rows)
                .filter(|(_, row)| layout.t3_is_under(row.code, group.code))
                .map(|(r, _)| r)
                .collect();
            let (Some(&a), Some(&b)) = (under.first(), under.last()) else {
                continue;
            };
            let c = layout.t3_ancestors(group.code).len().min(lc as usize - 1) as Col;
            self.text((a, c), (b, c), group.label, Role::Group);
        }
        let mut r = first + layout.t3_rows.len() as Row;
        for rule in col_rules {
            self.text(
                (r, 0),
                (r, lc - 1),
                format!("校验：{}", rule.rule.title),
                Role::CheckHeader,
            );
            for eq in equations(format, rule) {
                if let Some(c) = col_of(eq.on) {
                    self.put((r, c), (r, c), What::Check(eq));
                }
            }
            r += 1;
        }
        r
    }

    /// 表四: 行政复议 and 行政诉讼 over their groups, the leaves, one data row, then each group's check
    /// under its columns.
    fn t4(&mut self, format: Format, top: Row, lc: Col) -> Row {
        let n = T4_COLUMNS.len() as Col;
        let last = lc + n - 1;
        self.text((top, 0), (top, last), format.layout().sections[3], Role::Heading)
            .key = Some("t4".into());
        let h = top + 1;
        let chains: Vec<Vec<&str>> = T4_COLUMNS
            .iter()
            .map(|c| {
                let parent = T4_GROUPS
                    .iter()
                    .find(|g| Some(g.label) == c.group)
                    .and_then(|g| g.parent);
                [parent, c.group, Some(c.label)].into_iter().flatten().collect()
            })
            .collect();
        let levels = self.header(h, lc, &chains);
        let mut r = h + levels;
        for (c, col) in (lc..).zip(T4_COLUMNS) {
            self.cell(format, (r, c), (r, c), &format!("t4.{}", col.code));
        }
        r += 1;
        for rule in sum_rules(Each::T4Group) {
            let title = format!("校验：{}", rule.rule.title);
            if lc > 0 {
                self.text((r, 0), (r, lc - 1), title, Role::CheckHeader);
            } else {
                self.text((r, 0), (r, last), title, Role::CheckHeader);
                r += 1;
            }
            for eq in equations(format, rule) {
                let label = T4_GROUPS.iter().find(|g| g.code == eq.on).map(|g| g.label);
                let cols: Vec<Col> = (lc..)
                    .zip(T4_COLUMNS)
                    .filter(|(_, c)| c.group.is_some() && c.group == label)
                    .map(|(c, _)| c)
                    .collect();
                if let (Some(&a), Some(&b)) = (cols.first(), cols.last()) {
                    self.put((r, a), (r, b), What::Check(eq));
                }
            }
            r += 1;
        }
        r
    }

    /// Header rows for columns from `first`, each described by its chain of labels from the top
    /// (`申请人情况` › `法人或其他组织` › `商业企业`). Neighbours sharing a chain's start share one merged
    /// cell; a chain shorter than the deepest stretches its leaf down to the last header row.
    /// Returns the number of header rows.
    fn header(&mut self, top: Row, first: Col, chains: &[Vec<&str>]) -> Row {
        let levels = chains.iter().map(Vec::len).max().unwrap_or(1);
        for level in 0..levels {
            let r = top + level as Row;
            let mut i = 0;
            while i < chains.len() {
                let chain = &chains[i];
                let c = first + i as Col;
                if level + 1 == chain.len() {
                    self.text((r, c), (top + levels as Row - 1, c), chain[level], Role::Header);
                } else if level + 1 < chain.len() {
                    let mut j = i;
                    while j + 1 < chains.len()
                        && chains[j + 1].len() > level + 1
                        && chains[j + 1][..=level] == chain[..=level]
                    {
                        j += 1;
                    }
                    self.text((r, c), (r, first + j as Col), chain[level], Role::Header);
                    i = j;
                }
                i += 1;
            }
        }
        levels as Row
    }
}

/// What a report cell holds in the workbook.
enum Written {
    Number(f64),
    Text(String),
    Empty,
    /// A formula summing these cells (a template's totals).
    Sum(Vec<String>),
}

/// The findings on one cell, row or table.
struct Mark {
    severity: Severity,
    lines: Vec<String>,
}

/// What every sheet of one workbook needs to know: the report, how to draw it, the findings.
pub struct Ctx<'a> {
    report: &'a Report,
    mode: Mode,
    /// Each total cell and the cells it sums, from the rules whose left side is that one cell.
    totals: HashMap<String, Vec<String>>,
    marks: HashMap<String, Mark>,
}

impl<'a> Ctx<'a> {
    /// The context of drawing `report` with `findings` marked.
    pub fn new(report: &'a Report, findings: &[Finding], mode: Mode) -> Ctx<'a> {
        let mut totals: HashMap<String, Vec<String>> = HashMap::new();
        for eq in SUM_RULES.iter().flat_map(|r| equations(report.format, r)) {
            if eq.left.len() == 1 && eq.left[0] == eq.target {
                totals.entry(eq.target).or_insert(eq.right);
            }
        }
        let mut marks: HashMap<String, Mark> = HashMap::new();
        for f in findings {
            let line = format!("【{}】{}（{}）", f.severity.name(), f.message, f.rule);
            let sum_rule = SUM_RULES.iter().any(|r| r.rule.id == f.rule);
            let mut keys = vec![f.cell.clone()];
            if !sum_rule {
                keys.extend(f.cells.iter().cloned());
            }
            keys.retain(|k| !k.is_empty());
            keys.dedup();
            for key in keys {
                let mark = marks.entry(key).or_insert(Mark {
                    severity: f.severity,
                    lines: Vec::new(),
                });
                mark.severity = mark.severity.min(f.severity);
                if !mark.lines.contains(&line) {
                    mark.lines.push(line.clone());
                }
            }
        }
        Ctx {
            report,
            mode,
            totals,
            marks,
        }
    }

    fn written(&self, def: &CellDef) -> Written {
        if self.mode == Mode::Template {
            if let Some(cells) = self.totals.get(&def.code) {
                return Written::Sum(cells.clone());
            }
        }
        match self.report.value(&def.code) {
            None => Written::Empty,
            Some(v) => match (v.number, v.reading) {
                (_, Reading::Blank) => Written::Empty,
                (Some(n), Reading::Number | Reading::UnitAssumed) => Written::Number(n),
                _ => Written::Text(v.raw.clone()),
            },
        }
    }

    /// The number a cell shows: `None` while it is empty or holds text.
    fn shown(&self, code: &str) -> Option<f64> {
        let def = self
            .report
            .format
            .cell_index(code)
            .map(|i| &self.report.format.cells()[i])?;
        match self.written(def) {
            Written::Number(n) => Some(n),
            Written::Sum(cells) => {
                let terms: Vec<f64> = cells.iter().filter_map(|c| self.shown(c)).collect();
                (!terms.is_empty()).then(|| terms.iter().sum())
            }
            Written::Text(_) | Written::Empty => None,
        }
    }

    /// What a check shows for the values drawn: 正确, 错误 or 未填完.
    pub fn state(&self, eq: &Equation) -> &'static str {
        let sum = |codes: &[String]| codes.iter().map(|c| self.shown(c)).sum::<Option<f64>>();
        match (sum(&eq.left), sum(&eq.right)) {
            (Some(l), Some(r)) if (l - r).abs() < TOLERANCE => RIGHT,
            (Some(_), Some(_)) => WRONG,
            _ => INCOMPLETE,
        }
    }

    /// The role a report cell is drawn in.
    fn role(&self, def: &CellDef) -> Role {
        if self.totals.contains_key(&def.code) {
            Role::Total(def.kind)
        } else {
            Role::Input(def.kind)
        }
    }
}

/// Two sums this close are equal: amounts have four decimals.
const TOLERANCE: f64 = 0.00005;

/// Writes `plan` into `ws` (named `sheet`), recording names and checks in `placed`.
pub fn render(ws: &mut Worksheet, sheet: &str, plan: &Plan, ctx: &Ctx, placed: &mut Placed) -> Result<(), XlsxError> {
    for (c, w) in (0..).zip(&plan.widths) {
        ws.set_column_width(c, *w)?;
    }
    // A total of empty cells shows nothing, and so must its stored result.
    ws.set_formula_result_default("");
    let at: HashMap<&str, (Row, Col)> = plan
        .items
        .iter()
        .filter_map(|i| match &i.what {
            What::Cell(d) => Some((d.code.as_str(), (i.r0, i.c0))),
            _ => None,
        })
        .collect();
    let refs = |codes: &[String]| -> Option<String> {
        let cells = codes
            .iter()
            .map(|c| at.get(c.as_str()).copied())
            .collect::<Option<Vec<_>>>()?;
        Some(ranges(cells).join(","))
    };
    let mut inputs: Vec<(Kind, Vec<(Row, Col)>)> = Vec::new();
    let mut checks: Vec<(Row, Col)> = Vec::new();
    for item in &plan.items {
        let (r, c) = (item.r0, item.c0);
        let mark = item.key.as_ref().and_then(|k| ctx.marks.get(k));
        let role = match &item.what {
            What::Text(_, role) | What::Field(_, role) | What::Formula(_, _, role) => *role,
            What::Cell(def) => ctx.role(def),
            What::Check(_) => Role::Check,
        };
        let fmt = style(role, mark.map(|m| m.severity).or(item.tone));
        let merged = item.r0 != item.r1 || item.c0 != item.c1;
        if merged {
            ws.merge_range(item.r0, item.c0, item.r1, item.c1, "", &fmt)?;
        }
        match &item.what {
            What::Text(text, _) => {
                ws.write_string_with_format(r, c, text, &fmt)?;
            }
            What::Field(text, _) if text.is_empty() => {
                if !merged {
                    ws.write_blank(r, c, &fmt)?;
                }
            }
            What::Field(text, _) => {
                ws.write_string_with_format(r, c, text, &fmt)?;
            }
            What::Formula(formula, cached, _) => {
                ws.write_formula_with_format(r, c, Formula::new(formula).set_result(cached), &fmt)?;
            }
            What::Cell(def) => match ctx.written(def) {
                Written::Number(n) => {
                    ws.write_number_with_format(r, c, n, &fmt)?;
                }
                Written::Text(t) => {
                    ws.write_string_with_format(r, c, &t, &fmt)?;
                }
                Written::Empty => {
                    if !merged {
                        ws.write_blank(r, c, &fmt)?;
                    }
                }
                Written::Sum(cells) => {
                    if let Some(refs) = refs(&cells) {
                        let cached = ctx.shown(&def.code).map(format_number).unwrap_or_default();
                        let formula = format!("IF(COUNT({refs})=0,\"\",SUM({refs}))");
                        ws.write_formula_with_format(r, c, Formula::new(formula).set_result(cached), &fmt)?;
                    }
                }
            },
            What::Check(eq) => {
                let all: Vec<String> = eq.left.iter().chain(&eq.right).cloned().collect();
                if let (Some(l), Some(rt), Some(every)) = (refs(&eq.left), refs(&eq.right), refs(&all)) {
                    let formula = format!(
                        "IF(COUNT({every})<{n},\"{INCOMPLETE}\",IF(ABS(SUM({l})-SUM({rt}))<{TOLERANCE},\"{RIGHT}\",\"{WRONG}\"))",
                        n = all.len()
                    );
                    let state = ctx.state(eq);
                    ws.write_formula_with_format(r, c, Formula::new(formula).set_result(state), &fmt)?;
                    checks.push((r, c));
                    placed.checks.push((CellRef::new(sheet, r, c), state));
                }
            }
        }
        if let (Role::Input(kind), Mode::Template) = (role, ctx.mode) {
            match inputs.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, cells)) => cells.push((r, c)),
                None => inputs.push((kind, vec![(r, c)])),
            }
        }
        if let Some(name) = &item.name {
            placed.cells.insert(name.clone(), CellRef::new(sheet, r, c));
        }
        if let Some(m) = mark {
            ws.insert_note(r, c, &note(&m.lines))?;
        }
    }
    for (row, height) in heights(plan) {
        ws.set_row_height(row, height)?;
    }
    if !checks.is_empty() {
        let range = ranges(checks.clone()).join(" ");
        let (r, c) = checks[0];
        for (text, format) in check_marks() {
            let cf = ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::EqualTo(text))
                .set_format(format)
                .set_multi_range(range.as_str());
            ws.add_conditional_format(r, c, r, c, &cf)?;
        }
    }
    if ctx.mode == Mode::Template {
        for (kind, cells) in &inputs {
            let (r, c) = cells[0];
            let dv = validation(*kind)?.set_multi_range(ranges(cells.clone()).join(" "));
            ws.add_data_validation(r, c, r, c, &dv)?;
        }
        ws.protect_with_options(&ProtectionOptions {
            format_columns: true,
            format_rows: true,
            ..ProtectionOptions::new()
        });
    }
    Ok(())
}

/// The data validation of an input cell of `kind`, with its messages in Chinese.
fn validation(kind: Kind) -> Result<DataValidation, XlsxError> {
    let (dv, title, input, error) = match kind {
        Kind::Count => (
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            "件数",
            "请填写不小于 0 的整数。没有的填 0，不要留空，不要填“—”“/”“无”。",
            "这里只能填写不小于 0 的整数（件数）。没有的请填 0。",
        ),
        Kind::Signed => (
            DataValidation::new().allow_whole_number(DataValidationRule::Between(-SIGNED_LIMIT, SIGNED_LIMIT)),
            "本年增/减",
            "请填写整数：增加填正数，减少填负数（如 -8），没有变化填 0。",
            "这里只能填写整数：增加填正数，减少填负数（如 -8），没有变化填 0。",
        ),
        Kind::Amount => (
            DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
            "金额（万元）",
            "请填写金额，单位为万元，最多 4 位小数（1 元 = 0.0001 万元）。没有的填 0。",
            "这里只能填写不小于 0 的金额，单位为万元（如 1.25 表示 1.25 万元）。",
        ),
    };
    Ok(dv
        .set_input_title(title)?
        .set_input_message(input)?
        .set_error_title("填写有误")?
        .set_error_message(error)?
        .set_error_style(DataValidationErrorStyle::Stop))
}

/// The largest change 本年增/减 accepts either way.
const SIGNED_LIMIT: i32 = 1_000_000_000;

/// A cell note holding the findings on a cell.
fn note(lines: &[String]) -> Note {
    let width = 380;
    let per_line = 26.0;
    let rows: f64 = lines
        .iter()
        .map(|l| (text_width(l, 11.0) / 2.0 / per_line).ceil().max(1.0))
        .sum();
    Note::new(lines.join("\n"))
        .set_author("nianbao")
        .add_author_prefix(false)
        .set_font_name("宋体")
        .set_font_size(10)
        .set_width(width)
        .set_height((rows * 17.0 + 16.0) as u32)
}

/// Cells as few A1 references as possible: runs down a column, then side-by-side runs of equal
/// height joined into rectangles.
pub fn ranges(mut cells: Vec<(Row, Col)>) -> Vec<String> {
    cells.sort_by_key(|&(r, c)| (c, r));
    cells.dedup();
    let mut runs: Vec<(Row, Col, Row, Col)> = Vec::new();
    for (r, c) in cells {
        match runs.last_mut() {
            Some(run) if run.1 == c && run.2 + 1 == r => run.2 = r,
            _ => runs.push((r, c, r, c)),
        }
    }
    runs.sort_by_key(|&(r0, c0, r1, _)| (r0, r1, c0));
    let mut blocks: Vec<(Row, Col, Row, Col)> = Vec::new();
    for run in runs {
        match blocks.last_mut() {
            Some(b) if b.0 == run.0 && b.2 == run.2 && b.3 + 1 == run.1 => b.3 = run.3,
            _ => blocks.push(run),
        }
    }
    blocks
        .into_iter()
        .map(|(r0, c0, r1, c1)| {
            if (r0, c0) == (r1, c1) {
                row_col_to_cell(r0, c0)
            } else {
                cell_range(r0, c0, r1, c1)
            }
        })
        .collect()
}

/// The smallest height of a row holding a table cell, in points.
const MIN_ROW: f64 = 20.0;

/// Row heights that show every text whole: each row as tall as its tallest single-row text, then
/// rows under a taller merged text grown evenly until it fits.
fn heights(plan: &Plan) -> BTreeMap<Row, f64> {
    let need = |item: &Item| -> f64 {
        let (text, role) = match &item.what {
            What::Text(t, role) | What::Field(t, role) => (t.as_str(), *role),
            What::Formula(_, cached, role) => (cached.as_str(), *role),
            What::Cell(_) | What::Check(_) => ("", Role::Check),
        };
        let size = role.font_size();
        let avail: f64 = (item.c0..=item.c1)
            .map(|c| plan.widths.get(c as usize).copied().unwrap_or(8.43))
            .sum::<f64>()
            - 1.5
            - role.indent_width();
        let lines: f64 = text
            .split('\n')
            .map(|p| (text_width(p, size) / avail.max(1.0)).ceil().max(1.0))
            .sum();
        (lines * line_height(size) + 6.0).max(MIN_ROW)
    };
    let mut out: BTreeMap<Row, f64> = BTreeMap::new();
    for item in plan.items.iter().filter(|i| i.r0 == i.r1) {
        let h = out.entry(item.r0).or_insert(MIN_ROW);
        *h = h.max(need(item));
    }
    for item in plan.items.iter().filter(|i| i.r0 != i.r1) {
        let rows = item.r0..=item.r1;
        let have: f64 = rows.clone().map(|r| *out.entry(r).or_insert(MIN_ROW)).sum();
        let short = need(item) - have;
        if short > 0.0 {
            let each = short / (item.r1 - item.r0 + 1) as f64;
            for r in rows {
                *out.entry(r).or_insert(MIN_ROW) += each;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_join_runs_and_blocks() {
        assert_eq!(ranges(vec![(4, 3), (5, 3), (6, 3)]), ["D5:D7"]);
        assert_eq!(ranges(vec![(4, 3), (4, 4), (5, 3), (5, 4), (9, 3)]), ["D5:E6", "D10"]);
        assert_eq!(ranges(vec![(2, 0), (2, 1), (2, 2)]), ["A3:C3"]);
        assert_eq!(ranges(vec![(0, 0), (2, 0)]), ["A1", "A3"]);
    }
}
