/**
 * The network as a formula (#formula): for networks small enough to read,
 * every neuron written out with the current weights, layer by layer, ending
 * in ŷ. Hidden neuron j of layer l is h[l][j]; inputs use the features'
 * labels. Updated a few times a second while training.
 */

import { t } from "../i18n.js";

const MAX_WEIGHTS = 40;
const REDRAW_MS = 250;

const FUNCTION_NAME = {
  relu: "relu", tanh: "tanh", sigmoid: "σ", linear: "", leakyRelu: "leaky", elu: "elu",
  softplus: "softplus", swish: "swish", gelu: "gelu", sine: "sin",
};

const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";
const sub = (n) => String(n).split("").map((d) => SUBSCRIPT[Number(d)]).join("");

function term(weight, name, first) {
  const magnitude = Math.abs(weight).toFixed(2);
  if (first) return `${weight < 0 ? "−" : ""}${magnitude}·${name}`;
  return ` ${weight < 0 ? "−" : "+"} ${magnitude}·${name}`;
}

/** The lines of the formula for `state`, or null when the network is too large. */
export function formulaLines(state) {
  const { layout, weights, biases, settings } = state;
  if (!layout || !weights) return null;
  const count = weights.reduce((sum, w) => sum + w.length * (w[0]?.length || 0), 0);
  if (count > MAX_WEIGHTS) return null;
  const inputs = layout.features.filter((f) => f.active).map((f) => f.label);
  const act = FUNCTION_NAME[settings?.activation] ?? settings?.activation;
  const last = weights.length - 1;
  const lines = [];
  let names = inputs;
  weights.forEach((w, l) => {
    const outputs = [];
    biases[l].forEach((bias, dest) => {
      const parts = [bias.toFixed(2)];
      names.forEach((name, source) => parts.push(term(w[source][dest], name, false)));
      const sum = parts.join("");
      const isOutput = l === last;
      const name = isOutput ? (biases[l].length > 1 ? `ŷ${sub(dest + 1)}` : "ŷ") : `h${sub(l + 1)},${sub(dest + 1)}`;
      const outer = isOutput ? (layout.problem === "regression" ? "" : "tanh") : act;
      lines.push(`${name} = ${outer ? `${outer}(${sum})` : sum}`);
      outputs.push(name);
    });
    names = outputs;
  });
  return lines;
}

export class FormulaView {
  constructor(element) {
    this.element = element;
    this.drawnAt = -Infinity;
    this.drawnWeights = null;
    element.closest("details")?.addEventListener("toggle", () => {
      this.drawnAt = -Infinity;
      this.drawnWeights = null;
      if (this.state) this.update(this.state);
    });
  }

  update(state) {
    this.state = state;
    const open = this.element.closest("details")?.open !== false;
    const now = performance.now();
    if (!open || state.weights === this.drawnWeights || now - this.drawnAt < REDRAW_MS) return;
    this.drawnWeights = state.weights;
    this.drawnAt = now;
    const lines = formulaLines(state);
    if (lines === null) {
      this.element.textContent =
        t("js.formula_too_big", { max: MAX_WEIGHTS });
      this.element.dataset.lines = "0";
      return;
    }
    this.element.textContent = lines.join("\n");
    this.element.dataset.lines = String(lines.length);
  }
}
