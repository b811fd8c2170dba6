//! A `nianbao serve` running in the test process, a small HTTP client for it, and the fixture
//! district as the page would upload it.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::SystemTime;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use nianbao::model::{Report, Severity};
use nianbao::read::{read_path, Options};

use nianbao::serve::{Limits, Server, Stopper};
use serde_json::Value as Json;

/// A server on a free port of 127.0.0.1, stopped (and its folder removed) when dropped.
pub struct Running {
    pub base: String,
    pub token: String,
    pub port: u16,
    pub dir: PathBuf,
    stopper: Stopper,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    pub fn start(limits: Limits) -> Running {
        let server = Server::bind(0, limits).unwrap();
        let port = server.port();
        let token = server.token().to_string();
        let dir = server.dir().to_path_buf();
        let stopper = server.stopper();
        let thread = std::thread::spawn(move || server.run());
        Running {
            base: format!("http://127.0.0.1:{port}"),
            token,
            port,
            dir,
            stopper,
            thread: Some(thread),
        }
    }

    /// The address with the token, as the terminal shows it.
    pub fn url(&self) -> String {
        format!("{}/?t={}", self.base, self.token)
    }

    fn auth(&self) -> (&'static str, String) {
        ("X-Nianbao-Token", self.token.clone())
    }

    pub fn get(&self, path: &str) -> Answer {
        let (k, v) = self.auth();
        get(&format!("{}{path}", self.base), &[(k, &v)])
    }

    pub fn post(&self, path: &str, body: &[u8]) -> Answer {
        let (k, v) = self.auth();
        post(&format!("{}{path}", self.base), &[(k, &v)], body)
    }

    pub fn delete(&self, path: &str) -> Answer {
        let (k, v) = self.auth();
        request("DELETE", &format!("{}{path}", self.base), &[(k, &v)], None)
    }

    /// Uploads the fixture district as the page does (plan first, then each file to upload).
    pub fn upload_district(&self) -> Json {
        let files = district_files();
        let plan: Vec<Json> = files
            .iter()
            .map(|f| serde_json::json!({"name": f.name, "size": f.bytes.len()}))
            .collect();
        let planned = self.post("/api/plan", serde_json::json!({ "files": plan }).to_string().as_bytes());
        assert_eq!(planned.status, 200, "{}", planned.text());
        let planned = planned.json();
        for (f, p) in files.iter().zip(planned["files"].as_array().unwrap()) {
            if p["action"] == "upload" {
                let path = format!("/api/upload?name={}&modified={}", encode(&f.name), f.modified);
                let a = self.post(&path, &f.bytes);
                assert_eq!(a.status, 200, "{}: {}", f.name, a.text());
            }
        }
        planned
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stopper.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A reply: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `error` message of a refusal.
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_string()
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    let agent = agent();
    let mut response = match (method, body) {
        ("GET", _) => {
            let mut r = agent.get(url);
            for (k, v) in headers {
                r = r.header(*k, *v);
            }
            r.call()
        }
        ("DELETE", _) => {
            let mut r = agent.delete(url);
            for (k, v) in headers {
                r = r.header(*k, *v);
            }
            r.call()
        }
        (_, body) => {
            let mut r = agent.post(url).header("Content-Type", "application/octet-stream");
            for (k, v) in headers {
                r = r.header(*k, *v);
            }
            r.send(body.unwrap_or_default())
        }
    }
    .unwrap();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    Answer {
        status: response.status().as_u16(),
        headers,
        body: response
            .body_mut()
            .with_config()
            .limit(100 << 20)
            .read_to_vec()
            .unwrap(),
    }
}

pub fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    request("GET", url, headers, None)
}

pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    request("POST", url, headers, Some(body))
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn district() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/district")
}

/// One file of the district as a browser sends it: `district/…` name, bytes, modification time
/// (ms since 1970) as the returns really had (from expected.json).
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    pub modified: u64,
}

pub fn district_files() -> Vec<Upload> {
    let expected: Json =
        serde_json::from_str(&std::fs::read_to_string(district().join("expected.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(district()).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(district())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // "2025-01-25T16:30:00+08:00": only the order matters.
        let modified = expected["mtimes"][rel.as_str()].as_str().map_or(0, |t| {
            let day: u64 = t[8..10].parse().unwrap();
            let minutes: u64 = t[11..13].parse::<u64>().unwrap() * 60 + t[14..16].parse::<u64>().unwrap();
            (1_735_660_800 + day * 86_400 + minutes * 60) * 1000
        });
        out.push(Upload {
            name: format!("district/{rel}"),
            bytes: std::fs::read(entry.path()).unwrap(),
            modified,
        });
    }
    out
}

/// A sheet of a workbook as text, row by row: numbers as the model writes them, blanks empty.
pub fn sheet(workbook: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(workbook.to_vec())).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    Data::Float(f) => nianbao::model::format_number(*f),
                    d => d.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Gives a file the modification time a return had (which of two duplicates is newer counts).
pub fn set_modified(path: &Path, when: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

/// What is compared between a file and its `NAME.intended.json` (fixtures/agency, fixtures/docpdf):
/// one kind of difference each; a test's list of files still read wrongly names the aspects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// The file is refused.
    Read,
    Agency,
    Year,
    Format,
    /// Some cell's number.
    Cells,
    /// A finding missing or an unexpected error.
    Findings,
}

/// The inputs of a fixture folder with one of `extensions`, each with its intended reading.
pub fn intended_cases(dir: &str, extensions: &[&str]) -> Vec<(PathBuf, Json)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(dir);
    let mut out: Vec<(PathBuf, Json)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| extensions.iter().any(|x| e == *x)))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            let intended = std::fs::read_to_string(dir.join(format!("{stem}.intended.json"))).unwrap();
            (p, serde_json::from_str(&intended).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Everything about one file that differs from what is intended, by aspect.
pub fn differences(path: &Path, intended: &Json) -> Vec<(Aspect, String)> {
    let report = match read_path(path, &Options::default()) {
        Ok(r) => r,
        Err(e) => return vec![(Aspect::Read, format!("not read: {e}"))],
    };
    let mut bad = Vec::new();
    for (aspect, key, got) in [
        (Aspect::Agency, "agency", Json::from(report.agency.clone())),
        (Aspect::Year, "year", Json::from(report.year)),
        (Aspect::Format, "format", Json::from(report.format.code())),
    ] {
        if got != intended[key] {
            bad.push((aspect, format!("{key}: got {got}, want {}", intended[key])));
        }
    }
    for (code, want) in intended["cells"].as_object().unwrap() {
        let got = report.get(code);
        let same = match (got, want.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-6,
            (None, None) => true,
            _ => false,
        };
        if !same {
            bad.push((Aspect::Cells, format!("{code}: got {got:?}, want {want}")));
        }
    }
    let findings: Vec<(String, Severity)> = nianbao::check::check(&report)
        .into_iter()
        .map(|f| (format!("{} {}", f.rule, f.cell), f.severity))
        .collect();
    let expected: Vec<&str> = intended["expect"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    for e in &expected {
        if !findings.iter().any(|(f, _)| f.starts_with(e)) {
            bad.push((Aspect::Findings, format!("finding {e} not reported")));
        }
    }
    for (f, severity) in &findings {
        if *severity == Severity::Error && !expected.iter().any(|e| f.starts_with(e)) {
            bad.push((Aspect::Findings, format!("unexpected error {f}")));
        }
    }
    bad
}

/// Compares every case; returns what is wrong: a difference in an aspect not listed for its file
/// in `known` (file, aspects, why), or a listed aspect that reads right now (the entry must go).
pub fn compare_all(cases: &[(PathBuf, Json)], known: &[(&str, &[Aspect], &str)]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (path, intended) in cases {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let diffs = differences(path, intended);
        let listed: &[Aspect] = known.iter().find(|(k, _, _)| *k == name).map_or(&[], |(_, a, _)| a);
        let unexpected: Vec<&str> = diffs
            .iter()
            .filter(|(a, _)| !listed.contains(a))
            .map(|(_, d)| d.as_str())
            .collect();
        if !unexpected.is_empty() {
            wrong.push(format!("{name}:\n    {}", unexpected.join("\n    ")));
        }
        for aspect in listed {
            if !diffs.iter().any(|(a, _)| a == aspect) {
                wrong.push(format!(
                    "{name}: {aspect:?} reads right now; take it out of the known list"
                ));
            }
        }
    }
    wrong
}

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// The value of a cell code (`t3.new.natural`, `t4.review_total`) in a nested truth or expected
/// JSON (`{"t3": {"new": {"natural": 3}}, "t4": {"review_total": 0}}`).
pub fn truth_of<'a>(truth: &'a Json, code: &str) -> &'a Json {
    let parts: Vec<&str> = code.split('.').collect();
    match parts.as_slice() {
        [t, r, c] => &truth[*t][*r][*c],
        [t, c] => &truth[*t][*c],
        _ => &Json::Null,
    }
}

/// Every difference between a report and a nested truth (`NAME.truth.json`, `NAME.expected.json`):
/// the agency (or one of `agency_alternatives`), the year (`null`: none), the layout, every cell's
/// number (`null`: the report has no such cell, or no number there).
pub fn truth_differences(report: &Report, truth: &Json) -> Vec<String> {
    let mut bad = Vec::new();
    let alternatives = truth["agency_alternatives"].as_array().cloned().unwrap_or_default();
    if report.agency != truth["agency"].as_str().unwrap() && !alternatives.iter().any(|a| a == report.agency.as_str()) {
        bad.push(format!("agency: got {}, want {}", report.agency, truth["agency"]));
    }
    if report.year.map(i64::from) != truth["year"].as_i64() {
        bad.push(format!("year: got {:?}, want {}", report.year, truth["year"]));
    }
    if report.format.code() != truth["format"].as_str().unwrap() {
        bad.push(format!("format: got {}, want {}", report.format, truth["format"]));
    }
    for (def, value) in report.iter() {
        let got = value.and_then(|v| v.number);
        let want = truth_of(truth, &def.code).as_f64();
        let same = match (got, want) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        if !same {
            bad.push(format!("{}: got {got:?} ({value:?}), want {want:?}", def.code));
        }
    }
    bad
}
