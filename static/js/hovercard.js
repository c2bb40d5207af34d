/**
 * The weight/bias card (`#hovercard`). Hovering a link or a bias shows
 * "Weight is V." or "Bias is V." (two significant digits) 20 px right of the
 * pointer; a click turns the value into a number field, and every change typed
 * there is applied at once through `onEdit(target, value)`. Enter goes back to
 * showing the value, Escape closes the card.
 *
 * A target is {target: "weight", layer, source, dest} or
 * {target: "bias", layer, node}, the protocol's `edit` addressing.
 */

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
    this.target = null;
    this.value = null;
    this.editing = false;
    this.pointerInside = false;

    this.input.addEventListener("input", () => {
      const text = this.input.value.trim();
      const value = Number(text);
      if (text !== "" && Number.isFinite(value) && this.target) {
        this.value = value;
        this.onEdit(this.target, value);
      }
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.stopEditing();
        if (!this.pointerInside) this.hide();
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.hide();
      }
    });
    this.input.addEventListener("blur", () => {
      if (this.editing) {
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

  isShowing(target) {
    return !this.el.hidden && sameTarget(this.target, target);
  }

  /** Show the card for `target` with `value` near page position (x, y). */
  show(target, value, pageX, pageY) {
    if (this.editing && !sameTarget(this.target, target)) this.stopEditing();
    this.target = target;
    this.pointerInside = true;
    this.name.textContent = target.target === "bias" ? "Bias" : "Weight";
    this.setValue(value);
    this.el.hidden = false;
    this.el.style.left = `${Math.round(pageX + 20)}px`;
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
    this.hint.hidden = false;
    this.input.hidden = true;
    this.valueText.hidden = false;
    this.valueText.textContent = formatValue(this.value);
  }

  hide() {
    if (this.editing) this.stopEditing();
    this.el.hidden = true;
    this.target = null;
  }
}
