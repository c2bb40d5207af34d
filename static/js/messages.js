/**
 * The message area under the top bar: notices and errors from the server (as
 * text, never as markup), and the divergence guard's explanation with a
 * one-click fix (a smaller learning rate, then a fresh network).
 */

const MAX_MESSAGES = 4;
const NOTICE_LIFETIME_MS = 12000;

export class Messages {
  constructor(commands) {
    this.commands = commands;
    this.list = document.getElementById("message-list");
    this.divergence = document.getElementById("divergence");
    this.divergenceText = document.getElementById("divergence-text");
    this.fixButton = document.getElementById("divergence-fix");
    this.fixLearningRate = null;
    this.shownDivergence = null;
    this.fixButton.addEventListener("click", () => {
      if (this.fixLearningRate !== null) this.commands.set({ learningRate: this.fixLearningRate });
      this.commands.reset();
      this.hideDivergence();
    });
    document.getElementById("divergence-dismiss").addEventListener("click", () => this.hideDivergence());
  }

  /** Show one message; kind is "notice" or "error". */
  show(text, kind = "notice") {
    if (!text) return;
    if (this.shownDivergence && this.shownDivergence.endsWith(`|${text}`)) return;
    for (const item of this.list.children) {
      if (item.dataset.text === text) item.remove();
    }
    const item = document.createElement("li");
    item.className = kind;
    item.dataset.text = text;
    item.setAttribute("role", kind === "error" ? "alert" : "status");
    const span = document.createElement("span");
    span.textContent = text;
    item.appendChild(span);
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "dismiss";
    dismiss.textContent = "×";
    dismiss.setAttribute("aria-label", "Dismiss this message");
    dismiss.addEventListener("click", () => item.remove());
    item.appendChild(dismiss);
    this.list.appendChild(item);
    while (this.list.children.length > MAX_MESSAGES) this.list.firstElementChild.remove();
    if (kind === "notice") setTimeout(() => item.remove(), NOTICE_LIFETIME_MS);
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
    const key = `${divergence.epoch}|${divergence.message}`;
    if (key === this.shownDivergence) return;
    this.shownDivergence = key;
    const smaller = learningRates.filter((rate) => rate < currentRate);
    this.fixLearningRate = smaller.length ? smaller[smaller.length - 1] : null;
    const message = String(divergence.message || "the numbers grew too large to compute");
    this.divergenceText.textContent = `Training stopped: ${message}.`;
    this.fixButton.textContent = this.fixLearningRate !== null
      ? `Use learning rate ${this.fixLearningRate} and reset`
      : "Reset the network";
    this.divergence.hidden = false;
  }

  hideDivergence() {
    this.divergence.hidden = true;
  }
}
