/** Small helpers for building SVG and HTML elements without innerHTML. */

export const SVG_NS = "http://www.w3.org/2000/svg";

/** A new SVG element with presentation attributes (never a `style` attribute). */
export function svgEl(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  if (parent) parent.appendChild(el);
  return el;
}

/** A new HTML element with classes and optional text. */
export function htmlEl(tag, className = "", text = null, parent = null) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== null) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

/** Remove every child of `el`. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}
