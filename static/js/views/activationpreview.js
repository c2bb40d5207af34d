/**
 * The activation preview (#activation-preview): f and f' of the current
 * hidden activation over [-5, 5], the function in blue and its derivative in
 * green, redrawn whenever the activation changes. Mounted on a <canvas>.
 */

import { activation } from "./activationfns.js";
import { freshContext } from "./canvas.js";
import { choiceLabel, t } from "../i18n.js";

const RANGE = 5;
const FUNCTION_COLOUR = "#0877bd";
const DERIVATIVE_COLOUR = "#2e8b57";

export class ActivationPreview {
  constructor(canvas) {
    this.canvas = canvas;
    this.drawn = null;
  }

  update(state) {
    const name = state.settings?.activation;
    if (!name || name === this.drawn) return;
    this.drawn = name;
    this.draw(name);
  }

  draw(name) {
    const { canvas } = this;
    const { ctx, width, height } = freshContext(canvas, 200, 100);
    const { f, df } = activation(name);
    const samples = 201;
    const zs = Array.from({ length: samples }, (_, i) => -RANGE + (2 * RANGE * i) / (samples - 1));
    const fs = zs.map(f);
    const dfs = zs.map(df);
    const finite = [...fs, ...dfs].filter(Number.isFinite);
    // Clip very large values (linear, ReLU at 5) so both curves stay readable.
    const top = Math.min(Math.max(1.1, ...finite), RANGE);
    const bottom = Math.max(Math.min(-1.1, ...finite), -RANGE);
    const x = (z) => ((z + RANGE) / (2 * RANGE)) * (width - 8) + 4;
    const y = (v) => height - 4 - ((v - bottom) / (top - bottom)) * (height - 8);
    ctx.strokeStyle = "#bbb";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x(-RANGE), y(0));
    ctx.lineTo(x(RANGE), y(0));
    ctx.moveTo(x(0), y(bottom));
    ctx.lineTo(x(0), y(top));
    ctx.stroke();
    for (const [values, colour] of [[fs, FUNCTION_COLOUR], [dfs, DERIVATIVE_COLOUR]]) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      values.forEach((v, i) => {
        const clipped = Math.min(Math.max(v, bottom), top);
        if (i === 0) ctx.moveTo(x(zs[i]), y(clipped));
        else ctx.lineTo(x(zs[i]), y(clipped));
      });
      ctx.stroke();
    }
    canvas.dataset.activation = name;
    canvas.setAttribute("aria-label",
      t("js.activation_preview", { name: choiceLabel("activation", name) }));
  }
}
