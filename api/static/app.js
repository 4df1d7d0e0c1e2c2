// มติ: the secretariat's page. Plain JS, no build step, nothing loaded from the network.
"use strict";

const KIND = {
  approve: "เห็นชอบ", acknowledge: "รับทราบ", assign: "มอบหมาย",
  reject: "ไม่เห็นชอบ", defer: "เลื่อนการพิจารณา", other: "อื่น ๆ",
};
const PAGE = 20;
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function thaiDate(iso) {
  if (!iso) return "—";
  const d = new Date(iso + "T00:00:00");
  try {
    return new Intl.DateTimeFormat("th-TH", { day: "numeric", month: "short", year: "numeric" }).format(d);
  } catch (_) {
    return iso;
  }
}

function kindBadge(kind) {
  return el("span", { class: `kind kind-${kind}` }, KIND[kind] || kind);
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.detail || body.title || response.statusText;
    throw new Error(`${body.title || "ผิดพลาด"} (${response.status}): ${message}`);
  }
  return { status: response.status, body };
}

function setStatus(node, text, error = false) {
  node.textContent = text;
  node.classList.toggle("error", error);
}

// A server snippet is HTML-escaped text with <mark> tags only: rebuild it as DOM nodes.
function snippetNodes(snippet) {
  const decode = (s) => {
    const t = document.createElement("textarea");
    t.innerHTML = s;
    return t.value;
  };
  const out = [];
  let marked = false;
  for (const part of snippet.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) out.push(marked ? el("mark", {}, decode(part)) : document.createTextNode(decode(part)));
  }
  return out;
}

// --- tabs ---------------------------------------------------------------------------------

for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => showTab(button.dataset.tab));
}

function showTab(name) {
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const s of document.querySelectorAll(".tab")) s.classList.toggle("active", s.id === `tab-${name}`);
  if (name === "documents") loadDocuments(0);
  if (name === "actions" && !$("#actions").children.length) loadActions(0);
}

// --- the record of one document -------------------------------------------------------------

function highlighted(text, record) {
  const spans = [];
  const add = (span, cls) => { if (span && span[1] > span[0]) spans.push([span[0], span[1], cls]); };
  for (const r of record.resolutions) add(r.span, "hl-resolution");
  for (const a of record.agencies) for (const m of a.mentions) add(m, "hl-agency");
  for (const d of record.deadlines) add(d.span, "hl-deadline");
  for (const a of record.actions) add(a.span, "hl-action");
  const m = record.meeting || {};
  for (const n of [m.body, m.chair, ...(m.participants || [])]) if (n) add(n.span, "hl-meeting");
  const cuts = new Set([0, text.length]);
  for (const [s, e] of spans) { cuts.add(Math.max(0, s)); cuts.add(Math.min(text.length, e)); }
  const points = [...cuts].sort((x, y) => x - y);
  const frag = document.createDocumentFragment();
  for (let i = 0; i < points.length - 1; i++) {
    const [s, e] = [points[i], points[i + 1]];
    const classes = [...new Set(spans.filter(([a, b]) => a <= s && e <= b).map(([, , c]) => c))];
    const piece = text.slice(s, e);
    frag.append(classes.length ? el("span", { class: classes.join(" ") }, piece) : piece);
  }
  return frag;
}

function showRecord(record) {
  $("#record").hidden = false;
  const m = record.meeting || {};
  const rows = [
    ["เอกสาร", record.document.title || record.document.source_name],
    ["คณะ/ที่ประชุม", m.body ? `${m.body.name}${m.body.abbreviation ? ` (${m.body.abbreviation})` : ""}` : null],
    ["ครั้งที่", m.session], ["วันที่ประชุม", m.date ? thaiDate(m.date) : null],
    ["เวลา", m.start_time ? `${m.start_time}${m.end_time ? `–${m.end_time}` : ""} น.` : null],
    ["สถานที่", m.venue], ["ผ่านระบบ", m.online_platform], ["ประธาน", m.chair && m.chair.name],
    ["ผู้เข้าร่วม", (m.participants || []).map((p) => p.name + (p.role ? ` (${p.role})` : "")).join(", ") || null],
  ];
  $("#meeting").replaceChildren(
    ...rows.filter(([, v]) => v).flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]),
  );
  const agencyName = Object.fromEntries(record.agencies.map((a) => [a.id, a.abbreviation || a.name]));
  $("#resolutions").replaceChildren(...record.resolutions.map((r) => el("li", {},
    kindBadge(r.kind), el("strong", {}, r.number ? `มติที่ ${r.number} ` : ""), r.text,
    r.agencies.length ? el("div", { class: "meta" }, "หน่วยงาน: " + r.agencies.map((a) => agencyName[a] || a).join(", ")) : null,
    r.deadlines.length ? el("div", { class: "meta" }, "กำหนดเวลา: " + r.deadlines.map((i) => record.deadlines[i] && record.deadlines[i].text).join("; ")) : null,
  )));
  $("#agencies").replaceChildren(...record.agencies.map((a) =>
    el("li", { title: a.english || a.id }, a.name + (a.abbreviation ? ` (${a.abbreviation})` : ""), ` ×${a.mentions.length}`)));
  $("#deadlines").replaceChildren(...record.deadlines.map((d) =>
    el("li", {}, d.text, el("span", { class: "meta" }, ` → ${d.start && d.start !== d.end ? `${thaiDate(d.start)} – ` : ""}${thaiDate(d.end)}`))));
  $("#record-actions").replaceChildren(...record.actions.map((a) =>
    el("tr", {}, el("td", {}, a.agency), el("td", {}, a.task), el("td", {}, thaiDate(a.due)), el("td", {}, a.resolution || "—"))));
  $("#doc-text").replaceChildren(highlighted(record.document.text, record));
}

async function openDocument(id) {
  showTab("upload");
  const status = $("#upload-status");
  try {
    const { body } = await api(`/documents/${encodeURIComponent(id)}`);
    setStatus(status, `เอกสาร ${body.document.source_name}`);
    showRecord(body);
  } catch (e) {
    setStatus(status, e.message, true);
  }
}

$("#upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  const status = $("#upload-status");
  if (!file) return;
  const data = new FormData();
  data.append("file", file);
  setStatus(status, "กำลังอ่านและสกัดข้อมูล…");
  try {
    const { status: code, body } = await api("/documents", { method: "POST", body: data });
    setStatus(status, code === 201 ? "จัดเก็บเรียบร้อย" : "เอกสารนี้เคยนำเข้าแล้ว แสดงข้อมูลที่จัดเก็บไว้");
    showRecord(body);
    loadAgencies();
  } catch (e) {
    setStatus(status, e.message, true);
  }
});

// --- paging ---------------------------------------------------------------------------------

function pager(node, page, load) {
  const { total, limit, offset } = page;
  node.replaceChildren(
    el("button", { type: "button", ...(offset <= 0 ? { disabled: "" } : {}), onclick: () => load(Math.max(0, offset - limit)) }, "‹ ก่อนหน้า"),
    el("span", {}, total ? `${offset + 1}–${Math.min(total, offset + limit)} จาก ${total}` : ""),
    el("button", { type: "button", ...(offset + limit >= total ? { disabled: "" } : {}), onclick: () => load(offset + limit) }, "ถัดไป ›"),
  );
}

function query(form, names) {
  const params = new URLSearchParams();
  const data = new FormData(form);
  for (const n of names) {
    const v = (data.get(n) || "").toString().trim();
    if (v) params.set(n, v);
  }
  return params;
}

function docLink(id, text) {
  return el("a", { class: "doc-link", href: `#${id}`, onclick: (e) => { e.preventDefault(); openDocument(id); } }, text);
}

function meetingLine(x) {
  return [x.meeting_date ? thaiDate(x.meeting_date) : null, x.body, x.session ? `ครั้งที่ ${x.session}` : null]
    .filter(Boolean).join(" · ");
}

// --- search ---------------------------------------------------------------------------------

async function search(offset) {
  const form = $("#search-form");
  const params = query(form, ["q", "agency", "kind", "body", "from", "to", "mode"]);
  if (form.elements.any.checked) params.set("match", "any");
  params.set("limit", PAGE);
  params.set("offset", offset);
  const status = $("#search-status");
  setStatus(status, "กำลังค้นหา…");
  try {
    const { body } = await api(`/resolutions?${params}`);
    const about = body.total_exact === false ? "อย่างน้อย " : "";
    setStatus(status, body.total ? `พบ${about ? " " + about : " "}${body.total} มติ` : "ไม่พบมติที่ตรงกับเงื่อนไข");
    $("#hits").replaceChildren(...body.items.map((h) => el("li", {},
      kindBadge(h.kind), el("strong", {}, h.number ? `มติที่ ${h.number} ` : ""),
      el("span", {}, ...snippetNodes(h.snippet)),
      el("div", { class: "meta" }, meetingLine(h), " · ", docLink(h.document_id, h.source_name)),
    )));
    pager($("#search-pager"), body, search);
  } catch (e) {
    setStatus(status, e.message, true);
  }
}

$("#search-form").addEventListener("submit", (event) => { event.preventDefault(); search(0); });

// --- actions --------------------------------------------------------------------------------

async function loadActions(offset) {
  const params = query($("#actions-form"), ["agency", "due_after", "due_before"]);
  params.set("limit", PAGE);
  params.set("offset", offset);
  const status = $("#actions-status");
  try {
    const { body } = await api(`/actions?${params}`);
    setStatus(status, body.total ? `${body.total} รายการ` : "ไม่พบรายการ");
    $("#actions").replaceChildren(...body.items.map((a) => el("tr", {},
      el("td", {}, thaiDate(a.due)), el("td", {}, a.agency), el("td", {}, a.task), el("td", {}, a.resolution || "—"),
      el("td", {}, meetingLine(a) || "—", " · ", docLink(a.document_id, a.source_name)),
    )));
    pager($("#actions-pager"), body, loadActions);
  } catch (e) {
    setStatus(status, e.message, true);
  }
}

$("#actions-form").addEventListener("submit", (event) => { event.preventDefault(); loadActions(0); });

// --- documents and agencies -----------------------------------------------------------------

async function loadDocuments(offset) {
  const status = $("#documents-status");
  try {
    const { body } = await api(`/documents?limit=${PAGE}&offset=${offset}`);
    setStatus(status, body.total ? `${body.total} เอกสาร` : "ยังไม่มีเอกสาร");
    $("#documents").replaceChildren(...body.items.map((d) => el("tr", {},
      el("td", {}, thaiDate(d.meeting_date)), el("td", {}, d.body || "—"), el("td", {}, d.session || "—"),
      el("td", {}, docLink(d.id, d.title || d.source_name)), el("td", {}, d.resolutions),
    )));
    pager($("#documents-pager"), body, loadDocuments);
  } catch (e) {
    setStatus(status, e.message, true);
  }
}

async function loadAgencies() {
  try {
    const { body } = await api("/agencies");
    $("#agency-list").replaceChildren(...body.map((a) =>
      el("option", { value: a.abbreviation || a.name }, `${a.name} (${a.mentions})`)));
  } catch (_) { /* the list is only a convenience */ }
}

loadAgencies();
if (location.hash.length > 1) openDocument(location.hash.slice(1));
