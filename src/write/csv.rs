//! The long CSV: one cell a line, `agency,year,format,table,row,col,value`, rows in official order.

use crate::model::{format_number, Report};

/// UTF-8 byte order mark, so Excel and WPS open the CSV as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The long CSV of several reports (header once), with a BOM unless `bom` is false.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::csv::long_csv};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t2.fees.amount", 1.5);
/// let text = String::from_utf8(long_csv(&[&r], false)).unwrap();
/// let mut lines = text.lines();
/// assert_eq!(lines.next(), Some("agency,year,format,table,row,col,value"));
/// assert_eq!(lines.next(), Some("某某局,2024,2021,t2,rules,issued,"));
/// assert!(text.contains("某某局,2024,2021,t2,fees,amount,1.5\n"));
/// assert!(text.contains("某某局,2024,2021,t4,,review_total,\n"));
/// ```
pub fn long_csv(reports: &[&Report], bom: bool) -> Vec<u8> {
    let mut w = LongCsv::new(Vec::new(), bom);
    for r in reports {
        w.push(r);
    }
    w.finish()
}

/// The long CSV written report by report, so many reports never need to be in memory at once.
pub struct LongCsv<W: std::io::Write> {
    writer: csv::Writer<W>,
    failed: Option<std::io::Error>,
}

impl<W: std::io::Write> LongCsv<W> {
    /// Starts the CSV on `out`: the BOM (unless `bom` is false) and the header.
    pub fn new(mut out: W, bom: bool) -> LongCsv<W> {
        let mut failed = None;
        if bom {
            failed = out.write_all(BOM).err();
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        if failed.is_none() {
            failed = writer
                .write_record(["agency", "year", "format", "table", "row", "col", "value"])
                .err()
                .map(Into::into);
        }
        LongCsv { writer, failed }
    }

    /// Adds one report's cells, in official order.
    pub fn push(&mut self, r: &Report) {
        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        for (def, value) in r.iter() {
            if self.failed.is_some() {
                return;
            }
            let v = value.and_then(|v| v.number).map(format_number).unwrap_or_default();
            let record = [
                &r.agency,
                &year,
                r.format.code(),
                def.table.code(),
                def.row,
                def.col,
                &v,
            ];
            self.failed = self.writer.write_record(record).err().map(Into::into);
        }
    }

    /// Flushes and returns the writer; a write error met on the way is returned instead.
    pub fn try_finish(mut self) -> Result<W, std::io::Error> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

impl LongCsv<Vec<u8>> {
    /// The bytes written (writing into memory cannot fail).
    pub fn finish(self) -> Vec<u8> {
        self.try_finish().unwrap_or_default()
    }
}
