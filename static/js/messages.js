/**
 * The message area: notices and errors from the server (as text, never as
 * markup), and the divergence guard's explanation with a one-click fix (a
 * smaller learning rate, then a fresh network). It floats over the page's
 * bottom edge (`#messages` is fixed), so a message never moves the playground.
 *
 * A notice that names the settings it is `about` is taken down as soon as one
 * of them changes again: its cause is gone (switching back to classification
 * ends "Cross-entropy does not suit regression").
 */

import { part } from "./part.js";
import { say, t } from "./i18n.js";

const MAX_MESSAGES = 4;
const NOTICE_LIFETIME_MS = 12000;

export class Messages {
  /** `root`: the playground's root element. */
  constructor(commands, root) {
    this.commands = commands;
    this.list = part(root, "message-list");
    this.divergence = part(root, "divergence");
    this.divergenceText = part(root, "divergence-text");
    this.fixButton = part(root, "divergence-fix");
    this.fixLearningRate = null;
    this.shownDivergence = null;
    this.fixButton.addEventListener("click", () => {
      if (this.fixLearningRate !== null) this.commands.set({ learningRate: this.fixLearningRate });
      this.commands.reset();
      this.hideDivergence();
      // The banner goes; the focus goes on to the run button, not to the page.
      part(root, "play-pause-button")?.focus();
    });
    part(root, "divergence-dismiss").addEventListener("click", () => this.hideDivergence());
  }

  /** Show one message; kind is "notice" or "error"; `about`: setting names. */
  show(text, kind = "notice", about = []) {
    if (!text) return;
    if (this.shownDivergence && this.shownDivergence.endsWith(`|${text}`)) return;
    for (const item of this.list.children) {
      if (item.dataset.text === text) item.remove();
    }
    const item = document.createElement("li");
    item.className = kind;
    item.dataset.text = text;
    if (about.length) item.dataset.about = about.join(" ");
    item.setAttribute("role", kind === "error" ? "alert" : "status");
    const span = document.createElement("span");
    span.textContent = text;
    item.appendChild(span);
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "dismiss";
    dismiss.textContent = "×";
    dismiss.setAttribute("aria-label", t("js.dismiss_message"));
    dismiss.addEventListener("click", () => item.remove());
    item.appendChild(dismiss);
    this.list.appendChild(item);
    while (this.list.children.length > MAX_MESSAGES) this.list.firstElementChild.remove();
    if (kind === "notice") setTimeout(() => item.remove(), NOTICE_LIFETIME_MS);
  }

  /**
   * Called with each settings block: a notice keeps the values its settings
   * had in the first block after it (the one its change made) and goes once
   * any of them differs.
   */
  settingsChanged(values) {
    for (const item of [...this.list.children]) {
      if (!item.dataset.about) continue;
      const now = JSON.stringify(item.dataset.about.split(" ").map((name) => values[name]));
      if (item.dataset.baseline === undefined) item.dataset.baseline = now;
      else if (item.dataset.baseline !== now) item.remove();
    }
  }

  /**
   * Called with every frame: `divergence` is {epoch, message} while training
   * stands stopped by the guard, else null. `learningRates` are the preset
   * rates, ascending, used to offer the next smaller one.
   */
  updateDivergence(divergence, currentRate, learningRates) {
    if (!divergence) {
      this.shownDivergence = null;
      this.hideDivergence();
      return;
    }
    const key = `${divergence.epoch}|${divergence.code}|${JSON.stringify(divergence.params)}`;
    if (key === this.shownDivergence) return;
    this.shownDivergence = key;
    const smaller = learningRates.filter((rate) => rate < currentRate);
    this.fixLearningRate = smaller.length ? smaller[smaller.length - 1] : null;
    const message = divergence.code ? say(divergence) : t("js.numbers_too_large");
    this.divergenceText.textContent = t("js.training_stopped", { reason: message });
    this.fixButton.textContent = this.fixLearningRate !== null
      ? t("js.fix_learning_rate", { rate: this.fixLearningRate })
      : t("page.reset");
    this.divergence.hidden = false;
  }

  hideDivergence() {
    this.divergence.hidden = true;
  }
}
