//! The integration tests, one crate (as ripgrep and rust_xlsxwriter keep theirs): one module per
//! subject, the helpers they share in `common` and `bytes` once.

mod bytes;
mod common;

mod agency;
mod bombs;
mod browser;
mod check;
mod cli;
mod compare;
mod docpdf;
mod docx_report;
mod errors;
mod faults;
mod format_spec;
mod fresh;
mod hardening;
mod identity;
mod indicators;
mod limits;
mod merge;
mod messages;
mod pdf;
mod printed;
mod properties;
mod published;
mod regressions;
mod release;
mod render;
mod serve;
mod template;
mod workbooks;
mod write_safety;
