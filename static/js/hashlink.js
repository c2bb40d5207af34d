/**
 * The share link in the address bar. The page never parses or writes the
 * hash's contents itself: it sends the raw hash in `hello` and writes back the
 * canonical hash the server returns, with `history.replaceState` so no
 * `hashchange` fires. Editing the hash by hand reloads the page with it.
 */

/** The raw hash, without its '#'. */
export function currentHash() {
  return location.hash.replace(/^#/, "");
}

// Browsers throttle (and complain about) very frequent history updates, and a
// dragged slider can change the link many times a second: write at most this often.
const WRITE_INTERVAL_MS = 120;
let pendingHash = null;
let lastWrite = -Infinity;
let writeTimer = null;

function flushHash() {
  writeTimer = null;
  lastWrite = performance.now();
  const hash = pendingHash;
  pendingHash = null;
  if (hash === null || currentHash() === hash) return;
  history.replaceState(history.state, "", `${location.pathname}${location.search}#${hash}`);
}

/** Show `hash` (canonical, from the server) in the address bar. */
export function writeHash(hash) {
  if (typeof hash !== "string") return;
  pendingHash = hash;
  if (writeTimer !== null) return;
  const wait = lastWrite + WRITE_INTERVAL_MS - performance.now();
  if (wait <= 0) flushHash();
  else writeTimer = setTimeout(flushHash, wait);
}

/** A hash typed by the user is a new set-up: start from it. */
export function reloadOnHashEdit() {
  window.addEventListener("hashchange", () => location.reload());
}

/** Copy the current address; resolves to true when it worked. */
export async function copyLink() {
  const url = location.href;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(url);
      return true;
    }
  } catch (err) {
    // Fall through to the selection-based copy.
  }
  const field = document.createElement("textarea");
  field.value = url;
  field.setAttribute("readonly", "");
  field.className = "offscreen-copy";
  document.body.appendChild(field);
  field.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch (err) {
    ok = false;
  }
  field.remove();
  return ok;
}
