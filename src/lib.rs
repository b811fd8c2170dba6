//! nianbao (年报): China's annual Government Information Disclosure Work Reports
//! (政府信息公开工作年度报告) — official templates, reading filled returns and published reports,
//! checking their arithmetic, and adding many agencies' returns into one district summary.
//!
//! Data flows one way: input file → [`read`] (one reader per input kind, one label matcher) →
//! [`model::Report`] → [`check`] → [`write`]. The two official layouts are data in [`format`].
//!
//! ```
//! use nianbao::format::Format;
//! use nianbao::model::Report;
//!
//! let mut report = Report::new("某某区住房和城乡建设局", 2024, Format::F2021);
//! report.set("t3.new.natural", 12.0);
//! assert_eq!(report.get("t3.new.natural"), Some(12.0));
//! ```

#![warn(missing_docs)]

pub mod agency;
pub mod batch;
pub mod check;
pub mod compare;
pub mod date;
pub mod error;
pub mod format;
pub mod indicators;
pub mod label;
pub mod merge;
pub mod model;
pub mod narrative;
pub mod platform;
pub mod read;
pub mod roster;
pub mod rules;
pub mod serve;
pub mod size;
pub mod write;

pub use error::{Error, ErrorKind, Result};
