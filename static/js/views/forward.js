/**
 * A forward pass in the page, with the weights of the frame on screen: what
 * a chosen layer makes of any point of the plane. The hidden-space view uses
 * it to bend the input grid and the data as the network sees them.
 *
 * Shapes: a point is [x1, x2]; `weights[l][source][dest]` and `biases[l][dest]`
 * as frames carry them (docs/protocol.md); `features` the active input
 * features in input order.
 */

import { activation } from "./activationfns.js";

const FEATURE_FUNCTIONS = {
  x: (x1) => x1,
  y: (x1, x2) => x2,
  xSquared: (x1) => x1 * x1,
  ySquared: (x1, x2) => x2 * x2,
  xTimesY: (x1, x2) => x1 * x2,
  sinX: (x1) => Math.sin(x1),
  sinY: (x1, x2) => Math.sin(x2),
};

/** The active features' values at (x1, x2), in input order. */
export function featureValues(features, x1, x2) {
  return features.map((name) => FEATURE_FUNCTIONS[name](x1, x2));
}

/**
 * The outputs of non-input layer `layer` (0 = first hidden) for one point.
 * Hidden layers use `activationName`; the last layer is the output (tanh for
 * classification, identity for regression), as in the engine.
 */
export function layerOutputs({ features, weights, biases, activationName, problem }, layer, x1, x2) {
  let values = featureValues(features, x1, x2);
  const hidden = activation(activationName).f;
  const last = weights.length - 1;
  for (let l = 0; l <= layer; l += 1) {
    const w = weights[l];
    const b = biases[l];
    const next = new Array(b.length);
    for (let dest = 0; dest < b.length; dest += 1) {
      let total = b[dest];
      for (let source = 0; source < values.length; source += 1) total += w[source][dest] * values[source];
      if (l < last) next[dest] = hidden(total);
      else next[dest] = problem === "regression" ? total : Math.tanh(total);
    }
    values = next;
  }
  return values;
}

/**
 * The two leading principal directions of `rows` (n × d): [[…d], […d]] unit
 * vectors, by power iteration on the covariance with deflation, and the mean.
 */
export function principalDirections(rows) {
  const n = rows.length;
  const d = rows[0]?.length || 0;
  const mean = new Array(d).fill(0);
  for (const row of rows) for (let i = 0; i < d; i += 1) mean[i] += row[i] / n;
  const cov = Array.from({ length: d }, () => new Array(d).fill(0));
  for (const row of rows) {
    for (let i = 0; i < d; i += 1) {
      const di = row[i] - mean[i];
      for (let j = 0; j < d; j += 1) cov[i][j] += (di * (row[j] - mean[j])) / n;
    }
  }
  const directions = [];
  for (let k = 0; k < Math.min(2, d); k += 1) {
    let v = Array.from({ length: d }, (_, i) => (i === k ? 1 : 0.5 / (i + 1)));
    for (let iter = 0; iter < 100; iter += 1) {
      const next = cov.map((row) => row.reduce((sum, c, j) => sum + c * v[j], 0));
      for (const u of directions) {
        const dot = next.reduce((sum, x, i) => sum + x * u[i], 0);
        for (let i = 0; i < d; i += 1) next[i] -= dot * u[i];
      }
      const norm = Math.hypot(...next);
      if (!(norm > 1e-12)) break;
      v = next.map((x) => x / norm);
    }
    directions.push(v);
  }
  while (directions.length < 2) directions.push(new Array(d).fill(0));
  return { mean, directions };
}
