/**
 * The loss sparkline (`#linechart`): training loss in grey, test loss in black,
 * no axes. x runs over the epochs of the points kept since the last reset (the
 * whole history is always shown); y runs from the lowest to the highest loss
 * seen since the last reset. Frames bring new points in `lossPoints`
 * ([epoch, train, test]); `chartReset` clears the chart first.
 */

const MAX_POINTS = 2000;
const TRAIN_COLOR = "#777";
const TEST_COLOR = "#000";
const MARGIN = { top: 2, right: 0, bottom: 2, left: 2 };

export class LineChart {
  constructor(root) {
    this.root = root;
    this.canvas = document.createElement("canvas");
    root.appendChild(this.canvas);
    this.context = this.canvas.getContext("2d");
    this.points = [];
    this.low = Infinity;
    this.high = -Infinity;
    this.dirty = true;
    this.cssWidth = 0;
    this.cssHeight = 0;
  }

  /** Take the loss points of one frame (call for every frame, in order). */
  add(lossPoints, chartReset) {
    if (chartReset) {
      this.points = [];
      this.low = Infinity;
      this.high = -Infinity;
      this.dirty = true;
    }
    for (const point of lossPoints || []) {
      const [epoch, train, test] = point;
      this.points.push([epoch, train, test]);
      for (const v of [train, test]) {
        if (Number.isFinite(v)) {
          this.low = Math.min(this.low, v);
          this.high = Math.max(this.high, v);
        }
      }
      this.dirty = true;
    }
    if (this.points.length > MAX_POINTS) {
      // Keep the first and last points and every other one between them.
      this.points = this.points.filter((_, i) => i % 2 === 0 || i === this.points.length - 1);
    }
    this.root.dataset.points = String(this.points.length);
  }

  resize() {
    const rect = this.root.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    if (rect.width !== this.cssWidth || rect.height !== this.cssHeight) {
      this.cssWidth = rect.width;
      this.cssHeight = rect.height;
      this.canvas.width = Math.max(1, Math.round(rect.width * ratio));
      this.canvas.height = Math.max(1, Math.round(rect.height * ratio));
      this.context.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.dirty = true;
    }
  }

  update() {
    this.resize();
    if (!this.dirty) return;
    this.dirty = false;
    const ctx = this.context;
    ctx.clearRect(0, 0, this.cssWidth, this.cssHeight);
    const pts = this.points;
    if (pts.length === 0 || !Number.isFinite(this.low)) return;
    const width = this.cssWidth - MARGIN.left - MARGIN.right;
    const height = this.cssHeight - MARGIN.top - MARGIN.bottom;
    const first = pts[0][0];
    const last = pts[pts.length - 1][0];
    const spanX = last - first;
    const spanY = this.high - this.low;
    const x = (epoch, i) =>
      MARGIN.left + (spanX > 0 ? ((epoch - first) / spanX) * width : pts.length > 1 ? (i / (pts.length - 1)) * width : 0);
    const y = (v) => MARGIN.top + (spanY > 0 ? (1 - (v - this.low) / spanY) * height : height / 2);
    for (const [column, color] of [[1, TRAIN_COLOR], [2, TEST_COLOR]]) {
      ctx.beginPath();
      let drawing = false;
      pts.forEach((p, i) => {
        const v = p[column];
        if (!Number.isFinite(v)) {
          drawing = false;
          return;
        }
        if (drawing) ctx.lineTo(x(p[0], i), y(v));
        else ctx.moveTo(x(p[0], i), y(v));
        drawing = true;
      });
      if (pts.length === 1 && Number.isFinite(pts[0][column])) ctx.lineTo(MARGIN.left + width, y(pts[0][column]));
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.lineJoin = "round";
      ctx.stroke();
    }
  }
}
