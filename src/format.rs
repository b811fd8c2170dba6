//! The two official layouts of the report, as data.
//!
//! Everything nianbao knows about the tables — every row, column, official label, code, the
//! parent/child structure of 表三 and the kind of every cell — lives in the constant tables of this
//! module and nowhere else. Readers, checks, writers and the template all walk these tables, so a
//! change of the official format is an edit here. `fixtures/spec/formats.json` is the reference the
//! tests hold these tables against.

use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// One of the two official layouts.
///
/// ```
/// use nianbao::format::Format;
/// assert_eq!(Format::for_year(2020), Format::F2019);
/// assert_eq!(Format::for_year(2025), Format::F2021);
/// assert_eq!(Format::F2021.to_string(), "2021");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Format {
    /// 国办公开办函〔2019〕60号, reports of 2019 and 2020.
    #[serde(rename = "2019")]
    F2019,
    /// 国办公开办函〔2021〕30号, reports of 2021 onward.
    #[serde(rename = "2021")]
    F2021,
}

/// The first report year of the 2021 layout: the one place that decides which layout a year uses.
const FIRST_YEAR_2021: i32 = 2021;

impl Format {
    /// Both layouts, oldest first.
    pub const ALL: [Format; 2] = [Format::F2019, Format::F2021];

    /// The layout the official rules prescribe for reports of `year`.
    pub fn for_year(year: i32) -> Format {
        if year >= FIRST_YEAR_2021 {
            Format::F2021
        } else {
            Format::F2019
        }
    }

    /// The code used in JSON, CSV and on the command line (`"2019"`, `"2021"`).
    pub fn code(self) -> &'static str {
        match self {
            Format::F2019 => "2019",
            Format::F2021 => "2021",
        }
    }

    /// Parses `"2019"` or `"2021"`.
    pub fn from_code(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.code() == s.trim())
    }

    /// The layout's tables.
    pub fn layout(self) -> &'static Layout {
        match self {
            Format::F2019 => &LAYOUT_2019,
            Format::F2021 => &LAYOUT_2021,
        }
    }

    /// Every cell of the layout in official order (表二, 表三, 表四).
    pub fn cells(self) -> &'static [CellDef] {
        &self.index().cells
    }

    /// The position of a cell code (`"t3.new.natural"`) in [`Format::cells`].
    pub fn cell_index(self, code: &str) -> Option<usize> {
        self.index().by_code.get(code).copied()
    }

    fn index(self) -> &'static CellIndex {
        static INDEX: [OnceLock<CellIndex>; 2] = [OnceLock::new(), OnceLock::new()];
        let slot = match self {
            Format::F2019 => &INDEX[0],
            Format::F2021 => &INDEX[1],
        };
        slot.get_or_init(|| CellIndex::build(self.layout()))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The three numeric tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    /// 表二 主动公开政府信息情况
    T2,
    /// 表三 收到和处理政府信息公开申请情况
    T3,
    /// 表四 政府信息公开行政复议、行政诉讼情况
    T4,
}

impl Table {
    /// All three, in report order.
    pub const ALL: [Table; 3] = [Table::T2, Table::T3, Table::T4];

    /// `"t2"`, `"t3"`, `"t4"`.
    pub fn code(self) -> &'static str {
        match self {
            Table::T2 => "t2",
            Table::T3 => "t3",
            Table::T4 => "t4",
        }
    }

    /// The usual Chinese name, `表二` …
    pub fn name(self) -> &'static str {
        match self {
            Table::T2 => "表二",
            Table::T3 => "表三",
            Table::T4 => "表四",
        }
    }

    /// The official title of the table.
    pub fn title(self) -> &'static str {
        match self {
            Table::T2 => "主动公开政府信息情况",
            Table::T3 => "收到和处理政府信息公开申请情况",
            Table::T4 => "政府信息公开行政复议、行政诉讼情况",
        }
    }
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A whole number ≥ 0.
    Count,
    /// A whole number that may be negative (2019 表二 本年增/减).
    Signed,
    /// Money in 万元, ≥ 0, up to 4 decimals.
    Amount,
}

/// A row or a column: code and official label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Stable ASCII code.
    pub code: &'static str,
    /// Official label, exactly as in the format.
    pub label: &'static str,
}

impl Line {
    const fn new(code: &'static str, label: &'static str) -> Line {
        Line { code, label }
    }
}

/// A column of 表二 with the kind of its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Stable ASCII code.
    pub code: &'static str,
    /// Official label.
    pub label: &'static str,
    /// What its cells hold.
    pub kind: Kind,
}

impl Column {
    const fn new(code: &'static str, label: &'static str, kind: Kind) -> Column {
        Column { code, label, kind }
    }
}

/// One block of 表二: a 第二十条 article with its rows and columns.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// The block's heading, `第二十条第（一）项`.
    pub article: &'static str,
    /// Its rows.
    pub rows: &'static [Line],
    /// Its columns.
    pub columns: &'static [Column],
}

/// A row of 表三 (or a group heading), with its parent group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowDef {
    /// Stable ASCII code.
    pub code: &'static str,
    /// Official label.
    pub label: &'static str,
    /// The group it belongs to (`results`, `g_denied` …), `None` at the top.
    pub parent: Option<&'static str>,
}

impl RowDef {
    const fn new(code: &'static str, label: &'static str, parent: Option<&'static str>) -> RowDef {
        RowDef { code, label, parent }
    }
}

/// A column of 表三 or 表四 with the header group above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupedColumn {
    /// Stable ASCII code.
    pub code: &'static str,
    /// Official leaf label.
    pub label: &'static str,
    /// The header over it (`法人或其他组织`, `行政复议` …), if any.
    pub group: Option<&'static str>,
}

impl GroupedColumn {
    const fn new(code: &'static str, label: &'static str, group: Option<&'static str>) -> Self {
        GroupedColumn { code, label, group }
    }
}

/// One official layout: every table as data.
#[derive(Debug)]
pub struct Layout {
    /// Which layout this is.
    pub format: Format,
    /// The official document that prescribes it.
    pub issued_by: &'static str,
    /// The six section headings.
    pub sections: [&'static str; 6],
    /// 表二 blocks in order.
    pub t2: &'static [Block],
    /// Whether 表二's amount column names its unit (万元) in the header.
    pub amount_unit_in_header: bool,
    /// 表三 rows in official order (leaf rows and total rows; groups are in `t3_groups`).
    pub t3_rows: &'static [RowDef],
    /// 表三 group headings (rows with no cells of their own).
    pub t3_groups: &'static [RowDef],
    /// Labels that only this layout has, used to tell the layouts apart.
    pub signatures: &'static [&'static str],
}

/// 表三's corner note: the official statement of `T3_BALANCE`.
pub const T3_CORNER_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// 表三's header over the applicant columns.
pub const T3_COLUMN_GROUP: &str = "申请人情况";
/// 表二's label column header.
pub const T2_LABEL_HEADER: &str = "信息内容";
/// 表四's header over both litigation groups.
pub const T4_SUIT: &str = "行政诉讼";

/// 表三's columns: identical in both layouts.
pub const T3_COLUMNS: &[GroupedColumn] = &[
    GroupedColumn::new("natural", "自然人", None),
    GroupedColumn::new("commercial", "商业企业", Some("法人或其他组织")),
    GroupedColumn::new("research", "科研机构", Some("法人或其他组织")),
    GroupedColumn::new("social", "社会公益组织", Some("法人或其他组织")),
    GroupedColumn::new("legal", "法律服务机构", Some("法人或其他组织")),
    GroupedColumn::new("other", "其他", Some("法人或其他组织")),
    GroupedColumn::new("total", "总计", None),
];

/// 表四's header groups: code, label and the header above them.
pub const T4_GROUPS: &[RowDef] = &[
    RowDef::new("review", "行政复议", None),
    RowDef::new("suit_direct", "未经复议直接起诉", Some(T4_SUIT)),
    RowDef::new("suit_after_review", "复议后起诉", Some(T4_SUIT)),
];

/// 表四's 15 columns in official order; each group's last column is its total.
pub const T4_COLUMNS: &[GroupedColumn] = &[
    GroupedColumn::new("review_upheld", "结果维持", Some("行政复议")),
    GroupedColumn::new("review_corrected", "结果纠正", Some("行政复议")),
    GroupedColumn::new("review_other", "其他结果", Some("行政复议")),
    GroupedColumn::new("review_pending", "尚未审结", Some("行政复议")),
    GroupedColumn::new("review_total", "总计", Some("行政复议")),
    GroupedColumn::new("suit_direct_upheld", "结果维持", Some("未经复议直接起诉")),
    GroupedColumn::new("suit_direct_corrected", "结果纠正", Some("未经复议直接起诉")),
    GroupedColumn::new("suit_direct_other", "其他结果", Some("未经复议直接起诉")),
    GroupedColumn::new("suit_direct_pending", "尚未审结", Some("未经复议直接起诉")),
    GroupedColumn::new("suit_direct_total", "总计", Some("未经复议直接起诉")),
    GroupedColumn::new("suit_after_review_upheld", "结果维持", Some("复议后起诉")),
    GroupedColumn::new("suit_after_review_corrected", "结果纠正", Some("复议后起诉")),
    GroupedColumn::new("suit_after_review_other", "其他结果", Some("复议后起诉")),
    GroupedColumn::new("suit_after_review_pending", "尚未审结", Some("复议后起诉")),
    GroupedColumn::new("suit_after_review_total", "总计", Some("复议后起诉")),
];

const T2_2019: &[Block] = &[
    Block {
        article: "第二十条第（一）项",
        rows: &[Line::new("rules", "规章"), Line::new("normative_docs", "规范性文件")],
        columns: &[
            Column::new("made", "本年新制作数量", Kind::Count),
            Column::new("published", "本年新公开数量", Kind::Count),
            Column::new("total_published", "对外公开总数量", Kind::Count),
        ],
    },
    Block {
        article: "第二十条第（五）项",
        rows: &[
            Line::new("licensing", "行政许可"),
            Line::new("other_services", "其他对外管理服务事项"),
        ],
        columns: &[
            Column::new("prev_items", "上一年项目数量", Kind::Count),
            Column::new("change", "本年增/减", Kind::Signed),
            Column::new("decisions", "处理决定数量", Kind::Count),
        ],
    },
    Block {
        article: "第二十条第（六）项",
        rows: &[Line::new("penalty", "行政处罚"), Line::new("coercion", "行政强制")],
        columns: &[
            Column::new("prev_items", "上一年项目数量", Kind::Count),
            Column::new("change", "本年增/减", Kind::Signed),
            Column::new("decisions", "处理决定数量", Kind::Count),
        ],
    },
    Block {
        article: "第二十条第（八）项",
        rows: &[Line::new("fees", "行政事业性收费")],
        columns: &[
            Column::new("prev_items", "上一年项目数量", Kind::Count),
            Column::new("change", "本年增/减", Kind::Signed),
        ],
    },
    Block {
        article: "第二十条第（九）项",
        rows: &[Line::new("procurement", "政府集中采购")],
        columns: &[
            Column::new("projects", "采购项目数量", Kind::Count),
            Column::new("amount", "采购总金额", Kind::Amount),
        ],
    },
];

const T2_2021: &[Block] = &[
    Block {
        article: "第二十条第（一）项",
        rows: &[
            Line::new("rules", "规章"),
            Line::new("normative_docs", "行政规范性文件"),
        ],
        columns: &[
            Column::new("issued", "本年制发件数", Kind::Count),
            Column::new("repealed", "本年废止件数", Kind::Count),
            Column::new("in_force", "现行有效件数", Kind::Count),
        ],
    },
    Block {
        article: "第二十条第（五）项",
        rows: &[Line::new("licensing", "行政许可")],
        columns: &[Column::new("decisions", "本年处理决定数量", Kind::Count)],
    },
    Block {
        article: "第二十条第（六）项",
        rows: &[Line::new("penalty", "行政处罚"), Line::new("coercion", "行政强制")],
        columns: &[Column::new("decisions", "本年处理决定数量", Kind::Count)],
    },
    Block {
        article: "第二十条第（八）项",
        rows: &[Line::new("fees", "行政事业性收费")],
        columns: &[Column::new("amount", "本年收费金额（单位：万元）", Kind::Amount)],
    },
];

const T3_ROWS_2019: &[RowDef] = &[
    RowDef::new("new", "一、本年新收政府信息公开申请数量", None),
    RowDef::new("carried", "二、上年结转政府信息公开申请数量", None),
    RowDef::new("granted", "（一）予以公开", Some("results")),
    RowDef::new(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        Some("results"),
    ),
    RowDef::new("denied_secret", "1.属于国家秘密", Some("g_denied")),
    RowDef::new("denied_law", "2.其他法律行政法规禁止公开", Some("g_denied")),
    RowDef::new("denied_safety", "3.危及“三安全一稳定”", Some("g_denied")),
    RowDef::new("denied_third_party", "4.保护第三方合法权益", Some("g_denied")),
    RowDef::new("denied_internal", "5.属于三类内部事务信息", Some("g_denied")),
    RowDef::new("denied_process", "6.属于四类过程性信息", Some("g_denied")),
    RowDef::new("denied_enforcement", "7.属于行政执法案卷", Some("g_denied")),
    RowDef::new("denied_inquiry", "8.属于行政查询事项", Some("g_denied")),
    RowDef::new("unable_not_held", "1.本机关不掌握相关政府信息", Some("g_unable")),
    RowDef::new("unable_needs_creation", "2.没有现成信息需要另行制作", Some("g_unable")),
    RowDef::new("unable_unclear", "3.补正后申请内容仍不明确", Some("g_unable")),
    RowDef::new("rejected_petition", "1.信访举报投诉类申请", Some("g_rejected")),
    RowDef::new("rejected_duplicate", "2.重复申请", Some("g_rejected")),
    RowDef::new("rejected_publication", "3.要求提供公开出版物", Some("g_rejected")),
    RowDef::new("rejected_excessive", "4.无正当理由大量反复申请", Some("g_rejected")),
    RowDef::new(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        Some("g_rejected"),
    ),
    RowDef::new("other", "（六）其他处理", Some("results")),
    RowDef::new("results_total", "（七）总计", Some("results")),
    RowDef::new("carry_forward", "四、结转下年度继续办理", None),
];

const T3_ROWS_2021: &[RowDef] = &[
    RowDef::new("new", "一、本年新收政府信息公开申请数量", None),
    RowDef::new("carried", "二、上年结转政府信息公开申请数量", None),
    RowDef::new("granted", "（一）予以公开", Some("results")),
    RowDef::new(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        Some("results"),
    ),
    RowDef::new("denied_secret", "1.属于国家秘密", Some("g_denied")),
    RowDef::new("denied_law", "2.其他法律行政法规禁止公开", Some("g_denied")),
    RowDef::new("denied_safety", "3.危及“三安全一稳定”", Some("g_denied")),
    RowDef::new("denied_third_party", "4.保护第三方合法权益", Some("g_denied")),
    RowDef::new("denied_internal", "5.属于三类内部事务信息", Some("g_denied")),
    RowDef::new("denied_process", "6.属于四类过程性信息", Some("g_denied")),
    RowDef::new("denied_enforcement", "7.属于行政执法案卷", Some("g_denied")),
    RowDef::new("denied_inquiry", "8.属于行政查询事项", Some("g_denied")),
    RowDef::new("unable_not_held", "1.本机关不掌握相关政府信息", Some("g_unable")),
    RowDef::new("unable_needs_creation", "2.没有现成信息需要另行制作", Some("g_unable")),
    RowDef::new("unable_unclear", "3.补正后申请内容仍不明确", Some("g_unable")),
    RowDef::new("rejected_petition", "1.信访举报投诉类申请", Some("g_rejected")),
    RowDef::new("rejected_duplicate", "2.重复申请", Some("g_rejected")),
    RowDef::new("rejected_publication", "3.要求提供公开出版物", Some("g_rejected")),
    RowDef::new("rejected_excessive", "4.无正当理由大量反复申请", Some("g_rejected")),
    RowDef::new(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        Some("g_rejected"),
    ),
    RowDef::new(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        Some("g_other"),
    ),
    RowDef::new(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        Some("g_other"),
    ),
    RowDef::new("other_other", "3.其他", Some("g_other")),
    RowDef::new("results_total", "（七）总计", Some("results")),
    RowDef::new("carry_forward", "四、结转下年度继续办理", None),
];

const T3_GROUPS_2019: &[RowDef] = &[
    RowDef::new("results", "三、本年度办理结果", None),
    RowDef::new("g_denied", "（三）不予公开", Some("results")),
    RowDef::new("g_unable", "（四）无法提供", Some("results")),
    RowDef::new("g_rejected", "（五）不予处理", Some("results")),
];

const T3_GROUPS_2021: &[RowDef] = &[
    RowDef::new("results", "三、本年度办理结果", None),
    RowDef::new("g_denied", "（三）不予公开", Some("results")),
    RowDef::new("g_unable", "（四）无法提供", Some("results")),
    RowDef::new("g_rejected", "（五）不予处理", Some("results")),
    RowDef::new("g_other", "（六）其他处理", Some("results")),
];

const SECTIONS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

static LAYOUT_2019: Layout = Layout {
    format: Format::F2019,
    issued_by: "国办公开办函〔2019〕60号",
    sections: SECTIONS,
    t2: T2_2019,
    amount_unit_in_header: false,
    t3_rows: T3_ROWS_2019,
    t3_groups: T3_GROUPS_2019,
    signatures: &[
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "其他对外管理服务事项",
        "第二十条第（九）项",
        "政府集中采购",
        "采购总金额",
    ],
};

static LAYOUT_2021: Layout = Layout {
    format: Format::F2021,
    issued_by: "国办公开办函〔2021〕30号",
    sections: SECTIONS,
    t2: T2_2021,
    amount_unit_in_header: true,
    t3_rows: T3_ROWS_2021,
    t3_groups: T3_GROUPS_2021,
    signatures: &[
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额",
        "申请人无正当理由逾期不补正",
        "申请人逾期未按收费通知要求缴纳费用",
    ],
};

/// One cell of a layout: where it is and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellDef {
    /// The table.
    pub table: Table,
    /// Row code (`""` in 表四, which has one row).
    pub row: &'static str,
    /// Column code.
    pub col: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// The full code: `t2.rules.issued`, `t3.new.natural`, `t4.review_total`.
    pub code: String,
}

impl CellDef {
    fn new(table: Table, row: &'static str, col: &'static str, kind: Kind) -> CellDef {
        let code = if row.is_empty() {
            format!("{}.{col}", table.code())
        } else {
            format!("{}.{row}.{col}", table.code())
        };
        CellDef {
            table,
            row,
            col,
            kind,
            code,
        }
    }
}

struct CellIndex {
    cells: Vec<CellDef>,
    by_code: HashMap<String, usize>,
}

impl CellIndex {
    fn build(layout: &Layout) -> CellIndex {
        let mut cells = Vec::new();
        for block in layout.t2 {
            for row in block.rows {
                for col in block.columns {
                    cells.push(CellDef::new(Table::T2, row.code, col.code, col.kind));
                }
            }
        }
        for row in layout.t3_rows {
            for col in T3_COLUMNS {
                cells.push(CellDef::new(Table::T3, row.code, col.code, Kind::Count));
            }
        }
        for col in T4_COLUMNS {
            cells.push(CellDef::new(Table::T4, "", col.code, Kind::Count));
        }
        let by_code = cells.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
        CellIndex { cells, by_code }
    }
}

impl Layout {
    /// The 表三 row with this code.
    pub fn t3_row(&self, code: &str) -> Option<&RowDef> {
        self.t3_rows.iter().find(|r| r.code == code)
    }

    /// Whether a 表三 row or group lies (at any depth) under the group `ancestor`.
    pub fn t3_is_under(&self, code: &str, ancestor: &str) -> bool {
        let mut parent = self
            .t3_rows
            .iter()
            .chain(self.t3_groups)
            .find(|r| r.code == code)
            .and_then(|r| r.parent);
        while let Some(p) = parent {
            if p == ancestor {
                return true;
            }
            parent = self.t3_groups.iter().find(|g| g.code == p).and_then(|g| g.parent);
        }
        false
    }

    /// The 表三 result rows that add up to `results_total`: every leaf under 三、本年度办理结果.
    pub fn t3_result_leaves(&self) -> impl Iterator<Item = &RowDef> {
        self.t3_rows
            .iter()
            .filter(|r| r.code != "results_total" && self.t3_is_under(r.code, "results"))
    }

    /// The 表二 row and column definitions for `t2.<row>.<col>`.
    pub fn t2_cell(&self, row: &str, col: &str) -> Option<(&Block, &Line, &Column)> {
        self.t2.iter().find_map(|b| {
            let r = b.rows.iter().find(|r| r.code == row)?;
            let c = b.columns.iter().find(|c| c.code == col)?;
            Some((b, r, c))
        })
    }
}
