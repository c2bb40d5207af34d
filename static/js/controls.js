/**
 * The page's controls: run buttons, epoch and losses, every element with a
 * `data-setting` attribute (selects, sliders, checkboxes), the layer +/-
 * buttons. User actions go up through `commands`; `update(state)` writes the
 * server's values back into the controls (idempotent, cheap when nothing
 * changed).
 *
 * Values are converted by the setting's kind from the settings table
 * (number/integer -> Number, bool -> checkbox state, enum -> string), so
 * nothing here lists settings or their choices.
 */

import { part } from "./part.js";
import { choiceLabel, t } from "./i18n.js";

const USER_GRACE_MS = 600;

/** "000,042" for 42; numbers above 999,999 keep all their digits. */
export function formatEpoch(epoch) {
  const digits = String(Math.max(0, Math.floor(Number(epoch) || 0))).padStart(6, "0");
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatLoss(loss) {
  if (loss === null || loss === undefined) return "";
  if (!Number.isFinite(loss)) return String(loss);
  // Huge losses (a run blowing up) stay short enough for their column.
  return Math.abs(loss) < 1e5 ? loss.toFixed(3) : loss.toExponential(2);
}

export class Controls {
  /**
   * @param {object} table settings by name (the template's settings table)
   * @param {object} commands set(patch), play(), pause(), step(), reset(),
   *   regenerate(), speed(value), setView(name, value), currentShape(), setShape(shape)
   * @param {HTMLElement} root the playground's root element
   */
  constructor(table, commands, root) {
    this.table = table;
    this.commands = commands;
    this.root = root;
    this.lastUserInput = {};
    this.shown = {};
    this.playing = false;
    this.shape = null;
    const shapeSetting = table.networkShape || {};
    this.maxLayers = shapeSetting.max_layers ?? 8;

    this.playButton = part(root, "play-pause-button");
    this.epoch = part(root, "iter-number");
    this.lossTrain = part(root, "loss-train");
    this.lossTest = part(root, "loss-test");
    this.numLayers = part(root, "num-layers");
    this.lossKind = part(root, "loss-kind");
    this.announcer = part(root, "announcer");
    this.layersLabel = part(root, "layers-label");
    this.addLayer = part(root, "add-layers");
    this.removeLayer = part(root, "remove-layers");

    this.playButton.addEventListener("click", () => this.togglePlay());
    part(root, "next-step-button").addEventListener("click", () => commands.step());
    part(root, "reset-button").addEventListener("click", () => commands.reset());
    part(root, "data-regen-button").addEventListener("click", () => commands.regenerate());
    this.addLayer.addEventListener("click", () => this.changeLayers(1));
    this.removeLayer.addEventListener("click", () => this.changeLayers(-1));

    this.elements = [...root.querySelectorAll("select[data-setting], input[data-setting]")];
    for (const element of this.elements) this.bind(element);
    // The page-only checkboxes (show test data, discretize) follow `state.view`.
    this.viewBoxes = this.elements.filter(
      (element) => element.type === "checkbox" && this.table[element.dataset.setting]?.effect === "view");
  }

  bind(element) {
    const name = element.dataset.setting;
    const isRange = element.type === "range";
    const event = isRange ? "input" : "change";
    element.addEventListener(event, () => {
      const value = this.readValue(element);
      this.lastUserInput[name] = performance.now();
      if (isRange) this.showSliderValue(element, value);
      if (name === "speed") this.commands.speed(value);
      else if (this.table[name]?.effect === "view") this.commands.setView(name, value);
      else this.commands.set({ [name]: value });
    });
  }

  readValue(element) {
    const setting = this.table[element.dataset.setting];
    if (element.type === "checkbox") return element.checked;
    if (setting?.kind === "number") return Number(element.value);
    if (setting?.kind === "integer") return Math.round(Number(element.value));
    return element.value;
  }

  togglePlay() {
    if (this.playing) this.commands.pause();
    else this.commands.play();
  }

  changeLayers(delta) {
    if (!this.shape) return;
    const shape = this.commands.currentShape();
    if (delta > 0 && shape.length < this.maxLayers) shape.push(2);
    else if (delta < 0 && shape.length > 0) shape.pop();
    else return;
    this.commands.setShape(shape);
  }

  showSliderValue(element, value) {
    const output = part(this.root, `value-${element.dataset.setting}`);
    if (output) output.textContent = String(value);
    element.setAttribute("aria-valuetext", `${value}${element.dataset.unit || ""}`);
    const min = Number(element.min);
    const max = Number(element.max);
    const fill = max > min ? ((Number(value) - min) / (max - min)) * 100 : 0;
    element.style.setProperty("--fill", `${Math.max(0, Math.min(100, fill))}%`);
  }

  /** Put a value from the server into a control, unless the user is moving it
   * right now; then the server's value is written once the user has let go. */
  writeValue(element, value) {
    const name = element.dataset.setting;
    const touched = this.lastUserInput[name];
    if (touched !== undefined && performance.now() - touched < USER_GRACE_MS) {
      this.resyncLater();
      return;
    }
    if (element.type === "checkbox") {
      element.checked = Boolean(value);
    } else if (element.type === "range") {
      if (Number(value) > Number(element.max)) element.max = String(value);
      element.value = String(value);
      this.showSliderValue(element, value);
    } else if (element.tagName === "SELECT") {
      this.selectValue(element, value);
    } else if (element.type === "number" && document.activeElement !== element) {
      element.value = String(value);  // not while the user is typing in it
    }
  }

  selectValue(select, value) {
    const setting = this.table[select.dataset.setting];
    const numeric = setting?.kind === "number" || setting?.kind === "integer";
    const matches = (option) => (numeric ? Number(option.value) === Number(value) : option.value === String(value));
    for (const option of [...select.options]) {
      if (option.dataset.custom && !matches(option)) option.remove();
    }
    let option = [...select.options].find(matches);
    if (!option) {
      // A value from a link that is not one of the presets: show it as it is.
      option = document.createElement("option");
      option.value = String(value);
      option.textContent = String(value);
      option.dataset.custom = "true";
      select.appendChild(option);
    }
    select.value = option.value;
  }

  /** Grey out the options that do not suit the problem (e.g. cross-entropy in
   * regression), each saying why, as a tooltip and to a screen reader. */
  offerChoicesFor(problem) {
    const problemLabel = this.choiceLabel("problem", problem);
    for (const element of this.elements) {
      const byProblem = this.table[element.dataset.setting]?.choices_by_problem;
      const allowed = byProblem?.[problem];
      if (!allowed) continue;
      for (const option of element.options) {
        option.disabled = !allowed.includes(option.value);
        if (option.disabled) {
          const suits = Object.keys(byProblem).filter((p) => byProblem[p].includes(option.value))
            .map((p) => this.choiceLabel("problem", p));
          const why = suits.length ? t("js.not_for_suits", { problem: problemLabel, suits })
            : t("js.not_for", { problem: problemLabel });
          option.title = why;
          option.setAttribute("aria-description", why);
        } else {
          option.removeAttribute("title");
          option.removeAttribute("aria-description");
        }
      }
    }
  }

  /** The page's words for `value` of the select setting `name`. */
  choiceLabel(name, value) {
    return choiceLabel(name, value);
  }

  /** Say the epoch and the losses once, when training pauses or steps (they
   * change every frame while playing; a screen reader would never stop). */
  announce(state, train, test) {
    if (!this.announcer) return;
    const parts = [t("js.announce_epoch", { epoch: Number(state.epoch) || 0 })];
    if (test) parts.push(t("js.announce_test", { loss: test }));
    if (train) parts.push(t("js.announce_train", { loss: train }));
    const text = t("js.announce", { parts });
    if (this.announcer.textContent !== text) this.announcer.textContent = text;
  }

  resyncLater() {
    if (this.resyncTimer) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null;
      this.shown.settings = null;
      if (this.lastState) this.update(this.lastState);
    }, USER_GRACE_MS);
  }

  update(state) {
    this.lastState = state;
    const epochText = formatEpoch(state.epoch);
    if (this.shown.epoch !== epochText) this.epoch.textContent = this.shown.epoch = epochText;
    const train = formatLoss(state.trainLoss);
    const test = formatLoss(state.testLoss);
    if (this.shown.train !== train) this.lossTrain.textContent = this.shown.train = train;
    if (this.shown.test !== test) this.lossTest.textContent = this.shown.test = test;
    if (!state.playing && state.settings) this.announce(state, train, test);

    if (this.playing !== state.playing || this.shown.playing === undefined) {
      this.playing = Boolean(state.playing);
      this.shown.playing = this.playing;
      this.playButton.classList.toggle("playing", this.playing);
      this.playButton.setAttribute("aria-pressed", String(this.playing));
      this.playButton.setAttribute("aria-label", this.playing ? t("js.pause") : t("js.run"));
    }

    if (state.settings && state.settings !== this.shown.settings) {
      this.shown.settings = state.settings;
      for (const element of this.elements) {
        const name = element.dataset.setting;
        const value = this.table[name]?.effect === "view" ? state.view[name] : state.settings[name];
        if (value !== undefined) this.writeValue(element, value);
      }
      this.offerChoicesFor(state.settings.problem);
      if (this.lossKind) this.lossKind.textContent = this.choiceLabel("loss", state.settings.loss);
      this.shape = [...(state.settings.networkShape || [])];
      const layers = this.shape.length;
      this.numLayers.textContent = String(layers);
      this.layersLabel.textContent = t("js.hidden_layers", { count: layers });
      const focused = document.activeElement; // before a button greys out under it
      this.addLayer.disabled = layers >= this.maxLayers;
      this.removeLayer.disabled = layers <= 0;
      this.addLayer.title = this.addLayer.disabled ? t("js.at_most_layers", { max: this.maxLayers }) : t("js.add_layer");
      this.removeLayer.title = this.removeLayer.disabled ? t("js.no_layer_to_remove") : t("js.remove_layer");
      this.addLayer.setAttribute("aria-description", this.addLayer.disabled ? this.addLayer.title : "");
      this.removeLayer.setAttribute("aria-description", this.removeLayer.disabled ? this.removeLayer.title : "");
      // A button that greys out under the focus hands it to its partner.
      if (focused === this.addLayer && this.addLayer.disabled) this.removeLayer.focus();
      if (focused === this.removeLayer && this.removeLayer.disabled) this.addLayer.focus();
    }
    for (const box of this.viewBoxes) {
      const checked = Boolean(state.view[box.dataset.setting]);
      if (box.checked !== checked) box.checked = checked;
    }
  }
}
