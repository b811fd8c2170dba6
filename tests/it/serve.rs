//! `nianbao serve` over HTTP: who may ask (token, Host, Origin), the upload limits, and every
//! endpoint on the fixture district — the answers must be the library's own.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::common::{encode, get, post, sheet, Running};
use nianbao::format::Format;
use nianbao::read::{read_bytes, Options};
use nianbao::serve::Limits;
use serde_json::{json, Value as Json};

/// A raw request, for what an HTTP client will not send (another `Host`).
fn raw(port: u16, text: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = stream.read_to_string(&mut out);
    out
}

fn rows_named<'a>(result: &'a Json, name: &str) -> Vec<&'a Json> {
    result["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == name)
        .collect()
}

#[test]
fn without_the_token_everything_is_refused() {
    let s = Running::start(Limits::default());
    for path in [
        "/",
        "/page.js",
        "/api/info",
        "/api/result",
        "/api/download/summary.xlsx",
    ] {
        let a = get(&format!("{}{path}", s.base), &[]);
        assert_eq!(a.status, 403, "{path}");
        let wrong = get(&format!("{}{path}?t=0123", s.base), &[("X-Nianbao-Token", "abc")]);
        assert_eq!(wrong.status, 403, "{path}");
    }
    assert!(get(&format!("{}/", s.base), &[]).text().contains("拒绝访问"));
    assert!(get(&format!("{}/api/info", s.base), &[]).error().contains("口令"));
    let post_without = post(&format!("{}/api/merge", s.base), &[], b"{}");
    assert_eq!(post_without.status, 403);

    // The address with the token opens the page and leaves a cookie for the rest.
    let page = get(&s.url(), &[]);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("检查与汇总"));
    let cookie = page.header("Set-Cookie").unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap();
    let info = get(&format!("{}/api/info", s.base), &[("Cookie", pair)]);
    assert_eq!(info.status, 200);
    // Nothing from elsewhere may load, and the page is never cached.
    let csp = page.header("Content-Security-Policy").unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
}

#[test]
fn another_host_is_refused() {
    let s = Running::start(Limits::default());
    let evil = raw(
        s.port,
        &format!(
            "GET /api/info?t={} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
            s.token
        ),
    );
    assert!(evil.starts_with("HTTP/1.1 403"), "{evil}");
    let rebound = raw(
        s.port,
        &format!(
            "GET /api/info?t={} HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n",
            s.token, s.port
        ),
    );
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    let none = raw(s.port, &format!("GET /api/info?t={} HTTP/1.0\r\n\r\n", s.token));
    assert!(
        none.starts_with("HTTP/1.1 403") || none.starts_with("HTTP/1.0 403"),
        "{none}"
    );
    let local = raw(
        s.port,
        &format!(
            "GET /api/info?t={} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            s.token, s.port
        ),
    );
    assert!(local.starts_with("HTTP/1.1 200"), "{local}");
}

#[test]
fn cross_site_posts_are_refused() {
    let s = Running::start(Limits::default());
    let url = format!("{}/api/roster?name=r.csv", s.base);
    let body = "单位名称\n区财政局\n".as_bytes();
    let token = ("X-Nianbao-Token", s.token.as_str());
    let from_evil = post(&url, &[token, ("Origin", "http://evil.example")], body);
    assert_eq!(from_evil.status, 403);
    assert!(from_evil.error().contains("其他网站"));
    let cross = post(&url, &[token, ("Sec-Fetch-Site", "cross-site")], body);
    assert_eq!(cross.status, 403);
    let other_port = post(&url, &[token, ("Origin", "http://127.0.0.1:1")], body);
    assert_eq!(other_port.status, 403);
    let delete = common::request(
        "DELETE",
        &format!("{}/api/files", s.base),
        &[token, ("Origin", "http://evil.example")],
        None,
    );
    assert_eq!(delete.status, 403);
    // The page's own requests pass.
    let origin = format!("http://127.0.0.1:{}", s.port);
    let same = post(
        &url,
        &[token, ("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
        body,
    );
    assert_eq!(same.status, 200, "{}", same.text());
    assert_eq!(same.json()["members"][0]["name"], "区财政局");
}

#[test]
fn limits_are_kept_with_a_clear_message() {
    let limits = Limits {
        file_bytes: 20_000,
        total_bytes: 30_000,
        files: 3,
    };
    let s = Running::start(limits);
    let info = s.get("/api/info").json();
    assert_eq!(
        info["limits"]["text"],
        "单个文件不超过 0.1 MiB，合计不超过 0.1 MiB，最多 3 份"
    );
    assert_eq!(
        Limits::default().describe(),
        "单个文件不超过 50 MiB，合计不超过 500 MiB，最多 5000 份"
    );

    // The plan says beforehand which files would pass.
    let plan = json!({"files": [
        {"name": "d/a.xlsx", "size": 9000},
        {"name": "d/b.xlsx", "size": 25000},
        {"name": "d/~$a.xlsx", "size": 100},
        {"name": "d/名单.csv", "size": 100},
        {"name": "d/c.xlsx", "size": 9000},
        {"name": "d/d.xlsx", "size": 9000},
        {"name": "d/e.xlsx", "size": 100},
    ]});
    let plan = s.post("/api/plan", plan.to_string().as_bytes()).json();
    let actions: Vec<&str> = plan["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["upload", "refuse", "skip", "skip", "upload", "upload", "refuse"]
    );
    let message = |i: usize| plan["files"][i]["message"].as_str().unwrap().to_string();
    assert!(message(1).starts_with("文件大小超过上限"), "{}", message(1));
    assert!(message(1).contains("--max-file-mb"), "{}", message(1));
    assert!(message(2).contains("临时文件"), "{}", message(2));
    assert!(
        message(6).starts_with("文件数量超过上限（4 份，上限 3 份）"),
        "{}",
        message(6)
    );

    // The upload itself is held to the same limits.
    let xlsx = vec![0u8; 20_000];
    let ods = std::fs::read(common::district().join("区自然资源和规划分局.ods")).unwrap();
    assert!(ods.len() > 20_000);
    let too_big = s.post("/api/upload?name=d%2Fbig.ods", &ods);
    assert_eq!(too_big.status, 413);
    assert!(too_big.error().contains("文件大小超过上限"), "{}", too_big.error());
    for i in 0..3 {
        let a = s.post(&format!("/api/upload?name=d%2F{i}.xlsx"), &xlsx[..9000]);
        assert_eq!(a.status, 200, "{}", a.text());
    }
    let fourth = s.post("/api/upload?name=d%2F3.xlsx", &xlsx[..100]);
    assert_eq!(fourth.status, 413);
    assert!(fourth.error().contains("文件数量超过上限"), "{}", fourth.error());
    // Replacing a file keeps the count; the total still counts.
    let replaced = s.post("/api/upload?name=d%2F0.xlsx", &xlsx[..4000]);
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    let total = s.post("/api/upload?name=d%2F1.xlsx", &xlsx[..18000]);
    assert_eq!(total.status, 413);
    assert!(total.error().contains("上传文件的总大小超过上限"), "{}", total.error());
    let non_report = s.post("/api/upload?name=d%2Fnotes.txt.exe", b"MZ");
    assert_eq!(non_report.status, 422);
    assert!(s.get("/api/info").json()["uploaded"]["files"] == 3);

    // Starting again empties the folder.
    assert_eq!(s.delete("/api/files").status, 200);
    assert_eq!(s.get("/api/info").json()["uploaded"]["files"], 0);
    assert_eq!(std::fs::read_dir(s.dir.join("files")).unwrap().count(), 0);
}

#[test]
fn the_district_through_the_page_api() {
    let s = Running::start(Limits::default());
    let roster = std::fs::read(common::district().join("roster.csv")).unwrap();
    let r = s.post("/api/roster?name=roster.csv", &roster);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["members"].as_array().unwrap().len(), 12);

    let plan = s.upload_district();
    let skipped: Vec<&str> = plan["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["action"] == "skip")
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    // Lock file, hidden file, roster, notes: skipped, never reported as unreadable.
    assert!(skipped.contains(&"district/~$区财政局.xlsx"), "{skipped:?}");
    assert!(skipped.contains(&"district/.DS_Store"), "{skipped:?}");
    assert!(skipped.contains(&"district/roster.csv"), "{skipped:?}");

    // Nothing is merged yet.
    assert_eq!(s.get("/api/download/summary.xlsx").status, 409);

    let merged = s.post(
        "/api/merge",
        json!({"year": 2024, "name": "某某区人民政府"}).to_string().as_bytes(),
    );
    assert_eq!(merged.status, 200, "{}", merged.text());
    let result = merged.json();
    assert_eq!(result["headline"], "汇总 13 份：计入 11，重复 1，无法读取 1");
    assert_eq!(result["year"], 2024);
    assert_eq!(result["format"], "2021");
    assert_eq!(result["missing"], json!(["区人力资源和社会保障局"]));
    // The broken file is listed with its error, and the others are counted.
    let stats = rows_named(&result, "区统计局");
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0]["standing"], "unreadable");
    assert_eq!(stats[0]["status"], "无法读取");
    assert_eq!(stats[0]["file"], "district/区统计局.xlsx");
    assert!(
        stats[0]["error"].as_str().unwrap().contains("文件已损坏"),
        "{}",
        stats[0]
    );
    let missing = rows_named(&result, "区人力资源和社会保障局");
    assert_eq!(missing[0]["standing"], "missing");
    assert_eq!(missing[0]["status"], "未报送");
    assert_eq!(missing[0]["id"], Json::Null);
    let health = rows_named(&result, "区卫生健康局");
    assert_eq!(health[0]["status"], "名单外（已计入）");
    let education = rows_named(&result, "区教育局");
    let counted: Vec<&str> = education
        .iter()
        .filter(|r| r["standing"] == "counted")
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(counted, ["district/区教育局（更正）.xlsx"]);
    let housing = rows_named(&result, "区住房和城乡建设局");
    assert_eq!(
        (housing[0]["errors"].as_u64(), housing[0]["warnings"].as_u64()),
        (Some(2), Some(0))
    );
    let donghu = rows_named(&result, "东湖街道办事处");
    assert_eq!(
        (donghu[0]["errors"].as_u64(), donghu[0]["warnings"].as_u64()),
        (Some(0), Some(5))
    );
    let rules: Vec<&str> = result["total_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"T3_BALANCE") && rules.contains(&"T3_ROW_TOTAL"),
        "{rules:?}"
    );
    let progress = s.get("/api/progress").json();
    assert_eq!(progress["done"], 13);

    // One agency's findings: sheet, cell, message.
    let id = housing[0]["id"].as_u64().unwrap();
    let f = s.get(&format!("/api/findings?id={id}")).json();
    let findings = f["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    let row_total = findings.iter().find(|f| f["rule"] == "T3_ROW_TOTAL").unwrap();
    assert_eq!(row_total["severity_name"], "错误");
    assert_eq!(row_total["sheet"], "Sheet1");
    assert!(row_total["cell"].as_str().unwrap().starts_with('J'));
    assert!(row_total["message"].as_str().unwrap().contains("相差 10"));
    let broken = s.get(&format!("/api/findings?id={}", stats[0]["id"])).json();
    assert!(broken["error"].as_str().unwrap().contains("文件已损坏"));
    assert_eq!(s.get("/api/findings?id=999").status, 404);
    assert_eq!(s.get("/api/findings?id=x").status, 400);

    // The page finds the same table after a reload.
    assert_eq!(s.get("/api/result").json(), result);
    assert_eq!(s.get("/api/info").json()["result"], result);

    // Downloads: the summary workbook to the district totals.
    let summary = s.get(&format!("/api/download/summary.xlsx?name={}", encode("某某区人民政府")));
    assert_eq!(summary.status, 200);
    assert!(summary
        .header("Content-Disposition")
        .unwrap()
        .contains("filename*=UTF-8''%E6%B1%87%E6%80%BB.xlsx"));
    let detail = sheet(&summary.body, "分单位明细");
    let last = detail.last().unwrap();
    assert_eq!(last[1], "合计（某某区人民政府）");
    let col = 7 + Format::F2021.cell_index("t3.new.total").unwrap();
    assert_eq!(last[col], "250");
    let reporting = sheet(&summary.body, "报送情况");
    let file_of = |name: &str| reporting.iter().find(|r| r[1] == name).unwrap()[4].clone();
    assert_eq!(
        file_of("区统计局"),
        "district/区统计局.xlsx",
        "names as uploaded, not the temp folder"
    );

    let findings = s.get("/api/download/findings.xlsx");
    assert_eq!(findings.status, 200);
    let list = sheet(&findings.body, "校验结果");
    assert!(list.iter().flatten().any(|c| c.contains("T3_ROW_TOTAL")));
    assert!(list.iter().flatten().any(|c| c.contains("文件已损坏")));
    assert!(
        !list.iter().flatten().any(|c| c.contains("nianbao-serve-")),
        "no temp paths"
    );

    // The returns to send back, zipped: one workbook per file with errors or warnings, and the list.
    let returns = s.get("/api/download/returns.zip");
    assert_eq!(returns.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(returns.body.clone())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "东湖街道办事处-2024年度-校验结果.xlsx",
            "区住房和城乡建设局-2024年度-校验结果.xlsx",
            "区统计局-无法读取-校验结果.xlsx",
            "退回清单.xlsx",
        ]
    );
    let mut list = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("退回清单.xlsx").unwrap(), &mut list).unwrap();
    let rows = sheet(&list, "退回清单");
    let housing = rows.iter().find(|r| r[1] == "区住房和城乡建设局").unwrap();
    assert_eq!(housing[2..5], ["2024", "2", "0"].map(String::from));
    assert_eq!(housing[5], "district/区住房和城乡建设局.xlsx", "names as uploaded");

    let csv = s.get("/api/download/summary.csv");
    assert!(csv.text().contains("某某区人民政府,2024,2021,t3,new,total,250\n"));
    let json_file = s.get("/api/download/summary.json").json();
    assert_eq!(json_file["t3"]["new"]["total"], 250);
    assert_eq!(json_file["agency"], "某某区人民政府");
    assert_eq!(s.get("/api/download/other").status, 404);
}

#[test]
fn templates_for_the_year_chosen() {
    let s = Running::start(Limits::default());
    let info = s.get("/api/info").json();
    let years = info["years"].as_array().unwrap();
    let of = |y: i64| years.iter().find(|v| v["year"] == y).unwrap()["format"].clone();
    assert_eq!(of(2020), "2019");
    assert_eq!(of(2021), "2021");

    let one = s.get(&format!("/api/template?year=2020&agency={}", encode("区财政局")));
    assert_eq!(one.status, 200);
    assert!(one
        .header("Content-Disposition")
        .unwrap()
        .contains(&encode("区财政局-2020年度年报模板.xlsx")));
    let report = read_bytes(&one.body, "模板.xlsx", &Options::default()).unwrap();
    assert_eq!((report.year, report.format), (Some(2020), Format::F2019));
    assert_eq!(report.agency, "区财政局");
    let blank = s.get("/api/template?year=2024");
    let report = read_bytes(&blank.body, "模板.xlsx", &Options::default()).unwrap();
    assert_eq!((report.year, report.format), (Some(2024), Format::F2021));
    assert_eq!(s.get("/api/template?year=abc").status, 400);
    assert_eq!(s.get("/api/template").status, 400);

    // One per roster member, in a zip.
    assert_eq!(s.get("/api/templates.zip?year=2024").status, 409);
    let roster = std::fs::read(common::district().join("roster.csv")).unwrap();
    assert_eq!(s.post("/api/roster?name=roster.csv", &roster).status, 200);
    let zip = s.get("/api/templates.zip?year=2024");
    assert_eq!(zip.status, 200);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    assert_eq!(archive.len(), 12);
    let mut bytes = Vec::new();
    archive
        .by_name("区人力资源和社会保障局.xlsx")
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    let report = read_bytes(&bytes, "x.xlsx", &Options::default()).unwrap();
    assert_eq!(report.agency, "区人力资源和社会保障局");
    assert_eq!(report.year, Some(2024));

    // A roster that is not one says why.
    let bad = s.post("/api/roster?name=x.csv", "名称\n区财政局\n".as_bytes());
    assert_eq!(bad.status, 422);
    assert!(bad.error().contains("单位名称"), "{}", bad.error());
    assert_eq!(s.delete("/api/roster").status, 200);
    assert_eq!(s.get("/api/info").json()["roster"], Json::Null);
}

#[test]
fn mixed_years_and_bad_requests_get_answers_not_panics() {
    let s = Running::start(Limits::default());
    // No files yet.
    let empty = s.post("/api/merge", b"{\"year\": 2024}");
    assert_eq!(empty.status, 409);
    assert!(empty.error().contains("还没有收到报表"));
    // Not JSON, odd names, no length.
    assert_eq!(s.post("/api/merge", b"not json").status, 400);
    assert_eq!(s.post("/api/plan", b"[1,2").status, 400);
    assert_eq!(s.post("/api/plan", b"{\"files\": 7}").json()["files"], json!([]));
    assert_eq!(s.post("/api/upload", b"x").status, 400);
    assert_eq!(s.post("/api/upload?name=%2F..%2F", b"x").status, 400);
    assert_eq!(s.post("/api/upload?name=%FF.xlsx", b"x").status, 400);
    assert_eq!(s.get("/nothing").status, 404);
    // A file escaping the folder stays inside it.
    let a = s.post("/api/upload?name=..%2F..%2Fescape.xlsx", b"PK\x03\x04 not really");
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json()["name"], "escape.xlsx");
    assert!(s.dir.join("files/escape.xlsx").exists());
    // Two years: the one chosen counts, the other is set aside, not added.
    let workbooks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks");
    for f in ["2024-pingtan-zone.xlsx", "2020-shanghai-city.xlsx"] {
        let bytes = std::fs::read(workbooks.join(f)).unwrap();
        assert_eq!(s.post(&format!("/api/upload?name={f}"), &bytes).status, 200);
    }
    let r = s.post("/api/merge", b"{\"year\": 2024}").json();
    let standing: Vec<&str> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["standing"].as_str().unwrap())
        .collect();
    assert!(
        standing.contains(&"other_year") && standing.contains(&"unreadable"),
        "{standing:?}"
    );
    // Without a year the library's own refusal comes back.
    let mixed = s.post("/api/merge", b"{}");
    assert_eq!(mixed.status, 422);
    assert!(
        mixed.error().starts_with("报表的年度不一致，不能相加"),
        "{}",
        mixed.error()
    );
    assert!(
        mixed.error().contains("：2020-shanghai-city.xlsx"),
        "names as uploaded: {}",
        mixed.error()
    );
    // Sizes no file has do not overflow the accounting.
    let huge = json!({"files": [{"name": "a.xlsx", "size": u64::MAX}, {"name": "a.xlsx", "size": u64::MAX}]});
    let plan = s.post("/api/plan", huge.to_string().as_bytes()).json();
    assert_eq!(plan["files"][1]["action"], "refuse");
}

#[test]
fn stopping_removes_the_uploads() {
    let s = Running::start(Limits::default());
    s.upload_district();
    let dir = s.dir.clone();
    assert!(dir.join("files/district/区统计局.xlsx").exists());
    drop(s);
    assert!(!dir.exists());
}

/// The built binary, started as a double-click starts it (no arguments) and stopped with Ctrl+C.
#[cfg(unix)]
#[test]
fn the_binary_with_no_arguments_serves_and_cleans_up_on_ctrl_c() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let temp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        // No browser opener on an empty PATH: the address is printed for the clerk instead.
        .env("PATH", "")
        .env("TMPDIR", temp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut text = String::new();
    while !text.contains("Ctrl+C") {
        let Some(Ok(line)) = lines.next() else { break };
        text.push_str(&line);
        text.push('\n');
    }
    assert!(text.contains("关闭此窗口或按 Ctrl+C 停止"), "{text}");
    assert!(text.contains("未能自动打开浏览器"), "{text}");
    let url = text
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {text}"))
        .to_string();
    let page = get(&url, &[]);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("下发模板"));
    let sessions = || {
        std::fs::read_dir(temp.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("nianbao-serve-")
            })
            .count()
    };
    assert_eq!(sessions(), 1);

    let kill = Command::new("/bin/kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("已停止，临时文件已删除")), "{rest:?}");
    assert_eq!(sessions(), 0, "the session folder is removed");
}
