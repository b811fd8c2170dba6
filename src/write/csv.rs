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
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(BOM);
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    // Writing into a Vec cannot fail; an error here would be a bug in the csv crate.
    let _ = w.write_record(["agency", "year", "format", "table", "row", "col", "value"]);
    for r in reports {
        let year = r.year.to_string();
        for (def, value) in r.iter() {
            let v = value.and_then(|v| v.number).map(format_number).unwrap_or_default();
            let _ = w.write_record([
                &r.agency,
                &year,
                r.format.code(),
                def.table.code(),
                def.row,
                def.col,
                &v,
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}
