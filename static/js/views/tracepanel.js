/**
 * Backprop step-through (#trace): pick a training point (click it on the
 * big map while this panel is open, or type its number) and the page walks
 * it through the network one layer at a time — forward: each neuron's
 * z = b + Σ w·a and a = f(z); backward: each δ = ∂E/∂z and the gradients
 * δ·a of its incoming weights — highlighting that layer on the diagram.
 * "Take this step" applies exactly that example's update (batch size 1).
 * The numbers are the engine's, computed at the weights on screen (the
 * server pauses training first): the `trace` reply of docs/protocol.md.
 */

import { part } from "../part.js";
import { t } from "../i18n.js";

const DOMAIN = 6;

export class TracePanel {
  /** `plot`: the big map (#heatmap); `diagram`: the network diagram (#network). */
  constructor(root, { send, plot, diagram }) {
    this.root = root;
    this.diagram = diagram;
    this.send = send;
    this.indexInput = part(root, "trace-index");
    this.output = part(root, "trace-output");
    this.stepLabel = part(root, "trace-stage");
    this.previous = part(root, "trace-prev");
    this.next = part(root, "trace-next");
    this.take = part(root, "trace-take");
    this.trace = null;
    this.stage = 0;
    part(root, "trace-go").addEventListener("click", () => this.ask(Number(this.indexInput.value)));
    this.indexInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); this.ask(Number(this.indexInput.value)); }
    });
    this.previous.addEventListener("click", () => this.show(this.stage - 1));
    this.next.addEventListener("click", () => this.show(this.stage + 1));
    this.take.addEventListener("click", () => {
      if (this.trace) this.send({ type: "trace_step", index: this.trace.index });
    });
    // A click on the big map picks the nearest training point, while this panel is open.
    plot.addEventListener("click", (event) => {
      if (!this.open || plot.classList.contains("drawing")) return;
      const index = this.nearest(event, plot);
      if (index !== null) this.ask(index);
    });
    root.closest("details")?.addEventListener("toggle", () => { if (!this.open) this.highlight(null); });
  }

  get open() {
    return this.root.closest("details")?.open === true;
  }

  update(state) {
    this.state = state;
    const count = state.data?.train?.length || 0;
    this.indexInput.max = String(Math.max(count - 1, 0));
  }

  nearest(event, plot) {
    const canvas = plot.querySelector("canvas") || plot;
    const rect = canvas.getBoundingClientRect();
    const x1 = ((event.clientX - rect.left) / rect.width) * 2 * DOMAIN - DOMAIN;
    const x2 = DOMAIN - ((event.clientY - rect.top) / rect.height) * 2 * DOMAIN;
    const train = this.state?.data?.train || [];
    let best = null;
    let bestDistance = Infinity;
    train.forEach(([a, b], i) => {
      const d = (a - x1) ** 2 + (b - x2) ** 2;
      if (d < bestDistance) { bestDistance = d; best = i; }
    });
    return best;
  }

  ask(index) {
    if (!Number.isInteger(index) || index < 0) return;
    this.indexInput.value = String(index);
    this.send({ type: "trace", index });
  }

  /** The server's `trace` message. */
  receive(trace) {
    this.trace = trace;
    this.layers = this.state?.layout?.layers || [];
    this.show(trace.applied ? this.stages() - 1 : 0);
    this.root.dataset.traced = String(trace.index);
    this.root.dataset.applied = String(Boolean(trace.applied));
  }

  /** Forward through each non-input layer, then backward through each. */
  stages() {
    return 2 * (this.trace?.layers.length || 0);
  }

  show(stage) {
    const trace = this.trace;
    if (!trace) return;
    const count = trace.layers.length;
    this.stage = Math.max(0, Math.min(stage, this.stages() - 1));
    this.previous.disabled = this.stage === 0;
    this.next.disabled = this.stage === this.stages() - 1;
    const forward = this.stage < count;
    const layer = forward ? this.stage : 2 * count - 1 - this.stage;
    this.highlight(layer + 1);
    const name = layer === count - 1 ? t("js.trace.output") : t("js.trace.hidden", { n: layer + 1 });
    this.stepLabel.textContent = t(forward ? "js.trace.forward" : "js.trace.backward",
      { name, step: this.stage + 1, steps: this.stages() });
    const sources = layer === 0 ? trace.features : trace.layers[layer - 1].a;
    const sourceName = (i) => (layer === 0 ? this.featureLabel(i) : `a${i + 1}`);
    const weights = this.state?.weights?.[layer] || [];
    const biases = this.state?.biases?.[layer] || [];
    const { z, a, delta } = trace.layers[layer];
    const lines = [t("js.trace.point",
      { index: trace.index, x1: fmt(trace.input[0]), x2: fmt(trace.input[1]), label: fmt(trace.label) })];
    z.forEach((zj, j) => {
      if (forward) {
        const terms = sources.map((v, i) => `${fmt(weights[i]?.[j])}·${fmt(v)}`).join(" + ");
        lines.push(t("js.trace.forward_line", { n: j + 1, bias: fmt(biases[j]), terms, z: fmt(zj), a: fmt(a[j]) }));
      } else {
        const how = t(layer === count - 1 ? "js.trace.delta_output" : "js.trace.delta_hidden");
        const grads = sources.map((v, i) => `${sourceName(i)}: ${fmt(trace.weightGradients[layer][i][j])}`).join(", ");
        lines.push(t("js.trace.backward_line",
          { n: j + 1, how, delta: fmt(delta[j]), grads, bias: fmt(trace.biasGradients[layer][j]) }));
      }
    });
    if (!forward && layer === count - 1) lines.push(t("js.trace.error", { error: fmt(trace.error) }));
    this.output.textContent = lines.join("\n");
    this.output.dataset.stage = forward ? `forward-${layer + 1}` : `backward-${layer + 1}`;
  }

  featureLabel(i) {
    const active = (this.state?.layout?.features || []).filter((f) => f.active);
    return active[i]?.label || `x${i + 1}`;
  }

  /** Marks the nodes of non-input layer `layer` (1-based) on the diagram; null clears. */
  highlight(layer) {
    for (const node of this.diagram.querySelectorAll(".node-canvas.trace-current")) node.classList.remove("trace-current");
    if (layer === null) return;
    for (const node of this.diagram.querySelectorAll(`.node-canvas[data-layer="${layer}"]`)) node.classList.add("trace-current");
  }
}

function fmt(value) {
  if (value === undefined || value === null || !Number.isFinite(Number(value))) return "–";
  const v = Number(value);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3);
}
