/**
 * Gradient flow (#gradient-panel): how large each weight layer's gradient
 * is over time, one line per layer on a log scale, and how large each
 * layer's δ (= ∂E/∂z) is now. The numbers are the engine's: every frame
 * carries `gradientNorms` (per weight layer, input → first hidden first, the
 * norm of its mean gradient in the last update) and `deltaNorms` (per
 * non-input layer, the norm of its nodes' mean δ). With sigmoid in many
 * layers the first layers' lines sit orders of magnitude below the last's:
 * the vanishing gradients the primers describe.
 */

import { part } from "../part.js";
import { freshContext } from "./canvas.js";
import { t } from "../i18n.js";

const COLOURS = ["#0877bd", "#f59322", "#2e8b57", "#9b59b6", "#c0392b", "#16a085", "#7f8c8d", "#d35400",
                 "#2c3e50", "#8e44ad", "#27ae60"];
const MAX_POINTS = 600;
const REDRAW_MS = 150;

export class GradientPanel {
  constructor(root) {
    this.root = root;
    this.canvas = part(root, "gradient-canvas");
    this.legend = part(root, "gradient-legend");
    this.deltas = part(root, "delta-norms");
    this.history = []; // [epoch, norms[]]
    this.key = null;
    this.lastEpoch = -1;
    this.drawnAt = -Infinity;
    root.closest("details")?.addEventListener("toggle", () => { this.drawnAt = -Infinity; this.draw(); });
  }

  get open() {
    return this.root.closest("details")?.open !== false;
  }

  update(state) {
    const layers = state.layout?.layers;
    const norms = state.gradientNorms;
    if (!layers || !Array.isArray(norms)) return;
    const key = layers.join(",");
    if (key !== this.key || state.epoch < this.lastEpoch) {
      this.key = key;
      this.history = [];
      this.layers = layers;
      this.fillLegend(layers);
    }
    if (state.epoch !== this.lastEpoch && state.epoch > 0) {
      this.history.push([state.epoch, norms.map(Number)]);
      if (this.history.length > MAX_POINTS) this.history = this.history.filter((_, i) => i % 2 === 0);
    }
    this.lastEpoch = state.epoch;
    this.deltaNorms = state.deltaNorms || [];
    const now = performance.now();
    if (this.open && now - this.drawnAt >= REDRAW_MS) this.draw();
  }

  layerName(l) {
    const last = this.layers.length - 2;
    const from = l === 0 ? t("js.gradient.inputs") : t("js.gradient.hidden", { n: l });
    const to = l === last ? t("js.gradient.output") : t("js.gradient.hidden", { n: l + 1 });
    return `${from} → ${to}`;
  }

  fillLegend(layers) {
    const count = layers.length - 1;
    this.legend.replaceChildren(...Array.from({ length: count }, (_, l) => {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = COLOURS[l % COLOURS.length];
      item.append(swatch, ` ${t("js.gradient.layer", { n: l + 1, name: this.layerName(l) })}`);
      item.dataset.layer = String(l);
      return item;
    }));
  }

  draw() {
    this.drawnAt = performance.now();
    this.canvas.dataset.points = String(this.history.length);
    this.deltas.textContent = this.deltaNorms?.length
      ? t("js.gradient.deltas", { values: this.deltaNorms.map((v, l) => `${l + 1}: ${format(v)}`).join(" · ") })
      : "";
    for (const item of this.legend.children) {
      const latest = this.history.at(-1)?.[1]?.[Number(item.dataset.layer)];
      item.dataset.latest = latest === undefined ? "" : String(latest);
    }
    const { canvas } = this;
    const { ctx, width, height } = freshContext(canvas, 400, 180);
    const values = this.history.flatMap(([, norms]) => norms).filter((v) => v > 0 && Number.isFinite(v));
    if (!values.length) {
      ctx.fillStyle = "#595959";
      ctx.font = "13px Roboto, sans-serif";
      ctx.fillText(t("js.gradient.empty"), 12, 24);
      return;
    }
    const low = Math.floor(Math.log10(Math.min(...values)));
    const high = Math.ceil(Math.log10(Math.max(...values)) + 1e-9);
    const span = Math.max(high - low, 1);
    const first = this.history[0][0];
    const last = this.history.at(-1)[0];
    const left = 44;
    const x = (epoch) => left + ((epoch - first) / Math.max(last - first, 1)) * (width - left - 8);
    const y = (v) => 6 + ((high - Math.log10(v)) / span) * (height - 24);
    ctx.strokeStyle = "#e0e0e0";
    ctx.fillStyle = "#595959";
    ctx.font = "11px Roboto, sans-serif";
    for (let p = low; p <= high; p += 1) {
      ctx.beginPath();
      ctx.moveTo(left, y(10 ** p));
      ctx.lineTo(width - 8, y(10 ** p));
      ctx.stroke();
      ctx.fillText(`1e${p}`, 4, y(10 ** p) + 4);
    }
    ctx.fillText(t("js.gradient.epoch", { n: first }), left, height - 4);
    const lastLabel = t("js.gradient.epoch", { n: last });
    ctx.fillText(lastLabel, width - 8 - ctx.measureText(lastLabel).width, height - 4);
    const layers = this.history[0][1].length;
    for (let l = 0; l < layers; l += 1) {
      ctx.strokeStyle = COLOURS[l % COLOURS.length];
      ctx.lineWidth = 2;
      ctx.beginPath();
      let started = false;
      for (const [epoch, norms] of this.history) {
        const v = norms[l];
        if (!(v > 0)) { started = false; continue; }
        if (started) ctx.lineTo(x(epoch), y(v));
        else ctx.moveTo(x(epoch), y(v));
        started = true;
      }
      ctx.stroke();
    }
  }
}

function format(value) {
  return Number.isFinite(value) ? Number(value).toExponential(1) : "–";
}
