/**
 * The big output picture (`#heatmap`): a 100x100 canvas of the network's output
 * (or of the hovered node) CSS-scaled to 260x260 and smoothed, the axes from -6
 * to 6 (x at the bottom, y on the right), the training points (white rim) and,
 * on request, the test points (dark rim).
 *
 * Grid bytes are row-major with row 0 at the top (x2 = +6) and column 0 at the
 * left (x1 = -6), the orientation the canvas uses, so they paint directly.
 * Points are [x1, x2, label] and are redrawn only when the data or the
 * show-test-data choice change. With K ≥ 3 classes the map is the winner and
 * confidence grids in the classes' colours, and a hovered output neuron shows
 * its class's probability in that colour (classcolors.js).
 */

import { paintClassMap, paintProbability, pointColor } from "./classcolors.js";
import { paintGrid } from "./colors.js";
import { svgEl, clear } from "./svg.js";

const GRID_SIZE = 100;

/** The class (0…K−1) of a label: −1/+1 are classes 0 and 1 with two classes. */
function classOf(layout, label) {
  return layout && layout.labelKind === "index" ? label : (label > 0 ? 1 : 0);
}
const PLOT_SIZE = 260;
const DOMAIN = 6;
const POINT_RADIUS = 3;

function toPixel(value) {
  return ((value + DOMAIN) / (2 * DOMAIN)) * PLOT_SIZE;
}

export class Heatmap {
  constructor(root) {
    this.root = root;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "heatmap-canvas";
    this.canvas.width = GRID_SIZE;
    this.canvas.height = GRID_SIZE;
    root.appendChild(this.canvas);
    this.context = this.canvas.getContext("2d");
    this.image = this.context.createImageData(GRID_SIZE, GRID_SIZE);

    this.svg = svgEl("svg", { width: PLOT_SIZE + 20, height: PLOT_SIZE + 20, "aria-hidden": "true" }, root);
    this.drawAxes();
    this.trainLayer = svgEl("g", { class: "train-points" }, this.svg);
    this.testLayer = svgEl("g", { class: "test-points" }, this.svg);

    this.drawnGrid = null;
    this.drawnDiscretize = null;
    this.drawnData = null;
    this.drawnShowTest = null;
  }

  drawAxes() {
    const axes = svgEl("g", { class: "axes" }, this.svg);
    for (let t = -DOMAIN; t <= DOMAIN; t++) {
      const at = toPixel(t);
      const cls = t === 0 ? "tick zero" : "tick";
      const xTick = svgEl("g", { class: cls }, axes);
      svgEl("line", { x1: at, x2: at, y1: PLOT_SIZE, y2: PLOT_SIZE + 6 }, xTick);
      const xText = svgEl("text", { x: at, y: PLOT_SIZE + 16, "text-anchor": "middle" }, xTick);
      xText.textContent = String(t);
      const yAt = PLOT_SIZE - at;
      const yTick = svgEl("g", { class: cls }, axes);
      svgEl("line", { x1: PLOT_SIZE, x2: PLOT_SIZE + 6, y1: yAt, y2: yAt }, yTick);
      const yText = svgEl("text", { x: PLOT_SIZE + 9, y: yAt + 3, "text-anchor": "start" }, yTick);
      yText.textContent = String(t);
    }
  }

  /**
   * @param {object} view
   *   grid: Uint8Array of 100x100 bytes to show; discretize: bool;
   *   classMap: {winners, confidences} (K ≥ 3, the output) instead of grid;
   *   gridColor: the class colour when grid is an output neuron's probability;
   *   layout: the frame's layout (palette, label kind);
   *   data: {train, test} point lists (identity marks a change); showTestData: bool;
   *   highlight: {truth, guess} (a confusion-matrix cell) or null, with predicted: the
   *   test points' predicted classes in data order (the frame's metrics.test.predicted);
   *   showingNode: the hovered node {layer, index} whose grid this is, or null for the output.
   */
  update(view) {
    const picture = view.grid || view.classMap?.winners;
    if (picture && (picture !== this.drawnGrid || view.discretize !== this.drawnDiscretize)) {
      if (view.grid && view.gridColor) paintProbability(this.image, view.grid, view.gridColor, view.discretize);
      else if (view.grid) paintGrid(this.image, view.grid, view.discretize);
      else paintClassMap(this.image, view.classMap.winners, view.classMap.confidences, view.layout.palette, view.discretize);
      this.context.putImageData(this.image, 0, 0);
      this.drawnGrid = picture;
      this.drawnDiscretize = view.discretize;
    }
    this.layout = view.layout;
    const colours = JSON.stringify([view.layout?.labelKind, view.layout?.palette]);
    if (colours !== this.drawnColours) {
      this.drawnColours = colours;
      this.drawnData = null;  // the points take the new colours
    }
    this.root.classList.toggle("showing-node", Boolean(view.showingNode));
    const showing = view.showingNode ? `${view.showingNode.layer}-${view.showingNode.index}` : "output";
    if (this.root.dataset.showing !== showing) this.root.dataset.showing = showing;
    if (view.data !== this.drawnData) {
      this.drawPoints(this.trainLayer, view.data ? view.data.train : [], "train-point");
      this.drawnData = view.data;
      this.drawnShowTest = null;
    }
    // A confusion cell being hovered shows the test points even when they are hidden.
    const showTest = view.showTestData || Boolean(view.highlight);
    if (showTest !== this.drawnShowTest) {
      const test = showTest && view.data ? view.data.test : [];
      this.drawPoints(this.testLayer, test, "test-point");
      this.drawnShowTest = showTest;
      this.drawnHighlight = undefined;
    }
    const highlightKey = view.highlight ? `${view.highlight.truth}-${view.highlight.guess}` : "";
    if (highlightKey !== this.drawnHighlight || view.predicted !== this.drawnPredicted) {
      this.markCell(view.highlight, view.predicted || []);
      this.drawnHighlight = highlightKey;
      this.drawnPredicted = view.predicted;
    }
  }

  /** Mark the test points of one confusion cell: true class `truth`, predicted `guess`. */
  markCell(highlight, predicted) {
    let count = 0;
    for (const point of this.testLayer.children) {
      const index = Number(point.dataset.index);
      const on = Boolean(highlight) && classOf(this.layout, Number(point.dataset.label)) === highlight.truth &&
        predicted[index] === highlight.guess;
      point.classList.toggle("highlighted", on);
      if (on) count++;
    }
    if (highlight) {
      this.root.dataset.highlight = `${highlight.truth}-${highlight.guess}`;
      this.root.dataset.highlighted = String(count);
    } else {
      delete this.root.dataset.highlight;
      delete this.root.dataset.highlighted;
    }
  }

  drawPoints(layer, points, cls) {
    clear(layer);
    const fragment = document.createDocumentFragment();
    (points || []).forEach(([x1, x2, label], index) => {
      if (Math.abs(x1) > DOMAIN || Math.abs(x2) > DOMAIN) return;
      svgEl("circle", {
        class: `point ${cls}`,
        cx: toPixel(x1).toFixed(2),
        cy: (PLOT_SIZE - toPixel(x2)).toFixed(2),
        r: POINT_RADIUS,
        fill: pointColor(this.layout, label),
        "data-label": String(label),
        "data-index": String(index),
      }, fragment);
    });
    layer.appendChild(fragment);
    this.root.dataset.trainPoints = String(this.trainLayer.childElementCount);
    this.root.dataset.testPoints = String(this.testLayer.childElementCount);
  }
}
