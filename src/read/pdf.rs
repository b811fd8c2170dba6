//! PDF — published reports, through `hayro-interpret` (pure Rust).
//!
//! The interpreter draws each page into a [`Device`] that keeps two things: every glyph with its
//! Unicode text (from the font's ToUnicode map or CMap) and its box, and every ruling line (stroked
//! straight segments, and filled bars thinner than [`THIN`], which is how Word and WPS draw
//! borders). A table is a set of rules that touch each other; its grid is the x of its vertical
//! rules by the y of its horizontal rules, and two neighbouring grid cells are one merged cell when
//! less than half of the rule between them is drawn. Each glyph goes into the cell holding its
//! centre; the text outside the tables becomes paragraphs, without page numbers and running heads.
//!
//! A table broken across pages is stitched back into one grid: when a page's first table starts
//! at the top (nothing but page numbers or running heads above it) and the previous page's last
//! table ends at the bottom, its rows are appended, the columns of both parts aligned by their x
//! boundaries. A label cut by the page break (`（四）无` / `法提供`) stays two cells; the matcher
//! reads rows by their leaf labels. A `（续表）` line above the continued part does not stop it, and
//! header rows repeated at the top of the new page (Word's 重复标题行) are read once.
//!
//! Coordinates are points from the top-left corner of the page, y growing down. Every cell keeps
//! its page and its row and column in the table as drawn on that page (`第5页 表格第3行第4列`).
//!
//! Limits: a table needs vertical and horizontal rules (a 三线表 without verticals reads as text);
//! a scan without a text layer is refused, there is no OCR.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use hayro_interpret::font::{Glyph, GlyphRun};
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::{DecryptionError, LoadPdfError, Pdf};
use hayro_interpret::kurbo::{Affine, BezPath, PathEl, Point, Rect, Shape};
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps, InterpreterCache,
    InterpreterSettings, SoftMask,
};

use super::grid::{continuation, is_continuation_caption, is_wide, repeated_header_rows};
use super::{Document, Grid, GridCell, Limits};
use crate::error::ErrorKind;
use crate::label::{normalize, split_numbering};
use crate::model::{Location, PlaceKind};

/// Reads a PDF into one grid per table (tables broken across pages joined) and the paragraphs
/// around them, within the PDF budgets of `limits` (pages, glyphs per page and per document). A
/// panic while reading (the PDF library never panicked on a thousand damaged files, but a PDF can be
/// anything) is caught and reported as a damaged file.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ErrorKind> {
    let data = bytes.to_vec();
    let limits = *limits;
    match catch_unwind(AssertUnwindSafe(move || read_document(data, &limits))) {
        Ok(result) => result,
        Err(panic) => {
            if let Some(OverBudget(kind)) = panic.downcast_ref::<OverBudget>() {
                return Err(kind.clone());
            }
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(ErrorKind::PdfDamaged(format!("读取时出现内部错误：{why}")))
        }
    }
}

fn read_document(data: Vec<u8>, limits: &Limits) -> Result<Document, ErrorKind> {
    let pages = interpret_pages(data, limits)?;
    if pages.is_empty() {
        return Err(ErrorKind::NoPages);
    }
    if pages.iter().all(|p| p.chars.is_empty()) {
        return Err(if pages.iter().any(|p| p.images > 0) {
            ErrorKind::Scanned
        } else {
            ErrorKind::NoText
        });
    }
    let (pages, running) = strip_running_text(pages);
    let mut fragments = Vec::new();
    let mut texts = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let (frags, rest) = page_tables(page, i as u32 + 1);
        // A table wider than the page: its right columns were cut off in print, and a number in
        // the last column shown may have lost digits. Nothing of it can be trusted.
        if let Some(f) = frags.iter().find(|f| {
            let has_text = f.cells.iter().any(|c| !c.text.trim().is_empty());
            has_text
                && page
                    .cut_right
                    .iter()
                    .any(|&y| y > f.top() - SNAP && y < f.bottom() + SNAP)
        }) {
            return Err(ErrorKind::Unsupported(format!(
                "第{}页的表格比页面宽，打印成 PDF 时右侧的列被截掉了，数字不全。请用原网页或 Word 文件，\
                 或在打印时缩小比例（如“缩放 80%”）或选择横向后重新另存为 PDF",
                f.page
            )));
        }
        fragments.extend(frags);
        texts.push(PageText {
            height: page.height,
            lines: group_lines(rest).iter().map(TextLine::of).collect(),
        });
    }
    let furniture = furniture(&texts);
    mark_edges(&mut fragments, &texts, &furniture);
    let paragraphs = paragraphs(&texts, &furniture, &fragments);
    let grids = stitch(fragments).iter().map(|parts| grid(parts)).collect();
    Ok(Document {
        grids,
        paragraphs,
        names: Vec::new(),
        published: true,
        title: running,
    })
}

/// Takes out what a browser prints in the margins of every page — the date and the page's title
/// at the head, its address and `3/6` at the foot — which with small margins runs over the tables
/// and would end up in their cells. Such text is set much smaller than the report's, lies in the
/// outer band of the page, and comes back at the same height on nearly every page (or is an address
/// or a page number). Returns the pages without it, and the page's title as printed in the head.
fn strip_running_text(mut pages: Vec<PageContent>) -> (Vec<PageContent>, Option<String>) {
    let mut sizes: Vec<f64> = pages.iter().flat_map(|p| p.chars.iter().map(|c| c.size)).collect();
    if sizes.is_empty() {
        return (pages, None);
    }
    sizes.sort_by(f64::total_cmp);
    let small = sizes[sizes.len() / 2] * 0.7;
    let key = |t: &str| -> String { t.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect() };
    // Each page's small lines in its outer band: (text, y, the indexes of their glyphs).
    let lines: Vec<Vec<(String, f64, Vec<usize>)>> = pages
        .iter()
        .map(|p| {
            let band = |c: &Ch| c.cy() < p.height * MARGIN_BAND || c.cy() > p.height * (1.0 - MARGIN_BAND);
            let picked: Vec<&Ch> = p.chars.iter().filter(|c| c.size < small && band(c)).collect();
            // Each glyph's index by its address: looking each one up in the page was quadratic.
            let index: HashMap<*const Ch, usize> =
                p.chars.iter().enumerate().map(|(k, c)| (c as *const Ch, k)).collect();
            group_lines(picked)
                .iter()
                .map(|l| {
                    let idx = l
                        .chars
                        .iter()
                        .filter_map(|c| index.get(&(*c as *const Ch)).copied())
                        .collect();
                    (l.text(), (l.y0 + l.y1) / 2.0, idx)
                })
                .collect()
        })
        .collect();
    let mut title = None;
    for (i, page_lines) in lines.iter().enumerate() {
        let mut drop: HashSet<usize> = HashSet::new();
        for (text, y, idx) in page_lines {
            // On (nearly) every page: a table's header rows repeated on the pages it runs over
            // are not.
            let on = lines
                .iter()
                .filter(|other| {
                    other
                        .iter()
                        .any(|(t, oy, _)| (oy - y).abs() <= SNAP && key(t) == key(text))
                })
                .count();
            let repeated = on >= 2 && on * 4 >= lines.len() * 3;
            let address = text.contains("http") || text.contains("www.");
            if repeated || address || is_page_number(text) {
                if title.is_none() && *y < pages[i].height * 0.5 {
                    title = Some(strip_print_date(text));
                }
                drop.extend(idx.iter().copied());
            }
        }
        if !drop.is_empty() {
            let chars = std::mem::take(&mut pages[i].chars);
            pages[i].chars = chars
                .into_iter()
                .enumerate()
                .filter(|(k, _)| !drop.contains(k))
                .map(|(_, c)| c)
                .collect();
        }
    }
    (pages, title.filter(|t| !t.is_empty()))
}

/// A running head without the date and time a browser prints before the title (`2025/3/14 09:27`,
/// `12/4/26, 10:31 AM`, `2026年1月30日 15:02`).
fn strip_print_date(text: &str) -> String {
    static STAMP: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = STAMP.get_or_init(|| {
        regex::Regex::new(
            r"^\s*\d{1,4}\s*[/\-.年]\s*\d{1,2}\s*[/\-.月]\s*\d{1,4}\s*日?[,，\s]*(?:(?:上午|下午)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM|am|pm)?)?\s*",
        )
        .ok()
    });
    match re.as_ref() {
        Some(re) => re.replace(text, "").trim().to_string(),
        None => text.trim().to_string(),
    }
}

// ---------------------------------------------------------------- tunables

/// Rules closer than this (points) are one grid line; also the slack for "touching".
const SNAP: f64 = 2.0;
/// A filled rectangle thinner than this is a rule, not a cell background.
const THIN: f64 = 2.0;
/// Share of a grid edge that must be drawn for the edge to separate two cells.
const EDGE_COVER: f64 = 0.5;
/// A rule grid with more cells than this is a drawing (hatching, a chart), not a table.
const MAX_GRID_CELLS: usize = 100_000;
/// Column boundaries of a table's parts on different pages closer than this (points) are one.
const ALIGN: f64 = 3.0;
/// Outer share of the page height where page numbers and running heads sit.
const MARGIN_BAND: f64 = 0.15;

// ---------------------------------------------------------------- interpreting the pages

/// A glyph: its text and box.
#[derive(Debug, Clone)]
struct Ch {
    s: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    size: f64,
}

impl Ch {
    fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

/// A horizontal rule at y = `pos` from x = `a` to `b`, or a vertical one at x = `pos` from y = `a` to `b`.
#[derive(Debug, Clone, Copy)]
struct Rule {
    horiz: bool,
    pos: f64,
    a: f64,
    b: f64,
}

/// How far a set of ruling lines reaches along one axis: from the ends of the lines running along
/// it (`a <= b`) and the positions of the lines across it.
fn extent(along: &[Rule], across: &[Rule]) -> (f64, f64) {
    along
        .iter()
        .flat_map(|r| [r.a, r.b])
        .chain(across.iter().map(|r| r.pos))
        .fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p), hi.max(p)))
}

/// What one page holds for us.
struct PageContent {
    chars: Vec<Ch>,
    rules: Vec<Rule>,
    images: u32,
    height: f64,
    /// The y of rules that run on past the right of what is shown.
    cut_right: Vec<f64>,
}

/// Runs the interpreter over every page, keeping glyphs, rules and images.
fn interpret_pages(data: Vec<u8>, limits: &Limits) -> Result<Vec<PageContent>, ErrorKind> {
    // A PDF ends with %%EOF; without it the file was cut short (an interrupted download) and
    // whatever pages survive may lack tables or rows.
    if !data[data.len().saturating_sub(4096)..]
        .windows(5)
        .any(|w| w == b"%%EOF")
    {
        return Err(ErrorKind::PdfDamaged("文件不完整，结尾缺失，可能下载时中断".into()));
    }
    let pdf = Pdf::new(data).map_err(|e| match e {
        LoadPdfError::Decryption(DecryptionError::PasswordProtected | DecryptionError::UnsupportedAlgorithm) => {
            ErrorKind::Encrypted("PDF")
        }
        LoadPdfError::Decryption(DecryptionError::MissingIDEntry) => {
            ErrorKind::PdfDamaged("加密信息不完整，缺少文件标识".into())
        }
        LoadPdfError::Decryption(DecryptionError::InvalidEncryption) => ErrorKind::PdfDamaged("加密信息无效".into()),
        LoadPdfError::Invalid => ErrorKind::PdfDamaged("不是完整的 PDF 结构".into()),
    })?;
    let pages = pdf.pages();
    if pages.len() > limits.max_pages {
        return Err(ErrorKind::TooLarge {
            what: "PDF 的页数",
            actual: format!("{} 页", pages.len()),
            limit: limits.max_pages.to_string(),
            option: "--max-pdf-pages",
        });
    }
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut out = Vec::with_capacity(pages.len());
    let mut left = limits.max_glyphs;
    for (i, page) in pages.iter().enumerate() {
        let page_no = i + 1;
        // The interpreter gathers all glyphs of one text-showing operator before it hands them to
        // the device (some 150 bytes each): a single `Tj` of 5·10⁷ glyphs took 6 GB before the
        // device saw one. Such an operator is refused before the page is interpreted.
        let longest = longest_text(page);
        if longest / 4 > limits.max_page_glyphs {
            return Err(glyphs_over(page_no, limits, false));
        }
        let transform = Affine::new(page.initial_transform(true).as_coeffs());
        let (w, h) = page.render_dimensions();
        let bbox = Rect::new(0.0, 0.0, w as f64, h as f64);
        let mut ctx = Context::new(transform, bbox, &cache, pdf.xref(), settings.clone());
        let mut dev = Collector {
            clips: vec![bbox],
            budget: Budget {
                page: limits.max_page_glyphs,
                document: left,
                page_no,
                limits: *limits,
            },
            ..Collector::default()
        };
        interpret_page(page, &mut ctx, &mut dev);
        left -= dev.budget.drawn(limits);
        out.push(PageContent {
            chars: dedup_chars(dev.chars),
            rules: dev.rules,
            images: dev.images,
            height: h as f64,
            cut_right: dev.cut_right,
        });
    }
    Ok(out)
}

/// A budget refusal, carried out of the interpreter as a panic payload (the interpreter cannot be
/// told to stop) and turned back into the error by [`read`].
struct OverBudget(ErrorKind);

/// The refusal of a page with more glyphs than `--max-page-glyphs`, or of a document with more than
/// `--max-glyphs` (`document`).
fn glyphs_over(page_no: usize, limits: &Limits, document: bool) -> ErrorKind {
    if document {
        ErrorKind::TooLarge {
            what: "PDF 全部页面的字符数",
            actual: format!("读到第{page_no}页时已超过 {} 个", limits.max_glyphs),
            limit: limits.max_glyphs.to_string(),
            option: "--max-glyphs",
        }
    } else {
        ErrorKind::TooLarge {
            what: "PDF 一页的字符数",
            actual: format!("第{page_no}页超过 {} 个", limits.max_page_glyphs),
            limit: limits.max_page_glyphs.to_string(),
            option: "--max-page-glyphs",
        }
    }
}

/// The glyphs one page may still draw, on the page and in the document.
#[derive(Default)]
struct Budget {
    /// Glyphs left on this page.
    page: usize,
    /// Glyphs left in the document.
    document: usize,
    /// The page's number, for the message.
    page_no: usize,
    limits: Limits,
}

impl Budget {
    /// Takes `n` glyphs; over either budget, the interpretation stops (see [`OverBudget`]).
    fn take(&mut self, n: usize) {
        if n > self.page {
            std::panic::panic_any(OverBudget(glyphs_over(self.page_no, &self.limits, false)));
        }
        if n > self.document {
            std::panic::panic_any(OverBudget(glyphs_over(self.page_no, &self.limits, true)));
        }
        self.page -= n;
        self.document -= n;
    }

    /// The glyphs taken on this page.
    fn drawn(&self, limits: &Limits) -> usize {
        limits.max_page_glyphs - self.page
    }
}

/// The most bytes one text-showing operator (`Tj`, `TJ`, `'`, `"`) of a page shows, in its content
/// and in the forms it draws (each form once, nested ones too) and the appearances of its
/// annotations. A glyph takes one to four bytes, so a quarter of it is the fewest glyphs it draws.
fn longest_text(page: &hayro_interpret::hayro_syntax::page::Page<'_>) -> usize {
    use hayro_interpret::hayro_syntax::object::dict::keys::{ANNOTS, AP, N};
    use hayro_interpret::hayro_syntax::object::{Array, Dict, Stream};
    let mut seen = HashSet::new();
    let mut longest = page
        .page_stream()
        .map_or(0, |data| longest_in(data, page.resources(), &mut seen, 0));
    if let Some(annots) = page.raw().get::<Array<'_>>(ANNOTS) {
        for annot in annots.iter::<Dict<'_>>() {
            let Some(ap) = annot.get::<Dict<'_>>(AP) else { continue };
            let streams: Vec<Stream<'_>> = match ap.get::<Stream<'_>>(N) {
                Some(s) => vec![s],
                None => ap
                    .get::<Dict<'_>>(N)
                    .map(|d| d.keys().filter_map(|k| d.get::<Stream<'_>>(k.clone())).collect())
                    .unwrap_or_default(),
            };
            for s in streams {
                longest = longest.max(longest_in_form(&s, page.resources(), &mut seen, 0));
            }
        }
    }
    longest
}

/// Forms drawn inside forms deeper than this are not looked into (nor drawn by the interpreter,
/// which stops nesting well before).
const FORM_DEPTH: usize = 16;

/// [`longest_text`] of one content stream.
fn longest_in(
    data: &[u8],
    resources: &hayro_interpret::hayro_syntax::page::Resources<'_>,
    seen: &mut HashSet<hayro_interpret::hayro_syntax::object::ObjectIdentifier>,
    depth: usize,
) -> usize {
    use hayro_interpret::hayro_syntax::content::ops::TypedInstruction as Op;
    use hayro_interpret::hayro_syntax::content::TypedIter;
    use hayro_interpret::hayro_syntax::object::Object;
    let mut longest = 0usize;
    let mut ops = TypedIter::new(data);
    while let Some(op) = ops.next() {
        let n = match op {
            Op::ShowText(t) => t.0.as_bytes().len(),
            Op::NextLineAndShowText(t) => t.0.as_bytes().len(),
            Op::ShowTextWithParameters(t) => t.2.as_bytes().len(),
            Op::ShowTexts(a) => {
                a.0.iter::<Object<'_>>()
                    .map(|o| o.into_string().map_or(0, |s| s.as_bytes().len()))
                    .sum()
            }
            Op::XObject(x) if depth < FORM_DEPTH => match resources.get_x_object(x.0) {
                Some(form) => longest_in_form(&form, resources, seen, depth + 1),
                None => 0,
            },
            _ => 0,
        };
        longest = longest.max(n);
    }
    longest
}

/// [`longest_text`] of a form XObject (or an annotation's appearance), once per object.
fn longest_in_form(
    form: &hayro_interpret::hayro_syntax::object::Stream<'_>,
    parent: &hayro_interpret::hayro_syntax::page::Resources<'_>,
    seen: &mut HashSet<hayro_interpret::hayro_syntax::object::ObjectIdentifier>,
    depth: usize,
) -> usize {
    use hayro_interpret::hayro_syntax::object::dict::keys::{RESOURCES, SUBTYPE};
    use hayro_interpret::hayro_syntax::object::{Dict, Name};
    use hayro_interpret::hayro_syntax::page::Resources;
    if !seen.insert(form.obj_id()) {
        return 0;
    }
    if form
        .dict()
        .get::<Name<'_>>(SUBTYPE)
        .is_some_and(|n| n.as_ref() == b"Image")
    {
        return 0;
    }
    let Ok(data) = form.decoded() else { return 0 };
    let own = form.dict().get::<Dict<'_>>(RESOURCES).map(Resources::new);
    longest_in(&data, own.as_ref().unwrap_or(parent), seen, depth)
}

/// Bold text drawn twice (fill, then stroke) or overprinted: one glyph per text and place.
fn dedup_chars(mut v: Vec<Ch>) -> Vec<Ch> {
    let mut seen = HashSet::new();
    v.retain(|c| seen.insert((c.s.clone(), (c.x0 * 4.0).round() as i64, (c.y0 * 4.0).round() as i64)));
    v
}

/// The device the interpreter draws into: keeps glyphs, rules and a count of images.
#[derive(Default)]
struct Collector {
    chars: Vec<Ch>,
    /// The glyphs still allowed; every glyph handed to the device counts, kept or not.
    budget: Budget,
    rules: Vec<Rule>,
    images: u32,
    /// The clip in force: the page, then after each clip pushed the bounding box of the clip paths
    /// so far.
    clips: Vec<Rect>,
    /// Where a horizontal rule runs on past the right of what is shown (a table wider than the
    /// page, its last columns cut off in print): the rule's y.
    cut_right: Vec<f64>,
}

impl Collector {
    /// Records a straight segment as a rule, cut to the clip in force (what is not shown is not
    /// read).
    fn add_segment(&mut self, p: Point, q: Point) {
        let (dx, dy) = ((q.x - p.x).abs(), (q.y - p.y).abs());
        let clip = self
            .clips
            .last()
            .copied()
            .unwrap_or(Rect::new(f64::MIN, f64::MIN, f64::MAX, f64::MAX));
        if dy <= 0.5 && dx >= 1.0 {
            let pos = (p.y + q.y) / 2.0;
            let (a, b) = (p.x.min(q.x), p.x.max(q.x));
            if pos < clip.y0 - SNAP || pos > clip.y1 + SNAP {
                return;
            }
            if b > clip.x1 + SNAP && a < clip.x1 {
                self.cut_right.push(pos);
            }
            let (a, b) = (a.max(clip.x0), b.min(clip.x1));
            if b - a >= 1.0 {
                self.rules.push(Rule { horiz: true, pos, a, b });
            }
        } else if dx <= 0.5 && dy >= 1.0 {
            let pos = (p.x + q.x) / 2.0;
            let (a, b) = (p.y.min(q.y).max(clip.y0), p.y.max(q.y).min(clip.y1));
            if pos >= clip.x0 - SNAP && pos <= clip.x1 + SNAP && b - a >= 1.0 {
                self.rules.push(Rule {
                    horiz: false,
                    pos,
                    a,
                    b,
                });
            }
        }
    }

    fn stroke(&mut self, path: &BezPath, t: Affine) {
        let mut start = Point::ZERO;
        let mut cur = Point::ZERO;
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    start = t * p;
                    cur = start;
                }
                PathEl::LineTo(p) => {
                    let p = t * p;
                    self.add_segment(cur, p);
                    cur = p;
                }
                PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => cur = t * p,
                PathEl::ClosePath => {
                    self.add_segment(cur, start);
                    cur = start;
                }
            }
        }
    }

    /// A filled subpath counts as a rule only when it is a thin bar (borders drawn as filled
    /// rectangles); larger fills are shading and are ignored.
    fn fill(&mut self, path: &BezPath, t: Affine) {
        if path
            .elements()
            .iter()
            .any(|e| matches!(e, PathEl::QuadTo(..) | PathEl::CurveTo(..)))
        {
            return;
        }
        let mut sub = BezPath::new();
        for el in path.elements() {
            if matches!(el, PathEl::MoveTo(_)) {
                self.bar(&sub, t);
                sub = BezPath::new();
            }
            sub.push(*el);
        }
        self.bar(&sub, t);
    }

    fn bar(&mut self, sub: &BezPath, t: Affine) {
        if sub.elements().is_empty() {
            return;
        }
        let bb: Rect = (t * sub.clone()).bounding_box();
        let (w, h) = (bb.width(), bb.height());
        let c = bb.center();
        if h <= THIN && w > THIN {
            self.add_segment(Point::new(bb.x0, c.y), Point::new(bb.x1, c.y));
        } else if w <= THIN && h > THIN {
            self.add_segment(Point::new(c.x, bb.y0), Point::new(c.x, bb.y1));
        }
    }
}

impl<'a> Device<'a> for Collector {
    fn draw_path(&mut self, path: &BezPath, props: DrawProps<'a>, draw_mode: &DrawMode) {
        match draw_mode {
            DrawMode::Stroke(_) => self.stroke(path, props.transform),
            DrawMode::Fill(_) => self.fill(path, props.transform),
            DrawMode::FillAndStroke(..) => {
                self.stroke(path, props.transform);
                self.fill(path, props.transform);
            }
            DrawMode::Invisible => {}
        }
    }

    fn push_clip_path(&mut self, clip: &ClipPath) {
        let bbox = clip.path.bounding_box();
        let inside = self.clips.last().map_or(bbox, |c| c.intersect(bbox));
        self.clips.push(inside);
    }

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}

    /// Invisible text (render mode 3, an OCR layer) is kept: it is the text of the page.
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        self.budget.take(run.glyphs().len());
        for g in run.glyphs() {
            let s: String = match g.as_unicode() {
                Some(BfString::Char(c)) => unify_radical(c).to_string(),
                Some(BfString::String(s)) => s.chars().map(unify_radical).collect(),
                // No Unicode mapping: nothing trustworthy to read.
                None => continue,
            };
            if s.chars().all(char::is_control) {
                continue;
            }
            // Glyph space (1000 units an em) to page.
            let t = props.transform * g.transform();
            let origin = t * Point::ZERO;
            let up = t * Point::new(0.0, 1000.0);
            let size = ((up.x - origin.x).powi(2) + (up.y - origin.y).powi(2)).sqrt();
            if !(size > 0.1 && size < 500.0) {
                continue;
            }
            let wide = s.chars().any(is_wide);
            let advance = match &**g {
                Glyph::Outline(o) => o.advance_width(),
                Glyph::Type3(t3) => t3.advance_width(),
            }
            .filter(|w| *w > 1.0 && *w < 3000.0)
            .map_or(if wide { 1000.0 } else { 500.0 }, f64::from);
            // The box: advance by descent (−200) to ascent (800).
            let corners = [
                t * Point::new(0.0, -200.0),
                t * Point::new(advance, -200.0),
                t * Point::new(0.0, 800.0),
                t * Point::new(advance, 800.0),
            ];
            let x0 = corners.iter().map(|p| p.x).fold(f64::MAX, f64::min);
            let x1 = corners.iter().map(|p| p.x).fold(f64::MIN, f64::max);
            let y0 = corners.iter().map(|p| p.y).fold(f64::MAX, f64::min);
            let y1 = corners.iter().map(|p| p.y).fold(f64::MIN, f64::max);
            self.chars.push(Ch {
                s,
                x0,
                y0,
                x1,
                y1,
                size,
            });
        }
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {
        self.images += 1;
    }

    fn pop_clip(&mut self) {
        self.clips.pop();
    }

    fn pop_transparency_group(&mut self) {}
}

// ---------------------------------------------------------------- tables on a page

/// The rules of one table and its grid lines.
struct RuleSet {
    xs: Vec<f64>,
    ys: Vec<f64>,
    h: Vec<Rule>,
    v: Vec<Rule>,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl RuleSet {
    fn contains(&self, other: &RuleSet) -> bool {
        self.x0 <= other.x0 + SNAP
            && self.x1 >= other.x1 - SNAP
            && self.y0 <= other.y0 + SNAP
            && self.y1 >= other.y1 - SNAP
    }
}

/// One table as drawn on one page: its grid lines and its cells in its own rows and columns.
#[derive(Debug, Clone)]
struct Fragment {
    page: u32,
    xs: Vec<f64>,
    ys: Vec<f64>,
    cells: Vec<Piece>,
    /// Nothing but page furniture above it on its page.
    at_top: bool,
    /// Nothing but page furniture below it on its page.
    at_bottom: bool,
    /// No rule drawn along its top edge: its first row goes on from the page before.
    open_top: bool,
    /// No rule drawn along its bottom edge: its last row goes on on the next page.
    open_bottom: bool,
}

impl Fragment {
    fn top(&self) -> f64 {
        self.ys.first().copied().unwrap_or_default()
    }
    fn bottom(&self) -> f64 {
        self.ys.last().copied().unwrap_or_default()
    }
}

/// A cell of a fragment.
#[derive(Debug, Clone)]
struct Piece {
    row: u32,
    col: u32,
    rows: u32,
    cols: u32,
    text: String,
}

/// The tables of a page, and the glyphs outside them.
fn page_tables(page: &PageContent, page_no: u32) -> (Vec<Fragment>, Vec<&Ch>) {
    let sets = find_tables(&page.rules);
    let mut used = vec![false; page.chars.len()];
    let mut out = Vec::with_capacity(sets.len());
    for set in &sets {
        out.push(build_fragment(set, &page.chars, &mut used, page_no));
    }
    if let Some(last) = out.iter_mut().max_by(|a, b| a.bottom().total_cmp(&b.bottom())) {
        take_spill(last, &page.chars, &mut used, page.height);
    }
    let rest = page
        .chars
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(c, _)| c)
        .collect();
    (out, rest)
}

/// The text of a row the page break cuts, drawn just below the page's last table: a browser ends
/// the cells' borders at the break but not their text (`果` of `三、本年度办理结果`, `不予公` of
/// `（三）不予公开`). Glyphs in the lower half of the page within two lines under the table's last
/// rule, inside its columns, where no run of text crosses a column boundary (a heading or note
/// under a table runs across them), are put into the last row's cells of their columns.
fn take_spill(f: &mut Fragment, chars: &[Ch], used: &mut [bool], height: f64) {
    let (Some(&left), Some(&right)) = (f.xs.first(), f.xs.last()) else {
        return;
    };
    let bottom = f.bottom();
    if bottom < height * 0.5 {
        return;
    }
    let near: Vec<usize> = (0..chars.len())
        .filter(|&k| !used[k])
        .filter(|&k| {
            let c = &chars[k];
            c.cy() > bottom && c.cy() < bottom + 2.0 * c.size.max(1.0) && c.cx() > left && c.cx() < right
        })
        .collect();
    if near.is_empty() {
        return;
    }
    let refs: Vec<&Ch> = near.iter().map(|&k| &chars[k]).collect();
    // A run crossing a column boundary is a line of text, not cell text.
    for line in group_lines(refs.clone()) {
        for pair in line.chars.windows(2) {
            let gap = pair[1].x0 - pair[0].x1;
            let crosses = f.xs.iter().any(|&x| pair[0].cx() < x && pair[1].cx() > x);
            if crosses && gap < 0.6 * pair[0].size.max(1.0) {
                return;
            }
        }
    }
    let last_row = f.ys.len().saturating_sub(2) as u32;
    let mut by_col: BTreeMap<u32, Vec<&Ch>> = BTreeMap::new();
    for ch in &refs {
        if let Some(c) = slot(&f.xs, ch.cx()) {
            by_col.entry(c as u32).or_default().push(ch);
        }
    }
    for (col, chs) in by_col {
        let Some(piece) = f
            .cells
            .iter_mut()
            .find(|p| p.row + p.rows > last_row && p.col <= col && col < p.col + p.cols)
        else {
            continue;
        };
        join_lines(&mut piece.text, &lines_to_text(&group_lines(chs)));
    }
    for k in near {
        used[k] = true;
    }
}

/// Two parallel rules this close (points) are the two sides of one double line.
const DOUBLE: f64 = 5.0;

/// Rules drawn as double lines put on one line between them: a web page's table with separate
/// borders (`<table border="1">` with its default `cellspacing`) gives each cell a box of its own,
/// so that two neighbouring cells' borders run side by side a few points apart, and the cells'
/// boxes would not touch. A rule with a parallel one more than 1 pt and less than [`DOUBLE`]
/// beyond it, running beside it, is one of a pair: both go to the middle (the nearest partner is
/// taken, each rule once), and the gaps the spacing leaves between collinear pieces are bridged.
fn snap_doubles(mut rs: Vec<Rule>) -> Vec<Rule> {
    rs.sort_by(|p, q| p.pos.total_cmp(&q.pos));
    let mut paired = vec![false; rs.len()];
    let mut doubled = false;
    for i in 0..rs.len() {
        if paired[i] {
            continue;
        }
        let p = rs[i];
        let partner = (i + 1..rs.len())
            .take_while(|&j| rs[j].pos - p.pos <= DOUBLE)
            .find(|&j| !paired[j] && rs[j].pos - p.pos > 1.0 && rs[j].a < p.b - SNAP && p.a < rs[j].b - SNAP);
        if let Some(j) = partner {
            let mid = (p.pos + rs[j].pos) / 2.0;
            rs[i].pos = mid;
            rs[j].pos = mid;
            paired[i] = true;
            paired[j] = true;
            doubled = true;
        }
    }
    if !doubled {
        return rs;
    }
    // The cells' own borders stop short of each other by the spacing: bridge that gap.
    rs.sort_by(|p, q| p.pos.total_cmp(&q.pos).then(p.a.total_cmp(&q.a)));
    let mut out: Vec<Rule> = Vec::with_capacity(rs.len());
    for r in rs {
        match out.last_mut() {
            Some(c) if (c.pos - r.pos).abs() <= 1.0 && r.a <= c.b + DOUBLE => c.b = c.b.max(r.b),
            _ => out.push(r),
        }
    }
    out
}

/// Joins collinear rules that overlap or touch.
fn merge_rules(mut rs: Vec<Rule>) -> Vec<Rule> {
    rs.sort_by(|p, q| p.pos.total_cmp(&q.pos).then(p.a.total_cmp(&q.a)));
    let mut out: Vec<Rule> = Vec::new();
    let mut i = 0;
    while i < rs.len() {
        let mut j = i;
        while j + 1 < rs.len() && rs[j + 1].pos - rs[i].pos <= 1.0 {
            j += 1;
        }
        let mut bucket: Vec<Rule> = rs[i..=j].to_vec();
        bucket.sort_by(|p, q| p.a.total_cmp(&q.a));
        let pos = bucket.iter().map(|r| r.pos).sum::<f64>() / bucket.len() as f64;
        let mut cur: Option<Rule> = None;
        for r in bucket {
            cur = match cur {
                Some(mut c) if r.a <= c.b + 1.0 => {
                    c.b = c.b.max(r.b);
                    Some(c)
                }
                Some(c) => {
                    out.push(c);
                    Some(Rule { pos, ..r })
                }
                None => Some(Rule { pos, ..r }),
            };
        }
        out.extend(cur);
        i = j + 1;
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// Clusters values: a value within [`SNAP`] of its cluster's first value joins it. Cluster means.
fn cluster(mut vals: Vec<f64>) -> Vec<f64> {
    vals.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, f64, usize)> = Vec::new();
    for v in vals {
        match out.last_mut() {
            Some((first, sum, n)) if v - *first <= SNAP => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((v, v, 1)),
        }
    }
    out.into_iter().map(|(_, s, n)| s / n as f64).collect()
}

/// Groups the page's rules into tables: rules that touch each other, with at least two of each
/// direction and more than one cell, not a frame around other tables.
fn find_tables(rules: &[Rule]) -> Vec<RuleSet> {
    let hs = merge_rules(snap_doubles(rules.iter().filter(|r| r.horiz).copied().collect()));
    let mut vs = merge_rules(snap_doubles(rules.iter().filter(|r| !r.horiz).copied().collect()));
    vs.sort_by(|p, q| p.pos.total_cmp(&q.pos));
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, h) in hs.iter().enumerate() {
        let from = vs.partition_point(|v| v.pos < h.a - SNAP);
        for (j, v) in vs.iter().enumerate().skip(from) {
            if v.pos > h.b + SNAP {
                break;
            }
            if h.pos >= v.a - SNAP && h.pos <= v.b + SNAP {
                union(&mut parent, i, hs.len() + j);
            }
        }
    }
    let mut groups: BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = BTreeMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        let g = groups.entry(root).or_default();
        if i < hs.len() {
            g.0.push(hs[i]);
        } else {
            g.1.push(vs[i - hs.len()]);
        }
    }
    let mut sets: Vec<RuleSet> = groups
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .map(|(h, v)| {
            let (x0, x1) = extent(&h, &v);
            let (y0, y1) = extent(&v, &h);
            let xs = cluster(v.iter().map(|r| r.pos).chain([x0, x1]).collect());
            let ys = cluster(h.iter().map(|r| r.pos).chain([y0, y1]).collect());
            RuleSet {
                xs,
                ys,
                h,
                v,
                x0,
                y0,
                x1,
                y1,
            }
        })
        .filter(|t| {
            let cells = (t.xs.len() - 1) * (t.ys.len() - 1);
            t.x1 - t.x0 > 10.0 && t.y1 - t.y0 > 5.0 && cells > 1 && cells <= MAX_GRID_CELLS
        })
        .collect();
    sets.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    let frames: Vec<usize> = (0..sets.len())
        .filter(|&i| (0..sets.len()).any(|j| j != i && sets[i].contains(&sets[j])))
        .collect();
    sets.into_iter()
        .enumerate()
        .filter(|(i, _)| !frames.contains(i))
        .map(|(_, s)| s)
        .collect()
}

/// Length of [lo, hi] covered by the rules lying at `pos`.
fn covered(rules: &[Rule], pos: f64, lo: f64, hi: f64) -> f64 {
    rules
        .iter()
        .filter(|r| (r.pos - pos).abs() <= SNAP)
        .map(|r| (r.b.min(hi) - r.a.max(lo)).max(0.0))
        .sum()
}

/// The grid slot holding coordinate `v`.
fn slot(bounds: &[f64], v: f64) -> Option<usize> {
    let (first, last) = (*bounds.first()?, *bounds.last()?);
    if bounds.len() < 2 || v < first - SNAP || v > last + SNAP {
        return None;
    }
    let k = bounds.partition_point(|b| *b <= v);
    Some(k.saturating_sub(1).min(bounds.len() - 2))
}

/// The cells of a table, merged where a rule is missing, with the text of the glyphs inside.
/// Glyphs placed are marked in `used`.
fn build_fragment(t: &RuleSet, chars: &[Ch], used: &mut [bool], page: u32) -> Fragment {
    let (nr, nc) = (t.ys.len() - 1, t.xs.len() - 1);
    let id = |r: usize, c: usize| r * nc + c;
    let mut parent: Vec<usize> = (0..nr * nc).collect();
    for r in 0..nr {
        let (lo, hi) = (t.ys[r], t.ys[r + 1]);
        for c in 1..nc {
            if covered(&t.v, t.xs[c], lo, hi) < EDGE_COVER * (hi - lo) {
                union(&mut parent, id(r, c - 1), id(r, c));
            }
        }
    }
    for c in 0..nc {
        let (lo, hi) = (t.xs[c], t.xs[c + 1]);
        for r in 1..nr {
            if covered(&t.h, t.ys[r], lo, hi) < EDGE_COVER * (hi - lo) {
                union(&mut parent, id(r - 1, c), id(r, c));
            }
        }
    }
    // Each glyph's slot; a merged region holding no text is not merged at all (empty cells whose
    // borders were not drawn, as a sheet printed with borders only around filled cells).
    let roots: Vec<usize> = (0..nr * nc).map(|i| find(&mut parent, i)).collect();
    let mut placed: Vec<(usize, &Ch)> = Vec::new();
    for (k, ch) in chars.iter().enumerate() {
        if used[k] {
            continue;
        }
        if let (Some(r), Some(c)) = (slot(&t.ys, ch.cy()), slot(&t.xs, ch.cx())) {
            placed.push((id(r, c), ch));
            used[k] = true;
        }
    }
    let inked: HashSet<usize> = placed.iter().map(|(i, _)| roots[*i]).collect();
    // Cells: rectangles of the slots of one region, row-major. A region that is not a rectangle (a
    // rule missing inside the table) becomes several cells, never overlapping ones.
    let mut cell_of: Vec<usize> = vec![usize::MAX; nr * nc];
    let mut spans: Vec<(usize, usize, usize, usize)> = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if cell_of[id(r, c)] != usize::MAX {
                continue;
            }
            let root = roots[id(r, c)];
            let free = |r: usize, c: usize| {
                inked.contains(&root) && cell_of[id(r, c)] == usize::MAX && roots[id(r, c)] == root
            };
            let mut c1 = c;
            while c1 + 1 < nc && free(r, c1 + 1) {
                c1 += 1;
            }
            let mut r1 = r;
            while r1 + 1 < nr && (c..=c1).all(|k| free(r1 + 1, k)) {
                r1 += 1;
            }
            for rr in r..=r1 {
                for cc in c..=c1 {
                    cell_of[id(rr, cc)] = spans.len();
                }
            }
            spans.push((r, c, r1, c1));
        }
    }
    let mut members: Vec<Vec<&Ch>> = vec![Vec::new(); spans.len()];
    for (i, ch) in placed {
        members[cell_of[i]].push(ch);
    }
    let cells = spans
        .iter()
        .zip(members)
        .map(|(&(r0, c0, r1, c1), chars)| Piece {
            row: r0 as u32,
            col: c0 as u32,
            rows: (r1 - r0 + 1) as u32,
            cols: (c1 - c0 + 1) as u32,
            text: lines_to_text(&group_lines(chars)),
        })
        .collect();
    let (x0, x1) = (t.xs[0], t.xs[nc]);
    let open = |y: f64| covered(&t.h, y, x0, x1) < EDGE_COVER * (x1 - x0);
    Fragment {
        page,
        xs: t.xs.clone(),
        ys: t.ys.clone(),
        cells,
        at_top: false,
        at_bottom: false,
        open_top: open(t.ys[0]),
        open_bottom: open(t.ys[nr]),
    }
}

// ---------------------------------------------------------------- tables across pages

/// Joins each fragment that continues the table of the previous page to it: the previous page's
/// last table ends at the bottom, this page's first table starts at the top, and the column
/// boundaries of one are among those of the other (a part may lack a column whose cell only
/// continues there, or have fewer columns, like the blocks of 表二).
fn stitch(fragments: Vec<Fragment>) -> Vec<Vec<Fragment>> {
    let mut tables: Vec<Vec<Fragment>> = Vec::new();
    for f in fragments {
        let continues = tables.last().is_some_and(|parts| {
            let refs: Vec<&Fragment> = parts.iter().collect();
            let (Some(prev), Some(xs)) = (parts.last(), columns(&refs)) else {
                return false;
            };
            prev.page + 1 == f.page && prev.at_bottom && f.at_top && lines_up(&xs, &f.xs)
        });
        match tables.last_mut() {
            Some(parts) if continues => parts.push(f),
            _ => tables.push(vec![f]),
        }
    }
    tables
}

/// Whether a part's column boundaries continue a table's (`xs`): the right edges meet, and most of
/// the boundaries of the narrower set are among the other's. A part may lack a column whose cell
/// only continues there (the merged 三、本年度办理结果 drawn without its left border on the new
/// page), or have a boundary the other lacks (rows on one page spanning two label columns that
/// rows on the next split), or fewer columns, like the blocks of 表二; a table of other columns
/// (表四 after 表三) shares only its outer edges.
fn lines_up(xs: &[f64], next: &[f64]) -> bool {
    let (few, many) = if next.len() <= xs.len() { (next, xs) } else { (xs, next) };
    let near = |x: f64, set: &[f64]| set.iter().any(|m| (m - x).abs() <= ALIGN);
    let shared = few.iter().filter(|&&x| near(x, many)).count();
    let right = match (xs.last(), next.last()) {
        (Some(a), Some(b)) => (a - b).abs() <= ALIGN,
        _ => false,
    };
    few.len() >= 2 && right && (shared == few.len() || (shared >= 3 && shared * 10 >= few.len() * 7))
}

/// The column boundaries of a table's parts: the first part's, plus every boundary of a later
/// part that is not within [`ALIGN`] of one already there. `None` when two boundaries of a later
/// part fall on one column.
fn columns(parts: &[&Fragment]) -> Option<Vec<f64>> {
    let mut all = parts.first()?.xs.clone();
    for p in parts.iter().skip(1) {
        for &x in &p.xs {
            if all.get(nearest(&all, x)).is_none_or(|b| (b - x).abs() > ALIGN) {
                all.insert(all.partition_point(|b| *b < x), x);
            }
        }
    }
    for p in parts.iter().skip(1) {
        let mut seen = HashSet::new();
        if !p.xs.iter().all(|&x| seen.insert(nearest(&all, x))) {
            return None;
        }
    }
    Some(all)
}

/// Index of the value in sorted `bounds` nearest to `x`.
fn nearest(bounds: &[f64], x: f64) -> usize {
    let k = bounds.partition_point(|b| *b < x);
    match (k.checked_sub(1), bounds.get(k)) {
        (Some(below), Some(above)) if x - bounds[below] <= above - x => below,
        (Some(below), None) => below,
        _ => k,
    }
}

/// One grid from a table's parts: rows one after the other, columns on the union of their x
/// boundaries; each cell's location is its page and its place in the part drawn there. A row
/// broken by the page is joined back (see [`join_broken_row`]).
fn grid(parts: &[Fragment]) -> Grid {
    let refs: Vec<&Fragment> = parts.iter().collect();
    let page = parts.first().map_or(0, |p| p.page);
    let xs = columns(&refs).unwrap_or_default();
    let mut cells: Vec<GridCell> = Vec::new();
    // The first part's cells, whose header rows a later part may repeat.
    let mut first: Vec<GridCell> = Vec::new();
    let mut offset = 0;
    for (k, part) in parts.iter().enumerate() {
        let sheet: std::sync::Arc<str> = format!("第{}页", part.page).into();
        let at = |i: u32| part.xs.get(i as usize).map_or(0, |&x| nearest(&xs, x) as u32);
        let mut placed: Vec<GridCell> = part
            .cells
            .iter()
            .map(|p| {
                let (c0, c1) = (at(p.col), at(p.col + p.cols));
                GridCell {
                    row: offset + p.row,
                    col: c0,
                    rows: p.rows,
                    cols: c1.saturating_sub(c0).max(1),
                    text: p.text.clone(),
                    number: None,
                    at: Location {
                        kind: PlaceKind::Page,
                        sheet: sheet.clone(),
                        row: p.row,
                        col: p.col,
                    },
                }
            })
            .collect();
        let mut rows = part.ys.len().saturating_sub(1) as u32;
        if k == 0 {
            first.clone_from(&placed);
        } else {
            // Header rows repeated at the top of the page (Word's 重复标题行) are read once.
            rows = rows.saturating_sub(repeated_header_rows(&first, &placed));
            placed = continuation(&first, placed, offset);
            let open = parts[k - 1].open_bottom || part.open_top;
            join_broken_row(&mut cells, &mut placed, offset - 1, offset, open);
        }
        cells.extend(placed);
        offset += rows;
    }
    Grid::new(&format!("第{page}页"), true, cells)
}

/// A row broken by the page (Word and LibreOffice let a row run over the break; a browser too,
/// header rows included): the label starts on one page and ends on the next, and the numbers sit in
/// one of the two parts only. The text of the part on the new page (row `b`) is moved into the cells
/// above it (row `a`), leaving row `b` blank, so the row reads as one.
///
/// Where the break left the row open (`open`: no rule drawn along the bottom of the part above or
/// the top of the part below) the two are one row whenever no column has a number in both and every
/// piece of text in `b` has a cell of `a` above it. Else two rows are one only when, besides,
/// some column has a number in one and nothing in the other, and no text in `b` starts with
/// numbering (`5.`, `（三）`: a row of its own).
fn join_broken_row(above: &mut [GridCell], below: &mut [GridCell], a: u32, b: u32, open: bool) {
    let numeric = |t: &str| {
        let t = t.trim();
        t.chars().any(|c| c.is_ascii_digit())
            && t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
    };
    // The cells of row `a`: starting there, or reaching down into it from above.
    let a_cells: Vec<usize> = (0..above.len())
        .filter(|&i| above[i].row <= a && above[i].row + above[i].rows.max(1) > a)
        .collect();
    let pairs: Vec<(usize, Option<usize>)> = (0..below.len())
        .filter(|&j| below[j].row == b)
        .map(|j| (j, a_cells.iter().copied().find(|&i| above[i].col == below[j].col)))
        .collect();
    let mut evidence = false;
    for &(j, i) in &pairs {
        let text = below[j].text.trim();
        let over = i.map(|i| above[i].text.trim());
        if numeric(text) && over.is_some_and(numeric) {
            return;
        }
        if text.is_empty() {
            evidence |= over.is_some_and(numeric);
            continue;
        }
        let numbered = !split_numbering(&normalize(text)).0.is_empty();
        if over.is_none() || below[j].rows > 1 || (numbered && !open) {
            return;
        }
        evidence |= numeric(text) && over.is_some_and(str::is_empty);
    }
    if !evidence && !open {
        return;
    }
    for (j, i) in pairs {
        if let Some(i) = i {
            let text = std::mem::take(&mut below[j].text);
            join_lines(&mut above[i].text, text.trim());
        }
    }
}

// ---------------------------------------------------------------- text

/// The unified ideograph a CJK radical stands for. Fonts draw 一 (U+4E00) and the Kangxi radical
/// ⼀ (U+2F00) with one glyph, and some writers (Chromium's, for one) name that glyph by the radical
/// in the PDF's ToUnicode map; read back, `第⼆⼗条` must be `第二十条`.
fn unify_radical(c: char) -> char {
    match c as u32 {
        k @ 0x2E80..=0x2EF3 => RADICALS_SUPPLEMENT[(k - 0x2E80) as usize],
        k @ 0x2F00..=0x2FD5 => KANGXI_RADICALS[(k - 0x2F00) as usize],
        _ => c,
    }
}

/// CJK Radicals Supplement (U+2E80–U+2EF3) as the unified ideographs they stand for (Unicode's
/// EquivalentUnifiedIdeograph.txt); a radical without one maps to itself.
const RADICALS_SUPPLEMENT: [char; 116] = [
    '⺀', '厂', '乛', '乚', '乙', '亻', '冂', '𠘨', '刀', '刂', '卜', '㔾', '小', '小', '兀', '尣', '尢', '𡯂', '巳',
    '幺', '彑', '𫜹', '忄', '心', '扌', '攵', '⺚', '旡', '日', '月', '歺', '母', '民', '氵', '氺', '灬', '爫', '爫',
    '丬', '牛', '犭', '王', '𤴔', '目', '示', '礻', '𥫗', '糹', '纟', '罓', '罒', '㓁', '冗', '𦉫', '羊', '𦍌', '𦍋',
    '耂', '肀', '聿', '肉', '𦥑', '艹', '艹', '艹', '虎', '衤', '覀', '西', '见', '角', '𧢲', '讠', '贝', '𧾷', '车',
    '辶', '辶', '辶', '邑', '钅', '長', '镸', '长', '门', '𨸏', '阝', '雨', '青', '韦', '页', '风', '飞', '食', '𩙿',
    '飠', '饣', '𩠐', '马', '骨', '鬼', '鱼', '鸟', '卤', '麦', '黄', '黾', '斉', '齐', '歯', '齿', '竜', '龙', '龜',
    '亀', '龟',
];
/// Kangxi Radicals (U+2F00–U+2FD5) as the unified ideographs they stand for.
const KANGXI_RADICALS: [char; 214] = [
    '一', '丨', '丶', '丿', '乙', '亅', '二', '亠', '人', '儿', '入', '八', '冂', '冖', '冫', '几', '凵', '刀', '力',
    '勹', '匕', '匚', '匸', '十', '卜', '卩', '厂', '厶', '又', '口', '囗', '土', '士', '夂', '夊', '夕', '大', '女',
    '子', '宀', '寸', '小', '尢', '尸', '屮', '山', '巛', '工', '己', '巾', '干', '幺', '广', '廴', '廾', '弋', '弓',
    '彐', '彡', '彳', '心', '戈', '戶', '手', '支', '攴', '文', '斗', '斤', '方', '无', '日', '曰', '月', '木', '欠',
    '止', '歹', '殳', '毋', '比', '毛', '氏', '气', '水', '火', '爪', '父', '爻', '爿', '片', '牙', '牛', '犬', '玄',
    '玉', '瓜', '瓦', '甘', '生', '用', '田', '疋', '疒', '癶', '白', '皮', '皿', '目', '矛', '矢', '石', '示', '禸',
    '禾', '穴', '立', '竹', '米', '糸', '缶', '网', '羊', '羽', '老', '而', '耒', '耳', '聿', '肉', '臣', '自', '至',
    '臼', '舌', '舛', '舟', '艮', '色', '艸', '虍', '虫', '血', '行', '衣', '襾', '見', '角', '言', '谷', '豆', '豕',
    '豸', '貝', '赤', '走', '足', '身', '車', '辛', '辰', '辵', '邑', '酉', '釆', '里', '金', '長', '門', '阜', '隶',
    '隹', '雨', '靑', '非', '面', '革', '韋', '韭', '音', '頁', '風', '飛', '食', '首', '香', '馬', '骨', '高', '髟',
    '鬥', '鬯', '鬲', '鬼', '魚', '鳥', '鹵', '鹿', '麥', '麻', '黃', '黍', '黑', '黹', '黽', '鼎', '鼓', '鼠', '鼻',
    '齊', '齒', '龍', '龜', '龠',
];

/// Glyphs on one line, left to right.
struct Line<'a> {
    chars: Vec<&'a Ch>,
    y0: f64,
    y1: f64,
}

impl Line<'_> {
    fn text(&self) -> String {
        let mut s = String::new();
        let mut prev: Option<&Ch> = None;
        for c in &self.chars {
            if prev.is_some_and(|p| c.x0 - p.x1 > 0.3 * c.size.min(p.size)) {
                s.push(' ');
            }
            s.push_str(&c.s);
            prev = Some(c);
        }
        tidy_spaces(&s)
    }
}

/// Groups glyphs into lines: a glyph joins a line it overlaps vertically by at least half of the
/// smaller height. Lines top to bottom, glyphs left to right.
fn group_lines(mut cs: Vec<&Ch>) -> Vec<Line<'_>> {
    cs.sort_by(|a, b| a.cy().total_cmp(&b.cy()).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Line> = Vec::new();
    for c in cs {
        let h = c.y1 - c.y0;
        let hit = lines.iter_mut().rev().take(3).find(|l| {
            let overlap = c.y1.min(l.y1) - c.y0.max(l.y0);
            overlap >= 0.5 * h.min(l.y1 - l.y0)
        });
        match hit {
            Some(l) => {
                l.chars.push(c);
                l.y0 = l.y0.min(c.y0);
                l.y1 = l.y1.max(c.y1);
            }
            None => lines.push(Line {
                chars: vec![c],
                y0: c.y0,
                y1: c.y1,
            }),
        }
    }
    for l in &mut lines {
        l.chars.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    lines.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    lines
}

/// Collapses white space and drops it where it touches a CJK character (letter-spaced or
/// justified labels: `结 果维持` → `结果维持`, `2024 年` → `2024年`).
fn tidy_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending = !out.is_empty();
            continue;
        }
        if pending && !out.chars().last().is_some_and(is_wide) && !is_wide(c) {
            out.push(' ');
        }
        pending = false;
        out.push(c);
    }
    out
}

/// Appends the text of the next line: no space where either side is CJK (a wrapped label).
fn join_lines(acc: &mut String, next: &str) {
    if next.is_empty() {
        return;
    }
    if let (Some(a), Some(b)) = (acc.chars().last(), next.chars().next()) {
        if !is_wide(a) && !is_wide(b) && a != '-' {
            acc.push(' ');
        }
    }
    acc.push_str(next);
}

fn lines_to_text(lines: &[Line]) -> String {
    let mut s = String::new();
    for l in lines {
        join_lines(&mut s, &l.text());
    }
    s
}

// ---------------------------------------------------------------- paragraphs and page furniture

/// A line of text outside the tables.
struct TextLine {
    text: String,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    size: f64,
    glyphs: usize,
}

impl TextLine {
    fn of(line: &Line) -> TextLine {
        let mut sizes: Vec<f64> = line.chars.iter().map(|c| c.size).collect();
        sizes.sort_by(f64::total_cmp);
        TextLine {
            text: line.text(),
            x0: line.chars.first().map_or(0.0, |c| c.x0),
            x1: line.chars.last().map_or(0.0, |c| c.x1),
            y0: line.y0,
            y1: line.y1,
            size: sizes.get(sizes.len() / 2).copied().unwrap_or(1.0),
            glyphs: line.chars.len(),
        }
    }

    fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

/// The text lines outside the tables of one page.
struct PageText {
    height: f64,
    lines: Vec<TextLine>,
}

/// A page number: digits with only dashes, 第/页/共, slashes or brackets around them
/// (`- 3 -`, `第3页 共6页`, `3/6`).
fn is_page_number(text: &str) -> bool {
    let t: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = t.iter().filter(|c| c.is_ascii_digit()).count();
    let decoration = |c: &&char| {
        matches!(
            c,
            '-' | '—' | '–' | '第' | '页' | '共' | '/' | '·' | '(' | ')' | '（' | '）' | '[' | ']'
        )
    };
    let others = t.iter().filter(|c| !c.is_ascii_digit() && !decoration(c)).count();
    (1..=6).contains(&digits) && others == 0 && digits < t.len()
}

/// Which lines of each page are page furniture: page numbers, and in the page's outer bands, bare
/// numbers and lines repeated at the same height on other pages (running heads and feet).
fn furniture(pages: &[PageText]) -> Vec<Vec<bool>> {
    let key = |t: &str| -> String { t.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect() };
    let in_band =
        |p: &PageText, l: &TextLine| l.cy() < p.height * MARGIN_BAND || l.cy() > p.height * (1.0 - MARGIN_BAND);
    let mut seen: HashMap<String, Vec<(usize, f64)>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        for l in p.lines.iter().filter(|l| in_band(p, l)) {
            seen.entry(key(&l.text)).or_default().push((i, l.cy()));
        }
    }
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.lines
                .iter()
                .map(|l| {
                    let bare = l.text.len() <= 4 && l.text.chars().all(|c| c.is_ascii_digit());
                    let repeated = seen
                        .get(&key(&l.text))
                        .is_some_and(|places| places.iter().any(|&(j, y)| j != i && (y - l.cy()).abs() <= SNAP));
                    is_page_number(&l.text) || (in_band(p, l) && (bare || repeated))
                })
                .collect()
        })
        .collect()
}

/// Sets each fragment's `at_top` and `at_bottom`: whether anything but furniture or another table
/// (or, above it, a continuation caption such as `（续表）`) lies above or below it on its page.
fn mark_edges(fragments: &mut [Fragment], pages: &[PageText], furniture: &[Vec<bool>]) {
    let n = fragments.len();
    for i in 0..n {
        let page = fragments[i].page;
        let idx = page as usize - 1;
        let body: Vec<&TextLine> = pages[idx]
            .lines
            .iter()
            .zip(&furniture[idx])
            .filter(|(_, f)| !**f)
            .map(|(l, _)| l)
            .collect();
        let f = &fragments[i];
        let first = i == 0 || fragments[i - 1].page != page;
        let last = i + 1 == n || fragments[i + 1].page != page;
        // A `（续表）` line above a table says it continues the one before, as if it were not there.
        let at_top = first
            && !body
                .iter()
                .any(|l| l.cy() < f.top() && !is_continuation_caption(&l.text));
        let at_bottom = last && !body.iter().any(|l| l.cy() > f.bottom());
        fragments[i].at_top = at_top;
        fragments[i].at_bottom = at_bottom;
    }
}

/// The text outside the tables as paragraphs, in reading order. A line starts a paragraph when it
/// is indented, follows a short line, changes the font size, follows a wider gap than the page's
/// usual line spacing, or follows a table; a paragraph
/// runs on to the next page when its last line reaches the right margin.
fn paragraphs(pages: &[PageText], furniture: &[Vec<bool>], fragments: &[Fragment]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut open = false;
    for (i, page) in pages.iter().enumerate() {
        let lines: Vec<&TextLine> = page
            .lines
            .iter()
            .zip(&furniture[i])
            .filter(|(_, f)| !**f)
            .map(|(l, _)| l)
            .collect();
        let tables: Vec<(f64, f64)> = fragments
            .iter()
            .filter(|f| f.page as usize == i + 1)
            .map(|f| (f.top(), f.bottom()))
            .collect();
        let Some(last) = lines.last() else {
            flush(&mut cur, &mut out);
            open = false;
            continue;
        };
        let long: Vec<&&TextLine> = lines.iter().filter(|l| l.glyphs >= 8).collect();
        let basis: Vec<&&TextLine> = if long.is_empty() { lines.iter().collect() } else { long };
        let left = basis.iter().map(|l| l.x0).fold(f64::MAX, f64::min);
        let right = basis.iter().map(|l| l.x1).fold(f64::MIN, f64::max);
        let table_between =
            |top: f64, bottom: f64| tables.iter().any(|&(t0, t1)| t0 >= top - SNAP && t1 <= bottom + SNAP);
        // The usual space between two lines of a paragraph on this page (double spacing is common).
        let mut gaps: Vec<f64> = lines
            .windows(2)
            .map(|w| w[1].y0 - w[0].y1)
            .filter(|g| *g >= 0.0)
            .collect();
        gaps.sort_by(f64::total_cmp);
        let usual = gaps.get(gaps.len() / 2).copied().unwrap_or(0.0).max(0.0);
        for (k, l) in lines.iter().enumerate() {
            let indented = l.x0 - left > 1.2 * l.size;
            let new_para = match k.checked_sub(1).map(|p| lines[p]) {
                None => !open || indented || tables.iter().any(|&(_, t1)| t1 <= l.y0 + SNAP),
                Some(p) => {
                    indented
                        || p.x1 < right - 1.5 * p.size
                        || (l.size - p.size).abs() > 0.15 * p.size
                        || l.y0 - p.y1 > usual + 0.6 * l.size.max(p.size)
                        || table_between(p.y1, l.y0)
                }
            };
            if new_para {
                flush(&mut cur, &mut out);
            }
            join_lines(&mut cur, &l.text);
        }
        let table_below = tables.iter().any(|&(t0, _)| t0 >= last.y1 - SNAP);
        open = !table_below && last.x1 >= right - 1.5 * last.size;
        if !open {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    out
}

fn flush(cur: &mut String, out: &mut Vec<String>) {
    let p = std::mem::take(cur);
    if !p.is_empty() {
        out.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_next_to_cjk_go() {
        assert_eq!(tidy_spaces("结 果维持"), "结果维持");
        assert_eq!(tidy_spaces("2024 年"), "2024年");
        assert_eq!(tidy_spaces(" PDF  file "), "PDF file");
    }

    #[test]
    fn a_wrapped_cjk_label_joins_without_space() {
        let mut s = "商业企".to_string();
        join_lines(&mut s, "业");
        assert_eq!(s, "商业企业");
    }

    #[test]
    fn page_numbers() {
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("第 3 页 共 6 页"));
        assert!(is_page_number("3/6"));
        assert!(!is_page_number("2024"));
        assert!(!is_page_number("一、总体情况"));
    }

    #[test]
    fn radicals_read_as_ideographs() {
        let read: String = "第⼆⼗条 中华⼈⺠共和国 ⾏政".chars().map(unify_radical).collect();
        assert_eq!(read, "第二十条 中华人民共和国 行政");
        assert_eq!(unify_radical('⺀'), '⺀');
    }

    #[test]
    fn nearest_boundary() {
        let b = [10.0, 20.0, 40.0];
        assert_eq!(nearest(&b, 9.0), 0);
        assert_eq!(nearest(&b, 14.0), 0);
        assert_eq!(nearest(&b, 16.0), 1);
        assert_eq!(nearest(&b, 41.0), 2);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(
            read(b"%PDF-1.7\n", &Limits::default()),
            Err(ErrorKind::PdfDamaged(_))
        ));
        assert!(read(b"%PDF-1.4 not a pdf at all", &Limits::default()).is_err());
    }
}
