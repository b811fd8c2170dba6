// The page of `nianbao serve`: three steps, every answer from the server (which calls the library).
// Plain JavaScript, no libraries, nothing loaded from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
let info = null;
let result = null;
let sortKey = "order";
let sortDir = 1;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c);
  }
  return e;
}

async function api(method, url, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new Error("无法连接 nianbao：运行它的窗口可能已经关闭。请重新启动 nianbao 后再打开页面。");
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    throw new Error((data && data.error) || "请求失败（" + response.status + "）");
  }
  return data;
}

// Whether the user chose the year at the top (else a merge takes the year the returns name).
let yearChosen = false;

function year() {
  return Number($("year").value);
}

function megabytes(bytes) {
  const mb = bytes / 1048576;
  return (mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)) + " MiB";
}

// ---- the year and the format it implies ----

function showYear() {
  const y = info.years.find((x) => x.year === year());
  if (y) {
    $("format-note").textContent =
      y.year + " 年度报告使用 " + y.format + " 版格式（" + y.issued_by + "）";
  }
  updateLinks();
}

function updateLinks() {
  const agency = $("agency").value.trim();
  let url = "/api/template?year=" + year();
  if (agency) url += "&agency=" + encodeURIComponent(agency);
  $("template-one").href = url;
  $("template-one").textContent = "下载 " + year() + " 年度模板" + (agency ? "（" + agency + "）" : "");
  const zip = $("template-zip");
  zip.href = "/api/templates.zip?year=" + year();
  const hasRoster = info && info.roster;
  zip.classList.toggle("disabled", !hasRoster);
  $("template-zip-note").hidden = Boolean(hasRoster);
  const name = encodeURIComponent($("name").value.trim());
  for (const [id, file] of [
    ["dl-summary", "summary.xlsx"],
    ["dl-findings", "findings.xlsx"],
    ["dl-returns", "returns.zip"],
    ["dl-csv", "summary.csv"],
    ["dl-json", "summary.json"],
  ]) {
    const a = $(id);
    a.href = "/api/download/" + file + "?name=" + name;
    a.classList.toggle("disabled", !result);
  }
  updateReportLink(name);
  $("year-note").textContent = yearChosen
    ? "只汇总 " + year() + " 年度的报表；其他年度的会列出但不计入（可在页面顶部改选年度）。"
    : "汇总的年度按报表中写明的年度确定（没有写明年度的报表按该年度计入并提示）；报表年度不一致时请在页面顶部选择报告年度。";
  $("step3-note").textContent = result
    ? "以下文件按第 2 步的汇总结果生成（" + result.headline + "）。"
    : "完成第 2 步后，这里可以下载汇总结果。";
}

// The district's own report draft (Word), made from the merged totals.
function updateReportLink(name) {
  const a = $("dl-docx");
  a.href = "/api/download/report.docx?name=" + name;
  a.classList.toggle("disabled", !result);
}

// ---- step 1: roster and templates ----

function showRoster() {
  const box = $("roster-info");
  box.replaceChildren();
  const roster = info.roster;
  if (!roster) return;
  const cats = {};
  for (const m of roster.members) {
    if (m.category) cats[m.category] = (cats[m.category] || 0) + 1;
  }
  const parts = Object.entries(cats).map(([c, n]) => c + " " + n);
  const remove = el("button", { type: "button", class: "button" }, "移除名单");
  remove.addEventListener("click", async () => {
    info.roster = await api("DELETE", "/api/roster");
    showRoster();
    updateLinks();
    if (result) merge();
  });
  box.append(
    el("span", { class: "ok" }, "✔ 已载入名单“" + roster.file + "”：" + roster.members.length + " 个单位" +
      (parts.length ? "（" + parts.join("，") + "）" : "")),
    " ",
    remove,
  );
}

async function uploadRoster(file) {
  const box = $("roster-info");
  try {
    const response = await fetch("/api/roster?name=" + encodeURIComponent(file.name), {
      method: "POST",
      body: file,
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error);
    info.roster = data;
    showRoster();
    updateLinks();
    if (result) merge();
  } catch (e) {
    box.replaceChildren(el("span", { class: "error-text" }, e.message));
  }
}

// ---- step 2: files in, the table out ----

function notice(text, items, bad) {
  const list = items && items.length ? el("ul", {}, ...items.map((i) => el("li", {}, i))) : null;
  $("notices").append(el("div", { class: "notice" + (bad ? " bad" : "") }, text, list));
}

function progress(fraction, text) {
  $("progress").hidden = false;
  $("progress-fill").style.width = Math.round(Math.min(1, fraction) * 100) + "%";
  $("progress-text").textContent = text;
}

// Every file under a dropped folder, with its path inside the drop.
function walk(entry, out) {
  return new Promise((resolve) => {
    if (entry.isFile) {
      entry.file(
        (file) => {
          out.push({ file, name: entry.fullPath.replace(/^\/+/, "") });
          resolve();
        },
        () => resolve(),
      );
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      const all = [];
      const next = () =>
        reader.readEntries(
          async (batch) => {
            if (batch.length === 0) {
              for (const e of all) await walk(e, out);
              resolve();
            } else {
              all.push(...batch);
              next();
            }
          },
          () => resolve(),
        );
      next();
    } else {
      resolve();
    }
  });
}

function send(item, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const url = "/api/upload?name=" + encodeURIComponent(item.name) + "&modified=" + (item.file.lastModified || "");
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        data = null;
      }
      resolve(xhr.status === 200 ? null : (data && data.error) || item.name + "：上传失败（" + xhr.status + "）");
    };
    xhr.onerror = () => resolve(item.name + "：上传失败（连接中断）");
    xhr.send(item.file);
  });
}

async function addFiles(items) {
  $("notices").replaceChildren();
  if (items.length === 0) return;
  let plan;
  try {
    plan = await api("POST", "/api/plan", { files: items.map((i) => ({ name: i.name, size: i.file.size })) });
  } catch (e) {
    notice(e.message, null, true);
    return;
  }
  const todo = [];
  const skipped = [];
  const refused = [];
  plan.files.forEach((p, i) => {
    if (p.action === "upload") todo.push(items[i]);
    else if (p.action === "skip") skipped.push([p.name, p.message]);
    else refused.push(p.name + "：" + p.message);
  });
  if (refused.length) notice("以下 " + refused.length + " 个文件超过上限，没有收取：", refused, true);
  if (skipped.length) {
    // One line per reason, the file names after it.
    const reasons = new Map();
    for (const [name, why] of skipped) reasons.set(why, (reasons.get(why) || []).concat(name));
    notice(
      skipped.length + " 个文件不是报表，已跳过：",
      Array.from(reasons, ([why, names]) => why + "：" + names.join("、")),
      false,
    );
  }
  const total = todo.reduce((s, i) => s + i.file.size, 0) || 1;
  const loaded = new Array(todo.length).fill(0);
  let done = 0;
  const failed = [];
  const show = () => {
    const sent = loaded.reduce((a, b) => a + b, 0);
    progress(sent / total, "正在上传 " + done + " / " + todo.length + " 份（" + megabytes(sent) + " / " + megabytes(total) + "）");
  };
  show();
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const i = next++;
      const error = await send(todo[i], (n) => {
        loaded[i] = n;
        show();
      });
      loaded[i] = todo[i].file.size;
      done++;
      if (error) failed.push(error);
      show();
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  if (failed.length) notice(failed.length + " 个文件没有收到：", failed, true);
  await merge();
}

async function merge() {
  let polling = true;
  const poll = async () => {
    while (polling) {
      try {
        const p = await api("GET", "/api/progress");
        if (polling && p.total > 0) progress(p.done / p.total, "正在读取和检查 " + p.done + " / " + p.total + " 份");
      } catch (e) {
        polling = false;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  progress(0, "正在读取和检查…");
  poll();
  try {
    // The year is the one the returns name, as `nianbao merge` decides it, unless chosen at the top.
    result = await api("POST", "/api/merge", { year: yearChosen ? year() : null, name: $("name").value.trim() });
    if (result && result.year) {
      $("year").value = String(result.year);
      showYear();
    }
    progress(1, "已完成：" + result.headline);
  } catch (e) {
    result = null;
    progress(1, "汇总没有完成");
    notice(e.message, null, true);
  }
  polling = false;
  showResult();
}

const ORDER = { missing: 0, unreadable: 1, other_format: 2, other_year: 3, superseded: 4, unexpected: 5, counted: 6 };

function showResult() {
  updateLinks();
  $("result").hidden = !result;
  if (!result) return;
  $("headline").textContent = result.year + " 年度（" + result.format + " 版格式）" + result.headline;
  $("counts").replaceChildren(
    ...result.counts.map((c) => el("span", { class: "chip st-" + c.standing }, c.status + " " + c.count)),
  );
  const tf = $("total-findings");
  tf.replaceChildren();
  const otherYear = result.counts.find((c) => c.standing === "other_year");
  if (otherYear) {
    tf.append(el("div", { class: "notice" },
      "有 " + otherYear.count + " 份报表不是 " + result.year + " 年度的，没有计入汇总。如要汇总这些报表，请在页面顶部改选报告年度。"));
  }
  const otherFormat = result.counts.find((c) => c.standing === "other_format");
  if (otherFormat) {
    tf.append(el("div", { class: "notice" },
      "有 " + otherFormat.count + " 份报表是 " + result.year + " 年度的，但没有使用 " + result.year
        + " 年度的表格格式，没有计入汇总（原因写在该单位一行中）。请这些单位改用 " + result.year + " 年度模板重新填报。"));
  }
  if (result.total_findings.length) {
    tf.append(el("div", { class: "notice" },
      "全区合计本身的校验（各单位的问题会带入合计）：",
      el("ul", {}, ...result.total_findings.map((f) => el("li", {}, "[" + f.severity_name + "] " + f.message))),
    ));
  }
  drawTable();
  drawIndicators();
}

function shown(def, reading) {
  if (!reading || reading.value === null || reading.value === undefined) return "";
  if (def.measure === "rate") return (reading.value * 100).toFixed(1) + "%";
  // A count; the mean of counts to one decimal.
  return Number.isInteger(reading.value) ? String(reading.value) : reading.value.toFixed(1);
}

function drawIndicators() {
  const table = $("indicators");
  const board = result.indicators;
  $("indicators-box").hidden = !board;
  if (!board) return;
  const defs = board.definitions;
  const head = el("tr", {}, el("th", {}, "单位"), ...defs.map((d) => el("th", { class: "n", title: d.formula }, d.name)));
  const cells = (values, ranked) => defs.map((d) => {
    const r = values[d.code];
    let text = shown(d, r);
    if (ranked && text && r.rank && d.measure === "rate") text += "（" + r.rank + "）";
    const small = r && r.small;
    return el("td", { class: "n" + (small ? " small" : ""), title: small ? "样本较小：分母 " + r.base : "" }, text);
  });
  const rows = board.agencies.map((a) => el("tr", {}, el("td", { class: "nowrap" }, a.agency), ...cells(a.values, true)));
  const mean = {};
  for (const d of defs) mean[d.code] = { value: board.mean[d.code] };
  table.replaceChildren(
    el("thead", {}, head),
    el("tbody", {},
      ...rows,
      el("tr", { class: "total" }, el("td", { class: "nowrap" }, "全区（按合计）"), ...cells(board.district, false)),
      el("tr", {}, el("td", { class: "nowrap" }, "各单位简单平均"), ...cells(mean, false)),
    ),
  );
}

function drawTable() {
  const rows = result.rows.map((r, i) => Object.assign({ order: i + 1 }, r));
  const key = sortKey;
  rows.sort((a, b) => {
    let x = a[key];
    let y = b[key];
    if (key === "status") {
      x = ORDER[a.standing];
      y = ORDER[b.standing];
    }
    if (typeof x === "number" && typeof y === "number") return (x - y) * sortDir || a.order - b.order;
    return String(x).localeCompare(String(y), "zh-CN") * sortDir || a.order - b.order;
  });
  for (const th of document.querySelectorAll("#table th")) {
    th.classList.toggle("sorted-asc", th.dataset.key === key && sortDir === 1);
    th.classList.toggle("sorted-desc", th.dataset.key === key && sortDir === -1);
  }
  const body = document.querySelector("#table tbody");
  body.replaceChildren(
    ...rows.map((r) => {
      const read = r.id !== null && r.standing !== "unreadable";
      const tr = el("tr", { "data-standing": r.standing },
        el("td", { class: "n" }, String(r.order)),
        el("td", { class: "nowrap" }, r.name),
        el("td", { class: "nowrap" }, r.category),
        el("td", { class: "nowrap st-" + r.standing }, r.status),
        el("td", { class: "n" + (r.errors > 0 ? " bad" : "") }, read ? String(r.errors) : ""),
        el("td", { class: "n" }, read ? String(r.warnings) : ""),
        el("td", { class: "file" }, r.file, r.error || r.reason ? el("div", { class: "errline" }, r.error || r.reason) : null),
      );
      tr.addEventListener("click", () => details(r));
      return tr;
    }),
  );
}

async function details(row) {
  $("details-title").textContent = row.name + "　" + row.status;
  $("details-file").textContent = row.file ? "文件：" + row.file : "";
  const body = $("details-body");
  body.replaceChildren();
  $("details").hidden = false;
  if (row.id === null) {
    body.append(el("p", {}, "没有收到这个单位的报表。"));
    return;
  }
  let data;
  try {
    data = await api("GET", "/api/findings?id=" + row.id);
  } catch (e) {
    body.append(el("p", { class: "error-text" }, e.message));
    return;
  }
  if (data.error) {
    body.append(el("p", { class: "error-text" }, "无法读取：" + data.error));
    return;
  }
  if (data.reason) {
    body.append(el("p", { class: "error-text" }, data.reason));
  }
  if (data.findings.length === 0) {
    body.append(el("p", { class: "ok" }, "✔ 未发现问题。"));
    return;
  }
  body.append(
    el("p", {}, "错误 " + row.errors + " 处，警告 " + row.warnings + " 处。" +
      "错误须由报送单位按下表的工作表和单元格改正后重新报送；警告请核实。"),
  );
  body.append(
    el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, "严重程度"), el("th", {}, "工作表"), el("th", {}, "单元格"), el("th", {}, "说明"))),
      el("tbody", {}, ...data.findings.map((f) =>
        el("tr", {},
          el("td", { class: "sev-" + f.severity }, f.severity_name),
          el("td", {}, f.sheet || ""),
          el("td", {}, f.cell || ""),
          el("td", {}, f.message),
        ))),
    ),
  );
}

// ---- wiring ----

function setup() {
  const select = $("year");
  select.replaceChildren(
    ...info.years.map((y) => el("option", { value: String(y.year) }, y.year + " 年度（" + y.format + " 版格式）")),
  );
  select.value = String((result && result.year) || info.default_year);
  select.addEventListener("change", () => {
    yearChosen = true;
    showYear();
    if (result) merge();
  });
  $("limits").textContent = "上限：" + info.limits.text + "。";
  $("agency").addEventListener("input", updateLinks);
  $("name").addEventListener("input", updateLinks);
  $("roster-file").addEventListener("change", (e) => {
    if (e.target.files.length) uploadRoster(e.target.files[0]);
    e.target.value = "";
  });
  const picked = (e) => {
    const items = Array.from(e.target.files).map((f) => ({ file: f, name: f.webkitRelativePath || f.name }));
    e.target.value = "";
    addFiles(items);
  };
  $("pick-folder").addEventListener("change", picked);
  $("pick-files").addEventListener("change", picked);
  const drop = $("drop");
  for (const t of ["dragenter", "dragover"]) {
    drop.addEventListener(t, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const entries = Array.from(e.dataTransfer.items || [])
      .map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null))
      .filter(Boolean);
    const items = [];
    if (entries.length) {
      for (const entry of entries) await walk(entry, items);
    } else {
      for (const f of Array.from(e.dataTransfer.files)) items.push({ file: f, name: f.name });
    }
    addFiles(items);
  });
  // A file dropped beside the box must not replace the page.
  for (const t of ["dragover", "drop"]) window.addEventListener(t, (e) => e.preventDefault());
  for (const th of document.querySelectorAll("#table th")) {
    th.addEventListener("click", () => {
      sortDir = sortKey === th.dataset.key ? -sortDir : 1;
      sortKey = th.dataset.key;
      drawTable();
    });
  }
  $("clear").addEventListener("click", async () => {
    try {
      await api("DELETE", "/api/files");
    } catch (e) {
      notice(e.message, null, true);
      return;
    }
    result = null;
    $("notices").replaceChildren();
    $("progress").hidden = true;
    showResult();
  });
  const close = () => {
    $("details").hidden = true;
  };
  $("details-close").addEventListener("click", close);
  $("details").addEventListener("click", (e) => {
    if (e.target === $("details")) close();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
  });
  showYear();
  showRoster();
  showResult();
}

async function start() {
  try {
    info = await api("GET", "/api/info");
  } catch (e) {
    document.querySelector("main").prepend(el("div", { class: "notice bad" }, e.message));
    return;
  }
  result = info.result;
  setup();
}

start();
