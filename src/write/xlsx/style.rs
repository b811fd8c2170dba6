//! The look of the workbooks: one function from the role a cell plays to its format.
//!
//! Official tables are black-bordered 宋体 grids under 黑体 titles. On top of that the colours tell a
//! clerk what to do: white cells are to be filled in, grey ones are labels, green ones are computed,
//! yellow ones check the arithmetic; a cell a finding points at is red (error) or amber (warning).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, FormatUnderline};

use crate::format::Kind;
use crate::model::Severity;

/// Table text.
const BODY_FONT: &str = "宋体";
/// Titles and headings.
const TITLE_FONT: &str = "黑体";
/// Running text on the cover.
const TEXT_FONT: &str = "仿宋";
/// The GB2312 character set, so Excel and WPS pick the Chinese font as named.
const GB2312: u8 = 134;

const HEADER_FILL: u32 = 0xDDEBF7;
const LABEL_FILL: u32 = 0xF2F2F2;
const TOTAL_FILL: u32 = 0xE2EFDA;
const CHECK_FILL: u32 = 0xFFF2CC;
const ERROR_FILL: u32 = 0xFFC7CE;
const ERROR_FONT: u32 = 0x9C0006;
const WARNING_FILL: u32 = 0xFFEB9C;
const WARNING_FONT: u32 = 0x9C5700;
const OK_FILL: u32 = 0xC6EFCE;
const OK_FONT: u32 = 0x006100;
const MUTED_FONT: u32 = 0x808080;
const LINK_FONT: u32 = 0x0563C1;

/// What a cell is for; decides its font, fill, border, alignment and number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The title of a sheet or of the whole workbook.
    Title,
    /// A line under the title.
    Subtitle,
    /// A table's heading (`三、收到和处理政府信息公开申请情况`) or a heading on the cover.
    Heading,
    /// A column header or a block header of a table.
    Header,
    /// A row label, left-aligned.
    Label,
    /// A group label spanning several rows or columns, centred.
    Group,
    /// The small print of 表三's corner note.
    Note,
    /// A cell of the report that a person fills in.
    Input(Kind),
    /// A cell of the report that is the sum of others.
    Total(Kind),
    /// The heading of a check column or row.
    CheckHeader,
    /// A live check: 正确 / 错误 / 未填完.
    Check,
    /// Running text (the cover's instructions).
    Text,
    /// A field name on the cover (`填报单位`).
    Field,
    /// A field value on the cover.
    Value,
    /// A field value on the cover that the agency fills in.
    Entry,
    /// Plain bordered text (a list's cells).
    Plain,
    /// A link to another cell of the workbook.
    Link,
}

impl Role {
    /// The font size in points.
    pub fn font_size(self) -> f64 {
        match self {
            Role::Title => 18.0,
            Role::Heading => 14.0,
            Role::Subtitle | Role::Text | Role::Field | Role::Value | Role::Entry => 12.0,
            Role::CheckHeader => 9.0,
            Role::Note => 10.0,
            Role::Check => 10.0,
            _ => 11.0,
        }
    }

    /// The room the role's indent takes from a cell, in column-width units.
    pub fn indent_width(self) -> f64 {
        match self {
            Role::Label => 2.5,
            _ => 0.0,
        }
    }
}

/// The format of a cell of `role`, marked by the worst finding on it, if any.
pub fn style(role: Role, mark: Option<Severity>) -> Format {
    let size = role.font_size();
    let font = match role {
        Role::Title | Role::Heading => TITLE_FONT,
        Role::Subtitle | Role::Text | Role::Field | Role::Value | Role::Entry => TEXT_FONT,
        _ => BODY_FONT,
    };
    let mut f = Format::new()
        .set_font_name(font)
        .set_font_charset(GB2312)
        .set_font_size(size)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    f = match role {
        Role::Title | Role::Subtitle | Role::Heading => f.set_align(FormatAlign::Center),
        Role::Text => f.set_align(FormatAlign::Left),
        _ => f.set_border(FormatBorder::Thin),
    };
    f = match role {
        Role::Title | Role::Heading => f.set_bold(),
        Role::Header | Role::CheckHeader => f
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color(fill(HEADER_FILL)),
        Role::Group => f.set_align(FormatAlign::Center).set_background_color(fill(LABEL_FILL)),
        Role::Label => f
            .set_align(FormatAlign::Left)
            .set_indent(1)
            .set_background_color(fill(LABEL_FILL)),
        Role::Field => f
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color(fill(LABEL_FILL)),
        Role::Note => f.set_align(FormatAlign::Center).set_background_color(fill(LABEL_FILL)),
        Role::Input(kind) => f
            .set_align(FormatAlign::Center)
            .set_num_format(number_format(kind))
            .set_unlocked(),
        Role::Total(kind) => f
            .set_align(FormatAlign::Center)
            .set_num_format(number_format(kind))
            .set_background_color(fill(TOTAL_FILL)),
        Role::Check => f.set_align(FormatAlign::Center).set_background_color(fill(CHECK_FILL)),
        Role::Value => f.set_align(FormatAlign::Left).set_background_color(fill(LABEL_FILL)),
        Role::Entry => f.set_align(FormatAlign::Left).set_unlocked(),
        Role::Plain => f.set_align(FormatAlign::Left),
        Role::Link => f
            .set_align(FormatAlign::Left)
            .set_font_color(fill(LINK_FONT))
            .set_underline(FormatUnderline::Single),
        Role::Subtitle | Role::Text => f,
    };
    match mark {
        Some(Severity::Error) => f
            .set_background_color(fill(ERROR_FILL))
            .set_font_color(fill(ERROR_FONT)),
        Some(Severity::Warning) => f
            .set_background_color(fill(WARNING_FILL))
            .set_font_color(fill(WARNING_FONT)),
        None => f,
    }
}

/// How numbers of a kind are shown: counts as they are (a wrong 3.5 must not look like 4), signed
/// changes with their sign, amounts in 万元 with two to four decimals.
fn number_format(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "General",
        Kind::Signed => "+General;-General;General",
        Kind::Amount => "0.00##",
    }
}

fn fill(rgb: u32) -> Color {
    Color::RGB(rgb)
}

/// The conditional formats of check cells: 错误 red, 正确 green, 未填完 grey.
pub fn check_marks() -> [(&'static str, Format); 3] {
    [
        (
            super::WRONG,
            Format::new()
                .set_background_color(fill(ERROR_FILL))
                .set_font_color(fill(ERROR_FONT))
                .set_bold(),
        ),
        (
            super::RIGHT,
            Format::new()
                .set_background_color(fill(OK_FILL))
                .set_font_color(fill(OK_FONT)),
        ),
        (super::INCOMPLETE, Format::new().set_font_color(fill(MUTED_FONT))),
    ]
}

/// The width of `text` in column-width units (the width of a `0` in an 11-point font): Chinese
/// characters and full-width punctuation count two, everything else one, scaled by font size.
pub fn text_width(text: &str, size: f64) -> f64 {
    let units: f64 = text.chars().map(|c| if (c as u32) < 0x2000 { 1.1 } else { 2.0 }).sum();
    units * size / 11.0
}

/// The height in points of one line of text in a font of `size` points.
pub fn line_height(size: f64) -> f64 {
    size * 1.45
}
