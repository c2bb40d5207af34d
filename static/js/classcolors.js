/**
 * Colours of K classes (the frame's `layout.palette`, one CSS colour per class,
 * class 0 first; the server's engine/task.py chooses them). With two classes
 * the page keeps the original's signed orange/blue scale (colors.js); with
 * three or more:
 *
 * - the decision map is painted from two 100x100 byte grids, the winning class
 *   and its probability q/255: the class colour mixed from the zero grey by the
 *   confidence above chance, s = (p·K − 1)/(K − 1), so a sure region is full
 *   colour and an undecided one grey; "discretize" paints the winner at full
 *   strength;
 * - an output neuron's picture (thumbnail, or 100x100 on hover) is its class's
 *   probability, the signed bytes of the other grids read in [0, 1], mixed from
 *   grey to the class colour ("discretize": p ≥ ½ full colour, else grey);
 * - points take their class's colour.
 */

import { HEATMAP_ALPHA, ZERO, byteValue, quantizedColor } from "./colors.js";

/** [r, g, b] of a "#rrggbb" colour. */
export function rgbOf(css) {
  const text = String(css).replace("#", "");
  return [0, 2, 4].map((at) => parseInt(text.slice(at, at + 2), 16));
}

function mix(rgb, strength, pixels, to) {
  const s = Math.max(0, Math.min(1, strength));
  pixels[to] = ZERO[0] + (rgb[0] - ZERO[0]) * s;
  pixels[to + 1] = ZERO[1] + (rgb[1] - ZERO[1]) * s;
  pixels[to + 2] = ZERO[2] + (rgb[2] - ZERO[2]) * s;
  pixels[to + 3] = HEATMAP_ALPHA;
}

/** Paint the K-class decision map into `image` (ImageData of the grids' size). */
export function paintClassMap(image, winners, confidences, palette, discretize) {
  const colours = palette.map(rgbOf);
  const k = Math.max(2, colours.length);
  const pixels = image.data;
  const count = Math.min(winners.length, confidences.length, pixels.length / 4);
  for (let i = 0; i < count; i++) {
    const rgb = colours[winners[i]] || ZERO;
    const p = confidences[i] / 255;
    mix(rgb, discretize ? 1 : (p * k - 1) / (k - 1), pixels, i * 4);
  }
}

/** Paint one output neuron's probabilities (signed grid bytes) in its class colour. */
export function paintProbability(image, bytes, colour, discretize) {
  const rgb = rgbOf(colour);
  const pixels = image.data;
  const count = Math.min(bytes.length, pixels.length / 4);
  for (let i = 0; i < count; i++) {
    const p = byteValue(bytes[i]);
    mix(rgb, discretize ? (p >= 0.5 ? 1 : 0) : p, pixels, i * 4);
  }
}

/** A point's colour: its class's for class-index labels, else the signed scale. */
export function pointColor(layout, label) {
  if (layout && layout.labelKind === "index") return layout.palette[label] || "#000000";
  return quantizedColor(label);
}
