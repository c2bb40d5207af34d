/**
 * The hidden-layer activations as the page draws them: f(z) and f'(z) for
 * every choice of the settings table's `activation`, in float64 like the
 * engine's `engine/activations.py` (a browser test compares the two). Used by
 * the activation preview and by the hidden-space view, which runs points
 * through the network with the frame's weights.
 */

const LEAKY_SLOPE = 0.01;
const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/** σ(z) = (1 + tanh(z/2)) / 2, which never overflows. */
const smoothSigmoid = (z) => 0.5 * (1 + Math.tanh(0.5 * z));
const geluTanh = (z) => Math.tanh(GELU_SCALE * (z + GELU_CUBIC * z * z * z));

/** name → { f(z), df(z) } */
export const ACTIVATIONS = {
  relu: { f: (z) => Math.max(0, z), df: (z) => (z > 0 ? 1 : 0) },
  tanh: { f: Math.tanh, df: (z) => { const t = Math.tanh(z); return 1 - t * t; } },
  sigmoid: {
    f: (z) => 1 / (1 + Math.exp(-z)),
    df: (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); },
  },
  linear: { f: (z) => z, df: () => 1 },
  leakyRelu: { f: (z) => Math.max(z, LEAKY_SLOPE * z), df: (z) => (z > 0 ? 1 : LEAKY_SLOPE) },
  elu: { f: (z) => Math.max(z, 0) + Math.expm1(Math.min(z, 0)), df: (z) => (z > 0 ? 1 : Math.exp(z)) },
  softplus: {
    f: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
    df: smoothSigmoid,
  },
  swish: {
    f: (z) => z * smoothSigmoid(z),
    df: (z) => { const s = smoothSigmoid(z); const a = z * s; return a + s * (1 - a); },
  },
  gelu: {
    f: (z) => 0.5 * z * (1 + geluTanh(z)),
    df: (z) => {
      const t = geluTanh(z);
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBIC * z * z);
    },
  },
  sine: { f: Math.sin, df: Math.cos },
};

export function activation(name) {
  return ACTIVATIONS[name] || ACTIVATIONS.tanh;
}
