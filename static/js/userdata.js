/**
 * The user's own data in the data column: mounts draw mode, upload (with
 * drag-and-drop onto the page) and download, says where the current points
 * come from (a stored data set, its scaling, and that noise and Regenerate do
 * not apply to it), and lists the shipped examples. Changes of data reach the
 * session as `set {data: id}`; the server then writes `data=<id>` into the link.
 */

import { part } from "./part.js";
import { Downloader } from "./download.js";
import { DrawTool } from "./drawtool.js";
import { Uploader } from "./upload.js";
import { t } from "./i18n.js";

function scaleText(name, scale) {
  const [offset, factor] = scale;
  return `(${name} − ${Number(offset.toPrecision(4))}) × ${Number(factor.toPrecision(3))}`;
}

export class UserData {
  /**
   * @param {HTMLElement} root the playground's root element (holding the own-data section, #own-data)
   * @param {object} commands set(patch)
   * @param {object} hooks redraw()
   */
  constructor(root, commands, hooks) {
    this.commands = commands;
    this.root = root;
    this.note = part(root, "data-source-note");
    this.examples = part(root, "data-examples");
    this.shownSource = undefined;
    const setData = (id) => commands.set({ data: id });
    this.draw = new DrawTool(root, { setData, changed: hooks.redraw });
    this.upload = new Uploader(root, { setData });
    this.download = new Downloader(root);
    this.listExamples();
    // A file dropped anywhere on the page is an upload.
    document.addEventListener("dragover", (event) => {
      if ([...(event.dataTransfer?.types || [])].includes("Files")) event.preventDefault();
    });
    document.addEventListener("drop", (event) => {
      const file = event.dataTransfer?.files?.[0];
      if (!file) return;
      event.preventDefault();
      this.upload.open(file);
      part(root, "own-data").scrollIntoView({ block: "nearest" });
    });
  }

  shownData(data) {
    return this.draw.shownData(data);
  }

  update(state) {
    this.draw.update(state);
    this.download.update(state);
    const source = state.data?.source || null;
    if (source === this.shownSource) return;
    this.shownSource = source;
    const stored = source?.kind === "stored";
    this.root.classList.toggle("data-stored", stored);
    part(this.root, "data-regen-button").disabled = stored;
    this.note.hidden = !stored;
    if (!stored) return;
    const [c1, c2, label] = source.columns;
    const what = source.problem === "classification"
      ? t("js.source_classes", { classes: source.classes, label })
      : t("js.source_target", { label });
    const scaled = [["x1", c1, source.scale.x1], ["x2", c2, source.scale.x2]]
      .filter(([, , scale]) => !(scale[0] === 0 && scale[1] === 1))
      .map(([axis, column, scale]) => `${axis} = ${scaleText(column, scale)}`);
    this.note.textContent = t("js.source_note", { points: source.points, what }) +
      (scaled.length ? t("js.source_scaled", { scaled: scaled.join("; ") }) : "") +
      t("js.source_noise");
    this.note.title = t("js.source_title", { id: source.id });
  }

  async listExamples() {
    let examples;
    try {
      const response = await fetch("/api/examples");
      examples = await response.json();
    } catch (err) {
      return;
    }
    this.examples.replaceChildren();
    for (const example of examples) {
      const item = document.createElement("p");
      item.className = "hint example";
      item.textContent = t("js.example", { title: t(`example.${example.name}`) === `example.${example.name}` ? example.title : t(`example.${example.name}`), points: example.points });
      const link = document.createElement("a");
      link.href = `/api/datasets/${example.id}.csv`;
      link.download = `${example.name}.csv`;
      link.textContent = "CSV";
      item.appendChild(link);
      if (example.trainable) {
        const open = document.createElement("button");
        open.type = "button";
        open.className = "basic-button subtle";
        open.textContent = t("js.use");
        open.addEventListener("click", () => this.commands.set({ data: example.id }));
        item.appendChild(open);
      } else {
        item.append(t("js.example_classes", { count: example.classes.length }));
      }
      this.examples.appendChild(item);
    }
  }
}
