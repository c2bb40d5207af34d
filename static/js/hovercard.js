/**
 * The weight/bias card (`#hovercard`). Hovering a link or a bias shows
 * "Weight is V." or "Bias is V." (two significant digits) 20 px right of the
 * pointer; a click turns the value into a number field, and every change typed
 * there is applied at once through `onEdit(target, value)`. Enter goes back to
 * showing the value, Escape closes the card.
 *
 * A value outside the server's bound (the field's `data-limit`) is not sent:
 * the card stays open with the typed text and says the allowed range.
 *
 * From the keyboard: `open(target, value, element)` shows the card beside a
 * focused link or bias and starts editing; Enter or Escape closes it and gives
 * the focus back to that element.
 *
 * A target is {target: "weight", layer, source, dest} or
 * {target: "bias", layer, node}, the protocol's `edit` addressing.
 */

import { formatNumber, t } from "./i18n.js";

/** 1000000 → "1,000,000", with a true minus sign for negatives. */
function plainNumber(value) {
  const text = formatNumber(Math.abs(value));
  return value < 0 ? `\u2212${text}` : text;
}

export function rangeText(kind, limit) {
  return t(kind === "bias" ? "edit_bias_range" : "edit_weight_range", { max: limit });
}

export function formatValue(v) {
  if (!Number.isFinite(v)) return String(v);
  return v.toPrecision(2);
}

function sameTarget(a, b) {
  return Boolean(a && b) && a.target === b.target && a.layer === b.layer &&
    a.source === b.source && a.dest === b.dest && a.node === b.node;
}

export class HoverCard {
  constructor(element, onEdit) {
    this.el = element;
    this.onEdit = onEdit;
    this.hint = element.querySelector(".hovercard-hint");
    this.name = element.querySelector(".hovercard-name");
    this.valueText = element.querySelector(".hovercard-value");
    this.input = element.querySelector(".hovercard-input");
    this.error = element.querySelector(".hovercard-error");
    this.limit = Number(this.input.dataset.limit) || Infinity;
    this.opener = null;
    this.target = null;
    this.value = null;
    this.editing = false;
    this.pointerInside = false;

    this.input.addEventListener("input", () => {
      const text = this.input.value.trim();
      const value = Number(text);
      if (text === "" || !Number.isFinite(value) || !this.target) return;
      if (Math.abs(value) > this.limit) {
        this.showError(rangeText(this.target.target, this.limit));
        return;
      }
      this.showError("");
      this.value = value;
      this.onEdit(this.target, value);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        if (this.hasError()) return; // keep the typed value and the message in view
        this.stopEditing();
        if (!this.pointerInside || this.opener) this.hide();
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.hide();
      }
    });
    this.input.addEventListener("blur", () => {
      if (this.editing && !this.hasError()) {
        this.stopEditing();
        if (!this.pointerInside) this.hide();
      }
    });
    document.addEventListener("pointerdown", (event) => {
      if (this.el.hidden || this.el.contains(event.target)) return;
      if (event.target.closest && event.target.closest("[data-card-target]")) return;
      this.hide();
    });
  }

  showError(text) {
    if (this.error.textContent !== text) this.error.textContent = text;
    this.el.classList.toggle("has-error", Boolean(text));
    this.input.setAttribute("aria-invalid", String(Boolean(text)));
  }

  hasError() {
    return Boolean(this.error.textContent);
  }

  /** Keyboard: show the card beside `element` (a focused link or bias) and edit. */
  open(target, value, element) {
    const box = element.getBoundingClientRect();
    this.show(target, value, box.right + window.scrollX, box.top + window.scrollY + box.height / 2);
    this.opener = element;
    this.edit();
  }

  isShowing(target) {
    return !this.el.hidden && sameTarget(this.target, target);
  }

  /** Show the card for `target` with `value` near page position (x, y). */
  show(target, value, pageX, pageY) {
    if (this.editing && !sameTarget(this.target, target)) this.stopEditing();
    this.opener = null;
    this.target = target;
    this.pointerInside = true;
    this.name.textContent = target.target === "bias" ? t("js.bias") : t("js.weight");
    this.setValue(value);
    this.el.hidden = false;
    // Stay inside the page on narrow screens.
    const width = this.el.offsetWidth || 160;
    const maxLeft = document.documentElement.clientWidth + window.scrollX - width - 4;
    this.el.style.left = `${Math.round(Math.max(window.scrollX + 4, Math.min(pageX + 20, maxLeft)))}px`;
    this.el.style.top = `${Math.round(pageY)}px`;
  }

  /** The pointer left the link or bias: hide unless a value is being typed. */
  leave() {
    this.pointerInside = false;
    if (!this.editing) this.hide();
  }

  setValue(value) {
    this.value = value;
    if (!this.editing) this.valueText.textContent = formatValue(value);
  }

  /** Keep the shown value current while training runs. */
  refresh(valueOf) {
    if (this.el.hidden || !this.target || this.editing) return;
    const value = valueOf(this.target);
    if (value !== undefined) this.setValue(value);
  }

  edit() {
    if (this.el.hidden || !this.target) return;
    this.editing = true;
    this.hint.hidden = true;
    this.valueText.hidden = true;
    this.input.hidden = false;
    this.input.value = formatValue(this.value);
    this.input.focus();
    this.input.select();
  }

  stopEditing() {
    this.editing = false;
    this.showError("");
    this.hint.hidden = false;
    this.input.hidden = true;
    this.valueText.hidden = false;
    this.valueText.textContent = formatValue(this.value);
  }

  hide() {
    if (this.editing) this.stopEditing();
    this.el.hidden = true;
    this.target = null;
    const opener = this.opener;
    this.opener = null;
    // Back to the link or bias the keyboard opened the card from.
    if (opener && opener.isConnected) opener.focus();
  }
}
