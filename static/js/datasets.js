/**
 * The dataset thumbnails of the data column. Each is a 100x100 canvas shown at
 * 34x34, drawn from the points the server sends in `data.thumbnails`
 * ({dataset name: [[x1, x2, label], ...]}) as 4x4 squares coloured by the
 * continuous scale, with x2 pointing up as in the big heatmap. Only the
 * current problem type's datasets are shown; the chosen one is `.selected`.
 * Clicking another one sends `set {dataset}` (or `{regDataset}`).
 */

import { continuousColor } from "./colors.js";

const SIZE = 100;
const DOMAIN = 6;
const SQUARE = 4;

export class DatasetPicker {
  constructor(root, commands) {
    this.buttons = [...root.querySelectorAll("button.dataset")];
    this.drawnData = null;
    this.shownKey = null;
    for (const button of this.buttons) {
      button.addEventListener("click", () => {
        if (button.classList.contains("selected")) return;
        commands.set({ [button.dataset.setting]: button.dataset.value });
      });
    }
  }

  update(state) {
    const thumbnails = state.data?.thumbnails;
    if (thumbnails && state.data !== this.drawnData) {
      this.drawnData = state.data;
      for (const button of this.buttons) {
        const points = thumbnails[button.dataset.value];
        if (points) this.draw(button.querySelector("canvas"), points);
      }
    }
    const settings = state.settings;
    if (!settings) return;
    const key = `${settings.problem}|${settings.dataset}|${settings.regDataset}|${settings.data}`;
    if (key === this.shownKey) return;
    this.shownKey = key;
    for (const button of this.buttons) {
      // A stored data set (`data`) is none of the generated ones.
      const current = settings[button.dataset.setting] === button.dataset.value && !settings.data;
      const otherProblem = button.dataset.problem !== settings.problem;
      button.classList.toggle("selected", current && !otherProblem);
      button.classList.toggle("other-problem", otherProblem);
      button.setAttribute("aria-pressed", String(current && !otherProblem));
    }
  }

  draw(canvas, points) {
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, SIZE, SIZE);
    for (const [x1, x2, label] of points) {
      ctx.fillStyle = continuousColor(label);
      const px = ((x1 + DOMAIN) / (2 * DOMAIN)) * SIZE;
      const py = ((DOMAIN - x2) / (2 * DOMAIN)) * SIZE;
      ctx.fillRect(px, py, SQUARE, SQUARE);
    }
  }
}
