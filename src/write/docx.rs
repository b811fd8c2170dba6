//! The full report as a Word document in the style of official documents: title, the six sections,
//! the three tables with the official merged headers.
//!
//! The page follows GB/T 9704 (党政机关公文格式): A4, margins 37 mm top, 35 mm bottom, 28 mm left,
//! 26 mm right, the page number `— 1 —` centred below the text. The title is in 方正小标宋简体 二号,
//! the headings 一、… in 黑体 三号, the text in 仿宋_GB2312 三号 at a fixed 28 pt line with the first
//! line indented two characters, sub-headings （一）… in 楷体_GB2312; the font table names the face a
//! computer without the official fonts uses instead (黑体, 仿宋, 楷体). The tables are
//! [`super::tables`]'s drawing, as on the web page: merged headers (`w:gridSpan`, `w:vMerge`), a
//! single border on every cell, fixed column widths, rows never split across pages, header rows
//! repeated on each page; 表二 and 表四 are kept on one page, 表三 may break between rows.
//!
//! Sections with no text say what belongs there (`【待撰写】…`, grey); section 三 without text gets a
//! first paragraph drafted from 表三's numbers ([`applications_draft`], marked `【草稿，请核对】` and
//! highlighted), worded so that the text-against-table check finds nothing in it.
//!
//! The parts are written here as plain strings into a zip, not through a docx crate: the element
//! order the schema requires, the East Asian font settings and their fallbacks are ours to get
//! right either way, and so the same report always gives the same bytes (fixed zip times, no dates
//! in the document properties).

use std::io::{Cursor, Seek, Write};

use super::html::title;
use super::tables::{cover, draw, Drawn, DrawnTable, Role};
use crate::error::ErrorKind;
use crate::format::{short_label, Table, T3_COLUMNS};
use crate::model::{format_number, Report};

/// Twips (twentieths of a point) in `tenths` tenths of a millimetre.
const fn mm10(tenths: u32) -> u32 {
    (tenths * 1440 + 127) / 254
}

/// A4 portrait, in twips.
const PAGE: (u32, u32) = (11906, 16838);
/// Margins of GB/T 9704: top, right, bottom, left.
const MARGINS: [u32; 4] = [mm10(370), mm10(260), mm10(350), mm10(280)];
/// From the page's bottom edge to the footer's: the page number's line then stands about 7 mm
/// below the text, as GB/T 9704 places it.
const FOOTER: u32 = mm10(220);
/// The width of the text between the margins.
const TEXT_WIDTH: u32 = PAGE.0 - MARGINS[1] - MARGINS[3];

/// The faces used, each with the face Word takes where it is not installed (`w:altName`).
const FONTS: &[(&str, &str)] = &[
    ("方正小标宋简体", "黑体"),
    ("黑体", "SimHei"),
    ("仿宋_GB2312", "仿宋"),
    ("仿宋", "FangSong"),
    ("楷体_GB2312", "楷体"),
    ("楷体", "KaiTi"),
    ("宋体", "SimSun"),
    ("Times New Roman", ""),
];

/// The face of Latin letters and digits.
const LATIN: &str = "Times New Roman";
/// The face of sub-headings （一）….
const SUB_HEADING: &str = "楷体_GB2312";
/// How many characters of the title fit on one line (二号 on 156 mm: 20, one kept in hand for
/// faces whose digits are wider).
const TITLE_LINE: usize = 19;
/// The words a title is broken before when it is longer than a line.
const TITLE_TAIL: &str = "政府信息公开工作年度报告";

/// A paragraph style.
struct Style {
    id: &'static str,
    name: &'static str,
    face: &'static str,
    /// Half-points: 44 二号, 32 三号, 28 四号, 21 五号, 18 小五.
    size: u32,
    /// A fixed line height in twips; 0 for single spacing.
    line: u32,
    /// Space after, in twips.
    after: u32,
    /// First-line indent in characters.
    indent: u32,
    /// Right indent in characters.
    right: u32,
    jc: &'static str,
    /// Kept on the page of the paragraph after it.
    keep: bool,
    /// Outline level (the navigation pane), headings only.
    outline: Option<u32>,
}

const STYLES: &[Style] = &[
    Style {
        id: "Normal",
        name: "Normal",
        face: "仿宋_GB2312",
        size: 32,
        line: 560,
        after: 0,
        indent: 2,
        right: 0,
        jc: "both",
        keep: false,
        outline: None,
    },
    Style {
        id: "Title",
        name: "Title",
        face: "方正小标宋简体",
        size: 44,
        line: 720,
        after: 560,
        indent: 0,
        right: 0,
        jc: "center",
        keep: true,
        outline: None,
    },
    Style {
        id: "Heading1",
        name: "heading 1",
        face: "黑体",
        size: 32,
        line: 560,
        after: 0,
        indent: 2,
        right: 0,
        jc: "both",
        keep: true,
        outline: Some(0),
    },
    Style {
        id: TABLE_TEXT,
        name: "nianbao 表格五号",
        face: "宋体",
        size: 21,
        line: 0,
        after: 0,
        indent: 0,
        right: 0,
        jc: "center",
        keep: false,
        outline: None,
    },
    Style {
        id: TABLE_SMALL,
        name: "nianbao 表格小五",
        face: "宋体",
        size: 18,
        line: 0,
        after: 0,
        indent: 0,
        right: 0,
        jc: "center",
        keep: false,
        outline: None,
    },
    Style {
        id: SIGNATURE,
        name: "nianbao 落款",
        face: "仿宋_GB2312",
        size: 32,
        line: 560,
        after: 0,
        indent: 0,
        right: 4,
        jc: "right",
        keep: false,
        outline: None,
    },
    Style {
        id: "Footer",
        name: "footer",
        face: "宋体",
        size: 28,
        line: 0,
        after: 0,
        indent: 0,
        right: 0,
        jc: "center",
        keep: false,
        outline: None,
    },
];

/// Table text in 五号 (表二).
const TABLE_TEXT: &str = "TableText";
/// The signature: agency and date, right-aligned four characters from the margin.
const SIGNATURE: &str = "Signature";
/// Table text in 小五 (表三, 表四).
const TABLE_SMALL: &str = "TableSmall";

/// How a table is laid out.
struct TableLook {
    table: Table,
    /// Its text style.
    style: &'static str,
    /// The widths of its label columns in twips, outermost group first, the row labels' last; the
    /// value columns share the rest of the text width equally.
    labels: &'static [u32],
    /// Kept on one page. 表三 is not: it breaks between rows (never inside a group of rows under
    /// one label, such as （三）不予公开), its header rows repeated.
    whole: bool,
    /// The least height of a row, in twips.
    height: u32,
}

const TABLE_LOOKS: &[TableLook] = &[
    TableLook {
        table: Table::T2,
        style: TABLE_TEXT,
        labels: &[2600],
        whole: true,
        height: 360,
    },
    TableLook {
        table: Table::T3,
        style: TABLE_SMALL,
        labels: &[700, 900, 2485],
        whole: false,
        height: 255,
    },
    TableLook {
        table: Table::T4,
        style: TABLE_SMALL,
        labels: &[],
        whole: true,
        height: 300,
    },
];

/// A label column's width where a layout nests deeper than [`TABLE_LOOKS`] says.
const GROUP_WIDTH: u32 = 700;

/// What a section with no text holds, said where it belongs: (section, from the layout of this
/// year on, text). The last entry for a section whose year the layout has reached is used.
const PLACEHOLDERS: &[(usize, i32, &str)] = &[
    (
        0,
        0,
        "总体情况：概述本年度政府信息公开工作的总体情况，一般包括主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的做法和成效。",
    ),
    (
        4,
        0,
        "存在的主要问题及改进情况：如实说明本年度政府信息公开工作存在的主要问题和上一年度问题的改进情况，以及下一步的改进措施。",
    ),
    (
        5,
        0,
        "其他需要报告的事项：说明本年度其他需要报告的事项；没有的，写明“无”。",
    ),
    (
        5,
        2021,
        "其他需要报告的事项：依据《政府信息公开信息处理费管理办法》说明本年度收取信息处理费的情况（发出收费通知的件数和总金额、实际收取的总金额），以及其他需要报告的事项；没有的，写明“无”。",
    ),
];

/// How a placeholder starts.
pub const TO_WRITE: &str = "【待撰写】";
/// How the drafted paragraph of section 三 starts.
pub const DRAFT: &str = "【草稿，请核对】";

/// The report as the bytes of a `.docx`.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::docx::report_docx};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t4.review_total", 2.0);
/// let bytes = report_docx(&r).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// // The same report gives the same bytes.
/// assert_eq!(bytes, report_docx(&r).unwrap());
/// ```
pub fn report_docx(report: &Report) -> Result<Vec<u8>, ErrorKind> {
    let mut out = Cursor::new(Vec::new());
    write_report_docx(report, &mut out)?;
    Ok(out.into_inner())
}

/// [`report_docx`], written to `out`.
pub fn write_report_docx(report: &Report, out: impl Write + Seek) -> Result<(), ErrorKind> {
    let fail = |e: &dyn std::fmt::Display| ErrorKind::Write(format!("生成 Word 文档失败（{e}）"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(out);
    for (name, text) in parts(report) {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    zip.finish().map_err(|e| fail(&e))?;
    Ok(())
}

const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// The parts of the package, in the order written.
fn parts(report: &Report) -> Vec<(&'static str, String)> {
    const MAIN: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let overrides = [
        ("/word/document.xml", format!("{MAIN}.document.main+xml")),
        ("/word/styles.xml", format!("{MAIN}.styles+xml")),
        ("/word/settings.xml", format!("{MAIN}.settings+xml")),
        ("/word/fontTable.xml", format!("{MAIN}.fontTable+xml")),
        ("/word/footer1.xml", format!("{MAIN}.footer+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string(),
        ),
    ];
    let mut types = format!(
        "{XML}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    );
    for (part, kind) in overrides {
        types.push_str(&format!("<Override PartName=\"{part}\" ContentType=\"{kind}\"/>"));
    }
    types.push_str("</Types>");
    let rels = |list: &[(&str, &str)]| {
        let mut out = format!("{XML}<Relationships xmlns=\"{PACKAGE_RELS}\">");
        for (i, (kind, target)) in list.iter().enumerate() {
            out.push_str(&format!(
                "<Relationship Id=\"rId{}\" Type=\"{kind}\" Target=\"{target}\"/>",
                i + 1
            ));
        }
        out.push_str("</Relationships>");
        out
    };
    const OFFICE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let package = rels(&[
        (&format!("{OFFICE}/officeDocument"), "word/document.xml"),
        (
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        ),
        (&format!("{OFFICE}/extended-properties"), "docProps/app.xml"),
    ]);
    // The footer is rId1: the section's properties name it.
    let document_rels = rels(&[
        (&format!("{OFFICE}/footer"), "footer1.xml"),
        (&format!("{OFFICE}/styles"), "styles.xml"),
        (&format!("{OFFICE}/settings"), "settings.xml"),
        (&format!("{OFFICE}/fontTable"), "fontTable.xml"),
    ]);
    let core = format!(
        "{XML}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>nianbao</dc:creator>\
         </cp:coreProperties>",
        escape(&title(report))
    );
    let app = format!(
        "{XML}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
         <Application>nianbao</Application></Properties>"
    );
    vec![
        ("[Content_Types].xml", types),
        ("_rels/.rels", package),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("word/_rels/document.xml.rels", document_rels),
        ("word/document.xml", document(report)),
        ("word/styles.xml", styles()),
        ("word/settings.xml", settings()),
        ("word/fontTable.xml", font_table()),
        ("word/footer1.xml", footer()),
    ]
}

/// Escapes text for XML content and attribute values, leaving out the characters XML cannot hold
/// (control characters other than tab and line feed, U+FFFE, U+FFFF).
///
/// ```
/// use nianbao::write::docx::escape;
/// assert_eq!(escape("<a href=\"x\">&\u{7}</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|&c| !(c.is_control() && c != '\t' && c != '\n') && c != '\u{FFFE}' && c != '\u{FFFF}')
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

/// `w:rFonts` for an East Asian face, Latin letters and digits in [`LATIN`].
fn fonts(face: &str) -> String {
    format!("<w:rFonts w:ascii=\"{LATIN}\" w:hAnsi=\"{LATIN}\" w:eastAsia=\"{face}\" w:cs=\"{LATIN}\" w:hint=\"eastAsia\"/>")
}

fn styles() -> String {
    let mut out = format!(
        "{XML}<w:styles xmlns:w=\"{W}\"><w:docDefaults><w:rPrDefault><w:rPr>{}<w:kern w:val=\"2\"/>\
         <w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line=\"560\" w:lineRule=\"exact\"/></w:pPr>\
         </w:pPrDefault></w:docDefaults>",
        fonts("仿宋_GB2312")
    );
    for s in STYLES {
        let default = if s.id == "Normal" { " w:default=\"1\"" } else { "" };
        let based = if s.id == "Normal" {
            String::new()
        } else {
            "<w:basedOn w:val=\"Normal\"/>".to_string()
        };
        let keep = if s.keep { "<w:keepNext/>" } else { "" };
        let spacing = match s.line {
            0 => format!(
                "<w:spacing w:after=\"{}\" w:line=\"240\" w:lineRule=\"auto\"/>",
                s.after
            ),
            line => format!(
                "<w:spacing w:after=\"{}\" w:line=\"{line}\" w:lineRule=\"exact\"/>",
                s.after
            ),
        };
        let indent = format!(
            "<w:ind w:rightChars=\"{}\" w:right=\"{}\" w:firstLineChars=\"{}\" w:firstLine=\"{}\"/>",
            s.right * 100,
            s.right * s.size * 10,
            s.indent * 100,
            s.indent * s.size * 10
        );
        let outline = s
            .outline
            .map(|l| format!("<w:outlineLvl w:val=\"{l}\"/>"))
            .unwrap_or_default();
        out.push_str(&format!(
            "<w:style w:type=\"paragraph\"{default} w:styleId=\"{}\"><w:name w:val=\"{}\"/>{based}<w:qFormat/>\
             <w:pPr>{keep}{spacing}{indent}<w:jc w:val=\"{}\"/>{outline}</w:pPr>\
             <w:rPr>{}<w:sz w:val=\"{}\"/><w:szCs w:val=\"{}\"/></w:rPr></w:style>",
            s.id,
            s.name,
            s.jc,
            fonts(s.face),
            s.size,
            s.size
        ));
    }
    out.push_str(
        "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>\
         <w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>\
         </w:tblCellMar></w:tblPr></w:style></w:styles>",
    );
    out
}

fn settings() -> String {
    format!(
        "{XML}<w:settings xmlns:w=\"{W}\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/>\
         <w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat><w:compatSetting \
         w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         </w:settings>"
    )
}

fn font_table() -> String {
    let mut out = format!("{XML}<w:fonts xmlns:w=\"{W}\">");
    for (name, alt) in FONTS {
        let alt = if alt.is_empty() {
            String::new()
        } else {
            format!("<w:altName w:val=\"{alt}\"/>")
        };
        let (charset, family) = if name.is_ascii() {
            ("00", "roman")
        } else {
            ("86", "auto")
        };
        out.push_str(&format!(
            "<w:font w:name=\"{name}\">{alt}<w:charset w:val=\"{charset}\"/><w:family w:val=\"{family}\"/>\
             <w:pitch w:val=\"variable\"/></w:font>"
        ));
    }
    out.push_str("</w:fonts>");
    out
}

/// The page number, `— 1 —`, centred.
fn footer() -> String {
    format!(
        "{XML}<w:ftr xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>\
         <w:r><w:t xml:space=\"preserve\">— </w:t></w:r><w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r>\
         </w:fldSimple><w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>"
    )
}

/// How a run looks beyond its paragraph's style.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ink {
    Plain,
    /// A sub-heading （一）… in 楷体.
    Sub,
    /// Grey: what is still to be written.
    Placeholder,
    /// Highlighted: drafted from the numbers, to be checked.
    Draft,
    /// Bold (表二's article headings).
    Bold,
}

/// One run of text; tabs and line breaks as Word writes them.
fn run(text: &str, ink: Ink) -> String {
    let props = match ink {
        Ink::Plain => String::new(),
        Ink::Sub => format!("<w:rPr>{}</w:rPr>", fonts(SUB_HEADING)),
        Ink::Placeholder => "<w:rPr><w:color w:val=\"7F7F7F\"/></w:rPr>".to_string(),
        Ink::Draft => "<w:rPr><w:highlight w:val=\"yellow\"/></w:rPr>".to_string(),
        Ink::Bold => "<w:rPr><w:b/><w:bCs/></w:rPr>".to_string(),
    };
    let mut out = format!("<w:r>{props}");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", escape(piece)));
            }
        }
    }
    out.push_str("</w:r>");
    out
}

/// A paragraph of a style (`None`: Normal) with its runs.
fn paragraph(style: Option<&str>, keep: bool, jc: Option<&str>, runs: &str) -> String {
    let mut props = String::new();
    if let Some(s) = style {
        props.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
    }
    if keep {
        props.push_str("<w:keepNext/>");
    }
    if let Some(j) = jc {
        props.push_str(&format!("<w:jc w:val=\"{j}\"/>"));
    }
    if props.is_empty() {
        format!("<w:p>{runs}</w:p>")
    } else {
        format!("<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>")
    }
}

/// A line of a section's text: a sub-heading （一）… in 楷体 (up to its first full stop, when text
/// follows it in the same paragraph), the rest in the body face.
fn body_line(line: &str) -> String {
    let Some(head) = sub_heading(line) else {
        return paragraph(None, false, None, &run(line, Ink::Plain));
    };
    let cut = line[head..]
        .find('。')
        .map_or(line.len(), |i| head + i + '。'.len_utf8());
    let (sub, rest) = line.split_at(cut);
    let mut runs = run(sub, Ink::Sub);
    if !rest.is_empty() {
        runs.push_str(&run(rest, Ink::Plain));
    }
    paragraph(None, rest.is_empty(), None, &runs)
}

/// The length of a line's sub-heading numbering (`（一）`…`（十二）`), if it starts with one.
fn sub_heading(line: &str) -> Option<usize> {
    let rest = line.strip_prefix('（')?;
    let digits = rest.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).count();
    let after: String = rest.chars().skip(digits).take(1).collect();
    (digits > 0 && digits <= 3 && after == "）").then(|| '（'.len_utf8() + digits * '一'.len_utf8() + '）'.len_utf8())
}

/// The title, broken before 政府信息公开工作年度报告 when longer than a line, and also before the
/// year when the agency and year are longer than a line themselves (a long agency name on a line
/// of its own, `2024年政府信息公开工作年度报告` under it).
fn title_paragraph(report: &Report) -> String {
    let text = title(report);
    let year = report.year.map(|y| format!("{y}年")).unwrap_or_default();
    let lines: Vec<&str> = match text.strip_suffix(TITLE_TAIL) {
        Some(head) if title_width(&text) > TITLE_LINE && !head.is_empty() => match head.strip_suffix(year.as_str()) {
            Some(agency) if title_width(head) > TITLE_LINE && !year.is_empty() && !agency.is_empty() => {
                vec![agency, &text[agency.len()..]]
            }
            _ => vec![head, TITLE_TAIL],
        },
        _ => vec![&text],
    };
    let runs: Vec<String> = lines.iter().map(|l| run(l, Ink::Plain)).collect();
    paragraph(Some("Title"), true, None, &runs.join("<w:r><w:br/></w:r>"))
}

/// A title's width in characters of 二号: Latin letters and digits half a character.
fn title_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum::<usize>()
        .div_ceil(2)
}

/// How many of the last lines are a signature: the date signed (`2025年1月27日`, nothing after
/// it) and the agency above it.
fn signature(lines: &[&str]) -> usize {
    use crate::read::identity::{signing_agency, signing_date};
    let date = |line: &str| signing_date(line) && line.ends_with(|c: char| c == '日' || c.is_ascii_digit());
    match lines {
        [.., agency, last] if date(last) && signing_agency(agency) => 2,
        [.., last] if date(last) => 1,
        _ => 0,
    }
}

/// What section `k` with no text should hold, in the report's layout.
fn placeholder(report: &Report, k: usize) -> Option<&'static str> {
    let first_year = report.format.layout().first_year;
    PLACEHOLDERS
        .iter()
        .rev()
        .find(|(s, from, _)| *s == k && *from <= first_year)
        .map(|(_, _, text)| *text)
}

fn document(report: &Report) -> String {
    let mut body = title_paragraph(report);
    let tables = draw(report);
    for (k, heading) in report.format.layout().sections.iter().enumerate() {
        let table = [None, Some(Table::T2), Some(Table::T3), Some(Table::T4), None, None][k];
        body.push_str(&paragraph(Some("Heading1"), true, None, &run(heading, Ink::Plain)));
        let lines: Vec<&str> = report.sections[k]
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        // The report's last text may end with its signature: the agency over the date.
        let last = (k + 1..6).all(|j| report.sections[j].as_deref().is_none_or(|t| t.trim().is_empty()));
        let signed = if last { signature(&lines) } else { 0 };
        for (i, line) in lines.iter().enumerate() {
            if i + signed >= lines.len() {
                body.push_str(&paragraph(Some(SIGNATURE), false, None, &run(line, Ink::Plain)));
            } else {
                body.push_str(&body_line(line));
            }
        }
        if lines.is_empty() {
            if let Some(text) = placeholder(report, k) {
                body.push_str(&paragraph(
                    None,
                    false,
                    None,
                    &run(&format!("{TO_WRITE}{text}"), Ink::Placeholder),
                ));
            }
            if k == 2 {
                if let Some(draft) = applications_draft(report) {
                    body.push_str(&paragraph(None, true, None, &run(&draft, Ink::Draft)));
                }
            }
        }
        if let Some(t) = table {
            match tables.iter().find(|(x, _)| *x == t).and_then(|(_, d)| d.as_ref()) {
                Some(drawn) => body.push_str(&table_xml(drawn)),
                None => body.push_str(&paragraph(
                    None,
                    false,
                    None,
                    &run("（本报告未载此表）", Ink::Placeholder),
                )),
            }
        }
    }
    let [top, right, bottom, left] = MARGINS;
    format!(
        "{XML}<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>{body}<w:sectPr>\
         <w:footerReference w:type=\"default\" r:id=\"rId1\"/><w:pgSz w:w=\"{}\" w:h=\"{}\"/>\
         <w:pgMar w:top=\"{top}\" w:right=\"{right}\" w:bottom=\"{bottom}\" w:left=\"{left}\" w:header=\"851\" \
         w:footer=\"{FOOTER}\" w:gutter=\"0\"/><w:pgNumType w:start=\"1\"/><w:cols w:space=\"425\"/></w:sectPr>\
         </w:body></w:document>",
        PAGE.0, PAGE.1
    )
}

/// The width of each grid column of a drawn table, in twips, adding up to the text width.
fn column_widths(t: &DrawnTable) -> Vec<u32> {
    let given = TABLE_LOOKS
        .iter()
        .find(|l| l.table == t.table)
        .map_or(&[][..], |l| l.labels);
    let labels = t.labels.min(t.width) as usize;
    let mut widths: Vec<u32> = (0..labels)
        .map(|c| match given.len() {
            0 => GROUP_WIDTH,
            n if c + 1 == labels => given[n - 1],
            n => given[..n - 1].get(c).copied().unwrap_or(GROUP_WIDTH),
        })
        .collect();
    let values = t.width as usize - labels;
    let rest = TEXT_WIDTH.saturating_sub(widths.iter().sum());
    if values > 0 {
        let each = rest / values as u32;
        let extra = rest as usize - each as usize * values;
        widths.extend((0..values).map(|i| each + u32::from(i >= values - extra)));
    }
    widths
}

/// One table: the grid's column widths, then each row, a merged cell written in every row it
/// covers (`w:vMerge` continuing it below its first).
fn table_xml(t: &DrawnTable) -> String {
    let look = TABLE_LOOKS.iter().find(|l| l.table == t.table);
    let style = look.map_or(TABLE_TEXT, |l| l.style);
    let whole = look.is_some_and(|l| l.whole);
    let height = look.map_or(0, |l| l.height);
    let widths = column_widths(t);
    let total: u32 = widths.iter().sum();
    let border = |side: &str| format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>");
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|s| border(s))
        .collect();
    let mut out = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>{borders}\
         </w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/>\
         <w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"0000\" w:firstRow=\"0\" \
         w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
    );
    for w in &widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    let rows: Vec<&Vec<Drawn>> = t.head.iter().chain(&t.body).collect();
    let grid = cover(t);
    for (r, line) in grid.iter().enumerate() {
        let header = r < t.head.len();
        // A table kept whole keeps every row with the next; 表三 its header with its first row, and
        // each row with the next under the same label (a label merged down any column but the
        // first, which spans nearly the whole table).
        let grouped = grid
            .get(r + 1)
            .is_some_and(|next| (1..line.len()).any(|c| line[c].is_some() && line[c] == next[c]));
        let keep = r + 1 < grid.len() && (whole || header || grouped);
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if height > 0 {
            out.push_str(&format!("<w:trHeight w:val=\"{height}\" w:hRule=\"atLeast\"/>"));
        }
        if header {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        let mut c = 0;
        while c < line.len() {
            let id = line[c];
            let span = line[c..].iter().take_while(|x| **x == id).count().max(1);
            let width: u32 = widths[c..c + span].iter().sum();
            let cell = id.and_then(|(rr, i)| Some((rr, rows.get(rr)?.get(i)?)));
            let mut props = format!("<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
            if span > 1 {
                props.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
            }
            let content = match cell {
                Some((rr, drawn)) if rr == r => {
                    if drawn.rows > 1 {
                        props.push_str("<w:vMerge w:val=\"restart\"/>");
                    }
                    let (jc, ink) = match drawn.role {
                        Role::Label => (Some("left"), Ink::Plain),
                        Role::Block => (None, Ink::Bold),
                        _ => (None, Ink::Plain),
                    };
                    let runs = if drawn.text.is_empty() {
                        String::new()
                    } else {
                        run(&drawn.text, ink)
                    };
                    paragraph(Some(style), keep, jc, &runs)
                }
                Some(_) => {
                    props.push_str("<w:vMerge/>");
                    paragraph(Some(style), keep, None, "")
                }
                None => paragraph(Some(style), keep, None, ""),
            };
            props.push_str("<w:vAlign w:val=\"center\"/>");
            out.push_str(&format!("<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"));
            c += span;
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// A label without its numbering: `（二）部分公开（区分处理的，…）` → `部分公开`.
fn unnumbered(label: &str) -> &str {
    let short = short_label(label);
    match short.strip_prefix('（').and_then(|rest| rest.split_once('）')) {
        Some((_, rest)) if !rest.is_empty() => rest,
        _ => short,
    }
}

/// The first paragraph of section 三 drafted from 表三's numbers, when the section has no text:
/// `【草稿，请核对】本年度共收到政府信息公开申请X件，其中自然人X件、法人或其他组织X件（…）；上年结转…`,
/// each outcome of 三、本年度办理结果 and what is carried to next year. `None` when the section has
/// text or 表三 has no number of new applications. Worded as the text-against-table check reads
/// statements, so it finds nothing in it.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::docx::applications_draft};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t3.new.total", 12.0);
/// r.set("t3.new.natural", 10.0);
/// r.set("t3.new.commercial", 2.0);
/// r.set("t3.carry_forward.total", 1.0);
/// let draft = applications_draft(&r).unwrap();
/// assert!(draft.starts_with("【草稿，请核对】本年度共收到政府信息公开申请12件，其中自然人10件、法人或其他组织2件（商业企业2件）"));
/// assert!(draft.ends_with("结转下年度继续办理1件。"));
/// r.sections[2] = Some("本年度共收到申请12件。".into());
/// assert_eq!(applications_draft(&r), None);
/// ```
pub fn applications_draft(report: &Report) -> Option<String> {
    if report.sections[2].as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return None;
    }
    let get = |row: &str, col: &str| report.get(&format!("t3.{row}.{col}"));
    let n = format_number;
    let mut out = format!("{DRAFT}本年度共收到政府信息公开申请{}件", n(get("new", "total")?));
    // Applicants: each column without a group, then each group with its columns that are not 0.
    let mut who: Vec<String> = Vec::new();
    let mut i = 0;
    while i < T3_COLUMNS.len() {
        let column = T3_COLUMNS[i];
        match column.group {
            None if column.code == "total" => i += 1,
            None => {
                if let Some(x) = get("new", column.code) {
                    who.push(format!("{}{}件", column.label, n(x)));
                }
                i += 1;
            }
            Some(group) => {
                let members: Vec<_> = T3_COLUMNS[i..].iter().take_while(|c| c.group == Some(group)).collect();
                i += members.len();
                let values: Vec<(&str, f64)> = members
                    .iter()
                    .filter_map(|c| Some((c.label, get("new", c.code)?)))
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let sum: f64 = values.iter().map(|(_, v)| v).sum();
                let detail: Vec<String> = values
                    .iter()
                    .filter(|(_, v)| *v != 0.0)
                    .map(|(label, v)| format!("{label}{}件", n(*v)))
                    .collect();
                let detail = if detail.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", detail.join("、"))
                };
                who.push(format!("{group}{}件{detail}", n(sum)));
            }
        }
    }
    if !who.is_empty() {
        out.push_str(&format!("，其中{}", who.join("、")));
    }
    if let Some(x) = get("carried", "total") {
        out.push_str(&format!("；上年结转政府信息公开申请{}件", n(x)));
    }
    out.push('。');
    // Outcomes: each row or group directly under 三、本年度办理结果, its rows' totals added up.
    let layout = report.format.layout();
    let mut outcomes: Vec<(&str, Vec<&str>)> = Vec::new();
    for row in layout.t3_result_leaves() {
        let top = layout
            .t3_ancestors(row.code)
            .get(1)
            .map_or((row.code, row.label), |g| (g.code, g.label));
        match outcomes.iter_mut().find(|(label, _)| *label == top.1) {
            Some((_, rows)) => rows.push(row.code),
            None => outcomes.push((top.1, vec![row.code])),
        }
    }
    let mut results: Vec<String> = outcomes
        .iter()
        .filter_map(|(label, rows)| {
            let sum: f64 = rows.iter().map(|r| get(r, "total")).sum::<Option<f64>>()?;
            Some(format!("{}{}件", unnumbered(label), n(sum)))
        })
        .collect();
    if let Some(x) = get("results_total", "total") {
        results.push(format!("总计{}件", n(x)));
    }
    let carry = get("carry_forward", "total").map(|x| format!("结转下年度继续办理{}件", n(x)));
    match (results.is_empty(), carry) {
        (false, Some(c)) => out.push_str(&format!("本年度办理结果：{}；{c}。", results.join("，"))),
        (false, None) => out.push_str(&format!("本年度办理结果：{}。", results.join("，"))),
        (true, Some(c)) => out.push_str(&format!("{c}。")),
        (true, None) => {}
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    #[test]
    fn margins_and_widths() {
        assert_eq!(MARGINS, [2098, 1474, 1984, 1587]);
        let mut r = Report::new("某某局", 2024, Format::F2021);
        for c in Format::F2021.cells() {
            r.set(&c.code, 1.0);
        }
        for (_, t) in draw(&r) {
            let t = t.unwrap();
            let w = column_widths(&t);
            assert_eq!(w.len(), t.width as usize);
            assert_eq!(w.iter().sum::<u32>(), TEXT_WIDTH, "{:?}", t.table);
        }
    }

    #[test]
    fn long_titles_break_before_their_tail_or_their_year() {
        let lines = |agency: &str| {
            let p = title_paragraph(&Report::new(agency, 2024, Format::F2021));
            p.split("<w:br/>").count()
        };
        assert_eq!(lines("某某局"), 1);
        assert_eq!(lines("平潭综合实验区"), 2);
        let p = title_paragraph(&Report::new("平潭综合实验区自然资源与生态环境局", 2024, Format::F2021));
        assert!(p.contains(">平潭综合实验区自然资源与生态环境局</w:t></w:r><w:r><w:br/></w:r><w:r><w:t xml:space=\"preserve\">2024年政府信息公开工作年度报告<"));
    }

    #[test]
    fn sub_headings() {
        assert_eq!(sub_heading("（一）主动公开情况"), Some(9));
        assert_eq!(sub_heading("（十二）其他"), Some(12));
        assert_eq!(sub_heading("（注）"), None);
        assert_eq!(sub_heading("一、总体情况"), None);
        assert!(body_line("（一）主动公开。全年公开信息。").contains("楷体_GB2312"));
    }

    #[test]
    fn signatures() {
        assert_eq!(signature(&["无。", "某某区财政局", "2025年1月27日"]), 2);
        assert_eq!(signature(&["无。", "2025年1月27日"]), 1);
        assert_eq!(signature(&["2024年12月31日前完成整改"]), 0);
        assert_eq!(signature(&["无。"]), 0);
    }
}
