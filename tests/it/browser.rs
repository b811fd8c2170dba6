//! The page in a real browser: headless Chromium driven over WebDriver (chromedriver) picks the
//! roster and the fixture district's folder as a clerk would, waits for the table, opens an
//! agency's findings, downloads 汇总.xlsx and reads it back. Screenshots of every step are left in
//! the target folder (`serve-screenshots/`) for a person to look at.
//!
//! Needs `chromium` and `chromium-driver` (Debian); `scripts/test.sh` installs them. Without them
//! this test fails and says so: it never passes silently.

use crate::common;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::common::Running;
use fantoccini::{Client, ClientBuilder, Locator};
use nianbao::format::Format;
use nianbao::read::{read_bytes, Options};
use nianbao::serve::Limits;
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver cannot be started ({e}). Install Debian's chromium and chromium-driver \
                     (scripts/test.sh does: apt-get install -y chromium chromium-driver)"
                )
            });
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fixture district copied under `<dir>/district` with the modification times the returns had.
fn district_copy(dir: &Path) -> PathBuf {
    let root = dir.join("district");
    for f in common::district_files() {
        let to = dir.join(&f.name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(&to, &f.bytes).unwrap();
        if f.modified > 0 {
            let when = SystemTime::UNIX_EPOCH + Duration::from_millis(f.modified);
            common::set_modified(&to, when);
        }
    }
    root
}

async fn shot(client: &Client, css: &str, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = if css.is_empty() {
        client.screenshot().await.unwrap()
    } else {
        client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .screenshot()
            .await
            .unwrap()
    };
    std::fs::write(dir.join(name), png).unwrap();
}

/// Waits until `script` (a JavaScript expression) is true in the page.
async fn until(client: &Client, script: &str, what: &str) {
    let start = Instant::now();
    loop {
        let v = client
            .execute(&format!("return Boolean({script});"), vec![])
            .await
            .unwrap();
        if v == json!(true) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The bytes of a download once Chromium has finished writing it.
async fn wait_for(file: &Path) -> Vec<u8> {
    let start = Instant::now();
    loop {
        // Chromium writes `name.crdownload` and renames it when complete.
        if let Ok(bytes) = std::fs::read(file) {
            if !bytes.is_empty() {
                return bytes;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{} did not arrive",
            file.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The table as text: one row of cell texts per agency.
/// The text of the element `css` finds.
async fn text(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

/// Types into (or, for a file input, chooses a file with) the element `css` finds.
async fn type_into(client: &Client, css: &str, keys: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

/// Clicks the element `css` finds.
async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

async fn table(client: &Client) -> Vec<Vec<String>> {
    let v = client
        .execute(
            "return Array.from(document.querySelectorAll('#table tbody tr')).map(tr => \
             Array.from(tr.children).map(td => td.innerText));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_clerk_does_the_district_in_the_browser() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing. Install Debian's chromium and chromium-driver \
         (scripts/test.sh does: apt-get install -y chromium chromium-driver)"
    );
    let server = Running::start(Limits::default());
    let work = tempfile::tempdir().unwrap();
    let folder = district_copy(work.path());
    let downloads = work.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver::start();

    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,2200", "--lang=zh-CN",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("chromedriver did not open a Chromium session");

    // Opening: the year and the layout it implies.
    client.goto(&server.url()).await.unwrap();
    until(&client, "document.querySelector('#year option')", "the years").await;
    shot(&client, "", "0-start.png").await;
    client
        .find(Locator::Css("#year"))
        .await
        .unwrap()
        .select_by_value("2024")
        .await
        .unwrap();
    let note = text(&client, "#format-note").await;
    assert_eq!(note, "2024 年度报告使用 2021 版格式（国办公开办函〔2021〕30号）");

    // Step 1: the roster, then the templates can be had one per agency.
    type_into(
        &client,
        "#roster-file",
        &folder.join("roster.csv").display().to_string(),
    )
    .await;
    until(&client, "document.querySelector('#roster-info .ok')", "the roster").await;
    let roster = text(&client, "#roster-info").await;
    assert!(roster.contains("12 个单位"), "{roster}");
    let zip = client.find(Locator::Css("#template-zip")).await.unwrap();
    assert!(!zip
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default()
        .contains("disabled"));
    shot(&client, "#step1", "1-template.png").await;
    let one = client.find(Locator::Css("#template-one")).await.unwrap();
    assert_eq!(one.text().await.unwrap(), "下载 2024 年度模板");
    one.click().await.unwrap();
    let template = wait_for(&downloads.join("2024年度年报模板.xlsx")).await;
    let report = read_bytes(&template, "模板.xlsx", &Options::default()).unwrap();
    assert_eq!((report.year, report.format), (Some(2024), Format::F2021));

    // Step 2: the whole folder through the folder picker.
    type_into(&client, "#pick-folder", &folder.display().to_string()).await;
    until(
        &client,
        "!document.querySelector('#result').hidden && document.querySelectorAll('#table tbody tr').length > 0",
        "the table",
    )
    .await;
    let headline = text(&client, "#headline").await;
    assert!(
        headline.contains("汇总 13 份：计入 11，重复 1，无法读取 1"),
        "{headline}"
    );
    let rows = table(&client).await;
    let row = |name: &str| {
        rows.iter()
            .find(|r| r[1] == name)
            .unwrap_or_else(|| panic!("{name} not in {rows:?}"))
            .clone()
    };
    assert_eq!(row("区人力资源和社会保障局")[3], "未报送");
    assert_eq!(row("区统计局")[3], "无法读取");
    assert!(row("区统计局")[6].contains("文件已损坏"), "{:?}", row("区统计局"));
    assert_eq!(row("区卫生健康局")[3], "名单外（已计入）");
    assert_eq!(row("区住房和城乡建设局")[4], "2");
    let skipped = text(&client, "#notices").await;
    assert!(skipped.contains("~$区财政局.xlsx"), "{skipped}");
    shot(&client, "#step2", "2-table.png").await;

    // Sorting by errors puts the faulty return first, then last.
    let errors = client.find(Locator::Css("th[data-key=errors]")).await.unwrap();
    errors.click().await.unwrap();
    errors.click().await.unwrap();
    assert_eq!(table(&client).await[0][1], "区住房和城乡建设局");

    // One agency's findings: sheet, cell, message.
    let housing = client
        .find(Locator::XPath("//tbody/tr[td[2]='区住房和城乡建设局']"))
        .await
        .unwrap();
    housing.click().await.unwrap();
    until(&client, "document.querySelector('#details-body table')", "the findings").await;
    let details = text(&client, "#details-body").await;
    assert!(
        details.contains("Sheet1") && details.contains("J24") && details.contains("相差 10"),
        "{details}"
    );
    shot(&client, "", "3-findings.png").await;
    click(&client, "#details-close").await;

    // The indicators: a rate with its rank, a count without, blank where nothing was decided.
    client
        .execute("document.querySelector('#indicators-box').open = true;", vec![])
        .await
        .unwrap();
    let v = client
        .execute(
            "return Array.from(document.querySelectorAll('#indicators tbody tr')).map(tr => \
             Array.from(tr.children).map(td => td.innerText));",
            vec![],
        )
        .await
        .unwrap();
    let board: Vec<Vec<String>> = serde_json::from_value(v).unwrap();
    let police = board.iter().find(|r| r[0] == "区公安分局").unwrap();
    assert_eq!(police[1..4], ["63", "61", "44.3%（8）"].map(String::from), "{board:?}");
    let finance = board.iter().find(|r| r[0] == "区财政局").unwrap();
    assert_eq!((finance[1].as_str(), finance[3].as_str()), ("0", ""));
    let district = board.iter().find(|r| r[0] == "全区（按合计）").unwrap();
    assert_eq!(district[1..4], ["265", "242", "55.4%"].map(String::from));
    shot(&client, "#indicators-box", "2-indicators.png").await;

    // Step 3: name the summary, download 汇总.xlsx through the browser, read it back.
    type_into(&client, "#name", "某某区人民政府").await;
    shot(&client, "#step3", "4-downloads.png").await;
    click(&client, "#dl-summary").await;
    let file = downloads.join("汇总.xlsx");
    wait_for(&file).await;
    let detail = common::sheet(&std::fs::read(&file).unwrap(), "分单位明细");
    let last = detail.last().unwrap();
    assert_eq!(last[1], "合计（某某区人民政府）");
    assert_eq!(last[7 + Format::F2021.cell_index("t3.new.total").unwrap()], "250");

    shot(&client, "", "5-page.png").await;

    // Starting again, then a file dropped on the box (a made-up one the browser holds): it is
    // taken and shown as unreadable with its reason.
    click(&client, "#clear").await;
    until(&client, "document.querySelector('#result').hidden", "the table to go").await;
    client
        .execute(
            "const dt = new DataTransfer(); \
             dt.items.add(new File(['这不是工作簿'], '区审计局.xlsx', {lastModified: 1737000000000})); \
             document.querySelector('#drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));",
            vec![],
        )
        .await
        .unwrap();
    until(
        &client,
        "!document.querySelector('#result').hidden && document.querySelectorAll('#table tbody tr').length > 0",
        "the table after the drop",
    )
    .await;
    let rows = table(&client).await;
    let audit = rows
        .iter()
        .find(|r| r[1] == "区审计局")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(audit[3], "无法读取");
    // Text named .xlsx is read by its content, as text, and holds no report.
    assert!(audit[6].contains("找不到年报的表格"), "{audit:?}");
    assert!(
        rows.iter().any(|r| r[1] == "区统计局" && r[3] == "未报送"),
        "the earlier files are gone: {rows:?}"
    );
    client.close().await.unwrap();
}
