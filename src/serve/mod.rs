//! `nianbao serve`: the whole job in a browser on the clerk's own computer, with no network.
//!
//! A small HTTP server on 127.0.0.1 serves one page (HTML, CSS and plain JavaScript compiled into
//! the binary) with three steps — 模板, 检查与汇总, 下载 — and an API that calls the same library
//! functions as the command line: [`crate::write::xlsx::template`], [`crate::merge::merge`],
//! [`crate::write::summary::write_summary`], [`crate::write::xlsx::findings_workbook`],
//! [`crate::write::docx::report_docx`] (the district's own report draft). Uploaded
//! files go into a temporary folder that is removed when the server stops, so `merge` works on
//! paths and nothing is written beside the user's own files.
//!
//! Safety: the server listens on 127.0.0.1 only; every request must carry the random token of
//! this run (in the address `/?t=…`, then a cookie, or the `X-Nianbao-Token` header), and a `Host`
//! of `127.0.0.1:PORT` or `localhost:PORT` (against DNS rebinding); a request that changes
//! anything must not come from another site (`Origin`, `Sec-Fetch-Site`). Uploads are held to
//! [`Limits`].
//!
//! ```no_run
//! use nianbao::serve::{Limits, Server};
//! let server = Server::bind(0, Limits::default()).unwrap();
//! println!("{}", server.url());
//! server.run(); // until server.stopper().stop() is called from another thread
//! ```

pub mod http;
mod session;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use tiny_http::{Header, Method, Request, Response};

use self::http::{cookie, param, path, query, same_secret, Reply, SECURITY_HEADERS};
use self::session::{Progress, Session};
use crate::error::{Error, ErrorKind};

const PAGE: &str = include_str!("page/index.html");
const CSS: &str = include_str!("page/page.css");
const JS: &str = include_str!("page/page.js");

/// How long a connection may send nothing (headers or body) or take nothing of an answer: a
/// connection held half-open kept a thread for ever.
const IDLE: Duration = Duration::from_secs(20);

/// Sets [`IDLE`] as the read and write timeout of the listening socket, which the connections it
/// accepts inherit on Linux (tiny_http sets none and answers a read that times out with 408).
/// Through a second handle of the same socket, as the standard library sets timeouts on streams
/// only. Where the system does not pass them on, nothing changes.
fn idle_timeout(listener: &std::net::TcpListener) {
    #[cfg(unix)]
    if let Ok(clone) = listener.try_clone() {
        let socket = std::net::TcpStream::from(std::os::fd::OwnedFd::from(clone));
        let _ = socket.set_read_timeout(Some(IDLE));
        let _ = socket.set_write_timeout(Some(IDLE));
    }
    #[cfg(not(unix))]
    let _ = listener;
}

/// Requests handled at once; more are answered 503 at once.
const MAX_ACTIVE: usize = 64;
/// The largest JSON body the API takes (the upload plan of thousands of files fits).
const MAX_JSON: u64 = 16 * crate::size::MIB;
/// A session folder whose heartbeat is older than this belongs to a server that did not stop
/// cleanly (a closed window on Windows, a crash) and is removed by the next server.
const STALE: Duration = Duration::from_secs(600);
const HEARTBEAT: Duration = Duration::from_secs(60);

/// Upload limits; each can be raised with the option named in its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single file, bytes.
    pub file_bytes: u64,
    /// Largest total of all uploaded files, bytes.
    pub total_bytes: u64,
    /// Most files.
    pub files: usize,
}

impl Default for Limits {
    /// 50 MiB per file, 500 MiB in all, 5,000 files.
    fn default() -> Limits {
        Limits {
            file_bytes: crate::size::mib(50),
            total_bytes: crate::size::mib(500),
            files: 5000,
        }
    }
}

impl Limits {
    /// `单个文件不超过 50 MiB，合计不超过 500 MiB，最多 5000 份`.
    pub fn describe(&self) -> String {
        format!(
            "单个文件不超过 {}，合计不超过 {}，最多 {} 份",
            crate::size::mib_text(self.file_bytes),
            crate::size::mib_text(self.total_bytes),
            self.files
        )
    }

    /// Why a file of `size` bytes cannot be taken when it would make `count` files of `total`
    /// bytes, or `None`.
    ///
    /// ```
    /// use nianbao::serve::Limits;
    /// let limits = Limits { file_bytes: 10, total_bytes: 25, files: 3 };
    /// assert!(limits.refusal(10, 3, 25).is_none());
    /// assert!(limits.refusal(11, 1, 11).unwrap().to_string().contains("--max-file-mb"));
    /// assert!(limits.refusal(5, 4, 20).unwrap().to_string().contains("--max-files"));
    /// assert!(limits.refusal(5, 2, 26).unwrap().to_string().contains("--max-total-mb"));
    /// ```
    pub fn refusal(&self, size: u64, count: usize, total: u64) -> Option<ErrorKind> {
        if size > self.file_bytes {
            Some(ErrorKind::TooLarge {
                what: "文件大小",
                actual: crate::size::mib_text(size),
                limit: crate::size::mib_text(self.file_bytes),
                option: "nianbao serve --max-file-mb",
            })
        } else if count > self.files {
            Some(ErrorKind::TooLarge {
                what: "文件数量",
                actual: format!("{count} 份"),
                limit: format!("{} 份", self.files),
                option: "nianbao serve --max-files",
            })
        } else if total > self.total_bytes {
            Some(ErrorKind::TooLarge {
                what: "上传文件的总大小",
                actual: crate::size::mib_text(total),
                limit: crate::size::mib_text(self.total_bytes),
                option: "nianbao serve --max-total-mb",
            })
        } else {
            None
        }
    }
}

/// The server of one run: a listening socket on 127.0.0.1, a token, a session folder.
pub struct Server {
    http: tiny_http::Server,
    app: Arc<App>,
}

struct App {
    port: u16,
    token: String,
    limits: Limits,
    dir: PathBuf,
    session: Mutex<Session>,
    progress: Progress,
    active: AtomicUsize,
    stopped: AtomicBool,
}

/// Stops a running [`Server`] from another thread (Ctrl+C): removes the uploaded files at once,
/// then lets [`Server::run`] return.
#[derive(Clone)]
pub struct Stopper {
    app: Arc<App>,
}

impl Stopper {
    /// Removes the session folder and ends [`Server::run`].
    pub fn stop(&self) {
        self.app.stopped.store(true, Ordering::SeqCst);
        let _ = std::fs::remove_dir_all(&self.app.dir);
    }
}

impl Server {
    /// Listens on 127.0.0.1:`port` (0: a free port the system picks), with a new token and a new
    /// session folder. Session folders left by servers that did not stop cleanly are removed.
    pub fn bind(port: u16, limits: Limits) -> crate::Result<Server> {
        let fail = |what: String| Error::new("", ErrorKind::Serve(what));
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => Error::new("", ErrorKind::PortInUse(port)),
            // Windows refuses ports it keeps for itself (Hyper-V's excluded ranges) this way.
            std::io::ErrorKind::PermissionDenied => fail(format!(
                "端口 {port} 不能使用（被系统保留，或没有权限），请换一个端口，如 --port 8081，或不加 --port"
            )),
            _ => fail(format!(
                "无法在 127.0.0.1:{port} 上启动服务（{e}），请换一个端口（--port）"
            )),
        })?;
        idle_timeout(&listener);
        let http = tiny_http::Server::from_listener(listener, None).map_err(|e| {
            fail(format!(
                "无法在 127.0.0.1:{port} 上启动服务（{e}），请换一个端口（--port）"
            ))
        })?;
        let port = http.server_addr().to_ip().map(|a| a.port()).unwrap_or(port);
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| fail(format!("无法取得随机数（{e}）")))?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        remove_stale(&std::env::temp_dir());
        let session = Session::new().map_err(|e| fail(format!("无法创建临时文件夹（{e}）")))?;
        let dir = session.dir().to_path_buf();
        touch(&dir.join("alive"));
        Ok(Server {
            http,
            app: Arc::new(App {
                port,
                token,
                limits,
                dir,
                session: Mutex::new(session),
                progress: Progress::default(),
                active: AtomicUsize::new(0),
                stopped: AtomicBool::new(false),
            }),
        })
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.app.port
    }

    /// The token of this run.
    pub fn token(&self) -> &str {
        &self.app.token
    }

    /// The address to open: `http://127.0.0.1:PORT/?t=TOKEN`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?t={}", self.app.port, self.app.token)
    }

    /// The folder the uploads of this run go to (removed when the server stops).
    pub fn dir(&self) -> &Path {
        &self.app.dir
    }

    /// A handle that stops [`Server::run`] from another thread.
    pub fn stopper(&self) -> Stopper {
        Stopper { app: self.app.clone() }
    }

    /// Answers requests, each on its own thread, until stopped; then removes the session folder.
    pub fn run(&self) {
        let mut beat = SystemTime::now();
        while !self.app.stopped.load(Ordering::SeqCst) {
            if beat.elapsed().unwrap_or_default() > HEARTBEAT {
                touch(&self.app.dir.join("alive"));
                beat = SystemTime::now();
            }
            let request = match self.http.recv_timeout(Duration::from_millis(200)) {
                Ok(Some(r)) => r,
                Ok(None) | Err(_) => continue,
            };
            if self.app.active.fetch_add(1, Ordering::SeqCst) >= MAX_ACTIVE {
                self.app.active.fetch_sub(1, Ordering::SeqCst);
                send(request, Reply::error(503, "请求过多，请稍后再试"));
                continue;
            }
            let app = self.app.clone();
            let spawned = std::thread::Builder::new()
                .name("nianbao-request".into())
                .spawn(move || {
                    let _done = Done(&app.active);
                    let mut request = request;
                    let reply = app.route(&mut request);
                    send(request, reply);
                });
            if spawned.is_err() {
                self.app.active.fetch_sub(1, Ordering::SeqCst);
            }
        }
        if let Ok(mut session) = self.app.session.lock() {
            let _ = session.clear_files();
        }
        let _ = std::fs::remove_dir_all(&self.app.dir);
    }
}

/// Counts a request as finished when its thread ends, also by a panic.
struct Done<'a>(&'a AtomicUsize);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn send(request: Request, reply: Reply) {
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    let headers = SECURITY_HEADERS
        .iter()
        .map(|(k, v)| (*k, v.to_string()))
        .chain([("Content-Type", reply.content_type.to_string())])
        .chain(reply.headers);
    for (name, value) in headers {
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

fn touch(path: &Path) {
    let _ = std::fs::File::create(path);
}

/// Removes the session folders of servers that stopped without cleaning up.
fn remove_stale(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with("nianbao-serve-") {
            continue;
        }
        let beat = std::fs::metadata(entry.path().join("alive")).and_then(|m| m.modified());
        let age = beat.ok().and_then(|t| t.elapsed().ok());
        if age.is_some_and(|a| a > STALE) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl App {
    fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn header<'a>(&self, request: &'a Request, name: &'static str) -> Option<&'a str> {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str())
    }

    /// `127.0.0.1:PORT`, `localhost:PORT` (and the origin `http://` of either).
    fn is_local(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        host == format!("127.0.0.1:{}", self.port) || host == format!("localhost:{}", self.port)
    }

    fn cookie_name(&self) -> String {
        format!("nianbao_{}", self.port)
    }

    /// Checks where the request comes from and its token, then answers it.
    fn route(&self, request: &mut Request) -> Reply {
        let url = request.url().to_string();
        let pairs = query(&url);
        let path = path(&url).to_string();
        if !self.header(request, "Host").is_some_and(|h| self.is_local(h)) {
            return Reply::error(403, "拒绝访问：只接受发往本机地址（127.0.0.1 或 localhost）的请求");
        }
        let from_url = param(&pairs, "t").filter(|t| same_secret(t, &self.token)).is_some();
        let from_cookie = self
            .header(request, "Cookie")
            .and_then(|c| cookie(c, &self.cookie_name()))
            .is_some_and(|t| same_secret(t, &self.token));
        let from_header = self
            .header(request, "X-Nianbao-Token")
            .is_some_and(|t| same_secret(t, &self.token));
        if !(from_url || from_cookie || from_header) {
            return if path.starts_with("/api/") {
                Reply::error(
                    403,
                    "拒绝访问：缺少或错误的口令。请使用 nianbao 在窗口中显示的完整地址打开",
                )
            } else {
                Reply::text(403, "text/html; charset=utf-8", FORBIDDEN)
            };
        }
        let method = request.method().clone();
        if method != Method::Get && method != Method::Head {
            let origin_ok = self
                .header(request, "Origin")
                .is_none_or(|o| o.strip_prefix("http://").is_some_and(|h| self.is_local(h)));
            let site_ok = self
                .header(request, "Sec-Fetch-Site")
                .is_none_or(|s| s.eq_ignore_ascii_case("same-origin"));
            if !(origin_ok && site_ok) {
                return Reply::error(403, "拒绝访问：不接受来自其他网站的提交");
            }
        }
        let reply = self.dispatch(&method, &path, &pairs, request);
        if from_url && path == "/" {
            reply.with_header(
                "Set-Cookie",
                format!(
                    "{}={}; Path=/; HttpOnly; SameSite=Strict",
                    self.cookie_name(),
                    self.token
                ),
            )
        } else {
            reply
        }
    }

    fn dispatch(&self, method: &Method, path: &str, q: &[(String, String)], request: &mut Request) -> Reply {
        let year = || match param(q, "year").map(str::parse::<i32>) {
            Some(Ok(y)) if crate::format::YEARS.contains(&y) => Ok(y),
            _ => Err(Reply::error(
                400,
                format!(
                    "年度应为 {} 至 {} 之间的年份，如 2024",
                    crate::format::YEARS.start(),
                    crate::format::YEARS.end()
                ),
            )),
        };
        match (method, path) {
            (Method::Get, "/") => Reply::text(200, "text/html; charset=utf-8", PAGE),
            (Method::Get, "/page.css") => Reply::text(200, "text/css; charset=utf-8", CSS),
            (Method::Get, "/page.js") => Reply::text(200, "text/javascript; charset=utf-8", JS),
            (Method::Get, "/api/info") => Reply::json(200, &self.session().info(&self.limits)),
            (Method::Post, "/api/roster") => {
                let name = param(q, "name").unwrap_or("名单");
                let size = request.body_length().unwrap_or(0) as u64;
                let too_large = || match self.limits.refusal(size.max(self.limits.file_bytes + 1), 0, 0) {
                    Some(kind) => format!("“{name}”：{kind}"),
                    None => format!("“{name}”太大"),
                };
                match read_body(request, self.limits.file_bytes, too_large) {
                    Ok(bytes) => self.session().set_roster(name, &bytes),
                    Err(reply) => reply,
                }
            }
            (Method::Delete, "/api/roster") => self.session().clear_roster(),
            (Method::Get, "/api/template") => match year() {
                Ok(y) => Session::template(y, param(q, "agency").map(str::trim).filter(|a| !a.is_empty())),
                Err(reply) => reply,
            },
            (Method::Get, "/api/templates.zip") => match year() {
                Ok(y) => self.session().templates_zip(y),
                Err(reply) => reply,
            },
            (Method::Post, "/api/plan") => match read_json(request) {
                Ok(v) => {
                    let items: Vec<(String, u64)> = v["files"]
                        .as_array()
                        .map(|list| {
                            list.iter()
                                .map(|f| {
                                    (
                                        f["name"].as_str().unwrap_or_default().to_string(),
                                        f["size"].as_u64().unwrap_or(0),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    Reply::json(200, &self.session().plan(&items, &self.limits))
                }
                Err(reply) => reply,
            },
            (Method::Post, "/api/upload") => self.upload(q, request),
            (Method::Delete, "/api/files") => self.session().clear_files(),
            (Method::Post, "/api/merge") => match read_json(request) {
                Ok(v) => {
                    let year = v["year"].as_i64().and_then(|y| i32::try_from(y).ok());
                    let name = v["name"].as_str().unwrap_or_default();
                    self.session().merge(year, name, &self.progress)
                }
                Err(reply) => reply,
            },
            (Method::Get, "/api/progress") => Reply::json(
                200,
                &json!({
                    "done": self.progress.done.load(Ordering::SeqCst),
                    "total": self.progress.total.load(Ordering::SeqCst),
                }),
            ),
            (Method::Get, "/api/result") => self.session().result(),
            (Method::Get, "/api/findings") => match param(q, "id").map(str::parse::<usize>) {
                Some(Ok(id)) => self.session().findings(id),
                _ => Reply::error(400, "缺少行号"),
            },
            (Method::Get, p) if p.starts_with("/api/download/") => {
                let what = p.strip_prefix("/api/download/").unwrap_or_default();
                self.session().download(what, param(q, "name").unwrap_or_default())
            }
            _ => Reply::error(404, "没有这个页面"),
        }
    }

    /// `POST /api/upload?name=…&modified=…`: one file's bytes as the body.
    fn upload(&self, q: &[(String, String)], request: &mut Request) -> Reply {
        let Some(name) = param(q, "name") else {
            return Reply::error(400, "缺少文件名");
        };
        let Some(size) = request.body_length() else {
            return Reply::error(411, "上传请求缺少长度（Content-Length）");
        };
        let modified = param(q, "modified")
            .and_then(|m| m.parse::<u64>().ok())
            .map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
        let slot = match self.session().reserve(name, size as u64, &self.limits) {
            Ok(slot) => slot,
            Err(reply) => return reply,
        };
        match slot.fill(request.as_reader(), size as u64, modified) {
            Ok(()) => Reply::json(200, &json!({ "name": slot.name(), "size": size })),
            Err(reply) => {
                self.session().release(&slot);
                reply
            }
        }
    }
}

/// A request body of at most `limit` bytes; `too_large` words the refusal of a longer one.
fn read_body(request: &mut Request, limit: u64, too_large: impl FnOnce() -> String) -> Result<Vec<u8>, Reply> {
    let mut bytes = Vec::new();
    request
        .as_reader()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Reply::error(400, format!("上传中断（{e}）")))?;
    if bytes.len() as u64 > limit {
        return Err(Reply::error(413, too_large()));
    }
    Ok(bytes)
}

fn read_json(request: &mut Request) -> Result<Value, Reply> {
    let bytes = read_body(request, MAX_JSON, || {
        format!("请求内容超过 {}", crate::size::mib_text(MAX_JSON))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Reply::error(400, format!("请求内容不是有效的 JSON（{e}）")))
}

const FORBIDDEN: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>拒绝访问</title>\
<body style=\"font-family:sans-serif;margin:3em\"><h1>拒绝访问</h1>\
<p>这个地址缺少口令。请回到运行 nianbao 的窗口，复制其中显示的完整地址（以 <code>?t=</code> 加一串字母数字结尾）到浏览器中打开。</p>\
<p>如果窗口已关闭，请重新双击 nianbao 启动。</p></body></html>";

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::{remove_stale, STALE};

    #[test]
    fn folders_of_servers_gone_are_removed() {
        let temp = tempfile::tempdir().unwrap();
        let gone = temp.path().join("nianbao-serve-gone");
        let alive = temp.path().join("nianbao-serve-alive");
        let other = temp.path().join("something-else");
        for dir in [&gone, &alive, &other] {
            std::fs::create_dir_all(dir.join("files")).unwrap();
            std::fs::write(dir.join("alive"), b"").unwrap();
        }
        let old = SystemTime::now() - STALE - Duration::from_secs(60);
        for dir in [&gone, &other] {
            let beat = std::fs::File::options().write(true).open(dir.join("alive")).unwrap();
            beat.set_modified(old).unwrap();
        }
        remove_stale(temp.path());
        assert!(!gone.exists());
        assert!(alive.exists());
        assert!(other.exists());
    }

    #[test]
    fn sizes_in_mib() {
        assert_eq!(crate::size::mib_text(crate::size::mib(50)), "50 MiB");
        assert_eq!(crate::size::mib_text(1), "0.1 MiB");
        assert_eq!(crate::size::mib_text(3 << 19), "1.5 MiB");
        assert_eq!(crate::size::mib_text(u64::MAX), "17592186044416 MiB");
    }
}
