/**
 * The playground's colours: orange for negative, light grey for zero, blue for
 * positive. Two scales are built from these three colours:
 *
 * - the continuous scale (links, biases, dataset thumbnails): piecewise-linear
 *   RGB interpolation over [-1, 0, 1], clamped, rounded to whole RGB values;
 * - the quantized scale (heatmaps and data points): the same interpolation
 *   sampled at 31 evenly spaced positions; a value v falls in bin
 *   clamp(floor(31 (v + 1) / 2), 0, 30), so 0 lands in the middle bin.
 *
 * Grids arrive as bytes q standing for (q - 127.5) / 127.5, so the heatmaps use
 * a 256-entry lookup table from byte to RGBA (alpha 160), one table for the
 * smooth picture and one for the discretized picture (q >= 128 means >= 0).
 */

export const NEGATIVE = [0xf5, 0x93, 0x22];
export const ZERO = [0xe8, 0xea, 0xeb];
export const POSITIVE = [0x08, 0x77, 0xbd];
export const HEATMAP_ALPHA = 160;
export const SHADE_COUNT = 31;

/** RGB triple of the continuous scale at value v (clamped to [-1, 1]). */
export function continuousRGB(v) {
  if (!Number.isFinite(v)) return [0, 0, 0];
  const t = Math.max(-1, Math.min(1, v));
  const [from, to, f] = t < 0 ? [ZERO, NEGATIVE, -t] : [ZERO, POSITIVE, t];
  return [0, 1, 2].map((i) => Math.round(from[i] + (to[i] - from[i]) * f));
}

function hex(rgb) {
  return "#" + rgb.map((c) => c.toString(16).padStart(2, "0")).join("");
}

/** CSS colour of the continuous scale at value v. */
export function continuousColor(v) {
  return hex(continuousRGB(v));
}

/** The 31 shades of the quantized scale, as RGB triples, orange to blue. */
export const SHADES = Array.from({ length: SHADE_COUNT }, (_, k) => continuousRGB((2 * k) / (SHADE_COUNT - 1) - 1));

/** The 31 shades as CSS colours. */
export const SHADE_COLORS = SHADES.map(hex);

/** Bin of the quantized scale for value v. */
export function shadeIndex(v) {
  const k = Math.floor((SHADE_COUNT * (v + 1)) / 2);
  return Math.max(0, Math.min(SHADE_COUNT - 1, k));
}

/** CSS colour of the quantized scale at value v (NaN draws black). */
export function quantizedColor(v) {
  return Number.isFinite(v) ? SHADE_COLORS[shadeIndex(v)] : "#000000";
}

/** The value a grid byte stands for. */
export function byteValue(q) {
  return (q - 127.5) / 127.5;
}

function buildLookup(discretize) {
  const table = new Uint8ClampedArray(256 * 4);
  for (let q = 0; q < 256; q++) {
    const v = discretize ? (q >= 128 ? 1 : -1) : byteValue(q);
    const rgb = SHADES[shadeIndex(v)];
    table.set([rgb[0], rgb[1], rgb[2], HEATMAP_ALPHA], q * 4);
  }
  return table;
}

const LOOKUPS = { smooth: buildLookup(false), discrete: buildLookup(true) };

/** The byte -> RGBA table (256 x 4 bytes) for drawing a grid. */
export function gridLookup(discretize) {
  return discretize ? LOOKUPS.discrete : LOOKUPS.smooth;
}

/**
 * Paint `bytes` (a row-major grid of `width` x `height` values) into `image`
 * (an ImageData of the same size) through the lookup table.
 */
export function paintGrid(image, bytes, discretize) {
  const table = gridLookup(discretize);
  const pixels = image.data;
  const count = Math.min(bytes.length, pixels.length / 4);
  for (let i = 0; i < count; i++) {
    const from = bytes[i] * 4;
    const to = i * 4;
    pixels[to] = table[from];
    pixels[to + 1] = table[from + 1];
    pixels[to + 2] = table[from + 2];
    pixels[to + 3] = table[from + 3];
  }
}
