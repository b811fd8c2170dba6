//! Helpers shared by the integration tests: inputs built byte by byte.

use std::io::{Cursor, Write};

/// Numbers of a sheet: row, column, value.
pub type Numbers = Vec<(u16, u16, f64)>;
/// BIFF records: type and data.
pub type Records = Vec<(u16, Vec<u8>)>;

/// One BIFF record.
pub fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend(typ.to_le_bytes());
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
}

pub fn bof(kind: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend(0x0600u16.to_le_bytes());
    d.extend(kind.to_le_bytes());
    d.extend([0u8; 12]);
    d
}

/// An xls workbook (BIFF8 in a compound file) with one sheet per entry: its numbers at (row, col),
/// and the DIMENSIONS record's data if given.
#[allow(dead_code)]
pub fn xls(sheets: &[(Numbers, Option<Vec<u8>>)]) -> Vec<u8> {
    let sheets: Vec<_> = sheets
        .iter()
        .map(|(cells, dims)| (cells.clone(), dims.iter().map(|d| (0x0200, d.clone())).collect()))
        .collect();
    xls_records(&sheets)
}

/// Like [`xls`], with any records (type, data) before each sheet's numbers.
pub fn xls_records(sheets: &[(Numbers, Records)]) -> Vec<u8> {
    let name = b"Sheet1";
    let boundsheet_len = 4 + 4 + 4 + name.len();
    let globals_len = (4 + 16) + sheets.len() * boundsheet_len + 4;
    let mut bodies = Vec::new();
    for (cells, records) in sheets {
        let mut s = Vec::new();
        record(&mut s, 0x0809, &bof(0x0010));
        for (typ, data) in records {
            record(&mut s, *typ, data);
        }
        for &(row, col, value) in cells {
            let mut d = Vec::new();
            d.extend(row.to_le_bytes());
            d.extend(col.to_le_bytes());
            d.extend(0u16.to_le_bytes());
            d.extend(value.to_le_bytes());
            record(&mut s, 0x0203, &d);
        }
        record(&mut s, 0x000A, &[]);
        bodies.push(s);
    }
    let mut stream = Vec::new();
    record(&mut stream, 0x0809, &bof(0x0005));
    let mut pos = globals_len;
    for body in &bodies {
        let mut d = Vec::new();
        d.extend((pos as u32).to_le_bytes());
        d.extend([0u8, 0u8, name.len() as u8, 0u8]);
        d.extend(name);
        record(&mut stream, 0x0085, &d);
        pos += body.len();
    }
    record(&mut stream, 0x000A, &[]);
    assert_eq!(stream.len(), globals_len);
    for body in bodies {
        stream.extend(body);
    }
    let mut file = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook").unwrap().write_all(&stream).unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// A zip (xlsx, docx) with each entry passed through `change` (name, bytes → bytes), as a hand
/// edit or a damaged copy would leave it.
#[allow(dead_code)]
pub fn rezip(source: &[u8], change: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(source)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&change(&name, bytes)).unwrap();
    }
    out.finish().unwrap().into_inner()
}
