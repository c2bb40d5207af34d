/**
 * The normal page's entry point: mounts one playground on the page
 * (static/js/playground.js) and adds what belongs to the page around it: the
 * share link in the address bar, keyboard shortcuts, Copy link, Save, the
 * Export menu, Compare, and the "read more" button.
 */

import { copyLink, currentHash, reloadOnHashEdit, writeHash } from "./hashlink.js";
import { installShortcuts } from "./keyboard.js";
import { createPlayground, readSettingsTable } from "./playground.js";
import { compareUrl } from "./comparelink.js";

const playground = createPlayground(document.body, {
  table: readSettingsTable(),
  getHash: currentHash,
  getSnapshot: () => document.body.dataset.snapshot || null,
  showHash: writeHash,
  onSaved: showSaved,
});
const { commands, controls, messages, state } = playground;

installShortcuts({
  togglePlay: () => controls.togglePlay(),
  step: commands.step,
  reset: commands.reset,
}, (name) => state.hidden.has(name));
reloadOnHashEdit();

document.getElementById("copy-link-button").addEventListener("click", async () => {
  const ok = await copyLink();
  messages.show(ok ? "Link copied: it opens this exact set-up." : `Copy this link: ${location.href}`);
});
document.getElementById("save-button").addEventListener("click", () => {
  if (!playground.send({ type: "save" })) messages.show("Saving needs the server; try again once it is back.");
});
// Compare: this set-up on both sides, to change one side and train both in lockstep.
document.getElementById("compare-button").addEventListener("click", () => {
  const hash = state.hash ?? currentHash();
  window.open(compareUrl(hash, hash), "_blank", "noopener");
});

// The Export menu saves the session first and downloads the saved network in
// the chosen format, so the file is exactly what the page shows.
let exportFormat = null;
const exportMenu = document.getElementById("export-menu");
for (const button of exportMenu.querySelectorAll("button[data-format]")) {
  button.addEventListener("click", () => {
    exportMenu.open = false;
    if (!playground.send({ type: "save" })) {
      messages.show("Exporting needs the server; try again once it is back.");
      return;
    }
    exportFormat = button.dataset.format;
  });
}

async function download(id, format) {
  const response = await fetch(`/api/export?snapshot=${encodeURIComponent(id)}&format=${format}`);
  if (!response.ok) {
    const reason = await response.json().then((body) => body.error, () => response.statusText);
    messages.show(`Export failed: ${reason}`, "error");
    return;
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "")?.[1] || `network.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The answer to Save: show the short link and copy it (or, for Export, download). */
async function showSaved(id, url) {
  if (exportFormat) {
    const format = exportFormat;
    exportFormat = null;
    await download(id, format);
    return;
  }
  const link = document.getElementById("saved-link");
  const full = new URL(url, location.origin).href;
  link.href = full;
  link.textContent = full;
  link.hidden = false;
  let copied = false;
  try {
    await navigator.clipboard.writeText(full);
    copied = true;
  } catch (err) {
    copied = false;
  }
  messages.show(copied ? `Saved and copied: ${full} opens this trained network.`
    : `Saved: ${full} opens this trained network.`);
}

document.getElementById("more-button").addEventListener("click", () => {
  document.getElementById("article-text").scrollIntoView({ behavior: "smooth" });
});

playground.connect();
