/**
 * The compare page's link: `/compare#a=<link A>&b=<link B>`, each half a
 * percent-encoded share-link hash (what follows `#` on the normal page).
 *
 *   compareUrl("activation=relu&seed=0.5", "…") -> "/compare#a=activation%3Drelu%26seed%3D0.5&b=…"
 *   readCompareHash("a=…&b=…") -> {a: "activation=relu&seed=0.5", b: "…"}
 *
 * A half that is absent or empty is "" (the default set-up); a half that is
 * not valid percent-encoding is kept as it is, so the server names what is
 * wrong with it in its usual notices.
 */

function decodeHalf(text) {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    return text;
  }
}

/** The two halves of a compare hash (without its '#'). */
import { lang } from "./i18n.js";

export function readCompareHash(hash) {
  const halves = { a: "", b: "" };
  for (const item of hash.replace(/^#/, "").split("&")) {
    const at = item.indexOf("=");
    const key = at < 0 ? item : item.slice(0, at);
    if (key === "a" || key === "b") halves[key] = decodeHalf(at < 0 ? "" : item.slice(at + 1));
  }
  return halves;
}

/** The compare hash for two share-link hashes. */
export function compareHash(a, b) {
  return `a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
}

/** The compare page's address for two share-link hashes. */
export function compareUrl(a, b) {
  // The compare page is rendered in the language of the page that opens it
  // (the server cannot see the halves' `lang=`: a hash is not sent).
  const query = lang !== "en" ? `?lang=${encodeURIComponent(lang)}` : "";
  return `/compare${query}#${compareHash(a, b)}`;
}
