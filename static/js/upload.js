/**
 * Upload (`#data-upload`, or a file dropped onto the page): a preview of the
 * file's first rows, a choice of the two input columns, the label column and
 * the problem, then `POST /api/datasets` and `data=<id>`. The server's answer
 * to a file it cannot use is shown beside the upload, as it is.
 */

import { part } from "./part.js";
import { formatNumber, say, t } from "./i18n.js";

const MAX_BYTES = 2 * 1024 * 1024;
const PREVIEW_ROWS = 5;

/** A few rows of CSV text: quoted cells allowed; the delimiter the first line uses most. */
export function previewCsv(text) {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((line) => line.trim() !== "");
  if (!lines.length) return { columns: [], rows: [] };
  const counts = [",", ";", "\t"].map((d) => [d, lines[0].split(d).length - 1]).sort((a, b) => b[1] - a[1]);
  const delimiter = counts[0][1] > 0 ? counts[0][0] : ",";
  const split = (line) => {
    const cells = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === delimiter) { cells.push(cell.trim()); cell = ""; } else cell += ch;
    }
    cells.push(cell.trim());
    return cells;
  };
  const first = split(lines[0]);
  const headerless = first.every((cell) => cell !== "" && Number.isFinite(Number(cell)));
  const columns = headerless ? first.map((_, i) => `column${i + 1}`) : first.map((c, i) => c || `column${i + 1}`);
  const rows = lines.slice(headerless ? 0 : 1, (headerless ? 0 : 1) + PREVIEW_ROWS).map(split);
  return { columns, rows };
}

function previewJson(text) {
  const document_ = JSON.parse(text);
  const items = Array.isArray(document_) ? document_ : document_.points || document_.rows || [];
  const first = items[0];
  if (first && !Array.isArray(first) && typeof first === "object") {
    const columns = [...new Set(items.slice(0, 50).flatMap((item) => Object.keys(item)))];
    return { columns, rows: items.slice(0, PREVIEW_ROWS).map((item) => columns.map((c) => item[c] ?? "")) };
  }
  const width = Array.isArray(first) ? first.length : 3;
  const columns = ["x1", "x2", "label", "split"].slice(0, width);
  return { columns, rows: items.slice(0, PREVIEW_ROWS) };
}

export class Uploader {
  /**
   * @param {HTMLElement} root the playground's root element
   * @param {object} hooks setData(id): use the stored data set `id`
   */
  constructor(root, hooks) {
    this.hooks = hooks;
    this.input = part(root, "data-upload");
    this.preview = part(root, "upload-preview");
    this.table = part(root, "upload-table");
    this.fileName = part(root, "upload-file-name");
    this.selects = Object.fromEntries(["x1", "x2", "label", "problem"].map((n) => [n, part(root, `upload-${n}`)]));
    this.error = part(root, "upload-error");
    this.status = part(root, "upload-status");
    this.file = null;
    this.input.addEventListener("change", () => {
      if (this.input.files && this.input.files[0]) this.open(this.input.files[0]);
      this.input.value = "";
    });
    part(root, "upload-use").addEventListener("click", () => this.send());
    part(root, "upload-cancel").addEventListener("click", () => { this.preview.hidden = true; this.file = null; });
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  async open(file) {
    this.showError("");
    this.status.hidden = true;
    if (file.size > MAX_BYTES) {
      this.showError(t("js.upload_too_big", { name: file.name, size: file.size, max: MAX_BYTES }));
      return;
    }
    this.file = file;
    this.json = /\.json$/i.test(file.name) || file.type.includes("json");
    let preview = { columns: [], rows: [] };
    try {
      const text = await file.text();
      preview = this.json ? previewJson(text) : previewCsv(text);
    } catch (err) {
      preview = { columns: [], rows: [] }; // the server says what is wrong with it
    }
    this.fileName.textContent = t("js.upload_preview", { name: file.name });
    this.fill(preview);
    this.preview.hidden = false;
  }

  fill({ columns, rows }) {
    this.table.replaceChildren();
    const head = this.table.createTHead().insertRow();
    for (const name of columns) {
      const th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    }
    const body = this.table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const cell of row) tr.insertCell().textContent = String(cell);
    }
    const lower = columns.map((c) => String(c).trim().toLowerCase());
    const labelIndex = lower.includes("label") ? lower.indexOf("label") : columns.length - 1;
    const numeric = columns.map((_, i) => rows.length > 0 && rows[0][i] !== "" && Number.isFinite(Number(rows[0][i])));
    const inputs = columns.map((_, i) => i).filter((i) => i !== labelIndex && lower[i] !== "split");
    const ordered = [...inputs.filter((i) => numeric[i]), ...inputs.filter((i) => !numeric[i])];
    const choose = (select, chosen) => {
      select.replaceChildren(...columns.map((name) => new Option(name, name)));
      if (chosen !== undefined && columns[chosen] !== undefined) select.value = columns[chosen];
      select.disabled = columns.length === 0;
    };
    choose(this.selects.x1, ordered[0]);
    choose(this.selects.x2, ordered[1]);
    choose(this.selects.label, labelIndex);
    this.selects.problem.value = "";
  }

  async send() {
    if (!this.file) return;
    const query = new URLSearchParams();
    for (const name of ["x1", "x2", "label"]) {
      if (!this.selects[name].disabled && this.selects[name].value) query.set(name, this.selects[name].value);
    }
    if (this.selects.problem.value) query.set("problem", this.selects.problem.value);
    let answer;
    try {
      const response = await fetch(`/api/datasets?${query}`, {
        method: "POST",
        headers: { "Content-Type": this.json ? "application/json" : "text/csv" },
        body: this.file,
      });
      answer = await response.json();
      if (!response.ok) {
        const reason = answer.code ? say(answer) : answer.detail || t("js.server_answered", { status: response.status });
        this.showError(t("js.upload_refused", { name: this.file.name, reason }));
        return;
      }
    } catch (err) {
      this.showError(t("js.upload_not_sent", { name: this.file.name, reason: err.message }));
      return;
    }
    this.preview.hidden = true;
    const what = answer.classes.length ? t("js.upload_classes", { count: answer.classes.length, classes: answer.classes })
      : t("js.upload_regression");
    this.status.textContent = t("js.upload_done", { name: this.file.name, points: answer.points, what });
    this.status.hidden = false;
    if (answer.trainable) this.hooks.setData(answer.id);
    else {
      this.showError(t("js.upload_too_many_classes", { name: this.file.name, id: answer.id, count: answer.classes.length }));
    }
  }
}
