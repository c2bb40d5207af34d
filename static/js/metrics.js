/**
 * The task's numbers beside the losses (`#task-metrics`), from each frame's
 * `metrics` block (docs/protocol.md):
 *
 * - classification: test and training accuracy as percentages
 *   (`#accuracy-test`, `#accuracy-train`) and the test set's confusion matrix
 *   (`#confusion`: K×K counts, rows = true class, columns = predicted, the
 *   diagonal marked); hovering a cell marks that cell's test points on the map
 *   (true class = row, predicted = column; `onHighlight`);
 * - regression: the test R² and RMSE (`#r2-test`, `#rmse-test`).
 *
 * The class legend (`#class-legend`) shows one swatch per class when there are
 * three or more. Every word the component writes is in TEXT, from the page's
 * catalog (static/js/i18n.js).
 */

import { part } from "./part.js";
import { t } from "./i18n.js";

const TEXT = {
  classLabel: (k) => t("js.metrics.class", { n: k + 1 }),
  corner: t("js.metrics.corner"),
  cellTitle: (truth, guess, count) => t("js.metrics.cell", { count, truth: truth + 1, guess: guess + 1 }),
};

export function formatPercent(fraction) {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "";
  return `${(fraction * 100).toFixed(1)}%`;
}

export class TaskMetrics {
  /** `onHighlight({truth, guess} or null)`: a cell is hovered, or no longer. */
  constructor(element, legend, onHighlight) {
    this.element = element;
    this.legend = legend;
    this.onHighlight = onHighlight;
    this.accuracyTest = part(element, "accuracy-test");
    this.accuracyTrain = part(element, "accuracy-train");
    this.accuracyRows = [...element.querySelectorAll(".accuracy")];
    this.fit = element.querySelector(".fit");
    this.r2 = part(element, "r2-test");
    this.rmse = part(element, "rmse-test");
    this.table = part(element, "confusion");
    this.cells = null;
    this.builtFor = null;
    this.legendFor = null;
  }

  update(state) {
    const layout = state.layout;
    const metrics = state.metrics;
    if (!layout || !metrics) return;
    const regression = layout.labelKind === "real";
    for (const row of this.accuracyRows) row.hidden = regression;
    this.fit.hidden = !regression;
    this.table.hidden = regression;
    if (regression) {
      this.r2.textContent = Number.isFinite(metrics.test.r2) ? metrics.test.r2.toFixed(3) : "";
      this.rmse.textContent = Number.isFinite(metrics.test.rmse) ? metrics.test.rmse.toFixed(3) : "";
    } else {
      this.accuracyTest.textContent = formatPercent(metrics.test.accuracy);
      this.accuracyTrain.textContent = formatPercent(metrics.train.accuracy);
      this.showConfusion(metrics.test.confusion || [], layout.palette || []);
    }
    this.showLegend(layout);
  }

  showConfusion(confusion, palette) {
    const k = confusion.length;
    const key = JSON.stringify([k, palette]);
    if (key !== this.builtFor) this.build(k, palette, key);
    confusion.forEach((row, truth) => row.forEach((count, guess) => {
      const cell = this.cells[truth][guess];
      const text = String(count);
      if (cell.textContent !== text) {
        cell.textContent = text;
        cell.title = TEXT.cellTitle(truth, guess, count);
      }
    }));
  }

  build(k, palette, key) {
    this.table.replaceChildren();
    const head = this.table.createTHead().insertRow();
    const corner = document.createElement("th");
    corner.className = "corner";
    corner.textContent = TEXT.corner;
    head.appendChild(corner);
    for (let guess = 0; guess < k; guess++) head.appendChild(this.swatchHeader(guess, palette, "col"));
    const body = this.table.createTBody();
    this.cells = [];
    for (let truth = 0; truth < k; truth++) {
      const row = body.insertRow();
      row.appendChild(this.swatchHeader(truth, palette, "row"));
      const cells = [];
      for (let guess = 0; guess < k; guess++) {
        const cell = row.insertCell();
        cell.className = truth === guess ? "hit" : "miss";
        cell.dataset.truth = String(truth);
        cell.dataset.guess = String(guess);
        cell.addEventListener("mouseenter", () => this.highlight(truth, guess));
        cell.addEventListener("mouseleave", () => this.highlight(null, null));
        cells.push(cell);
      }
      this.cells.push(cells);
    }
    this.builtFor = key;
  }

  swatchHeader(k, palette, scope) {
    const th = document.createElement("th");
    th.scope = scope;
    th.textContent = String(k + 1);
    th.setAttribute("aria-label", TEXT.classLabel(k));
    th.style.borderBottomColor = palette[k] || "";
    th.style.borderLeftColor = palette[k] || "";
    th.className = "class-head";
    return th;
  }

  highlight(truth, guess) {
    this.onHighlight(truth === null ? null : { truth, guess });
  }

  showLegend(layout) {
    const key = JSON.stringify([layout.labelKind, layout.palette]);
    if (key === this.legendFor) return;
    this.legendFor = key;
    this.legend.replaceChildren();
    const show = layout.labelKind === "index";
    this.legend.hidden = !show;
    // The signed −1…1 colour bar says nothing about K classes' colours.
    this.legend.parentElement.classList.toggle("classes", show);
    if (!show) return;
    layout.palette.forEach((colour, k) => {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = colour;
      item.append(swatch, TEXT.classLabel(k));
      this.legend.appendChild(item);
    });
  }
}
