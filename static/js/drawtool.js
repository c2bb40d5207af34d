/**
 * Draw mode (`#data-draw`): points are added on the big output picture with a
 * click, a tap or a drag; Ctrl/Cmd-click or the eraser removes the nearest
 * point; Shift-click adds the other class; Ctrl+Z undoes; "Clear" empties the
 * plane. For regression a click adds a point with the value of `#draw-value`.
 *
 * The drawn points ([x1, x2, label] in the plane, labels ±1 or the value) are
 * shown at once; the page saves them as a stored data set (debounced) through
 * `POST /api/datasets` and then sets `data=<id>`, so the network keeps
 * training on the new points and the address carries them. Drawing starts
 * from the data on show.
 */

import { part } from "./part.js";
import { say, t } from "./i18n.js";

const DOMAIN = 6;
const SAVE_DELAY_MS = 600;
const MIN_POINTS = 4;
const MAX_POINTS = 5000;
const PAINT_SPACING = 0.35; // plane units between points painted by a drag
const ERASE_RADIUS = 0.8;

export class DrawTool {
  /**
   * @param {HTMLElement} root the playground's root element; its #heatmap is the element
   *   whose area maps onto the plane
   * @param {object} hooks setData(id): use the saved data set; changed(): redraw
   */
  constructor(root, hooks) {
    const plot = part(root, "heatmap");
    this.plot = plot;
    this.hooks = hooks;
    this.button = part(root, "data-draw");
    this.options = part(root, "draw-options");
    this.classSelect = part(root, "draw-class");
    this.valueBox = this.options.querySelector(".draw-value");
    this.value = part(root, "draw-value");
    this.valueText = part(root, "draw-value-text");
    this.eraseButton = part(root, "draw-erase");
    this.status = part(root, "draw-status");
    this.active = false;
    this.erasing = false;
    this.points = null; // the drawn points, or null before drawing starts
    this.undoStack = [];
    this.shown = null; // the {train, test} object the heatmap shows while drawing
    this.version = 0; // edits so far; a save answers for the version it sent
    this.savedVersion = 0;
    this.savedId = null;
    this.timer = null;
    this.problem = null;
    this.stroke = null;

    this.button.addEventListener("click", () => this.setActive(!this.active));
    this.eraseButton.addEventListener("click", () => {
      this.erasing = !this.erasing;
      this.eraseButton.setAttribute("aria-pressed", String(this.erasing));
    });
    part(root, "draw-undo").addEventListener("click", () => this.undo());
    part(root, "draw-clear").addEventListener("click", () => this.edit(() => [], true));
    this.value.addEventListener("input", () => { this.valueText.textContent = Number(this.value.value).toFixed(1); });
    plot.addEventListener("pointerdown", (event) => this.down(event));
    plot.addEventListener("pointermove", (event) => this.move(event));
    for (const type of ["pointerup", "pointercancel"]) plot.addEventListener(type, () => { this.stroke = null; });
    window.addEventListener("keydown", (event) => {
      if (!this.active || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z") return;
      if (event.target.closest && event.target.closest("input, select, textarea")) return;
      event.preventDefault();
      this.undo();
    });
  }

  setActive(active) {
    this.active = active;
    this.button.setAttribute("aria-pressed", String(active));
    this.button.classList.toggle("active", active);
    this.options.hidden = !active;
    this.plot.classList.toggle("drawing", active);
    if (active) this.plot.scrollIntoView({ block: "nearest" }); // the picture to draw on, in view
    if (!active) this.stroke = null;
    this.hooks.changed();
  }

  /** The data the heatmap should show: the drawn points until the server has them. */
  shownData(data) {
    if (!this.points || !this.shown) return data;
    const serverHasThem = !this.dirty() && data?.source?.id === this.savedId;
    return serverHasThem ? data : { ...this.shown, thumbnails: data?.thumbnails, source: data?.source };
  }

  dirty() {
    return this.version !== this.savedVersion;
  }

  update(state) {
    const problem = state.settings?.problem ?? null;
    if (problem !== this.problem) {
      this.problem = problem;
      const regression = problem === "regression";
      this.classSelect.hidden = regression;
      this.classSelect.labels[0].hidden = regression;
      this.valueBox.hidden = !regression;
      if (this.points && !this.dirty()) this.points = null; // start again from the new problem's data
    }
    if (this.active && this.points === null && state.data) {
      this.points = [...state.data.train, ...state.data.test].map((p) => [p[0], p[1], p[2]]);
      this.shown = null;
    }
  }

  // ---- pointer -----------------------------------------------------------

  toPlane(event) {
    const canvas = this.plot.querySelector("canvas") || this.plot;
    const rect = canvas.getBoundingClientRect();
    const x1 = ((event.clientX - rect.left) / rect.width) * 2 * DOMAIN - DOMAIN;
    const x2 = DOMAIN - ((event.clientY - rect.top) / rect.height) * 2 * DOMAIN;
    if (Math.abs(x1) > DOMAIN || Math.abs(x2) > DOMAIN) return null;
    return [Number(x1.toFixed(3)), Number(x2.toFixed(3))];
  }

  down(event) {
    if (!this.active || this.points === null || (event.pointerType === "mouse" && event.button !== 0)) return;
    const at = this.toPlane(event);
    if (!at) return;
    event.preventDefault();
    const erase = this.erasing || event.ctrlKey || event.metaKey;
    this.stroke = { erase, other: event.shiftKey, last: at };
    try { this.plot.setPointerCapture(event.pointerId); } catch (err) { /* not capturable: fine */ }
    this.apply(at, true);
  }

  move(event) {
    if (!this.stroke) return;
    const at = this.toPlane(event);
    if (!at) return;
    const [a, b] = this.stroke.last;
    if (Math.hypot(at[0] - a, at[1] - b) < PAINT_SPACING) return;
    this.stroke.last = at;
    this.apply(at, false);
  }

  apply(at, newStep) {
    const { erase, other } = this.stroke;
    if (erase) {
      this.edit((points) => {
        let best = -1;
        let bestDistance = ERASE_RADIUS;
        points.forEach((p, i) => {
          const d = Math.hypot(p[0] - at[0], p[1] - at[1]);
          if (d < bestDistance) { best = i; bestDistance = d; }
        });
        return best < 0 ? points : points.filter((_, i) => i !== best);
      }, newStep);
      return;
    }
    this.edit((points) => (points.length >= MAX_POINTS ? points : [...points, [at[0], at[1], this.label(other)]]), newStep);
  }

  label(other) {
    if (this.problem === "regression") return Number(this.value.value);
    const label = Number(this.classSelect.value);
    return other ? -label : label;
  }

  // ---- edits, undo and saving -----------------------------------------------

  edit(change, newStep) {
    if (this.points === null) return;
    const next = change(this.points);
    if (next === this.points) return;
    if (newStep) this.undoStack.push(this.points);
    if (this.undoStack.length > 200) this.undoStack.shift();
    this.setPoints(next);
  }

  undo() {
    if (!this.undoStack.length) return;
    this.setPoints(this.undoStack.pop());
  }

  setPoints(points) {
    this.points = points;
    this.shown = { train: points, test: [] };
    this.version += 1;
    this.plot.dataset.drawnPoints = String(points.length);
    this.hooks.changed();
    clearTimeout(this.timer);
    if (points.length < MIN_POINTS) {
      this.status.textContent = t("js.draw_more", { min: MIN_POINTS, count: points.length });
      return;
    }
    this.status.textContent = t("js.draw_saving", { count: points.length });
    this.timer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  async save() {
    const version = this.version;
    const regression = this.problem === "regression";
    const document_ = {
      problem: regression ? "regression" : "classification",
      columns: ["x1", "x2", "label"],
      scale: "none",
      points: this.points,
    };
    if (!regression) document_.classes = ["-1", "1"];
    let answer;
    try {
      const response = await fetch("/api/datasets", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(document_),
      });
      answer = await response.json();
      if (!response.ok) throw new Error(answer.code ? say(answer) : answer.detail || t("js.server_answered", { status: response.status }));
    } catch (err) {
      this.status.textContent = t("js.not_saved", { reason: err.message });
      return;
    }
    if (version !== this.version) return; // more was drawn meanwhile; that save follows
    this.savedVersion = version;
    this.savedId = answer.id;
    this.status.textContent = t("js.draw_saved", { count: answer.points });
    this.hooks.setData(answer.id);
  }
}
