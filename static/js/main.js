/**
 * The normal page's entry point: mounts one playground on the page
 * (static/js/playground.js) and adds what belongs to the page around it: the
 * share link in the address bar, keyboard shortcuts, Copy link, Save, the
 * Export menu, Compare, and the "read more" button.
 */

import { copyLink, currentHash, reloadOnHashEdit, writeHash } from "./hashlink.js";
import { installShortcuts } from "./keyboard.js";
import { carriedSession, followLinkLanguage, LanguageSwitch } from "./language.js";
import { createPlayground, readSettingsTable } from "./playground.js";
import { compareUrl } from "./comparelink.js";
import { say, t } from "./i18n.js";

const tableList = readSettingsTable();
// A link in another language than this page's loads the page in that language.
const leaving = followLinkLanguage(tableList.find((setting) => setting.name === "lang")?.choices || []);

const playground = createPlayground(document.body, {
  table: tableList,
  getHash: currentHash,
  getSnapshot: () => document.body.dataset.snapshot || null,
  showHash: writeHash,
  onSaved: showSaved,
  onFrame: (state) => languageSwitch.update(state),
});
const { commands, controls, messages, state } = playground;
const languageSwitch = new LanguageSwitch(document.getElementById("lang"), commands, playground.connection);

installShortcuts({
  togglePlay: () => controls.togglePlay(),
  step: commands.step,
  reset: commands.reset,
}, (name) => state.hidden.has(name));
reloadOnHashEdit();

document.getElementById("copy-link-button").addEventListener("click", async () => {
  const ok = await copyLink();
  messages.show(ok ? t("js.link_copied") : t("js.copy_this_link", { url: location.href }));
});
document.getElementById("save-button").addEventListener("click", () => {
  if (!playground.send({ type: "save" })) messages.show(t("js.save_needs_server"));
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
      messages.show(t("js.export_needs_server"));
      return;
    }
    exportFormat = button.dataset.format;
  });
}

async function download(id, format) {
  const response = await fetch(`/api/export?snapshot=${encodeURIComponent(id)}&format=${format}`);
  if (!response.ok) {
    // The API's error is a message ({code, params, error}): said in the page's language.
    const reason = await response.json().then(
      (body) => (body.code ? say({ ...body, message: body.error }) : String(body.error ?? response.statusText)),
      () => response.statusText);
    messages.show(t("js.export_failed", { reason }), "error");
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
  messages.show(t(copied ? "js.saved_copied" : "js.saved", { url: full }));
}

document.getElementById("more-button").addEventListener("click", () => {
  document.getElementById("article-text").scrollIntoView({ behavior: "smooth" });
});

// A language switch hands its session over to this page.
playground.connection.session = carriedSession();
if (!leaving) playground.connect();
