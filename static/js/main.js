/**
 * The page's entry point: keeps the latest state received from the server,
 * mounts every component, turns user actions into commands, and draws on
 * requestAnimationFrame with the newest frame (frames that arrive between two
 * paints are merged, never queued).
 *
 * State kept here (everything else lives in the components):
 *   - from frames: epoch, playing, losses, weights/biases/dead, the grids
 *     (output 100x100, thumbnails 10x10 per node, focus 100x100), and the
 *     parts sent only on change: layout, data, settings (+ hash, hidden);
 *   - of the page: the hovered node and the view settings (discretize, show
 *     test data), applied at once and also sent so the share link keeps them.
 */

import { Classroom } from "./classroom.js";
import { Controls } from "./controls.js";
import { DatasetPicker } from "./datasets.js";
import { copyLink, currentHash, reloadOnHashEdit, writeHash } from "./hashlink.js";
import { Goals } from "./goals.js";
import { Heatmap } from "./heatmap.js";
import { installShortcuts } from "./keyboard.js";
import { carriedSession, followLinkLanguage, LanguageSwitch } from "./language.js";
import { LineChart } from "./linechart.js";
import { Messages } from "./messages.js";
import { TaskMetrics } from "./metrics.js";
import { NetworkView } from "./network.js";
import { Connection } from "./socket.js";
import { UserData } from "./userdata.js";
import { SeeInside } from "./views/seeinside.js";
import { say, t } from "./i18n.js";

const tableList = JSON.parse(document.getElementById("settings-table").textContent);
const table = Object.fromEntries(tableList.map((setting) => [setting.name, setting]));
const LEARNING_RATES = (table.learningRate?.choices || []).map(Number).sort((a, b) => a - b);
const VIEW_NAMES = tableList.filter((s) => s.effect === "view" && s.kind === "bool").map((s) => s.name);

const shownLinkNotices = new Set();
// A link in another language than this page's loads the page in that language.
const leaving = followLinkLanguage(table.lang?.choices || []);

const state = {
  session: null,
  epoch: 0,
  playing: false,
  trainLoss: null,
  testLoss: null,
  weights: null,
  biases: null,
  dead: null,
  layout: null,
  data: null,
  settings: null,
  hidden: new Set(),
  hash: null,
  output: null,
  outputClass: null,
  outputConfidence: null,
  metrics: null,
  highlight: null,
  thumbnails: null,
  focus: null,
  focusNode: null,
  hovered: null,
  view: Object.fromEntries(VIEW_NAMES.map((name) => [name, Boolean(table[name].default)])),
};

// ---- commands (page -> server) -------------------------------------------

const connection = new Connection({
  getHash: currentHash,
  getSnapshot: () => document.body.dataset.snapshot || null,
  onSaved: showSaved,
  onFrame: receiveFrame,
  onNotice: (message, about) => messages.show(say(message), "notice", about),
  // A hover that raced a rebuild names a node that is gone: not worth a message.
  onError: (message, command) => { if (command !== "focus") messages.show(say(message), "error"); },
  onStatus: showConnection,
  onReply: (message) => seeInside.receive(message),
});

// Values asked for by a toggle or a +/- button, until a frame confirms them
// (or for a moment at most, should the server have used another value):
// quick clicks then build on each other, not on a stale frame.
const PENDING_MS = 2000;
const pending = {};

function askFor(name, value) {
  if (connection.send({ type: "set", settings: { [name]: value } })) pending[name] = { value, at: performance.now() };
}

function current(name) {
  const asked = pending[name];
  return asked && performance.now() - asked.at < PENDING_MS ? asked.value : state.settings?.[name];
}

const commands = {
  set: (settings) => connection.send({ type: "set", settings }),
  currentShape: () => [...(current("networkShape") ?? [])],
  setShape: (shape) => askFor("networkShape", shape),
  play: () => {
    messages.hideDivergence();
    connection.send({ type: "play" });
  },
  pause: () => connection.send({ type: "pause" }),
  step: () => connection.send({ type: "step" }),
  reset: () => {
    messages.hideDivergence();
    connection.send({ type: "reset" });
  },
  regenerate: () => connection.send({ type: "regenerate" }),
  speed: (value) => connection.send({ type: "speed", value }),
  edit: (target, value) => connection.send({ type: "edit", ...target, value }),
  focus: (node) => {
    state.hovered = node;
    connection.send({ type: "focus", node });
    scheduleDraw();
  },
  setView: (name, value) => {
    state.view[name] = value;
    scheduleDraw();
    commands.set({ [name]: value });
  },
  // The classroom section's checkboxes: `<name>_hide` in the share link.
  hide: (name, hidden) => connection.send({ type: "hide", name, hidden }),
};

// ---- components ------------------------------------------------------------

const messages = new Messages(commands);
const controls = new Controls(table, commands);
const datasets = new DatasetPicker(document.querySelector(".column.data"), commands);
const heatmap = new Heatmap(document.getElementById("heatmap"));
const chart = new LineChart(document.getElementById("linechart"));
const shapeSetting = table.networkShape || {};
const network = new NetworkView(document.getElementById("network"), {
  focus: commands.focus,
  toggleFeature: (name) => askFor(name, !current(name)),
  currentShape: commands.currentShape,
  setShape: commands.setShape,
  edit: commands.edit,
}, { minNeurons: shapeSetting.minimum ?? 1, maxNeurons: shapeSetting.maximum ?? 16 });
const classroom = new Classroom(document.getElementById("article-text"), commands);
const userData = new UserData(document.getElementById("own-data"), commands, { redraw: () => scheduleDraw() });
const statusBadge = document.getElementById("connection-status");
const seeInside = new SeeInside(document.getElementById("see-inside"), {
  send: (command) => connection.send(command),
  plot: document.getElementById("heatmap"),
});
const goals = new Goals(document.getElementById("goals"));
const taskMetrics = new TaskMetrics(document.getElementById("task-metrics"), document.getElementById("class-legend"),
  (cell) => { state.highlight = cell; scheduleDraw(); });
const languageSwitch = new LanguageSwitch(document.getElementById("lang"), commands, connection);

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
  if (!connection.send({ type: "save" })) messages.show(t("js.save_needs_server"));
});

// The Export menu saves the session first and downloads the saved network in
// the chosen format, so the file is exactly what the page shows.
let exportFormat = null;
const exportMenu = document.getElementById("export-menu");
for (const button of exportMenu.querySelectorAll("button[data-format]")) {
  button.addEventListener("click", () => {
    exportMenu.open = false;
    if (!connection.send({ type: "save" })) {
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

// ---- frames (server -> page) -----------------------------------------------

/** The settings part of a frame: {values, hash, notices, hidden} (docs/protocol.md). */
function readSettings(part) {
  return { values: part.values, hash: part.hash, notices: part.notices || [], hidden: part.hidden || [] };
}

function receiveFrame({ header, grids }) {
  if (header.type && header.type !== "frame") return;
  state.session = header.session;
  state.epoch = header.epoch;
  state.playing = Boolean(header.playing);
  state.trainLoss = header.trainLoss;
  state.testLoss = header.testLoss;
  state.weights = header.weights;
  state.biases = header.biases;
  state.dead = header.dead;
  state.gradientNorms = header.gradientNorms || null;
  state.deltaNorms = header.deltaNorms || null;
  if (header.layout) state.layout = header.layout;
  if (header.data) state.data = header.data;
  if (header.settings) {
    const part = readSettings(header.settings);
    state.settings = part.values;
    for (const name of Object.keys(pending)) {
      if (String(pending[name].value) === String(part.values[name])) delete pending[name];
    }
    state.hidden = new Set(part.hidden);
    for (const name of VIEW_NAMES) {
      if (name in part.values) state.view[name] = Boolean(part.values[name]);
    }
    state.hash = part.hash;
    // Notices about the link come with every settings block: say each once.
    for (const notice of part.notices) {
      const text = say(notice);
      if (shownLinkNotices.has(text)) continue;
      shownLinkNotices.add(text);
      messages.show(text, "notice");
    }
    document.body.classList.toggle("hide-text", Boolean(part.values.hideText));
    messages.settingsChanged(part.values);
  }
  showStopped(header.stopped || null);
  showRate(header.learningRateNow);
  messages.updateDivergence(header.divergence || null, Number(state.settings?.learningRate), LEARNING_RATES);
  state.output = grids.output;
  state.outputClass = grids.outputClass || null;
  state.outputConfidence = grids.outputConfidence || null;
  if (header.metrics) state.metrics = header.metrics;
  state.thumbnails = grids.thumbnails;
  state.focus = grids.focus;
  state.focusNode = header.grids?.focusNode || null;
  chart.add(header.lossPoints, header.chartReset);
  scheduleDraw();
}

// The learning rate the next epoch uses (a schedule moves it while training).
const rateNow = document.getElementById("learning-rate-now");
function showRate(rate) {
  const text = Number.isFinite(rate) ? Number(rate.toPrecision(3)).toString() : "";
  if (rateNow.textContent !== text) rateNow.textContent = text;
}

// Why training stopped by itself (a stop condition), under the map.
const stopReason = document.getElementById("stop-reason");
function showStopped(stopped) {
  const text = stopped ? say(stopped) : "";
  if (stopReason.textContent !== text) stopReason.textContent = text;
  stopReason.hidden = !stopped;
}

function showConnection(status, sent = 0) {
  const text = ["connecting", "open", "reconnecting"].includes(status) ? t(`js.status.${status}`) : status;
  statusBadge.dataset.state = status;
  statusBadge.textContent = text;
  document.body.dataset.connection = status;
  // Said plainly while the server cannot be reached: nothing the user does is lost.
  const away = document.getElementById("server-away");
  away.hidden = status !== "reconnecting";
  if (status === "open" && sent > 0) messages.show(t("js.server_back"));
}

// ---- drawing ---------------------------------------------------------------

let drawPending = false;
let appliedHidden = null;
let appliedNetworkKey = null;

function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(draw);
}

function sameNode(a, b) {
  return Boolean(a && b) && a.layer === b.layer && a.index === b.index;
}

function draw() {
  drawPending = false;
  const showingNode = Boolean(state.hovered && state.focus && sameNode(state.hovered, state.focusNode));
  // K ≥ 3 classes: an output neuron shows its class's probability in its colour.
  const layers = state.layout?.layers || [];
  const classNode = showingNode && state.layout?.labelKind === "index" && state.focusNode.layer === layers.length - 1;
  heatmap.update({
    grid: showingNode ? state.focus : state.output,
    classMap: state.outputClass ? { winners: state.outputClass, confidences: state.outputConfidence } : null,
    gridColor: classNode ? state.layout.palette[state.focusNode.index] : null,
    layout: state.layout,
    showingNode: showingNode ? state.focusNode : null,
    discretize: state.view.discretize,
    data: userData.shownData(state.data),
    showTestData: state.view.showTestData,
    highlight: state.highlight,
    predicted: state.metrics?.test?.predicted,
  });
  network.update({
    layout: state.layout,
    hidden: state.hidden,
    weights: state.weights,
    biases: state.biases,
    dead: state.dead,
    thumbnails: state.thumbnails,
    output: state.output,
    epoch: state.epoch,
    discretize: state.view.discretize,
  });
  controls.update(state);
  datasets.update(state);
  userData.update(state);
  classroom.update(state);
  chart.update();
  seeInside.update(state);
  goals.update(state);
  taskMetrics.update(state);
  languageSwitch.update(state);
  if (state.hidden !== appliedHidden || network.key !== appliedNetworkKey) {
    applyHidden(state.hidden);
    appliedHidden = state.hidden;
    appliedNetworkKey = network.key;
  }
  // After the components, so the address never runs ahead of what the page shows.
  if (state.hash !== null) writeHash(state.hash);
  document.body.dataset.epoch = String(state.epoch);
  document.body.dataset.ready = state.layout && (state.output || state.outputClass) ? "true" : "false";
}

/** `<name>_hide=true` in the link hides every `.ui-<name>` element. */
function applyHidden(hidden) {
  for (const element of document.querySelectorAll(".is-hidden")) element.classList.remove("is-hidden");
  for (const name of hidden) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) continue;
    for (const element of document.querySelectorAll(`.ui-${name}`)) element.classList.add("is-hidden");
  }
}

// A language switch hands its session over to this page.
connection.session = carriedSession();
if (!leaving) connection.connect();
