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

/// The prefix of the defined names our templates give their input cells (`NB.t3.new.natural`):
/// a workbook of ours is read by these names, whatever was done to its layout.
pub const NAME_PREFIX: &str = "NB.";
/// Defined name of the template's agency cell.
pub const NAME_AGENCY: &str = "NB.agency";
/// Defined name of the template's year cell.
pub const NAME_YEAR: &str = "NB.year";

/// The years a report can be of: the first official format is of 2019, and a year outside these is
/// a date or a number mistaken for one.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One official layout: a handle on its [`Layout`] table.
///
/// The two official layouts are [`Format::F2019`] and [`Format::F2021`]; a revision of the format
/// is one more [`Layout`] table (see [`Layout::revised`]) and nothing else: every reader, check and
/// writer walks the table it is handed.
///
/// ```
/// use nianbao::format::Format;
/// assert_eq!(Format::for_year(2020), Format::F2019);
/// assert_eq!(Format::for_year(2025), Format::F2021);
/// assert_eq!(Format::F2021.to_string(), "2021");
/// ```
#[derive(Clone, Copy)]
pub struct Format(&'static Layout);

impl Format {
    /// 国办公开办函〔2019〕60号, reports of 2019 and 2020.
    pub const F2019: Format = Format(&LAYOUT_2019);
    /// 国办公开办函〔2021〕30号, reports of 2021 onward.
    pub const F2021: Format = Format(&LAYOUT_2021);
    /// The official layouts, oldest first.
    pub const ALL: [Format; 2] = [Format::F2019, Format::F2021];

    /// A layout that is not one of the official ones (a revision being tried out).
    pub fn custom(layout: &'static Layout) -> Format {
        Format(layout)
    }

    /// What `make` works out for this layout: kept in `cache` (a slot per official layout, in the
    /// order of [`Format::ALL`]) the first time, worked out anew for a custom layout.
    pub(crate) fn cached<T: Clone>(
        self,
        cache: &'static [OnceLock<Vec<T>>; 2],
        make: impl FnOnce() -> Vec<T>,
    ) -> std::borrow::Cow<'static, [T]> {
        match Format::ALL.iter().position(|f| *f == self) {
            Some(i) => std::borrow::Cow::Borrowed(cache[i].get_or_init(make).as_slice()),
            None => std::borrow::Cow::Owned(make()),
        }
    }

    /// The official layout the rules prescribe for reports of `year`: the latest whose first year
    /// is not after it.
    pub fn for_year(year: i32) -> Format {
        Format::ALL
            .into_iter()
            .rev()
            .find(|f| year >= f.0.first_year)
            .unwrap_or(Format::ALL[0])
    }

    /// The code used in JSON, CSV and on the command line (`"2019"`, `"2021"`).
    pub fn code(self) -> &'static str {
        self.0.code
    }

    /// Parses `"2019"` or `"2021"`.
    pub fn from_code(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.code() == s.trim())
    }

    /// The layout's tables.
    pub fn layout(self) -> &'static Layout {
        self.0
    }

    /// Every cell of the layout in official order (表二, 表三, 表四).
    pub fn cells(self) -> &'static [CellDef] {
        &self.index().cells
    }

    /// The position of a cell code (`"t3.new.natural"`) in [`Format::cells`].
    pub fn cell_index(self, code: &str) -> Option<usize> {
        self.index().by_code.get(code).copied()
    }

    /// The definition of a cell code, with its labels.
    ///
    /// ```
    /// use nianbao::format::Format;
    /// let c = Format::F2021.cell("t3.results_total.natural").unwrap();
    /// assert_eq!(c.name(), "表三 “（七）总计”行 自然人列");
    /// assert!(Format::F2021.cell("t2.procurement.amount").is_none());
    /// ```
    pub fn cell(self, code: &str) -> Option<&'static CellDef> {
        self.cell_index(code).map(|i| &self.cells()[i])
    }

    /// A human name for a cell code (`表三 “（七）总计”行 自然人列`), the code itself when the layout
    /// has no such cell.
    pub fn cell_name(self, code: &str) -> String {
        self.cell(code).map_or_else(|| code.to_string(), CellDef::name)
    }

    fn index(self) -> &'static CellIndex {
        let layout: &'static Layout = self.0;
        layout.index.get_or_init(|| CellIndex::build(layout))
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.code() == other.code()
    }
}

impl Eq for Format {}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code().hash(state);
    }
}

impl PartialOrd for Format {
    fn partial_cmp(&self, other: &Format) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Format {
    fn cmp(&self, other: &Format) -> std::cmp::Ordering {
        (self.0.first_year, self.code()).cmp(&(other.0.first_year, other.code()))
    }
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.code())
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Format, D::Error> {
        let code = String::deserialize(d)?;
        Format::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown format {code}")))
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

/// One layout: every table as data.
///
/// The official layouts are statics of this module; a revision is made from one of them with
/// [`Layout::revised`] and a changed field, and handed around as [`Format::custom`].
#[derive(Debug)]
pub struct Layout {
    /// Stable code (`"2021"`), used in JSON, CSV and on the command line.
    pub code: &'static str,
    /// The first report year that uses it.
    pub first_year: i32,
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
    /// Every cell, built at first use.
    index: OnceLock<CellIndex>,
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

/// The rows of 表三 both layouts share, before their （六）其他处理.
const T3_ROWS_HEAD: [RowDef; 20] = [
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
];

/// The rows of 表三 both layouts end with.
const T3_ROWS_TAIL: [RowDef; 2] = [
    RowDef::new("results_total", "（七）总计", Some("results")),
    RowDef::new("carry_forward", "四、结转下年度继续办理", None),
];

/// 2019: （六）其他处理 is one row.
const T3_OTHER_2019: [RowDef; 1] = [RowDef::new("other", "（六）其他处理", Some("results"))];

/// 2021: （六）其他处理 is a group of three rows.
const T3_OTHER_2021: [RowDef; 3] = [
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
];

/// `head`, `middle` and `tail` one after the other, at compile time (`N` = the three lengths).
const fn rows<const A: usize, const B: usize, const C: usize, const N: usize>(
    head: [RowDef; A],
    middle: [RowDef; B],
    tail: [RowDef; C],
) -> [RowDef; N] {
    assert!(A + B + C == N, "rows(): N must be the sum of the three lengths");
    let mut out = [head[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < A {
            head[i]
        } else if i < A + B {
            middle[i - A]
        } else {
            tail[i - A - B]
        };
        i += 1;
    }
    out
}

const T3_ROWS_2019: [RowDef; 23] = rows(T3_ROWS_HEAD, T3_OTHER_2019, T3_ROWS_TAIL);
const T3_ROWS_2021: [RowDef; 25] = rows(T3_ROWS_HEAD, T3_OTHER_2021, T3_ROWS_TAIL);

/// The group headings of 表三 both layouts share.
const T3_GROUPS_HEAD: [RowDef; 4] = [
    RowDef::new("results", "三、本年度办理结果", None),
    RowDef::new("g_denied", "（三）不予公开", Some("results")),
    RowDef::new("g_unable", "（四）无法提供", Some("results")),
    RowDef::new("g_rejected", "（五）不予处理", Some("results")),
];

const T3_GROUPS_2019: [RowDef; 4] = T3_GROUPS_HEAD;
const T3_GROUPS_2021: [RowDef; 5] = rows(
    T3_GROUPS_HEAD,
    [RowDef::new("g_other", "（六）其他处理", Some("results"))],
    [],
);

const SECTIONS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

static LAYOUT_2019: Layout = Layout {
    code: "2019",
    first_year: 2019,
    issued_by: "国办公开办函〔2019〕60号",
    sections: SECTIONS,
    t2: T2_2019,
    amount_unit_in_header: false,
    t3_rows: &T3_ROWS_2019,
    t3_groups: &T3_GROUPS_2019,
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
    index: OnceLock::new(),
};

static LAYOUT_2021: Layout = Layout {
    code: "2021",
    first_year: 2021,
    issued_by: "国办公开办函〔2021〕30号",
    sections: SECTIONS,
    t2: T2_2021,
    amount_unit_in_header: true,
    t3_rows: &T3_ROWS_2021,
    t3_groups: &T3_GROUPS_2021,
    signatures: &[
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额",
        "申请人无正当理由逾期不补正",
        "申请人逾期未按收费通知要求缴纳费用",
    ],
    index: OnceLock::new(),
};

/// One cell of a layout: where it is, what it holds, and the labels it is known by.
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
    /// The official label of its row (`""` in 表四).
    pub row_label: &'static str,
    /// The official label of its column.
    pub col_label: &'static str,
    /// The header over its column (`法人或其他组织`, `行政复议`), if any.
    pub col_group: Option<&'static str>,
}

impl CellDef {
    /// The cell in words a clerk understands: `表二 “规章” 本年制发件数`, `表三 “（七）总计”行 自然人列`,
    /// `表四 行政复议 总计`.
    pub fn name(&self) -> String {
        match self.table {
            Table::T2 => format!("表二 “{}” {}", self.row_label, self.col_label),
            Table::T3 => format!("表三 “{}”行 {}列", short_label(self.row_label), self.col_label),
            Table::T4 => format!("表四 {} {}", self.col_group.unwrap_or_default(), self.col_label),
        }
    }

    /// Two header lines for a column holding this cell (one column per cell, as in a wide sheet):
    /// what the row is (`表三 一、本年新收…`, `表四 行政复议`), then the column label.
    pub fn headers(&self) -> (String, String) {
        match self.table {
            Table::T4 => (
                format!("表四 {}", self.col_group.unwrap_or_default()),
                self.col_label.to_string(),
            ),
            t => (format!("{} {}", t.name(), self.row_label), self.col_label.to_string()),
        }
    }

    /// The label of its column with the header above it where there is one (`行政复议 总计`).
    pub fn column_name(&self) -> String {
        match (self.table, self.col_group) {
            (Table::T4, Some(g)) => format!("{g} {}", self.col_label),
            _ => self.col_label.to_string(),
        }
    }
}

/// A label without its bracketed note, for messages: `（二）部分公开（区分处理的，…）` → `（二）部分公开`,
/// `二、上年结转政府信息公开申请数量` unchanged.
///
/// ```
/// use nianbao::format::short_label;
/// assert_eq!(short_label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), "（二）部分公开");
/// assert_eq!(short_label("本年收费金额（单位：万元）"), "本年收费金额");
/// assert_eq!(short_label("第二十条第（一）项"), "第二十条第（一）项");
/// assert_eq!(short_label("（七）总计"), "（七）总计");
/// ```
pub fn short_label(label: &str) -> &str {
    match label.find('（') {
        Some(i) if i > 0 && !label[..i].ends_with('第') && !label.starts_with('（') => &label[..i],
        _ => match label.char_indices().skip(1).find(|(_, c)| *c == '（') {
            Some((i, _)) if label.starts_with('（') => &label[..i],
            _ => label,
        },
    }
}

#[derive(Debug)]
struct CellIndex {
    cells: Vec<CellDef>,
    by_code: HashMap<String, usize>,
}

impl CellIndex {
    fn build(layout: &Layout) -> CellIndex {
        let mut cells = Vec::new();
        let mut push = |table: Table, row: &'static str, row_label, col: &'static str, kind, col_label, col_group| {
            let code = if row.is_empty() {
                format!("{}.{col}", table.code())
            } else {
                format!("{}.{row}.{col}", table.code())
            };
            cells.push(CellDef {
                table,
                row,
                col,
                kind,
                code,
                row_label,
                col_label,
                col_group,
            });
        };
        for block in layout.t2 {
            for row in block.rows {
                for col in block.columns {
                    push(Table::T2, row.code, row.label, col.code, col.kind, col.label, None);
                }
            }
        }
        for row in layout.t3_rows {
            for col in T3_COLUMNS {
                push(
                    Table::T3,
                    row.code,
                    row.label,
                    col.code,
                    Kind::Count,
                    col.label,
                    col.group,
                );
            }
        }
        for col in T4_COLUMNS {
            push(Table::T4, "", "", col.code, Kind::Count, col.label, col.group);
        }
        let by_code = cells.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
        CellIndex { cells, by_code }
    }
}

impl Layout {
    /// A copy of this layout under another code and first year, to be changed into a revision of
    /// the format: set the fields that differ, then use it as [`Format::custom`].
    ///
    /// ```
    /// use nianbao::format::{Format, RowDef};
    /// let mut revision = Format::F2021.layout().revised("2031", 2031);
    /// let rows: Vec<RowDef> = revision.t3_rows.iter().map(|r| if r.code == "granted" {
    ///     RowDef { label: "（一）全部公开", ..*r }
    /// } else { *r }).collect();
    /// revision.t3_rows = Box::leak(rows.into_boxed_slice());
    /// let f = Format::custom(Box::leak(Box::new(revision)));
    /// assert_eq!(f.cell("t3.granted.total").unwrap().row_label, "（一）全部公开");
    /// assert_eq!(f.cells().len(), Format::F2021.cells().len());
    /// ```
    pub fn revised(&self, code: &'static str, first_year: i32) -> Layout {
        Layout {
            code,
            first_year,
            issued_by: self.issued_by,
            sections: self.sections,
            t2: self.t2,
            amount_unit_in_header: self.amount_unit_in_header,
            t3_rows: self.t3_rows,
            t3_groups: self.t3_groups,
            signatures: self.signatures,
            index: OnceLock::new(),
        }
    }

    /// The 表三 row with this code.
    pub fn t3_row(&self, code: &str) -> Option<&RowDef> {
        self.t3_rows.iter().find(|r| r.code == code)
    }

    /// The official label of a row of 表二 or 表三 (`t2`/`t3` and its code).
    pub fn row_label(&self, table: Table, row: &str) -> Option<&'static str> {
        match table {
            Table::T2 => self
                .t2
                .iter()
                .flat_map(|b| b.rows)
                .find(|l| l.code == row)
                .map(|l| l.label),
            Table::T3 => self.t3_row(row).map(|r| r.label),
            Table::T4 => None,
        }
    }

    /// The groups a 表三 row or group lies under, outermost first: for `denied_secret`,
    /// 三、本年度办理结果 then （三）不予公开.
    ///
    /// ```
    /// use nianbao::format::Format;
    /// let chain = Format::F2021.layout().t3_ancestors("denied_secret");
    /// assert_eq!(chain.iter().map(|g| g.code).collect::<Vec<_>>(), ["results", "g_denied"]);
    /// assert!(Format::F2021.layout().t3_ancestors("new").is_empty());
    /// ```
    pub fn t3_ancestors(&self, code: &str) -> Vec<&'static RowDef> {
        let rows: &'static [RowDef] = self.t3_rows;
        let groups: &'static [RowDef] = self.t3_groups;
        let mut out = Vec::new();
        let mut parent = rows
            .iter()
            .chain(groups)
            .find(|r| r.code == code)
            .and_then(|r| r.parent);
        while let Some(p) = parent {
            let Some(group) = groups.iter().find(|g| g.code == p) else {
                break;
            };
            if out.iter().any(|g: &&RowDef| g.code == group.code) {
                break;
            }
            out.insert(0, group);
            parent = group.parent;
        }
        out
    }

    /// Whether a 表三 row or group lies (at any depth) under the group `ancestor`.
    pub fn t3_is_under(&self, code: &str, ancestor: &str) -> bool {
        self.t3_ancestors(code).iter().any(|g| g.code == ancestor)
    }

    /// How many columns 表三's row labels take: one per level of nesting, plus the row's own.
    ///
    /// ```
    /// use nianbao::format::Format;
    /// assert_eq!(Format::F2021.layout().t3_label_cols(), 3);
    /// ```
    pub fn t3_label_cols(&self) -> u16 {
        let depth = self
            .t3_rows
            .iter()
            .map(|r| self.t3_ancestors(r.code).len())
            .max()
            .unwrap_or(0);
        depth as u16 + 1
    }

    /// The 表三 result rows that add up to `results_total`: every leaf under 三、本年度办理结果.
    pub fn t3_result_leaves(&self) -> impl Iterator<Item = &RowDef> {
        self.t3_rows
            .iter()
            .filter(|r| r.code != "results_total" && self.t3_is_under(r.code, "results"))
    }

    /// The outcomes of 三、本年度办理结果 as the report counts them, each with the result rows it adds
    /// up: （一）予以公开, （二）部分公开, （三）不予公开 (its eight rows) … （六）其他处理 (a row in 2019,
    /// a group of three in 2021). The labels are short (`予以公开`).
    ///
    /// ```
    /// use nianbao::format::Format;
    /// let outcomes = Format::F2021.layout().t3_outcomes();
    /// let names: Vec<&str> = outcomes.iter().map(|(n, _)| *n).collect();
    /// assert_eq!(names, ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]);
    /// assert_eq!(outcomes[5].1.len(), 3);
    /// assert_eq!(Format::F2019.layout().t3_outcomes()[5].1.len(), 1);
    /// ```
    pub fn t3_outcomes(&self) -> Vec<(&'static str, Vec<&'static RowDef>)> {
        let rows: &'static [RowDef] = self.t3_rows;
        let mut out: Vec<(&'static str, Vec<&'static RowDef>)> = Vec::new();
        for row in rows.iter().filter(|r| r.code != "results_total") {
            let chain = self.t3_ancestors(row.code);
            let top = match chain.iter().position(|g| g.code == "results") {
                Some(i) => chain.get(i + 1).copied().unwrap_or(row),
                None => continue,
            };
            let name = outcome_name(top.label);
            match out.last_mut() {
                Some((n, list)) if *n == name => list.push(row),
                _ => out.push((name, vec![row])),
            }
        }
        out
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

/// `（一）予以公开` → `予以公开`, `（二）部分公开（区分处理的…）` → `部分公开`.
fn outcome_name(label: &'static str) -> &'static str {
    let label = short_label(label);
    match label.strip_prefix('（').and_then(|rest| rest.split_once('）')) {
        Some((_, name)) => name,
        None => label,
    }
}
