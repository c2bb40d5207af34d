/**
 * Download (`#data-download` CSV, `#data-download-json` JSON): the current data
 * as `x1,x2,label,split`. A stored data set comes from the server in the
 * user's own units with the session's split (its seed and ratio); generated
 * data is written here from the points on show.
 */

function generatedRows(data, problem) {
  const rows = [];
  for (const [part, points] of [["train", data.train], ["test", data.test]]) {
    for (const [x1, x2, label] of points) {
      rows.push({ x1, x2, label: problem === "classification" ? String(label) : label, split: part });
    }
  }
  return rows;
}

import { part } from "./part.js";

export class Downloader {
  /** `root`: the playground's root element. */
  constructor(root) {
    this.csv = part(root, "data-download");
    this.json = part(root, "data-download-json");
    this.state = null;
    this.blobUrl = null;
    // The link is made at the moment of the click, from the data on show then.
    this.csv.addEventListener("click", () => this.prepare(this.csv, "csv"));
    this.json.addEventListener("click", () => this.prepare(this.json, "json"));
  }

  update(state) {
    this.state = state;
  }

  prepare(anchor, format) {
    const state = this.state;
    if (!state?.data || !state.settings) return;
    const source = state.data.source;
    if (source?.kind === "stored") {
      const query = new URLSearchParams({ seed: state.settings.seed, percTrainData: state.settings.percTrainData });
      anchor.href = `/api/datasets/${source.id}.${format}?${query}`;
      anchor.download = `data-${source.id}.${format}`;
      return;
    }
    const rows = generatedRows(state.data, state.settings.problem);
    const text = format === "csv"
      ? ["x1,x2,label,split", ...rows.map((r) => `${r.x1},${r.x2},${r.label},${r.split}`)].join("\n") + "\n"
      : JSON.stringify({ problem: state.settings.problem, columns: ["x1", "x2", "label"], points: rows });
    if (this.blobUrl) URL.revokeObjectURL(this.blobUrl);
    this.blobUrl = URL.createObjectURL(new Blob([text], { type: format === "csv" ? "text/csv" : "application/json" }));
    anchor.href = this.blobUrl;
    anchor.download = `data-${source?.dataset || "generated"}.${format}`;
  }
}
