/**
 * The hidden-space view (#space-view): the training points and a grid of the
 * input plane (lines of constant x1 and x2) drawn as a chosen hidden layer
 * maps them, with the weights of the frame on screen, so a user can watch
 * the layers bend the plane until the classes come apart (ConvNetJS's 2D
 * demo shows the same). The two axes are two of the layer's neurons, or the
 * layer's two leading principal directions over the training points. When
 * the viewed layer is the last hidden layer and has two neurons, the output
 * neuron's decision line (where its input is 0) is drawn too.
 *
 * Mounted on a container holding #space-layer, #space-axes, #space-next and a
 * canvas #space-canvas.
 */

import { part } from "../part.js";
import { freshContext } from "./canvas.js";
import { layerOutputs, principalDirections } from "./forward.js";
import { t } from "../i18n.js";

const GRID_LINES = 13; // x1, x2 ∈ {-6, -5, …, 6}
const LINE_SAMPLES = 60;
const POSITIVE = "#0877bd";
const NEGATIVE = "#f59322";
const REDRAW_MS = 100;

export class SpaceView {
  constructor(root) {
    this.root = root;
    this.layerSelect = part(root, "space-layer");
    this.axesSelect = part(root, "space-axes");
    this.nextButton = part(root, "space-next");
    this.canvas = part(root, "space-canvas");
    this.key = null;
    this.drawnWeights = null;
    this.drawnAt = -Infinity;
    this.layerSelect.addEventListener("change", () => { this.fillAxes(); this.redraw(); });
    this.axesSelect.addEventListener("change", () => this.redraw());
    this.nextButton.addEventListener("click", () => this.nextPair());
    root.closest("details")?.addEventListener("toggle", () => this.redraw());
  }

  get open() {
    return this.root.closest("details")?.open !== false;
  }

  update(state) {
    this.state = state;
    const layers = state.layout?.layers;
    if (!layers || !state.weights) return;
    const key = layers.join(",");
    if (key !== this.key) {
      this.key = key;
      this.fillLayers(layers);
    }
    // New weights arrive with every frame; a few redraws a second are plenty.
    const now = performance.now();
    if (!this.open || state.weights === this.drawnWeights || now - this.drawnAt < REDRAW_MS) return;
    this.redraw();
  }

  fillLayers(layers) {
    const hidden = layers.slice(1, -1);
    const previous = this.layerSelect.value;
    this.layerSelect.replaceChildren(...hidden.map((units, l) => new Option(t("js.space.layer", { layer: l + 1, units }), String(l))));
    if (hidden.length === 0) this.layerSelect.append(new Option(t("js.space.no_layer"), "-1"));
    if ([...this.layerSelect.options].some((o) => o.value === previous)) this.layerSelect.value = previous;
    this.fillAxes();
  }

  fillAxes() {
    const layer = Number(this.layerSelect.value);
    const units = this.state?.layout?.layers?.[layer + 1] || 0;
    const previous = this.axesSelect.value;
    const options = [];
    for (let i = 0; i < units; i += 1) {
      for (let j = i + 1; j < units; j += 1) options.push(new Option(t("js.space.pair", { a: i + 1, b: j + 1 }), `${i},${j}`));
    }
    if (units > 2) options.push(new Option(t("js.space.pca"), "pca"));
    if (units === 1) options.push(new Option(t("js.space.one"), "0,0"));
    this.axesSelect.replaceChildren(...options);
    if ([...this.axesSelect.options].some((o) => o.value === previous)) this.axesSelect.value = previous;
    this.nextButton.disabled = this.axesSelect.options.length < 2;
  }

  /** One click cycles through the neuron pairs (and the principal directions). */
  nextPair() {
    const count = this.axesSelect.options.length;
    if (count < 2) return;
    this.axesSelect.selectedIndex = (this.axesSelect.selectedIndex + 1) % count;
    this.redraw();
  }

  redraw() {
    const state = this.state;
    if (!state?.weights || !state.layout) return;
    this.drawnWeights = state.weights;
    this.drawnAt = performance.now();
    const layer = Number(this.layerSelect.value);
    const network = {
      features: state.layout.features.filter((f) => f.active).map((f) => f.name),
      weights: state.weights,
      biases: state.biases,
      activationName: state.settings?.activation,
      problem: state.layout.problem,
    };
    const map = (x1, x2) => (layer < 0 ? [x1, x2] : layerOutputs(network, layer, x1, x2));
    const train = state.data?.train || [];
    const mapped = train.map(([x1, x2]) => map(x1, x2));
    const project = this.projection(mapped, layer);
    const lines = [];
    for (let k = 0; k < GRID_LINES; k += 1) {
      const c = -6 + k;
      const along = (t) => -6 + (12 * t) / (LINE_SAMPLES - 1);
      lines.push(Array.from({ length: LINE_SAMPLES }, (_, t) => project(map(c, along(t)))));
      lines.push(Array.from({ length: LINE_SAMPLES }, (_, t) => project(map(along(t), c))));
    }
    const points = mapped.map((values, i) => ({ at: project(values), label: train[i][2] }));
    this.draw(lines, points, this.decisionLine(network, layer));
  }

  /** values (units) → [u, v] on the chosen axes. */
  projection(mapped, layer) {
    const choice = this.axesSelect.value;
    if (layer < 0 || !choice) return (values) => [values[0], values[1]];
    if (choice === "pca") {
      const { mean, directions } = principalDirections(mapped);
      return (values) => directions.map((u) => values.reduce((sum, x, i) => sum + (x - mean[i]) * u[i], 0));
    }
    const [i, j] = choice.split(",").map(Number);
    return (values) => [values[i], values[j]];
  }

  /** For the last hidden layer with two neurons: b + w0·u + w1·v = 0. */
  decisionLine(network, layer) {
    const last = network.weights.length - 1;
    if (layer !== last - 1 || this.axesSelect.value !== "0,1") return null;
    const w = network.weights[last];
    if (w.length !== 2) return null;
    return { w0: w[0][0], w1: w[1][0], b: network.biases[last][0] };
  }

  draw(lines, points, decision) {
    const { canvas } = this;
    const { ctx, width: size } = freshContext(canvas, 300, canvas.clientWidth || 300);
    const all = [...lines.flat(), ...points.map((p) => p.at)].filter(([u, v]) => Number.isFinite(u) && Number.isFinite(v));
    if (!all.length) return;
    let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const [u, v] of all) {
      minU = Math.min(minU, u); maxU = Math.max(maxU, u);
      minV = Math.min(minV, v); maxV = Math.max(maxV, v);
    }
    const pad = 0.05;
    const spanU = Math.max(maxU - minU, 1e-9);
    const spanV = Math.max(maxV - minV, 1e-9);
    const x = (u) => ((u - minU) / spanU) * size * (1 - 2 * pad) + size * pad;
    const y = (v) => size - (((v - minV) / spanV) * size * (1 - 2 * pad) + size * pad);
    ctx.strokeStyle = "rgba(0, 0, 0, 0.18)";
    ctx.lineWidth = 1;
    for (const line of lines) {
      ctx.beginPath();
      line.forEach(([u, v], t) => (t === 0 ? ctx.moveTo(x(u), y(v)) : ctx.lineTo(x(u), y(v))));
      ctx.stroke();
    }
    if (decision) {
      ctx.strokeStyle = "#333";
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      const { w0, w1, b } = decision;
      if (Math.abs(w1) > Math.abs(w0)) {
        ctx.moveTo(x(minU), y(-(b + w0 * minU) / w1));
        ctx.lineTo(x(maxU), y(-(b + w0 * maxU) / w1));
      } else if (w0 !== 0) {
        ctx.moveTo(x(-(b + w1 * minV) / w0), y(minV));
        ctx.lineTo(x(-(b + w1 * maxV) / w0), y(maxV));
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const { at: [u, v], label } of points) {
      if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
      ctx.fillStyle = label > 0 ? POSITIVE : NEGATIVE;
      ctx.strokeStyle = "#fff";
      ctx.beginPath();
      ctx.arc(x(u), y(v), 3, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    canvas.dataset.points = String(points.length);
    canvas.dataset.lines = String(lines.length);
    canvas.dataset.decisionLine = decision ? "true" : "false";
  }
}
