/**
 * The compare page's loss chart (`#compare-chart`): the test loss of both
 * networks over the epochs on one set of axes, A in blue and B in orange, as
 * two SVG paths (`path.curve-a`, `path.curve-b`). x runs from epoch 0 to the
 * furthest epoch either side has reached; y from the lowest to the highest
 * loss shown. Each side's frames bring `lossPoints` ([epoch, train, test]);
 * `chartReset` clears that side's curve.
 */

const SVG = "http://www.w3.org/2000/svg";
const MAX_POINTS = 2000;
const WIDTH = 600;
const HEIGHT = 120;
const PAD = 4;

export class CompareChart {
  constructor(element, sides) {
    this.element = element;
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    this.svg.setAttribute("preserveAspectRatio", "none");
    element.appendChild(this.svg);
    this.points = {};
    this.paths = {};
    for (const side of sides) {
      this.points[side] = [];
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("class", `curve curve-${side}`);
      path.setAttribute("vector-effect", "non-scaling-stroke");
      this.svg.appendChild(path);
      this.paths[side] = path;
    }
    this.pending = false;
  }

  /** Take one frame's loss points for `side` (call for every frame, in order). */
  add(side, lossPoints, chartReset) {
    if (chartReset) this.points[side] = [];
    const points = this.points[side];
    for (const [epoch, , test] of lossPoints || []) {
      if (Number.isFinite(test)) points.push([epoch, test]);
    }
    if (points.length > MAX_POINTS) {
      // Keep the first and last points and every other one between them.
      this.points[side] = points.filter((_, i) => i % 2 === 0 || i === points.length - 1);
    }
    this.element.dataset[`points${side.toUpperCase()}`] = String(this.points[side].length);
    if (!this.pending) {
      this.pending = true;
      requestAnimationFrame(() => this.draw());
    }
  }

  draw() {
    this.pending = false;
    const all = Object.values(this.points).flat();
    if (all.length === 0) {
      for (const path of Object.values(this.paths)) path.setAttribute("d", "");
      return;
    }
    const lastEpoch = Math.max(1, ...all.map(([epoch]) => epoch));
    let low = Math.min(...all.map(([, loss]) => loss));
    let high = Math.max(...all.map(([, loss]) => loss));
    if (high - low < 1e-9) { low -= 0.5; high += 0.5; }
    const x = (epoch) => PAD + (epoch / lastEpoch) * (WIDTH - 2 * PAD);
    const y = (loss) => HEIGHT - PAD - ((loss - low) / (high - low)) * (HEIGHT - 2 * PAD);
    for (const [side, points] of Object.entries(this.points)) {
      const d = points.map(([epoch, loss], i) => `${i ? "L" : "M"}${x(epoch).toFixed(1)},${y(loss).toFixed(1)}`).join("");
      this.paths[side].setAttribute("d", d);
    }
  }
}
