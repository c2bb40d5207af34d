/**
 * A cleared 2D context for a canvas drawn at its CSS size, sharp on any
 * screen: the backing store is scaled by devicePixelRatio and the context
 * draws in CSS pixels. Returns { ctx, width, height } (CSS pixels).
 */
export function freshContext(canvas, fallbackWidth, fallbackHeight = fallbackWidth) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || fallbackWidth;
  const height = canvas.clientHeight || fallbackHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}
