//! The spill file: every return's numbers and findings on disk while a merge runs, so memory stays
//! flat however many returns there are.
//!
//! One record a file, appended from many threads: the count of numbers (`u32`, little-endian), the
//! numbers (`f64`, little-endian, NaN for an absent cell), then the texts and findings as JSON. The
//! file is an anonymous temporary file; the OS removes it when the merge is dropped.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use crate::error::{Error, ErrorKind, Result};
use crate::model::district::{Kept, Slot, Store};

/// An anonymous temporary file holding the records of a merge.
pub struct Spill {
    file: Mutex<File>,
}

impl Spill {
    /// A new, empty spill file in the system's temporary folder.
    pub fn new() -> Result<Spill> {
        let file = tempfile::tempfile().map_err(|e| {
            Error::new(
                std::env::temp_dir(),
                ErrorKind::Write(format!("无法创建临时文件（{e}）")),
            )
        })?;
        Ok(Spill { file: Mutex::new(file) })
    }

    fn fail(e: impl std::fmt::Display) -> Error {
        Error::new(
            std::env::temp_dir(),
            ErrorKind::Write(format!("临时文件读写失败（{e}）")),
        )
    }
}

impl Store for Spill {
    fn put(&self, kept: &Kept) -> Result<Slot> {
        let count = u32::try_from(kept.numbers.len()).map_err(Spill::fail)?;
        let mut bytes = Vec::with_capacity(4 + kept.numbers.len() * 8 + 64);
        bytes.extend_from_slice(&count.to_le_bytes());
        for n in &kept.numbers {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        serde_json::to_writer(&mut bytes, kept).map_err(Spill::fail)?;
        let mut file = self.file.lock().map_err(Spill::fail)?;
        let offset = file.seek(SeekFrom::End(0)).map_err(Spill::fail)?;
        file.write_all(&bytes).map_err(Spill::fail)?;
        Ok(Slot {
            offset,
            len: bytes.len() as u64,
        })
    }

    fn get(&self, slot: &Slot) -> Result<Kept> {
        let buf = self.read(slot.offset, slot.len)?;
        let (numbers, end) = numbers_of(&buf)?;
        let mut kept: Kept = serde_json::from_slice(&buf[end..]).map_err(Spill::fail)?;
        kept.numbers = numbers;
        Ok(kept)
    }

    /// Reads the count and the numbers, not the texts and findings after them (JSON that every
    /// reader of the whole record decodes).
    fn numbers(&self, slot: &Slot) -> Result<Vec<f64>> {
        let head = self.read(slot.offset, 4.min(slot.len))?;
        let count = count_of(&head)?;
        let len = (4 + count as u64 * 8).min(slot.len);
        Ok(numbers_of(&self.read(slot.offset, len)?)?.0)
    }
}

impl Spill {
    /// `len` bytes from `offset`.
    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; usize::try_from(len).map_err(Spill::fail)?];
        let mut file = self.file.lock().map_err(Spill::fail)?;
        file.seek(SeekFrom::Start(offset)).map_err(Spill::fail)?;
        file.read_exact(&mut buf).map_err(Spill::fail)?;
        Ok(buf)
    }
}

/// The count of numbers at the start of a record.
fn count_of(record: &[u8]) -> Result<usize> {
    record
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(|b| u32::from_le_bytes(b) as usize)
        .ok_or_else(|| Spill::fail("记录不完整"))
}

/// The numbers of a record, and where they end.
fn numbers_of(record: &[u8]) -> Result<(Vec<f64>, usize)> {
    let end = 4 + count_of(record)? * 8;
    let numbers = record
        .get(4..end)
        .ok_or_else(|| Spill::fail("记录不完整"))?
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect();
    Ok((numbers, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::model::Report;

    #[test]
    fn a_record_reads_back_as_written() {
        let spill = Spill::new().unwrap();
        let mut r = Report::new("某某局", 2024, Format::F2021);
        r.set("t3.new.natural", 3.0);
        r.set("t4.review_upheld", 1.0);
        r.set("t4.review_total", 0.0);
        let findings = crate::check::check(&r);
        let first = spill.put(&Kept::of(&r, &findings)).unwrap();
        let second = spill.put(&Kept::default()).unwrap();
        let back = spill.get(&first).unwrap();
        assert_eq!(back.numbers[Format::F2021.cell_index("t3.new.natural").unwrap()], 3.0);
        let bits = |numbers: &[f64]| numbers.iter().map(|n| n.to_bits()).collect::<Vec<u64>>();
        assert_eq!(bits(&spill.numbers(&first).unwrap()), bits(&back.numbers));
        assert!(spill.numbers(&second).unwrap().is_empty());
        assert!(back.numbers[0].is_nan());
        assert_eq!(back.findings, findings);
        assert_eq!(spill.get(&second).unwrap(), Kept::default());
    }
}
