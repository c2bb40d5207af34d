/**
 * The network diagram (`#network`): one SVG for the links, node frames, bias
 * squares and input labels, with HTML overlays for the node thumbnails (10x10
 * canvases shown at 30x30), the per-layer neuron +/- buttons and the callouts.
 *
 * Layout (px, inside the SVG, after a (3, 3) offset): nodes are 30x30 with a
 * vertical pitch of 55; input nodes sit at x = 50 (centre 65); hidden layers
 * are spread evenly between x = 118 and the output node, with 0.35 of a step
 * of padding at each end (one layer is centred); the output node sits at the
 * right edge, level with the first row, and points at the big heatmap. With
 * K ≥ 3 classes there are K output nodes in a column, each showing its class's
 * probability in the class's colour (hover: at 100x100 on the big map).
 *
 * Addressing follows the protocol: node (layer, index) with layer 0 the seven
 * inputs in input order (active or not), 1..L the hidden layers and L+1 the
 * output; link (layer, source, dest) is W[layer-1][source][dest] where for
 * layer 1 `source` counts active inputs only.
 *
 * Keyboard: every link and every bias can be reached (one Tab stop for the
 * links and one for the biases; the arrow keys move between them) and edited
 * with Enter. A rebuild (a feature toggle, a neuron +/-) gives the focus back
 * to the control that had it. A feature its link hides (`<feature>_hide=true`,
 * `layout.features[i].hidden`) is not an input: it is not drawn at all.
 *
 * Each frame only restyles: link width = clamp(1 + 9|w|/5, 1, 10), link colour
 * and bias colour from the continuous scale, dash offset -epoch/3 so the dashes
 * flow while training, and the thumbnails from the frame's grid bytes.
 */

import { paintProbability } from "./classcolors.js";
import { continuousColor, paintGrid } from "./colors.js";
import { HoverCard } from "./hovercard.js";
import { svgEl, htmlEl, clear } from "./svg.js";
import { t } from "./i18n.js";

const NODE = 30;
const PITCH = 55;
const OFFSET = 3;
const INPUT_LEFT = 50;
const HIDDEN_START = 118;
const OUTPUT_GAP = 50;
const LAYER_PADDING = 0.35;
const BIAS = 5;
const THUMB = 10;
const FAN = 12;
const NEURON_LABEL_ROOM = 70; // px between layers that "8 neurons" needs
const NEURON_ROW_ABOVE = 62;
const MIN_LAYER_STEP = 44; // px between hidden layers at least: nodes and their +/- never overlap

function linkPath(sx, sy, tx, ty) {
  const mx = (sx + tx) / 2;
  return `M${sx},${sy}C${mx},${sy} ${mx},${ty} ${tx},${ty}`;
}

function layerPositions(count, start, stop) {
  if (count === 0) return [];
  const step = (stop - start) / (count - 1 + 2 * LAYER_PADDING);
  return Array.from({ length: count }, (_, i) => start + step * (LAYER_PADDING + i));
}

/** Mean of each 10x10 block of a 100x100 byte grid, as a 10x10 byte grid. */
function blockMeans(grid) {
  const out = new Uint8Array(THUMB * THUMB);
  const size = THUMB * THUMB;
  for (let by = 0; by < THUMB; by++) {
    for (let bx = 0; bx < THUMB; bx++) {
      let sum = 0;
      for (let y = 0; y < THUMB; y++) {
        const row = (by * THUMB + y) * 100 + bx * THUMB;
        for (let x = 0; x < THUMB; x++) sum += grid[row + x];
      }
      out[by * THUMB + bx] = Math.round(sum / size);
    }
  }
  return out;
}

function neurons(n) {
  return t("js.neurons", { count: n });
}

export class NetworkView {
  /**
   * @param {HTMLElement} root the #network element
   * @param {object} actions focus(node|null), toggleFeature(name), currentShape(), setShape(shape),
   *   edit(target, value)
   * @param {object} limits {maxNeurons, minNeurons, hovercard: the edit card element (#hovercard)}
   */
  constructor(root, actions, limits) {
    this.root = root;
    this.actions = actions;
    this.limits = limits;
    this.svg = svgEl("svg", { class: "network-svg", role: "group", "aria-label": t("js.weights_and_biases") }, root);
    this.overlay = htmlEl("div", "network-overlay", null, root);
    this.card = new HoverCard(limits.hovercard, (target, value) => actions.edit(target, value));
    this.key = null;
    this.seen = {};
    this.links = [];
    this.biases = [];
    this.thumbs = [];
    this.hovered = null;
    // The room the column gives (the diagram itself may be wider, see build).
    this.column = root.parentElement;
    this.width = this.column.clientWidth;
    this.drawnThumbnails = null;
    this.drawnOutput = null;
    this.drawnDiscretize = null;
    this.weights = null;
    this.biasValues = null;
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        const width = this.column.clientWidth;
        if (width !== this.width) {
          this.width = width;
          if (this.lastState) this.update(this.lastState);
        }
      }).observe(this.column);
    }
  }

  /**
   * @param {object} state layout, hidden (Set of hidden names), weights, biases,
   *   dead, thumbnails (Uint8Array), output (Uint8Array), epoch, discretize
   */
  update(state) {
    this.lastState = state;
    if (!state.layout) return;
    // Compare contents only when something new arrived: a settings block brings
    // a new `hidden` set even when nothing about the diagram changed.
    if (state.layout !== this.seen.layout || state.hidden !== this.seen.hidden || this.width !== this.seen.width) {
      this.seen = { layout: state.layout, hidden: state.hidden, width: this.width };
      const key = JSON.stringify([state.layout, [...state.hidden].sort(), this.width]);
      if (key !== this.key) {
        this.build(state.layout, state.hidden);
        this.key = key;
      }
    }
    this.weights = state.weights;
    this.biasValues = state.biases;
    this.styleLinks(state.weights, state.dead, state.epoch);
    this.styleBiases(state.biases);
    this.paintThumbnails(state.thumbnails, state.output, state.discretize);
    this.card.refresh((target) => this.valueOf(target));
    // A focused link or bias keeps telling its current value.
    const focused = document.activeElement;
    if (focused && focused.describe && this.root.contains(focused)) focused.describe();
  }

  valueOf(target) {
    if (target.target === "bias") return this.biasValues?.[target.layer - 1]?.[target.node];
    return this.weights?.[target.layer - 1]?.[target.source]?.[target.dest];
  }

  // ---- building ---------------------------------------------------------

  build(layout, hidden) {
    // The control that has the focus now, found again after the rebuild.
    const active = document.activeElement;
    const focusKey = active && this.root.contains(active) ? active.dataset.focusKey : null;
    clear(this.svg);
    clear(this.overlay);
    this.links = [];
    this.biases = [];
    this.thumbs = [];
    this.drawnThumbnails = null;
    this.drawnOutput = null;
    if (this.hovered) this.setHovered(null);

    const hiddenSizes = layout.layers.slice(1, -1);
    const layerCount = hiddenSizes.length;
    // A narrow screen with many layers: the diagram keeps its room and its
    // column scrolls sideways on its own (the page does not).
    const needed = HIDDEN_START + (OUTPUT_GAP + NODE + 12 + OFFSET) +
      MIN_LAYER_STEP * Math.max(0, layerCount - 1 + 2 * LAYER_PADDING);
    const width = Math.max(this.width, 300, Math.ceil(needed));

    // Input rows: only the features that are not hidden by the link.
    const inputs = [];
    layout.features.forEach((feature, index) => {
      if (feature.hidden || hidden.has(feature.name)) return;
      inputs.push({ ...feature, index, x: INPUT_LEFT, y: inputs.length * PITCH });
    });
    const activeInputs = [];
    layout.features.forEach((feature, index) => {
      if (feature.active) activeInputs.push(inputs.find((input) => input.index === index) || null);
    });

    const outputX = width - OFFSET - NODE - 12;
    const xs = layerPositions(layerCount, HIDDEN_START, outputX - OUTPUT_GAP);
    const hiddenNodes = hiddenSizes.map((size, l) =>
      Array.from({ length: size }, (_, j) => ({ layer: l + 1, index: j, x: xs[l], y: j * PITCH })));
    const outputCount = layout.layers[layout.layers.length - 1];
    const outputNodes = Array.from({ length: outputCount }, (_, k) =>
      ({ layer: layerCount + 1, index: k, x: outputX, y: k * PITCH }));
    const outputNode = outputNodes[0];
    this.outputLayer = layerCount + 1;
    this.palette = layout.palette || [];

    const rows = Math.max(inputs.length, ...hiddenSizes, outputCount, 1);
    const height = rows * PITCH;
    this.svg.setAttribute("width", String(width));
    this.svg.setAttribute("height", String(height + OFFSET));
    this.root.style.height = `${height + OFFSET}px`;
    this.root.style.minWidth = width > this.width ? `${width}px` : "";

    const group = svgEl("g", { transform: `translate(${OFFSET},${OFFSET})` }, this.svg);
    const linkLayer = svgEl("g", { class: "links", "aria-hidden": "true" }, group);
    const hitLayer = svgEl("g", { class: "link-hits" }, group);
    const nodeLayer = svgEl("g", { class: "nodes", "aria-hidden": "true" }, group);
    this.biasLayer = svgEl("g", { class: "bias-hits" }, group);
    const outputName = (index) => (outputCount > 1 ? t("js.the_output_of_class", { n: index + 1 }) : t("js.the_output"));
    const nodeName = (layer, index) => (layer === layerCount + 1 ? outputName(index)
      : t("js.neuron_of_layer", { n: index + 1, layer }));
    this.outputName = outputName;

    // Links, layer by layer: sources are the previous layer's nodes (active inputs for layer 1).
    const sourcesOf = (layer) => (layer === 1 ? activeInputs : hiddenNodes[layer - 2]);
    const destsOf = (layer) => (layer === layerCount + 1 ? outputNodes : hiddenNodes[layer - 1]);
    for (let layer = 1; layer <= layerCount + 1; layer++) {
      const sources = sourcesOf(layer);
      const fan = sources.length;
      destsOf(layer).forEach((dest, d) => {
        sources.forEach((source, s) => {
          if (!source) return;
          const endOffset = fan > 0 ? ((s - (fan - 1) / 2) / fan) * FAN : 0;
          const d0 = linkPath(source.x + NODE + 2, source.y + NODE / 2, dest.x, dest.y + NODE / 2 + endOffset);
          const path = svgEl("path", { class: "link", d: d0 }, linkLayer);
          const hit = svgEl("path", { class: "link-hit", d: d0, "data-card-target": "weight" }, hitLayer);
          const target = { target: "weight", layer, source: s, dest: d };
          this.links.push({ ...target, path, hit, lastWidth: null, lastColor: null });
          this.bindCardTarget(hit, target);
          const from = layer === 1 ? t("js.input_named", { name: source.label }) : nodeName(layer - 1, s);
          this.bindKeys(hit, target, t("js.weight_from_to", { from, to: nodeName(layer, d) }), this.links.length === 1);
          path.dataset.link = `${layer}-${s}-${d}`;
          hit.dataset.link = `${layer}-${s}-${d}`;
        });
      });
    }
    // From the output node to the heatmap.
    svgEl("path", {
      class: "output-connector", d: `M${outputNode.x + NODE + 2},${NODE / 2}H${width}`,
      stroke: "#999", "stroke-width": 1, fill: "none",
    }, linkLayer);

    // Input nodes: label, frame, arrow, thumbnail (a toggle button).
    for (const input of inputs) {
      const g = svgEl("g", { class: `node input ui-${input.name}${input.active ? "" : " inactive"}` }, nodeLayer);
      const label = svgEl("text", { class: "input-label", x: input.x - 10, y: input.y + NODE / 2 }, g);
      label.textContent = input.label;
      svgEl("rect", { class: "node-frame", x: input.x, y: input.y, width: NODE, height: NODE }, g);
      if (input.active) this.drawArrow(g, input);
      const button = htmlEl("button", `node-canvas input-node ui-${input.name}${input.active ? " active" : ""}`, null, this.overlay);
      button.type = "button";
      button.setAttribute("aria-pressed", String(input.active));
      button.setAttribute("aria-label", t(input.active ? "js.feature_on" : "js.feature_off", { feature: input.label }));
      button.title = t(input.active ? "js.feature_turn_off" : "js.feature_turn_on", { feature: input.label });
      button.dataset.focusKey = `feature-${input.name}`;
      button.addEventListener("click", () => this.actions.toggleFeature(input.name));
      this.addThumb(button, { layer: 0, index: input.index }, input, "input", input.index);
    }

    // Hidden nodes and the output node: frame, bias, arrow, thumbnail.
    let thumbIndex = layout.features.length;
    hiddenNodes.forEach((nodes, l) => {
      for (const node of nodes) {
        const g = svgEl("g", { class: "node hidden" }, nodeLayer);
        svgEl("rect", { class: "node-frame", x: node.x, y: node.y, width: NODE, height: NODE }, g);
        this.drawArrow(g, node);
        this.drawBias(g, node);
        const div = htmlEl("div", "node-canvas hidden-node", null, this.overlay);
        div.tabIndex = 0;
        div.setAttribute("role", "img");
        div.setAttribute("aria-label", t("js.neuron_of_layer_title", { n: node.index + 1, layer: l + 1 }));
        div.dataset.focusKey = `node-${node.layer}-${node.index}`;
        this.addThumb(div, { layer: node.layer, index: node.index }, node, "hidden", thumbIndex++);
      }
    });
    for (const node of outputNodes) {
      const g = svgEl("g", { class: "node output" }, nodeLayer);
      svgEl("rect", { class: "node-frame", x: node.x, y: node.y, width: NODE, height: NODE }, g);
      this.drawBias(g, node);
      const div = htmlEl("div", "node-canvas output-node", null, this.overlay);
      div.tabIndex = 0;
      div.setAttribute("role", "img");
      if (outputCount > 1) {
        // One neuron per class: its own probability, in its class's colour.
        div.setAttribute("aria-label", t("js.output_neuron_of_class", { n: node.index + 1 }));
        div.dataset.focusKey = `node-output-${node.index}`;
        div.style.borderColor = this.palette[node.index] || "";
        this.addThumb(div, { layer: node.layer, index: node.index }, node, "class", thumbIndex++);
      } else {
        div.setAttribute("aria-label", t("js.output_neuron"));
        div.dataset.focusKey = "node-output";
        this.addThumb(div, { layer: node.layer, index: 0 }, node, "output", -1);
      }
    }

    const layerStep = xs.length > 1 ? xs[1] - xs[0] : Infinity;
    this.drawNeuronButtons(hiddenNodes, layerStep < 52 ? "tight" : layerStep < 80 ? "compact" : "",
      layerStep < NEURON_LABEL_ROOM);
    this.drawCallouts(layout, hiddenNodes, activeInputs);
    if (focusKey) this.refocus(focusKey);
  }

  /** Focus the new element for `key` (or, when it is now disabled, the other
   * button of its pair), without scrolling. */
  refocus(key) {
    const found = this.root.querySelector(`[data-focus-key="${key}"]`);
    let target = found;
    if (found && found.disabled) target = found.parentElement.querySelector("button:not(:disabled)");
    if (target) target.focus({ preventScroll: true });
  }

  /**
   * Make a link or bias hit area reachable by keyboard: a roving Tab stop
   * (`first` is in the Tab order), arrows to the neighbours, Enter or Space
   * to edit its value. Its name says what it connects and its value.
   */
  bindKeys(element, target, name, first) {
    element.setAttribute("tabindex", first ? "0" : "-1");
    element.setAttribute("role", "button");
    element.dataset.focusKey = target.target === "bias" ? `bias-${target.layer}-${target.node}`
      : `link-${target.layer}-${target.source}-${target.dest}`;
    const describe = () => {
      const value = this.valueOf(target);
      const label = t("js.edit_label", { name, value: value === undefined ? "" : value.toPrecision(2) });
      if (element.getAttribute("aria-label") !== label) element.setAttribute("aria-label", label);
    };
    describe();
    element.describe = describe;
    element.addEventListener("focus", () => {
      describe();
      if (!this.card.editing) {
        const box = element.getBoundingClientRect();
        this.card.show(target, this.valueOf(target), box.right + window.scrollX, box.top + window.scrollY);
      }
    });
    element.addEventListener("blur", () => this.card.leave());
    element.addEventListener("keydown", (event) => {
      const group = [...element.parentNode.querySelectorAll("[role='button']")];
      const at = group.indexOf(element);
      let next = null;
      if (event.key === "ArrowDown" || event.key === "ArrowRight") next = group[at + 1];
      else if (event.key === "ArrowUp" || event.key === "ArrowLeft") next = group[at - 1];
      else if (event.key === "Home") next = group[0];
      else if (event.key === "End") next = group[group.length - 1];
      else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.card.open(target, this.valueOf(target), element);
        return;
      } else return;
      event.preventDefault();
      if (!next) return;
      element.setAttribute("tabindex", "-1");
      next.setAttribute("tabindex", "0");
      next.focus();
    });
  }

  drawArrow(g, node) {
    const x = node.x + NODE;
    const y = node.y + NODE / 2;
    svgEl("path", { class: "node-arrow", d: `M${x},${y - 5}L${x + 6},${y}L${x},${y + 5}Z` }, g);
  }

  drawBias(g, node) {
    const x = node.x - 2 * BIAS + 3;
    const y = node.y + NODE - 2;
    const rect = svgEl("rect", { class: "bias", x, y, width: BIAS, height: BIAS }, g);
    const hit = svgEl("rect", {
      class: "bias-hit", x: x - 4, y: y - 4, width: BIAS + 8, height: BIAS + 8, "data-card-target": "bias",
    }, this.biasLayer);
    const target = { target: "bias", layer: node.layer, node: node.index };
    const owner = node.layer === this.outputLayer ? this.outputName(node.index)
      : t("js.neuron_of_layer", { n: node.index + 1, layer: node.layer });
    this.bindKeys(hit, target, t("js.bias_of", { owner }), this.biases.length === 0);
    rect.dataset.bias = `${node.layer}-${node.index}`;
    hit.dataset.bias = `${node.layer}-${node.index}`;
    this.biases.push({ ...target, rect, last: null });
    this.bindCardTarget(hit, target);
  }

  addThumb(element, node, at, kind, thumbIndex) {
    element.style.left = `${at.x + OFFSET}px`;
    element.style.top = `${at.y + OFFSET}px`;
    element.dataset.layer = String(node.layer);
    element.dataset.index = String(node.index);
    const canvas = document.createElement("canvas");
    canvas.width = THUMB;
    canvas.height = THUMB;
    element.appendChild(canvas);
    const context = canvas.getContext("2d");
    this.thumbs.push({ kind, thumbIndex, element, context, image: context.createImageData(THUMB, THUMB) });
    const focusNode = kind === "output" ? null : node;
    const enter = () => this.setHovered(element, focusNode);
    const leave = () => { if (this.hovered === element) this.setHovered(null); };
    element.addEventListener("mouseenter", enter);
    element.addEventListener("mouseleave", leave);
    element.addEventListener("focus", enter);
    element.addEventListener("blur", leave);
  }

  setHovered(element, node = null) {
    if (this.hovered) this.hovered.classList.remove("hovered");
    this.hovered = element;
    if (element) element.classList.add("hovered");
    this.actions.focus(element ? node : null);
  }

  bindCardTarget(element, target) {
    element.addEventListener("mouseenter", (event) => {
      this.card.show(target, this.valueOf(target), event.pageX, event.pageY);
    });
    element.addEventListener("mouseleave", () => this.card.leave());
    element.addEventListener("click", (event) => {
      if (!this.card.isShowing(target)) this.card.show(target, this.valueOf(target), event.pageX, event.pageY);
      this.card.edit();
    });
  }

  /** `density` is "", "compact" or "tight": smaller buttons when layers stand
   * close; `numberOnly`: no room for "8 neurons", just "8". */
  drawNeuronButtons(hiddenNodes, density, numberOnly) {
    hiddenNodes.forEach((nodes, l) => {
      const count = nodes.length;
      const row = htmlEl("div", `plus-minus-neurons ui-numNodes${l + 1} ${density}`, null, this.overlay);
      row.style.left = `${nodes[0].x + OFFSET}px`;
      row.style.top = `${OFFSET - NEURON_ROW_ABOVE}px`;
      const buttons = htmlEl("div", "buttons", null, row);
      const change = (delta) => {
        const current = this.actions.currentShape();
        if (l >= current.length) return;
        const next = [...current];
        next[l] = Math.max(this.limits.minNeurons, Math.min(this.limits.maxNeurons, next[l] + delta));
        if (next[l] !== current[l]) this.actions.setShape(next);
      };
      const add = this.roundButton(buttons, "plus", t("js.add_neuron", { layer: l + 1 }), () => change(1));
      const remove = this.roundButton(buttons, "minus", t("js.remove_neuron", { layer: l + 1 }), () => change(-1));
      add.dataset.focusKey = `add-neuron-${l + 1}`;
      remove.dataset.focusKey = `remove-neuron-${l + 1}`;
      add.disabled = count >= this.limits.maxNeurons;
      remove.disabled = count <= this.limits.minNeurons;
      // A greyed button says why.
      if (add.disabled) this.explainDisabled(add, t("js.at_most_neurons", { max: this.limits.maxNeurons }));
      if (remove.disabled) this.explainDisabled(remove, t("js.at_least_neurons", { count: this.limits.minNeurons }));
      add.classList.add("add-neuron");
      remove.classList.add("remove-neuron");
      const label = htmlEl("div", "neuron-count", numberOnly ? String(count) : neurons(count), row);
      label.title = neurons(count);
    });
  }

  explainDisabled(button, why) {
    button.title = why;
    button.setAttribute("aria-description", why);
  }

  roundButton(parent, icon, label, onClick) {
    const button = htmlEl("button", "round-button", null, parent);
    button.type = "button";
    button.setAttribute("aria-label", label);
    button.title = label;
    const svg = svgEl("svg", { class: "icon", viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" }, button);
    svgEl("path", { d: icon === "plus" ? "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z" : "M5 11h14v2H5z" }, svg);
    button.addEventListener("click", onClick);
    return button;
  }

  drawCallouts(layout, hiddenNodes, activeInputs) {
    // "One neuron": under the last node of the first hidden layer whose next layer is no larger.
    let calloutNode = null;
    for (let l = 0; l < hiddenNodes.length; l++) {
      const nextSize = l + 1 < hiddenNodes.length ? hiddenNodes[l + 1].length : 1;
      if (nextSize <= hiddenNodes[l].length) {
        calloutNode = hiddenNodes[l][hiddenNodes[l].length - 1];
        break;
      }
    }
    if (calloutNode) {
      this.callout(calloutNode.x + NODE / 2 + OFFSET, calloutNode.y + NODE / 2 + OFFSET + 23,
        [t("js.callout_neuron_before"), [t("js.callout_neuron_word")], t("js.callout_neuron_after")], "callout-thumbnail");
    }
    // "Weights": 70 % along the first suitable link into the last node of a hidden layer.
    for (let l = 0; l < hiddenNodes.length; l++) {
      const prev = l === 0 ? activeInputs : hiddenNodes[l - 1];
      const dest = hiddenNodes[l][hiddenNodes[l].length - 1];
      if (prev.length < hiddenNodes[l].length || dest === calloutNode) continue;
      const s = prev.findIndex((source, i) =>
        source && source !== calloutNode && (i !== prev.length - 1 || hiddenNodes[l].length === 1));
      if (s < 0) continue;
      const link = this.links.find((k) => k.layer === l + 1 && k.source === s && k.dest === dest.index);
      if (!link) continue;
      const length = link.path.getTotalLength();
      const mid = length > 0 ? link.path.getPointAtLength(length * 0.7) : { x: 0, y: 0 };
      this.callout(mid.x + OFFSET + 3, mid.y + OFFSET + 5,
        [t("js.callout_weights_before"), [t("js.callout_weights_word")], t("js.callout_weights_after")],
        "callout-weights");
      break;
    }
  }

  callout(left, top, parts, cls) {
    const box = htmlEl("div", `callout ${cls}`, null, this.overlay);
    box.style.left = `${left}px`;
    box.style.top = `${top}px`;
    const svg = svgEl("svg", { width: 12, height: 24, viewBox: "-10 -2 12 26" }, box);
    svg.style.left = "-12px";
    svg.style.top = "-2px";
    svgEl("path", { d: "M2,22 C-7,18 -8,8 -4,1" }, svg);
    svgEl("path", { class: "arrow-head", d: "M-4,-1 L-7,5 L-1,4 Z" }, svg);
    const text = htmlEl("div", "callout-text", null, box);
    text.style.paddingTop = "20px";
    for (const part of parts) {
      if (Array.isArray(part)) htmlEl("b", "", part[0], text);
      else text.appendChild(document.createTextNode(part));
    }
  }

  // ---- per-frame styling -----------------------------------------------

  styleLinks(weights, dead, epoch) {
    const offset = String(-(epoch || 0) / 3);
    for (const link of this.links) {
      const w = weights?.[link.layer - 1]?.[link.source]?.[link.dest];
      if (w === undefined) continue;
      const width = Math.max(1, Math.min(10, 1 + (9 * Math.abs(w)) / 5)).toFixed(2);
      const color = continuousColor(w);
      if (width !== link.lastWidth) {
        link.path.setAttribute("stroke-width", width);
        link.lastWidth = width;
      }
      if (color !== link.lastColor) {
        link.path.setAttribute("stroke", color);
        link.lastColor = color;
      }
      if (offset !== link.lastOffset) {
        link.path.setAttribute("stroke-dashoffset", offset);
        link.lastOffset = offset;
      }
      const isDead = Boolean(dead?.[link.layer - 1]?.[link.source]?.[link.dest]);
      if (isDead !== link.dead) {
        link.path.classList.toggle("dead", isDead);
        link.dead = isDead;
      }
    }
  }

  styleBiases(biases) {
    for (const bias of this.biases) {
      const b = biases?.[bias.layer - 1]?.[bias.node];
      if (b === undefined) continue;
      const color = continuousColor(b);
      if (color !== bias.last) {
        bias.rect.setAttribute("fill", color);
        bias.last = color;
      }
    }
  }

  paintThumbnails(thumbnails, output, discretize) {
    if (thumbnails === this.drawnThumbnails && output === this.drawnOutput && discretize === this.drawnDiscretize) return;
    const outputThumb = output ? blockMeans(output) : null;
    const block = THUMB * THUMB;
    for (const thumb of this.thumbs) {
      let bytes = null;
      if (thumb.kind === "output") bytes = outputThumb;
      else if (thumbnails && (thumb.thumbIndex + 1) * block <= thumbnails.length) {
        bytes = thumbnails.subarray(thumb.thumbIndex * block, (thumb.thumbIndex + 1) * block);
      }
      if (!bytes) continue;
      if (thumb.kind === "class") paintProbability(thumb.image, bytes, this.palette[thumb.element.dataset.index], discretize);
      else paintGrid(thumb.image, bytes, discretize);
      thumb.context.putImageData(thumb.image, 0, 0);
    }
    this.drawnThumbnails = thumbnails;
    this.drawnOutput = output;
    this.drawnDiscretize = discretize;
  }
}
